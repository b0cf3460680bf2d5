"""The app's state, as plain Python: what is loaded, what is being repaired, what the checks say.

Kept free of widgets so the same state drives the tree, the list, the panels and the tests.
A session keeps one small :class:`Summary` per exchange and parses an exchange in full only
when it is shown (from the byte-offset index for JSONL logs), so a 1 GB log does not become
several GB of dicts; edited exchanges stay in memory with their history.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.core.check import check_exchange, summarize
from tui.core.filecheck import Totals
from tui.core.findings import Finding
from tui.core.model import Exchange, LoadIssue, Source
from tui.core.redact import redact_and_shorten, redact_text
from tui.core.repair.history import History

CACHE = 32
"""Unmodified exchanges kept parsed (the rest are re-read from the file when shown again)."""


@dataclass(slots=True)
class ExchangeState:
    """One exchange under repair: the original stays in the exchange, edits live in ``history``."""

    exchange: Exchange
    history: History
    findings: list[Finding] = field(default_factory=list)
    checked: bool = False
    replays: list[Any] = field(default_factory=list)
    """ReplayResults of this session, newest last."""
    saved: Any = None
    """The request as last written by "Save all" (None: never saved in this session)."""
    log_findings: list[Finding] = field(default_factory=list)
    """What the log-level L rules say about this exchange (a retry loop, a re-send after a 400):
    facts about the log, so they stay when the request is edited."""

    @classmethod
    def of(cls, exchange: Exchange) -> ExchangeState:
        return cls(exchange, History(exchange.request, exchange.dialect))

    @property
    def request(self) -> Any:
        return self.history.current

    def outgoing(self) -> Exchange:
        """The exchange as a replay or export would send it: the current request, in the dialect
        it is now in (an OpenAI request converted in the app is an Anthropic one)."""
        ex = self.exchange
        if self.history.dialect == ex.dialect:
            return ex
        return Exchange(source=ex.source, format=ex.format, request=self.request, headers=ex.headers,
                        dialect=self.history.dialect)

    @property
    def unsaved(self) -> bool:
        """Repaired, and not written since: quitting would lose the work."""
        return self.history.modified and self.request != self.saved

    @property
    def pinned(self) -> bool:
        """Edited or replayed: must never be evicted and re-read (the work would be lost)."""
        return self.history.modified or self.history.can_redo or bool(self.replays)

    def recheck(self) -> list[Finding]:
        """Run every rule on the current request (with the logged response and error)."""
        ex = self.exchange
        # The logged error was the API's answer to the *original* request: once the request is
        # repaired, the E findings about it no longer describe what would be sent.
        error = ex.error if not self.history.modified else None
        # A request converted to another API's dialect is judged without the logged response,
        # which answered the other API.
        response = ex.response if self.history.dialect == ex.dialect else None
        view = Exchange(source=ex.source, format=ex.format, request=self.request, response=response,
                        error=error, status=ex.status, started_at=ex.started_at,
                        duration_ms=ex.duration_ms, headers=ex.headers, request_id=ex.request_id,
                        extra=ex.extra, dialect=self.history.dialect)
        self.findings = check_exchange(view) + self.log_findings
        self.checked = True
        return self.findings

    @property
    def counts(self) -> dict[str, int]:
        return summarize(self.findings)

    def document(self) -> dict[str, Any]:
        """What the tree shows: the request, the logged response and error, and the response of
        the latest replay, as siblings."""
        doc = {"request": self.request, "response": self.exchange.response, "error": self.exchange.error}
        last = self.replays[-1] if self.replays else None
        if last is not None and getattr(last, "response", None) is not None:
            doc["replay"] = last.response
        return doc


@dataclass(frozen=True, slots=True)
class Summary:
    """What the exchange list needs of one exchange, computed once while loading."""

    record: int
    time: str
    model: str
    status: str
    messages: int
    errors: int
    warnings: int
    search_text: str


def summarize_state(state: ExchangeState) -> Summary:
    ex = state.exchange
    counts = state.counts
    status = str(ex.status) if ex.status is not None else ("err" if ex.error else "—")
    return Summary(ex.source.record, (ex.started_at or "")[11:19], redact_text(ex.model or "?"), status,
                   conversation_length(state.request), counts["error"], counts["warning"], redact_text(search_text(state)))


def search_text(state: ExchangeState) -> str:
    """What `/` matches, kept short: ids, model, tool names, and the start of every text."""
    ex = state.exchange
    parts = [ex.request_id or "", ex.model or ""]
    req = state.request
    msgs = req.get("messages", req.get("input")) if isinstance(req, dict) else None
    for m in msgs if isinstance(msgs, list) else []:
        content = m.get("content") if isinstance(m, dict) else None
        blocks = [{"text": content}] if isinstance(content, str) else content if isinstance(content, list) else []
        for b in blocks:
            if not isinstance(b, dict):
                continue
            for key in ("text", "name", "id", "tool_use_id"):
                v = b.get(key)
                if isinstance(v, str):
                    parts.append(redact_and_shorten(v, 200))
    return " ".join(parts).lower()[:20_000]


def conversation_length(request: Any) -> int:
    """Messages, or a Responses request's ``input`` items (its conversation): the list's msgs column."""
    if not isinstance(request, dict):
        return 0
    msgs = request.get("messages")
    if not isinstance(msgs, list) and "messages" not in request:
        msgs = request.get("input")
    return len(msgs) if isinstance(msgs, list) else 0


Reader = Callable[[int], "Exchange | LoadIssue"]


@dataclass(slots=True)
class Session:
    """Every exchange of one file: summaries for all, full states for those being looked at."""

    path: str
    format: str
    read: Reader
    """Reads record ``n`` of the file again (from the index, or from the list in memory)."""
    summaries: list[Summary] = field(default_factory=list)
    issues: list[LoadIssue] = field(default_factory=list)
    done: bool = False
    totals: Totals = field(default_factory=Totals)
    """The file's counts (request and L findings), kept current as exchanges are edited."""
    log_findings: dict[int, list[Finding]] = field(default_factory=dict)
    """L findings by the record they are reported on (they may arrive after its summary)."""
    positions: dict[int, int] = field(default_factory=dict)
    """Record number → exchange index."""
    _states: OrderedDict[int, ExchangeState] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __len__(self) -> int:
        return len(self.summaries)

    def state(self, i: int) -> ExchangeState:
        """The full state of exchange ``i`` (the i-th readable record), parsed on demand."""
        with self._lock:
            st = self._states.get(i)
            if st is not None:
                self._states.move_to_end(i)
                return st
        rec = self.read(self.summaries[i].record)
        if isinstance(rec, LoadIssue):  # the file changed under us: show what we know
            rec = Exchange(source=Source(rec.file, self.summaries[i].record, rec.line), format="unreadable",
                           error={"type": "error", "error": {"type": "load error", "message": str(rec)}})
        st = ExchangeState.of(rec)
        st.log_findings = list(self.log_findings.get(self.summaries[i].record, ()))
        st.recheck()
        with self._lock:
            self._states[i] = st
            self._evict()
        return st

    def add(self, summary: Summary, findings: list[Finding], state: ExchangeState | None = None) -> None:
        """A newly loaded exchange and its request findings (counted in the totals); ``state``,
        when the loader hands it over already checked, is cached so selecting it costs nothing."""
        i = len(self.summaries)
        self.positions[summary.record] = i
        self.summaries.append(summary)
        if state is not None:
            state.log_findings = list(self.log_findings.get(summary.record, ()))
            state.findings = list(findings) + state.log_findings
            with self._lock:
                self._states[i] = state
                self._evict()
        self.totals.exchanges += 1
        for f in findings:
            self.totals.add(f)

    def add_log_finding(self, record: int, finding: Finding) -> int | None:
        """An L finding about ``record``; the index of its exchange (None if not loaded)."""
        self.log_findings.setdefault(record, []).append(finding)
        self.totals.add(finding)
        i = self.positions.get(record)
        st = self._states.get(i) if i is not None else None
        if st is not None:
            st.log_findings.append(finding)
            st.findings.append(finding)
        return i

    def recheck(self, st: ExchangeState) -> list[Finding]:
        """Recheck an edited exchange and keep the file's totals true."""
        for f in st.findings:
            self.totals.remove(f)
        findings = st.recheck()
        for f in findings:
            self.totals.add(f)
        return findings

    def log_counts(self, record: int) -> tuple[int, int]:
        """(errors, warnings) of the L findings about ``record``."""
        fs = self.log_findings.get(record, ())
        return (sum(f.severity.value == "error" for f in fs), sum(f.severity.value == "warning" for f in fs))

    def modified(self) -> list[tuple[int, ExchangeState]]:
        """The exchanges with unsaved repairs (pinned states are never evicted, so all are here)."""
        return [(i, st) for i, st in self._states.items() if st.history.modified]

    def unsaved(self) -> list[tuple[int, ExchangeState]]:
        return [(i, st) for i, st in self._states.items() if st.unsaved]

    def modified_count(self) -> int:
        return sum(st.history.modified for st in self._states.values())

    def cached(self, i: int) -> ExchangeState | None:
        return self._states.get(i)

    def _evict(self) -> None:
        unpinned = [k for k, v in self._states.items() if not v.pinned]
        while len(unpinned) > CACHE:
            del self._states[unpinned.pop(0)]
