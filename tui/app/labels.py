"""Labels for the conversation tree: role, block type, tool name, short id, a one-line preview,
the `tool_use ⇄ tool_result` link, and a severity marker.  Pure functions (tested without a UI).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text

from tui.core.display import one_line
from tui.core.findings import Finding, Severity

DocPath = tuple[str | int, ...]
"""A path in the tree's document: ``("request", "messages", 3)``, ``("response", "content", 0)``."""

MARK = {Severity.ERROR: ("✖", "bold red"), Severity.WARNING: ("▲", "yellow"), Severity.INFO: ("•", "cyan")}


def doc_path(f: Finding) -> DocPath:
    """Where a finding sits in the tree's document."""
    return ("request", *f.path) if f.scope == "request" else (f.scope, *f.path)


@dataclass(slots=True)
class Marks:
    """Worst severity and count of findings at each node and, summed, at each ancestor."""

    own: dict[DocPath, list[Finding]] = field(default_factory=dict)
    worst: dict[DocPath, Severity] = field(default_factory=dict)
    below: dict[DocPath, int] = field(default_factory=dict)

    @classmethod
    def of(cls, findings: list[Finding]) -> Marks:
        m = cls()
        for f in findings:
            p = doc_path(f)
            m.own.setdefault(p, []).append(f)
            for i in range(len(p) + 1):
                anc = p[:i]
                cur = m.worst.get(anc)
                if cur is None or f.severity.rank < cur.rank:
                    m.worst[anc] = f.severity
                m.below[anc] = m.below.get(anc, 0) + 1
        return m


@dataclass(slots=True)
class Pairs:
    """Where each tool call is answered, and which call each result answers."""

    uses: dict[str, tuple[int, int]] = field(default_factory=dict)
    results: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, request: Any) -> Pairs:
        p = cls()
        msgs = request.get("messages") if isinstance(request, dict) else None
        for i, m in enumerate(msgs if isinstance(msgs, list) else []):
            content = m.get("content") if isinstance(m, dict) else None
            for j, b in enumerate(content if isinstance(content, list) else []):
                if not isinstance(b, dict):
                    continue
                if b.get("type") in ("tool_use", "server_tool_use") and isinstance(b.get("id"), str):
                    p.uses.setdefault(b["id"], (i, j))
                elif isinstance(b.get("tool_use_id"), str):
                    p.results.setdefault(b["tool_use_id"], (i, j))
        return p

    def partner(self, path: DocPath, block: Any) -> DocPath | None:
        """The paired node of a tool_use / tool_result block, if any."""
        if not isinstance(block, dict):
            return None
        if isinstance(block.get("id"), str) and block["id"] in self.results:
            i, j = self.results[block["id"]]
            return ("request", "messages", i, "content", j)
        if isinstance(block.get("tool_use_id"), str) and block["tool_use_id"] in self.uses:
            i, j = self.uses[block["tool_use_id"]]
            return ("request", "messages", i, "content", j)
        return None


def short_id(s: str) -> str:
    return s if len(s) <= 14 else f"{s[:6]}…{s[-6:]}"


def _preview(value: Any, limit: int = 60) -> str:
    if isinstance(value, str):
        return one_line(value, limit)
    try:
        return one_line(json.dumps(value, ensure_ascii=False), limit)
    except (TypeError, ValueError, RecursionError):
        return "…"


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(b.get("text", "") for b in content if isinstance(b, dict)
                        and isinstance(b.get("text"), str))
    return ""


def block_label(block: Any, path: DocPath, pairs: Pairs) -> Text:
    """``tool_use get_weather toolu_…9mRt → #4.0`` and friends."""
    t = Text()
    if not isinstance(block, dict):
        t.append(f"{type(block).__name__} ", style="bold red")
        t.append(_preview(block))
        return t
    kind = block.get("type")
    kind_s = kind if isinstance(kind, str) else "(no type)"
    t.append(one_line(kind_s, 30), style="bold")
    if kind in ("tool_use", "server_tool_use"):
        t.append(f" {one_line(str(block.get('name', '?')), 30)}", style="magenta")
        tid = block.get("id")
        if isinstance(tid, str):
            partner = pairs.partner(path, block) if path[0] == "request" else None
            if partner is not None:
                t.append(f" → #{partner[2]}.{partner[4]}", style="green")
            elif path[0] == "request":
                t.append(" ✖ no result", style="bold red")
            t.append(f" {short_id(one_line(tid, 60))}", style="dim")
        t.append(" " + _preview(block.get("input"), 40), style="dim")
    elif kind == "tool_result" or (isinstance(kind, str) and kind.endswith("_tool_result")):
        rid = block.get("tool_use_id")
        if isinstance(rid, str):
            partner = pairs.partner(path, block)
            if partner is not None:
                t.append(f" ← #{partner[2]}.{partner[4]}", style="green")
            else:
                t.append(" ✖ orphan", style="bold red")
            t.append(f" {short_id(one_line(rid, 60))}", style="dim")
        if block.get("is_error") is True:
            t.append(" is_error", style="red")
        t.append(" " + _preview(_text_of(block.get("content")), 40), style="dim")
    elif kind == "text":
        t.append(" " + _preview(block.get("text", ""), 60))
    elif kind in ("thinking", "redacted_thinking"):
        signed = "signed" if block.get("signature") or block.get("data") else "unsigned"
        t.append(f" ({signed}) ", style="dim")
        t.append(_preview(block.get("thinking", ""), 40), style="dim italic")
    elif kind in ("image", "document"):
        src = block.get("source")
        if isinstance(src, dict):
            t.append(f" {one_line(str(src.get('media_type') or src.get('type') or ''), 30)}", style="dim")
    else:
        t.append(" " + _preview({k: v for k, v in block.items() if k != "type"}, 40), style="dim")
    return t


def message_label(index: int, message: Any) -> Text:
    t = Text()
    t.append(f"#{index} ", style="dim")
    if not isinstance(message, dict):
        t.append(f"{type(message).__name__} (not a message)", style="bold red")
        return t
    role = message.get("role")
    role_s = one_line(str(role), 20) if role is not None else "(no role)"
    style = {"user": "bold cyan", "assistant": "bold green", "system": "bold yellow"}.get(str(role), "bold red")
    t.append(role_s, style=style)
    content = message.get("content")
    if isinstance(content, list):
        kinds = [b.get("type") for b in content if isinstance(b, dict)]
        t.append(f" · {len(content)} block{'s' * (len(content) != 1)}", style="dim")
        summary = ", ".join(sorted({str(k) for k in kinds if k != "text"}))
        if summary:
            t.append(f" ({one_line(summary, 40)})", style="dim")
        t.append(" " + _preview(_text_of(content), 50))
    elif isinstance(content, str):
        t.append(" " + _preview(content, 60))
    else:
        t.append(f" content: {_preview(content, 30)}", style="red")
    return t


def with_mark(label: Text, path: DocPath, marks: Marks) -> Text:
    """Prefix a severity marker (and the count below, for collapsed ancestors)."""
    sev = marks.worst.get(path)
    if sev is None:
        return Text("  ") + label
    sym, style = MARK[sev]
    out = Text(sym + " ", style=style)
    out.append_text(label)
    n = marks.below.get(path, 0)
    own = len(marks.own.get(path, []))
    if n > own:
        out.append(f"  [{n}]", style=style)
    return out
