"""OpenTelemetry GenAI spans in OTLP/JSON (FORMATS.md §3.10), best effort.

What users have: the collector's ``file`` exporter output (one ``{"resourceSpans": […]}`` per line)
or a single OTLP/JSON document.  Each GenAI *chat* span becomes one exchange, rebuilt from its
attributes in one of two generations of conventions:

* **current semconv** — ``gen_ai.input.messages`` / ``gen_ai.output.messages`` /
  ``gen_ai.system_instructions`` / ``gen_ai.tool.definitions``, each a JSON string (or a structured
  value) of ``{role, parts: [{type: text|tool_call|tool_call_response|reasoning|blob|uri…}]}``;
* **OpenLLMetry legacy** — flattened ``gen_ai.prompt.{i}.role/content/tool_call_id/tool_calls.{k}.*``
  and ``gen_ai.completion.{j}.*``, where an Anthropic ``content`` list is *JSON-dumped* into the
  string and thinking becomes a separate completion with ``role: "thinking"``.

The conventions are provider-neutral, so the request is rebuilt in the provider's own dialect:
Anthropic when ``gen_ai.provider.name``/``gen_ai.system`` says so or the model is a Claude model,
OpenAI Chat Completions otherwise.  Spans are lossy (no signatures, no cache breakpoints, often no
``max_tokens``), so every exchange is marked ``partial_request`` and says what was rebuilt in
``extra["notes"]``.  Spans that are not model calls (tools, agents, HTTP) are skipped; a chat span
without message content (content capture off, the default) becomes a LoadIssue saying how to turn
it on.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from tui.core.convert.openai import parse_arguments
from tui.core.media_types import image_block_from_url
from tui.core.formats.anthropic import NotARecord
from tui.core.formats.base import Format, Sniff, parse_json
from tui.core.formats.openai import (
    CHAT, broken_document_starts_with, first_values, is_claude_model, read_json_records, status_in_text,
)
from tui.core.model import Exchange, LoadIssue, Source

NOT_MODEL_CALLS = frozenset({"execute_tool", "invoke_agent", "create_agent", "embeddings", "embedding",
                             "embed", "retrieval", "rerank"})
CONTENT_HINT = ("enable content capture (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true, or "
                "TRACELOOP_TRACE_CONTENT=true for OpenLLMetry)")
_FINISH_TO_STOP = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use", "tool_call": "tool_use",
                   "content_filter": "refusal", "function_call": "tool_use"}
_STOP_TO_FINISH = {"end_turn": "stop", "max_tokens": "length", "tool_use": "tool_calls",
                   "stop_sequence": "stop", "refusal": "content_filter"}


# -- OTLP/JSON values --------------------------------------------------------------------------------

def any_value(v: Any) -> Any:
    """An OTLP ``AnyValue`` (``{"stringValue": …}`` …) → a plain value (int64 arrives as a string)."""
    if not isinstance(v, dict):
        return v
    if "stringValue" in v:
        return v["stringValue"]
    if "intValue" in v:
        try:
            return int(v["intValue"])
        except (TypeError, ValueError):
            return v["intValue"]
    if "doubleValue" in v:
        return v["doubleValue"]
    if "boolValue" in v:
        return v["boolValue"]
    if "arrayValue" in v:
        values = v["arrayValue"].get("values") if isinstance(v["arrayValue"], dict) else None
        return [any_value(x) for x in values] if isinstance(values, list) else []
    if "kvlistValue" in v:
        values = v["kvlistValue"].get("values") if isinstance(v["kvlistValue"], dict) else None
        return attributes(values)
    if "bytesValue" in v:
        return v["bytesValue"]
    return None


def attributes(items: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            out[item["key"]] = any_value(item.get("value"))
    return out


def is_otlp(v: Any) -> bool:
    return isinstance(v, dict) and isinstance(v.get("resourceSpans"), list)


def _spans(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any], Any]]:
    """``(JSON pointer, resource attributes, scope, span)`` for every span of the document."""
    for i, rs in enumerate(doc["resourceSpans"]):
        if not isinstance(rs, dict):
            continue
        resource = attributes(rs.get("resource", {}).get("attributes")) if isinstance(rs.get("resource"), dict) else {}
        key = "scopeSpans" if "scopeSpans" in rs else "instrumentationLibrarySpans"
        for j, ss in enumerate(rs.get(key) or []):
            if not isinstance(ss, dict):
                continue
            scope = ss.get("scope") or ss.get("instrumentationLibrary") or {}
            for k, span in enumerate(ss.get("spans") or []):
                yield f"/resourceSpans/{i}/{key}/{j}/spans/{k}", resource, scope if isinstance(scope, dict) else {}, span


def _nanos_iso(v: Any) -> tuple[int | None, str | None]:
    try:
        ns = int(v)
    except (TypeError, ValueError):
        return None, None
    if ns <= 0:
        return None, None
    dt = datetime.fromtimestamp(ns / 1e9, tz=timezone.utc)
    return ns, dt.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json(v: Any) -> Any:
    """Semconv content attributes are JSON strings (or already structured values)."""
    if isinstance(v, str):
        try:
            return parse_json(v)
        except ValueError:
            return v
    return v


def _as_text(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


# -- current semconv: parts → Anthropic / OpenAI -------------------------------------------------------

def _part_block(part: Any, notes: list[str]) -> dict[str, Any] | None:
    """A semconv part → an Anthropic block (None when it has no Anthropic form; noted)."""
    if not isinstance(part, dict):
        return None
    kind = part.get("type")
    if kind == "text":
        text = part.get("content")
        return {"type": "text", "text": text} if isinstance(text, str) and text else None
    if kind == "tool_call":
        return {"type": "tool_use", "id": part.get("id") or "", "name": part.get("name", "?"),
                "input": parse_arguments(_json(part.get("arguments")))}
    if kind == "tool_call_response":
        block: dict[str, Any] = {"type": "tool_result", "tool_use_id": part.get("id") or ""}
        response = part.get("response")
        if response not in (None, ""):
            block["content"] = _as_text(response)
        return block
    if kind == "blob" and part.get("modality") == "image" and isinstance(part.get("content"), str):
        image = image_block_from_url(f"data:{part.get('mime_type') or ''};base64,{part['content']}")
        if image is not None:
            return image
    if kind in ("uri", "file_data") and isinstance(part.get("uri"), str):
        image = image_block_from_url(part["uri"])
        if image is not None:
            return image
    if kind == "reasoning":
        _note(notes, "dropped reasoning parts (spans keep no thinking signature, so they cannot be replayed)")
        return None
    _note(notes, f"dropped `{kind}` parts")
    return None


def _note(notes: list[str], text: str) -> None:
    if text not in notes:
        notes.append(text)


def _anthropic_messages(msgs: list[Any], notes: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Semconv messages → (system blocks, Anthropic messages): tool messages become tool_result
    blocks in a user message, consecutive ones merged."""
    system: list[dict[str, Any]] = []
    out: list[dict[str, Any]] = []
    for m in msgs:
        if not isinstance(m, dict):
            continue
        role = m.get("role")
        blocks = [b for b in (_part_block(p, notes) for p in m.get("parts") or []) if b is not None]
        if role == "system":
            system.extend(b for b in blocks if b["type"] == "text")
            continue
        if role == "tool":
            role = "user"
            if out and out[-1]["role"] == "user" and all(b.get("type") == "tool_result" for b in out[-1]["content"]):
                out[-1]["content"].extend(blocks)
                continue
        if role not in ("user", "assistant"):
            _note(notes, f"dropped messages with role {role!r}")
            continue
        if blocks:
            out.append({"role": role, "content": blocks})
    return system, out


