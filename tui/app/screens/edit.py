"""Edit one node of the request as JSON.  The text must parse (and keep the node's kind) before
it is accepted: a broken edit never reaches the payload."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from tui.app.labels import DocPath
from tui.core.display import printable


def parse_edit(text: str, original: Any) -> tuple[Any, str | None]:
    """``(value, None)`` when the text is valid JSON of an acceptable kind, else ``(None, why)``."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        return None, f"not valid JSON: {exc}"
    if isinstance(original, dict) and not isinstance(value, dict):
        return None, "this node is an object: the edit must stay an object"
    if isinstance(original, list) and not isinstance(value, list):
        return None, "this node is a list: the edit must stay a list"
    return value, None


class EditScreen(ModalScreen[Any]):
    CSS_PATH = "edit.tcss"
    BINDINGS = [Binding("ctrl+s", "save", "accept"), Binding("escape", "cancel", "cancel")]

    def __init__(self, path: DocPath, value: Any) -> None:
        super().__init__()
        self.path = path
        self.value = value

    def compose(self) -> ComposeResult:
        where = ".".join(map(str, self.path[1:])) or "the whole request"
        with Vertical(id="dialog"):
            yield Static(Text(f"Edit {printable(where)} — ctrl+s accepts, escape cancels", style="bold"))
            yield TextArea(json.dumps(self.value, ensure_ascii=False, indent=2), id="editor",
                           show_line_numbers=True, tab_behavior="indent")
            yield Static("", id="problem")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        value, problem = parse_edit(self.query_one(TextArea).text, self.value)
        if problem is not None:
            self.query_one("#problem", Static).update(Text(printable(problem), style="bold red"))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
