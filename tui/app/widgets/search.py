"""The exchange search box: Enter keeps the filter and goes to the list, Escape clears it and
closes the box (the selected exchange stays selected either way)."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBox(Input):
    BINDINGS = [Binding("escape", "close", "close search", show=False)]

    class Closed(Message):
        """Escape: the search is cancelled."""

    def action_close(self) -> None:
        self.post_message(self.Closed())