def _openai_messages(msgs: list[Any], notes: list[str]) -> list[dict[str, Any]]:
    """Semconv messages → Chat Completions messages (tool results one message per call)."""
    out: list[dict[str, Any]] = []
    for m in msgs:
        if not isinstance(m, dict):
            continue
        role = m.get("role")
        parts = [p for p in m.get("parts") or [] if isinstance(p, dict)]
        texts = [p.get("content") for p in parts if p.get("type") == "text" and isinstance(p.get("content"), str)]
        if role == "tool" or any(p.get("type") == "tool_call_response" for p in parts):
            for p in parts:
                if p.get("type") == "tool_call_response":
                    out.append({"role": "tool", "tool_call_id": p.get("id") or "",
                                "content": _as_text(p.get("response", ""))})
            if role == "tool":
                continue
        if role == "assistant":
            calls = [{"id": p.get("id") or "", "type": "function",
                      "function": {"name": p.get("name", "?"), "arguments": _as_text(_json(p.get("arguments")) or {})}}
                     for p in parts if p.get("type") == "tool_call"]
            msg: dict[str, Any] = {"role": "assistant", "content": "".join(texts) if texts else None}
            if calls:
                msg["tool_calls"] = calls
            out.append(msg)
        elif role in ("system", "user", "developer"):
            images = [p for p in parts if p.get("type") in ("blob", "uri")]
            if images:
                content: Any = [{"type": "text", "text": t} for t in texts]
                for p in images:
                    url = p.get("uri") if p.get("type") == "uri" else \
                        f"data:{p.get('mime_type') or ''};base64,{p.get('content', '')}"
                    content.append({"type": "image_url", "image_url": {"url": url}})
            else:
                content = "".join(texts)
            out.append({"role": role, "content": content})
        else:
            _note(notes, f"dropped messages with role {role!r}")
        if any(p.get("type") == "reasoning" for p in parts):
            _note(notes, "dropped reasoning parts")
    return out


