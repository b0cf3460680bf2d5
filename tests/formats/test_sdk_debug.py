"""Python SDK debug logs: bodies read back from their Python repr, statuses, headers (redacted),
retries, tracebacks skipped, INFO-only logs, and reprs that cannot be read naming the line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.rulekit import findings
from tui.core.formats import load_all
from tui.core.formats.sdk_debug import python_repr_value

SAMPLE = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats" / "sdk_debug_anthropic.log"
REQ = {"max_tokens": 64, "messages": [{"role": "user", "content": "it's \"quoted\" {braces} ]"}], "model": "claude-sonnet-4-5"}


def P(ts: str, logger: str, level: str, msg: str) -> str:
    return f"[2025-06-03 14:40:{ts} - {logger}:1000 - {level}] {msg}"


def options(body, key="stainless-python-retry-1", url="/v1/messages") -> str:
    return "Request options: " + repr({"method": "post", "url": url, "timeout": 600, "files": None,
                                       "idempotency_key": key, "json_data": body})


def write(tmp_path: Path, lines: list[str]) -> Path:
    p = tmp_path / "app.log"
    p.write_text("\n".join(lines) + "\n")
    return p


def codes(ex) -> set[str]:
    return {f.code for f in findings(ex.request, response=ex.response, error=ex.error, status=ex.status,
                                     extra=ex.extra)}


def test_sdk_debug_sample_is_detected():
    log, exchanges, issues = load_all(SAMPLE)
    assert log.format == "sdk-debug-log" and len(exchanges) == 3 and not issues


def test_sdk_debug_sample_loads_attempts_with_status_and_retries():
    _, [overloaded, retried, rejected], _ = load_all(SAMPLE)
    assert overloaded.request == retried.request
    assert overloaded.request["tools"][0]["name"] == "read_file"
    assert (overloaded.status, retried.status, rejected.status) == (529, 200, 400)
    assert overloaded.extra["retry_in_s"] == 0.823041 and overloaded.extra["attempt"] == 1
    assert retried.extra["attempt"] == 2 and retried.extra["idempotency_key"] == overloaded.extra["idempotency_key"]
    assert rejected.extra["attempt"] == 1
    assert retried.request_id == "req_011CR01aBcDeFgHiJkLmNoP"
    assert retried.started_at == "2025-06-03T14:40:02" and retried.duration_ms == 2000.0
    assert retried.headers["anthropic-ratelimit-requests-remaining"] == "3999"
    assert (overloaded.source.line, retried.source.line, rejected.source.line) == (1, 12, 17)
    assert retried.response is None  # the SDK never logs response bodies


def test_sdk_debug_cookie_headers_are_redacted():
    _, [overloaded, *_], _ = load_all(SAMPLE)
    assert "[REDACTED]" in overloaded.headers["set-cookie"]
    assert "Q2xvdWRmbGFyZUNvb2tpZVZhbHVl" not in json.dumps(overloaded.to_native())


def test_sdk_debug_sample_defects():
    _, [overloaded, _, rejected], _ = load_all(SAMPLE)
    assert "E002" in codes(overloaded)
    assert {"P001", "E001"} <= codes(rejected)


def test_python_repr_value_respects_quotes_and_refuses_objects():
    text = options(REQ)
    assert python_repr_value(text, "json_data") == (REQ, None)
    value, problem = python_repr_value("{'json_data': {'a': NOT_GIVEN}}", "json_data")
    assert value is None and "cannot be read back as JSON" in problem
    assert "brackets do not close" in python_repr_value("{'json_data': {'a': [1, 2", "json_data")[1]
    assert python_repr_value("{'json_data': {'a': (1, 2)}}", "json_data") == ({"a": [1, 2]}, None)
    for no_json in ("{'a': {1, 2}}", "{'a': b'xy'}", "{1: 'a'}", "{'a': 1e999}"):
        value, problem = python_repr_value("{'json_data': " + no_json + "}", "json_data")
        assert value is None and "cannot be read back as JSON" in problem, no_json


def test_sdk_debug_own_logging_prefix_and_openai(tmp_path):
    chat = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
    lines = ["2025-06-03T14:40:00Z myapp DEBUG " + options(REQ),
             "2025-06-03T14:40:01Z myapp DEBUG HTTP Response: POST https://api.anthropic.com/v1/messages \"200 OK\" "
             "Headers({'request-id': 'req_1'})",
             "2025-06-03T14:41:00Z myapp DEBUG " + options(chat, url="/chat/completions")]
    log, [anthropic, openai], _ = load_all(write(tmp_path, lines))
    assert log.format == "sdk-debug-log" and anthropic.request == REQ and anthropic.request_id == "req_1"
    assert anthropic.started_at is None and openai.dialect == "openai-chat"


def test_sdk_debug_info_level_gives_bodyless_attempts(tmp_path):
    url = "https://api.anthropic.com/v1/messages"
    lines = [P("00", "httpx", "INFO", f'HTTP Request: POST {url} "HTTP/1.1 529 "'),
             P("00", "anthropic._base_client", "INFO", "Retrying request to /v1/messages in 0.400000 seconds"),
             P("01", "httpx", "INFO", f'HTTP Request: POST {url} "HTTP/1.1 529 "'),
             P("01", "anthropic._base_client", "INFO", "Retrying request to /v1/messages in 0.800000 seconds"),
             P("02", "httpx", "INFO", f'HTTP Request: POST {url} "HTTP/1.1 200 OK"')]
    _, exchanges, issues = load_all(write(tmp_path, lines))
    assert not issues and [e.status for e in exchanges] == [529, 529, 200]
    assert [e.extra.get("retry_in_s") for e in exchanges] == [0.4, 0.8, None]
    assert all(e.request is None for e in exchanges)


def test_sdk_debug_unreadable_repr_names_file_and_line(tmp_path):
    lines = [P("00", "anthropic._base_client", "DEBUG", options(REQ)),
             P("01", "anthropic._base_client", "DEBUG", "Request options: {'method': 'post', 'url': '/v1/messages', "
                                                         "'json_data': {'model': 'x', 'metadata': NotGiven()}}"),
             P("01", "httpx", "INFO", 'HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"'),
             P("02", "anthropic._base_client", "DEBUG", "Request options: {'method': 'post', 'url': '/v1/messages', "
                                                         "'json_data': {'model': 'x', 'messages': [{'role'"),
             P("03", "anthropic._base_client", "DEBUG", "Request options: {'method': 'get', 'url': '/v1/models'}")]
    p = write(tmp_path, lines)
    _, [ok], issues = load_all(p)
    assert ok.request == REQ
    assert [str(i).split(": ", 1)[0] for i in issues] == [f"{p}:2", f"{p}:4"]
    assert "cannot be read back as JSON" in str(issues[0]) and "brackets do not close" in str(issues[1])
