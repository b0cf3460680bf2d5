"""The big hostile inputs, through the real CLI in a child process whose address space is capped
at 1 GB (``RLIMIT_AS`` in a ``preexec_fn``) and whose run time is bounded (``timeout=``): a 50 MB
string, a 2 GB file of one line (sparse: made with seek, it costs no disk), a 2 GB line between
good JSONL lines, 2 GB of NUL bytes, JSON nested 100,000 deep.  Reading any of them whole would
need more memory than the child has: the tool must answer from ``stat`` and bounded reads.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.hardening.conftest import MODEL, assert_clear_failure, cli_subprocess, request
from tests.hardening.corpus import DEEP

TWO_GB = 2 << 30
GOOD = json.dumps(request("a good record")).encode()
# More than the 64 KB head, so the file does not look binary: the NUL hole starts after it.
PREFIX = ('{"model": "%s", "max_tokens": 5, "messages": [{"role": "user", "content": "' % MODEL).encode() + b"x" * 100_000


def sparse(path: Path, head: bytes, size: int, tail: bytes = b"") -> Path:
    with path.open("wb") as f:
        f.write(head)
        f.seek(size - len(tail))
        f.write(tail)
    assert path.stat().st_size == size
    assert path.stat().st_blocks * 512 < 16 << 20, "the file system does not do sparse files"
    return path


@pytest.fixture(scope="module")
def big_string(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big-string.json"
    path.write_text(json.dumps(request("y" * (50 << 20))))
    return path


@pytest.mark.deadline(150)
def test_a_50_mb_string_is_checked_fixed_and_exported_within_bounds(big_string: Path, tmp_path: Path):
    t0 = time.monotonic()
    run = cli_subprocess("check", big_string, timeout=40)
    assert run.rc == 1 and "Traceback" not in run.err, run.err[-2000:]
    assert "S001 [error] the request body is 52,428,896 bytes of JSON; the limit is 32 MB" in run.out
    out = tmp_path / "fixed.json"
    run = cli_subprocess("fix", big_string, "-o", out, timeout=40)
    assert run.rc == 1 and "Traceback" not in run.err and out.exists()
    assert json.loads(out.read_text()) == json.loads(big_string.read_text())
    run = cli_subprocess("export", big_string, timeout=40)
    assert run.rc == 0 and json.loads(run.out) == json.loads(big_string.read_text())
    run = cli_subprocess("export", big_string, "--as", "curl", timeout=40)
    assert run.rc == 0 and run.out.startswith("curl ")
    assert time.monotonic() - t0 < 120


@pytest.mark.deadline(120)
def test_a_2_gb_document_of_one_line_is_refused_from_its_size(tmp_path: Path):
    path = sparse(tmp_path / "one-line.json", PREFIX, TWO_GB, b'"}]}\n')
    for argv in (("check", path), ("fix", path), ("export", path), ("fix", path, "--in-place")):
        t0 = time.monotonic()
        run = cli_subprocess(*argv, timeout=30)
        assert_clear_failure(run, "one-line.json")
        assert "2,048 MB" in run.err and "not read whole" in run.err, run.err
        assert len(run.err_lines) == 1 and time.monotonic() - t0 < 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one-line.json"]


@pytest.mark.deadline(120)
def test_a_2_gb_line_in_a_jsonl_log_is_skipped_and_the_good_records_kept(tmp_path: Path):
    path = sparse(tmp_path / "log.jsonl", GOOD + b"\n" + PREFIX, TWO_GB, b'"}]}\n' + GOOD + b"\n")
    run = cli_subprocess("check", path, timeout=30)
    assert_clear_failure(run, "log.jsonl:2")
    assert "over 512 MB" in run.err and "in 2 records" in run.out
    run = cli_subprocess("fix", path, "-o", tmp_path / "fixed.jsonl", timeout=30)
    assert_clear_failure(run, "log.jsonl:2")
    assert [json.loads(ln) for ln in (tmp_path / "fixed.jsonl").read_text().splitlines()] == [json.loads(GOOD)] * 2
    for record, rc in ((0, 0), (1, 2), (2, 0)):
        run = cli_subprocess("export", path, "--record", record, timeout=30)
        assert run.rc == rc and "Traceback" not in run.err, (record, run.err)
        if rc:
            assert "log.jsonl:2" in run.err and "over 512 MB" in run.err
        else:
            assert json.loads(run.out) == json.loads(GOOD)


@pytest.mark.deadline(60)
def test_2_gb_of_nul_bytes_is_a_binary_file(tmp_path: Path):
    path = sparse(tmp_path / "zeros.jsonl", b"", TWO_GB, b"\n")
    for argv in (("check", path), ("fix", path), ("export", path)):
        run = cli_subprocess(*argv, timeout=20)
        assert_clear_failure(run, "zeros.jsonl")
        assert "binary" in run.err and len(run.err_lines) == 1


@pytest.mark.deadline(60)
def test_nesting_100000_deep_in_a_child_process(tmp_path: Path):
    path = tmp_path / "deep.jsonl"
    path.write_text(json.dumps(request()) + "\n" + DEEP + "\n")
    run = cli_subprocess("check", path, timeout=20)
    assert_clear_failure(run, "deep.jsonl:2")
    assert "nested too deeply" in run.err and "messages.0.content.0" in run.err and "in 1 record" in run.out


@pytest.mark.deadline(60)
def test_the_catch_all_turns_an_unexpected_crash_into_one_line(tmp_path: Path):
    """Outside the test-suite's strict mode an unexpected exception is one line and exit 2; with
    PAYLOAD_DOCTOR_DEBUG=1 the traceback is shown."""
    path = tmp_path / "r.json"
    path.write_text(json.dumps(request()))
    env = {k: v for k, v in os.environ.items() if k != "PAYLOAD_DOCTOR_STRICT"}
    boom = ("import sys, tui.cli.check as c\n"
            "def crash(args): raise RuntimeError('boom sk-ant-api03-' + 'A' * 40)\n"
            "c.cmd_check = crash\n"
            "from tui.cli.main import main\nsys.exit(main(sys.argv[1:]))\n")
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", boom, "check", str(path)], capture_output=True, text=True,
                          timeout=30, env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "internal error: RuntimeError: boom" in proc.stderr
    assert "A" * 40 not in proc.stderr  # the message is redacted too
    proc = subprocess.run([sys.executable, "-c", boom, "check", str(path)], capture_output=True, text=True,
                          timeout=30, env={**env, "PAYLOAD_DOCTOR_DEBUG": "1"})
    assert proc.returncode == 1 and "Traceback" in proc.stderr
