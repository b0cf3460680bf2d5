"""Open a file for the loaders: existence, gzip, binary sniffing — one clear error if unreadable."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

HEAD_BYTES = 64 * 1024

READABLE = ("an Anthropic request body, a Message response, an error envelope, a {request, response} "
            "pair, a JSON array or JSONL of those (optionally gzip-compressed)")


class LoadError(Exception):
    """The file as a whole cannot be read.  ``str(err)`` is one sentence naming the file."""


@dataclass(frozen=True, slots=True)
class Opened:
    path: Path
    name: str
    """What messages call the file (the path as the user typed it)."""
    head: bytes
    """The first bytes after decompression and without a UTF-8 BOM."""
    compressed: bool
    open: Callable[[], BinaryIO]
    """A fresh binary stream over the (decompressed) content, BOM skipped."""


def _skip_bom(stream: BinaryIO) -> BinaryIO:
    if stream.read(3) != b"\xef\xbb\xbf":
        stream.seek(0)
    return stream


def open_bytes(path: Path) -> Opened:
    name = str(path)
    if not path.exists():
        raise LoadError(f"{name}: no such file")
    if path.is_dir():
        raise LoadError(f"{name}: is a directory, expected a log file")
    try:
        with path.open("rb") as f:
            magic = f.read(2)
    except OSError as exc:
        raise LoadError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    compressed = magic == b"\x1f\x8b"

    def opener() -> BinaryIO:
        raw: BinaryIO = gzip.open(path, "rb") if compressed else path.open("rb")  # type: ignore[assignment]
        return _skip_bom(raw)

    try:
        with opener() as f:
            head = f.read(HEAD_BYTES)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise LoadError(f"{name}: the gzip data is damaged ({exc})") from exc
    if not head.strip():
        raise LoadError(f"{name}: the file is empty")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(f"{name}: the file is UTF-16 encoded; save it as UTF-8 "
                        f"(e.g. `iconv -f UTF-16 -t UTF-8`)")
    if b"\x00" in head and not _jsonl_with_a_bad_line(head):
        raise LoadError(f"{name}: looks like a binary file, not JSON; expected {READABLE}")
    return Opened(path, name, head, compressed, opener)


def _jsonl_with_a_bad_line(head: bytes) -> bool:
    """NUL bytes, but after a first line that is a whole JSON object: a JSONL log with a damaged
    line (the line reader reports it and keeps the others), not a binary file."""
    first, nl, _ = head.lstrip().partition(b"\n")
    if not nl or b"\x00" in first or not first.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        return False


def text_of(stream: BinaryIO) -> io.TextIOWrapper:
    return io.TextIOWrapper(stream, encoding="utf-8", errors="strict")
