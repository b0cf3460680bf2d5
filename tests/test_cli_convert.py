"""`payload-doctor convert FILE --to native|anthropic [-o OUT]`."""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import pytest

from tui.cli.common import UsageError
from tui.cli.convert import add_parser
from tui.core.formats import load_all

INCIDENT = Path(__file__).resolve().parents[1] / "sample_payloads" / "incident.jsonl"
KEY = "sk-ant-api03-EXAMPLEKEYdoNotUse0000000000000000000000000000000000-AAAAAAAA"


def convert(*argv: str) -> int:
    """Run the subcommand as `payload-doctor convert …` does (UsageError → exit 2 + stderr)."""
    import sys

    parser = argparse.ArgumentParser(prog="payload-doctor")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["convert", *argv])
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"payload-doctor: {exc}", file=sys.stderr)
        return 2


def lines(text: str) -> list[dict]:
    return [json.loads(ln) for ln in text.splitlines() if ln.strip()]


def test_native_to_stdout_keeps_every_exchange_and_redacts_headers(capsys):
    assert convert(str(INCIDENT), "--to", "native") == 0
    out = lines(capsys.readouterr().out)
    _, exchanges, _ = load_all(INCIDENT)
    assert len(out) == 9
    assert [o["request"] for o in out] == [e.request for e in exchanges]
    assert out[2]["status"] == 400 and out[2]["error"]["error"]["type"] == "invalid_request_error"
    assert out[5]["headers"]["retry-after"] == "12"
    assert out[5]["headers"]["x-api-key"].endswith("[REDACTED]…AAAA") and KEY not in json.dumps(out)
    assert out[3]["source"] == {"file": str(INCIDENT), "record": 3, "line": 4, "format": "native"}


def test_native_round_trips_through_the_loader(tmp_path, capsys):
    dest = tmp_path / "out.jsonl"
    assert convert(str(INCIDENT), "--to", "native", "-o", str(dest)) == 0
    assert "wrote 9 exchanges" in capsys.readouterr().err
    log, again, issues = load_all(dest)
    _, original, _ = load_all(INCIDENT)
    assert not issues and len(again) == 9
    for a, b in zip(again, original):
        assert (a.request, a.response, a.error, a.status, a.started_at, a.duration_ms) == (
            b.request, b.response, b.error, b.status, b.started_at, b.duration_ms)


def test_no_redact_keeps_a_key_in_the_body_but_never_a_header_key(capsys, tmp_path):
    body = {"model": "claude-sonnet-4-5", "max_tokens": 10,
            "messages": [{"role": "user", "content": f"debug this: {KEY}"}]}
    src = tmp_path / "pair.jsonl"
    src.write_text(json.dumps({"request": body, "headers": {"x-api-key": KEY}}) + "\n")
    assert convert(str(src), "--to", "native", "--no-redact") == 0
    out = capsys.readouterr().out
    assert out.count(KEY) == 1  # the body's copy (the user asked); headers are redacted on load


def test_anthropic_writes_request_bodies_one_per_line(tmp_path, capsys):
    dest = tmp_path / "bodies.jsonl"
    assert convert(str(INCIDENT), "--to", "anthropic", "-o", str(dest)) == 0
    bodies = lines(dest.read_text())
    _, exchanges, _ = load_all(INCIDENT)
    assert bodies == [e.request for e in exchanges]
    _, reloaded, _ = load_all(dest)
    assert [e.format for e in reloaded] == ["anthropic-request"] * 9


def test_anthropic_converts_openai_requests_and_names_what_did_not_carry_over(tmp_path, capsys):
    chat = {"model": "gpt-4o", "n": 2, "messages": [
        {"role": "system", "content": "You are a coding agent."},
        {"role": "user", "content": "List the files."},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_01", "type": "function", "function": {"name": "ls", "arguments": "{\"path\": \".\"}"}}]},
        {"role": "tool", "tool_call_id": "call_01", "content": "a.py b.py"}],
        "tools": [{"type": "function", "function": {"name": "ls", "parameters": {"type": "object"}}}]}
    src = tmp_path / "chat.jsonl"
    src.write_text(json.dumps({"request": chat, "response": None, "status": 200, "started_at": "2026-01-05T12:00:00Z",
                               "source": {}, "dialect": "openai-chat"}) + "\n"
                   + json.dumps({"request": chat, "status": 200, "started_at": "2026-01-05T12:00:09Z",
                                 "source": {}, "dialect": "openai-chat"}) + "\n")
    assert convert(str(src), "--to", "anthropic") == 0
    captured = capsys.readouterr()
    [body, _] = lines(captured.out)
    assert body["system"] and body["max_tokens"]
    assert body["messages"][1]["content"][0]["type"] == "tool_use"
    assert body["messages"][2]["content"][0] == {"type": "tool_result", "tool_use_id": "call_01",
                                                 "content": "a.py b.py"}
    assert f"{src}:1: converted from openai-chat:" in captured.err and "`n`" in captured.err


