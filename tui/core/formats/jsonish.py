"""JSON documents and JSONL of raw Anthropic records (formats a–h of issue #2).

Detection: a file whose first line is a complete JSON value is JSONL (a one-line JSON file is a
one-record JSONL file, which loads identically); otherwise the whole file is one JSON document
(pretty-printed); if that fails too, it is read as JSONL so the good lines still load.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tui.core.formats.anthropic import NotARecord, to_exchange
from tui.core.formats.reader import READABLE, LoadError, Opened
from tui.core.model import Exchange, LoadIssue, Source


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(text: str | bytes) -> Any:
    """``json.loads`` that rejects NaN/Infinity (the API and every other tool reject them)."""
    return json.loads(text, parse_constant=_no_constants)


def _json_problem(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        msg = exc.msg.removesuffix(" at")
        return f"invalid JSON at column {exc.colno}: {msg}"
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply to read"
    if isinstance(exc, UnicodeDecodeError):
        return f"not valid UTF-8 (byte {exc.start})"
    return str(exc)


def read(opened: Opened) -> tuple[str, Iterator[Exchange | LoadIssue]]:
    head = opened.head.lstrip()
    gz = ".gz" if opened.compressed else ""
    if not head.startswith((b"{", b"[")):
        snippet = head[:30].decode("utf-8", "replace").splitlines()[0] if head else ""
        raise LoadError(f"{opened.name}: not JSON (starts with {snippet!r}); expected {READABLE}")
    first_line = head.split(b"\n", 1)[0]
    if head.startswith(b"{") and len(first_line) < len(opened.head):
        try:
            parse_json(first_line)
            return f"anthropic-jsonl{gz}", _jsonl(opened)
        except (ValueError, RecursionError, UnicodeDecodeError):
            pass
    with opened.open() as f:
        data = f.read()
    try:
        doc = parse_json(data)
    except (ValueError, RecursionError, UnicodeDecodeError) as exc:
        if head.startswith(b"{") and b"\n" in data.strip():
            return f"anthropic-jsonl{gz}", _jsonl(opened)
        raise LoadError(f"{opened.name}: {_json_problem(exc)}"
                        + (f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else "")) from exc
    if isinstance(doc, list):
        return f"anthropic-json-array{gz}", _array(opened.name, doc)
    return f"anthropic-json{gz}", _single(opened.name, doc)


def _single(name: str, doc: Any) -> Iterator[Exchange | LoadIssue]:
    try:
        yield to_exchange(doc, Source(name, 0))
    except NotARecord as exc:
        yield LoadIssue(name, str(exc), record=0)


def _array(name: str, doc: list[Any]) -> Iterator[Exchange | LoadIssue]:
    if doc and all(isinstance(m, dict) and "role" in m for m in doc):
        # A bare messages array (FORMATS.md §2): check it as a request without model/max_tokens.
        yield _messages_only(name, doc)
        return
    for i, item in enumerate(doc):
        try:
            yield to_exchange(item, Source(name, i))
        except NotARecord as exc:
            yield LoadIssue(name, f"item {i}: {exc}", record=i, path=f"/{i}")


def _messages_only(name: str, messages: list[Any]) -> Exchange:
    """A log that kept only the conversation: checked for everything but the missing top level."""
    return Exchange(source=Source(name, 0), format="anthropic-messages", request={"messages": messages},
                    extra={"messages_only": True})


def _jsonl(opened: Opened) -> Iterator[Exchange | LoadIssue]:
    record = -1
    offset = 0
    with opened.open() as f:
        for lineno, raw in enumerate(f, start=1):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            record += 1
            try:
                value = parse_json(raw)
            except (ValueError, RecursionError, UnicodeDecodeError) as exc:
                yield LoadIssue(opened.name, _json_problem(exc), record=record, line=lineno)
                continue
            try:
                yield to_exchange(value, Source(opened.name, record, lineno, start))
            except NotARecord as exc:
                yield LoadIssue(opened.name, str(exc), record=record, line=lineno)
