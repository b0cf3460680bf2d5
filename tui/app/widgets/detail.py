"""The detail pane: the selected node as syntax-highlighted JSON, and the findings at that node
with the rule's explanation and fix.  Only a bounded, masked copy is drawn: long strings, long lists
and objects and base64 are elided (``z`` shows strings in full up to FULL_LIMIT)."""

from __future__ import annotations

import json
import re
from typing import Any

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.app.labels import FULL_LIMIT, KEEP, LONG, MARK, SCREEN, DocPath, bounded, path_text
from tui.core.display import printable
from tui.core.findings import Finding
from tui.core.rules.registry import get_rule

__all__ = ["FULL_LIMIT", "KEEP", "LONG", "DetailPane", "elide", "finding_view", "json_view"]

MAX_CHARS = 3 * FULL_LIMIT
"""The most JSON text ever highlighted at once, whatever :func:`bounded` let through (long keys,
wide scalars): rich.Syntax costs ~5 s per MB, and the pane is redrawn on every selection."""


def elide(value: Any, full: bool = False) -> Any:
    """The value as the pane shows it: masked, long strings, lists and objects cut (the data
    itself is untouched).  ``full`` shows strings up to FULL_LIMIT; lists and objects are cut as
    usual (after a long string, soon: its wrapped lines count)."""
    return bounded(value, full=full, lines=SCREEN)


def _bounded_text(text: str, lines: int) -> str:
    """At most ``lines`` lines and MAX_CHARS characters, with a note when cut."""
    n_lines = text.count("\n") + 1
    if n_lines <= lines and len(text) <= MAX_CHARS:
        return text
    head = text[:MAX_CHARS].split("\n")[:lines]
    return "\n".join(head) + f"\n… ({n_lines - len(head) + 1:,} more lines; select a node in the tree)"


def json_view(value: Any, full: bool = False) -> Text:
    """The value as highlighted JSON, secrets masked (display is an output like any export).

    Only a bounded copy is masked, encoded and highlighted, so a render costs the same for a
    5,000-message list as for a 5-message one.  The highlighting is done once, here, into a
    Text: a ``Syntax`` given to the pane re-lexes its code on every redraw, and one key press
    redraws the pane several times (about 25 ms each for a full pane).
    """
    shown = elide(value, full)
    try:
        text = json.dumps(shown, ensure_ascii=False, indent=2)
    except (TypeError, ValueError, RecursionError):
        text = repr(shown)  # the masked copy: never the raw value
    text = _bounded_text(text, 2 * SCREEN)
    safe = "\n".join(printable(line) for line in text.splitlines())
    return Syntax(safe, "json", theme="ansi_dark", word_wrap=True, background_color="default").highlight(safe)


def _section(docs: str, title: str) -> str:
    if f"## {title}" not in docs:
        return ""
    body = docs.split(f"## {title}", 1)[1]
    return body.split("\n## ", 1)[0].strip()


_INLINE = re.compile(r"\*\*(.+?)\*\*|``(.+?)``|`([^`]+)`|\*([^*\s][^*]*?)\*")


def doc_text(markdown: str) -> Text:
    """A rule doc paragraph with its inline Markdown rendered (bold, code, emphasis) on one
    flowing line: rule docs are written in Markdown for `payload-doctor rule`, and a pane that
    shows ``**`` and backticks reads like a bug."""
    flat = printable(" ".join(markdown.split()))
    t = Text(style="dim")
    pos = 0
    for m in _INLINE.finditer(flat):
        t.append(flat[pos:m.start()])
        bold, code2, code1, em = m.groups()
        if bold is not None:
            t.append(bold, style="bold")
        elif em is not None:
            t.append(em, style="italic")
        else:
            t.append(code2 if code2 is not None else code1, style="bold cyan")
        pos = m.end()
    t.append(flat[pos:])
    return t


def finding_view(f: Finding) -> RenderableType:
    sym, style = MARK[f.severity]
    head = Text(f"{sym} {f.code} {f.name}", style=style)
    head.append(f"  ({f.severity.value})", style="dim")
    if f.contradicted:
        head.append("  contradicted by the logged response", style="bold yellow")
    parts: list[RenderableType] = [head, Text(printable(f.message))]
    if f.api_error:
        t = Text("API error: ", style="bold")
        t.append(printable(f.api_error), style="red")
        parts.append(t)
    rule = get_rule(f.code)
    if rule is not None:
        why = _section(rule.docs, "Why is this bad?")
        if why:
            parts.append(doc_text(why))
    if f.fix is not None:
        t = Text(f"Fix ({f.fix.applicability.value}): ", style="bold green")
        t.append(printable(f.fix.title))
        t.append("  — press f", style="dim")
        parts.append(t)
    elif rule is not None:
        fix_doc = _section(rule.docs, "Fix").split("\n\n", 1)[0]
        # Most such docs say so themselves ("None automatic: …", "None needed."): no second "No".
        t = Text("" if fix_doc.startswith("None") else "No automatic fix. ", style="dim")
        parts.append(t.append_text(doc_text(fix_doc)) if fix_doc else t)
    return Group(*parts, Text(""))


class DetailPane(VerticalScroll):
    """Renders what it is given; holds no state beyond the last content."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="detail-findings")
        yield Static(id="detail-json")

    def show(self, path: DocPath, value: Any, findings: list[Finding], *, full: bool = False) -> None:
        where = path_text(path) or "payload"
        title = Text(printable(where), style="bold")
        self.query_one("#detail-findings", Static).update(
            Group(title, *(finding_view(f) for f in findings)) if findings else title)
        self.query_one("#detail-json", Static).update(json_view(value, full))
        self.scroll_home(animate=False)
