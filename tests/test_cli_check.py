"""`payload-doctor check / rules / rule`: output formats, exit codes, selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli.main import main

SAMPLES = Path(__file__).resolve().parents[1] / "sample_payloads"
BROKEN = {"model": "claude-haiku-4-5", "max_tokens": 64, "messages": [
    {"role": "user", "content": "hi"},
    {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "ls", "input": {}}]},
    {"role": "user", "content": "so?"}]}
CLEAN = json.loads((SAMPLES / "clean_tool_conversation.json").read_text())


@pytest.fixture
def broken(tmp_path):
    p = tmp_path / "broken.json"
    p.write_text(json.dumps(BROKEN))
    return p


def run(capsys, *argv):
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_clean_file_exits_zero(capsys):
    rc, out, _ = run(capsys, "check", str(SAMPLES / "clean_tool_conversation.json"))
    assert rc == 0 and "All checks passed" in out


def test_broken_file_exits_one_and_names_location(capsys, broken):
    rc, out, _ = run(capsys, "check", str(broken))
    assert rc == 1
    assert f"{broken}#0 messages.1.content.0: P001 [error]" in out


def test_json_format_has_the_documented_shape(capsys, broken):
    rc, out, _ = run(capsys, "check", "--format", "json", str(broken))
    doc = json.loads(out)
    assert rc == 1 and doc["version"] == 1
    assert doc["files"] == [{"path": str(broken), "format": "anthropic-json", "records": 1, "error": None}]
    f = doc["findings"][0]
    assert set(f) == {"file", "record", "code", "name", "severity", "message", "path", "pointer",
                      "related", "api_error", "fix", "contradicted"}
    assert f["contradicted"] is False
    assert (f["code"], f["path"], f["pointer"], f["record"]) == ("P001", "messages.1.content.0",
                                                                 "/messages/1/content/0", 0)
    assert f["fix"]["applicability"] == "unsafe"
    assert doc["summary"]["error"] >= 1


def test_github_format_emits_annotations(capsys, broken):
    rc, out, _ = run(capsys, "check", "--format", "github", str(broken))
    assert rc == 1
    assert out.splitlines()[0].startswith(f"::error file={broken},title=P001 tool-use-without-result::")


def test_select_and_ignore(capsys, broken):
    rc, out, _ = run(capsys, "check", "--ignore", "P001", "--format", "json", str(broken))
    assert "P001" not in {f["code"] for f in json.loads(out)["findings"]}
    rc, out, _ = run(capsys, "check", "--select", "tool-use-without-result", "--format", "json", str(broken))
    assert {f["code"] for f in json.loads(out)["findings"]} == {"P001"}


def test_unknown_selector_is_a_usage_error(capsys, broken):
    rc, _, err = run(capsys, "check", "--select", "Z999", str(broken))
    assert rc == 2 and "unknown rule selector 'Z999'" in err


def test_unreadable_input_exits_two_but_checks_the_rest(capsys, tmp_path, broken):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(BROKEN) + "\n{not json\n")
    rc, out, err = run(capsys, "check", "--format", "json", str(bad), str(tmp_path / "missing.json"))
    doc = json.loads(out)
    assert rc == 2
    assert doc["files"][0]["records"] == 1 and "bad.jsonl:2: invalid JSON" in doc["files"][0]["error"]
    assert doc["files"][1]["error"].endswith("missing.json: no such file")
    assert [f["code"] for f in doc["findings"]] == ["P001"]
    assert "bad.jsonl:2" in err


def test_directory_is_checked_recursively(capsys, tmp_path, broken):
    sub = tmp_path / "logs" / "day1"
    sub.mkdir(parents=True)
    (sub / "a.json").write_text(json.dumps(BROKEN))
    (sub / "notes.md").write_text("# not a log")
    rc, out, _ = run(capsys, "check", "--format", "json", str(tmp_path / "logs"))
    assert [f["path"] for f in json.loads(out)["files"]] == [str(sub / "a.json")]


def test_a_cassette_directory_is_checked_recursively(capsys, tmp_path):
    """`payload-doctor check tests/cassettes/`: every cassette format a test suite records is found."""
    import shutil

    formats = SAMPLES / "formats"
    names = ["vcrpy_cassette.yaml", "ruby_vcr_cassette.yml", "go_vcr_cassette.yaml", "httprr_trace.httprr",
             "vcrpy_cassette_gzip.yaml.gz", "sdk_http_snapshot.json"]
    for i, name in enumerate(names):
        sub = tmp_path / "cassettes" / f"test_{i}"
        sub.mkdir(parents=True)
        shutil.copy(formats / name, sub / name)
    (tmp_path / "cassettes" / "conftest.py").write_text("# not a cassette")
    rc, out, err = run(capsys, "check", "--format", "json", str(tmp_path / "cassettes"))
    files = json.loads(out)["files"]
    assert sorted(Path(f["path"]).name for f in files) == sorted(names)
    assert rc == 1 and "Traceback" not in err  # the broken samples' 400s are reported


def test_payload_text_is_never_interpreted_as_markup_or_escapes(capsys, tmp_path):
    evil = json.loads(json.dumps(BROKEN))
    evil["messages"][1]["content"][0]["name"] = "[bold red]x[/]\x1b[31m\u202e"
    p = tmp_path / "evil.json"
    p.write_text(json.dumps(evil))
    rc, out, _ = run(capsys, "check", str(p))
    assert "([bold red]x[/]\\x1b[31m\\u202e)" in out and "\x1b" not in out


def test_rules_lists_every_rule_and_rule_explains_one(capsys):
    rc, out, _ = run(capsys, "rules", "--format", "json")
    rules = json.loads(out)
    assert rc == 0 and "P001" in {r["code"] for r in rules}
    assert all({"code", "name", "severity", "summary", "docs", "references", "fix"} <= set(r) for r in rules)
    rc, out, _ = run(capsys, "rule", "P004")
    assert rc == 0 and "tool-result-order" in out and "Bedrock Converse" in out and "ORDER-04" in out
    rc, _, err = run(capsys, "rule", "nope")
    assert rc == 2 and "unknown rule" in err


def test_an_error_on_a_request_the_log_shows_accepted_is_contradicted(capsys, tmp_path):
    """The logged 200 is evidence: the rule is stale there, and the report says both things."""
    accepted = {"request": BROKEN, "status": 200, "response": {
        "id": "msg_01", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
        "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": 5, "output_tokens": 1}}}
    p = tmp_path / "accepted.json"
    p.write_text(json.dumps(accepted))
    rc, out, _ = run(capsys, "check", "--format", "json", str(p))
    doc = json.loads(out)
    [f] = [f for f in doc["findings"] if f["code"] == "P001"]
    assert rc == 0 and f["severity"] == "warning" and f["contradicted"] is True
    assert "contradicted by the logged response" in f["message"] and f["fix"]["applicability"] == "unsafe"
    rc, out, _ = run(capsys, "check", str(p))
    assert "P001 [warning]" in out and "contradicted by the logged response" in out
    # the same request with no logged outcome is judged as it stands: an error
    q = tmp_path / "bare.json"
    q.write_text(json.dumps(BROKEN))
    rc, out, _ = run(capsys, "check", "--format", "json", str(q))
    assert rc == 1 and [f["contradicted"] for f in json.loads(out)["findings"] if f["code"] == "P001"] == [False]
