"""The app's state, as plain Python: what is loaded, what is being repaired, what the checks say.

Kept free of widgets so the same state drives the tree, the list, the panels and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.core.check import check_exchange, summarize
from tui.core.findings import Finding
from tui.core.model import Exchange, LoadIssue
from tui.core.repair.history import History


@dataclass(slots=True)
class ExchangeState:
    """One exchange under repair: the original stays in the exchange, edits live in ``history``."""

    exchange: Exchange
    history: History
    findings: list[Finding] = field(default_factory=list)
    checked: bool = False
    replays: list[Any] = field(default_factory=list)
    """ReplayResults of this session, newest last."""

    @classmethod
    def of(cls, exchange: Exchange) -> ExchangeState:
        return cls(exchange, History(exchange.request))

    @property
    def request(self) -> Any:
        return self.history.current

    def recheck(self) -> list[Finding]:
        """Run every rule on the current request (with the logged response and error)."""
        ex = self.exchange
        # The logged error was the API's answer to the *original* request: once the request is
        # repaired, the E findings about it no longer describe what would be sent.
        error = ex.error if not self.history.modified else None
        view = Exchange(source=ex.source, format=ex.format, request=self.request, response=ex.response,
                        error=error, status=ex.status, started_at=ex.started_at,
                        duration_ms=ex.duration_ms, headers=ex.headers, request_id=ex.request_id,
                        extra=ex.extra, dialect=ex.dialect)
        self.findings = check_exchange(view)
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


@dataclass(slots=True)
class Session:
    path: str
    format: str
    states: list[ExchangeState] = field(default_factory=list)
    issues: list[LoadIssue] = field(default_factory=list)
