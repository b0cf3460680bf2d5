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


WINDOW = 200
"""Findings listed at once.  A 5,000-message conversation can have thousands; laying them all out
cost more than the rest of the screen, and nobody reads past a few hundred at a time: the list
shows a window, and a row at either end moves it (``n`` / ``N`` move it too)."""

EARLIER, LATER = "earlier", "later"


class FindingsPanel(OptionList):
    """Shows the findings it is given; the app listens to its highlight/selection messages."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._findings: list[Finding] = []
        self._start = 0

    def show(self, findings: list[Finding], keep: int | None = None) -> None:
        self._findings = findings
        if not findings:
            self.clear_options()
            self.add_option(Option(Text("✓ no findings: the API should accept this payload", style="green"),
                                   disabled=True))
            return
        self._draw(self._window_for(keep if keep is not None and 0 <= keep < len(findings) else 0))
        if keep is not None and 0 <= keep < len(findings):
            self.highlight_finding(keep)

    def _window_for(self, i: int) -> int:
        return max(0, min(i - WINDOW // 4, len(self._findings) - WINDOW))

    def _draw(self, start: int) -> None:
        self._start = start
        end = min(start + WINDOW, len(self._findings))
        options: list[Option] = []
        if start > 0:
            options.append(Option(Text(f"… {start} earlier findings (enter shows them)", style="dim italic"),
                                  id=EARLIER))
        options += [Option(finding_line(self._findings[i]), id=str(i)) for i in range(start, end)]
        if end < len(self._findings):
            options.append(Option(Text(f"… {len(self._findings) - end} more findings (enter shows them; "
                                       f"n walks through all)", style="dim italic"), id=LATER))
        self.clear_options()
        self.add_options(options)

    def highlight_finding(self, i: int) -> None:
        """Highlight finding ``i`` (moving the window to it when it is outside)."""
        if not 0 <= i < len(self._findings):
            return
        if not self._start <= i < self._start + WINDOW:
            self._draw(self._window_for(i))
        self.highlighted = self.get_option_index(str(i))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_id in (EARLIER, LATER):
            event.stop()
            target = self._start - 1 if event.option_id == EARLIER else self._start + WINDOW
            self.highlight_finding(target)
