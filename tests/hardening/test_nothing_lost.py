"""Nothing lost: ``fix --in-place`` keeps a ``.bak`` and every byte it did not have to change; an
export of an unmodified record is JSON-equal to the input; the curl export, run by the real
``curl`` against the fake API, delivers a body JSON-equal to the payload."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.fakeapi import FakeAPI, Reply, message
from tests.hardening.conftest import MODEL, SAMPLES, cli, jsonl, request
from tui.core.export.curl import to_curl
from tui.core.formats import load_all

BROKEN = json.loads((SAMPLES / "broken" / "C-empty-turns-in-history.json").read_text())


def _errors(path: Path) -> int:
    from tui.core.check import check_exchange

    _, exchanges, _ = load_all(path)
    return sum(f.severity.value == "error" for ex in exchanges for f in check_exchange(ex))


# -- fix --in-place -------------------------------------------------------------------------------

def _mixed_log(path: Path) -> tuple[Path, list[bytes]]:
    """A JSONL log with everything that must survive a rewrite: a BOM, CRLF and LF endings, blank
    lines, a pair with headers and unknown fields, a response-only record, a line that is not JSON,
    unicode, and two records that need repairs."""
    lines = [
        b"\xef\xbb\xbf" + json.dumps(request("clean \u00fcn\u00efcode \U0001f600"), ensure_ascii=False).encode() + b"\r\n",
        b"\n",
        json.dumps({"request": BROKEN, "response": message("ok"), "status": 200, "headers": {"x-api-key": "sk-ant-api03-" + "Z" * 40},
                    "custom_field": [1, 2.5, None], "request_id": "req_1"}).encode() + b"\n",
        b'{"model": "broken line", \n',
        json.dumps(message("a response alone")).encode() + b"\n",
        json.dumps(BROKEN, indent=None, separators=(",", ":")).encode() + b"\r\n",
        b"   \n",
        json.dumps(request("last, without a newline")).encode(),
    ]
    path.write_bytes(b"".join(lines))
    return path, lines


def test_fix_in_place_rewrites_only_the_repaired_records_and_keeps_a_bak(capsys, tmp_path):
    path, lines = _mixed_log(tmp_path / "run.jsonl")
    original = path.read_bytes()
    os.chmod(path, 0o640)
    errors_before = _errors(path)
    run = cli(capsys, "fix", path, "--in-place")
    assert run.rc == 2  # the broken line is reported (and kept)
    assert "run.jsonl:4: invalid JSON" in run.err and "fixed 2 records in place" in run.err
    bak = tmp_path / "run.jsonl.bak"
    assert bak.read_bytes() == original
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 and stat.S_IMODE(bak.stat().st_mode) == 0o640
    new = path.read_bytes().splitlines(keepends=True)
    assert len(new) == len(lines)
    for i in (0, 1, 3, 4, 6, 7):  # untouched, byte for byte (BOM, CRLF, blank lines, the bad line)
        assert new[i] == lines[i], i
    assert new[5].endswith(b"\r\n") and new[2].endswith(b"\n")
    pair = json.loads(new[2])
    old_pair = json.loads(lines[2])
    assert {k: v for k, v in pair.items() if k != "request"} == {k: v for k, v in old_pair.items() if k != "request"}
    assert list(pair) == list(old_pair)  # key order kept
    assert pair["request"] != BROKEN and json.loads(new[5]) == pair["request"]
    assert _errors(path) < errors_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.jsonl", "run.jsonl.bak"]


def test_fix_in_place_refuses_an_existing_bak_unless_forced(capsys, tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(BROKEN))
    bak = tmp_path / "r.json.bak"
    bak.write_text("an older original")
    run = cli(capsys, "fix", path, "--in-place")
    assert run.rc == 2 and "r.json.bak exists; add --force" in run.err
    assert json.loads(path.read_text()) == BROKEN and bak.read_text() == "an older original"
    run = cli(capsys, "fix", path, "--in-place", "--force")
    assert run.rc == 0, run.err
    assert json.loads(bak.read_text()) == BROKEN and _errors(path) == 0


def test_fix_in_place_of_a_clean_file_writes_nothing(capsys, tmp_path):
    path = tmp_path / "clean.jsonl"
    path.write_text(jsonl(request(), request("again")))
    before = path.read_bytes()
    run = cli(capsys, "fix", path, "--in-place")
    assert run.rc == 0 and "left as it is" in run.err
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["clean.jsonl"]


@pytest.mark.parametrize("shape", ["array", "pair", "messages-only"])
def test_fix_in_place_of_a_json_document(capsys, tmp_path, shape):
    path = tmp_path / "doc.json"
    doc = {"array": [request(), BROKEN, message()], "pair": {"request": BROKEN, "status": 400, "note": "kept"},
           "messages-only": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": [{"type": "text", "text": ""}]},
                             {"role": "user", "content": "more"}]}[shape]
    path.write_text(json.dumps(doc))
    run = cli(capsys, "fix", path, "--in-place")
    assert run.rc in (0, 1) and "fixed 1 record in place" in run.err, run.err
    assert json.loads((tmp_path / "doc.json.bak").read_text()) == doc
    new = json.loads(path.read_text())
    assert type(new) is type(doc)
    if shape == "array":
        assert new[0] == doc[0] and new[2] == doc[2] and new[1] != doc[1]
    elif shape == "pair":
        assert new["note"] == "kept" and new["status"] == 400 and new["request"] != BROKEN
    else:
        assert new != doc and "hi" in json.dumps(new) and "more" in json.dumps(new)


def test_fix_in_place_refuses_what_it_cannot_rewrite_and_leaves_it_alone(capsys, tmp_path):
    har = tmp_path / "capture.har"
    shutil.copy(SAMPLES / "formats" / "har_devtools.har", har)
    gz = tmp_path / "run.jsonl.gz"
    import gzip

    gz.write_bytes(gzip.compress(json.dumps(BROKEN).encode() + b"\n"))
    link = tmp_path / "link.json"
    target = tmp_path / "target.json"
    target.write_text(json.dumps(BROKEN))
    link.symlink_to(target)
    snapshot = {p.name: p.read_bytes() for p in (har, gz, target)}
    for path, why in ((har, "it is a har log"), (gz, "gzip-compressed"), (link, "not a regular file")):
        run = cli(capsys, "fix", path, "--in-place")
        assert run.rc == 2 and "cannot fix in place" in run.err and why in run.err, run.err
    for argv, why in (((target, "--in-place", "--diff"), "--diff"), ((target, "--in-place", "-o", tmp_path / "o.json"), "-o")):
        run = cli(capsys, "fix", *argv)
        assert run.rc == 2 and "cannot be combined with " + why in run.err
    assert {p.name: p.read_bytes() for p in (har, gz, target)} == snapshot
    assert not list(tmp_path.glob("*.bak")) and not list(tmp_path.glob(".*.tmp"))


def test_fix_in_place_that_fails_midway_leaves_the_input_untouched(capsys, tmp_path, monkeypatch):
    path, _ = _mixed_log(tmp_path / "run.jsonl")
    original = path.read_bytes()

    def no_rename(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_rename)
    run = cli(capsys, "fix", path, "--in-place")
    assert run.rc == 2 and "No space left on device" in run.err and "unchanged" in run.err
    assert path.read_bytes() == original
    assert not list(tmp_path.glob(".*.tmp"))


def test_fix_never_writes_over_the_input_through_a_link(capsys, tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(BROKEN))
    hard = tmp_path / "hard.json"
    os.link(path, hard)
    run = cli(capsys, "fix", path, "-o", hard, "--force")
    assert run.rc == 2 and "refusing to overwrite the input" in run.err
    assert json.loads(path.read_text()) == BROKEN


# -- exports of unmodified records are JSON-equal to the input -------------------------------------

TRICKY = {
    "model": MODEL, "max_tokens": 1024, "zz_unknown_first": {"kept": True},
    "temperature": 0.7, "top_p": 1e-300, "metadata": {"user_id": "\ud800 lone surrogate"},
    "messages": [{"role": "user", "content": [
        {"type": "text", "text": "quotes \" ' ` $HOME \\ back\\slash\nnew line\ttab JSON \u00e9 \u4e2d \U0001f680 \u200d\u202e"},
        {"type": "text", "text": "x" * 10_000, "cache_control": {"type": "ephemeral"}}]}],
    "stop_sequences": ["", "~0/1", "\u0000nul"],
    "extra_big_int": 12345678901234567890123456789, "neg_zero": -0.0, "huge_float": 1.7976931348623157e308,
}


@pytest.mark.parametrize("shape", ["json", "jsonl", "pair", "array"])
def test_export_of_an_unmodified_record_is_json_equal_to_the_input(capsys, tmp_path, shape):
    path = tmp_path / f"in.{'jsonl' if shape == 'jsonl' else 'json'}"
    record = {"json": TRICKY, "jsonl": TRICKY, "pair": {"request": TRICKY, "status": 200},
              "array": [request(), TRICKY]}[shape]
    text = json.dumps(record, ensure_ascii=True)  # lone surrogates need \u escapes in a file
    path.write_text(text + "\n" + (json.dumps(request()) + "\n" if shape == "jsonl" else ""))
    n = 1 if shape == "array" else 0
    for extra in (["--no-redact"], []):  # nothing secret in it: redaction changes nothing either
        run = cli(capsys, "export", path, "--record", n, *extra)
        assert run.rc == 0, run.err
        out = json.loads(run.out)
        assert out == TRICKY and list(out) == list(TRICKY)
        assert json.dumps(out, sort_keys=True) == json.dumps(TRICKY, sort_keys=True)  # -0.0 and friends
    run = cli(capsys, "convert", path, "--to", "native", "--no-redact")
    native = [json.loads(ln) for ln in run.out.splitlines()]
    assert native[n]["request"] == TRICKY
    out = tmp_path / "fixed.json"
    run = cli(capsys, "fix", path, "--record", n, "-o", out, "--no-redact", "--select", "A001")
    assert json.loads(out.read_text()) == TRICKY


# -- the curl export, run by the real curl ---------------------------------------------------------

CURL = shutil.which("curl")


@pytest.mark.skipif(CURL is None, reason="the real `curl` is not installed (apt-get install -y curl; "
                                         ".ci/run installs it when missing)")
@pytest.mark.deadline(60)
def test_the_curl_export_run_by_real_curl_delivers_the_payload_exactly(tmp_path):
    megabyte = ("All work and no play makes Jack a dull boy. \u00e9\U0001f600 'q' \"dq\" \\ $x `y`\n" * 20_000)[: 1 << 20]
    bodies = [
        TRICKY,
        request(megabyte),
        request("JSON\nJSON_BODY\nJSON_BODY_1\n'; rm -rf / #\n$(whoami) `id` ${HOME} \\\" \\n"),
        {"model": MODEL, "max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "text", "text": "\U0001f9ea" * 5000}]}]},
    ]
    key = "sk-ant-api03-CURLtestKEY" + "q" * 40
    with FakeAPI([Reply(200, message())] * len(bodies)) as api:
        for body in bodies:
            script = tmp_path / "send.sh"
            script.write_text(to_curl(body, base_url=api.url, beta=["prompt-caching-2024-07-31"]), encoding="utf-8")
            proc = subprocess.run(["sh", str(script)], capture_output=True, timeout=30,
                                  env={"PATH": os.environ["PATH"], "ANTHROPIC_API_KEY": key, "HOME": str(tmp_path)})
            assert proc.returncode == 0, proc.stderr.decode()
            assert json.loads(proc.stdout)["type"] == "message"
        assert len(api.received) == len(bodies)
        for body, got in zip(bodies, api.received):
            assert got.path == "/v1/messages"
            assert json.loads(got.raw) == body  # quotes, newlines, unicode, emoji, 1 MB: all intact
            assert got.headers["x-api-key"] == key and got.headers["anthropic-version"] == "2026-10-21"  # the SDK's: the body logged no version
            assert got.headers["anthropic-beta"] == "prompt-caching-2024-07-31"
            assert got.headers["content-type"] == "application/json"
    assert len(api.received[1].raw) > 1 << 20
