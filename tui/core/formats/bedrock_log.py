"""Amazon Bedrock model invocation logs (FORMATS.md §3.14): CloudWatch exports and S3 objects.

Each record is ``{"schemaType": "ModelInvocationLog", "operation", "modelId", "input":
{"inputBodyJson"}, "output": {"outputBodyJson"}, ...}``, one per line (S3 objects are gzipped JSON
lines — the reader decompresses them) or one document (a record, or an array of records).

* ``InvokeModel``: the input body *is* an Anthropic request (``anthropic_version``, no ``model``:
  the model is in ``modelId``, kept in ``extra``); the output body is the ``Message``.
* ``InvokeModelWithResponseStream``: the output is logged as the stream's chunks; a list of
  Anthropic events is reassembled like an SSE stream (cut streams reported by the F rules).
* ``Converse`` / ``ConverseStream``: Bedrock's own schema, not the Messages API.  Messages, system
  prompt, tool definitions and the common inference settings are converted to their Messages API
  equivalents (``extra["converted_from"] = "bedrock-converse"``) so the pairing and role rules
  run; a block with no equivalent (a guardrail block, an image in S3 …) makes the record an issue
  naming that block, because a partial conversion would report problems that are not there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from tui.core.formats.anthropic import is_error, is_response
from tui.core.formats.base import Format, Sniff, jsonl_exchanges, load_document
from tui.core.formats.claude_trace import leading_records
from tui.core.formats.sse_text import exchange_from_events
from tui.core.model import Exchange, LoadIssue, Source
from tui.core.sse import SSEEvent

__all__ = ["BEDROCK_LOG_JSONL", "BEDROCK_LOG_JSON"]

SCHEMA = "ModelInvocationLog"
BEDROCK_VERSION = "bedrock-2023-05-31"


def is_invocation_log(v: Any) -> bool:
    return isinstance(v, dict) and v.get("schemaType") == SCHEMA


def _detect_jsonl(sniff: Sniff) -> bool:
    if not sniff.is_json or sniff.opened.head.lstrip()[:1] != b"{":
        return False
    if not (sniff.is_jsonl or len(sniff.first_lines) > 1):
        return False
    records = [r for r in leading_records(sniff) if isinstance(r, dict)]
    if records:
        return is_invocation_log(records[0])
    return f'"schemaType":"{SCHEMA}"' in sniff.text_head.replace(" ", "")


def _detect_document(sniff: Sniff) -> bool:
    if not sniff.is_json or sniff.is_jsonl:
        return False
    doc = sniff.document_or_none()
    if isinstance(doc, list):
        return bool(doc) and is_invocation_log(doc[0])
    return is_invocation_log(doc)


class Unconvertible(ValueError):
    """A record (or a Converse block) that has no Messages API equivalent; message = why."""


# -- Converse -> Messages ------------------------------------------------------------------------

def _converse_block(block: Any, where: str) -> dict[str, Any]:
    if not isinstance(block, dict) or len(block) != 1:
        raise Unconvertible(f"{where}: a Converse content block has exactly one key, got "
                            f"{sorted(block) if isinstance(block, dict) else type(block).__name__}")
    (kind, value), = block.items()
    if kind == "text":
        return {"type": "text", "text": value}
    if kind == "toolUse" and isinstance(value, dict):
        return {"type": "tool_use", "id": value.get("toolUseId"), "name": value.get("name"),
                "input": value.get("input")}
    if kind == "toolResult" and isinstance(value, dict):
        parts = value.get("content") or []
        content = _converse_blocks(parts if isinstance(parts, list) else [parts], f"{where}.toolResult.content")
        out: dict[str, Any] = {"type": "tool_result", "tool_use_id": value.get("toolUseId"), "content": content}
        if value.get("status") == "error":
            out["is_error"] = True
        return out
    if kind == "image" and isinstance(value, dict):
        src = value.get("source") if isinstance(value.get("source"), dict) else {}
        data = src.get("bytes")
        if not isinstance(data, str):
            raise Unconvertible(f"{where}: an image given by S3 location or raw bytes has no inline "
                                f"base64 equivalent here")
        return {"type": "image", "source": {"type": "base64", "media_type": f"image/{value.get('format')}",
                                            "data": data}}
    if kind == "reasoningContent" and isinstance(value, dict):
        text = value.get("reasoningText")
        if isinstance(text, dict):
            return {"type": "thinking", "thinking": text.get("text", ""), "signature": text.get("signature", "")}
        if "redactedContent" in value:
            return {"type": "redacted_thinking", "data": value["redactedContent"]}
    raise Unconvertible(f"{where}: the Bedrock Converse block `{kind}` has no Messages API equivalent")


def _converse_blocks(blocks: list[Any], where: str) -> list[dict[str, Any]]:
    """Convert a list of Converse blocks; a ``cachePoint`` becomes ``cache_control`` on the block
    before it (Bedrock's way of writing a cache breakpoint)."""
    out: list[dict[str, Any]] = []
    for j, b in enumerate(blocks):
        if isinstance(b, dict) and set(b) == {"cachePoint"}:
            if not out:
                raise Unconvertible(f"{where}.{j}: a cachePoint with no block before it")
            out[-1]["cache_control"] = {"type": "ephemeral"}
        elif isinstance(b, dict) and set(b) == {"json"}:  # tool result parts
            out.append({"type": "text", "text": json.dumps(b["json"], ensure_ascii=False)})
        else:
            out.append(_converse_block(b, f"{where}.{j}"))
    return out


def converse_to_messages(body: dict[str, Any]) -> dict[str, Any]:
    """A Converse request as a Messages API request body (Bedrock flavour, no ``model``)."""
    out: dict[str, Any] = {"anthropic_version": BEDROCK_VERSION}
    config = body.get("inferenceConfig") if isinstance(body.get("inferenceConfig"), dict) else {}
    for src, dst in (("maxTokens", "max_tokens"), ("temperature", "temperature"), ("topP", "top_p"),
                     ("stopSequences", "stop_sequences")):
        if src in config:
            out[dst] = config[src]
    system = body.get("system")
    if isinstance(system, list) and system:
        out["system"] = _converse_blocks(system, "system")
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise Unconvertible("the Converse input has no `messages` list")
    out["messages"] = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict):
            raise Unconvertible(f"messages.{i}: expected an object")
        content = m.get("content")
        blocks = _converse_blocks(content, f"messages.{i}.content") if isinstance(content, list) else content
        out["messages"].append({"role": m.get("role"), "content": blocks})
    tool_config = body.get("toolConfig") if isinstance(body.get("toolConfig"), dict) else {}
    tools = []
    for i, t in enumerate(tool_config.get("tools") or []):
        spec = t.get("toolSpec") if isinstance(t, dict) else None
        if not isinstance(spec, dict):
            raise Unconvertible(f"toolConfig.tools.{i}: only `toolSpec` tools have a Messages API equivalent")
        schema = spec.get("inputSchema")
        tools.append({"name": spec.get("name"), "description": spec.get("description"),
                      "input_schema": schema.get("json") if isinstance(schema, dict) else schema})
    if tools:
        out["tools"] = tools
    choice = tool_config.get("toolChoice")
    if isinstance(choice, dict) and len(choice) == 1:
        (kind, value), = choice.items()
        out["tool_choice"] = {"type": kind, **({"name": value.get("name")} if kind == "tool"
                                               and isinstance(value, dict) else {})}
    return out


