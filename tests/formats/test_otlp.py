"""OTLP/JSON GenAI spans (current semconv and OpenLLMetry legacy): detection, loading, defects,
malformed input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.core.check import check_exchange
from tui.core.formats import LoadError, load_all
from tui.core.formats.otlp import any_value

SAMPLE = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats" / "otlp-genai-spans.jsonl"


def lines() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text().splitlines()]


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_collector_file_and_single_document_are_detected(tmp_path):
    log, exchanges, issues = load_all(SAMPLE)
    assert log.format == "otlp-json" and len(exchanges) == 3 and len(issues) == 1
    doc = write(tmp_path, "trace.json", json.dumps(lines()[0], indent=2))
    log, exchanges, _ = load_all(doc)
    assert log.format == "otlp-json" and [e.source.where() for e in exchanges] == [f"{doc}#0"]


def test_any_value_decodes_otlp_values():
    assert any_value({"intValue": "1024"}) == 1024
    assert any_value({"arrayValue": {"values": [{"stringValue": "tool_use"}]}}) == ["tool_use"]
    assert any_value({"kvlistValue": {"values": [{"key": "a", "value": {"boolValue": True}}]}}) == {"a": True}


def test_semconv_chat_span_rebuilds_an_anthropic_exchange():
    _, exchanges, _ = load_all(SAMPLE)
    ex = exchanges[0]
    assert (ex.format, ex.dialect, ex.source.line, ex.status) == ("otlp-semconv", "anthropic", 1, 200)
    assert ex.request["system"].startswith("You are the billing agent")
    assert (ex.request["max_tokens"], ex.request["temperature"]) == (1024, 0.2)
    assert [m["role"] for m in ex.request["messages"]] == ["user", "assistant", "user"]
    assert ex.request["messages"][1]["content"][1] == {
        "type": "tool_use", "id": "toolu_01Lk7Xq2Wn9Rb4Zt6Yc3Mv8P", "name": "lookup_order",
        "input": {"order_id": "NW-10442"}}
    assert ex.request["messages"][2]["content"][0]["tool_use_id"] == "toolu_01Lk7Xq2Wn9Rb4Zt6Yc3Mv8P"
    assert [t["name"] for t in ex.request["tools"]] == ["lookup_order", "refund_order"]
    resp = ex.response
    assert (resp["id"], resp["stop_reason"], resp["usage"]) == (
        "msg_01Tz5Wq8Lm3Xv7Nb2Rk9Yc4H", "tool_use", {"input_tokens": 1187, "output_tokens": 74})
    assert resp["content"][1]["input"] == {"order_id": "NW-10442", "amount": 14.5}
    assert (ex.started_at, ex.duration_ms) == ("2025-10-17T11:20:00.015Z", 2380.0)
    assert ex.extra["otel"]["span_id"] == "b2c3d4e5f6071829" and ex.extra["partial_request"] is True
    assert not [f for f in check_exchange(ex) if f.severity.value == "error"]


def test_openllmetry_openai_span_is_openai_chat():
    _, exchanges, _ = load_all(SAMPLE)
    ex = exchanges[2]
    assert (ex.format, ex.dialect) == ("otlp-openllmetry", "openai-chat")
    assert ex.request["messages"] == [
        {"role": "system", "content": "Classify the sentiment of support emails as positive, neutral or negative."},
        {"role": "user", "content": "The tin arrived dented but the tea is lovely."}]
    assert ex.response["choices"][0] == {"index": 0, "message": {"role": "assistant", "content": "neutral"},
                                         "finish_reason": "stop"}


def test_defect_legacy_span_shows_the_unanswered_tool_use_and_the_error():
    _, exchanges, _ = load_all(SAMPLE)
    ex = exchanges[1]
    assert ex.request["system"].startswith("You are the billing agent")
    assert ex.request["messages"][1]["content"][1]["id"] == "toolu_01Xb6Nq3Wr8Lz1Tk4Ym7Vc2S"  # not duplicated
    assert len(ex.request["messages"][1]["content"]) == 2
    assert ex.request["tools"][0]["input_schema"]["required"] == ["order_id"]
    assert ex.status == 400 and ex.error["error"]["type"] == "BadRequestError"
    found = {(f.code, f.dotted) for f in check_exchange(ex)}
    assert ("P001", "messages.1.content.1") in found
    assert any(code == "E001" for code, _ in found)


def test_span_without_content_is_a_load_issue_naming_line_and_path():
    _, _, [issue] = load_all(SAMPLE)
    assert str(issue).startswith(f"{SAMPLE}:1 at /resourceSpans/0/scopeSpans/0/spans/3: span 'chat gpt-4o-mini' "
                                 f"has no message content; enable content capture")


def test_thinking_completion_and_tool_definitions_in_legacy_attributes(tmp_path):
    doc = lines()[1]
    span = doc["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    span["status"] = {"code": 1}
    span["attributes"] = [a for a in span["attributes"] if a["key"] not in ("error.type", "gen_ai.prompt.3.role",
                                                                             "gen_ai.prompt.3.content")]
    span["attributes"] += [{"key": k, "value": {"stringValue": v}} for k, v in {
        "gen_ai.prompt.3.role": "user",
        "gen_ai.prompt.3.content": json.dumps([{"type": "tool_result", "tool_use_id": "toolu_01Xb6Nq3Wr8Lz1Tk4Ym7Vc2S",
                                                "content": "total 38.50"}]),
        "gen_ai.completion.0.role": "thinking", "gen_ai.completion.0.content": "The invoice says 38.50.",
        "gen_ai.completion.1.role": "assistant", "gen_ai.completion.1.content": "You paid 38.50.",
        "gen_ai.completion.1.finish_reason": "end_turn"}.items()]
    p = write(tmp_path, "one.jsonl", json.dumps(doc) + "\n" + json.dumps(doc) + "\n")
    _, exchanges, issues = load_all(p)
    assert not issues and len(exchanges) == 4
    ex = exchanges[0]
    assert ex.response["content"] == [{"type": "text", "text": "You paid 38.50."}]
    assert ex.response["stop_reason"] == "end_turn"
    assert "dropped reasoning parts (spans keep no thinking signature, so they cannot be replayed)" in ex.extra["notes"]
    assert not [f for f in check_exchange(ex) if f.severity.value == "error"]
    assert [e.source.record for e in exchanges] == [0, 1, 2, 3]


def test_malformed_lines_and_documents(tmp_path):
    good = SAMPLE.read_text().splitlines()[1]
    no_genai = {"resourceSpans": [{"scopeSpans": [{"spans": [{"name": "GET /health", "attributes": []}]}]}]}
    text = good + "\n" + good[:200] + "\n" + json.dumps(no_genai) + "\n"
    p = write(tmp_path, "spans.jsonl", text)
    log, exchanges, issues = load_all(p)
    assert log.format == "otlp-json" and len(exchanges) == 2
    assert [str(i).split(":", 2)[1] for i in issues] == ["2", "3"]
    assert str(issues[0]).startswith(f"{p}:2: invalid JSON at column")
    assert str(issues[1]) == f"{p}:3: none of the 1 spans is a GenAI model call (no gen_ai.* chat attributes)"


def test_cut_single_document_is_a_load_error_with_its_line(tmp_path):
    text = json.dumps(lines()[0], indent=2)
    p = write(tmp_path, "trace.json", text[: len(text) // 3])
    with pytest.raises(LoadError) as err:
        load_all(p)
    assert str(err.value).startswith(f"{p}: invalid JSON") and "(line " in str(err.value)
