"""Structural diff of two request bodies: what a repair inserted, removed, moved or changed.

A text diff of two JSON dumps is useless for conversations: inserting one message shifts every
later index, and moving a ``tool_result`` looks like a delete plus an unrelated insert.  Here list
items are matched by *identity* first — a ``tool_use`` by its ``id``, a ``tool_result`` by its
``tool_use_id``, a text block by its text, a tool definition by its name, anything else by a stable
hash of its content — aligned with a longest-common-subsequence pass, and only then compared.  So:

* a block moved from ``messages.4.content.1`` to ``messages.4.content.0`` is ONE ``moved`` change;
* a message inserted at index 3 is ONE ``added`` change, later messages are not "changed";
* a ``tool_result`` moved into another message (or a ``role: "system"`` message whose text went to
  the top-level ``system``) is reported as ``moved`` too;
* a change inside a matched block (``input`` parsed from a string) is reported at the deepest
  path where the values differ.

:func:`patch_from_diff` turns the same alignment into RFC 6902 operations (``move`` for moved list
items), and :func:`render_diff` renders changes for the terminal with rich.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Any, Literal

from rich.console import RenderableType
from rich.text import Text

from tui.core.display import escape_invisible_json
from tui.core.paths import Path, to_dotted
from tui.core.redact import redact_and_shorten, redact_text
from tui.core.repair import ops

ChangeKind = Literal["added", "removed", "changed", "moved"]


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two payloads.

    ``path`` is where the thing is *now* (for ``removed``: where it was).  ``old_path`` is where it
    was in ``before`` (``None`` for ``added``); it differs from ``path`` for moves and whenever an
    earlier insertion or removal shifted the indexes.
    """

    kind: ChangeKind
    path: Path
    old_path: Path | None
    before: Any
    after: Any
    summary: str


# -- identity and equality ---------------------------------------------------------------------------


def _canonical(value: Any) -> str:
    """A stable text for hashing: key order does not matter, ``1``, ``1.0`` and ``true`` differ."""
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                          default=repr)
    except (TypeError, ValueError):
        return repr(value)


def _same(a: Any, b: Any) -> bool:
    """JSON equality: unlike ``==``, ``True`` is not ``1`` and ``1`` is not ``1.0``.

    Iterative, so comparing deeply nested values costs no Python stack.
    """
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, dict):
            if x.keys() != y.keys():
                return False
            stack.extend((x[k], y[k]) for k in x)
        elif isinstance(x, list):
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y))
        elif isinstance(x, float) and math.isnan(x):
            if not math.isnan(y):
                return False
        elif x != y:
            return False
    return True


_USE_TYPES = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})

Identity = tuple[str, ...]


def _identity(item: Any, list_path: Path) -> Identity:
    """What makes two list items "the same thing" even when their contents differ."""
    if isinstance(item, dict):
        kind = item.get("type")
        if isinstance(kind, str) and kind in _USE_TYPES and isinstance(item.get("id"), str):
            return ("use", item["id"])
        if isinstance(item.get("tool_use_id"), str):
            return ("result", str(kind), item["tool_use_id"])
        if kind == "text" and isinstance(item.get("text"), str):
            return ("text", item["text"])
        if kind == "thinking" and isinstance(item.get("signature"), str) and item["signature"]:
            return ("thinking", item["signature"])
        if list_path == ("tools",) and isinstance(item.get("name"), str):
            return ("tool", item["name"])
    return ("hash", _canonical(item))


def _kind(item: Any) -> tuple[str, ...]:
    """Items of the same kind may be paired as "changed" when no identity matches them."""
    if isinstance(item, dict):
        role, typ = item.get("role"), item.get("type")
        return ("dict", str(role) if role is not None else "", str(typ) if typ is not None else "")
    if isinstance(item, bool):
        return ("bool",)
    if isinstance(item, (int, float)):
        return ("number",)
    return (type(item).__name__,)


# -- list alignment ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Pair:
    i: int | None  # index in before (None: added)
    j: int | None  # index in after (None: removed)
    how: str  # "same" | "moved" | "paired" | "added" | "removed"