_STOP = {"end_turn": "end_turn", "tool_use": "tool_use", "max_tokens": "max_tokens",
         "stop_sequence": "stop_sequence", "guardrail_intervened": "refusal", "content_filtered": "refusal"}


def converse_output_to_message(out: dict[str, Any], model: str | None, request_id: str | None) -> dict[str, Any] | None:
    """A Converse response (``output.message``, ``stopReason``, ``usage``) as a ``Message``.

    Converse answers carry no message id: the invocation's ``requestId`` stands in for it."""
    msg = out.get("output", {}).get("message") if isinstance(out.get("output"), dict) else None
    if not isinstance(msg, dict):
        return None
    content = _converse_blocks(list(msg.get("content") or []), "output.message.content")
    usage = out.get("usage") if isinstance(out.get("usage"), dict) else {}
    stop = out.get("stopReason")
    return {"id": request_id or "", "type": "message", "role": "assistant", "model": model, "content": content,
            "stop_reason": _STOP.get(stop, stop) if isinstance(stop, str) else None, "stop_sequence": None,
            "usage": {"input_tokens": usage.get("inputTokens"), "output_tokens": usage.get("outputTokens")}}


# -- records -------------------------------------------------------------------------------------

def _stream_events(body: Any) -> list[dict[str, Any]] | None:
    """The logged chunks of a streaming invocation, when they are Anthropic events."""
    if isinstance(body, list) and body and all(isinstance(e, dict) and "type" in e for e in body):
        return body
    return None


