"""Replay the current request: target, model override, dry run, stream, max attempts.

The replay runs in an async worker (cancellable, waits included); each attempt is posted as a
message and appears in the table with status, class, latency and wait.  Closing the screen hands
the result to the app, which shows the response in the tree and, for a structural error, jumps
to the node the error names.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, DataTable, Input, Label, Static

from tui.app.state import ExchangeState
from tui.core.findings import Finding
from tui.core.replay.engine import ReplayResult
from tui.core.replay.send import Preflight, default_log, offered_fix, save, send
from tui.app.widgets.detail import json_view
from tui.core.display import one_line, printable


def has_api_key(env: dict[str, str] | None = None) -> bool:
    env = dict(os.environ) if env is None else env
    return bool(env.get("ANTHROPIC_API_KEY") or env.get("ANTHROPIC_AUTH_TOKEN"))


def _hint(f: Finding) -> str:
    """What the app's user can do about a local error."""
    if f.fix is None:
        return "no automatic fix (see the rule in the detail pane)"
    return f"fix: {f.fix.title} ({'f or F' if f.fix.applicability.value == 'safe' else 'f, unsafe'})"


class ReplayScreen(ModalScreen[Any]):
    AUTO_FOCUS = "#base-url"  # the first field (the app's own AUTO_FOCUS names the tree)
    CSS_PATH = "replay.tcss"
    BINDINGS = [Binding("escape", "close", "close"), Binding("ctrl+r", "send", "send")]

    class AttemptDone(Message):
        def __init__(self, attempt: Any) -> None:
            super().__init__()
            self.attempt = attempt

    class Finished(Message):
        def __init__(self, result: Any, tokens: int | None = None, saved: str | None = None) -> None:
            super().__init__()
            self.result = result
            self.tokens = tokens
            self.saved = saved

    def __init__(self, state: ExchangeState, source: str) -> None:
        super().__init__()
        self.state = state
        self.source = source
        self.result: Any = None
        self.preflight = Preflight([])
        self.log_target = ""

    def compose(self) -> ComposeResult:
        body = self.state.request
        model = body.get("model") if isinstance(body, dict) else None
        with Vertical(id="dialog"):
            yield Static(Text("Replay the current request", style="bold"))
            with Horizontal(classes="row"):
                yield Label("target ")
                yield Input(os.environ.get("ANTHROPIC_BASE_URL", ""), placeholder="https://api.anthropic.com",
                            id="base-url")
            with Horizontal(classes="row"):
                yield Label("model  ")
                yield Input("", placeholder=str(model or "(the request names no model)"), id="model")
                yield Label(" attempts ")
                yield Input("3", id="attempts", type="integer", max_length=2)
            with Horizontal(classes="row"):
                yield Label("log    ")
                yield Input(str(default_log(self.source)), placeholder="(empty: keep no replay log)", id="log")
            with Horizontal(classes="row"):
                yield Checkbox("dry run (count_tokens)", id="dry-run")
                yield Checkbox("stream", id="stream")
                yield Checkbox("send despite errors", id="force")
            with Horizontal(classes="row"):
                yield Button("Send (ctrl+r)", variant="primary", id="send")
                yield Button("Close (esc)", id="close")
            yield Static("", id="notice")
            yield DataTable(id="attempts-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="response-box"):
                yield Static("", id="response")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for col, key in (("#", "n"), ("status", "status"), ("class", "class"), ("ms", "ms"),
                         ("wait", "wait"), ("what happened", "what")):
            table.add_column(col, key=key)
        if not has_api_key():
            self._notice("No API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) in the environment "
                         "and restart. The dry run still runs the local checks.", "yellow")
            self.query_one("#dry-run", Checkbox).value = True

    def _notice(self, text: str, style: str = "") -> None:
        self.query_one("#notice", Static).update(Text(printable(text), style=style))

    # -- sending ---------------------------------------------------------------------------
    @on(Input.Submitted)
    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        body = self.state.request
        pre = Preflight.of(self.state.outgoing(), body)
        dry = self.query_one("#dry-run", Checkbox).value
        if dry and not has_api_key():
            self._notice(pre.dry_run_summary(None).split(";")[0] + " — count_tokens needs an API key."
                         + "".join(f"\n{line}" for line in pre.lines(_hint)[:6]),
                         "bold red" if pre.errors else "green")
            return
        if pre.blocks(force=self.query_one("#force", Checkbox).value, dry_run=dry):
            n = len(pre.errors)
            self._notice(f"Not sent: {n} local error{'s' * (n != 1)} the API would reject ({pre.codes}). "
                         f"Fix them (F) or tick 'send despite errors'."
                         + "".join(f"\n{line}" for line in pre.lines(_hint)[:6]), "bold red")
            return
        try:
            attempts = max(1, int(self.query_one("#attempts", Input).value or "3"))
        except ValueError:
            attempts = 3
        self.query_one(DataTable).clear()
        self.query_one("#response", Static).update("")
        self._notice("sending …", "dim")
        self.preflight = pre
        self.log_target = self.query_one("#log", Input).value.strip()  # read now: the dialog may close first
        self.run_replay(body, self.query_one("#base-url", Input).value.strip() or None,
                        self.query_one("#model", Input).value.strip() or None,
                        self.query_one("#stream", Checkbox).value, attempts, dry)

    @work(exclusive=True, group="replay")
    async def run_replay(self, body: dict[str, Any], base_url: str | None, model: str | None,
                         stream: bool, attempts: int, dry: bool) -> None:
        from tui.core.outgoing import send_headers
        from tui.core.replay.engine import ReplayOptions, count_tokens
        from tui.core.replay.policy import RetryPolicy

        headers = send_headers(self.state.outgoing())
        opts = ReplayOptions(base_url=base_url, model=model, stream=stream,
                             policy=RetryPolicy(max_attempts=attempts), headers=headers)
        if dry:
            tokens, attempt = await count_tokens(body, opts)
            self.post_message(self.AttemptDone(attempt))
            self.post_message(self.Finished(None, tokens))
            return
        result = ReplayResult(body)
        try:
            await send(body, opts, on_attempt=lambda a: self.post_message(self.AttemptDone(a)), result=result)
        finally:  # every attempt sent may have been billed: kept even when the dialog is closed
            saved = self._save(result)
        self.post_message(self.Finished(result, saved=saved))

    @on(AttemptDone)
    def _attempt(self, event: AttemptDone) -> None:
        a = event.attempt
        table = self.query_one(DataTable)
        key = str(a.number)
        cls = a.error_class.value if a.error_class else ("ok" if a.outcome == "success" else "")
        wait = f"{a.wait:.2f}s" if a.wait is not None else ""
        row = (str(a.number), str(a.status or "—"), cls, f"{a.latency_ms:.0f}", wait,
               Text(one_line(a.message + (f" — {a.wait_reason}" if a.wait_reason else ""), 90)))
        if key in table.rows:
            table.update_cell(key, "wait", wait)
            table.update_cell(key, "what", row[5])
        else:
            table.add_row(*row, key=key)

    def _save(self, result: ReplayResult) -> str | None:
        """Append the attempts to the replay log the dialog names (as ``replay --save`` does)."""
        if not result.attempts:
            return None
        target = self.log_target
        if not target:
            return "no replay log kept (the log field is empty)"
        return save(Path(target).expanduser(), result, self.state.exchange)

    @on(Finished)
    def _finished(self, event: Finished) -> None:
        pre = self.preflight
        if event.result is None:
            self._notice(pre.dry_run_summary(event.tokens)
                         + "".join(f"\n{line}" for line in pre.lines(_hint)[:6]),
                         "bold green" if event.tokens is not None and not pre.errors else "bold red")
            return
        self.result = event.result
        r = event.result
        style = "bold green" if r.outcome == "success" else "bold red"
        lines = [f"{r.outcome}: {r.summary}"]
        if r.advice:
            lines.append(r.advice)
        fix = offered_fix(self.state.outgoing(), self.state.request, r)
        if fix is not None and fix.fix is not None:
            lines.append(f"Offered fix: {fix.code} {fix.dotted}: {fix.fix.title} (close, then f on the finding)")
        if r.outcome == "structural" and r.error_path:
            lines.append(f"Close (esc) to jump to {'.'.join(map(str, r.error_path))} in the tree.")
        if event.saved:
            lines.append(event.saved.capitalize() if event.saved[0].islower() else event.saved)
            self.app.notify(printable(event.saved), title="Replay log")
        self._notice("\n".join(lines), style)
        if r.response is not None:
            self.query_one("#response", Static).update(json_view(r.response))

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.workers.cancel_group(self, "replay")
        self.dismiss(self.result)
