"""pydantic-ai message histories (``ModelMessagesTypeAdapter.dump_json(result.all_messages())``).

Agents built on pydantic-ai keep their conversation as a list of ``ModelMessage`` values and
persist it with the type adapter, as one JSON array per conversation (or one message per JSONL
line, as apps that append to a store do)::

    [{"kind": "request",  "parts": [{"part_kind": "system-prompt", "content": "…"},
                                    {"part_kind": "user-prompt", "content": "…"}], "instructions": null},
     {"kind": "response", "parts": [{"part_kind": "text", "content": "…"},
                                    {"part_kind": "tool-call", "tool_name": "…", "args": {…} | "{…}",
                                     "tool_call_id": "toolu_…"}],
      "model_name": "claude-sonnet-4-5", "provider_name": "anthropic", "usage": {…}, "finish_reason": "tool_call"},
     {"kind": "request",  "parts": [{"part_kind": "tool-return", "tool_name": "…", "content": …,
                                     "tool_call_id": "toolu_…"}]}, …]

The history is not the wire payload, so the calls are rebuilt the way pydantic-ai's model
classes send them: every ``response`` is one API call, whose request is the history before it
(each ``request`` message one user message with its parts in order — a text part before a
``tool-return`` stays before it, which is what the API then sees — each ``response`` one
assistant message; system-prompt parts and the latest ``instructions`` form ``system``); a
history that ends with a ``request`` holds one more call whose answer was not kept.  A
``retry-prompt`` part is the error ``tool_result`` (or user text) pydantic-ai sends back.  The
provider (``provider_name``, else the model name) picks the dialect: Anthropic calls are checked
as Messages requests, others as Chat Completions.  Tools, ``max_tokens`` and sampling settings
are not in a history: every exchange is marked ``partial_request``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tui.core.convert.openai import Notes
from tui.core.formats.base import JSON_ERRORS, Format, Sniff, iter_jsonl, json_problem, load_document, parse_json
from tui.core.formats.openai import CHAT, first_values, is_claude_model
from tui.core.media_types import image_block_from_url
from tui.core.model import Exchange, LoadIssue, Source

__all__ = ["PYDANTIC_AI", "is_model_message"]

REQUEST_PARTS = frozenset({"system-prompt", "user-prompt", "tool-return", "retry-prompt"})
RESPONSE_PARTS = frozenset({"text", "tool-call", "thinking", "builtin-tool-call", "builtin-tool-return", "file"})
_FINISH_TO_STOP = {"stop": "end_turn", "length": "max_tokens", "tool_call": "tool_use",
                   "content_filter": "refusal", "error": None}
_FINISH_TO_CHAT = {"tool_call": "tool_calls"}


def is_model_message(v: Any) -> bool:
    """``{kind: request|response, parts: [{part_kind: …}, …]}``: one pydantic-ai ``ModelMessage``."""
    if not isinstance(v, dict) or v.get("kind") not in ("request", "response"):
        return False
    parts = v.get("parts")
    return isinstance(parts, list) and (not parts or (isinstance(parts[0], dict) and "part_kind" in parts[0]))


def _detect(sniff: Sniff) -> bool:
    values = first_values(sniff)
    return bool(values) and is_model_message(values[0])


# -- parts → blocks ----------------------------------------------------------------------------------

def _args(part: dict[str, Any], notes: Notes) -> Any:
    """``args`` is an object or the model's JSON text (OpenAI-style providers keep it as text)."""
    args = part.get("args")
    if isinstance(args, str):
        if not args.strip():
            return {}
        try:
            return parse_json(args)
        except JSON_ERRORS:
            notes.add(f"the args of tool call {part.get('tool_call_id')!r} are not JSON; kept as text under \"value\"")
            return {"value": args}
    return {} if args is None else args


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def retry_text(part: dict[str, Any]) -> str:
    """What pydantic-ai sends for a ``retry-prompt`` (``RetryPromptPart.model_response()``)."""
    content = part.get("content")
    if isinstance(content, str):
        description = content
    else:
        errors = content if isinstance(content, list) else [content]
        description = f"{len(errors)} validation errors: {json.dumps(errors, indent=2, ensure_ascii=False)}"
    return f"{description}\n\nFix the errors and try again."


