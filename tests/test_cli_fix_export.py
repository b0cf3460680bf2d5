"""`payload-doctor fix` and `export`: outputs re-check clean, inputs are never touched, exports are exact."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.rulekit import findings
from tui.cli.main import main
from tui.core.diff import diff_payloads
from tui.core.formats import load_all
from tui.core.paths import from_pointer
from tui.core.repair.patch import apply_patch

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_payloads"
BROKEN = sorted((SAMPLES / "broken").glob("*.json"))
KEY = "sk-ant-api03-PLANTEDkeyForExportTests0123456789abcdefghijklmnopqrstuvwxyz-ZZZZ"


def run(capsys, *argv):
    rc = main([str(a) for a in argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def errors_in(path: Path) -> list[str]:
    _, exchanges, issues = load_all(path)
    assert not issues
    return [f.code for ex in exchanges for f in findings(ex.request) if f.severity.value == "error"]


@pytest.mark.parametrize("sample", BROKEN, ids=lambda p: p.name)
def test_unsafe_fixes_leave_no_error_on_every_broken_sample(capsys, tmp_path, sample):
    src = tmp_path / sample.name
    shutil.copy(sample, src)
    before = src.read_bytes()
    rc, _, err = run(capsys, "fix", src, "--unsafe-fixes")
    out = tmp_path / (sample.stem + ".fixed.json")
    assert rc == 0, err
    assert f"wrote {out}" in err
    assert src.read_bytes() == before, "the input must never be modified"
    assert errors_in(out) == []
    rc, _, _ = run(capsys, "fix", out, "--unsafe-fixes", "-o", tmp_path / "again.json")
    assert json.loads((tmp_path / "again.json").read_text()) == json.loads(out.read_text()), "not idempotent"


@pytest.mark.parametrize("sample", BROKEN, ids=lambda p: p.name)
def test_every_fix_touches_only_what_its_patch_names(sample):
    """Apply each finding's fix alone: every structural change lies under a path its ops name."""
    _, exchanges, _ = load_all(sample)
    for ex in exchanges:
        for f in findings(ex.request):
            if f.fix is None or f.scope != "request":
                continue
            fixed = apply_patch(ex.request, f.fix.ops)
            touched = [from_pointer(op["path"]) for op in f.fix.ops]
            touched += [from_pointer(op["from"]) for op in f.fix.ops if "from" in op]
            for change in diff_payloads(ex.request, fixed):
                paths = [change.path] + ([change.old_path] if change.old_path else [])
                assert any(p[:len(t)] == t or t[:len(p)] == p for p in paths for t in touched), (
                    f.code, change.summary, f.fix.ops)


def test_safe_fix_of_the_incident_log_writes_jsonl_and_reports(capsys, tmp_path):
    src = tmp_path / "incident.jsonl"
    shutil.copy(SAMPLES / "incident.jsonl", src)
    rc, _, err = run(capsys, "fix", src)
    out = tmp_path / "incident.fixed.jsonl"
    lines = out.read_text().splitlines()
    assert len(lines) == 9 and rc == 1  # two records need an unsafe fix (an invented result)
    assert "record 4 (" in err and "P003" in err and "needs --unsafe-fixes" in err
    assert errors_in(out) == ["P001", "P001", "R003"]


def test_diff_prints_and_writes_nothing(capsys, tmp_path):
    src = tmp_path / "r.json"
    shutil.copy(SAMPLES / "broken" / "C-empty-turns-in-history.json", src)
    rc, out, _ = run(capsys, "fix", src, "--diff")
    assert "- messages.1.content.0  text block" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_fix_refuses_to_overwrite_input_or_existing_output(capsys, tmp_path):
    src = tmp_path / "r.json"
    shutil.copy(SAMPLES / "clean_tool_conversation.json", src)
    rc, _, err = run(capsys, "fix", src, "-o", src)
    assert rc == 2 and "refusing to overwrite the input" in err
    other = tmp_path / "other.json"
    other.write_text("keep me")
    rc, _, err = run(capsys, "fix", src, "-o", other)
    assert rc == 2 and "exists; add --force" in err and other.read_text() == "keep me"


def test_unmodified_json_export_equals_the_input_record(capsys):
    rc, out, _ = run(capsys, "export", SAMPLES / "incident.jsonl", "--record", 7, "--as", "json")
    _, exchanges, _ = load_all(SAMPLES / "incident.jsonl")
    assert rc == 0 and json.loads(out) == exchanges[7].request


def test_export_writes_atomically_and_never_leaks_a_key(capsys, tmp_path):
    body = json.loads((SAMPLES / "clean_tool_conversation.json").read_text())
    body["messages"][0]["content"] = f"my key is {KEY}, please debug"
    src = tmp_path / "leak.json"
    src.write_text(json.dumps({"request": body, "headers": {"x-api-key": KEY}}))
    for fmt in ("json", "curl", "python", "markdown"):
        dest = tmp_path / f"out.{fmt}"
        rc, out, err = run(capsys, "export", src, "--as", fmt, "-o", dest)
        assert rc == 0 and dest.exists() and KEY not in dest.read_text() + out + err
    rc, _, err = run(capsys, "export", src, "--as", "json", "-o", tmp_path / "out.json")
    assert rc == 2 and "add --force" in err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files left


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_exported_curl_body_goes_through_the_checker(capsys, tmp_path):
    rc, script, _ = run(capsys, "export", SAMPLES / "incident.jsonl", "--record", 4, "--as", "curl")
    stub = tmp_path / "bin"
    stub.mkdir()
    (stub / "curl").write_text(f"#!/bin/sh\ncat > {tmp_path / 'body.json'}\n")
    (stub / "curl").chmod(0o755)
    subprocess.run(["bash", "-c", script], env={"PATH": f"{stub}:/usr/bin:/bin", "ANTHROPIC_API_KEY": "k"},
                   check=True, timeout=30)
    sent = json.loads((tmp_path / "body.json").read_text())
    assert "P003" in {f.code for f in findings(sent)}


def test_export_of_a_body_with_errors_writes_it_and_says_so(capsys, tmp_path):
    out = tmp_path / "r.json"
    rc, _, err = run(capsys, "export", SAMPLES / "incident.jsonl", "--record", 2, "-o", out)
    assert rc == 0 and out.exists()
    assert "exported with 1 error (P001): the API would reject this body as it is" in err
    rc, _, err = run(capsys, "export", SAMPLES / "incident.jsonl", "--record", 0, "-o", tmp_path / "ok.json")
    assert rc == 0 and "exported with" not in err
