"""Labels for the conversation tree: role, block type, tool name, short id, a one-line preview,
the `tool_use ⇄ tool_result` link, and a severity marker; and :func:`bounded`, the display copy
of a value that the detail pane and the previews draw.  Pure functions (tested without a UI).

Every text drawn here is masked *before* it is cut (a key cut in half would slip past the
patterns), and masking looks only at what can be shown: a label costs the same for a 5-message
request as for a 5,000-message one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text

from tui.core.display import one_line, printable
from tui.core.findings import Finding, Severity
from tui.core.redact import is_secret_name, redact_and_shorten, redact_text, redact_value

DocPath = tuple[str | int, ...]
"""A path in the tree's document: ``("request", "messages", 3)``, ``("response", "content", 0)``."""

MARK = {Severity.ERROR: ("✖", "bold red"), Severity.WARNING: ("▲", "yellow"), Severity.INFO: ("•", "cyan")}

# -- bounded, masked display copies ------------------------------------------------------------

LONG = 300
"""Strings longer than this are shown cut (``z`` shows them up to FULL_LIMIT)."""
KEEP = 200
FULL_LIMIT = 20_000
"""Even "full" view stops here: highlighting costs ~5 s per MB on the UI thread (c copies it all)."""
SCREEN = 150
"""Lines of JSON the detail pane draws before it elides the rest of a list or object: more than
a tall terminal shows, few enough that highlighting them costs milliseconds."""
MAX_DEPTH = 24
"""Deeper structures are elided: the tree reaches them, and the encoder never runs out of stack."""
WINDOW = 4096
"""Characters kept past a cut before masking (redact.py's ``redact_and_shorten`` window): longer
than any key, so the part that may hold a key cut in two is never shown."""


@dataclass(slots=True)
class _Cuts:
    """What pruning left out, by ``id`` of the (live) pruned object it concerns."""

    lengths: dict[int, int] = field(default_factory=dict)  # a pre-cut string -> its real length
    more: dict[int, int] = field(default_factory=dict)  # a pruned list / dict -> entries left out
    budget: int = 0


def _prune(v: Any, key: Any, cuts: _Cuts, cut: int, depth: int, secret: bool) -> Any:
    """A copy of ``v`` with at most about ``cuts.budget`` lines, its huge strings pre-cut.

    A string under a secret-named key (or a name/value pair's ``value``) is kept whole: it is
    masked whole, and a pre-cut one would show the middle of the secret as its tail.
    """
    if isinstance(v, str):
        cuts.budget -= 1 + min(len(v), cut) // 80
        if len(v) > cut + WINDOW and not secret and key != "value" and not (
                isinstance(key, str) and is_secret_name(key)):
            p = v[:cut + WINDOW]
            cuts.lengths[id(p)] = len(v)
            return p
        return v
    if not isinstance(v, (dict, list, tuple)):
        cuts.budget -= 1
        return v
    if depth >= MAX_DEPTH:
        kind = "object" if isinstance(v, dict) else "list"
        return f"<{kind} of {len(v):,} entries nested {depth} levels deep; select it in the tree>"
    cuts.budget -= 1
    if isinstance(v, dict):
        out: dict[Any, Any] = {}
        for n, (k, x) in enumerate(v.items()):
            if cuts.budget <= 0 and n:
                cuts.more[id(out)] = len(v) - n
                break
            out[k] = _prune(x, k, cuts, cut, depth + 1, False)
        return out
    sub_secret = secret or (isinstance(key, str) and is_secret_name(key))
    items: list[Any] = []
    for n, x in enumerate(v):
        if cuts.budget <= 0 and n:
            cuts.more[id(items)] = len(v) - n
            break
        items.append(_prune(x, None, cuts, cut, depth + 1, sub_secret))
    return items


def _free_key(d: dict[Any, Any]) -> str:
    key = "…"
    while key in d:
        key += "…"
    return key


