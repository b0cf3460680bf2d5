"""claude-trace JSONL: detection (long first lines too), JSON and SSE bodies, orphans (F003),
redacted headers, timing, and bad records that name file and line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.rulekit import findings
from tui.core.formats import load_all

SAMPLE = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats" / "claude_trace_session.jsonl"
KEY = "sk-ant-api03-Qm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJD-Fk9QAA"

REQ = {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
MSG = {"id": "msg_01X", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
       "content": [{"type": "text", "text": "hello"}], "stop_reason": "end_turn", "stop_sequence": None,
       "usage": {"input_tokens": 3, "output_tokens": 2}}


def record(body=REQ, response=None, url="https://api.anthropic.com/v1/messages", **kw):
    rec = {"request": {"timestamp": 1748959330.0, "method": "POST", "url": url,
                       "headers": {"x-api-key": "sk-ant-api03-abc...wxyz"}, "body": body},
           "response": response if response is not None else {
               "timestamp": 1748959331.0, "status_code": 200, "headers": {"request-id": "req_011A"}, "body": MSG},
           "logged_at": "2025-06-03T14:02:12.000Z"}
    rec.update(kw)
    return rec


def write(tmp_path: Path, lines: list[str], name: str = "log-2025-06-03-14-02-10.jsonl") -> Path:
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n")
    return p


def check(ex, code: str):
    return [f for f in findings(ex.request, response=ex.response, error=ex.error, status=ex.status, extra=ex.extra)
            if f.code == code]


def test_claude_trace_sample_is_detected():
    log, exchanges, issues = load_all(SAMPLE)
    assert log.format == "claude-trace" and len(exchanges) == 4 and not issues


def test_claude_trace_long_first_line_is_still_detected(tmp_path):
    big = dict(REQ, messages=[{"role": "user", "content": "x" * 200_000}])
    p = write(tmp_path, [json.dumps(record(big)), json.dumps(record())])
    log, exchanges, _ = load_all(p)
    assert log.format == "claude-trace" and len(exchanges) == 2
    assert exchanges[0].request["messages"][0]["content"] == "x" * 200_000


def test_claude_trace_single_record_document(tmp_path):
    p = tmp_path / "pair.json"
    p.write_text(json.dumps(record(), indent=2))
    log, [ex], _ = load_all(p)
    assert log.format == "claude-trace-json" and ex.response == MSG and ex.request_id == "req_011A"


def test_claude_trace_sample_loads_json_and_stream_bodies():
    _, [title, first, cut, orphan], _ = load_all(SAMPLE)
    assert title.request["model"] == "claude-3-5-haiku-20241022"
    assert title.response["content"][0]["text"] == "Checkout discount test failure"
    assert (title.status, title.request_id) == (200, "req_011CQv1aB2cD3eF4gH5iJ6kL")
    assert title.started_at == "2025-06-03T14:02:10.112Z"
    assert title.duration_ms == 618.0 and title.extra["ttfb_ms"] == 610.0
    assert first.response["content"][1] == {"type": "tool_use", "id": "toolu_01Xq7gHn2VbK9sLmPq4rT8wZ",
                                             "name": "read_file", "input": {"path": "tests/test_checkout.py"}}
    assert first.response["stop_reason"] == "tool_use" and "stream_defects" not in first.extra
    assert [e.source.line for e in (title, first, cut, orphan)] == [1, 2, 3, 4]
    assert orphan.response is None and orphan.extra["orphaned"] is True


def test_claude_trace_headers_are_redacted_on_load():
    _, exchanges, _ = load_all(SAMPLE)
    for ex in exchanges:
        dumped = json.dumps(ex.to_native())
        assert KEY not in dumped and KEY[:30] not in dumped
        assert "[REDACTED]" in ex.extra["request_headers"]["x-api-key"]
        assert ex.extra["request_headers"]["anthropic-version"] == "2023-06-01"


def test_claude_trace_cut_stream_with_overloaded_error():
    _, [_, _, cut, _], _ = load_all(SAMPLE)
    assert cut.status == 200 and cut.error["error"]["type"] == "overloaded_error"
    assert cut.response["content"][0]["text"].startswith("The test expects")
    [f] = check(cut, "F001")
    assert f.path == ("content", 1) and "overloaded_error" in f.message
    assert "response body line 43: in-stream error event" in f.message  # the body's line, not the file's
    assert check(cut, "E002")


def test_f003_orphaned_request_is_reported():
    _, [*_, orphan], _ = load_all(SAMPLE)
    [f] = check(orphan, "F003")
    assert f.scope == "response" and "ORPHANED_REQUEST" in f.message
    assert orphan.duration_ms is None and orphan.started_at == "2025-06-03T14:02:19.612Z"
    # the request is still checked: the missing tool_result is what hung the agent
    assert check(orphan, "P001")


def test_f003_answered_request_is_silent():
    _, [title, *_], _ = load_all(SAMPLE)
    assert not check(title, "F003")


def test_claude_trace_error_body_and_other_endpoints(tmp_path):
    err = {"type": "error", "error": {"type": "invalid_request_error", "message": "max_tokens: Field required"},
           "request_id": "req_011B"}
    lines = [json.dumps(record(response={"timestamp": 1748959331.0, "status_code": 400, "headers": {},
                                         "body": err})),
             json.dumps(record(url="https://api.anthropic.com/v1/messages/count_tokens?beta=true",
                               response={"timestamp": 1748959331.0, "status_code": 200, "headers": {},
                                         "body": {"input_tokens": 10}}))]
    p = write(tmp_path, lines)
    _, exchanges, issues = load_all(p)
    assert not issues and len(exchanges) == 1  # count_tokens is not a Messages call
    assert exchanges[0].error == err and exchanges[0].status == 400


def test_claude_trace_bad_records_name_file_and_line(tmp_path):
    lines = [json.dumps(record()),
             json.dumps(record())[:120],  # cut while writing
             json.dumps(record(body=["not", "a", "body"])),
             json.dumps(record(body="{broken json")),
             json.dumps({"request": "POST /v1/messages", "response": None, "logged_at": "x"})]
    p = write(tmp_path, lines)
    log, exchanges, issues = load_all(p)
    assert log.format == "claude-trace" and len(exchanges) == 1
    assert [i.line for i in issues] == [2, 3, 4, 5]
    assert str(issues[0]).startswith(f"{p}:2: invalid JSON")
    assert str(issues[1]) == f"{p}:3: request.body is list, expected the request JSON object"
    assert "request.body is a string that is not JSON" in str(issues[2])
    assert "expected an object with a `request` object" in str(issues[3])


def test_claude_trace_only_other_endpoints_is_one_issue(tmp_path):
    p = write(tmp_path, [json.dumps(record(url="https://api.anthropic.com/api/oauth/usage")),
                         json.dumps(record(url="https://api.anthropic.com/api/oauth/usage"))])
    _, exchanges, [issue] = load_all(p)
    assert not exchanges and "no Messages API call" in str(issue) and "/api/oauth/usage" in str(issue)