def _align(before: Sequence[Any], after: Sequence[Any], list_path: Path) -> list[_Pair]:
    """Match the items of two lists; every index of each list appears in exactly one pair.

    1. common prefix and suffix (the usual case: a repair touches one spot);
    2. a longest-matching-subsequence over identities for the middle;
    3. unmatched items with equal identities, out of order: moves;
    4. within each gap between matches, items of the same kind, in order: changed in place;
    5. the rest: removed / added.
    """
    kb = [_identity(x, list_path) for x in before]
    ka = [_identity(x, list_path) for x in after]
    pairs: list[_Pair] = []
    matched_b: dict[int, int] = {}
    # 1. common prefix and suffix: cheap, and usually nearly everything.
    head = 0
    while head < min(len(kb), len(ka)) and kb[head] == ka[head]:
        matched_b[head] = head
        head += 1
    tail = 0
    while (tail < min(len(kb), len(ka)) - head
           and kb[len(kb) - 1 - tail] == ka[len(ka) - 1 - tail]):
        matched_b[len(kb) - 1 - tail] = len(ka) - 1 - tail
        tail += 1
    # 2. the middle.
    mid_b, mid_a = kb[head:len(kb) - tail], ka[head:len(ka) - tail]
    if mid_b and mid_a:
        for block in SequenceMatcher(None, mid_b, mid_a, autojunk=False).get_matching_blocks():
            for d in range(block.size):
                matched_b[head + block.a + d] = head + block.b + d
    matched_a = {j: i for i, j in matched_b.items()}
    anchors = sorted(matched_b.items())
    pairs.extend(_Pair(i, j, "same") for i, j in anchors)

    # 3. moves: same identity on both sides, not in the common subsequence.
    taken_b: set[int] = set()
    taken_a: set[int] = set()
    by_key: dict[Identity, list[int]] = {}
    for i in range(len(before)):
        if i not in matched_b:
            by_key.setdefault(kb[i], []).append(i)
    for j in range(len(after)):
        cands = by_key.get(ka[j]) if j not in matched_a else None
        if cands:
            i = cands.pop(0)
            taken_b.add(i)
            taken_a.add(j)
            pairs.append(_Pair(i, j, "moved"))

    # 4. gap pairing between consecutive anchors.
    bounds = [(-1, -1), *anchors, (len(before), len(after))]
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:]):
        gb = [i for i in range(i0 + 1, i1) if i not in taken_b]
        ga = [j for j in range(j0 + 1, j1) if j not in taken_a]
        start = 0
        for i in gb:
            for pos in range(start, len(ga)):
                if _kind(before[i]) == _kind(after[ga[pos]]):
                    pairs.append(_Pair(i, ga[pos], "paired"))
                    taken_b.add(i)
                    taken_a.add(ga[pos])
                    start = pos + 1
                    break
    # 5. the rest.
    pairs.extend(_Pair(i, None, "removed") for i in range(len(before))
                 if i not in matched_b and i not in taken_b)
    pairs.extend(_Pair(None, j, "added") for j in range(len(after))
                 if j not in matched_a and j not in taken_a)
    return pairs


def _ordered(pairs: list[_Pair], n_after: int) -> list[_Pair]:
    """Document order: by position in ``after``; a removed item sits where it used to be."""
    anchors = sorted((p.i, p.j) for p in pairs if p.how == "same" and p.i is not None
                     and p.j is not None)

    def where(p: _Pair) -> tuple[int, int]:
        if p.j is not None:
            return (p.j, 1)
        nxt = next((j for i, j in anchors if p.i is not None and i > p.i), n_after)
        return (nxt, 0)

    return sorted(pairs, key=where)


# -- describing values ----------------------------------------------------------------------------------


_KEY_WINDOW = 512
"""Characters read past a preview's width before masking: longer than any recognised key."""


def _shrink(value: Any, width: int, depth: int = 0) -> Any:
    """A small stand-in for previews, so a 5 MB image is never serialized to show 60 characters."""
    if isinstance(value, str):
        # Mask first, then cut: a key cut short is no longer recognised as one (a window past
        # ``width`` holds any key that starts inside the preview).
        masked = redact_text(value[: width + _KEY_WINDOW])
        return masked if len(masked) <= width else masked[:width]
    if isinstance(value, (list, dict)) and depth >= 6:
        return "…"
    if isinstance(value, list):
        return [_shrink(v, width, depth + 1) for v in value[:8]]
    if isinstance(value, dict):
        return {redact_text(k) if isinstance(k, str) else k: _shrink(v, width, depth + 1)
                for k, v in list(value.items())[:8]}
    return value


def preview(value: Any, width: int = 60) -> str:
    """One line, at most ``width`` characters, JSON-spelled (newlines and escapes stay escaped)."""
    text = escape_invisible_json(json.dumps(_shrink(value, width), ensure_ascii=False, separators=(", ", ": "),
                                            default=repr))  # lone surrogates and terminal controls as \uXXXX
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def _where(path: Path) -> str:
    return to_dotted(path) or "(root)"


