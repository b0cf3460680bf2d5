"""Checking a whole log: the request rules on every exchange **and** the log-level L rules over
the log in order, with the file totals in words.

This is the one function ``check`` (CLI) and the app both call, so they cannot disagree about
what a log holds: the CLI renders each event as it comes, the app attaches the findings to the
exchanges they concern.  Streaming: records are consumed once, in order; nothing but the L rules'
bounded window is kept (:mod:`tui.core.loglevel`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from tui.core.check import check_exchange
from tui.core.findings import Finding
from tui.core.loglevel import LogChecker
from tui.core.model import Exchange, LoadIssue
from tui.core.redact import redact_and_shorten
from tui.core.rules.registry import Rule


@dataclass(frozen=True, slots=True)
class Checked:
    """One exchange and what the request rules found in it (its own response and error included)."""

    exchange: Exchange
    findings: list[Finding]


@dataclass(frozen=True, slots=True)
class LogFinding:
    """A finding only the whole log shows (a retry loop, a re-send after a 400), reported on
    ``exchange``: the retry it is about, which may be an earlier record than the last one read."""

    exchange: Exchange
    finding: Finding


Event = Checked | LogFinding | LoadIssue


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


@dataclass(slots=True)
class Totals:
    """Counts over everything checked so far, for the summary line and the exit code."""

    exchanges: int = 0
    unreadable: int = 0
    severities: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    fixable: dict[str, int] = field(default_factory=lambda: {"safe": 0, "unsafe": 0})

    def add(self, f: Finding) -> None:
        self.severities[f.severity.value] += 1
        if f.fix is not None:
            self.fixable[f.fix.applicability.value] += 1

    def remove(self, f: Finding) -> None:
        """Undo :meth:`add` (the app rechecks an exchange after an edit)."""
        self.severities[f.severity.value] -= 1
        if f.fix is not None:
            self.fixable[f.fix.applicability.value] -= 1

    @property
    def errors(self) -> int:
        return self.severities["error"]

    def words(self, *, errors_always: bool = False) -> str:
        """``11 errors, 6 warnings in 9 exchanges`` (info notes only when there is nothing else;
        ``errors_always`` says ``0 errors`` too, for a count the user is bringing down)."""
        s = self.severities
        parts = [_plural(s[k], k) for k in ("error", "warning") if s[k] or (k == "error" and errors_always)]
        if s["info"] and not parts:
            parts = [f"{s['info']:,} info note{'s' * (s['info'] != 1)}"]
        head = ", ".join(parts) or "no findings"
        text = f"{head} in {_plural(self.exchanges, 'exchange')}"
        if self.unreadable:
            text += f" ({_plural(self.unreadable, 'unreadable record')})"
        return text


def check_records(records: Iterable[Exchange | LoadIssue], rules: Sequence[Rule] | None = None, *,
                  totals: Totals | None = None) -> Iterator[Event]:
    """Every finding of a log, as events in log order: for each exchange a :class:`Checked`,
    then the :class:`LogFinding` s its arrival completes; a :class:`LoadIssue` for each record
    that cannot be read (never dropped).  ``totals``, if given, is kept up to date."""
    whole_log = LogChecker(rules)
    for rec in records:
        if isinstance(rec, LoadIssue):
            if totals is not None:
                totals.unreadable += 1
            yield rec
            continue
        try:
            findings = check_exchange(rec, rules)
        except Exception as exc:  # a rule bug on one record must not end the file (strict re-raises)
            if os.environ.get("PAYLOAD_DOCTOR_STRICT") == "1":
                raise
            issue = LoadIssue(rec.source.file, f"could not be checked (an internal error: {type(exc).__name__}: "
                                               f"{redact_and_shorten(str(exc), 120)})",
                              record=rec.source.record, line=rec.source.line)
            if totals is not None:
                totals.unreadable += 1
            yield issue
            continue
        if totals is not None:
            totals.exchanges += 1
            for f in findings:
                totals.add(f)
        yield Checked(rec, findings)
        yield from _log_events(whole_log.feed(rec), totals)
    yield from _log_events(whole_log.finish(), totals)


def _log_events(located: Iterable[tuple[Exchange, Finding]], totals: Totals | None) -> Iterator[LogFinding]:
    for ex, f in located:
        if totals is not None:
            totals.add(f)
        yield LogFinding(ex, f)


__all__ = ["Checked", "Event", "LogFinding", "Totals", "check_records"]