def bedrock_exchange(rec: Any, source: Source) -> Exchange:
    """One invocation log record; raises :class:`Unconvertible` with a reason otherwise."""
    if not is_invocation_log(rec):
        raise Unconvertible("not a Bedrock invocation log record (no schemaType \"ModelInvocationLog\")")
    op = rec.get("operation")
    model = rec.get("modelId")
    extra: dict[str, Any] = {k: rec[k] for k in ("operation", "modelId", "region", "accountId",
                                                  "schemaVersion") if k in rec}
    inp = rec.get("input") if isinstance(rec.get("input"), dict) else {}
    out = rec.get("output") if isinstance(rec.get("output"), dict) else {}
    for side, obj in (("input", inp), ("output", out)):
        for k, v in obj.items():
            if k.endswith("TokenCount") or k.endswith("S3Path"):
                extra[f"{side}.{k}"] = v
    body = inp.get("inputBodyJson")
    out_body = out.get("outputBodyJson")
    ts = rec.get("timestamp")
    rid = rec.get("requestId")
    fields: dict[str, Any] = {"started_at": ts if isinstance(ts, str) else None,
                              "request_id": rid if isinstance(rid, str) else None}
    converse = isinstance(op, str) and op.startswith("Converse")
    if body is not None and not isinstance(body, dict):
        raise Unconvertible(f"input.inputBodyJson is {type(body).__name__}, expected an object")
    if converse:
        request = converse_to_messages(body) if body is not None else None
        extra["converted_from"] = "bedrock-converse"
        response = converse_output_to_message(out_body, model if isinstance(model, str) else None,
                                              fields["request_id"]) if isinstance(out_body, dict) else None
        metrics = out_body.get("metrics") if isinstance(out_body, dict) else None
        if isinstance(metrics, dict) and isinstance(metrics.get("latencyMs"), (int, float)):
            fields["duration_ms"] = float(metrics["latencyMs"])
        ex = Exchange(source=source, format="bedrock-converse", request=request, response=response,
                      status=200 if response else None, extra=extra, **fields)
    else:
        events = _stream_events(out_body)
        if events is not None:
            sse = [SSEEvent(None, e, i) for i, e in enumerate(events, start=1)]
            ex = exchange_from_events(sse, source, "bedrock-invocation", request=body, extra=extra, **fields)
            ex.status = 200
            if "stream_defects" in ex.extra:  # the "line" of a logged chunk is its position
                ex.extra["stream_defects"] = [re.sub(r"^line (\d+):", r"output chunk \1:", d)
                                              for d in ex.extra["stream_defects"]]
        else:
            response = out_body if is_response(out_body) else None
            error = out_body if is_error(out_body) or (
                isinstance(out_body, dict) and ("message" in out_body or "Message" in out_body)
                and "content" not in out_body) else None
            if out_body is not None and response is None and error is None:
                extra["output_note"] = "the output body is neither a Message, a stream nor an error"
            ex = Exchange(source=source, format="bedrock-invocation", request=body, response=response,
                          error=error, status=200 if response else None, extra=extra, **fields)
    for key in ("errorCode", "errorMessage"):
        if key in rec:
            ex.extra[key] = rec[key]
    if ex.error is None and ("errorCode" in rec or "errorMessage" in rec):
        ex.error = {"message": str(rec.get("errorMessage") or rec.get("errorCode")),
                    "__type": str(rec.get("errorCode") or "")}
    return ex


def _read_jsonl(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    return jsonl_exchanges(sniff, bedrock_exchange, (Unconvertible,))


def _read_document(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    name = sniff.name
    doc = load_document(sniff)
    items = doc if isinstance(doc, list) else [doc]
    for i, item in enumerate(items):
        try:
            yield bedrock_exchange(item, Source(name, i))
        except Unconvertible as exc:
            yield LoadIssue(name, str(exc), record=i, path=f"/{i}" if isinstance(doc, list) else None)


BEDROCK_LOG_JSONL = Format("bedrock-invocation-log", "Amazon Bedrock model invocation log (JSONL, .json.gz)",
                           _detect_jsonl, _read_jsonl)
BEDROCK_LOG_JSON = Format("bedrock-invocation-log-json", "one Amazon Bedrock model invocation log record "
                          "or an array of them", _detect_document, _read_document)
