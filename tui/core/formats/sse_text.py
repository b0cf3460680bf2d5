"""Raw Anthropic server-sent events saved as text (FORMATS.md §3.2), and logged response bodies.

Users get these files from ``curl -N``, from proxies, or by copying a stream out of a capture.
One file may hold several streams one after another (a retry appended to the same dump): a new
``message_start`` after a finished stream — or after a stream that was cut or failed — starts a
new exchange.  Each stream is reassembled with the tolerant accumulator of ``tui/core/sse.py``,
so a cut stream still gives its partial ``Message`` (the thing being debugged) and the
accumulator's defects go to ``exchange.extra["stream_defects"]``, where the F rules report them.

The same streams logged one event object per line (``json.dumps(event)`` in a callback) load
through :data:`EVENTS_JSONL`, with the same splitting and reporting.

:func:`outcome_from_body` is the same logic for a response body found inside another format
(claude-trace ``body``/``body_raw``, a HAR ``content.text``): parsed JSON, JSON text or SSE text
become a response, an error, or a one-line note saying why the body is not usable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tui.core.formats.anthropic import is_error, is_response
from tui.core.formats.base import DamagedData, Format, LineTooLong, Sniff, bounded_lines, iter_jsonl, json_problem, parse_json
from tui.core.model import Exchange, LoadIssue, Source
from tui.core.sse import Accumulated, SSEEvent, accumulate, parse_sse

__all__ = ["SSE_TEXT", "EVENTS_JSONL", "Outcome", "outcome_from_body", "is_sse_text", "exchange_from_events",
           "ANTHROPIC_EVENTS"]

ANTHROPIC_EVENTS = frozenset({
    "message_start", "content_block_start", "content_block_delta", "content_block_stop",
    "message_delta", "message_stop",
})
"""Event names only the Anthropic Messages stream uses (``ping`` and ``error`` are shared)."""

_FIELD_RE = re.compile(r"^(?:event|data|id|retry):|^:")
_LINE_RE = re.compile(r"^line (\d+):")
"""The accumulator's defects start with the event's line; inside a logged body that line is the
body's, not the file's, and the text says so."""
_DETECT_LINES = 400


def is_sse_text(text: str) -> bool:
    """Does ``text`` start like an event stream (its first non-empty line is an SSE field)?"""
    for line in text.splitlines():
        if line.strip():
            return bool(_FIELD_RE.match(line.lstrip()))
    return False


def _anthropic_verdict(line: str) -> bool | None:
    """True: this SSE line is Anthropic's; False: it is OpenAI's; None: cannot tell."""
    name, _, value = line.partition(":")
    value = value.strip()
    if name == "event":
        if value in ANTHROPIC_EVENTS:
            return True
        if value.startswith("response."):
            return False
        return None
    if name != "data":
        return None
    if value == "[DONE]":
        return False
    try:
        data = parse_json(value)
    except ValueError:
        return None  # the last line of a head may be cut; another line decides
    if not isinstance(data, dict):
        return None
    kind = data.get("type")
    if isinstance(kind, str) and kind in ANTHROPIC_EVENTS:
        return True
    if data.get("object") == "chat.completion.chunk" or "sequence_number" in data or (
            isinstance(kind, str) and kind.startswith("response.")):
        return False
    if kind == "error" and isinstance(data.get("error"), dict):
        return True  # Anthropic's envelope; OpenAI's error event has no nested `error` object
    return None


def looks_like_anthropic_sse(text: str) -> bool:
    """An SSE text whose events are Anthropic's (FORMATS.md §2, "SSE" row)."""
    if not is_sse_text(text):
        return False
    for n, line in enumerate(text.splitlines()):
        if n > _DETECT_LINES:
            break
        verdict = _anthropic_verdict(line.strip())
        if verdict is not None:
            return verdict
    return False


