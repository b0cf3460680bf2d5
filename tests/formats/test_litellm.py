"""LiteLLM StandardLoggingPayload logs: detection, loading, defects, malformed input."""

from __future__ import annotations

import json
from pathlib import Path

from tui.core.check import check_exchange
from tui.core.formats import load_all

SAMPLE = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats" / "litellm-standard-logging.jsonl"


def records() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text().splitlines()]


def write(tmp_path: Path, name: str, values: list) -> Path:
    p = tmp_path / name
    p.write_text("".join(json.dumps(v) + "\n" for v in values))
    return p


def test_detected_as_litellm_jsonl_and_as_single_document(tmp_path):
    log, _, issues = load_all(SAMPLE)
    assert log.format == "litellm" and not issues
    one = tmp_path / "payload.json"
    one.write_text(json.dumps(records()[0], indent=2))
    log, [ex], _ = load_all(one)
    assert (log.format, ex.source.where()) == ("litellm", f"{one}#0")


def test_wrapped_standard_logging_object_is_detected(tmp_path):
    p = write(tmp_path, "kwargs.jsonl", [{"standard_logging_object": r} for r in records()])
    log, exchanges, issues = load_all(p)
    assert log.format == "litellm" and len(exchanges) == 3 and not issues


def test_load_rebuilds_openai_request_and_keeps_metadata():
    _, exchanges, _ = load_all(SAMPLE)
    assert [(e.format, e.dialect, e.status) for e in exchanges] == [
        ("litellm-acompletion", "openai-chat", 200),
        ("litellm-acompletion", "openai-chat", 400),
        ("litellm-anthropic_messages", "anthropic", 200),
    ]
    first = exchanges[0]
    assert list(first.request) == ["model", "messages", "max_tokens", "temperature", "tools", "tool_choice"]
    assert first.request["messages"][0] == {"role": "system", "content": records()[0]["messages"][0]["content"]}
    assert first.response["choices"][0]["message"]["tool_calls"][0]["id"] == "toolu_01FZq8Rk3Nv7Lw2Xb9Tm4Yc6"
    assert (first.started_at, first.duration_ms, first.extra["ttft_ms"]) == ("2025-10-17T11:56:48.412Z", 1803.0, 1218.0)
    assert first.request_id == "req_011CU8xZ9vNq2Lm4Wk7Rt1P1"
    assert first.error is None
    assert (first.extra["call_type"], first.extra["model_group"], first.extra["end_user"]) == (
        "acompletion", "claude-sonnet", "cust_48213")
    assert [e.source.line for e in exchanges] == [1, 2, 3]


def test_headers_are_redacted_on_load():
    _, exchanges, _ = load_all(SAMPLE)
    key = exchanges[0].headers["llm_provider-x-api-key"]
    assert key.startswith("sk-ant-api03-…[REDACTED]") and "Zq8Xv2" not in json.dumps(exchanges[0].to_native())


def test_anthropic_messages_call_type_is_anthropic_shaped():
    _, exchanges, _ = load_all(SAMPLE)
    ex = exchanges[2]
    assert ex.request["messages"][2]["content"][0]["type"] == "tool_result"
    assert ex.response["type"] == "message" and ex.extra["partial_request"] is True
    assert not [f for f in check_exchange(ex) if f.severity.value == "error"]


def test_defect_failed_call_keeps_the_error_and_q001_finds_the_cause():
    _, exchanges, _ = load_all(SAMPLE)
    failed = exchanges[1]
    assert failed.response is None
    assert failed.error["error"]["type"] == "BadRequestError"
    assert "tool_use` ids were found without `tool_result`" in failed.error["error"]["message"]
    f, e = check_exchange(failed)
    assert (f.code, f.dotted) == ("Q001", "messages.2.tool_calls.0")
    # The logged 400 is explained by that rule (E001 names it) rather than left as a bare error.
    assert e.code == "E001" and "rule Q001" in e.message


def test_malformed_records_name_file_and_line(tmp_path):
    good = records()[0]
    redacted = {**good, "messages": "redacted-by-litellm"}
    embedding = {**good, "call_type": "aembedding", "messages": ["some text"]}
    no_messages = {**good, "messages": None}
    bad_shape = {**good, "messages": {"role": "user"}}
    p = write(tmp_path, "log.jsonl", [good, redacted, embedding, no_messages, bad_shape])
    with p.open("a") as f:
        f.write(json.dumps(good)[:90] + "\n")
    log, exchanges, issues = load_all(p)
    assert log.format == "litellm" and len(exchanges) == 1
    assert [str(i) for i in issues] == [
        f"{p}:2: the messages were redacted by LiteLLM (turn_off_message_logging): only metadata was logged",
        f"{p}:3: call_type 'aembedding' is not a chat call (nothing to check)",
        f"{p}:4: no messages were logged (SpendLogs keep prompts only with store_prompts_in_spend_logs)",
        f"{p}:5: `messages` is dict, expected a list of messages",
        f"{p}:6: invalid JSON at column 91, in trace_id: Invalid control character",
    ]


def test_spend_logs_row_with_stored_prompt(tmp_path):
    row = {"request_id": "chatcmpl-77", "call_type": "acompletion", "api_key": "88dc28d0", "spend": 0.0012,
           "startTime": "2025-10-17T11:56:48.412Z", "endTime": "2025-10-17T11:56:49.000Z", "model": "gpt-4o",
           "messages": json.dumps([{"role": "user", "content": "hi"}]),
           "response": json.dumps({"id": "chatcmpl-77", "object": "chat.completion", "choices": []}),
           "proxy_server_request": json.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}],
                                               "max_tokens": 50})}
    p = write(tmp_path, "spend.jsonl", [row, {**row, "messages": "{}", "proxy_server_request": "{}"}])
    _, [ex], [issue] = load_all(p)
    assert ex.request == {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 50}
    assert (ex.dialect, ex.duration_ms, ex.request_id) == ("openai-chat", 588.0, "chatcmpl-77")
    assert issue.line == 2 and "no messages were logged" in issue.message


def test_a_call_type_that_is_not_a_string_is_decided_by_the_body(tmp_path):
    """Found by the mutation fuzzer: `call_type: []` used to raise TypeError (unhashable) and crash
    `check` with a traceback; the record is read by its messages like any untyped chat record."""
    p = write(tmp_path, "log.jsonl", [{**records()[0], "call_type": []}])
    log, exchanges, issues = load_all(p)
    assert log.format == "litellm" and len(exchanges) == 1 and not issues
    assert exchanges[0].request.get("messages")
