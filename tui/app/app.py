"""Payload Doctor's Textual app: open a log, see the conversation tree, jump to violations,
repair, replay and export.  The app owns the state (:mod:`tui.app.state`) and calls the core;
widgets only render and post messages; long work runs in workers.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, ComposeResult
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.widgets import Footer, Header, Input, OptionList, Static

from tui.app.actions import ACTIONS, BINDINGS
from tui.app.labels import DocPath, Marks, doc_path
from tui.app.state import ExchangeState, Session, Summary, conversation_length, summarize_state
from tui.app.widgets.conversation import ConversationTree, resolve
from tui.app.widgets.detail import DetailPane
from tui.app.widgets.exchange_list import ExchangeList, ExchangeListHeader, Row
from tui.app.widgets.findings import FindingsPanel
from tui.app.widgets.search import SearchBox
from tui.core.display import one_line, printable
from tui.core.filecheck import Totals
from tui.core.findings import Applicability, Finding
from tui.core.formats import LoadError, open_log
from tui.core.model import Exchange, LoadIssue


FOLLOW_POLL = 0.5
"""Seconds between two looks at a followed file."""
PREVIEW_MESSAGES = 300
"""A first conversation at least this long is drawn before its check ends."""


class ActionCommands(Provider):
    """Every registry action as ``namespace: verb``, offered only when it applies."""

    def _candidates(self) -> list[tuple[str, str, str]]:
        app = self.app
        assert isinstance(app, PayloadDoctorApp)
        return [(a.palette, a.action, a.description) for a in ACTIONS if a.applies(app)]

    async def discover(self) -> Hits:
        for title, action, help_text in self._candidates():
            yield DiscoveryHit(title, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in self._candidates():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(action), help=help_text)

    def _runner(self, action: str):  # type: ignore[no-untyped-def]
        async def run() -> None:
            await self.app.run_action(action)
        return run


class PayloadDoctorApp(App[int]):
    """``PayloadDoctorApp(path)``; ``record`` selects an exchange first."""

    TITLE = "Payload Doctor"
    AUTO_FOCUS = "ConversationTree"  # never the hidden search box: keys would type into it
    CSS_PATH = ["app.tcss", "widgets/exchange_list.tcss", "widgets/conversation.tcss",
                "widgets/detail.tcss", "widgets/findings.tcss"]
    BINDINGS = BINDINGS
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-normal"), (170, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    COMMANDS = App.COMMANDS | {ActionCommands}

    def _fatal_error(self) -> None:
        """An unexpected exception ends the app with one masked line, never Textual's traceback
        screen, whose locals print the loaded request (keys and all).  The traceback, masked and
        without locals, goes to ``crash.log`` in the state directory; the exit code stays 1."""
        from rich.text import Text

        exc = self._exception
        path = write_crash_log(exc) if exc is not None else None
        where = f"; the traceback (secrets masked) is in {path}" if path else ""
        note = crash_note(exc) if exc is not None else "unknown error"
        self.bell()
        self._exit_renderables.append(Text(f"payload-doctor: internal error: {note}{where}", style="red"))
        self._close_messages_no_wait()

    def __init__(self, path: str | Path, *, record: int | None = None, follow: bool = False) -> None:
        super().__init__()
        self.path = str(path)
        self.start_record = record
        self.follow = follow
        """``--follow``: exchanges appended to a JSONL log appear as they are written."""
        self.session: Session | None = None
        self.index: int | None = None
        self.finding_index: int | None = None
        self.full = False
        self._syncing = False

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal, Vertical

        yield Header(show_clock=False)
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield SearchBox(placeholder="search: text, tool, id, request id (esc closes)", id="search")
                yield ExchangeListHeader(id="list-header")
                yield ExchangeList(id="exchanges")
            with Vertical(id="centre"):
                yield ConversationTree(id="tree")
                yield FindingsPanel(id="findings")
            yield DetailPane(id="detail")
        yield Static(id="status")
        yield Footer(compact=True, show_command_palette=False)  # ctrl+p: in the help (?)

    def on_mount(self) -> None:
        from tui.core.replay.engine import quiet_sdk_logging

        quiet_sdk_logging(_app_log_handler())
        self.sub_title = printable(self.path)
        self.query_one("#search", Input).display = False
        self.set_status("loading …")
        self.load()

    # -- loading ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        """Index, read and check the records off the UI thread, posting them in batches.

        JSONL logs go through the byte-offset index: the first rows appear while the scan goes
        on, and only small summaries stay in memory.  Other formats are read by their loader.
        """
        from textual.worker import get_current_worker

        from tui.core.index import LogIndex, NotIndexable

        worker = get_current_worker()
        index = None
        if self.follow:
            self._wait_for_content(worker)
        try:
            try:
                index = LogIndex.open(self.path, follow=self.follow)
            except NotIndexable:
                log = open_log(self.path)
        except LoadError as exc:
            self.call_from_thread(self._load_failed, str(exc))
            return
        if self.follow and index is None:
            self.call_from_thread(self.notify, f"{self.path} is not a JSONL log: it is read once, not followed",
                                  severity="warning", timeout=15)
        if index is not None:
            session = Session(self.path, index.format, read=index.record)
            records = self._following(index, worker, lambda: flush(True)) if self.follow \
                else self._indexed_records(index, worker)
        else:
            kept: dict[int, Exchange] = {}
            session = Session(self.path, log.format, read=lambda n: kept[n])
            records = self._kept_records(log, kept)
        self.call_from_thread(self._started, session)
        records = self._previewing(records)
        from tui.core.filecheck import Checked, LogFinding, check_records

        batch: list[tuple[Summary, list[Finding], ExchangeState | None]] = []
        handed = 0  # states handed over whole (see below)
        first_error_handed = False
        log_found: list[tuple[int, Finding]] = []
        issues: list[LoadIssue] = []
        last = time.monotonic()

        posted_done = False

        def flush(done: bool) -> None:
            nonlocal batch, log_found, issues, last, posted_done
            if posted_done and not (batch or log_found or issues):
                return  # following an idle file: nothing new to post
            self.call_from_thread(self._add_batch, batch, log_found, issues, index, done)
            batch, log_found, issues, last = [], [], [], time.monotonic()
            posted_done = posted_done or done

        try:
            for event in check_records(records):
                if worker.is_cancelled:
                    return
                if isinstance(event, LoadIssue):
                    issues.append(event)
                elif isinstance(event, LogFinding):
                    log_found.append((event.exchange.source.record, event.finding))
                elif isinstance(event, Checked):
                    rec = event.exchange
                    try:
                        st = ExchangeState.of(rec)
                        st.findings, st.checked = event.findings, True
                        summary = summarize_state(st)
                        # The exchange the app opens on (the first with an error, else the first)
                        # is handed over already checked: building it again on selection would
                        # check a 5,000-message request a second time.  A few states, never all.
                        keep = handed < 2 or (not first_error_handed and summary.errors > 0 and handed < 8)
                        first_error_handed |= keep and summary.errors > 0
                        handed += keep
                        batch.append((summary, event.findings, st if keep else None))
                    except Exception as exc:  # one record the app cannot show must not lose the others
                        if os.environ.get("PAYLOAD_DOCTOR_STRICT") == "1":
                            raise
                        issues.append(LoadIssue(rec.source.file, f"could not be shown ({crash_note(exc)})",
                                                record=rec.source.record, line=rec.source.line))
                if time.monotonic() - last > 0.25 or len(batch) >= 2000:
                    flush(self.follow and index is not None and index.done)
        except Exception as exc:  # the reader itself failed: keep what was read, say where it stopped
            if os.environ.get("PAYLOAD_DOCTOR_STRICT") == "1":
                raise
            issues.append(LoadIssue(self.path, f"reading stopped here ({crash_note(exc)})"))
        flush(True)

    def _wait_for_content(self, worker: Any) -> None:
        """``--follow`` on a file nothing was written to yet (a proxy just started): wait for it."""
        said = False
        while not worker.is_cancelled:
            try:
                if Path(self.path).stat().st_size > 0:
                    return
            except FileNotFoundError:
                pass  # not created yet: the proxy or guard creates it at its first call
            except OSError:
                return  # unreadable: the loader says so
            if not said:
                self.call_from_thread(self.set_status, f"following {printable(self.path)}: no exchange yet "
                                                       f"(new ones appear as they are written)")
                said = True
            time.sleep(FOLLOW_POLL)

    def _following(self, index: Any, worker: Any, idle: Any) -> Iterator[Exchange | LoadIssue]:
        """The indexed records, then, until the app quits, the ones appended to the file: every
        FOLLOW_POLL seconds the index reads what was added; ``idle`` posts what is pending (the
        check of a record posts nothing until the next one or a pause)."""
        yield from self._indexed_records(index, worker)
        n = len(index)
        idle()
        while not worker.is_cancelled:
            if index.grow():
                while n < len(index):
                    yield index.record(n)
                    n += 1
                continue
            idle()
            if index.problem:
                self.call_from_thread(self.notify, printable(index.problem), severity="warning", timeout=30)
                return
            time.sleep(FOLLOW_POLL)

    @staticmethod
    def _indexed_records(index: Any, worker: Any) -> Iterator[Exchange | LoadIssue]:
        n = 0
        for _ in index.scan():
            if worker.is_cancelled:
                index.cancel()
                return
            while n < len(index):
                yield index.record(n)
                n += 1
        while n < len(index):
            yield index.record(n)
            n += 1

    @staticmethod
    def _kept_records(log: Any, kept: dict[int, Exchange]) -> Iterator[Exchange | LoadIssue]:
        for rec in log:
            if isinstance(rec, Exchange):
                kept[rec.source.record] = rec
            yield rec

    def _previewing(self, records: Iterator[Exchange | LoadIssue]) -> Iterator[Exchange | LoadIssue]:
        """From the loader thread, whatever the format: a long first conversation is drawn before
        its check ends (the check of 5,000 messages takes longer than everything else the first
        screen needs)."""
        for rec in records:
            if isinstance(rec, Exchange):
                if conversation_length(rec.request) >= PREVIEW_MESSAGES:
                    self.call_from_thread(self._preview, rec)
                yield rec
                break
            yield rec
        yield from records

    def _preview(self, rec: Exchange) -> None:
        if self.index is not None or not self._alive:
            return  # the checked exchange is already shown
        doc = {"request": rec.request, "response": rec.response, "error": rec.error}
        self.query_one(ConversationTree).show(doc, Marks(), keep=("request",))
        self.query_one(DetailPane).show(("request",), rec.request, [], full=self.full)
        self.query_one(ConversationTree).focus()
        self.set_status(f"checking {conversation_length(rec.request):,} messages … (the findings appear when the check ends)")

    def _load_failed(self, message: str) -> None:
        self.set_status(printable(message))
        self.query_one(ConversationTree).show({"error": {"error": {"type": "load error",
                                                                   "message": message}}}, Marks())
        self.notify(printable(message), title="Cannot open the file", severity="error", timeout=30)

    def _started(self, session: Session) -> None:
        self.session = session
        self.set_status(f"loading {printable(self.path)} …")

    def _add_batch(self, batch: list[tuple[Summary, list[Finding], ExchangeState | None]], log_found: list[tuple[int, Finding]],
                   issues: list[LoadIssue], index: Any, done: bool = False) -> None:
        session = self.session
        if session is None or not self._alive:
            return  # the app is closing: a batch that was already on its way arrives too late
        for summary, findings, state in batch:
            session.add(summary, findings, state)
        touched = {session.add_log_finding(record, f) for record, f in log_found}
        session.issues.extend(issues)
        session.totals.unreadable = len(session.issues)
        session.done = done
        for issue in issues[:5] if len(session.issues) <= 5 else ():
            self.notify(printable(str(issue)), title="Record skipped", severity="warning", timeout=15)
        lst = self.query_one(ExchangeList)
        lst.set_rows([self._row(i) for i in range(len(session))])
        if len(session) > 1:
            self.query_one("#main").add_class("-multi")
        if self.index in touched:
            self.refresh_views(keep=self.query_one(ConversationTree).cursor_path)
        wanted = self.start_record is not None and any(x.record == self.start_record for x, _, _ in batch)
        ready = done or wanted or (self.start_record is None and (
            any(x.errors for x in session.summaries) or len(session) >= 200))
        if self.index is None and session.summaries and ready:
            self._select_first()
            (lst if self._list_visible() else self.query_one(ConversationTree)).focus()
        if done:
            if not session.summaries and self.follow:
                self.set_status(f"following {printable(self.path)}: no exchange yet (new ones appear as they "
                                f"are written)")
                return
            if not session.summaries:
                self._load_failed(f"{self.path}: no readable exchange"
                                  + (f" ({session.issues[0]})" if session.issues else ""))
                return
            if len(session.issues) > 5:
                self.notify(f"{len(session.issues)} records could not be read (the first: "
                            f"{printable(str(session.issues[0]))})", severity="warning", timeout=15)
        self._update_status()

    def _select_first(self) -> None:
        """The requested record, else the first exchange with an error, else the first."""
        assert self.session is not None
        lst = self.query_one(ExchangeList)
        target = 0
        if self.start_record is not None:
            target = next((i for i, s in enumerate(self.session.summaries) if s.record == self.start_record), 0)
        else:
            target = next((i for i, s in enumerate(self.session.summaries) if s.errors), 0)
        lst.select_index(target)
        self.select(target)

    def _row(self, i: int) -> Row:
        assert self.session is not None
        s = self.session.summaries[i]
        st = self.session.cached(i)
        if st is not None and st.checked:
            c = st.counts
            return Row(i, s.time, s.model, s.status, conversation_length(st.request), c["error"], c["warning"],
                       st.history.modified, s.search_text)
        log_errors, log_warnings = self.session.log_counts(s.record)
        return Row(i, s.time, s.model, s.status, s.messages, s.errors + log_errors, s.warnings + log_warnings,
                   False, s.search_text)

    # -- selection -------------------------------------------------------------------------
    @property
    def current(self) -> ExchangeState | None:
        if self.session is None or self.index is None:
            return None
        return self.session.state(self.index)

    @property
    def selected_finding(self) -> Finding | None:
        st = self.current
        if st is None or not st.findings:
            return None
        if self.finding_index is not None and 0 <= self.finding_index < len(st.findings):
            return st.findings[self.finding_index]
        here = [f for f in st.findings if doc_path(f) == self.query_one(ConversationTree).cursor_path]
        return here[0] if here else None

    def select(self, index: int) -> None:
        """Show exchange ``index``, opened at its first finding (where the user will look)."""
        self.index = index
        self.finding_index = None
        st = self.current
        first = doc_path(st.findings[0]) if st is not None and st.findings else ("request",)
        self.refresh_views(keep=first)

    def refresh_views(self, keep: DocPath | None) -> None:
        if not self._alive:
            return
        st = self.current
        if st is None:
            return
        tree = self.query_one(ConversationTree)
        tree.show(st.document(), Marks.of(st.findings), keep=keep)
        self.query_one(FindingsPanel).show(st.findings, keep=self.finding_index)
        self._show_detail(keep or tree.cursor_path)
        self.query_one(ExchangeList).update_row(self._row(self.index or 0))
        self._update_status()

    @property
    def _alive(self) -> bool:
        """False while the app shuts down: messages still in flight must not touch the widgets."""
        return not (self._exit or self._closing or self._closed) and bool(self.query(DetailPane))

    def _show_detail(self, path: DocPath) -> None:
        st = self.current
        if st is None or not self._alive:
            return
        here = [f for f in st.findings if doc_path(f) == path]
        self.query_one(DetailPane).show(path, resolve(st.document(), path) if path else st.document(),
                                        here, full=self.full)

    def _recheck(self, st: ExchangeState) -> None:
        assert self.session is not None
        self.session.recheck(st)

    def _update_status(self) -> None:
        st = self.current
        if st is None or self.session is None:
            return
        n = len(self.session)
        loading = "" if self.session.done else " (loading …)"
        if self.follow:
            loading += " · following the file"
        here = Totals(exchanges=1)
        for f in st.findings:
            here.add(f)
        mine = here.words(errors_always=True).rsplit(" in ", 1)[0]
        parts = [(f"exchange {(self.index or 0) + 1} of {n}: {mine}" if n > 1 else mine) + loading]
        if n > 1:
            parts.append(f"file: {self.session.totals.words()}")
        if st.history.modified:
            parts.append(f"● modified ({st.history.position} edit{'s' * (st.history.position != 1)})")
        edited = len(self.session.unsaved())
        if edited and not (edited == 1 and st.unsaved):
            parts.append(f"{edited} exchange{'s' * (edited != 1)} unsaved (S saves the log)")
        elif edited:
            parts[-1] += ", unsaved (S saves the log)"
        if self.session.issues and not self.session.totals.unreadable:
            parts.append(f"{len(self.session.issues)} unreadable record(s)")
        self.set_status("  ·  ".join(parts))

    def set_status(self, text: str) -> None:
        if self._alive:
            self.query_one("#status", Static).update(text)

    # -- messages from widgets -------------------------------------------------------------
    @on(ExchangeList.Highlighted)
    def _exchange_highlighted(self, event: ExchangeList.Highlighted) -> None:
        # Before the first selection the list is only filling up: the app chooses where to open.
        if self.session is not None and self.index is not None and event.index != self.index:
            self.select(event.index)

    @on(ConversationTree.NodeChosen)
    def _node_chosen(self, event: ConversationTree.NodeChosen) -> None:
        self._show_detail(event.path)

    @on(OptionList.OptionHighlighted, "#findings")
    def _finding_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_id is not None and event.option_id.isdigit() and not self._syncing:
            self.finding_index = int(event.option_id)

    @on(OptionList.OptionSelected, "#findings")
    def _finding_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_id is not None and event.option_id.isdigit():
            self.finding_index = int(event.option_id)
            self.action_jump()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        lst = self.query_one(ExchangeList)
        lst.set_filter(query=event.value)
        if event.value and not lst.visible_count:
            self.set_status(printable(f"search: no exchange matches {event.value!r} (esc clears the search)"))
        else:
            self._update_status()

    @on(Input.Submitted, "#search")
    def _search_done(self, event: Input.Submitted) -> None:
        self.query_one(ExchangeList).focus()

    @on(SearchBox.Closed)
    def _search_closed(self) -> None:
        box = self.query_one("#search", Input)
        box.value = ""
        box.display = False
        self.query_one(ExchangeList).set_filter(query="")
        self.query_one(ExchangeList if self._list_visible() else ConversationTree).focus()
        self._update_status()

    # -- actions: navigation ---------------------------------------------------------------
    def _goto_finding(self, step: int) -> None:
        """``n`` / ``N``: the next finding; past the last one of this exchange, the first finding
        of the next exchange that has any (so ``n`` walks a whole log's problems)."""
        st = self.current
        if st is None:
            return
        n = len(st.findings)
        cur = self.finding_index if self.finding_index is not None else (-1 if step > 0 else n)
        nxt = cur + step
        if not 0 <= nxt < n:
            target = self._exchange_with_findings(step)
            if target is None:
                if not n:
                    self.notify("No findings in this exchange, nor in any exchange "
                                + ("after it." if step > 0 else "before it."))
                    return
                self.notify(f"No findings {'after' if step > 0 else 'before'} this exchange: "
                            f"back to its {'first' if step > 0 else 'last'}.")
                nxt = 0 if step > 0 else n - 1
            else:
                self._goto_exchange(target)
                st = self.current
                assert st is not None
                nxt = 0 if step > 0 else len(st.findings) - 1
                self.notify(f"Exchange {target + 1}: its {'first' if step > 0 else 'last'} finding.")
        self.finding_index = nxt
        panel = self.query_one(FindingsPanel)
        self._syncing = True
        panel.highlight_finding(self.finding_index)
        self._syncing = False
        self.action_jump()

    def _exchange_with_findings(self, step: int) -> int | None:
        """The nearest exchange after (step 1) or before (step -1) the current one with an error
        or a warning, in the order the list shows them."""
        if self.session is None or self.index is None:
            return None
        order = self.query_one(ExchangeList).visible_indices or list(range(len(self.session)))
        here = order.index(self.index) if self.index in order else -1
        candidates = order[here + 1:] if step > 0 else list(reversed(order[:max(here, 0)]))
        for i in candidates:
            row = self._row(i)
            if row.errors or row.warnings:
                return i
        return None

    def _goto_exchange(self, i: int) -> None:
        self.query_one(ExchangeList).select_index(i)
        if self.index != i:
            self.select(i)

    def _step_exchange(self, step: int) -> None:
        if self.session is None or self.index is None:
            return
        order = self.query_one(ExchangeList).visible_indices or list(range(len(self.session)))
        here = order.index(self.index) if self.index in order else 0
        there = here + step
        if not 0 <= there < len(order):
            self.notify(f"This is the {'last' if step > 0 else 'first'} exchange"
                        + (" shown." if len(order) < len(self.session) else "."))
            return
        self._goto_exchange(order[there])

    def action_next_exchange(self) -> None:
        self._step_exchange(1)

    def action_previous_exchange(self) -> None:
        self._step_exchange(-1)

    def action_toggle_list(self) -> None:
        if self.session is None or len(self.session) <= 1:
            self.notify("This file holds one exchange: there is no list to show.")
            return
        self._show_list(not self._list_visible())

    def _list_visible(self) -> bool:
        """What app.tcss decides, from the same classes (styles apply only on the next refresh)."""
        main = self.query_one("#main")
        if not main.has_class("-multi") or main.has_class("-list-closed"):
            return False
        return main.has_class("-list-open") or not self.screen.has_class("-narrow")

    def _show_list(self, show: bool) -> None:
        main = self.query_one("#main")
        main.set_class(show, "-list-open")
        main.set_class(not show, "-list-closed")
        if not show and self.focused is not None and self.query_one("#left") in self.focused.ancestors:
            self.query_one(ConversationTree).focus()

    def action_next_finding(self) -> None:
        self._goto_finding(1)

    def action_previous_finding(self) -> None:
        self._goto_finding(-1)

    def action_jump(self) -> None:
        f = self.selected_finding
        if f is None:
            return
        tree = self.query_one(ConversationTree)
        target = doc_path(f)
        tree.reveal(target)
        tree.focus()
        self._show_detail(tree.cursor_path)

    def action_pair(self) -> None:
        st = self.current
        if st is None:
            return
        tree = self.query_one(ConversationTree)
        path = tree.cursor_path
        partner = tree.pairs.partner(path, resolve(st.document(), path))
        if partner is None:
            self.notify("The selected node is not a paired tool_use or tool_result.", severity="warning")
            return
        tree.reveal(partner)
        self._show_detail(partner)

    def action_toggle_full(self) -> None:
        self.full = not self.full
        self._show_detail(self.query_one(ConversationTree).cursor_path)

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        self._show_list(True)
        box.display = True
        box.focus()

    def action_toggle_filter(self) -> None:
        lst = self.query_one(ExchangeList)
        lst.set_filter(only_findings=not lst.only_findings)
        self.notify("Showing only exchanges with findings." if lst.only_findings else "Showing every exchange.")

    # -- actions: repair -------------------------------------------------------------------
    def _apply(self, title: str, payload: Any, keep: DocPath | None = None) -> None:
        st = self.current
        assert st is not None
        before = st.counts["error"]
        st.history.push(title, payload)
        self._recheck(st)
        self.finding_index = None
        self.refresh_views(keep=keep if keep is not None else self.query_one(ConversationTree).cursor_path)
        self.notify(f"{printable(title)} — errors {before} → {st.counts['error']}")

    def action_fix_one(self) -> None:
        from tui.core.repair.planner import apply_fix
        from tui.core.repair.patch import PatchError

        f = self.selected_finding
        if f is None or f.fix is None:
            self.notify("Select a finding that has a fix (n / N, or the findings panel).", severity="warning")
            return
        st = self.current
        assert st is not None
        try:
            fixed = apply_fix(st.request, f)
        except (PatchError, ValueError) as exc:
            self.notify(f"The fix did not apply: {printable(str(exc))}", severity="error")
            return
        self._apply(f"{f.code}: {f.fix.title}", fixed, keep=doc_path(f))

    def action_fix_all(self) -> None:
        from tui.core.repair.planner import fix_payload

        st = self.current
        if st is None or not isinstance(st.request, dict):
            return
        res = fix_payload(st.request)
        if res.applied:
            self._apply(f"{len(res.applied)} safe fix{'es' * (len(res.applied) != 1)}", res.fixed)
        unsafe = [f for f in st.findings if f.fix is not None and f.fix.applicability is Applicability.UNSAFE]
        if unsafe:
            from tui.app.screens.confirm import ConfirmScreen

            titles = "\n".join(f"• {f.code}: {one_line(f.fix.title, 70)}" for f in unsafe[:8] if f.fix)
            self.push_screen(ConfirmScreen(
                f"{len(unsafe)} more fix{'es' * (len(unsafe) != 1)} would drop or invent content:\n{titles}\n\n"
                "Apply them too?"), self._apply_unsafe)
        elif not res.applied:
            self.notify("Nothing left to fix automatically.")

    def _apply_unsafe(self, yes: bool | None) -> None:
        from tui.core.repair.planner import fix_payload

        st = self.current
        if not yes or st is None:
            return
        res = fix_payload(st.request, unsafe=True)
        if res.applied:
            n = len(res.applied)
            self._apply(f"{n} fix{'es' * (n != 1)}, unsafe included", res.fixed)

    def action_undo(self) -> None:
        st = self.current
        if st is None or (entry := st.history.undo()) is None:
            self.notify("Nothing to undo.")
            return
        self._recheck(st)
        self.refresh_views(keep=self.query_one(ConversationTree).cursor_path)
        self.notify(f"Undid: {printable(entry.title)}")

    def action_redo(self) -> None:
        st = self.current
        if st is None or (entry := st.history.redo()) is None:
            self.notify("Nothing to redo.")
            return
        self._recheck(st)
        self.refresh_views(keep=self.query_one(ConversationTree).cursor_path)
        self.notify(f"Redid: {printable(entry.title)}")

    def action_revert(self) -> None:
        from tui.app.screens.confirm import ConfirmScreen

        st = self.current
        if st is None or not st.history.modified:
            self.notify("This exchange is not modified.")
            return
        n = st.history.position
        self.push_screen(ConfirmScreen(f"Revert exchange {(self.index or 0) + 1} to the original request? "
                                       f"({n} edit{'s' * (n != 1)}; u undoes the revert.)", default_no=True),
                         self._reverted)

    def _reverted(self, yes: bool | None) -> None:
        st = self.current
        if not yes or st is None:
            return
        st.history.revert()
        self._recheck(st)
        self.refresh_views(keep=None)
        self.notify("Reverted to the original (u undoes this).")

    # -- saving and quitting ---------------------------------------------------------------
    def save_target(self) -> Path:
        from tui.core.repair.inplace import default_output

        src = Path(self.path)
        many = self.session is not None and (len(self.session) > 1 or
                                             src.name.removesuffix(".gz").endswith((".jsonl", ".ndjson")))
        return default_output(src, many)

    def action_save_all(self) -> None:
        from tui.app.screens.confirm import ConfirmScreen

        if self.session is None or not self.session.unsaved():
            self.notify("No unsaved repairs.")
            return
        dest = self.save_target()
        if dest.exists():
            self.push_screen(ConfirmScreen(f"{printable(str(dest))} exists. Replace it with the repaired log?",
                                           default_no=True), lambda yes: self.save_all(overwrite=True) if yes else None)
            return
        self.save_all()

    def save_all(self, *, overwrite: bool = False) -> bool:
        """Write the whole repaired log beside the input (never over it), as ``fix`` names it."""
        from tui.core.repair.inplace import CannotRewrite, save_repaired_log

        session = self.session
        if session is None:
            return False
        unsaved = session.modified()
        fixed = {session.summaries[i].record: st.request for i, st in unsaved}
        dest = self.save_target()

        def bodies() -> Iterator[tuple[int, Any]]:
            for i, s in enumerate(session.summaries):
                st = session.cached(i)
                rec = st.exchange if st is not None else session.read(s.record)
                yield s.record, rec.request if isinstance(rec, Exchange) else None

        try:
            said = save_repaired_log(Path(self.path), session.format, fixed, dest, bodies=bodies(),
                                     overwrite=overwrite)
        except FileExistsError:
            self.notify(f"{printable(str(dest))} exists: not replaced.", severity="warning")
            return False
        except (CannotRewrite, OSError) as exc:
            self.notify(printable(f"Not saved: {exc}"), severity="error", timeout=20)
            return False
        for _, st in unsaved:
            st.saved = st.request
        self.notify(printable(said[0].upper() + said[1:]), title="Saved", timeout=12)
        self._update_status()
        return True

    async def action_quit(self) -> None:
        """Quit; with unsaved repairs, ask first: save the repaired log, discard, or stay."""
        from tui.app.screens.confirm import Choice, ChoiceScreen

        unsaved = self.session.unsaved() if self.session is not None else []
        if not unsaved:
            self.exit(0)
            return
        n = len(unsaved)

        def answered(choice: str | None) -> None:
            if choice == "save" and self.save_all(overwrite=False):
                self.exit(0)
            elif choice == "discard":
                self.exit(0)

        self.push_screen(ChoiceScreen(
            f"{n} exchange{'s have' if n != 1 else ' has'} unsaved repairs. Save the repaired log as "
            f"{printable(self.save_target().name)} (beside the input, which is never overwritten)?",
            [Choice("s", "Save and quit", "save", "primary"), Choice("d", "Discard and quit", "discard", "error"),
             Choice("escape", "Cancel", "cancel")]), answered)

    def action_edit(self) -> None:
        from tui.app.screens.edit import EditScreen

        st = self.current
        if st is None:
            return
        path = self.query_one(ConversationTree).cursor_path
        if not path or path[0] != "request":
            self.notify("Only the request can be edited: select a node under 'request'.", severity="warning")
            return
        value = resolve(st.document(), path)
        self.push_screen(EditScreen(path, value), lambda new: self._edited(path, new))

    def _edited(self, path: DocPath, new: Any) -> None:
        from tui.core.paths import to_pointer
        from tui.core.repair.patch import apply_patch

        st = self.current
        if st is None or new is None:
            return
        inner = path[1:]
        payload = new if not inner else apply_patch(st.request, [{"op": "replace", "path": to_pointer(inner),
                                                                  "value": new}])
        self._apply(f"edit {'.'.join(map(str, inner)) or 'request'}", payload, keep=path)

    def action_diff(self) -> None:
        from tui.app.screens.diff import DiffScreen

        st = self.current
        if st is None:
            return
        self.push_screen(DiffScreen(st.history.original, st.request))

    # -- actions: replay / export / copy ---------------------------------------------------
    def action_replay(self) -> None:
        from tui.app.screens.replay import ReplayScreen
        from tui.core.outgoing import dialect_refusal

        st = self.current
        if st is None or not isinstance(st.request, dict):
            self.notify("This exchange has no request to replay.", severity="warning")
            return
        refusal = dialect_refusal(st.outgoing())
        if refusal:
            from tui.app.screens.confirm import ConfirmScreen

            def convert_then_replay(yes: bool | None) -> None:
                if yes and self.action_convert():
                    self.action_replay()

            self.push_screen(ConfirmScreen(f"{refusal[0].upper()}{refusal[1:]}.\n\nConvert it to an Anthropic "
                                           "request first? (An edit you can undo with u; the notes say what "
                                           "did not carry over.)"), convert_then_replay)
            return
        self.push_screen(ReplayScreen(st, self.path), self._replayed)

    def action_convert(self) -> bool:
        """Turn an OpenAI request into the Anthropic request the CLI's ``--convert`` would send."""
        from tui.core.outgoing import converted, dialect_refusal

        st = self.current
        if st is None or not isinstance(st.request, dict) or not dialect_refusal(st.outgoing()):
            self.notify("This request is already an Anthropic request.")
            return False
        was = st.history.dialect
        body, notes = converted(st.outgoing(), st.request)
        st.history.push(f"convert from {was}", body, "anthropic")
        self._recheck(st)
        self.finding_index = None
        self.refresh_views(keep=None)
        more = f"; {len(notes)} note{'s' * (len(notes) != 1)}: " + "; ".join(notes[:3]) if notes else ""
        self.notify(printable(f"Converted from {was} to an Anthropic request (u undoes it){more}"),
                    timeout=12)
        return True

    def _replayed(self, result: Any) -> None:
        st = self.current
        if result is None or st is None:
            return
        st.replays.append(result)
        self.refresh_views(keep=self.query_one(ConversationTree).cursor_path)
        if result.outcome == "structural" and result.error_path:
            self.query_one(ConversationTree).reveal(("request", *result.error_path))
            self._show_detail(self.query_one(ConversationTree).cursor_path)

    def action_export(self) -> None:
        from tui.app.screens.export import ExportScreen

        st = self.current
        if st is None or not isinstance(st.request, dict):
            return
        self.push_screen(ExportScreen(st, self.path))

    def action_copy(self) -> None:
        from tui.core.export.clipboard import copy_text
        from tui.core.redact import redact_value

        st = self.current
        if st is None:
            return
        path = self.query_one(ConversationTree).cursor_path
        value = resolve(st.document(), path) if path else st.request
        text = json.dumps(redact_value(value), ensure_ascii=False, indent=2)
        result = copy_text(text, osc52_writer=self.copy_to_clipboard)
        self.notify(f"Copied {'.'.join(map(str, path)) or 'the payload'}: {result.detail}")

    def action_help(self) -> None:
        from tui.app.screens.help import HelpScreen

        self.push_screen(HelpScreen())


def state_dir() -> Path:
    """Where the app keeps its own files: ``$XDG_STATE_HOME/payload-doctor`` (else
    ``~/.local/state/payload-doctor``), as the XDG base-directory spec says for logs."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "payload-doctor"


def crash_note(exc: BaseException) -> str:
    """``TypeError: …`` with secrets masked and the text bounded: the exception may quote the payload."""
    from tui.core.redact import redact_text

    return printable(redact_text(f"{type(exc).__name__}: {exc}"))[:300]


def write_crash_log(exc: BaseException) -> Path | None:
    """The traceback, masked, without locals (Textual's own screen prints locals, which hold the
    request and its keys), appended to ``crash.log`` in :func:`state_dir`; None if unwritable."""
    import traceback

    from tui.core.redact import redact_text

    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    path = state_dir() / "crash.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(f"--- {time.strftime('%Y-%m-%dT%H:%M:%S')}\n{redact_text(text)}\n")
    except OSError:
        return None
    return path


def _app_log_handler() -> logging.Handler:
    """SDK logs go to a file, never to stderr (where Textual draws the screen)."""
    import tempfile

    path = Path(tempfile.gettempdir()) / "payload-doctor-sdk.log"
    try:
        return logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return logging.NullHandler()


def run(path: str, record: int | None = None, follow: bool = False) -> int:
    """Entry point for ``payload-doctor [open] FILE [--follow]``."""
    app = PayloadDoctorApp(path, record=record, follow=follow)
    app.run()
    return app.return_code or 0
