"""Pieces every subcommand shares: exit codes, usage errors, path expansion, record selection."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from enum import IntEnum
from pathlib import Path

from tui.core.formats import LoadError, open_log
from tui.core.model import Exchange, LoadIssue

LOG_SUFFIXES = (".json", ".jsonl", ".ndjson", ".gz", ".har", ".log", ".txt", ".sse", ".yaml", ".yml", ".httprr")
"""What a directory argument is searched for (recursively): logs, and the cassettes test suites record."""


class Exit(IntEnum):
    """ruff-style exit codes, plus replay's (DESIGN.md §2, issue #4)."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    STRUCTURAL = 3
    TRANSIENT = 4
    CLIENT = 5


class UsageError(Exception):
    """Bad arguments or unreadable input: printed as one line, exit code 2."""


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1 (an attempt budget of 0 would never send anything)."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def csv(values: Sequence[str] | None) -> list[str]:
    return [v for item in values or () for v in item.split(",") if v.strip()]


def expand_paths(paths: Sequence[str]) -> Iterator[Path]:
    """Files as given; directories recursively, keeping files that look like logs, sorted."""
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.name.endswith(LOG_SUFFIXES))
            if not found:
                raise UsageError(f"{p}: no log files (*{', *'.join(LOG_SUFFIXES)}) in this directory")
            yield from found
        else:
            yield p


def load_requests(path: str, record: int | None) -> tuple[list[Exchange], list[LoadIssue]]:
    """The exchanges of ``path`` that carry a request (one, with ``record``); raise UsageError."""
    try:
        log = open_log(path)
    except LoadError as exc:
        raise UsageError(str(exc)) from exc
    exchanges: list[Exchange] = []
    issues: list[LoadIssue] = []
    for rec in log:
        if isinstance(rec, LoadIssue):
            if record is not None and rec.record == record:
                raise UsageError(str(rec))  # the record asked for is the one that cannot be read
            issues.append(rec)
        elif record is None or rec.source.record == record:
            exchanges.append(rec)
    if record is not None and not exchanges:
        raise UsageError(f"{path}: no record {record} (records are numbered from 0)")
    with_request = [e for e in exchanges if isinstance(e.request, dict)]
    if not with_request and not issues:
        cut = sum(1 for e in exchanges if e.extra.get("cut"))
        why = f"the logger printed {cut} of the {len(exchanges)} request bodies cut (see I004 in `check`)" if cut \
            else "the log holds only responses or errors"
        raise UsageError(f"{path}: no request body to fix ({why})")
    return with_request, issues


def write_output(dest: Path, data: str | bytes, *, force: bool) -> None:
    """Write an output file atomically; every way it can fail is one UsageError line (exit 2)
    naming the file, never an internal error: it exists (no ``--force``), it is a device, FIFO,
    directory or dangling link, its directory is missing or read-only, the disk is full."""
    from tui.core.export.atomic import NotARegularFile, write_atomic

    try:
        write_atomic(dest, data, overwrite=force)
    except FileExistsError:
        raise UsageError(f"{dest} exists; add --force to replace it") from None
    except NotARegularFile as exc:
        raise UsageError(f"{dest} {exc.strerror}") from None
    except OSError as exc:
        raise UsageError(write_error(dest, exc)) from None


def write_error(dest: Path, exc: OSError) -> str:
    """``dest: cannot write: <why>``, with the missing directory named when that is the cause."""
    if isinstance(exc, FileNotFoundError) and not dest.parent.exists():
        return f"{dest}: cannot write: the directory {dest.parent} does not exist"
    return f"{dest}: cannot write: {exc.strerror or exc}"
