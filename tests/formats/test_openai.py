"""OpenAI Chat Completions and Responses logs: detection, loading, defects, malformed input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.core.check import check_exchange
from tui.core.formats import load_all
from tui.core.formats.openai import classify, is_chat_request

SAMPLES = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats"
BROKEN = Path(__file__).resolve().parents[2] / "sample_payloads" / "broken"

CHAT_REQ = {"model": "gpt-4.1", "messages": [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "List the files."},
    {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_A1", "type": "function", "function": {"name": "ls", "arguments": "{}"}}]},
    {"role": "tool", "tool_call_id": "call_A1", "content": "README.md\nsetup.py"}]}


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def codes(ex) -> list[str]:
    return [f.code for f in check_exchange(ex)]


# -- detection ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,fmt", [
    ("openai-chat-pair.json", "openai-json"),
    ("openai-chat-log.jsonl", "openai-jsonl"),
    ("openai-responses.jsonl", "openai-jsonl"),
])
def test_samples_are_detected(name, fmt):
    log, _, issues = load_all(SAMPLES / name)
    assert log.format == fmt and not issues


@pytest.mark.parametrize("body,kind", [
    (CHAT_REQ, "chat-request"),
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}, "chat-request"),
    ({"model": "gpt-5", "input": [{"type": "function_call_output", "call_id": "call_1", "output": "ok"}]},
     "responses-request"),
    ({"id": "chatcmpl-1", "object": "chat.completion", "choices": []}, "chat-response"),
    ({"id": "resp_1", "object": "response", "output": []}, "responses-response"),
    ({"custom_id": "r1", "method": "POST", "url": "/v1/chat/completions", "body": CHAT_REQ}, "batch-input"),
])
def test_classify_recognises_openai_records(body, kind):
    assert classify(body) == kind


@pytest.mark.parametrize("body", [
    # Claude model with OpenAI-shaped history: an Anthropic request with leftovers (O family).
    {**CHAT_REQ, "model": "claude-sonnet-4-5"},
    # Anthropic signals win over OpenAI ones.
    {**CHAT_REQ, "system": "Be brief."},
    {"model": "gpt-4o", "max_tokens": 10, "messages": [{"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "toolu_1", "content": "x"}]}]},
    # Ambiguous: plain messages, `max_tokens`, and a model name no vendor's family claims (issue 15
    # §5 made a named non-Anthropic family such as llama an OpenAI-compatible request).
    {"model": "my-gateway-alias", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]},
])
def test_anthropic_and_ambiguous_bodies_are_not_claimed(body):
    assert not is_chat_request(body)
    assert classify(body) is None


def test_the_repository_broken_samples_stay_anthropic():
    for sample in sorted(BROKEN.glob("*.json")):
        log, exchanges, _ = load_all(sample)
        assert log.format == "anthropic-json", sample.name
        assert {e.dialect for e in exchanges} == {"anthropic"}, sample.name


def test_bare_openai_messages_array(tmp_path):
    p = write(tmp_path, "history.json", json.dumps(CHAT_REQ["messages"]))
    log, [ex], issues = load_all(p)
    assert (log.format, ex.format, ex.dialect, issues) == ("openai-json", "openai-messages", "openai-chat", [])
    assert ex.extra == {"messages_only": True}


# -- loading -----------------------------------------------------------------------------------------

def test_chat_pair_loads_with_timing_status_and_redacted_headers():
    _, [ex], _ = load_all(SAMPLES / "openai-chat-pair.json")
    assert (ex.format, ex.dialect, ex.status) == ("openai-pair", "openai-chat", 400)
    assert ex.request["model"] == "gpt-4.1" and len(ex.request["messages"]) == 5
    assert ex.response is None and ex.error["error"]["message"].startswith("An assistant message with 'tool_calls'")
    assert (ex.started_at, ex.duration_ms) == ("2025-10-16T10:54:09.528Z", 1874.2)
    assert ex.request_id == "req_5f0c2b9e8a7d4e61b3c0a9f7d2e1c4b8"
    assert ex.headers["authorization"].startswith("Bearer sk-proj-…[REDACTED]")
    assert "Q8mN3vX7" not in json.dumps(ex.to_native())
    assert ex.source.where() == f"{SAMPLES / 'openai-chat-pair.json'}#0"


def test_chat_jsonl_keeps_lines_errors_and_statuses():
    path = SAMPLES / "openai-chat-log.jsonl"
    _, exchanges, _ = load_all(path)
    assert [(e.source.line, e.source.record, e.status) for e in exchanges] == [(1, 0, 200), (2, 1, 200), (3, 2, 400)]
    assert exchanges[0].response["choices"][0]["finish_reason"] == "tool_calls"
    assert exchanges[2].response is None
    assert exchanges[2].error["error"]["param"] == "messages.[2].role"
    assert exchanges[0].extra == {"ts": "2025-10-16T10:52:03.118Z"}
    assert exchanges[0].started_at == "2025-10-16T10:52:03.118Z"
    data = path.read_bytes()
    for ex in exchanges:  # byte offsets point at the record
        assert json.loads(data[ex.source.offset:].split(b"\n", 1)[0])["request"] == ex.request


def test_responses_jsonl_loads_items_and_error():
    _, exchanges, _ = load_all(SAMPLES / "openai-responses.jsonl")
    assert [e.dialect for e in exchanges] == ["openai-responses"] * 3
    first = exchanges[0]
    assert first.request["input"][0]["content"][0]["text"] == "Why does test_discount_rounding fail?"
    assert [i["type"] for i in first.response["output"]] == ["reasoning", "function_call"]
    assert exchanges[2].status == 400
    assert exchanges[2].error["error"]["message"].startswith("No tool output found for function call")


def test_single_documents_of_each_kind(tmp_path):
    resp = {"id": "resp_9", "object": "response", "status": "failed", "output": [],
            "error": {"code": "server_error", "message": "boom"}}
    p = write(tmp_path, "r.json", json.dumps(resp))
    _, [ex], _ = load_all(p)
    assert (ex.format, ex.dialect, ex.response, ex.error) == (
        "openai-responses-response", "openai-responses", resp, {"error": resp["error"]})
    p = write(tmp_path, "c.json", json.dumps(CHAT_REQ, indent=2))
    log, [ex], _ = load_all(p)
    assert (log.format, ex.format, ex.request) == ("openai-json", "openai-chat-request", CHAT_REQ)


def test_mixed_jsonl_loads_anthropic_lines_as_anthropic(tmp_path):
    anthropic = {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
    p = write(tmp_path, "mixed.jsonl", json.dumps(CHAT_REQ) + "\n" + json.dumps(anthropic) + "\n")
    _, exchanges, issues = load_all(p)
    assert [e.dialect for e in exchanges] == ["openai-chat", "anthropic"] and not issues


def test_openai_batch_lines(tmp_path):
    lines = [{"custom_id": "t-1", "method": "POST", "url": "/v1/chat/completions", "body": CHAT_REQ},
             {"id": "batch_req_1", "custom_id": "t-1", "response": {"status_code": 200, "request_id": "req_b1",
              "body": {"id": "chatcmpl-9", "object": "chat.completion", "choices": []}}, "error": None}]
    p = write(tmp_path, "batch.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    _, [inp, out], issues = load_all(p)
    assert not issues
    assert (inp.format, inp.request, inp.extra["custom_id"]) == ("openai-batch-input", CHAT_REQ, "t-1")
    assert (out.format, out.status, out.request_id) == ("openai-batch-output", 200, "req_b1")


def test_native_export_of_openai_exchanges_round_trips(tmp_path):
    _, original, _ = load_all(SAMPLES / "openai-chat-log.jsonl")
    p = write(tmp_path, "native.jsonl", "".join(json.dumps(e.to_native()) + "\n" for e in original))
    log, again, issues = load_all(p)
    assert log.format == "openai-jsonl" and not issues
    for a, b in zip(again, original):
        assert (a.format, a.dialect, a.request, a.response, a.error, a.status, a.duration_ms) == (
            "native", b.dialect, b.request, b.response, b.error, b.status, b.duration_ms)


def test_embedding_requests_are_not_responses_requests():
    assert classify({"model": "text-embedding-3-small", "input": "hello"}) is None
    assert classify({"model": "omni-moderation-latest", "input": "hello"}) is None


# -- defects -----------------------------------------------------------------------------------------

def test_defect_lost_tool_message_is_found_in_the_pair():
    _, [ex], _ = load_all(SAMPLES / "openai-chat-pair.json")
    [f] = [f for f in check_exchange(ex) if f.code == "Q001"]
    assert f.dotted == "messages.2.tool_calls.1"
    assert f.api_error.endswith("did not have response messages: call_Hd4Ua8Kq1zXn6Vb3Rm0LtE5w")


def test_defect_cut_completion_and_orphan_tool_messages_in_the_log():
    _, exchanges, _ = load_all(SAMPLES / "openai-chat-log.jsonl")
    assert codes(exchanges[0]) == []
    cut = [f for f in check_exchange(exchanges[1]) if f.code == "Q005"]
    assert [f.dotted for f in cut] == ["response.choices.0.finish_reason",
                                       "response.choices.0.message.tool_calls.0.function.arguments"]
    assert codes(exchanges[2]) == ["Q002", "Q002", "E001"]


def test_defect_responses_call_without_output():
    _, exchanges, _ = load_all(SAMPLES / "openai-responses.jsonl")
    assert codes(exchanges[0]) == [] and codes(exchanges[1]) == []
    f, e = check_exchange(exchanges[2])
    assert (f.code, f.dotted) == ("Q003", "input.4")
    assert e.code == "E001" and "rule Q003" in e.message
    assert f.api_error == "No tool output found for function call call_Tq9Ws2Ed5Rf8Gy1Hu4Ji7Ko0."


def test_anthropic_rules_do_not_run_on_openai_payloads():
    _, [ex], _ = load_all(SAMPLES / "openai-chat-pair.json")
    # Q rules judge the payload; E judges what the API answered. No Anthropic request rule runs.
    assert {f.code[0] for f in check_exchange(ex)} == {"Q", "E"}


# -- malformed input ---------------------------------------------------------------------------------

def test_truncated_jsonl_record_names_file_and_line(tmp_path):
    good = json.dumps({"request": CHAT_REQ, "response": None})
    p = write(tmp_path, "log.jsonl", good + "\n" + good[:70] + "\n" + good + "\n")
    log, exchanges, [issue] = load_all(p)
    assert log.format == "openai-jsonl"
    assert [e.source.line for e in exchanges] == [1, 3]
    assert str(issue).startswith(f"{p}:2: invalid JSON at column")


def test_wrong_shape_names_file_line_and_path(tmp_path):
    lines = [CHAT_REQ,
             {"request": {**CHAT_REQ, "messages": "[{\"role\": \"user\"}]"}, "response": None},
             {"id": "chatcmpl-2", "object": "chat.completion", "choices": {"0": {}}},
             {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}, 42]},
             {"object": "chat.completion.chunk", "choices": [{"delta": {"content": "Hi"}}]}]
    p = write(tmp_path, "log.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    _, exchanges, issues = load_all(p)
    assert len(exchanges) == 1
    assert [str(i) for i in issues] == [
        f"{p}:2 at /request/messages: `messages` is a string, expected a list of messages",
        f"{p}:3 at /choices: `choices` is an object, expected a list",
        f"{p}:4 at /messages/1: messages[1] is int, expected a message object",
        f"{p}:5: a streaming chunk (chat.completion.chunk): this loader reads whole requests and responses, "
        f"not streams",
    ]


# -- issue 15 §5: chat/completions bodies naming another vendor's model ------------------------------

@pytest.mark.parametrize("body", [
    {"model": "meta-llama/llama-3-70b-instruct", "messages": [{"role": "user", "content": "hi"}], "stream": True},
    {"model": "mistral-large-latest", "max_tokens": 200, "messages": [{"role": "user", "content": "hi"}]},
    {"model": "qwen2.5-coder:7b", "messages": [{"role": "user", "content": "hi"}]},
])
def test_a_request_naming_another_vendors_model_is_never_checked_as_anthropic(tmp_path, body):
    p = tmp_path / "req.json"
    p.write_text(json.dumps(body))
    _, [ex], _ = load_all(p)
    assert ex.dialect == "openai-chat"
    assert not [f.code for f in check_exchange(ex) if f.code[0] in "BAR"]  # no B002 "no max_tokens"


@pytest.mark.parametrize("body", [
    {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "hi"}]},
    {"model": "my-gateway-alias", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]},
])
def test_near_miss_claude_or_a_body_with_max_tokens_stays_anthropic(tmp_path, body):
    p = tmp_path / "req.json"
    p.write_text(json.dumps(body))
    _, [ex], _ = load_all(p)
    assert ex.dialect == "anthropic"