def _user_items(content: Any, notes: Notes) -> list[dict[str, Any]]:
    """A ``user-prompt`` content (text, or a list of text / ``image-url`` / ``binary`` items)."""
    items = content if isinstance(content, list) else [content]
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, str):
            out.append({"type": "text", "text": item})
            continue
        kind = item.get("kind") if isinstance(item, dict) else None
        url = None
        if kind == "image-url":
            url = item.get("url")
        elif kind == "binary" and str(item.get("media_type", "")).startswith("image/"):
            url = f"data:{item.get('media_type')};base64,{item.get('data', '')}"
        image = image_block_from_url(url) if isinstance(url, str) else None
        if image is not None:
            out.append(image)
        else:
            notes.add(f"dropped user content of kind {kind!r} (not rebuilt as a block)")
    return out


def _request_blocks(parts: list[Any], notes: Notes) -> tuple[list[str], list[dict[str, Any]]]:
    """A ``request`` message → (its system texts, the blocks of its user message, in part order)."""
    system: list[str] = []
    blocks: list[dict[str, Any]] = []
    for part in parts:
        kind = part.get("part_kind") if isinstance(part, dict) else None
        if kind == "system-prompt":
            if isinstance(part.get("content"), str):
                system.append(part["content"])
        elif kind == "user-prompt":
            blocks.extend(_user_items(part.get("content"), notes))
        elif kind == "tool-return":
            blocks.append({"type": "tool_result", "tool_use_id": part.get("tool_call_id") or "",
                           "content": _as_text(part.get("content"))})
        elif kind == "retry-prompt":
            if part.get("tool_name") is None:
                blocks.append({"type": "text", "text": retry_text(part)})
            else:
                blocks.append({"type": "tool_result", "tool_use_id": part.get("tool_call_id") or "",
                               "content": retry_text(part), "is_error": True})
        else:
            notes.add(f"dropped request parts of kind {kind!r}")
    return system, blocks


def _response_blocks(parts: list[Any], notes: Notes) -> list[dict[str, Any]]:
    """A ``response`` message → Anthropic content blocks (what pydantic-ai sends back next turn)."""
    blocks: list[dict[str, Any]] = []
    for part in parts:
        kind = part.get("part_kind") if isinstance(part, dict) else None
        if kind == "text":
            blocks.append({"type": "text", "text": part.get("content")})
        elif kind == "tool-call":
            blocks.append({"type": "tool_use", "id": part.get("tool_call_id") or "", "name": part.get("tool_name"),
                           "input": _args(part, notes)})
        elif kind == "builtin-tool-call":
            blocks.append({"type": "server_tool_use", "id": part.get("tool_call_id") or "",
                           "name": part.get("tool_name"), "input": _args(part, notes)})
        elif kind == "builtin-tool-return":
            blocks.append({"type": f"{part.get('tool_name')}_tool_result", "tool_use_id": part.get("tool_call_id") or "",
                           "content": part.get("content")})
        elif kind == "thinking":
            if part.get("id") == "redacted_thinking" and part.get("signature"):
                blocks.append({"type": "redacted_thinking", "data": part["signature"]})
            elif part.get("signature"):
                blocks.append({"type": "thinking", "thinking": part.get("content"), "signature": part["signature"]})
            else:
                notes.add("dropped thinking parts without a signature (the API takes back only signed ones)")
        else:
            notes.add(f"dropped response parts of kind {kind!r}")
    return blocks


# -- the Chat Completions form, for other providers ----------------------------------------------------

def _chat_request_messages(parts: list[Any], notes: Notes) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for part in parts:
        kind = part.get("part_kind") if isinstance(part, dict) else None
        if kind == "system-prompt":
            out.append({"role": "system", "content": part.get("content")})
        elif kind == "user-prompt":
            content = part.get("content")
            if isinstance(content, str):
                out.append({"role": "user", "content": content})
            else:
                items: list[dict[str, Any]] = []
                for b in _user_items(content, notes):
                    if b["type"] == "text":
                        items.append({"type": "text", "text": b["text"]})
                    else:
                        src = b.get("source", {})
                        url = src.get("url") or f"data:{src.get('media_type')};base64,{src.get('data', '')}"
                        items.append({"type": "image_url", "image_url": {"url": url}})
                out.append({"role": "user", "content": items})
        elif kind == "tool-return":
            out.append({"role": "tool", "tool_call_id": part.get("tool_call_id") or "",
                        "content": _as_text(part.get("content"))})
        elif kind == "retry-prompt":
            if part.get("tool_name") is None:
                out.append({"role": "user", "content": retry_text(part)})
            else:
                out.append({"role": "tool", "tool_call_id": part.get("tool_call_id") or "",
                            "content": retry_text(part)})
        else:
            notes.add(f"dropped request parts of kind {kind!r}")
    return out