def safe_accumulate(events: Iterable[SSEEvent | str]) -> Accumulated:
    """:func:`tui.core.sse.accumulate`, with a last line of defence for the loaders.

    The accumulator is written never to raise, but a log can hold shapes nobody foresaw (a
    ``message_start`` whose ``content`` is a number); a load must still not end in a traceback,
    so such a failure becomes a defect of that stream.
    """
    try:
        return accumulate(events)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        return Accumulated(defects=[f"the stream could not be reassembled ({type(exc).__name__}: {exc}); "
                                    f"no message_stop event: the stream was cut"])


# -- response bodies found inside other formats --------------------------------------------------

@dataclass(slots=True)
class Outcome:
    """What a logged response body says: a Message (maybe partial), an error, or neither."""

    response: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    defects: list[str] = field(default_factory=list)
    """The stream's defects when the body was SSE (empty for a complete stream)."""
    streamed: bool = False
    note: str | None = None
    """Why the body gave neither a response nor an error (kept in ``extra`` by the caller)."""


def apply_outcome(ex: Exchange, body: Any) -> Exchange:
    """Set ``ex``'s response or error from a logged body (judged with ``ex.status``), keeping a
    cut stream's defects and the reason a body gave neither: the last step of every HTTP capture
    loader (HAR, claude-trace, cassettes)."""
    outcome = outcome_from_body(body, ex.status)
    ex.response, ex.error = outcome.response, outcome.error
    if outcome.defects:
        ex.extra["stream_defects"] = outcome.defects
    if outcome.note:
        ex.extra["response_note"] = outcome.note
    return ex


def outcome_from_body(body: Any, status: int | None = None) -> Outcome:
    """Classify one logged response body; never raises.

    Order matters: SSE text first (a stream body is text, not JSON), then JSON text, then the
    parsed value — a Message, an error envelope, or something this tool does not read.  With an
    error ``status`` (>= 400) any body is the error body: relays answer in their own envelopes
    (an HTML page, Bedrock's ``{"message"}``) and the E rules read those.
    """
    failed = isinstance(status, int) and status >= 400
    if body is None:
        return Outcome(note="the response body was not logged")
    if isinstance(body, str):
        if is_sse_text(body):
            acc = safe_accumulate(parse_sse(body.splitlines(keepends=True)))
            defects = [_LINE_RE.sub(r"response body line \1:", d) for d in acc.defects] if acc.cut else []
            return Outcome(acc.message, acc.error, defects, True)
        text = body.strip()
        if not text:
            return Outcome(note="the response body is empty")
        try:
            body = parse_json(text)
        except ValueError:
            if failed:
                return Outcome(error={"raw": body[:4000]})
            return Outcome(note="the response body is text that is neither JSON nor an event stream")
    if is_response(body):
        return Outcome(response=body)
    if is_error(body) or (failed and isinstance(body, (dict, list))):
        return Outcome(error=body if isinstance(body, dict) else {"raw": body})
    kind = type(body).__name__ if not isinstance(body, dict) else "an object with keys " + ", ".join(
        list(body)[:6])
    return Outcome(note=f"the response body ({kind}) is neither a Message nor an error envelope")


def exchange_from_events(events: Iterable[SSEEvent | str], source: Source, fmt: str,
                         **fields: Any) -> Exchange:
    """One Exchange from one stream's events: the (partial) message, an in-stream error, and the
    stream's defects in ``extra["stream_defects"]`` when it is cut or malformed."""
    acc = safe_accumulate(events)
    ex = Exchange(source=source, format=fmt, response=acc.message, error=acc.error, **fields)
    if acc.cut and acc.defects:
        ex.extra["stream_defects"] = list(acc.defects)
    return ex


# -- the SSE text file format --------------------------------------------------------------------

def _detect(sniff: Sniff) -> bool:
    if sniff.is_json:
        return False
    return looks_like_anthropic_sse(sniff.text_head)