def describe(value: Any) -> str:
    """A short noun phrase for a message, block or tool: what a user would call it."""
    if isinstance(value, dict):
        role, typ = value.get("role"), value.get("type")
        if isinstance(role, str) and "content" in value:
            content = value.get("content")
            n = ""
            if isinstance(content, list):
                n = f", {len(content)} block" + ("" if len(content) == 1 else "s")
            return f"{role} message{n}"
        if isinstance(typ, str):
            bits = [f"{typ} block"]
            for key in ("name", "id", "tool_use_id"):
                if isinstance(value.get(key), str):
                    bits.append(redact_and_shorten(value[key], 60))
            if typ == "text" and isinstance(value.get("text"), str):
                bits.append(preview(value["text"], 30))
            return " ".join(bits)
        if isinstance(value.get("name"), str):
            return f"tool {value['name']}"
    return preview(value, 40)


def _summary(kind: ChangeKind, path: Path, old: Path | None, before: Any, after: Any) -> str:
    if kind == "added":
        return f"added {describe(after)} at {_where(path)}"
    if kind == "removed":
        return f"removed {describe(before)} from {_where(path)}"
    if kind == "moved":
        return f"moved {describe(after)} from {_where(old or ())} to {_where(path)}"
    return f"changed {_where(path)}: {preview(before, 40)} → {preview(after, 40)}"


def _change(kind: ChangeKind, path: Path, old: Path | None, before: Any, after: Any) -> Change:
    return Change(kind, path, old, before, after, _summary(kind, path, old, before, after))


# -- diff -----------------------------------------------------------------------------------------------


def _diff(b: Any, a: Any, bpath: Path, apath: Path, out: list[Change]) -> None:
    if _same(b, a):
        return
    if isinstance(b, dict) and isinstance(a, dict):
        for k in b:
            if k not in a:
                out.append(_change("removed", (*bpath, k), (*bpath, k), b[k], None))
            else:
                _diff(b[k], a[k], (*bpath, k), (*apath, k), out)
        for k in a:
            if k not in b:
                out.append(_change("added", (*apath, k), None, None, a[k]))
        return
    if isinstance(b, list) and isinstance(a, list):
        for p in _ordered(_align(b, a, apath), len(a)):
            if p.i is None and p.j is not None:
                out.append(_change("added", (*apath, p.j), None, None, a[p.j]))
            elif p.j is None and p.i is not None:
                out.append(_change("removed", (*bpath, p.i), (*bpath, p.i), b[p.i], None))
            elif p.i is not None and p.j is not None:
                if p.how == "moved":
                    out.append(_change("moved", (*apath, p.j), (*bpath, p.i), b[p.i], a[p.j]))
                _diff(b[p.i], a[p.j], (*bpath, p.i), (*apath, p.j), out)
        return
    out.append(_change("changed", apath, bpath, b, a))


# Cross-container moves: a block that left one message and arrived in another.

@dataclass(frozen=True, slots=True)
class _Unit:
    change: int  # index of the change in the list
    key: Identity
    path: Path
    value: Any
    whole: bool  # the unit is the change's whole value (not a block inside a message)


_MIN_TEXT = 16  # shorter strings are too common to be evidence of a move


def _units(index: int, value: Any, path: Path) -> Iterator[_Unit]:
    if isinstance(value, str):
        if len(value) >= _MIN_TEXT:
            yield _Unit(index, ("text", value), path, value, True)
        return
    if not isinstance(value, dict):
        return
    yield _Unit(index, _identity(value, path[:-1]), path, value, True)
    if isinstance(value.get("role"), str) and "content" in value:
        content = value["content"]
        if isinstance(content, str) and len(content) >= _MIN_TEXT:
            yield _Unit(index, ("text", content), (*path, "content"), content, False)
        elif isinstance(content, list):
            for k, block in enumerate(content):
                if isinstance(block, dict):
                    yield _Unit(index, _identity(block, ()), (*path, "content", k), block, False)


def _cross_moves(changes: list[Change]) -> list[Change]:
    removed: dict[Identity, list[_Unit]] = {}
    for n, c in enumerate(changes):
        if c.kind == "removed":
            for u in _units(n, c.before, c.path):
                removed.setdefault(u.key, []).append(u)
    if not removed:
        return changes
    drop: set[int] = set()
    inserted: dict[int, list[Change]] = {}  # position → moved changes (and their nested diffs)
    notes: dict[int, int] = {}  # container change → how many of its parts moved
    used: set[tuple[int, Path]] = set()
    split: set[int] = set()  # changes some of whose parts already moved: they cannot move whole
    for n, c in enumerate(changes):
        if c.kind != "added":
            continue
        for u in _units(n, c.after, c.path):
            if n in drop:
                break
            cands = [r for r in removed.get(u.key, ())
                     if (r.change, r.path) not in used and r.change not in drop
                     and (r.whole or u.whole) and not (r.whole and r.change in split)]
            if not cands:
                continue
            r = cands[0]
            used.add((r.change, r.path))
            moved: list[Change] = [_change("moved", u.path, r.path, r.value, u.value)]
            _diff(r.value, u.value, r.path, u.path, moved)
            inserted.setdefault(n, []).extend(moved)
            for side, unit in ((r.change, r), (n, u)):
                if unit.whole:
                    drop.add(side)
                else:
                    notes[side] = notes.get(side, 0) + 1
                    split.add(side)
            if u.whole:
                break
    out: list[Change] = []
    for n, c in enumerate(changes):
        if n not in drop:
            if n in notes:
                moved_note = f" ({notes[n]} of its parts moved, listed separately)"
                c = replace(c, summary=c.summary + moved_note)
            out.append(c)
        out.extend(inserted.get(n, ()))
    return out