def _chat_assistant(parts: list[Any], notes: Notes) -> dict[str, Any]:
    texts = [p.get("content") for p in parts if isinstance(p, dict) and p.get("part_kind") == "text"
             and isinstance(p.get("content"), str)]
    calls = [{"id": p.get("tool_call_id") or "", "type": "function",
              "function": {"name": p.get("tool_name"), "arguments": _as_text(_args(p, notes))}}
             for p in parts if isinstance(p, dict) and p.get("part_kind") == "tool-call"]
    msg: dict[str, Any] = {"role": "assistant", "content": "\n\n".join(texts) if texts else None}
    if calls:
        msg["tool_calls"] = calls
    if any(isinstance(p, dict) and p.get("part_kind") == "thinking" for p in parts):
        notes.add("dropped thinking parts (Chat Completions takes no reasoning back)")
    return msg


# -- a history → its calls -------------------------------------------------------------------------------

def _provider(message: dict[str, Any]) -> tuple[str | None, bool]:
    """(model name, is Anthropic) of a response message."""
    model = message.get("model_name") if isinstance(message.get("model_name"), str) else None
    provider = str(message.get("provider_name") or "").lower()
    anthropic = "anthropic" in provider or is_claude_model(model) or (not provider and not model)
    return model, anthropic


def _usage(usage: Any, anthropic: bool) -> dict[str, Any]:
    u = usage if isinstance(usage, dict) else {}

    def num(*keys: str) -> int:
        for k in keys:
            if isinstance(u.get(k), int) and not isinstance(u.get(k), bool):
                return int(u[k])
        return 0
    tokens_in, tokens_out = num("input_tokens", "request_tokens"), num("output_tokens", "response_tokens")
    if not anthropic:
        return {"prompt_tokens": tokens_in, "completion_tokens": tokens_out, "total_tokens": tokens_in + tokens_out}
    out = {"input_tokens": tokens_in, "output_tokens": tokens_out}
    if num("cache_read_tokens"):
        out["cache_read_input_tokens"] = num("cache_read_tokens")
    if num("cache_write_tokens"):
        out["cache_creation_input_tokens"] = num("cache_write_tokens")
    return out


def _response(message: dict[str, Any], index: int, anthropic: bool, notes: Notes) -> dict[str, Any]:
    model, _ = _provider(message)
    rid = message.get("provider_response_id") or message.get("vendor_id") or f"pydantic-ai-message-{index}"
    finish = message.get("finish_reason")
    details = message.get("provider_details") if isinstance(message.get("provider_details"), dict) else {}
    if anthropic:
        raw = details.get("finish_reason")
        stop = raw if isinstance(raw, str) else _FINISH_TO_STOP.get(finish) if isinstance(finish, str) else None
        if stop is None and not isinstance(finish, str):
            calls = any(isinstance(p, dict) and p.get("part_kind") == "tool-call" for p in message["parts"])
            stop = "tool_use" if calls else "end_turn"
        return {"id": rid, "type": "message", "role": "assistant", "model": model or "unknown",
                "content": _response_blocks(message["parts"], notes), "stop_reason": stop, "stop_sequence": None,
                "usage": _usage(message.get("usage"), True)}
    reason = _FINISH_TO_CHAT.get(finish, finish) if isinstance(finish, str) else None
    return {"id": rid, "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": _chat_assistant(message["parts"], notes), "finish_reason": reason}],
            "usage": _usage(message.get("usage"), False)}


