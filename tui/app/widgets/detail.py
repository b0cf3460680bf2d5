"""The detail pane: the selected node as syntax-highlighted JSON, and the findings at that node
with the rule's explanation and fix.  Long strings and base64 are elided unless ``full``."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.app.labels import MARK, DocPath
from tui.core.display import printable
from tui.core.findings import Finding
from tui.core.redact import redact_value
from tui.core.rules.registry import get_rule

LONG = 300
KEEP = 200
FULL_LIMIT = 20_000
"""Even "full" view stops here: highlighting costs ~5 s per MB on the UI thread (c copies it all)."""


def elide(value: Any, full: bool = False, key: str | None = None) -> Any:
    """Shorten long strings and base64 payloads for display (the data itself is untouched)."""
    if full:
        return _cap(value)
    if isinstance(value, str):
        if key in ("data", "signature") and len(value) > 80:
            return f"<{len(value):,} chars of {'base64' if key == 'data' else 'signature'}>"
        if len(value) > LONG:
            return value[:KEEP] + f"… [{len(value):,} chars; z shows all]"
        return value
    if isinstance(value, dict):
        return {k: elide(v, full, k) for k, v in value.items()}
    if isinstance(value, list):
        return [elide(v, full) for v in value]
    return value


def _cap(value: Any) -> Any:
    if isinstance(value, str) and len(value) > FULL_LIMIT:
        return value[:FULL_LIMIT] + f"… [first {FULL_LIMIT:,} of {len(value):,} chars; c copies all]"
    if isinstance(value, dict):
        return {k: _cap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cap(v) for v in value]
    return value


def json_view(value: Any, full: bool = False) -> Syntax:
    """The value as highlighted JSON, secrets masked (display is an output like any export)."""
    try:
        text = json.dumps(elide(redact_value(value), full), ensure_ascii=False, indent=2)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    safe = "\n".join(printable(line) for line in text.splitlines())
    return Syntax(safe, "json", theme="ansi_dark", word_wrap=True, background_color="default")


def _section(docs: str, title: str) -> str:
    if f"## {title}" not in docs:
        return ""
    body = docs.split(f"## {title}", 1)[1]
    return body.split("\n## ", 1)[0].strip()


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
            parts.append(Text(printable(" ".join(why.replace("``", "").split())), style="dim"))
    if f.fix is not None:
        t = Text(f"Fix ({f.fix.applicability.value}): ", style="bold green")
        t.append(printable(f.fix.title))
        t.append("  — press f", style="dim")
        parts.append(t)
    elif rule is not None:
        fix_doc = _section(rule.docs, "Fix")
        parts.append(Text("No automatic fix. " + printable(" ".join(fix_doc.replace("``", "").split()))[:300],
                          style="dim"))
    return Group(*parts, Text(""))


class DetailPane(VerticalScroll):
    """Renders what it is given; holds no state beyond the last content."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="detail-findings")
        yield Static(id="detail-json")

    def show(self, path: DocPath, value: Any, findings: list[Finding], *, full: bool = False) -> None:
        where = ".".join(str(p) for p in path) or "payload"
        title = Text(printable(where), style="bold")
        self.query_one("#detail-findings", Static).update(
            Group(title, *(finding_view(f) for f in findings)) if findings else title)
        self.query_one("#detail-json", Static).update(json_view(value, full))
        self.scroll_home(animate=False)
