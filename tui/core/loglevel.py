"""Log-level findings: what only a whole log shows (issue 6 item 3; rules in ``rules/log.py``).

One streaming pass over a log's exchanges, in log order, with bounded memory:

* every request is fingerprinted -- BLAKE2b of its canonical JSON (keys sorted, no whitespace),
  so formatting and key order do not matter but any change to the payload does;
* record B is a *retry* of record A when B's fingerprint equals A's, A failed (an error body or an
  HTTP status >= 400) and B did not start before A ended (when both are timed: a duplicate sent
  in parallel is not a reaction to A's failure);
* only requests whose latest attempt failed can be retried, so only those are remembered: at most
  :data:`WINDOW` of them (the least recently seen is forgotten first, and its summary emitted).
  Each keeps a few numbers, up to :data:`RELATED_MAX` record numbers, and -- once it has been
  retried -- the Exchange of its latest attempt (where its L004 summary is reported).

Findings (codes documented in :mod:`tui.core.rules.log`):

* **L001** a request re-sent unchanged after a structural error (it cannot succeed);
* **L002** a retry after a transient error sent sooner than the ``retry-after`` asked, or sooner
  than the shortest exponential backoff;
* **L003** more re-sends of one request than ``retry_limit``;
* **L004** (info) when a retried request's attempts end: the attempts and the input tokens the
  re-sends carried (logged ``usage`` when a response was logged, else estimated from the request
  size -- the message says which).

Each finding is reported on the retry (the Exchange yielded with it: its file and record), with
``path`` ``()`` (the request as a whole) and ``related`` = ``("records", N)`` paths naming the other
attempts by their record index in the same file (``records.N`` in JSON and text output).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from tui.core.errors import ErrorClass, classify, parse_error_body
from tui.core.findings import Finding
from tui.core.model import Exchange, LoadIssue
from tui.core.replay.policy import RetryPolicy, server_delay
from tui.core.rules.registry import Rule, select_rules

WINDOW = 64
"""Requests with a failed latest attempt remembered at once (memory bound of the pass)."""
RETRY_LIMIT = 2
"""Re-sends of one request beyond which L003 fires: the SDK's default ``max_retries``."""
BYTES_PER_TOKEN = 4
"""Estimate of JSON bytes per input token when usage is not logged (a rough average)."""
RELATED_MAX = 20
"""Attempts named in one finding's ``related``; a longer loop is summarised by its count."""
_POLICY = RetryPolicy()
_JITTER_MIN = 0.75  # the SDK scales each backoff by a jitter in [0.75, 1.0]

Located = tuple[Exchange, Finding]


@dataclass(slots=True)
class _Attempt:
    """What the pass remembers of one exchange: small, no payload."""

    record: int
    line: int | None
    outcome: str
    """``ok``, ``unknown`` (no outcome logged), or an :class:`ErrorClass` value."""
    label: str
    """``429 rate_limit_error``, ``200`` …: how messages name the outcome."""
    start: float | None
    end: float | None
    """Start + duration when both are logged, else the start (a wait measured from it is longer
    than the real one, so a too-short wait is never invented)."""
    resolution: float
    """Doubt on the timestamps (1 s when logged to the second)."""
    asked: tuple[float, str] | None
    """The wait the failed response asked for (``retry-after-ms`` / ``retry-after``)."""
    tokens: int
    tokens_logged: bool

    @property
    def name(self) -> str:
        """``record 2 (line 3)``: the record number of ``related`` and the line a user opens."""
        return f"record {self.record}" + (f" (line {self.line})" if self.line is not None else "")

    @property
    def failed(self) -> bool:
        return self.outcome not in ("ok", "unknown")


@dataclass(slots=True)
class _Chain:
    """The attempts of one request, while its latest attempt is a failure."""

    first: _Attempt
    last: _Attempt
    records: list[tuple[int, str, str]] = field(default_factory=list)
    """``(record, name, outcome label)`` of the first RELATED_MAX attempts."""
    retries: int = 0
    transient_retries: int = 0
    retry_tokens: int = 0
    estimated_tokens: int = 0
    limit_reported: bool = False
    last_exchange: Exchange | None = None
    cheap: tuple[Any, ...] = ()


