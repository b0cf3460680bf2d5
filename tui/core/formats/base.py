"""What every log format provides: a detector over a :class:`Sniff` and a record reader.

A format module defines one or more :class:`Format` values and lists them in
``tui/core/formats/registry.py``.  Detection runs in registry order and the first match wins, so
specific formats go first and the raw-Anthropic fallbacks last (FORMATS.md §2).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, BinaryIO

from tui.core.display import size_text
from tui.core.formats.reader import Opened
from tui.core.model import Exchange, LoadIssue, Source
from tui.core.redact import redact_and_shorten

SNIFF_RECORDS = 3
FIRST_LINE_LIMIT = 64 * 1024 * 1024
"""How far detection reads to find the end of the first line of a JSONL file."""
DOCUMENT_LIMIT = 512 * 1024 * 1024
"""Single JSON documents larger than this are not parsed whole (a clear error instead)."""


INT_DIGITS_LIMIT = sys.get_int_max_str_digits() or 4300
"""Python's limit on the digits of an integer it converts (4,300 unless configured)."""
PATH_SHOWN = 10
"""Components of a deep JSON path shown in a message before it is shortened with ``…``."""


class JSONProblem(ValueError):
    """A JSON text that cannot be read, with where: ``str()`` is one phrase naming the path."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


class DuplicateKeyObject(dict):  # type: ignore[type-arg]
    """A JSON object that had a key more than once: ``duplicates`` maps each such key to how many
    times it occurred.  The last value wins (as in Python's and JavaScript's parsers); rule F004
    reports it, because other parsers on the way may keep the first or refuse the document."""

    duplicates: dict[str, int]


DUPLICATES_SEEN = 0
"""How many objects with duplicate keys this process has parsed (F004 skips its walk while 0)."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) == len(pairs):
        return d
    global DUPLICATES_SEEN
    DUPLICATES_SEEN += 1
    dup = DuplicateKeyObject(d)
    counts: dict[str, int] = {}
    for k, _ in pairs:
        counts[k] = counts.get(k, 0) + 1
    dup.duplicates = {k: n for k, n in counts.items() if n > 1}
    return dup


class _NotFinite(ValueError):
    pass


def _no_constants(name: str) -> Any:
    raise _NotFinite(f"{name} is not valid JSON")


def _float(text: str) -> float:
    value = float(text)
    if value in (_INF, -_INF):
        raise _NotFinite("out of range")
    return value


_INF = float("inf")


def parse_json(text: str | bytes) -> Any:
    """``json.loads`` that rejects NaN/Infinity and numbers too large for a float (the API and
    every other tool reject them) and flags objects with duplicate keys
    (:class:`DuplicateKeyObject`).  Errors are :class:`JSONProblem` (a ``ValueError``) naming the
    path where the text goes wrong; ``json.JSONDecodeError`` (also a ``ValueError``) for syntax."""
    if isinstance(text, (bytes, bytearray)):
        # UTF-8 only: json.loads(bytes) would guess UTF-16/32 from NUL bytes and mis-report them.
        text = bytes(text).decode("utf-8-sig" if text.startswith(b"\xef\xbb\xbf") else "utf-8")
    try:
        return json.loads(text, parse_constant=_no_constants, parse_float=_float, object_pairs_hook=_object)
    except json.JSONDecodeError:
        raise
    except UnicodeDecodeError:
        raise
    except RecursionError:
        raise _too_deep(text) from None
    except _NotFinite:
        raise _bad_number(text) from None
    except ValueError as exc:
        if "integer string conversion" in str(exc):
            raise _long_integer(text) from None
        raise


# -- where a JSON text goes wrong --------------------------------------------------------------

