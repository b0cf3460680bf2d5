"""One action registry feeds the key bindings, the help screen and the command palette.

Each action has a stable binding id (users can remap keys by id), a key, a short description for
the footer, and a palette title in ``namespace: verb`` form.  ``applies`` says when the palette
offers it (a fix action only when there is something to fix).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding

if TYPE_CHECKING:
    from tui.app.app import PayloadDoctorApp


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    key: str
    action: str
    description: str
    palette: str
    applies: Callable[[PayloadDoctorApp], bool] = lambda app: True
    show: bool = True
    key_display: str | None = None

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.description, show=self.show, id=self.id,
                       key_display=self.key_display)


def _has_exchange(app: PayloadDoctorApp) -> bool:
    return app.current is not None


def _has_findings(app: PayloadDoctorApp) -> bool:
    return app.current is not None and bool(app.current.findings)


def _has_fix(app: PayloadDoctorApp) -> bool:
    f = app.selected_finding
    return f is not None and f.fix is not None


def _has_safe_fixes(app: PayloadDoctorApp) -> bool:
    return app.current is not None and any(
        f.fix is not None for f in app.current.findings)


def _can_undo(app: PayloadDoctorApp) -> bool:
    return app.current is not None and app.current.history.can_undo


def _can_redo(app: PayloadDoctorApp) -> bool:
    return app.current is not None and app.current.history.can_redo


def _modified(app: PayloadDoctorApp) -> bool:
    return app.current is not None and app.current.history.modified


def _has_request(app: PayloadDoctorApp) -> bool:
    return app.current is not None and isinstance(app.current.request, dict)


def _any_unsaved(app: PayloadDoctorApp) -> bool:
    return app.session is not None and bool(app.session.unsaved())


def _is_openai(app: PayloadDoctorApp) -> bool:
    return app.current is not None and app.current.history.dialect != "anthropic"


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("finding.next", "n", "next_finding", "next", "finding: next", _has_findings),
    ActionSpec("finding.previous", "N", "previous_finding", "prev", "finding: previous", _has_findings,
               show=False),
    ActionSpec("finding.jump", "enter", "jump", "jump", "finding: jump to its node", _has_findings, show=False),
    ActionSpec("exchange.next", "right_square_bracket", "next_exchange", "next exchange",
               "list: next exchange", lambda app: app.session is not None and len(app.session) > 1,
               show=False, key_display="]"),
    ActionSpec("exchange.previous", "left_square_bracket", "previous_exchange", "previous exchange",
               "list: previous exchange", lambda app: app.session is not None and len(app.session) > 1,
               show=False, key_display="["),
    ActionSpec("tree.pair", "p", "pair", "pair", "tree: jump to the paired tool_use / tool_result",
               _has_exchange, show=False),
    ActionSpec("fix.one", "f", "fix_one", "fix", "fix: apply the selected finding's fix", _has_fix),
    ActionSpec("fix.all_safe", "F", "fix_all", "fix all", "fix: apply all safe fixes", _has_safe_fixes),
    ActionSpec("history.undo", "u", "undo", "undo", "edit: undo", _can_undo),
    ActionSpec("history.redo", "U", "redo", "redo", "edit: redo", _can_redo, show=False),
    ActionSpec("history.revert", "V", "revert", "revert", "edit: revert to the original (asks)", _modified,
               show=False),
    ActionSpec("file.save_all", "S", "save_all", "save all", "file: save the whole repaired log beside the input",
               _any_unsaved, show=False),
    ActionSpec("edit.node", "e", "edit", "edit", "edit: edit the selected node as JSON", _has_request,
               show=False),
    ActionSpec("view.diff", "d", "diff", "diff", "view: diff original vs repaired", _modified, show=False),
    ActionSpec("convert.anthropic", "C", "convert", "convert", "edit: convert an OpenAI request to Anthropic",
               _is_openai, show=False),
    ActionSpec("replay.open", "r", "replay", "replay", "replay: send the request to the API", _has_request),
    ActionSpec("export.open", "x", "export", "export", "export: save or copy the payload", _has_request),
    ActionSpec("copy.node", "c", "copy", "copy", "export: copy the selected node as JSON", _has_exchange,
               show=False),
    ActionSpec("list.search", "slash", "search", "search", "list: search exchanges", lambda app: True,
               key_display="/"),
    ActionSpec("list.toggle", "l", "toggle_list", "list", "list: show / hide the exchange list",
               lambda app: True, show=False),
    ActionSpec("list.filter", "exclamation_mark", "toggle_filter", "errors only",
               "list: show only exchanges with findings", lambda app: True, show=False, key_display="!"),
    ActionSpec("view.full", "z", "toggle_full", "full text", "view: show long strings in full",
               _has_exchange, show=False),
    ActionSpec("app.help", "question_mark", "help", "help", "app: help (every key)", lambda app: True,
               key_display="?"),
    ActionSpec("app.quit", "q", "quit", "quit", "app: quit (asks when repairs are unsaved)", lambda app: True),
)

BINDINGS = [a.binding() for a in ACTIONS]