def diff_payloads(before: Any, after: Any) -> list[Change]:
    """Every structural difference between two request bodies, in document order.

    Never raises on odd input: two values of different types at the root give one ``changed``.
    """
    changes: list[Change] = []
    try:
        _diff(before, after, (), (), changes)
    except RecursionError:
        # Hundreds of nesting levels: report the whole thing as one change rather than fail.
        if _same(before, after):
            return []
        return [Change("changed", (), (), before, after,
                       "changed (nested too deeply to compare in detail)")]
    return _cross_moves(changes)


# -- patch ---------------------------------------------------------------------------------------------


def _patch(b: Any, a: Any, path: Path, out: list[dict[str, Any]]) -> None:
    if _same(b, a):
        return
    if isinstance(b, dict) and isinstance(a, dict):
        for k in b:
            if k not in a:
                out.append(ops.remove((*path, k)))
        for k in a:
            if k not in b:
                out.append(ops.add((*path, k), a[k]))
        for k in b:
            if k in a:
                _patch(b[k], a[k], (*path, k), out)
        return
    if isinstance(b, list) and isinstance(a, list):
        pairs = _align(b, a, path)
        target: list[int | None] = [None] * len(a)
        for p in pairs:
            if p.j is not None:
                target[p.j] = p.i
        cur = list(range(len(b)))  # before-index of the item at each current position
        for i in sorted((p.i for p in pairs if p.j is None and p.i is not None), reverse=True):
            out.append(ops.remove((*path, i)))
            del cur[i]
        for j, t in enumerate(target):
            if t is None:
                out.append(ops.add((*path, j), a[j]))
                cur.insert(j, -1)
                continue
            k = cur.index(t, j)
            if k != j:
                out.append(ops.move((*path, k), (*path, j)))
                cur.insert(j, cur.pop(k))
        for j, t in enumerate(target):
            if t is not None:
                _patch(b[t], a[j], (*path, j), out)
        return
    out.append(ops.replace(path, a))


def patch_from_diff(before: Any, after: Any) -> list[dict[str, Any]]:
    """RFC 6902 operations that turn ``before`` into ``after`` (``apply_patch`` checks them).

    Moved list items become ``move`` operations; everything else is ``add``/``remove``/``replace``
    at the deepest differing path, so unknown fields outside the differences are never touched.
    A block that moved to *another* list is a ``remove`` plus an ``add`` here.
    """
    out: list[dict[str, Any]] = []
    try:
        _patch(before, after, (), out)
    except RecursionError:
        return [] if _same(before, after) else [ops.replace((), after)]
    return out


# -- rendering -----------------------------------------------------------------------------------------

_STYLE: dict[str, tuple[str, str]] = {
    "added": ("+", "green"),
    "removed": ("-", "red"),
    "changed": ("~", "yellow"),
    "moved": ("↪", "cyan"),
}


def render_diff(changes: Iterable[Change], *, width: int = 60) -> RenderableType:
    """One line per change: a coloured marker, the dotted path(s), a one-line preview.

    Built from :class:`rich.text.Text` pieces, never from markup strings, so payload text such as
    ``[bold]`` or ``[/]`` is shown as it is.
    """
    out = Text()
    items = list(changes)
    if not items:
        out.append("no changes", style="dim")
        return out
    for n, c in enumerate(items):
        marker, colour = _STYLE.get(c.kind, ("?", "white"))
        if n:
            out.append("\n")
        out.append(f"{marker} ", style=f"bold {colour}")
        if c.kind == "moved":
            out.append(_where(c.old_path or ()), style=colour)
            out.append(" → ", style="dim")
        out.append(_where(c.path), style=f"bold {colour}")
        out.append("  ")
        if c.kind == "changed":
            out.append(preview(c.before, width), style="red")
            out.append(" → ", style="dim")
            out.append(preview(c.after, width), style="green")
        elif c.kind == "added":
            out.append(describe(c.after), style="green")
        elif c.kind == "removed":
            out.append(describe(c.before), style="red")
        else:
            out.append(describe(c.after), style=colour)
    return out
