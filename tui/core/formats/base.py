"""What every log format provides: a detector over a :class:`Sniff` and a record reader.

A format module defines one or more :class:`Format` values and lists them in
``tui/core/formats/registry.py``.  Detection runs in registry order and the first match wins, so
specific formats go first and the raw-Anthropic fallbacks last (FORMATS.md §2).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from tui.core.formats.reader import Opened
from tui.core.model import Exchange, LoadIssue

SNIFF_RECORDS = 3
FIRST_LINE_LIMIT = 64 * 1024 * 1024
"""How far detection reads to find the end of the first line of a JSONL file."""
DOCUMENT_LIMIT = 512 * 1024 * 1024
"""Single JSON documents larger than this are not parsed whole (a clear error instead)."""


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(text: str | bytes) -> Any:
    """``json.loads`` that rejects NaN/Infinity (the API and every other tool reject them)."""
    return json.loads(text, parse_constant=_no_constants)


def json_problem(exc: BaseException) -> str:
    """One phrase for why a JSON value could not be read."""
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON at column {exc.colno}: {exc.msg.removesuffix(' at')}"
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply to read"
    if isinstance(exc, UnicodeDecodeError):
        return f"not valid UTF-8 (byte {exc.start})"
    return str(exc)


JSON_ERRORS = (ValueError, RecursionError, UnicodeDecodeError)


class Sniff:
    """A cheap look at a file for the detectors; the whole-document parse is done at most once."""

    def __init__(self, opened: Opened) -> None:
        self.opened = opened

    @property
    def name(self) -> str:
        return self.opened.name

    @cached_property
    def text_head(self) -> str:
        return self.opened.head.decode("utf-8", "replace")

    @cached_property
    def first_lines(self) -> list[str]:
        """Up to 3 non-empty lines of the head (the last one may be cut by the head limit)."""
        lines = [ln for ln in self.text_head.splitlines() if ln.strip()]
        return lines[:SNIFF_RECORDS]

    @cached_property
    def first_records(self) -> list[Any]:
        """The first non-empty lines that parse as JSON values (for JSONL detection)."""
        out = []
        for ln in self.first_lines:
            try:
                out.append(parse_json(ln))
            except JSON_ERRORS:
                continue
        return out

    @cached_property
    def is_jsonl(self) -> bool:
        """The first line is a complete JSON object and more content follows it.

        A file holding one JSON object on one line is a single document (``file#0`` in reports).
        """
        if not self.opened.head.lstrip().startswith(b"{"):
            return False
        first, more = self._first_line
        if not more:
            return False
        try:
            parse_json(first)
        except JSON_ERRORS:
            return False
        return True

    @cached_property
    def _first_line(self) -> tuple[bytes, bool]:
        """The first non-empty line, read past the head if it is long (bounded), and whether
        anything but whitespace follows it."""
        with self.opened.open() as f:
            while True:
                line = f.readline(FIRST_LINE_LIMIT)
                if not line or line.strip():
                    break
            rest = f.read(4096)
            while rest and not rest.strip():
                rest = f.read(4096)
        return line, bool(rest.strip())

    @cached_property
    def is_json(self) -> bool:
        return self.opened.head.lstrip().startswith((b"{", b"["))

    @cached_property
    def _document(self) -> tuple[Any, BaseException | None]:
        if self.is_jsonl:  # a complete object then more lines: never one document, don't read it all
            return None, ValueError("the file is JSONL, not one JSON document")
        try:
            with self.opened.open() as f:
                data = f.read(DOCUMENT_LIMIT + 1)
            if len(data) > DOCUMENT_LIMIT:
                return None, ValueError(f"a single JSON document over {DOCUMENT_LIMIT >> 20} MB is not read whole")
            return parse_json(data), None
        except JSON_ERRORS as exc:
            return None, exc

    def document(self) -> Any:
        """The whole file parsed as one JSON value; raises the parse error (cached either way)."""
        doc, exc = self._document
        if exc is not None:
            raise exc
        return doc

    def document_or_none(self) -> Any:
        doc, exc = self._document
        return None if exc is not None else doc


Detect = Callable[[Sniff], bool]
Read = Callable[[Sniff], Iterator[Exchange | LoadIssue]]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    """Stable id shown in reports (``claude-trace``, ``har``, ``anthropic-jsonl`` …)."""
    description: str
    detect: Detect
    read: Read


def iter_jsonl(opened: Opened) -> Iterator[tuple[int, int, int, Any | BaseException]]:
    """``(record index, line number, byte offset, value or parse error)`` per non-empty line."""
    record = -1
    offset = 0
    with opened.open() as f:
        for lineno, raw in enumerate(f, start=1):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            record += 1
            try:
                yield record, lineno, start, parse_json(raw)
            except JSON_ERRORS as exc:
                yield record, lineno, start, exc
