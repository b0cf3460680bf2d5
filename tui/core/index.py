"""A byte-offset index of a JSONL log: open a log of any size at once, parse records on demand.

Why: a multi-gigabyte agent log must show its first exchanges at once and must not be held in
memory (DESIGN.md §2 "Large files", issue 6 item 4; toolong's approach).  :class:`LogIndex` scans
the file for line breaks -- ``bytearray.find(b"\\n")`` over a fixed buffer, no JSON parsing -- and
keeps only the byte offset of every non-empty line in an ``array('Q')`` (8 bytes a record; line
numbers are kept too, in a second array, only once the file turns out to have blank lines).
:meth:`LogIndex.record` reads and parses one line when someone asks for it.

Incremental: :meth:`LogIndex.scan` indexes :data:`STEP` bytes at a time and yields a
:class:`Progress` (``scanned_bytes`` / ``total_bytes``) after each step, so a worker thread can post
progress and the UI can show ``record(0)`` … while the scan goes on; :meth:`LogIndex.cancel` (from
any thread) stops the scan at the next step and keeps what was indexed.

Why read() and not mmap: the pages of a file-backed mapping that the scan touches count in the
process's resident set, so an mmap scan of a 4 GB log shows 4 GB of RSS; a fixed 8 MB buffer keeps
the peak memory independent of the file size (``bench/index_throughput.py`` measures it).

Which formats: every line must be an exchange on its own.  ``anthropic-jsonl`` (raw Anthropic
records and the native JSONL of ``export``/``convert``/replay logs) is parsed with
:func:`tui.core.formats.anthropic.to_exchange`, exactly as its streaming reader does.  The other
line-per-exchange JSONL formats (:data:`LINE_FORMATS`: claude-trace, OpenAI, LiteLLM, Anthropic
batch, Bedrock invocation logs) are read through their own ``Format.read``, the line handed to it
as a one-line file, so the index needs no private entry point of theirs and cannot drift from them.  Formats whose exchanges span several lines (a transcript that merges assistant
lines by ``message.id``, a batch joined by ``custom_id``, a session stream) and single JSON
documents raise :class:`NotIndexable`: the caller reads them with :func:`tui.core.formats.open_log`
(streaming, in a worker).

gzip: the index covers the *decompressed* stream (offsets are decompressed byte offsets).  gzip
cannot seek, and the two obvious answers both fail on big files: a decompressed temporary copy
costs the full decompressed size on disk (a 1 GB ``.jsonl.gz`` of agent logs is often 10 GB of
text), and a re-scan from the start costs O(offset) per access (seconds per record near the end
of a big file).  The scan therefore keeps *checkpoints*: every :data:`CHECKPOINT_SPACING`
decompressed bytes, a copy of the zlib decompressor (``zlib.Decompress.copy()``, about 40 KB: the
32 KB window and the inflate state) with the compressed position it resumes from.  A random
access resumes from the nearest checkpoint and inflates at most that spacing (~16 MB, tens of ms);
sequential access continues from a cursor left after the previous record.  Memory: about 2.5 KB per
decompressed MB, no disk.  A truncated or damaged stream ends the scan with :attr:`problem` set and
the records before it still readable.

A single huge one-line JSON document is not JSONL: :meth:`LogIndex.open` says so with
:class:`NotIndexable` after reading at most the first 64 MB of its line (detection tries to parse
that prefix, which fails fast: 0.25 s for a 100 MB document) -- it never parses the document.  The caller then reads it with ``open_log`` in a worker thread, where it is
parsed once (no progress is possible inside ``json.loads``; the UI stays responsive) or refused
with a clear sentence when over 512 MB (``tui.core.formats.base.DOCUMENT_LIMIT``).  One huge line
inside a JSONL log is read only when asked for, and a line over :data:`RECORD_LIMIT` becomes a
:class:`LoadIssue` instead of being read.
"""

from __future__ import annotations

import bisect
import os
import threading
import zlib
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

from tui.core.formats.anthropic import to_exchange
from tui.core.formats.base import DOCUMENT_LIMIT, JSON_ERRORS, Format, Sniff, json_problem, parse_json
from tui.core.formats.reader import LoadError, Opened, open_bytes
from tui.core.model import Exchange, LoadIssue, Source
from tui.core.redact import redact_headers

__all__ = ["LINE_FORMATS", "LINE_PARSERS", "LogIndex", "NotIndexable", "Progress", "STEP"]