def fingerprint(request: Any) -> tuple[str, int]:
    """``(hex digest, canonical size in bytes)`` of a request body: equal iff the JSON is equal."""
    canon = json.dumps(request, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                       default=str).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(canon, digest_size=16).hexdigest(), len(canon)


def cheap_key(request: dict[str, Any]) -> tuple[Any, ...]:
    """A key computed without serialising anything, equal whenever the fingerprints are equal.

    Most records succeed and match no open retry chain; comparing this key first spares them the
    canonical JSON (which costs about twice a ``json.loads`` of the record).
    """
    msgs = request.get("messages")
    n = len(msgs) if isinstance(msgs, list) else -1
    last = msgs[-1] if n > 0 else None
    role = content = None
    if isinstance(last, dict):
        role, c = last.get("role"), last.get("content")
        content = (type(c).__name__, len(c) if isinstance(c, (str, list)) else None)
    model = request.get("model")
    return (model if isinstance(model, str) else None, len(request), n, str(role), content)


def _timestamp(value: str | None) -> tuple[float, float] | None:
    """``(epoch seconds, resolution)`` of an ISO 8601 time; None when absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    _, _, clock = value.partition("T") if "T" in value else value.partition(" ")
    frac = clock.split(".", 1)[1] if "." in clock else ""
    digits = len(frac) - len(frac.lstrip("0123456789"))
    return when.timestamp(), 10.0 ** -digits if digits else 1.0


def _usage_tokens(response: Any) -> int | None:
    usage = response.get("usage") if isinstance(response, dict) else None
    if not isinstance(usage, dict) or not isinstance(usage.get("input_tokens"), int):
        return None
    keys = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    return sum(v for k in keys if isinstance(v := usage.get(k), int) and not isinstance(v, bool))


def _attempt(ex: Exchange) -> _Attempt:
    """What the pass keeps of an exchange (tokens are filled in once the request is
    fingerprinted, only for exchanges that can be part of a retry chain)."""
    err = parse_error_body(ex.error, ex.status) if ex.error is not None else None
    status = ex.status
    if err is not None:
        outcome = classify(err.status, err.type, err.message).value
        label = " ".join(p for p in (str(err.status or status or ""), err.type or "") if p) or "error"
    elif isinstance(status, int) and status >= 400:
        outcome = classify(status, None, None).value
        label = str(status)
    elif ex.response is not None or (isinstance(status, int) and 200 <= status < 300):
        outcome, label = "ok", str(status or 200)
    else:
        outcome, label = "unknown", "no outcome logged"
    start = _timestamp(ex.started_at)
    t0, res = start if start else (None, 1.0)
    end = t0 + ex.duration_ms / 1000 if t0 is not None and ex.duration_ms is not None else t0
    asked = None
    if outcome == ErrorClass.TRANSIENT.value and ex.headers and end is not None:
        # an HTTP-date retry-after is measured from when the failed response arrived
        asked = server_delay(ex.headers, datetime.fromtimestamp(end, timezone.utc))
    return _Attempt(ex.source.record, ex.source.line, outcome, label, t0, end, res, asked, 0, False)


def _set_tokens(att: _Attempt, ex: Exchange, size: int) -> None:
    logged = _usage_tokens(ex.response)
    att.tokens = logged if logged is not None else math.ceil(size / BYTES_PER_TOKEN)
    att.tokens_logged = logged is not None


def _wait(prev: _Attempt, att: _Attempt) -> tuple[float, float] | None:
    """``(measured wait, doubt)`` between the end of ``prev`` and the start of ``att``."""
    if prev.end is None or att.start is None:
        return None
    return att.start - prev.end, max(prev.resolution, att.resolution)


def _seconds(wait: float, doubt: float) -> str:
    if doubt >= 0.5:
        return f"at most {max(wait + doubt, 0):.1f} s"
    return f"{max(wait, 0):.2f} s"


def _records(numbers: Iterable[int]) -> str:
    nums = list(numbers)
    return ", ".join(map(str, nums[:RELATED_MAX])) + (", …" if len(nums) > RELATED_MAX else "")


class LogChecker:
    """The streaming pass: :meth:`feed` each exchange in log order, then :meth:`finish`.

    One checker per file: record numbers in ``related`` refer to the file being fed.  ``rules``
    selects which L codes are reported (default: all); the others are neither computed into
    findings nor printed.
    """

    def __init__(self, rules: Sequence[Rule] | None = None, *, retry_limit: int = RETRY_LIMIT,
                 window: int = WINDOW) -> None:
        chosen = select_rules() if rules is None else rules
        self._rules = {r.code: r for r in chosen if r.family == "L"}
        self.retry_limit = retry_limit
        self.window = window
        self._open: OrderedDict[str, _Chain] = OrderedDict()
        self._cheap: dict[tuple[Any, ...], int] = {}

    @property
    def enabled(self) -> bool:
        return bool(self._rules)

    def _finding(self, code: str, message: str, related: Iterable[int]) -> Finding | None:
        rule = self._rules.get(code)
        if rule is None:
            return None
        return Finding(code=code, name=rule.name, severity=rule.severity, message=message, path=(),
                       related=tuple(("records", r) for r in list(related)[:RELATED_MAX]),
                       reference=rule.references)

    def feed(self, ex: Exchange | LoadIssue) -> list[Located]:
        """Findings that this exchange completes (on it, or on an earlier retry whose attempts
        ended); LoadIssues and exchanges without a request are skipped."""
        if not self._rules or not isinstance(ex, Exchange) or not isinstance(ex.request, dict):
            return []
        att = _attempt(ex)
        cheap = cheap_key(ex.request)
        if not att.failed and cheap not in self._cheap:
            return []  # cannot be a retry of an open chain, and opens none: the common case
        fp, size = fingerprint(ex.request)
        _set_tokens(att, ex, size)
        out: list[Located] = []
        chain = self._pop(fp)
        if chain is not None:
            wait = _wait(chain.last, att)
            if wait is not None and wait[0] + wait[1] < 0:
                # started before the failed attempt ended: a parallel duplicate, not a retry
                out += self._close(chain)
                chain = None
        if chain is None:
            if att.failed:
                self._push(fp, _Chain(att, att, [(att.record, att.name, att.label)], cheap=cheap))
                out += self._evict()
            return out
        out += self._judge(chain, att, ex)
        chain.last_exchange = ex
        if att.failed:
            self._push(fp, chain)
            out += self._evict()
        else:
            out += self._close(chain)
        return out

    def finish(self) -> list[Located]:
        """The summaries of retried requests still open at the end of the log."""
        out: list[Located] = []
        while self._open:
            out += self._close(self._pop(next(iter(self._open))))
        return out

    def _push(self, fp: str, chain: _Chain) -> None:
        self._open[fp] = chain
        self._cheap[chain.cheap] = self._cheap.get(chain.cheap, 0) + 1

    def _pop(self, fp: str) -> _Chain | None:
        chain = self._open.pop(fp, None)
        if chain is not None:
            left = self._cheap[chain.cheap] - 1
            if left:
                self._cheap[chain.cheap] = left
            else:
                del self._cheap[chain.cheap]
        return chain

    def _evict(self) -> list[Located]:
        out: list[Located] = []
        while len(self._open) > self.window:
            out += self._close(self._pop(next(iter(self._open))))
        return out

    def _judge(self, chain: _Chain, att: _Attempt, ex: Exchange) -> list[Located]:
        """Record ``att`` as a retry of ``chain`` and report what is wrong with it."""
        prev = chain.last
        found: list[Finding | None] = []
        nth = chain.retries + 1
        if prev.outcome == ErrorClass.STRUCTURAL.value:
            again = f" (re-send {nth} of this request)" if nth > 1 else ""
            found.append(self._finding(
                "L001",
                f"re-sent unchanged after {prev.name} was rejected ({prev.label}){again}; "
                f"the API rejects the same payload the same way, so this attempt cannot succeed: "
                f"repair the payload instead of retrying",
                dict.fromkeys([prev.record, chain.first.record])))
        elif prev.outcome == ErrorClass.TRANSIENT.value:
            chain.transient_retries += 1
            found.append(self._backoff(chain.transient_retries, prev, att))
        chain.retries = nth
        if len(chain.records) <= RELATED_MAX:
            chain.records.append((att.record, att.name, att.label))
        chain.retry_tokens += att.tokens
        chain.estimated_tokens += 0 if att.tokens_logged else att.tokens
        chain.last = att
        if chain.retries > self.retry_limit and not chain.limit_reported:
            chain.limit_reported = True
            earlier = [r for r, _, _ in chain.records if r != att.record]
            found.append(self._finding(
                "L003",
                f"this request has been sent {chain.retries + 1} times (records "
                f"{_records([*earlier, att.record])}): more than {self.retry_limit} "
                f"retr{'ies' if self.retry_limit != 1 else 'y'}; the last failure before this one "
                f"was {prev.label}",
                earlier))
        return [(ex, f) for f in found if f is not None]

    def _backoff(self, k: int, prev: _Attempt, att: _Attempt) -> Finding | None:
        """L002 for the k-th retry after a transient failure, when the wait was too short."""
        wait = _wait(prev, att)
        if wait is None:
            return None
        measured, doubt = wait
        longest = measured + doubt
        sent = f"sent {_seconds(measured, doubt)} after the {prev.label} of {prev.name}"
        if prev.asked is not None and prev.asked[0] > 0:
            asked, header = prev.asked
            if longest < asked:
                return self._finding(
                    "L002", f"{sent}, which asked to wait {asked:g} s ({header}): the retry came "
                            f"before the server said it would be accepted", [prev.record])
            return None
        shortest = min(_POLICY.base * 2 ** (k - 1), _POLICY.cap) * _JITTER_MIN
        if longest >= shortest:
            return None
        if k == 1:
            why = (f"no backoff: even the first retry should wait at least {shortest:g} s "
                   f"(exponential backoff with jitter, as the SDK does)")
        else:
            why = (f"the wait did not grow: retry {k} should come at least {shortest:g} s after "
                   f"the previous failure (exponential backoff with jitter, as the SDK does)")
        return self._finding("L002", f"{sent}; {why}", [prev.record])

    def _close(self, chain: _Chain | None) -> list[Located]:
        """L004 for a request whose attempts ended, if it was retried at all."""
        ex = chain.last_exchange if chain is not None else None
        if chain is None or chain.retries == 0 or ex is None:
            return []
        n = chain.retries
        attempts = ", ".join(f"{name} {label}" for _, name, label in chain.records[:RELATED_MAX])
        if n + 1 > RELATED_MAX:
            attempts += ", …"
        if chain.estimated_tokens == 0:
            how = "from the logged usage"
        elif chain.estimated_tokens == chain.retry_tokens:
            how = (f"an estimate from the request size at ~{BYTES_PER_TOKEN} bytes per token: "
                   f"no usage was logged for {'them' if n != 1 else 'it'}")
        else:
            how = (f"{chain.retry_tokens - chain.estimated_tokens:,} from the logged usage, the rest "
                   f"estimated from the request size at ~{BYTES_PER_TOKEN} bytes per token")
        end = "" if not chain.last.failed else "; the last attempt in this log failed too"
        f = self._finding(
            "L004",
            f"this request was sent {n + 1} times: {attempts}. The {n} re-send{'s' * (n != 1)} "
            f"carried about {chain.retry_tokens:,} input tokens ({how}){end}",
            [r for r, _, _ in chain.records if r != chain.last.record])
        return [(ex, f)] if f is not None else []


def check_log(exchanges: Iterable[Exchange | LoadIssue], rules: Sequence[Rule] | None = None, *,
              retry_limit: int = RETRY_LIMIT, window: int = WINDOW) -> Iterator[Located]:
    """Every log-level finding of a log, as ``(the exchange it is reported on, finding)``.

    Streaming: consumes ``exchanges`` once, in order, holding at most ``window`` open retry
    chains; a finding is yielded as soon as the record that completes it has been read.
    """
    checker = LogChecker(rules, retry_limit=retry_limit, window=window)
    for ex in exchanges:
        yield from checker.feed(ex)
    yield from checker.finish()