def _request(history: list[dict[str, Any]], model: str | None, anthropic: bool, notes: Notes) -> dict[str, Any]:
    body: dict[str, Any] = {"model": model} if model else {}
    requests = [m for m in history if m["kind"] == "request"]
    instructions = requests[-1].get("instructions") if requests else None
    if anthropic:
        system: list[str] = []
        messages: list[dict[str, Any]] = []
        for m in history:
            if m["kind"] == "request":
                texts, blocks = _request_blocks(m["parts"], notes)
                system += texts
                if blocks:
                    messages.append({"role": "user", "content": blocks})
            else:
                messages.append({"role": "assistant", "content": _response_blocks(m["parts"], notes)})
        if isinstance(instructions, str) and instructions:
            system.append(instructions)
        if system:
            body["system"] = "\n\n".join(system)
        body["messages"] = messages
        return body
    chat: list[dict[str, Any]] = []
    if isinstance(instructions, str) and instructions:
        chat.append({"role": "system", "content": instructions})
    for m in history:
        chat += _chat_request_messages(m["parts"], notes) if m["kind"] == "request" else \
            [_chat_assistant(m["parts"], notes)]
    body["messages"] = chat
    return body


def _timestamp(message: dict[str, Any]) -> str | None:
    """A response carries its time; a request only in its parts (the first one's is when it was made)."""
    if isinstance(message.get("timestamp"), str):
        return str(message["timestamp"])
    for part in message["parts"]:
        if isinstance(part, dict) and isinstance(part.get("timestamp"), str):
            return str(part["timestamp"])
    return None


def history_exchanges(name: str, history: list[Any], *, first_record: int = 0,
                      lines: list[int | None] | None = None, path: str = "") -> Iterator[Exchange | LoadIssue]:
    """One Exchange per model call of a history (see the module docstring); a value that is not a
    ``ModelMessage`` is a LoadIssue naming its index (and line) and is left out of the calls."""
    messages: list[tuple[int, dict[str, Any]]] = []
    for i, m in enumerate(history):
        line = lines[i] if lines else None
        if not is_model_message(m):
            yield LoadIssue(name, f"message {i} is not a pydantic-ai ModelMessage ({{kind: request|response, "
                                  f"parts: [{{part_kind: …}}]}}); left out of the rebuilt calls",
                            record=first_record, line=line, path=None if lines else f"{path}/{i}")
            continue
        messages.append((i, m))
    record = first_record
    last_model: str | None = None
    last_anthropic = True
    for pos, (i, m) in enumerate(messages):
        is_last = pos == len(messages) - 1
        if m["kind"] == "response":
            last_model, last_anthropic = _provider(m)
        elif not is_last:
            continue
        ends_pending = m["kind"] == "request"
        model, anthropic = (last_model, last_anthropic) if ends_pending else _provider(m)
        notes = Notes()
        history_before = [x for _, x in messages[: pos + 1 if ends_pending else pos]]
        request = _request(history_before, model, anthropic, notes)
        response = None if ends_pending else _response(m, i, anthropic, notes)
        line = lines[i] if lines else None
        extra: dict[str, Any] = {"partial_request": True, "pydantic_ai": {"message": i}}
        if ends_pending:
            extra["pydantic_ai"]["pending"] = True
            notes.add("the history ends with a request: its answer was not kept")
        when = _timestamp(m)
        if when is not None:
            extra["pydantic_ai"]["timestamp"] = when
        if notes.items:
            extra["notes"] = list(notes.items)
        yield Exchange(source=Source(name, record, line), format="pydantic-ai", request=request, response=response,
                       status=None if ends_pending else 200,
                       started_at=_timestamp(m),
                       request_id=response.get("id") if response and m.get("provider_response_id") else None,
                       extra=extra, dialect="anthropic" if anthropic else CHAT)
        record += 1


def _read(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    name = sniff.name
    if sniff.is_jsonl:  # one message per line: one conversation across the lines
        history: list[Any] = []
        lines: list[int | None] = []
        for record, lineno, _offset, value in iter_jsonl(sniff.opened):
            if isinstance(value, BaseException):
                yield LoadIssue(name, f"{json_problem(value)}; the message is left out of the rebuilt calls",
                                record=record, line=lineno)
                continue
            history.append(value)
            lines.append(lineno)
        yield from history_exchanges(name, history, lines=lines)
        return
    doc = load_document(sniff, what="the message history is cut or damaged: ")
    if not isinstance(doc, list):
        doc = [doc]
    yield from history_exchanges(name, doc)


PYDANTIC_AI = Format("pydantic-ai", "pydantic-ai message history (ModelMessagesTypeAdapter JSON: kind request/"
                     "response, parts with part_kind)", _detect, _read)