STEP = 8 << 20
"""Bytes read per scan step (plain files): the unit of progress and of cancellation."""
IN_CHUNK = 256 << 10
"""Compressed bytes fed to the decompressor at a time (gzip)."""
OUT_CHUNK = 8 << 20
"""Largest decompressed piece produced at once (bounds memory on highly compressed data)."""
CHECKPOINT_SPACING = 16 << 20
"""Decompressed bytes between two gzip checkpoints: the most a random access re-inflates."""
RECORD_LIMIT = DOCUMENT_LIMIT
"""A line longer than this is not read (a LoadIssue says why), like a document over the limit."""
_READ_BLOCK = 1 << 20
_BOM = b"\xef\xbb\xbf"
_WS = b" \t\r\n\x0b\x0c"  # what bytes.strip() strips: a line of only these is blank

LineParser = Callable[[Any, Source], Exchange]
"""Turns one parsed JSON line into an Exchange; raises ``ValueError`` (``NotARecord``) otherwise."""

LINE_PARSERS: dict[str, LineParser] = {"anthropic-jsonl": to_exchange}
"""Formats whose lines are parsed directly (the same function as their streaming reader)."""

LINE_FORMATS: frozenset[str] = frozenset({
    "claude-trace", "openai-jsonl", "litellm", "anthropic-batch", "bedrock-invocation-log",
})
"""Formats whose reader turns each line into an exchange independently of the other lines (checked
in their modules: no state carried between lines), so a line read alone -- handed to the format's
own reader as a one-line file -- loads exactly as it does inside the file.  Not here, hence
streamed by ``open_log``: ``claude-code`` (assistant lines merged by ``message.id``, the
``parentUuid`` tree), ``claude-code-stream-json`` (one session per stream), ``langfuse`` (records
numbered across the file)."""


class NotIndexable(Exception):
    """The file is readable but not line-per-exchange JSONL; ``str(exc)`` says why in one sentence.

    The caller falls back to :func:`tui.core.formats.open_log`, which streams any format.
    """


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a scan got.  For gzip both byte counts are *compressed* bytes (the file on disk),
    so the fraction is meaningful before the decompressed size is known."""

    scanned_bytes: int
    total_bytes: int
    records: int
    done: bool

    @property
    def fraction(self) -> float:
        if self.done or self.total_bytes <= 0:
            return 1.0
        return min(1.0, self.scanned_bytes / self.total_bytes)


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class _LineSniff(Sniff):
    """A :class:`Sniff` that never reads a JSONL file whole.

    When the first line is a complete JSON value and more content follows (``is_jsonl``), the
    file cannot be one JSON document, so the whole-document parse a single-document detector may
    ask for is answered at once instead of reading up to 512 MB.
    """

    @cached_property
    def _document(self) -> tuple[Any, BaseException | None]:
        if self.is_jsonl:
            return None, ValueError("JSONL: more content follows the first JSON value")
        return Sniff._document.func(self)  # type: ignore[attr-defined]


class _FollowSniff(_LineSniff):
    """Following a growing log: one complete object line (its newline written) is the start of a
    JSONL log, not a single document — a proxy's log holds one line after its first call."""

    @cached_property
    def is_jsonl(self) -> bool:
        if Sniff.is_jsonl.func(self):  # type: ignore[attr-defined]
            return True
        head = self.opened.head
        return (head.lstrip().startswith(b"{") and head.rstrip(b" \t").endswith(b"\n")
                and len(self.first_lines) == 1 and any(isinstance(r, dict) for r in self.first_records))


def _looks_like_jsonl(sniff: Sniff) -> bool:
    """JSONL, possibly with a broken first line: an object line among the first lines."""
    if sniff.is_jsonl:
        return True
    return (sniff.opened.head.lstrip().startswith(b"{") and len(sniff.first_lines) > 1
            and any(isinstance(r, dict) for r in sniff.first_records))


# -- gzip: a resumable inflater ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Checkpoint:
    out_pos: int
    """Decompressed offset the next output byte has."""
    comp_pos: int
    """Compressed offset the next input byte is read from."""
    state: Any
    """A ``zlib.Decompress`` copy, positioned at (comp_pos, out_pos); copied again before use."""