def _finish(p: Any, r: Any, key: Any, cuts: _Cuts, full: bool) -> Any:
    """Walk the pruned copy ``p`` and its masked twin ``r`` together: cut the masked strings,
    write the elision notes (after masking, so a note under a secret-named list stays legible)."""
    if isinstance(p, str) and isinstance(r, str):
        n = cuts.lengths.get(id(p), len(p))
        if full:
            if n <= FULL_LIMIT:
                return r
            note = f"… [first {FULL_LIMIT:,} of {n:,} chars; c copies all]"
            return redact_and_shorten(r, FULL_LIMIT + len(note), note)
        if key in ("data", "signature") and n > 80:
            return f"<{n:,} chars of {'base64' if key == 'data' else 'signature'}>"
        if n <= LONG:
            return r
        note = f"… [{n:,} chars; z shows all]"
        return redact_and_shorten(r, KEEP + len(note), note)
    if isinstance(p, dict) and isinstance(r, dict):
        out: dict[Any, Any] = {}
        for (pk, pv), (rk, rv) in zip(p.items(), r.items()):
            out[rk] = _finish(pv, rv, pk, cuts, full)
        more = cuts.more.get(id(p))
        if more:
            out[_free_key(out)] = f"{more:,} more key{'s' * (more != 1)}; select one in the tree"
        return out
    if isinstance(p, list) and isinstance(r, list):
        items = [_finish(pv, rv, None, cuts, full) for pv, rv in zip(p, r)]
        more = cuts.more.get(id(p))
        if more:
            items.append(f"… {more:,} more item{'s' * (more != 1)}; select one in the tree")
        return items
    return r


def bounded(value: Any, *, full: bool = False, lines: int = SCREEN) -> Any:
    """The display copy of ``value``: masked, long strings cut, lists and objects cut after about
    ``lines`` lines of JSON, with notes saying what is left out.

    Structure is cut *before* masking (masking a 5,000-message list to show ten messages cost
    seconds), strings are masked *before* they are cut (:func:`redact_and_shorten`).  With
    ``full``, strings are shown up to FULL_LIMIT; lists are still cut (the tree reaches every item).
    """
    cuts = _Cuts(budget=lines)
    pruned = _prune(value, None, cuts, FULL_LIMIT if full else KEEP, 0, False)
    return _finish(pruned, redact_value(pruned), None, cuts, full)


def safe_text(value: Any, limit: int) -> str:
    """``value`` as one printable line of at most ``limit`` characters, secrets masked first."""
    s = value if isinstance(value, str) else str(value)
    return one_line(redact_and_shorten(s, limit), limit)


def safe_key(key: Any) -> str:
    """A dict key or path step as drawn (a key can *be* a secret)."""
    return printable(redact_text(key)) if isinstance(key, str) else str(key)


def path_text(path: DocPath) -> str:
    return ".".join(safe_key(p) for p in path)


# -- findings and pairs ------------------------------------------------------------------------

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


CALL_TYPES = {"function_call": "function_call_output", "custom_tool_call": "custom_tool_call_output"}
"""Responses call items and the output item type that answers each (paired by ``call_id``)."""
OUTPUT_TYPES = frozenset(CALL_TYPES.values())


