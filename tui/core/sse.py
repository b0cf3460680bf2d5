"""Anthropic server-sent events: parse the wire format and reassemble a ``Message``, tolerantly.

Used by streaming replay and by the SSE log loader.  Unlike the SDK, it never raises on a bad
stream: a cut stream (no ``message_stop``, an unclosed block, unparseable ``partial_json``, an
in-stream ``error`` event, a last event without its blank line) is *described* in ``defects`` and
the partial message is kept, because the partial content is what the user is debugging.
Events without an ``event:`` line are dispatched by their ``data.type`` (FORMATS.md §3.2).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tui.core.formats.base import parse_json
from tui.core.redact import redact_and_shorten

MAX_EVENTS = 1_000_000
"""A stream longer than this is cut and reported: every loop over input is bounded."""


@dataclass(frozen=True, slots=True)
class SSEEvent:
    event: str | None
    data: Any
    """Parsed JSON of the ``data:`` lines, or the raw text when it is not JSON."""
    line: int
    """1-based line number of the event's first line."""

    @property
    def type(self) -> str | None:
        if isinstance(self.data, dict) and isinstance(self.data.get("type"), str):
            return self.data["type"]
        return self.event


def parse_sse(lines: Iterable[str]) -> Iterator[SSEEvent | str]:
    """Yield events; a trailing event without the terminating blank line is yielded, then the
    string ``"unterminated"`` so the caller can report the cut."""
    event: str | None = None
    data: list[str] = []
    start = 0
    n = 0
    for n, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line:
            if data or event is not None:
                yield _make(event, data, start)
            event, data, start = None, [], 0
            continue
        if line.startswith(":"):
            continue  # comment / keep-alive
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if not start:
            start = n
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
    if data or event is not None:
        yield _make(event, data, start)
        yield "unterminated"


def _make(event: str | None, data: list[str], line: int) -> SSEEvent:
    text = "\n".join(data)
    try:
        parsed: Any = parse_json(text) if text else None
    except ValueError:
        parsed = text
    return SSEEvent(event, parsed, line)


@dataclass(slots=True)
class Accumulated:
    """The message rebuilt from a stream, and everything that was wrong with the stream."""

    message: dict[str, Any] | None = None
    defects: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    """An in-stream ``error`` event's body (``{"type": "error", "error": {...}}``)."""
    events: int = 0
    complete: bool = False

    @property
    def cut(self) -> bool:
        return not self.complete or bool(self.defects)


