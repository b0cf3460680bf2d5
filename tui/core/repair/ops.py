"""Builders for JSON Patch operations from tuple paths, so rules never format pointers by hand."""

from __future__ import annotations

from typing import Any

from tui.core.findings import Applicability, Fix
from tui.core.paths import Path, to_pointer

Op = dict[str, Any]


def add(path: Path, value: Any) -> Op:
    return {"op": "add", "path": to_pointer(path), "value": value}


def remove(path: Path) -> Op:
    return {"op": "remove", "path": to_pointer(path)}


def replace(path: Path, value: Any) -> Op:
    return {"op": "replace", "path": to_pointer(path), "value": value}


def move(src: Path, dst: Path) -> Op:
    return {"op": "move", "from": to_pointer(src), "path": to_pointer(dst)}


def safe(title: str, *ops: Op) -> Fix:
    return Fix(title, tuple(ops), Applicability.SAFE)


def unsafe(title: str, *ops: Op) -> Fix:
    return Fix(title, tuple(ops), Applicability.UNSAFE)


def remove_many(paths: list[Path]) -> list[Op]:
    """Remove several list items; later indexes first so earlier removals do not shift them."""
    def key(p: Path) -> tuple[Any, ...]:
        return tuple((0, x, "") if isinstance(x, int) else (1, 0, x) for x in p)

    return [remove(p) for p in sorted(paths, key=key, reverse=True)]
