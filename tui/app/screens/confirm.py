"""Questions: a yes/no confirm (y / n) and a choice among a few answers (each with its key).

The first button has focus, so Enter takes it; Escape always means the harmless answer
(no / cancel).  Callers put the safe answer first where the question guards against loss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    label: str
    value: str
    variant: str = "default"


class ChoiceScreen(ModalScreen[str]):
    """Dismisses with the chosen :attr:`Choice.value`, or ``cancel`` on Escape."""

    CSS_PATH = "confirm.tcss"
    BINDINGS = [Binding("escape", "choose('cancel')", "cancel")]

    def __init__(self, question: str, choices: Sequence[Choice]) -> None:
        super().__init__()
        self.question = question
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        from rich.text import Text

        with Vertical(id="dialog"):
            yield Static(Text(self.question), id="question")
            with Horizontal(id="buttons"):
                for c in self.choices:
                    yield Button(f"{c.label} ({'esc' if c.key == 'escape' else c.key})", variant=c.variant, id=f"choice-{c.value}")  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", None)
        for c in self.choices:
            if key == c.key:
                getattr(event, "stop")()
                self.dismiss(c.value)
                return

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "choice-cancel").removeprefix("choice-"))

    def action_choose(self, value: str) -> None:
        self.dismiss(value)


class ConfirmScreen(ModalScreen[bool]):
    """Yes (y, or Enter on the focused Yes) / No (n, Escape)."""

    CSS_PATH = "confirm.tcss"
    BINDINGS = [Binding("y", "answer(True)", "yes"), Binding("n,escape", "answer(False)", "no")]

    def __init__(self, question: str, *, default_no: bool = False) -> None:
        super().__init__()
        self.question = question
        self.default_no = default_no

    def compose(self) -> ComposeResult:
        from rich.text import Text

        with Vertical(id="dialog"):
            yield Static(Text(self.question), id="question")
            with Horizontal(id="buttons"):
                yield Button("Yes (y)", variant="warning", id="yes")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no" if self.default_no else "#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