def accumulate(events: Iterable[SSEEvent | str]) -> Accumulated:
    """Rebuild the ``Message`` dict the way the SDK does, but never raise."""
    acc = Accumulated()
    open_blocks: set[int] = set()
    json_bufs: dict[int, str] = {}
    for ev in events:
        if ev == "unterminated":
            acc.defects.append("the stream ends in the middle of an event (no terminating blank line)")
            continue
        assert isinstance(ev, SSEEvent)
        acc.events += 1
        if acc.events > MAX_EVENTS:
            acc.defects.append(f"more than {MAX_EVENTS} events; the rest was not read")
            break
        kind, d = ev.type, ev.data if isinstance(ev.data, dict) else {}
        if kind == "ping":
            continue
        if kind == "error":
            acc.error = d or {"type": "error", "error": {"type": "unknown", "message": str(ev.data)}}
            err = acc.error.get("error") if isinstance(acc.error.get("error"), dict) else {}
            acc.defects.append(f"line {ev.line}: in-stream error event: "
                               f"{err.get('type', '?')}: {err.get('message', '')}".rstrip(": "))
            continue
        if not isinstance(ev.data, dict):
            acc.defects.append(f"line {ev.line}: event {kind or '?'} has data that is not JSON")
            continue
        if kind == "message_start":
            msg = d.get("message")
            if isinstance(msg, dict):
                acc.message = copy.deepcopy(msg)
                if not isinstance(acc.message.get("content"), list):
                    acc.message["content"] = []
            else:
                acc.defects.append(f"line {ev.line}: message_start without a message object")
            continue
        if acc.message is None:
            acc.defects.append(f"line {ev.line}: {kind} before message_start")
            continue
        content: list[Any] = acc.message["content"]
        idx = d.get("index")
        if kind == "content_block_start":
            block = d.get("content_block")
            if not isinstance(idx, int) or idx != len(content):
                acc.defects.append(f"line {ev.line}: content_block_start index {idx} "
                                   f"(expected {len(content)})")
            content.append(copy.deepcopy(block) if isinstance(block, dict) else {})
            open_blocks.add(len(content) - 1)
        elif kind == "content_block_delta":
            if not isinstance(idx, int) or not 0 <= idx < len(content):
                acc.defects.append(f"line {ev.line}: delta for unknown block {idx}")
                continue
            _apply_delta(acc, content[idx], idx, d.get("delta"), json_bufs, ev.line)
        elif kind == "content_block_stop":
            if isinstance(idx, int) and idx in open_blocks:
                open_blocks.discard(idx)
                _finish_json(acc, content, idx, json_bufs)
            else:
                acc.defects.append(f"line {ev.line}: content_block_stop for block {idx} that is not open")
        elif kind == "message_delta":
            delta = d.get("delta") if isinstance(d.get("delta"), dict) else {}
            for key in ("stop_reason", "stop_sequence"):
                if key in delta:
                    acc.message[key] = delta[key]
            usage = d.get("usage")
            if isinstance(usage, dict):
                if not isinstance(acc.message.get("usage"), dict):
                    acc.message["usage"] = {}
                for k, v in usage.items():
                    if v is not None:
                        acc.message["usage"][k] = v
        elif kind == "message_stop":
            acc.complete = True
    for idx in sorted(open_blocks):
        acc.defects.append(f"content block {idx} was never closed (no content_block_stop)")
        if acc.message is not None:
            _finish_json(acc, acc.message["content"], idx, json_bufs)
    if acc.message is None:
        acc.defects.append("no message_start event: nothing to rebuild")
    elif not acc.complete:
        acc.defects.append("no message_stop event: the stream was cut")
    return acc


def _apply_delta(acc: Accumulated, block: dict[str, Any], idx: int, delta: Any,
                 json_bufs: dict[int, str], line: int) -> None:
    if not isinstance(delta, dict):
        acc.defects.append(f"line {line}: delta without a body for block {idx}")
        return
    kind = delta.get("type")
    if kind == "text_delta" and block.get("type") == "text":
        block["text"] = str(block.get("text") or "") + str(delta.get("text", ""))
    elif kind == "thinking_delta" and block.get("type") == "thinking":
        block["thinking"] = str(block.get("thinking") or "") + str(delta.get("thinking", ""))
    elif kind == "signature_delta" and block.get("type") == "thinking":
        block["signature"] = delta.get("signature", "")
    elif kind == "input_json_delta" and block.get("type") in ("tool_use", "server_tool_use"):
        json_bufs[idx] = json_bufs.get(idx, "") + str(delta.get("partial_json", ""))
    elif kind == "citations_delta":
        block.setdefault("citations", []).append(delta.get("citation"))
    else:
        acc.defects.append(f"line {line}: {kind} does not fit block {idx} of type {block.get('type')}")


def _finish_json(acc: Accumulated, content: list[Any], idx: int, json_bufs: dict[int, str]) -> None:
    if idx not in json_bufs:
        return
    buf = json_bufs.pop(idx)
    if not buf.strip():
        return  # no input deltas: the start event's {} stands
    try:
        content[idx]["input"] = parse_json(buf)
    except ValueError:
        content[idx]["input"] = {}
        content[idx]["_partial_json"] = buf
        acc.defects.append(f"tool input of block {idx} is not valid JSON (kept as _partial_json): "
                           f"{redact_and_shorten(buf, 80)!r}")


def accumulate_text(text: str) -> Accumulated:
    return accumulate(parse_sse(text.splitlines(keepends=True)))