def _decoded_lines(sniff: Sniff, issues: list[LoadIssue]) -> Iterator[str]:
    """The file's lines as text; a line that is not UTF-8 is decoded with replacement characters
    and reported (one issue per line), so the rest of the stream still loads."""
    with sniff.opened.open() as f:
        for lineno, _, raw in bounded_lines(f, seekable=not sniff.opened.compressed):
            if isinstance(raw, DamagedData):
                issues.append(LoadIssue(sniff.name, str(raw), line=lineno))
                return
            if isinstance(raw, LineTooLong):
                issues.append(LoadIssue(sniff.name, f"{raw}; skipped", line=lineno))
                yield "\n"
                continue
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                issues.append(LoadIssue(sniff.name, f"not valid UTF-8 (byte {exc.start} of the line); "
                                                    f"read with replacement characters", line=lineno))
                yield raw.decode("utf-8", "replace")


def split_streams(events: Iterable[SSEEvent | str]) -> Iterator[list[SSEEvent | str]]:
    """Group a file's events into streams.

    A stream ends when a ``message_start`` arrives after one already seen (or after an ``error``),
    or when anything but a ``ping`` follows ``message_stop``.  Pings stay with the current stream.
    """
    group: list[SSEEvent | str] = []
    started = failed = stopped = False
    for ev in events:
        if isinstance(ev, SSEEvent):
            kind = ev.type
            new = (kind == "message_start" and (started or failed)) or (stopped and kind != "ping")
            if group and new:
                yield group
                group, started, failed, stopped = [], False, False, False
            started |= kind == "message_start"
            failed |= kind == "error"
            stopped |= kind == "message_stop"
        group.append(ev)
    if group:
        yield group


def _read(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    issues: list[LoadIssue] = []
    events = parse_sse(_decoded_lines(sniff, issues))
    for record, group in enumerate(split_streams(events)):
        yield from issues
        issues.clear()
        first = next((e for e in group if isinstance(e, SSEEvent)), None)
        line = first.line if first is not None else None
        yield exchange_from_events(group, Source(sniff.name, record, line), "anthropic-sse")
    yield from issues


SSE_TEXT = Format("anthropic-sse", "Anthropic server-sent events saved as text (one or more streams)",
                  _detect, _read)


# -- stream events logged as JSON lines ----------------------------------------------------------

def _detect_events_jsonl(sniff: Sniff) -> bool:
    """One event object per line (``json.dumps(event)`` in a logging callback)."""
    if not sniff.is_json or sniff.opened.head.lstrip()[:1] != b"{":
        return False
    if not (sniff.is_jsonl or len(sniff.first_lines) > 1):
        return False
    records = [r for r in sniff.first_records if isinstance(r, dict)]
    kind = records[0].get("type") if records else None
    return isinstance(kind, str) and kind in ANTHROPIC_EVENTS


def _read_events_jsonl(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    name = sniff.name
    issues: list[LoadIssue] = []

    def events() -> Iterator[SSEEvent]:
        for record, lineno, _, value in iter_jsonl(sniff.opened):
            if isinstance(value, BaseException):
                issues.append(LoadIssue(name, json_problem(value), record=record, line=lineno))
            elif not isinstance(value, dict) or not isinstance(value.get("type"), str):
                issues.append(LoadIssue(name, "not a stream event: expected an object with a `type`",
                                        record=record, line=lineno))
            else:
                yield SSEEvent(None, value, lineno)

    for record, group in enumerate(split_streams(events())):
        yield from issues
        issues.clear()
        first = next((e for e in group if isinstance(e, SSEEvent)), None)
        yield exchange_from_events(group, Source(name, record, first.line if first else None),
                                   "anthropic-events-jsonl")
    yield from issues


EVENTS_JSONL = Format("anthropic-events-jsonl", "Anthropic stream events logged one JSON object per line",
                      _detect_events_jsonl, _read_events_jsonl)