@dataclass(slots=True)
class Pairs:
    """Where each tool call is answered, and which call each result answers: Anthropic
    ``tool_use`` / ``tool_result`` blocks, Chat Completions ``tool_calls`` / ``tool`` messages and
    Responses ``function_call`` / ``function_call_output`` items, all as tree paths."""

    uses: dict[str, DocPath] = field(default_factory=dict)
    results: dict[str, DocPath] = field(default_factory=dict)
    calls: dict[str, DocPath] = field(default_factory=dict)
    outputs: dict[str, DocPath] = field(default_factory=dict)

    @classmethod
    def of(cls, request: Any) -> Pairs:
        p = cls()
        if not isinstance(request, dict):
            return p
        msgs = request.get("messages")
        for i, m in enumerate(msgs if isinstance(msgs, list) else []):
            if not isinstance(m, dict):
                continue
            content = m.get("content")
            for j, b in enumerate(content if isinstance(content, list) else []):
                if not isinstance(b, dict):
                    continue
                if b.get("type") in ("tool_use", "server_tool_use") and isinstance(b.get("id"), str):
                    p.uses.setdefault(b["id"], ("request", "messages", i, "content", j))
                elif isinstance(b.get("tool_use_id"), str):
                    p.results.setdefault(b["tool_use_id"], ("request", "messages", i, "content", j))
            calls = m.get("tool_calls")
            for j, c in enumerate(calls if isinstance(calls, list) else []):
                if isinstance(c, dict) and isinstance(c.get("id"), str):
                    p.calls.setdefault(c["id"], ("request", "messages", i, "tool_calls", j))
            if m.get("role") == "tool" and isinstance(m.get("tool_call_id"), str):
                p.outputs.setdefault(m["tool_call_id"], ("request", "messages", i))
        items = request.get("input")
        for k, item in enumerate(items if isinstance(items, list) else []):
            kind = item.get("type") if isinstance(item, dict) else None
            cid = item.get("call_id") if isinstance(item, dict) else None
            if not isinstance(cid, str):
                continue
            if kind in CALL_TYPES:
                p.calls.setdefault(cid, ("request", "input", k))
            elif kind in OUTPUT_TYPES:
                p.outputs.setdefault(cid, ("request", "input", k))
        return p

    def partner(self, path: DocPath, block: Any) -> DocPath | None:
        """The paired node of a tool call or result (block, tool call, message or input item)."""
        if not isinstance(block, dict) or not path or path[0] != "request":
            return None
        if len(path) >= 3 and path[1] == "input":
            cid = block.get("call_id")
            if not isinstance(cid, str):
                return None
            if block.get("type") in CALL_TYPES:
                return self.outputs.get(cid)
            return self.calls.get(cid) if block.get("type") in OUTPUT_TYPES else None
        if len(path) == 5 and path[3] == "tool_calls":
            return self.outputs.get(block["id"]) if isinstance(block.get("id"), str) else None
        if len(path) == 3 and block.get("role") == "tool":
            tid = block.get("tool_call_id")
            return self.calls.get(tid) if isinstance(tid, str) else None
        if isinstance(block.get("id"), str) and block["id"] in self.results:
            return self.results[block["id"]]
        if isinstance(block.get("tool_use_id"), str) and block["tool_use_id"] in self.uses:
            return self.uses[block["tool_use_id"]]
        return None


def ref(path: DocPath) -> str:
    """How a label names another node: ``#4.1`` (message 4, block 1), ``#5`` (item / message 5)."""
    nums = [str(p) for p in path[2:] if isinstance(p, int)]
    return "#" + ".".join(nums)


# -- labels ------------------------------------------------------------------------------------

def short_id(s: str) -> str:
    return s if len(s) <= 14 else f"{s[:6]}…{s[-6:]}"


def _id_text(value: Any) -> str:
    return short_id(safe_text(value, 60))


def _preview(value: Any, limit: int = 60) -> str:
    if isinstance(value, str):
        return safe_text(value, limit)
    try:
        return safe_text(json.dumps(bounded(value, lines=12), ensure_ascii=False), limit)
    except (TypeError, ValueError, RecursionError):
        return "…"