def test_exchanges_without_a_request_are_named_not_dropped(tmp_path, capsys):
    src = tmp_path / "mixed.jsonl"
    resp = {"id": "msg_01", "type": "message", "role": "assistant", "content": [], "stop_reason": "end_turn"}
    req = {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
    src.write_text(json.dumps(resp) + "\n" + json.dumps(req) + "\n")
    assert convert(str(src), "--to", "anthropic") == 0
    captured = capsys.readouterr()
    assert lines(captured.out) == [req]
    assert f"{src}:1: skipped: no request body" in captured.err
    src.write_text(json.dumps(resp) + "\n" + json.dumps(resp) + "\n")
    assert convert(str(src), "--to", "anthropic") == 2  # nothing at all to write: say so
    assert "nothing to write" in capsys.readouterr().err


def test_bad_records_are_named_with_file_and_line_and_the_rest_is_written(tmp_path, capsys):
    src = tmp_path / "bad.jsonl"
    good = json.dumps({"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": []})
    src.write_text(good + "\n" + good[:20] + "\n[1, 2]\n"
                   + json.dumps({"request": json.loads(good), "status": 200, "dialect": "gemini"}) + "\n" + good + "\n")
    dest = tmp_path / "out.jsonl"
    assert convert(str(src), "--to", "anthropic", "-o", str(dest)) == 2
    err = capsys.readouterr().err
    assert f"{src}:2: invalid JSON" in err
    assert f"{src}:3: " in err and "not a request body" in err
    assert f"{src}:4: cannot convert: cannot convert yet" in err and "gemini" in err
    assert "wrote 2 requests" in err and "3 records left out" in err
    assert len(lines(dest.read_text())) == 2


def test_never_overwrites_the_input_and_needs_force_for_an_existing_file(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_bytes(INCIDENT.read_bytes())
    assert convert(str(src), "--to", "native", "-o", str(src), "--force") == 2
    assert "refusing to overwrite the input" in capsys.readouterr().err
    assert src.read_bytes() == INCIDENT.read_bytes()
    dest = tmp_path / "out.jsonl"
    dest.write_text("keep me")
    assert convert(str(src), "--to", "native", "-o", str(dest)) == 2
    assert "add --force" in capsys.readouterr().err and dest.read_text() == "keep me"
    assert convert(str(src), "--to", "native", "-o", str(dest), "--force") == 0
    assert len(lines(dest.read_text())) == 9


def test_gzip_in_and_out(tmp_path, capsys):
    src = tmp_path / "in.jsonl.gz"
    src.write_bytes(gzip.compress(INCIDENT.read_bytes()))
    dest = tmp_path / "out.jsonl.gz"
    assert convert(str(src), "--to", "anthropic", "-o", str(dest)) == 0
    assert len(lines(gzip.decompress(dest.read_bytes()).decode())) == 9
    _, again, _ = load_all(dest)
    assert len(again) == 9


def test_unreadable_input_is_one_line_and_exit_2(tmp_path, capsys):
    assert convert(str(tmp_path / "nope.jsonl"), "--to", "native") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file" in err and "Traceback" not in err
    (tmp_path / "empty.jsonl").write_text("")
    assert convert(str(tmp_path / "empty.jsonl"), "--to", "native", "-o", str(tmp_path / "o.jsonl")) == 2
    assert "empty" in capsys.readouterr().err and not (tmp_path / "o.jsonl").exists()


def test_to_is_required_and_checked(capsys):
    with pytest.raises(SystemExit):
        convert(str(INCIDENT))
    with pytest.raises(SystemExit):
        convert(str(INCIDENT), "--to", "openai")
