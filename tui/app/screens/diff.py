"""The structural diff of the original request and the repaired one (by path, not by text)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.core.diff import diff_payloads, render_diff


class DiffScreen(ModalScreen[None]):
    AUTO_FOCUS = "VerticalScroll"  # the first field (the app's own AUTO_FOCUS names the tree)
    CSS_PATH = "diff.tcss"
    BINDINGS = [Binding("escape,q,d", "close", "close")]

    def __init__(self, original: Any, current: Any) -> None:
        super().__init__()
        self.changes = diff_payloads(original, current)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            n = len(self.changes)
            yield Static(Text(f"Original → repaired: {n} change{'s' * (n != 1)}  (escape closes)", style="bold"))
            with VerticalScroll():
                yield Static(render_diff(self.changes) if self.changes else Text("no change", style="dim"),
                             id="diff")

    def action_close(self) -> None:
        self.dismiss(None)