class _Inflater:
    """Decompresses a (multi-member) gzip file from a checkpoint, in bounded pieces."""

    def __init__(self, f: BinaryIO, cp: _Checkpoint) -> None:
        self.f = f
        self.d = cp.state.copy()
        self.comp_pos = cp.comp_pos
        self.out_pos = cp.out_pos
        f.seek(cp.comp_pos)
        self.truncated = False
        self.trailing = False
        self._member_done = False
        self.damage: zlib.error | None = None

    def _salvage(self, data: bytes, exc: zlib.error) -> bytes:
        """What inflates before the damage in ``data`` (fed in small pieces); the next read()
        raises the error."""
        self.damage = exc
        out: list[bytes] = []
        for i in range(0, len(data), 512):
            try:
                out.append(self.d.decompress(data[i:i + 512]))
            except zlib.error:
                break
        return b"".join(out)

    def read(self) -> bytes:
        """The next decompressed piece (at most OUT_CHUNK bytes); ``b""`` at the end.

        Raises ``zlib.error`` once the data is damaged, after returning what came before it.
        """
        while True:
            if self.damage is not None:
                raise self.damage
            if self.d.unconsumed_tail:
                out = self.d.decompress(self.d.unconsumed_tail, OUT_CHUNK)
            elif self.d.eof:
                rest = b"" if self._member_done else self.d.unused_data
                self._member_done = True
                while len(rest.lstrip(b"\x00")) < 2:  # gzip allows zero padding between members
                    more = self.f.read(IN_CHUNK)
                    self.comp_pos += len(more)
                    if not more:
                        if rest.lstrip(b"\x00"):
                            self.trailing = True
                        return b""
                    rest = rest.lstrip(b"\x00") + more
                rest = rest.lstrip(b"\x00")
                if not rest.startswith(b"\x1f\x8b"):
                    self.trailing = True
                    return b""
                self.d = zlib.decompressobj(31)
                self._member_done = False
                out = self.d.decompress(rest, OUT_CHUNK)
            else:
                data = self.f.read(IN_CHUNK)
                if not data:
                    self.truncated = True
                    return b""
                self.comp_pos += len(data)
                saved = self.d.copy()  # ~40 KB, so damaged input can be re-fed piece by piece
                try:
                    out = self.d.decompress(data, OUT_CHUNK)
                except zlib.error as exc:
                    self.d = saved
                    out = self._salvage(data, exc)
            if out:
                self.out_pos += len(out)
                return out

    def checkpoint(self) -> _Checkpoint | None:
        """A resumable state, when every byte read so far has been inflated (else None)."""
        if self.d.unconsumed_tail or self.d.eof:
            return None
        return _Checkpoint(self.out_pos, self.comp_pos, self.d.copy())

    def close(self) -> None:
        self.f.close()


_START = _Checkpoint(0, 0, zlib.decompressobj(31))


# -- the index -----------------------------------------------------------------------------------

