"""Export the current (repaired) request: a JSON file, curl, a Python snippet or a Markdown repro,
to a file (atomic; never over the input or an existing file without a confirm) or the clipboard."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from tui.app.state import ExchangeState
from tui.core.display import printable
from tui.core.export import EXPORTERS
from tui.core.outgoing import Exported, NotExportable, export_exchange


def default_path(source: str, fmt: str) -> Path:
    """``run.jsonl`` → ``run.fixed.json`` (or ``.sh`` / ``.py`` / ``.md``) beside the input."""
    src = Path(source)
    name = src.name.removesuffix(".gz")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return src.with_name(f"{stem}.fixed{EXPORTERS[fmt].suffix}")


def render(state: ExchangeState, fmt: str) -> Exported:
    """The export the CLI's ``export`` would make of the current request (one core function)."""
    return export_exchange(state.outgoing(), state.request, fmt)


class ExportScreen(ModalScreen[Path | None]):
    CSS_PATH = "export.tcss"
    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, state: ExchangeState, source: str) -> None:
        super().__init__()
        self.state = state
        self.source = source
        self.fmt = "json"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text("Export the current request (secrets redacted) — enter writes, esc cancels",
                              style="bold"))
            with RadioSet(id="format"):
                for i, (name, e) in enumerate(EXPORTERS.items()):
                    yield RadioButton(f"{name} — {e.description}", value=i == 0, name=name)
            yield Input(str(default_path(self.source, self.fmt)), id="path")
            with Horizontal(id="buttons"):
                yield Button("Write file", variant="primary", id="write")
                yield Button("Copy to clipboard", id="copy")
                yield Button("Cancel", id="cancel")
            yield Static("", id="result")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()  # Enter writes; tab reaches the formats

    @on(Input.Submitted, "#path")
    def _submitted(self) -> None:
        self._write()

    @on(RadioSet.Changed, "#format")
    def _format(self, event: RadioSet.Changed) -> None:
        self.fmt = event.pressed.name or "json"
        self.query_one("#path", Input).value = str(default_path(self.source, self.fmt))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#copy")
    def _copy(self) -> None:
        from tui.core.export.clipboard import copy_text

        try:
            exported = render(self.state, self.fmt)
        except NotExportable as exc:
            self._say(f"{exc} (press C in the main screen), or export as json.")
            return
        result = copy_text(exported.text, osc52_writer=self.app.copy_to_clipboard)
        self.app.notify(f"{self.fmt} export: {result.detail}" + (f"; {exported.note}" if exported.note else ""),
                        severity="warning" if exported.note else "information")
        self.dismiss(None)

    @on(Button.Pressed, "#write")
    def _write(self) -> None:
        dest = Path(self.query_one("#path", Input).value).expanduser()
        if dest.exists() and dest.resolve() == Path(self.source).resolve():
            self._say("That is the file you opened: choose another name (it is never overwritten).")
            return
        if dest.exists():
            from tui.app.screens.confirm import ConfirmScreen

            self.app.push_screen(ConfirmScreen(f"{dest} exists. Replace it?"),
                                 lambda yes: self._do_write(dest, True) if yes else None)
            return
        self._do_write(dest, False)

    def _do_write(self, dest: Path, overwrite: bool) -> None:
        from tui.core.export.atomic import write_atomic

        try:
            exported = render(self.state, self.fmt)
            write_atomic(dest, exported.text, overwrite=overwrite)
        except NotExportable as exc:
            self._say(f"{exc} (press C in the main screen), or export as json.")
            return
        except (OSError, FileExistsError) as exc:
            self._say(f"Could not write {dest}: {exc}")
            return
        note = exported.note
        self.app.notify(f"Wrote {printable(str(dest))}" + (f"; {note}" if note else ""),
                        severity="warning" if note else "information")
        self.dismiss(dest)

    def _say(self, text: str) -> None:
        self.query_one("#result", Static).update(Text(printable(text), style="bold red"))
