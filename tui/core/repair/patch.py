"""RFC 6902 JSON Patch, applied without mutating the input.

Small enough to own: we need exact error messages naming the failing op, and a guarantee that
the input document is never touched (the app keeps the original for diff and revert).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from tui.core.paths import from_pointer


class PatchError(ValueError):
    """An operation does not apply (missing path, failed ``test``, bad op)."""


def _parent(doc: Any, pointer: str) -> tuple[Any, str | int]:
    path = from_pointer(pointer)
    if not path:
        raise PatchError("cannot address the parent of the document root")
    cur = doc
    for p in path[:-1]:
        try:
            cur = cur[p] if isinstance(cur, list) else cur[str(p)]
        except (KeyError, IndexError, TypeError) as exc:
            raise PatchError(f"path {pointer} does not exist") from exc
    last = path[-1]
    if isinstance(cur, list):
        if last == "-":
            return cur, len(cur)
        if not isinstance(last, int):
            raise PatchError(f"path {pointer}: list index expected")
        return cur, last
    if isinstance(cur, dict):
        return cur, str(last)
    raise PatchError(f"path {pointer}: parent is not a container")


def _get(doc: Any, pointer: str) -> Any:
    if pointer == "":
        return doc
    parent, key = _parent(doc, pointer)
    try:
        return parent[key]
    except (KeyError, IndexError) as exc:
        raise PatchError(f"path {pointer} does not exist") from exc


def _add(doc: Any, pointer: str, value: Any) -> Any:
    if pointer == "":
        return value
    parent, key = _parent(doc, pointer)
    if isinstance(parent, list):
        assert isinstance(key, int)
        if not 0 <= key <= len(parent):
            raise PatchError(f"path {pointer}: index out of range")
        parent.insert(key, value)
    else:
        parent[key] = value
    return doc


def _remove(doc: Any, pointer: str) -> tuple[Any, Any]:
    parent, key = _parent(doc, pointer)
    try:
        value = parent[key]
        del parent[key]
    except (KeyError, IndexError) as exc:
        raise PatchError(f"path {pointer} does not exist") from exc
    return doc, value


def copy_json(value: Any) -> Any:
    """A deep copy of a JSON value (dicts, lists, scalars), without recursion: no nesting depth
    makes it fail, unlike ``copy.deepcopy``.  Dict subclasses (the loader's objects with duplicate
    keys) keep their class and attributes; other values are copied with ``copy.deepcopy``."""
    if not isinstance(value, (dict, list)):
        return value if isinstance(value, (str, int, float, bool, type(None))) else copy.deepcopy(value)

    def shell(v: Any) -> Any:
        if type(v) is dict:
            return {}
        if type(v) is list:
            return []
        out = copy.copy(v)  # a subclass: same class and attributes, emptied below
        out.clear()
        return out

    root = shell(value)
    stack: list[tuple[Any, Any]] = [(value, root)]
    while stack:
        src, dst = stack.pop()
        items = src.items() if isinstance(src, dict) else enumerate(src)
        for k, v in items:
            if isinstance(v, (dict, list)):
                new = shell(v)
                stack.append((v, new))
            elif isinstance(v, (str, int, float, bool, type(None))):
                new = v
            else:
                new = copy.deepcopy(v)
            if isinstance(dst, dict):
                dst[k] = new
            else:
                dst.append(new)
    return root


def apply_patch(doc: Any, ops: Iterable[dict[str, Any]]) -> Any:
    """Return a patched deep copy of ``doc``; raise :class:`PatchError` if any op fails."""
    out = copy_json(doc)
    for i, op in enumerate(ops):
        kind = op.get("op")
        path = op.get("path")
        if not isinstance(path, str):
            raise PatchError(f"op {i}: missing path")
        try:
            if kind == "add":
                out = _add(out, path, copy_json(op["value"]))
            elif kind == "remove":
                out, _ = _remove(out, path)
            elif kind == "replace":
                _get(out, path)
                if path == "":
                    out = copy_json(op["value"])
                else:
                    parent, key = _parent(out, path)
                    parent[key] = copy_json(op["value"])
            elif kind == "move":
                src = op["from"]
                if path.startswith(src + "/"):
                    raise PatchError(f"op {i}: cannot move {src} into itself")
                out, value = _remove(out, src)
                out = _add(out, path, value)
            elif kind == "copy":
                out = _add(out, path, copy_json(_get(out, op["from"])))
            elif kind == "test":
                if _get(out, path) != op["value"]:
                    raise PatchError(f"op {i}: test failed at {path}")
            else:
                raise PatchError(f"op {i}: unknown op {kind!r}")
        except KeyError as exc:
            raise PatchError(f"op {i} ({kind}): missing field {exc}") from exc
    return out
