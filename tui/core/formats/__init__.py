"""Open any log the tool reads and stream its records as Exchanges (or LoadIssues).

Records are produced lazily: ``check`` on a 100 MB JSONL file holds one record at a time.  A bad
record becomes a :class:`LoadIssue` naming file, line and what was wrong, and the others still
load.  A file that cannot be read at all raises :class:`LoadError` (exit code 2 in the CLI).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.formats.reader import LoadError, Opened, open_bytes
from tui.core.model import Exchange, LoadIssue

__all__ = ["LoadError", "LogFile", "open_log", "load_all"]


@dataclass(slots=True)
class LogFile:
    """An opened log: its detected format and a one-shot stream of records."""

    path: str
    format: str
    records: Iterator[Exchange | LoadIssue]
    counts: dict[str, int] = field(default_factory=lambda: {"records": 0, "issues": 0})

    def __iter__(self) -> Iterator[Exchange | LoadIssue]:
        for r in self.records:
            self.counts["issues" if isinstance(r, LoadIssue) else "records"] += 1
            yield r


def open_log(path: str | Path) -> LogFile:
    """Detect the format of ``path`` and return its record stream; raise LoadError if unreadable."""
    from tui.core.formats.base import Sniff
    from tui.core.formats.registry import detect

    opened: Opened = open_bytes(Path(path))
    sniff = Sniff(opened)
    fmt = detect(sniff)
    name = fmt.name + (".gz" if opened.compressed else "")
    records = fmt.read(sniff)
    # Read the first record now: a file-level failure (a broken single document) raises here,
    # where callers expect LoadError, not in the middle of their loop.
    first = next(records, None)
    return LogFile(str(path), name, itertools.chain([first] if first is not None else [], records))


def load_all(path: str | Path) -> tuple[LogFile, list[Exchange], list[LoadIssue]]:
    """Read a whole file into memory (the app does this for small files)."""
    log = open_log(path)
    exchanges: list[Exchange] = []
    issues: list[LoadIssue] = []
    for r in log:
        (issues if isinstance(r, LoadIssue) else exchanges).append(r)
    return log, exchanges, issues
