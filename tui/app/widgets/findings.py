"""The findings panel: every finding of the exchange, one line each; enter jumps to its node."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.app.labels import MARK
from tui.core.display import one_line
from tui.core.findings import Finding


def finding_line(f: Finding) -> Text:
    """One line per finding, cut with an ellipsis at the panel's edge (never wrapped: a narrow
    panel still lists several findings); the fix badge comes before the message so it is seen."""
    sym, style = MARK[f.severity]
    t = Text(f"{sym} {f.code} ", style=style, no_wrap=True, overflow="ellipsis")
    if f.fix is not None:
        t.append(f"[{f.fix.applicability.value} fix] ", style="green")
    t.append(one_line(f.dotted or "(whole request)", 40), style="dim")
    t.append("  " + one_line(f.message, 160))
    return t


class FindingsPanel(OptionList):
    """Shows the findings it is given; the app listens to its highlight/selection messages."""

    def show(self, findings: list[Finding], keep: int | None = None) -> None:
        self.clear_options()
        if not findings:
            self.add_option(Option(Text("✓ no findings: the API should accept this payload", style="green"),
                                   disabled=True))
            return
        self.add_options([Option(finding_line(f), id=str(i)) for i, f in enumerate(findings)])
        if keep is not None and 0 <= keep < len(findings):
            self.highlighted = keep