_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[{}\[\],:]|[^\s{}\[\],:"]+')


class _Frame:
    __slots__ = ("is_obj", "key", "index", "in_value")

    def __init__(self, is_obj: bool) -> None:
        self.is_obj = is_obj
        self.key: str | None = None
        self.index = 0
        self.in_value = not is_obj


def _text(doc: str | bytes) -> str:
    if isinstance(doc, (bytes, bytearray)):
        doc = bytes(doc)
        if doc.startswith(b"\xef\xbb\xbf"):
            doc = doc[3:]
        return doc.decode("utf-8", "replace")
    return doc


def _path_of(stack: list[_Frame]) -> tuple[str | int, ...]:
    out: list[str | int] = []
    for f in stack:
        if f.is_obj:
            if not f.in_value or f.key is None:
                break
            out.append(f.key)
        else:
            out.append(f.index)
    return tuple(out)


def locate(doc: str | bytes, *, pos: int | None = None,
           stop: Callable[[str, int], bool] | None = None) -> tuple[int | None, tuple[str | int, ...], int]:
    """Scan a (possibly broken) JSON text without recursion: ``(position, path, depth)`` of the
    first token at or after ``pos`` (an error offset), or of the first token for which
    ``stop(token, depth)`` is true; ``(None, (), max depth)`` if neither happens."""
    text = _text(doc)
    stack: list[_Frame] = []
    deepest = 0
    for m in _TOKEN.finditer(text):
        tok = m.group()
        start = m.start()
        if pos is not None and m.end() > pos:
            return start, _path_of(stack), len(stack)
        if stop is not None and stop(tok, len(stack)):
            return start, _path_of(stack), len(stack)
        top = stack[-1] if stack else None
        if tok in ("{", "["):
            stack.append(_Frame(tok == "{"))
            deepest = max(deepest, len(stack))
        elif tok in ("}", "]"):
            if stack:
                stack.pop()
        elif tok == ",":
            if top is not None:
                if top.is_obj:
                    top.in_value, top.key = False, None
                else:
                    top.index += 1
        elif tok == ":":
            if top is not None and top.is_obj:
                top.in_value = True
        elif top is not None and top.is_obj and not top.in_value and tok.startswith('"'):
            try:
                top.key = json.loads(tok)
            except ValueError:
                top.key = tok.strip('"')
    return None, _path_of(stack) if pos is not None else (), deepest


def show_path(path: tuple[str | int, ...]) -> str:
    """A JSON path for a message: dotted, shortened when deep, ``the top level`` when empty."""
    if not path:
        return "the top level"
    shown = ".".join(printable_key(p) for p in path[:PATH_SHOWN])
    if len(path) > PATH_SHOWN:
        shown += "…"
    return shown


def printable_key(p: str | int) -> str:
    from tui.core.display import one_line

    return one_line(str(p), 40)


def _too_deep(doc: str | bytes) -> JSONProblem:
    limit = max(50, sys.getrecursionlimit() - 100)
    _, path, _ = locate(doc, stop=lambda tok, d: d >= limit and tok in ("{", "["))
    return JSONProblem(f"JSON nested too deeply to read (deeper than {limit:,} levels) at {show_path(path)}",
                       path)


def _bad_number(doc: str | bytes) -> JSONProblem:
    def bad(tok: str, _: int) -> bool:
        if tok in ("NaN", "Infinity", "-Infinity"):
            return True
        if tok[:1] in "-0123456789" and any(c in tok for c in ".eE"):
            try:
                return float(tok) in (_INF, -_INF)
            except ValueError:
                return False
        return False

    at, path, _ = locate(doc, stop=bad)
    if at is None:
        return JSONProblem("a number is not finite (NaN, Infinity or out of range)")
    tok = _TOKEN.match(_text(doc), at)
    word = tok.group() if tok else "?"
    if word in ("NaN", "Infinity", "-Infinity"):
        return JSONProblem(f"{word} is not valid JSON, at {show_path(path)} (the API accepts only finite numbers)",
                           path)
    shown = word if len(word) <= 24 else word[:12] + "…" + word[-8:]
    return JSONProblem(f"the number {shown} at {show_path(path)} is out of range (too large for a "
                       f"64-bit float; the API would reject it)", path)


def _long_integer(doc: str | bytes) -> JSONProblem:
    def long(tok: str, _: int) -> bool:
        return tok[:1] in "-0123456789" and len(tok.lstrip("-")) > INT_DIGITS_LIMIT and tok.lstrip("-").isdigit()

    at, path, _ = locate(doc, stop=long)
    digits = 0
    if at is not None:
        tok = _TOKEN.match(_text(doc), at)
        digits = len(tok.group().lstrip("-")) if tok else 0
    many = f"{digits:,} digits" if digits else f"more than {INT_DIGITS_LIMIT:,} digits"
    return JSONProblem(f"a number with {many} at {show_path(path)} is too long to read (at most "
                       f"{INT_DIGITS_LIMIT:,} digits; the API would reject it)", path)


def json_problem(exc: BaseException) -> str:
    """One phrase for why a JSON value could not be read, naming the path where it goes wrong."""
    if isinstance(exc, json.JSONDecodeError):
        try:
            _, path, _ = locate(exc.doc, pos=exc.pos)
        except Exception:  # noqa: BLE001 - the location is a courtesy; never fail the message
            path = ()
        where = f", in {show_path(path)}" if path else ""
        return f"invalid JSON at column {exc.colno}{where}: {exc.msg.removesuffix(' at')}"
    if isinstance(exc, DAMAGED_GZIP):
        return f"the gzip data is damaged here, so the rest of the file cannot be read ({exc or type(exc).__name__})"
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply to read"
    if isinstance(exc, UnicodeDecodeError):
        where = ""
        if isinstance(exc.object, (bytes, bytearray)):
            try:
                prefix = bytes(exc.object[:exc.start]).decode("utf-8", "replace")
                _, path, _ = locate(prefix + '"', pos=len(prefix))
                where = f", in {show_path(path)}" if path else ""
            except Exception:  # noqa: BLE001
                where = ""
        return f"not valid UTF-8 (byte {exc.start}{where})"
    return str(exc)


DAMAGED_GZIP = (zlib.error, gzip.BadGzipFile, EOFError)
"""What reading a ``.gz`` raises past a damaged spot (corrupt deflate data, a bad CRC, a cut end)."""

JSON_ERRORS = (ValueError, RecursionError, UnicodeDecodeError, *DAMAGED_GZIP)


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
            skipped = 0
            while rest and not rest.strip() and skipped < FIRST_LINE_LIMIT:
                skipped += len(rest)
                rest = f.read(64 * 1024)
        # After FIRST_LINE_LIMIT bytes of blank space, call it "more follows": the JSONL reader
        # skips blank lines one bounded read at a time, never a whole document.
        return line, bool(rest.strip()) or skipped >= FIRST_LINE_LIMIT

    @cached_property
    def is_json(self) -> bool:
        return self.opened.head.lstrip().startswith((b"{", b"["))

    @cached_property
    def _document(self) -> tuple[Any, BaseException | None]:
        if self.is_jsonl:  # a complete object then more lines: never one document, don't read it all
            return None, ValueError("the file is JSONL, not one JSON document")
        too_big = ValueError(f"a single JSON document over {size_text(DOCUMENT_LIMIT)} is not read whole "
                             f"(split it into JSONL, one record per line)")
        if not self.opened.compressed:
            try:
                size = self.opened.path.stat().st_size
            except OSError as exc:
                return None, ValueError(f"cannot read: {exc.strerror or exc}")
            if size > DOCUMENT_LIMIT:  # known before reading a byte: never read it into memory
                return None, ValueError(f"the file is {size_text(size)}: {too_big}")
        try:
            with self.opened.open() as f:
                data = f.read(DOCUMENT_LIMIT + 1)
            if len(data) > DOCUMENT_LIMIT:
                return None, too_big
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


class LineTooLong(ValueError):
    """A line over :data:`LINE_LIMIT` bytes: skipped without being held in memory."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"the line is over {size_text(limit)} ({size_text(size)}); lines larger than "
                         f"{size_text(limit)} are not read")
        self.size = size


LINE_LIMIT = DOCUMENT_LIMIT
"""The longest line a line-oriented reader holds in memory; longer ones are skipped in
:data:`LINE_CHUNK` pieces and reported (a 2 GB line never becomes a 2 GB ``bytes``)."""
LINE_CHUNK = 1 << 20


def _skip_line(f: BinaryIO) -> int:
    """Read past the rest of the current line (newline included) in fixed blocks; return how
    many bytes that was.  The stream is left just after the newline (plain, seekable files)."""
    buf = bytearray(8 << 20)
    total = 0
    while True:
        n = f.readinto(buf)  # type: ignore[attr-defined]
        if not n:
            return total
        nl = buf.find(b"\n", 0, n)
        if nl >= 0:
            f.seek(nl + 1 - n, 1)
            return total + nl + 1
        total += n


class DamagedData:
    """Stands in for the rest of a ``.gz`` stream that cannot be decompressed: every reader turns
    it into one LoadIssue at the line where reading stopped, and keeps what came before."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def __str__(self) -> str:
        return json_problem(self.exc)


def bounded_lines(f: BinaryIO, *, seekable: bool = False) -> Iterator[tuple[int, int, bytes | LineTooLong | DamagedData]]:
    """:func:`_bounded_lines`, ending with a :class:`DamagedData` (at the next line number) when
    the compressed stream is damaged, instead of raising out of the reader's loop."""
    lines = _bounded_lines(f, seekable=seekable)
    lineno, start = 0, 0
    while True:
        try:
            lineno, start, raw = next(lines)
        except StopIteration:
            return
        except DAMAGED_GZIP as exc:
            yield lineno + 1, start, DamagedData(exc)
            return
        yield lineno, start, raw


def text_lines(sniff: Sniff) -> Iterator[tuple[int, str] | LoadIssue]:
    """``(line number, text)`` for every line of a text log (UTF-8, bad bytes replaced, the line
    ending dropped); a line over the limit is an issue and skipped, a damaged compressed stream
    is an issue that ends the file.  The loop every line-oriented text reader starts with."""
    with sniff.opened.open() as f:
        for lineno, _, raw in bounded_lines(f, seekable=not sniff.opened.compressed):
            if isinstance(raw, DamagedData):
                yield LoadIssue(sniff.name, str(raw), line=lineno)
                return
            if isinstance(raw, LineTooLong):
                yield LoadIssue(sniff.name, f"{raw}; skipped", line=lineno)
                continue
            yield lineno, raw.decode("utf-8", "replace").rstrip("\r\n")


def _bounded_lines(f: BinaryIO, *, seekable: bool = False) -> Iterator[tuple[int, int, bytes | LineTooLong]]:
    """``(line number, byte offset, line or LineTooLong)`` for every line of a binary stream.

    At most :data:`LINE_LIMIT` bytes of one line are ever held (read at call time: tests lower
    it).  With ``seekable`` (a plain file, not gzip) a long line is first measured without being
    kept, so a line over the limit costs no memory at all; otherwise it is gathered up to the
    limit and then skipped a chunk at a time.
    """
    limit = LINE_LIMIT
    offset = 0
    lineno = 0
    while True:
        line = f.readline(LINE_CHUNK)
        if not line:
            return
        lineno += 1
        start = offset
        if line.endswith(b"\n") or len(line) < LINE_CHUNK:
            offset += len(line)
            yield lineno, start, line
            continue
        if seekable:
            at = f.tell() - len(line)
            size = len(line) + _skip_line(f)
            offset += size
            if size > limit:
                yield lineno, start, LineTooLong(size, limit)
                continue
            after = f.tell()
            f.seek(at)
            data = f.read(size)
            f.seek(after)
            yield lineno, start, data
            continue
        parts = [line]
        size = len(line)
        while size <= limit:
            more = f.readline(LINE_CHUNK)
            if not more:
                break
            parts.append(more)
            size += len(more)
            if more.endswith(b"\n"):
                break
        if size <= limit:
            offset += size
            yield lineno, start, b"".join(parts)
            continue
        parts.clear()
        last = b""
        while not last.endswith(b"\n"):  # skip the rest of the line, a chunk at a time
            last = f.readline(LINE_CHUNK)
            if not last:
                break
            size += len(last)
        offset += size
        yield lineno, start, LineTooLong(size, limit)


def iter_jsonl(opened: Opened) -> Iterator[tuple[int, int, int, Any | BaseException]]:
    """``(record index, line number, byte offset, value or parse error)`` per non-empty line."""
    record = -1
    with opened.open() as f:
        for lineno, start, raw in bounded_lines(f, seekable=not opened.compressed):
            if isinstance(raw, DamagedData):  # the records before the damage are kept
                yield record + 1, lineno, start, raw.exc
                return
            if isinstance(raw, LineTooLong):
                record += 1
                yield record, lineno, start, raw
                continue
            if not raw.strip():
                continue
            record += 1
            try:
                yield record, lineno, start, parse_json(raw)
            except JSON_ERRORS as exc:
                yield record, lineno, start, exc


def jsonl_exchanges(sniff: Sniff, convert: Callable[[Any, Source], Exchange],
                    rejected: tuple[type[Exception], ...] = (ValueError,)) -> Iterator[Exchange | LoadIssue]:
    """One Exchange per JSONL line through ``convert``; a line that does not parse, or that
    ``convert`` rejects (its exception's text says why), becomes a LoadIssue naming the line."""
    name = sniff.name

    def one(value: Any, source: Source) -> Iterator[Exchange | LoadIssue]:
        try:
            yield convert(value, source)
        except rejected as exc:
            yield LoadIssue(name, str(exc), record=source.record, line=source.line)

    for record, lineno, offset, value in iter_jsonl(sniff.opened):
        if isinstance(value, BaseException):
            yield LoadIssue(name, json_problem(value), record=record, line=lineno)
            continue
        yield from guarded(one, value, Source(name, record, lineno, offset))


def guarded(one: Callable[[Any, Source], Iterable[Exchange | LoadIssue]], value: Any,
            source: Source) -> Iterator[Exchange | LoadIssue]:
    """``one(value, source)``, with a value of a shape the reader did not expect (a wrong-typed
    field deep in a trace) becoming one LoadIssue for that record instead of ending the file.
    Every record reader goes through it.  The test-suite (``PAYLOAD_DOCTOR_STRICT=1``)
    re-raises, so such a reader bug stays visible."""
    try:
        yield from one(value, source)
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:
        if os.environ.get("PAYLOAD_DOCTOR_STRICT") == "1":
            raise
        yield LoadIssue(source.file, f"could not be read: a value of an unexpected type ({type(exc).__name__}: "
                                     f"{redact_and_shorten(str(exc), 120)})", record=source.record, line=source.line)


def load_document(sniff: Sniff, *, what: str = "", column: bool = False) -> Any:
    """The whole file as one JSON value, or the LoadError every document format raises: file,
    what went wrong and where (``what`` prefixes the reason, e.g. "the HAR file is cut or damaged: ")."""
    from tui.core.formats.reader import LoadError

    try:
        return sniff.document()
    except JSON_ERRORS as exc:
        where = ""
        if isinstance(exc, json.JSONDecodeError):
            where = f" (line {exc.lineno}, column {exc.colno})" if column else f" (line {exc.lineno})"
        raise LoadError(f"{sniff.name}: {what}{json_problem(exc)}{where}") from exc