def _text_of(content: Any, limit: int = 60) -> str:
    """The start of a content's text: only as much as a preview can show is joined (and masked)."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    parts: list[str] = []
    size = 0
    for b in content:
        if isinstance(b, dict) and isinstance(b.get("text"), str):
            parts.append(b["text"])
            size += len(b["text"]) + 1
            if size > limit + WINDOW:
                break
    return " ".join(parts)


TEXT_KINDS = frozenset({"text", "input_text", "output_text", "summary_text", "reasoning_text"})


def block_label(block: Any, path: DocPath, pairs: Pairs) -> Text:
    """``tool_use → #4.0 get_weather toolu_…9mRt {…}`` and friends."""
    t = Text()
    if not isinstance(block, dict):
        t.append(f"{type(block).__name__} ", style="bold red")
        t.append(_preview(block))
        return t
    kind = block.get("type")
    kind_s = kind if isinstance(kind, str) else "(no type)"
    t.append(safe_text(kind_s, 30), style="bold")
    in_request = path[0] == "request"
    if kind in ("tool_use", "server_tool_use"):
        # The pairing mark comes right after the kind, before anything of variable length: a
        # label cut at a narrow pane's edge loses the name and preview, never the mark.
        tid = block.get("id")
        if isinstance(tid, str):
            partner = pairs.partner(path, block) if in_request else None
            if partner is not None:
                t.append(f" → {ref(partner)}", style="green")
            elif in_request:
                t.append(" ✖ no result", style="bold red")
        t.append(f" {safe_text(block.get('name', '?'), 30)}", style="magenta")
        if isinstance(tid, str):
            t.append(f" {_id_text(tid)}", style="dim")
        t.append(" " + _preview(block.get("input"), 40), style="dim")
    elif kind == "tool_result" or (isinstance(kind, str) and kind.endswith("_tool_result")):
        rid = block.get("tool_use_id")
        if isinstance(rid, str):
            partner = pairs.partner(path, block)
            if partner is not None:
                t.append(f" ← {ref(partner)}", style="green")
            else:
                t.append(" ✖ orphan", style="bold red")
            t.append(f" {_id_text(rid)}", style="dim")
        if block.get("is_error") is True:
            t.append(" is_error", style="red")
        t.append(" " + _preview(_text_of(block.get("content"), 40), 40), style="dim")
    elif kind in TEXT_KINDS:
        t.append(" " + _preview(block.get("text", ""), 60))
    elif kind in ("thinking", "redacted_thinking"):
        signed = "signed" if block.get("signature") or block.get("data") else "unsigned"
        t.append(f" ({signed}) ", style="dim")
        t.append(_preview(block.get("thinking", ""), 40), style="dim italic")
    elif kind in ("image", "document"):
        src = block.get("source")
        if isinstance(src, dict):
            t.append(f" {safe_text(src.get('media_type') or src.get('type') or '', 30)}", style="dim")
    elif kind in ("input_image", "input_file", "input_audio"):
        where = block.get("image_url") or block.get("file_id") or block.get("filename") or block.get("format")
        if isinstance(where, str):
            t.append(" " + (f"<{len(where):,} chars of data URL>" if where.startswith("data:")
                            else safe_text(where, 40)), style="dim")
    else:
        t.append(" " + _preview({k: v for k, v in block.items() if k != "type"}, 40), style="dim")
    return t


ROLE_STYLE = {"user": "bold cyan", "assistant": "bold green", "system": "bold yellow",
              "developer": "bold yellow", "tool": "bold magenta", "function": "bold magenta"}


def _role(t: Text, role: Any) -> None:
    role_s = safe_text(role, 20) if role is not None else "(no role)"
    t.append(role_s, style=ROLE_STYLE.get(str(role), "bold red"))


def _content_summary(t: Text, content: Any) -> None:
    kinds = {b.get("type") for b in content[:2000] if isinstance(b, dict)}
    t.append(f" · {len(content):,} block{'s' * (len(content) != 1)}", style="dim")
    # A block without a type (or a non-string one) is named as such: never "None" on screen.
    summary = ", ".join(sorted(k if isinstance(k, str) else "no type" for k in kinds if k not in TEXT_KINDS))
    if summary:
        t.append(f" ({safe_text(summary, 40)})", style="dim")
    t.append(" " + _preview(_text_of(content, 50), 50))


def message_label(index: int, message: Any, pairs: Pairs | None = None) -> Text:
    """``#3 assistant · 2 blocks (tool_use) Let me look``; Chat Completions messages show their
    ``tool_calls`` and the call a ``tool`` message answers."""
    t = Text()
    t.append(f"#{index} ", style="dim")
    if not isinstance(message, dict):
        t.append(f"{type(message).__name__} (not a message)", style="bold red")
        return t
    _role(t, message.get("role"))
    if message.get("role") == "tool" and "tool_call_id" in message:
        tid = message.get("tool_call_id")
        partner = pairs.calls.get(tid) if pairs is not None and isinstance(tid, str) else None
        t.append(f" ← {ref(partner)}" if partner is not None else " ✖ orphan",
                 style="green" if partner is not None else "bold red")
        t.append(f" {_id_text(tid)}", style="dim")
    content = message.get("content")
    calls = message.get("tool_calls")
    if isinstance(calls, list) and calls:
        names = [c.get("function", {}).get("name") if isinstance(c, dict)
                 and isinstance(c.get("function"), dict) else None for c in calls[:8]]
        t.append(f" · {len(calls)} tool call{'s' * (len(calls) != 1)} ", style="dim")
        t.append(safe_text(", ".join(str(n or "?") for n in names), 40), style="magenta")
    if isinstance(content, list):
        _content_summary(t, content)
    elif isinstance(content, str):
        t.append(" " + _preview(content, 60))
    elif content is None and isinstance(calls, list) and calls:
        pass  # an assistant turn that only calls tools: content null is how the API writes it
    else:
        t.append(f" content: {_preview(content, 30)}", style="red")
    return t