# -- OpenLLMetry legacy flattened attributes --------------------------------------------------------------

def _indexed(attrs: dict[str, Any], prefix: str) -> dict[int, dict[str, Any]]:
    """``prefix.{i}.field`` attributes grouped by ``i`` (``field`` may contain dots)."""
    out: dict[int, dict[str, Any]] = defaultdict(dict)
    for key, value in attrs.items():
        if not key.startswith(prefix + "."):
            continue
        idx, _, fld = key[len(prefix) + 1:].partition(".")
        if idx.isdigit() and fld:
            out[int(idx)][fld] = value
    return dict(sorted(out.items()))


def _legacy_calls(entry: dict[str, Any]) -> list[tuple[str, str, Any]]:
    calls = _indexed(entry, "tool_calls")
    return [(str(c.get("id") or ""), str(c.get("name") or "?"), c.get("arguments")) for c in calls.values()]


def _legacy_content_blocks(content: Any, notes: list[str]) -> str | list[dict[str, Any]]:
    """OpenLLMetry's Anthropic content: a string, or a JSON-dumped block list (uploaded images
    replaced by ``image_url`` blocks, which go back to URL image sources)."""
    parsed = _json(content) if isinstance(content, str) and content.lstrip().startswith("[") else content
    if isinstance(parsed, list) and all(isinstance(b, dict) and "type" in b for b in parsed):
        blocks = []
        for b in parsed:
            if b.get("type") == "image_url":
                image = image_block_from_url(b.get("image_url"))
                if image is None:
                    _note(notes, "dropped images that the instrumentation replaced by unusable URLs")
                    continue
                blocks.append(image)
            else:
                blocks.append(b)
        return blocks
    return content if isinstance(content, str) else _as_text(content) if content is not None else ""


def _legacy_anthropic(attrs: dict[str, Any], notes: list[str]) -> tuple[Any, list[dict[str, Any]]]:
    system: Any = None
    messages: list[dict[str, Any]] = []
    for entry in _indexed(attrs, "gen_ai.prompt").values():
        role = entry.get("role")
        content = _legacy_content_blocks(entry.get("content"), notes)
        if role == "system":
            system = content
            continue
        calls = _legacy_calls(entry)
        if calls:
            blocks = content if isinstance(content, list) else ([{"type": "text", "text": content}] if content else [])
            have = {b.get("id") for b in blocks if b.get("type") == "tool_use"}
            blocks += [{"type": "tool_use", "id": cid, "name": name, "input": parse_arguments(_json(args))}
                       for cid, name, args in calls if cid not in have]
            content = blocks
        messages.append({"role": role if role in ("user", "assistant") else str(role), "content": content})
    return system, messages


