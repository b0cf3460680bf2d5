"""Every key, from the same action registry that makes the bindings and the palette."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.app.actions import ACTIONS


def help_table() -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("key", style="bold cyan", no_wrap=True)
    table.add_column("does (as in the palette, ctrl+p)")
    table.add_column("binding id", style="dim", no_wrap=True)
    for a in ACTIONS:  # Text, not str: a Table parses str as markup, and "[x]" would vanish
        table.add_row(Text(a.key_display or a.key), Text(a.palette), Text(a.id))
    table.add_row("ctrl+p", "command palette", "")
    table.add_row("space", "expand / collapse a tree node", "")
    table.add_row("tab", "next pane", "")
    table.add_row("escape", "close a dialog or the search", "")
    return table


class HelpScreen(ModalScreen[None]):
    AUTO_FOCUS = "VerticalScroll"  # the first field (the app's own AUTO_FOCUS names the tree)
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,q,question_mark", "close", "close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Payload Doctor — keys (escape closes)", id="title")
            with VerticalScroll():
                yield Static(help_table(), id="keys")

    def action_close(self) -> None:
        self.dismiss(None)