def tool_call_label(call: Any, path: DocPath, pairs: Pairs) -> Text:
    """A Chat Completions ``tool_calls`` entry: ``→ #3 read_file call_7Q…aYb1c {"path": …}``."""
    t = Text()
    if not isinstance(call, dict):
        t.append(f"{type(call).__name__} (not a tool call)", style="bold red")
        return t
    fn = call.get("function") if isinstance(call.get("function"), dict) else {}
    partner = pairs.partner(path, call)
    t.append(f"→ {ref(partner)} " if partner is not None else "✖ no tool message ",
             style="green" if partner is not None else "bold red")
    t.append(safe_text(fn.get("name") or call.get("type") or "?", 30), style="magenta")
    if isinstance(call.get("id"), str):
        t.append(f" {_id_text(call['id'])}", style="dim")
    t.append(" " + _preview(fn.get("arguments"), 40), style="dim")
    return t


def item_label(index: int, item: Any, path: DocPath, pairs: Pairs) -> Text:
    """An OpenAI Responses ``input`` item: a message, a ``function_call`` and its output (paired
    by ``call_id``), ``reasoning``; like :func:`message_label` and :func:`block_label` do for
    Anthropic."""
    t = Text()
    t.append(f"#{index} ", style="dim")
    if not isinstance(item, dict):
        t.append(f"{type(item).__name__} ", style="bold red")
        t.append(_preview(item, 50))
        return t
    kind = item.get("type")
    if kind == "message" or (kind is None and "role" in item):
        _role(t, item.get("role"))
        content = item.get("content")
        if isinstance(content, list):
            _content_summary(t, content)
        elif isinstance(content, str):
            t.append(" " + _preview(content, 60))
        else:
            t.append(f" content: {_preview(content, 30)}", style="red")
        return t
    t.append(safe_text(kind if isinstance(kind, str) else "(no type)", 30), style="bold")
    cid = item.get("call_id")
    if kind in CALL_TYPES:
        partner = pairs.partner(path, item)
        t.append(f" → {ref(partner)}" if partner is not None else " ✖ no output",
                 style="green" if partner is not None else "bold red")
        t.append(f" {safe_text(item.get('name', '?'), 30)}", style="magenta")
        if isinstance(cid, str):
            t.append(f" {_id_text(cid)}", style="dim")
        t.append(" " + _preview(item.get("arguments", item.get("input")), 40), style="dim")
    elif kind in OUTPUT_TYPES:
        partner = pairs.partner(path, item)
        t.append(f" ← {ref(partner)}" if partner is not None else " ✖ orphan",
                 style="green" if partner is not None else "bold red")
        if isinstance(cid, str):
            t.append(f" {_id_text(cid)}", style="dim")
        out = item.get("output")
        t.append(" " + _preview(_text_of(out, 40) if isinstance(out, list) else out, 40), style="dim")
    elif kind == "reasoning":
        summary = item.get("summary")
        enc = "encrypted" if item.get("encrypted_content") else "plain"
        t.append(f" ({enc}) ", style="dim")
        t.append(_preview(_text_of(summary, 40) if isinstance(summary, list) else summary or "", 40),
                 style="dim italic")
    else:
        t.append(" " + _preview({k: v for k, v in item.items() if k != "type"}, 40), style="dim")
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