def _legacy_openai(attrs: dict[str, Any], notes: list[str]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    for entry in _indexed(attrs, "gen_ai.prompt").values():
        content = entry.get("content")
        parsed = _json(content) if isinstance(content, str) and content.lstrip().startswith("[") else content
        msg: dict[str, Any] = {"role": entry.get("role", "user"),
                               "content": parsed if isinstance(parsed, list) else content}
        if "tool_call_id" in entry:
            msg["tool_call_id"] = entry["tool_call_id"]
        calls = _legacy_calls(entry)
        if calls:
            msg["tool_calls"] = [{"id": cid, "type": "function",
                                  "function": {"name": name, "arguments": _as_text(args if args is not None else "{}")}}
                                 for cid, name, args in calls]
            msg.setdefault("content", None)
        messages.append(msg)
    return messages


def _legacy_tools(attrs: dict[str, Any], anthropic: bool) -> list[dict[str, Any]]:
    tools = []
    for t in _indexed(attrs, "llm.request.functions").values():
        schema = _json(t.get("input_schema", t.get("parameters")))
        schema = schema if isinstance(schema, dict) else {"type": "object", "properties": {}}
        if anthropic:
            tool: dict[str, Any] = {"name": t.get("name", "?")}
            if t.get("description"):
                tool["description"] = t["description"]
            tool["input_schema"] = schema
        else:
            fn: dict[str, Any] = {"name": t.get("name", "?")}
            if t.get("description"):
                fn["description"] = t["description"]
            fn["parameters"] = schema
            tool = {"type": "function", "function": fn}
        tools.append(tool)
    return tools


def _semconv_tools(defs: Any, anthropic: bool) -> list[dict[str, Any]]:
    tools = []
    for d in defs if isinstance(defs, list) else []:
        if not isinstance(d, dict):
            continue
        spec = d.get("function") if isinstance(d.get("function"), dict) else d
        params = spec.get("parameters", spec.get("input_schema"))
        params = params if isinstance(params, dict) else {"type": "object", "properties": {}}
        if anthropic:
            tool = {"name": spec.get("name", "?"), "input_schema": params}
            if spec.get("description"):
                tool["description"] = spec["description"]
        else:
            fn = {"name": spec.get("name", "?"), "parameters": params}
            if spec.get("description"):
                fn["description"] = spec["description"]
            tool = {"type": "function", "function": fn}
        tools.append(tool)
    return tools


# -- responses --------------------------------------------------------------------------------------

def _output_parts(attrs: dict[str, Any]) -> list[tuple[str | None, list[dict[str, Any]]]] | None:
    """Output messages as ``(finish_reason, semconv parts)``: from ``gen_ai.output.messages`` or
    the legacy ``gen_ai.completion.{j}`` attributes; None when neither is present."""
    out_msgs = _json(attrs.get("gen_ai.output.messages"))
    if isinstance(out_msgs, list):
        return [(m.get("finish_reason"), [p for p in m.get("parts") or [] if isinstance(p, dict)])
                for m in out_msgs if isinstance(m, dict)]
    completions = _indexed(attrs, "gen_ai.completion")
    if not completions:
        return None
    result: list[tuple[str | None, list[dict[str, Any]]]] = []
    pending: list[dict[str, Any]] = []
    for entry in completions.values():
        if entry.get("role") == "thinking":  # OpenLLMetry: thinking is its own completion
            pending.append({"type": "reasoning", "content": entry.get("content", "")})
            continue
        parts = pending + ([{"type": "text", "content": entry["content"]}] if entry.get("content") else [])
        pending = []
        parts += [{"type": "tool_call", "id": cid, "name": name, "arguments": _json(args)}
                  for cid, name, args in _legacy_calls(entry)]
        result.append((entry.get("finish_reason"), parts))
    return result


def _usage(attrs: dict[str, Any]) -> tuple[int | None, int | None]:
    def num(*keys: str) -> int | None:
        for k in keys:
            v = attrs.get(k)
            if isinstance(v, int) and not isinstance(v, bool):
                return v
        return None
    return (num("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"),
            num("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"))


def _anthropic_response(attrs: dict[str, Any], outputs: list[tuple[str | None, list[dict[str, Any]]]],
                        model: Any, span_id: str, notes: list[str]) -> dict[str, Any] | None:
    if not outputs:
        return None
    finish, _ = outputs[0]
    content = [b for _, parts in outputs for b in (_part_block(p, notes) for p in parts) if b is not None]
    reasons = attrs.get("gen_ai.response.finish_reasons")
    if finish is None and isinstance(reasons, list) and reasons:
        finish = reasons[0]
    tokens_in, tokens_out = _usage(attrs)
    return {
        "id": attrs.get("gen_ai.response.id") or f"otlp-span-{span_id}",
        "type": "message",
        "role": "assistant",
        "model": attrs.get("gen_ai.response.model") or model or "unknown",
        "content": content,
        "stop_reason": _FINISH_TO_STOP.get(finish, finish) if isinstance(finish, str) else None,
        "stop_sequence": None,
        "usage": {"input_tokens": tokens_in or 0, "output_tokens": tokens_out or 0},
    }


def _openai_response(attrs: dict[str, Any], outputs: list[tuple[str | None, list[dict[str, Any]]]],
                     model: Any, span_id: str, notes: list[str]) -> dict[str, Any] | None:
    if not outputs:
        return None
    choices = []
    for j, (finish, parts) in enumerate(outputs):
        msgs = _openai_messages([{"role": "assistant", "parts": parts}], notes)
        msg = msgs[0] if msgs else {"role": "assistant", "content": None}
        choices.append({"index": j, "message": msg,
                        "finish_reason": _STOP_TO_FINISH.get(finish, finish) if isinstance(finish, str) else None})
    tokens_in, tokens_out = _usage(attrs)
    resp: dict[str, Any] = {"id": attrs.get("gen_ai.response.id") or f"otlp-span-{span_id}",
                            "object": "chat.completion", "model": attrs.get("gen_ai.response.model") or model,
                            "choices": choices}
    if tokens_in is not None or tokens_out is not None:
        resp["usage"] = {"prompt_tokens": tokens_in, "completion_tokens": tokens_out}
    return resp


# -- one span → one exchange ------------------------------------------------------------------------

def _is_genai(attrs: dict[str, Any]) -> bool:
    return any(k.startswith(("gen_ai.", "llm.")) for k in attrs)


def _merge_event_attributes(span: dict[str, Any], attrs: dict[str, Any]) -> None:
    """The newer ``gen_ai.client.inference.operation.details`` event carries the span's content
    attributes when the instrumentation records them as an event."""
    events = span.get("events")
    for ev in events if isinstance(events, list) else ():
        if isinstance(ev, dict) and ev.get("name") == "gen_ai.client.inference.operation.details":
            for k, v in attributes(ev.get("attributes")).items():
                attrs.setdefault(k, v)


def span_exchange(span: dict[str, Any], resource: dict[str, Any], scope: dict[str, Any],
                  source: Source) -> Exchange:
    """A GenAI chat span → an Exchange; NotARecord with a reason when it holds no conversation."""
    attrs = attributes(span.get("attributes"))
    _merge_event_attributes(span, attrs)
    model = attrs.get("gen_ai.request.model") or attrs.get("gen_ai.response.model")
    provider = str(attrs.get("gen_ai.provider.name") or attrs.get("gen_ai.system") or "").lower()
    anthropic = "anthropic" in provider or is_claude_model(model)
    notes: list[str] = []
    body: dict[str, Any] = {}
    if isinstance(model, str) and model:
        body["model"] = model
    if isinstance(attrs.get("gen_ai.request.max_tokens"), int):
        body["max_tokens" if anthropic else "max_completion_tokens"] = attrs["gen_ai.request.max_tokens"]
    for key in ("temperature", "top_p") + (("top_k",) if anthropic else ()):
        if isinstance(attrs.get(f"gen_ai.request.{key}"), (int, float)):
            body[key] = attrs[f"gen_ai.request.{key}"]

    inputs = _json(attrs.get("gen_ai.input.messages"))
    if isinstance(inputs, list):
        convention = "semconv"
        if anthropic:
            instructions = _json(attrs.get("gen_ai.system_instructions"))
            system = [{"type": "text", "text": p["content"]}
                      for p in (instructions if isinstance(instructions, list) else [])
                      if isinstance(p, dict) and isinstance(p.get("content"), str)]
            in_messages, messages = _anthropic_messages(inputs, notes)
            system += in_messages
            if system:
                body["system"] = system[0]["text"] if len(system) == 1 else system
        else:
            instructions = _json(attrs.get("gen_ai.system_instructions"))
            lead = [{"role": "system", "parts": instructions}] if isinstance(instructions, list) and instructions else []
            messages = _openai_messages(lead + inputs, notes)
        tools = _semconv_tools(_json(attrs.get("gen_ai.tool.definitions")), anthropic)
    elif _indexed(attrs, "gen_ai.prompt"):
        convention = "openllmetry"
        if anthropic:
            system, messages = _legacy_anthropic(attrs, notes)
            if system:
                body["system"] = system
        else:
            messages = _legacy_openai(attrs, notes)
        tools = _legacy_tools(attrs, anthropic)
    else:
        raise NotARecord(f"span {span.get('name')!r} has no message content; {CONTENT_HINT}")
    body["messages"] = messages
    if tools:
        body["tools"] = tools
    if attrs.get("llm.is_streaming") is True:
        body["stream"] = True

    span_id = str(span.get("spanId") or "")
    outputs = _output_parts(attrs)
    response = (_anthropic_response if anthropic else _openai_response)(attrs, outputs or [], model, span_id, notes)
    if response is not None:
        notes.append("the response was rebuilt from span attributes (ids and usage may be missing)")
    status = span.get("status") if isinstance(span.get("status"), dict) else {}
    error = None
    if status.get("code") in (2, "STATUS_CODE_ERROR") or attrs.get("error.type"):
        error = {"error": {"type": attrs.get("error.type") or "error",
                           "message": status.get("message") or str(attrs.get("error.type") or "")}}
    start_ns, started = _nanos_iso(span.get("startTimeUnixNano"))
    end_ns, _ = _nanos_iso(span.get("endTimeUnixNano"))
    extra: dict[str, Any] = {
        "partial_request": True,
        "otel": {k: v for k, v in {
            "trace_id": span.get("traceId"), "span_id": span_id or None, "parent_span_id": span.get("parentSpanId") or None,
            "name": span.get("name"), "scope": scope.get("name"), "service": resource.get("service.name"),
            "provider": provider or None, "convention": convention,
        }.items() if v is not None},
    }
    if notes:
        extra["notes"] = notes
    return Exchange(
        source=source,
        format=f"otlp-{convention}",
        request=body,
        response=response,
        error=error,
        status=status_in_text(error["error"]["message"]) if error else 200 if response is not None else None,
        started_at=started,
        duration_ms=round((end_ns - start_ns) / 1e6, 3) if start_ns and end_ns and end_ns >= start_ns else None,
        extra=extra,
        dialect="anthropic" if anthropic else CHAT,
    )


def _one_document(value: Any, source: Source, counter: list[int]) -> Iterator[Exchange | LoadIssue]:
    name = source.file
    if not is_otlp(value):
        yield LoadIssue(name, "not an OTLP/JSON traces document (no resourceSpans)", record=source.record,
                        line=source.line)
        return
    spans = 0
    chats = 0
    for path, resource, scope, span in _spans(value):
        spans += 1
        if not isinstance(span, dict):
            yield LoadIssue(name, "a span that is not an object", record=counter[0], line=source.line, path=path)
            counter[0] += 1
            continue
        attrs = attributes(span.get("attributes"))
        _merge_event_attributes(span, attrs)
        operation = attrs.get("gen_ai.operation.name") or attrs.get("llm.request.type")
        if not _is_genai(attrs) or (isinstance(operation, str) and operation in NOT_MODEL_CALLS):
            continue  # HTTP, tool, agent and workflow spans: the structure around the model calls
        chats += 1
        where = Source(name, counter[0], source.line, source.offset)
        counter[0] += 1
        try:
            yield span_exchange(span, resource, scope, where)
        except NotARecord as exc:
            yield LoadIssue(name, str(exc), record=where.record, line=source.line, path=path)
    if not chats:
        yield LoadIssue(name, f"none of the {spans} spans is a GenAI model call (no gen_ai.* chat "
                              f"attributes)", record=source.record, line=source.line)


def _read(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    counter = [0]
    yield from read_json_records(sniff, lambda value, source: _one_document(value, source, counter))


_CUT_DOCUMENT = re.compile(r'\s*\{\s*"resourceSpans"\s*:\s*\[')


def _detect(sniff: Sniff) -> bool:
    return any(is_otlp(v) for v in first_values(sniff)) or broken_document_starts_with(sniff, _CUT_DOCUMENT)


OTLP_JSON = Format("otlp-json", "OpenTelemetry GenAI spans as OTLP/JSON (collector file exporter or a "
                   "traces document)", _detect, _read)
