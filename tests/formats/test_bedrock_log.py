"""Bedrock model invocation logs: InvokeModel bodies, Converse converted, streamed chunks,
gzip, and records that cannot be read naming file and line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.rulekit import findings
from tui.core.formats import load_all

SAMPLE = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats" / "bedrock_log_invocations.jsonl"
BODY = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}


def rec(op="InvokeModel", body=BODY, out=None, **kw):
    r = {"schemaType": "ModelInvocationLog", "schemaVersion": "1.0", "timestamp": "2025-06-03T14:50:01Z",
         "accountId": "123456789012", "region": "us-east-1", "requestId": "rid-1", "operation": op,
         "modelId": "anthropic.claude-sonnet-4-5-20250929-v1:0",
         "input": {"inputContentType": "application/json", "inputBodyJson": body, "inputTokenCount": 9}}
    if out is not None:
        r["output"] = {"outputContentType": "application/json", "outputBodyJson": out, "outputTokenCount": 3}
    r.update(kw)
    return r


def codes(ex) -> set[str]:
    return {f.code for f in findings(ex.request, response=ex.response, error=ex.error, status=ex.status,
                                     extra=ex.extra)}


def test_bedrock_sample_is_detected():
    log, exchanges, issues = load_all(SAMPLE)
    assert log.format == "bedrock-invocation-log" and len(exchanges) == 3 and not issues


def test_bedrock_invoke_model_record_loads_untouched():
    _, [invoke, *_], _ = load_all(SAMPLE)
    raw = json.loads(SAMPLE.read_text().splitlines()[0])
    assert invoke.request == raw["input"]["inputBodyJson"] and invoke.response == raw["output"]["outputBodyJson"]
    assert invoke.response["id"].startswith("msg_bdrk_") and invoke.status == 200
    assert invoke.extra["modelId"].endswith("eu.anthropic.claude-sonnet-4-5-20250929-v1:0")
    assert invoke.request_id == "5f0e1d2c-3b4a-4958-8776-a5b4c3d2e1f0"
    assert invoke.started_at == "2025-06-03T14:50:01Z" and invoke.source.line == 1


def test_bedrock_converse_is_converted_to_messages():
    _, [_, converse, _], _ = load_all(SAMPLE)
    req = converse.request
    assert converse.format == "bedrock-converse" and converse.extra["converted_from"] == "bedrock-converse"
    assert req["max_tokens"] == 1024 and req["temperature"] == 0.2
    assert req["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert req["messages"][1]["content"][1] == {"type": "tool_use", "id": "tooluse_Qm9v1Xr2Ys3Zt4",
                                                "name": "read_file", "input": {"path": "tests/test_checkout.py"}}
    assert req["messages"][2]["content"][0]["tool_use_id"] == "tooluse_Qm9v1Xr2Ys3Zt4"
    assert req["tools"][0]["input_schema"]["required"] == ["path"]
    assert converse.response["content"] == [{"type": "text", "text": "The expected total is 36.00; CODES lacks SPRING10."}]
    assert converse.duration_ms == 1893.0 and not {"P001", "P002"} & codes(converse)


def test_bedrock_sample_defect_is_found():
    _, [*_, orphan_result], _ = load_all(SAMPLE)
    assert "P002" in codes(orphan_result)
    assert orphan_result.error["message"].startswith("messages.1.content.0: unexpected `tool_use_id`")


def test_bedrock_streamed_chunks_are_reassembled(tmp_path):
    chunks = [{"type": "message_start", "message": {"id": "msg_bdrk_1", "type": "message", "role": "assistant",
                                                    "model": "m", "content": [], "usage": {"input_tokens": 3}}},
              {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
              {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hel"}}]
    p = tmp_path / "stream.json"
    p.write_text(json.dumps(rec("InvokeModelWithResponseStream", out=chunks)))
    log, [ex], _ = load_all(p)
    assert log.format == "bedrock-invocation-log-json"
    assert ex.response["content"] == [{"type": "text", "text": "Hel"}] and "F001" in codes(ex)


def test_bedrock_gzip_object(tmp_path):
    p = tmp_path / "2025-06-03T14.json.gz"
    p.write_bytes(gzip.compress("".join(json.dumps(rec(out=None)) + "\n" for _ in range(2)).encode()))
    log, exchanges, _ = load_all(p)
    assert log.format == "bedrock-invocation-log.gz" and len(exchanges) == 2 and exchanges[0].request == BODY


def test_bedrock_unconvertible_records_name_file_and_line(tmp_path):
    guarded = {"messages": [{"role": "user", "content": [{"guardContent": {"text": {"text": "x"}}}]}]}
    lines = [json.dumps(rec()), json.dumps(rec())[:60], json.dumps(rec("Converse", body=guarded)),
             json.dumps(rec(body=["not", "an", "object"])), json.dumps({"schemaType": "Other"})]
    p = tmp_path / "invocations.jsonl"
    p.write_text("\n".join(lines) + "\n")
    _, [ok], issues = load_all(p)
    assert ok.request == BODY
    assert [i.line for i in issues] == [2, 3, 4, 5]
    assert str(issues[1]) == (f"{p}:3: messages.0.content.0: the Bedrock Converse block `guardContent` has no "
                              f"Messages API equivalent")
    assert "inputBodyJson is list" in str(issues[2]) and "not a Bedrock invocation log record" in str(issues[3])
