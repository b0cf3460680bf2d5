"""Hostile inputs × `check`, `fix`, `export`: one clear line naming file, record and path, exit
code 2 for what cannot be read, every good record kept, never a traceback or a hang.

(The app runs the same corpus in ``test_app_hostile.py``; the 50 MB string and the 2 GB file, which
need a subprocess with a memory cap, are in ``test_big_inputs.py``.)
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.hardening.conftest import MODEL, Run, assert_clear_failure, cli, jsonl, request
from tests.hardening.corpus import CASES, GOOD

NAMES = list(CASES)


def _says(run: Run, words: tuple[str, ...]) -> None:
    text = run.err + run.out
    for w in words:
        assert w in text, f"{w!r} not in the message: {run.err_lines}"


@pytest.mark.deadline(30)
@pytest.mark.parametrize("name", NAMES)
def test_check_names_the_problem_and_keeps_the_good_records(capsys, tmp_path, name):
    case = CASES[name]
    path = case.make(tmp_path)
    t0 = time.monotonic()
    run = cli(capsys, "check", path)
    assert time.monotonic() - t0 < 10
    assert_clear_failure(run, path.name)
    _says(run, case.says)
    if case.readable:
        assert f"in {case.readable} record" in run.out
    else:
        assert len(run.err_lines) == 1, run.err_lines  # one line for a file that cannot be read
    if path.is_dir():  # nothing to check in it: a usage error, no report (see the next test)
        return
    report = json.loads(cli(capsys, "check", path, "--format", "json").out)
    assert report["files"][0]["error"] and report["files"][0]["records"] == case.readable
    gh = cli(capsys, "check", path, "--format", "github")
    assert gh.rc == 2 and any(ln.startswith("::error file=") and path.name in ln for ln in gh.out.splitlines()), gh.out


@pytest.mark.deadline(60)
def test_check_of_a_directory_of_hostile_files_reports_each_and_checks_the_good_ones(capsys, tmp_path):
    made = [CASES[n].make(tmp_path) for n in NAMES if n != "directory"]
    (tmp_path / "good.jsonl").write_text(jsonl(*GOOD))
    run = cli(capsys, "check", tmp_path, "--format", "json")
    assert run.rc == 2 and "Traceback" not in run.err
    report = json.loads(run.out)
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    assert set(by_name) == {p.name for p in made} | {"good.jsonl"}
    assert by_name["good.jsonl"]["error"] is None and by_name["good.jsonl"]["records"] == 3
    for n in NAMES:
        if n != "directory":
            f = by_name[_name_of(n, made)]
            assert f["error"], n
            assert f["records"] == CASES[n].readable, n


def _name_of(case: str, made: list[Path]) -> str:
    return made[[n for n in NAMES if n != "directory"].index(case)].name


@pytest.mark.deadline(30)
@pytest.mark.parametrize("name", NAMES)
def test_fix_names_the_problem_and_keeps_the_good_records(capsys, tmp_path, name):
    case = CASES[name]
    path = case.make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    run = cli(capsys, "fix", path)
    assert_clear_failure(run, path.name)
    _says(run, case.says)
    written = sorted(set(p.name for p in tmp_path.iterdir()) - set(before))
    if case.readable:
        [out] = written
        bodies = [json.loads(ln) for ln in (tmp_path / out).read_text("utf-8").splitlines()]
        assert len(bodies) == case.readable and all(b["model"] == MODEL for b in bodies)
    else:
        assert written == [] and len(run.err_lines) == 1, (written, run.err_lines)
    if path.is_file() and not case.readable:
        inplace = cli(capsys, "fix", path, "--in-place")
        assert_clear_failure(inplace, path.name)
        assert not path.with_name(path.name + ".bak").exists()


@pytest.mark.deadline(30)
@pytest.mark.parametrize("name", NAMES)
def test_export_names_the_problem_and_exports_the_good_records(capsys, tmp_path, name):
    case = CASES[name]
    path = case.make(tmp_path)
    if not case.readable:
        for fmt in ("json", "curl", "python", "markdown"):
            run = cli(capsys, "export", path, "--as", fmt)
            assert_clear_failure(run, path.name)
            _says(run, case.says)
            assert run.out == "" and len(run.err_lines) == 1
        return
    good_records = []
    for record in range(case.readable + 1):
        run = cli(capsys, "export", path, "--record", record, "--no-redact")
        if run.rc == 0:
            good_records.append(json.loads(run.out))
        else:  # the bad record: named, with its line and path
            assert_clear_failure(run, path.name)
            _says(run, case.says)
    assert len(good_records) == case.readable and all(b in GOOD for b in good_records)


def test_duplicate_keys_load_with_the_last_value_and_a_finding_at_the_key(capsys, tmp_path):
    path = tmp_path / "dup.json"
    path.write_text(f'{{"model": "{MODEL}", "max_tokens": "lots", "max_tokens": 256, "messages": '
                    '[{"role": "user", "content": [{"type": "text", "text": "a", "text": "b"}]}]}')
    run = cli(capsys, "check", path)
    assert run.rc == 0 and "Traceback" not in run.err
    lines = [ln for ln in run.out.splitlines() if "F004" in ln]
    assert len(lines) == 2
    assert lines[0].startswith("dup.json#0 max_tokens: F004 [warning] the key 'max_tokens' occurs 2 times") or \
        lines[0].startswith(f"{path}#0 max_tokens: F004")
    assert "messages.0.content.0.text: F004" in lines[1]
    exported = json.loads(cli(capsys, "export", path).out)
    assert exported["max_tokens"] == 256 and exported["messages"][0]["content"][0]["text"] == "b"
    fixed = cli(capsys, "fix", path)
    assert fixed.rc == 0
    assert json.loads((tmp_path / "dup.fixed.json").read_text())["max_tokens"] == 256


def test_f004_duplicate_key_in_a_jsonl_response_is_reported_in_the_response(capsys, tmp_path):
    path = tmp_path / "pairs.jsonl"
    resp = ('{"type": "message", "role": "assistant", "model": "%s", "content": [], "stop_reason": "end_turn", '
            '"stop_reason": "max_tokens", "usage": {"input_tokens": 1, "output_tokens": 1}}' % MODEL)
    path.write_text(jsonl(request()) + '{"request": %s, "response": %s}\n' % (json.dumps(request()), resp))
    run = cli(capsys, "check", path, "--select", "F004")
    assert run.rc == 0
    assert [ln.split(": F004")[0] for ln in run.out.splitlines() if "F004" in ln] == [f"{path}:2 response.stop_reason"]


def test_f004_no_finding_without_duplicates(capsys, tmp_path):
    path = tmp_path / "clean.jsonl"
    path.write_text(jsonl(request(), {"request": request(), "response": None, "status": 500}))
    assert "F004" not in cli(capsys, "check", path, "--select", "F004").out


# -- truncated JSON at every byte ---------------------------------------------------------------------

SAMPLE = json.dumps({
    "model": MODEL, "max_tokens": 64, "system": [{"type": "text", "text": "Be \"brief\"."}],
    "messages": [{"role": "user", "content": "Weather in Paris? ünï 🌧"},
                 {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01", "name": "w",
                                                    "input": {"city": "Paris", "days": [1, 2.5]}}]},
                 {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01",
                                               "content": "rain"}]}],
    "tools": [{"name": "w", "input_schema": {"type": "object"}}]}, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.deadline(120)
def test_truncated_at_every_byte_check_fix_export_say_where_and_never_crash(capsys, tmp_path):
    data = SAMPLE.encode("utf-8")
    messages_at = data.index(b'"messages":[') + len(b'"messages":[') + 1
    messages_end = data.index(b'],"tools"')
    seen: set[str] = set()
    for cut in range(len(data)):
        path = tmp_path / "cut.json"
        path.write_bytes(data[:cut])
        for argv in (("check", path), ("fix", path, "-o", tmp_path / "out.json", "--force"), ("export", path)):
            run = cli(capsys, *argv)
            assert_clear_failure(run, "cut.json")
            assert len(run.err_lines) == 1, (cut, argv[0], run.err_lines)
            msg = run.err_lines[0]
            assert any(w in msg for w in ("invalid JSON", "empty", "not valid UTF-8")), (cut, msg)
            if messages_at < cut <= messages_end:
                assert "messages" in msg, (cut, msg)  # says where in the document it breaks
            seen.add(msg.split(": ", 2)[-1])
        assert not (tmp_path / "out.json").exists()
    assert len(seen) > 10  # the messages differ with the place of the cut


@pytest.mark.deadline(120)
def test_jsonl_whose_last_line_is_truncated_at_every_byte_keeps_the_other_records(capsys, tmp_path):
    good = jsonl(GOOD[0], GOOD[1]).encode()
    last = SAMPLE.encode("utf-8")
    for cut in range(1, len(last)):
        path = tmp_path / "cut.jsonl"
        path.write_bytes(good + last[:cut])
        run = cli(capsys, "check", path)
        assert run.rc == 2 and "Traceback" not in run.err
        assert "in 2 records" in run.out, (cut, run.out, run.err)
        assert any(ln.startswith(f"{path}:3: ") for ln in run.err_lines), (cut, run.err_lines)


@pytest.mark.deadline(30)
@pytest.mark.parametrize("name", NAMES)
def test_convert_names_the_problem_and_converts_the_good_records(capsys, tmp_path, name):
    case = CASES[name]
    path = case.make(tmp_path)
    run = cli(capsys, "convert", path, "--to", "native")
    assert_clear_failure(run, path.name)
    _says(run, case.says)
    records = [json.loads(ln) for ln in run.out.splitlines()]
    assert len(records) == case.readable and all(r["request"] in GOOD for r in records)
