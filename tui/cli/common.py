"""Pieces every subcommand shares: exit codes, usage errors, path expansion, record selection."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from enum import IntEnum
from pathlib import Path

LOG_SUFFIXES = (".json", ".jsonl", ".ndjson", ".gz", ".har", ".log", ".txt", ".sse")


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