class LogIndex:
    """Offsets of the records of one JSONL log, filled by :meth:`scan`, read by :meth:`record`.

    Thread use: one thread runs :meth:`scan` (or :meth:`build`); any thread may read ``len()``,
    :attr:`scanned_bytes`, :meth:`record` for ``i < len(index)``, and call :meth:`cancel`.
    Record ``i`` is the i-th non-empty line (0-based), as in the streaming JSONL reader.
    """

    def __init__(self, opened: Opened, fmt: Format, parse: LineParser | None) -> None:
        self.opened = opened
        self.name = opened.name
        self.compressed = opened.compressed
        self.format = fmt.name + (".gz" if opened.compressed else "")
        self._fmt = fmt
        self._parse = parse
        self.total_bytes = opened.path.stat().st_size
        self.scanned_bytes = 0
        self.done = False
        self.cancelled = False
        self.problem: str | None = None
        """Why the scan stopped before the end of the data (a damaged gzip stream), if it did."""
        self.follow = False
        """Set before scanning to follow a growing file (:meth:`grow`): a last line without its
        newline is then a record still being written, indexed once its newline arrives."""
        self._cancel = threading.Event()
        self._offsets = array("Q")
        self._lines: array[int] | None = None
        # line state carried across steps
        self._pos = 0  # next byte (plain: file offset; gzip: decompressed offset) to scan
        self._lineno = 0  # lines ended so far
        self._cur_start = 0
        self._cur_blank = True
        # plain files: one descriptor for positional reads, another for the sequential scan
        self._fd: int | None = None
        self._scan_file: BinaryIO | None = None
        # gzip
        self._inflater: _Inflater | None = None
        self._checkpoints: list[_Checkpoint] = [_START]
        self._cp_pos: list[int] = [0]
        self._cursor: tuple[_Inflater, bytes, int] | None = None
        self._lock = threading.Lock()

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, follow: bool = False) -> LogIndex:
        """Detect the format of ``path`` and prepare an (empty) index; nothing is scanned yet.

        Raises :class:`LoadError` when the file cannot be read at all and :class:`NotIndexable`
        when it is not line-per-exchange JSONL (read it with ``open_log`` then).
        """
        from tui.core.formats.registry import detect

        opened = open_bytes(Path(path))
        sniff = _FollowSniff(opened) if follow else _LineSniff(opened)
        if not _looks_like_jsonl(sniff):
            raise NotIndexable(f"{opened.name}: not JSONL (a single JSON document or a text log), "
                               f"so its format's loader reads it instead of the line index")
        fmt = detect(sniff)
        parse = LINE_PARSERS.get(fmt.name)
        if parse is None and fmt.name not in LINE_FORMATS:
            raise NotIndexable(f"{opened.name}: {fmt.name} lines are not one exchange each, so the "
                               f"format's loader reads them in order instead of the line index")
        index = cls(opened, fmt, parse)
        index.follow = follow
        index._start()
        return index

    def _start(self) -> None:
        """Open the scan stream (and, for plain files, the descriptor for positional reads)."""
        path = self.opened.path
        if self.compressed:
            self._inflater = _Inflater(path.open("rb"), _START)
            return
        self._scan_file = path.open("rb", buffering=0)
        if self._scan_file.read(3) == _BOM:
            self._pos = self._cur_start = 3
        self._scan_file.seek(self._pos)
        self._fd = os.open(path, os.O_RDONLY)

    def close(self) -> None:
        """Release the file handles (the offsets stay readable, records do not)."""
        self._cancel.set()
        with self._lock:
            if self._scan_file is not None:
                self._scan_file.close()
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            if self._inflater is not None:
                self._inflater.close()
            if self._cursor is not None:
                self._cursor[0].close()
                self._cursor = None

    def __enter__(self) -> LogIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- scanning --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._offsets)

    @property
    def progress(self) -> Progress:
        return Progress(self.scanned_bytes, self.total_bytes, len(self._offsets), self.done)

    def cancel(self) -> None:
        """Stop the scan after the current step (safe from any thread); indexed records stay."""
        self._cancel.set()

    def scan(self) -> Iterator[Progress]:
        """Index the file a step at a time, yielding progress after each step.

        Stops early, with :attr:`cancelled` set, when :meth:`cancel` is called.  Calling it again
        after it finished yields nothing.
        """
        while not self.done:
            if self._cancel.is_set():
                self.cancelled = True
                return
            self._step()
            yield self.progress

    def build(self, on_progress: Callable[[Progress], None] | None = None) -> LogIndex:
        """Scan to the end (or until cancelled); ``on_progress`` is called after every step."""
        for p in self.scan():
            if on_progress is not None:
                on_progress(p)
        return self

    def _step(self) -> None:
        if self.compressed:
            self._step_gzip()
        else:
            self._step_plain()

    def _step_plain(self) -> None:
        assert self._scan_file is not None
        buf = bytearray(STEP)
        n = self._scan_file.readinto(buf) or 0
        if n == 0:
            self._finish()
            return
        self._feed(buf, 0, n, self._pos)
        self._pos += n
        self.scanned_bytes = self._pos
        if n < STEP:  # a short read of a regular file: the end (saves one more step)
            self._finish()

    def _step_gzip(self) -> None:
        inf = self._inflater
        assert inf is not None
        target = inf.out_pos + STEP
        while inf.out_pos < target:
            try:
                chunk = inf.read()
            except zlib.error as exc:
                self.problem = (f"{self.name}: the gzip data is damaged after "
                                f"{inf.out_pos / 1e6:.1f} MB of text ({exc}); the records before "
                                f"that point are indexed")
                self._finish()
                return
            if not chunk:
                if inf.truncated:
                    self.problem = (f"{self.name}: the gzip stream ends early (a cut download?); "
                                    f"the last record may be incomplete")
                elif inf.trailing:
                    self.problem = f"{self.name}: data after the end of the gzip stream was ignored"
                self._finish()
                return
            base = inf.out_pos - len(chunk)
            start = 3 if base == 0 and chunk.startswith(_BOM) else 0
            if start:
                self._cur_start = 3
            self._feed(chunk, start, len(chunk), base)
            self.scanned_bytes = inf.comp_pos
            if inf.out_pos - self._cp_pos[-1] >= CHECKPOINT_SPACING:
                cp = inf.checkpoint()
                if cp is not None:
                    self._checkpoints.append(cp)
                    self._cp_pos.append(cp.out_pos)
        self._pos = inf.out_pos

    def _feed(self, buf: bytes | bytearray, pos: int, n: int, base: int) -> None:
        """Record every line that ends in ``buf[pos:n]``; ``base`` is the offset of ``buf[0]``.

        The hot loop of the scan: one ``find`` per line and a look at the line's first byte (a
        JSONL record starts with ``{``); only a line starting with whitespace is stripped to see
        whether it is blank.  Blank lines are not records (as in the streaming reader).
        """
        find = buf.find
        offsets = self._offsets
        append = offsets.append
        lines = self._lines
        blank = self._cur_blank
        start = self._cur_start
        lineno = self._lineno
        ws = _WS
        # the line in progress, which may have started in an earlier step
        nl = find(b"\n", pos, n)
        end = n if nl < 0 else nl
        if blank and pos < end and (buf[pos] not in ws or bytes(buf[pos:end]).strip()):
            blank = False
        if nl < 0:
            self._cur_blank = blank
            return
        while True:  # a line ends at nl
            lineno += 1
            if not blank:
                append(start)
                if lines is not None:
                    lines.append(lineno)
            elif lines is None:
                # the first blank line: from now on line numbers differ from record numbers
                lines = self._lines = array("Q", range(1, len(offsets) + 1))
            pos = nl + 1
            start = base + pos
            nl = find(b"\n", pos, n)
            if nl < 0:
                blank = pos >= n or (buf[pos] in ws and not bytes(buf[pos:n]).strip())
                break
            blank = pos == nl or (buf[pos] in ws and not bytes(buf[pos:nl]).strip())
        self._cur_blank, self._cur_start, self._lineno = blank, start, lineno

    def grow(self) -> bool:
        """Follow mode: index what was appended since the scan ended; True when records were
        added.  A plain file only (a gzip stream is not appended to); a file that shrank was
        replaced or truncated, which :attr:`problem` then says, and nothing more is read."""
        if self.compressed or self._scan_file is None or not self.done or self._cancel.is_set():
            return False
        size = os.fstat(self._scan_file.fileno()).st_size
        if size < self._pos:
            self.problem = f"{self.name}: the file shrank while it was followed (truncated or replaced)"
            return False
        if size == self._pos:
            return False
        before = len(self._offsets)
        self.total_bytes = size
        self.done = False
        for _ in self.scan():
            pass
        return len(self._offsets) > before

    def _finish(self) -> None:
        """End of data: a last line without a newline is a record too (when following, one still
        being written: it is indexed when its newline comes)."""
        if self.follow:
            self.done = True
            return
        if not self._cur_blank:
            self._offsets.append(self._cur_start)
            if self._lines is not None:
                self._lines.append(self._lineno + 1)
            self._cur_blank = True
        self.done = True
        self.scanned_bytes = self.total_bytes
        if self._scan_file is not None:
            self._scan_file.close()
            self._scan_file = None
        if self._inflater is not None:
            self._inflater.close()
            self._inflater = None

    # -- reading ---------------------------------------------------------------------------
    def offset(self, i: int) -> int:
        """Byte offset of record ``i`` (in the decompressed stream for gzip)."""
        return self._offsets[i]

    def line(self, i: int) -> int:
        """1-based line number of record ``i``."""
        return self._lines[i] if self._lines is not None else i + 1

    def raw(self, i: int) -> bytes:
        """The bytes of record ``i`` without its line break; IndexError past what is indexed."""
        if not 0 <= i < len(self._offsets):
            raise IndexError(f"record {i} is not indexed (0..{len(self._offsets) - 1})")
        off = self._offsets[i]
        end = self._offsets[i + 1] if i + 1 < len(self._offsets) else None
        if self.compressed:
            return self._raw_gzip(off)
        return self._raw_plain(off, end)

    def _raw_plain(self, off: int, end: int | None) -> bytes:
        fd = self._fd
        if fd is None:
            raise ValueError(f"{self.name}: the index is closed")
        if end is not None:
            if end - off > RECORD_LIMIT:
                raise _TooLarge(end - off)
            data = os.pread(fd, end - off, off)
            nl = data.find(b"\n")
            return data if nl < 0 else data[:nl]
        parts: list[bytes] = []
        size = 0
        while True:
            block = os.pread(fd, _READ_BLOCK, off + size)
            nl = block.find(b"\n")
            if nl >= 0:
                block = block[:nl]
            parts.append(block)
            size += len(block)
            if size > RECORD_LIMIT:
                raise _TooLarge(size)
            if nl >= 0 or not block:
                return b"".join(parts)

    def _raw_gzip(self, off: int) -> bytes:
        with self._lock:
            cursor, self._cursor = self._cursor, None
            cp = self._checkpoints[bisect.bisect_right(self._cp_pos, off) - 1]
            if cursor is not None and cp.out_pos <= cursor[2] <= off:
                inf, buf, bpos = cursor
            else:
                if cursor is not None:
                    cursor[0].close()
                inf, buf, bpos = _Inflater(self.opened.path.open("rb"), cp), b"", cp.out_pos
            try:
                while bpos + len(buf) <= off:
                    bpos += len(buf)
                    buf = inf.read()
                    if not buf:
                        inf.close()
                        return b""
                buf = buf[off - bpos:]
                parts: list[bytes] = []
                size = 0
                while True:
                    nl = buf.find(b"\n")
                    piece = buf if nl < 0 else buf[:nl]
                    parts.append(piece)
                    size += len(piece)
                    if size > RECORD_LIMIT:
                        inf.close()
                        raise _TooLarge(size)
                    if nl >= 0:
                        self._cursor = (inf, buf[nl + 1:], off + size + 1)
                        break
                    buf = inf.read()
                    if not buf:
                        inf.close()
                        break
                return b"".join(parts)
            except zlib.error:
                inf.close()
                raise

    def record(self, i: int) -> Exchange | LoadIssue:
        """Record ``i`` parsed into an Exchange with its source (file, record, line, offset), or a
        LoadIssue saying in one line why it cannot be (never an exception for bad data)."""
        lineno = self.line(i)
        try:
            raw = self.raw(i)
        except _TooLarge as exc:
            return LoadIssue(self.name, f"the record is over {exc.size >> 20} MB; records larger than "
                             f"{RECORD_LIMIT >> 20} MB are not read", record=i, line=lineno)
        except (OSError, zlib.error) as exc:
            return LoadIssue(self.name, f"cannot read the record: {exc}", record=i, line=lineno)
        source = Source(self.name, i, lineno, self._offsets[i])
        if self._parse is None:
            return self._reread(raw, source)
        try:
            value = parse_json(raw)
        except JSON_ERRORS as exc:
            return LoadIssue(self.name, json_problem(exc), record=i, line=lineno)
        try:
            ex = self._parse(value, source)
        except ValueError as exc:  # NotARecord and kin: valid JSON, not an exchange
            return LoadIssue(self.name, str(exc), record=i, line=lineno)
        ex.headers = redact_headers(ex.headers)
        return ex

    def _reread(self, raw: bytes, source: Source) -> Exchange | LoadIssue:
        """A LINE_FORMATS line read by its own format reader, as a one-line file."""
        import io

        data = raw + b"\n"
        opened = Opened(self.opened.path, self.name, data[:64 * 1024], False, lambda: io.BytesIO(data))
        got: list[Exchange | LoadIssue] = []
        try:
            got = list(self._fmt.read(Sniff(opened)))
        except LoadError as exc:
            return LoadIssue(self.name, str(exc).removeprefix(f"{self.name}: "),
                             record=source.record, line=source.line)
        exchanges = [g for g in got if isinstance(g, Exchange)]
        if exchanges:
            ex = exchanges[0]
            ex.source = replace(ex.source, file=self.name, record=source.record, line=source.line,
                                offset=source.offset)
            ex.headers = redact_headers(ex.headers)
            return ex
        issue = next((g for g in got if isinstance(g, LoadIssue)), None)
        if issue is not None and issue.line is not None:  # about the line itself
            message = issue.message
        else:  # nothing, or a note about the (one-line) file: e.g. a non-Messages call skipped
            message = f"no {self._fmt.name} exchange on this line" + (f": {issue.message}" if issue else "")
        return LoadIssue(self.name, message, record=source.record, line=source.line,
                         path=issue.path if issue else None)

    def records(self, start: int = 0, stop: int | None = None) -> Iterator[Exchange | LoadIssue]:
        """Records ``start`` .. ``stop`` (default: all indexed so far), parsed one at a time."""
        stop = len(self._offsets) if stop is None else min(stop, len(self._offsets))
        for i in range(start, stop):
            yield self.record(i)

