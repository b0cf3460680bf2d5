"""L: log-level patterns -- retry loops, missing backoff, retry counts, what retries cost.

These findings need the whole log, not one request, so the per-request checks below return
nothing (like ``I001``): :func:`tui.core.loglevel.check_log` emits them in one streaming pass over a
log's exchanges.  They are registered here so that ``rule``, ``rules``, ``--select/--ignore`` and
the TUI's explanation pane know them like every other rule.

Where they sit: on the *retry* (the finding's file and record are the re-sent exchange), at the
request as a whole (path ``()``), with ``related`` paths ``records.N`` naming the other attempts by
their record index in the same file (``Source.record``).
"""

from __future__ import annotations

from collections.abc import Iterator

from tui.core.findings import Severity, Violation
from tui.core.rules.context import CheckContext
from tui.core.rules.registry import rule


@rule("L001", "retry-after-structural-error", Severity.ERROR, needs="any", dialect="any")
def retry_after_structural_error(ctx: CheckContext) -> Iterator[Violation]:
    """The same request was re-sent unchanged after the API rejected it as malformed.

    ## What it does
    Follows the log in order and fingerprints every request (a hash of its canonical JSON: keys
    sorted, no whitespace, so formatting and key order do not matter).  When a request identical
    to one that failed with a structural error (400 `invalid_request_error`, 404, 413, 422: see
    E001) is sent again, the new attempt is reported, naming the rejected one in `related`
    (`records.N`).

    ## Why is this bad?
    A structural error is deterministic: the API rejects the same bytes the same way every time,
    so this attempt cannot succeed.  An agent or batch job that retries every
    error blindly turns one broken payload into a loop that burns time, request quota and,
    until someone notices, the whole run.

    ## Example
    Record 2: `POST /v1/messages` → `400 invalid_request_error: messages.3: tool_use ids were
    found without tool_result blocks immediately after: toolu_01…`; record 3: the very same body
    again → the same 400.

    ## Fix
    None here: repair the payload (the E001 and P/R/B… findings on the rejected record carry
    the fixes), and make the client stop retrying 4xx errors other than 408, 409 and 429, as
    the SDK does.
    """
    return iter(())  # emitted by tui.core.loglevel.check_log


@rule("L002", "retry-without-backoff", Severity.WARNING, needs="any", dialect="any")
def retry_without_backoff(ctx: CheckContext) -> Iterator[Violation]:
    """A request was retried after a rate-limit or overload error without waiting long enough.

    ## What it does
    For a request re-sent after a transient failure (429 `rate_limit_error`, 529
    `overloaded_error`, 500/502/503/504, 408, 409), measures the wait between the end of the
    failed attempt (`started_at` + `duration_ms`) and the start of the retry, and reports it
    when it is shorter than the `retry-after-ms` / `retry-after` the failed response asked for,
    or, without those headers, shorter than the shortest wait of exponential backoff (the SDK
    waits 0.5 s × 2^(n-1), capped at 8 s, times a jitter of 0.75–1, before retry n).  Timestamps
    logged to the second leave a second of doubt, which is always given to the client: only a
    wait that is too short even at its longest possible value is reported.

    ## Why is this bad?
    Retrying a 429 before the limit resets is rejected again and can extend the throttling;
    hammering an overloaded API (529) with immediate retries is the traffic that keeps it
    overloaded.  Retries without growing waits exhaust any attempt budget in a second, turning
    a short blip into a failed run.

    ## Example
    Record 5: `429 rate_limit_error` with `retry-after: 12`, ending at 12:00:35.1; record 6: the
    same request at 12:00:42, about 7 s later.

    ## Fix
    None in the payload: the client's retry policy is at fault.  Honour `retry-after` /
    `retry-after-ms`, back off exponentially with jitter, cap attempts and total time (the
    SDK's defaults, or `payload-doctor replay`, do all of this).
    """
    return iter(())  # emitted by tui.core.loglevel.check_log


@rule("L003", "too-many-retries", Severity.WARNING, needs="any", dialect="any")
def too_many_retries(ctx: CheckContext) -> Iterator[Violation]:
    """The same request was re-sent more times than a sane retry limit allows.

    ## What it does
    Counts the re-sends of one request after failures (any error class) and reports the first
    retry beyond the limit -- 2 by default, the SDK's `max_retries` and `payload-doctor
    replay`'s 3 attempts -- with every earlier attempt in `related`.

    ## Why is this bad?
    Transient errors that persist past a few backed-off attempts are an outage or an exhausted
    quota, not a blip; structural and client errors never go away by themselves.  Unbounded
    retries hide the real problem and multiply the cost of each failure.

    ## Example
    Five identical requests in a row, each answered `529 overloaded_error`.

    ## Fix
    None in the payload: cap the client's attempts (and total retry time), surface the error
    after the cap, and for structural errors repair the payload instead of retrying.
    """
    return iter(())  # emitted by tui.core.loglevel.check_log


@rule("L004", "retry-token-cost", Severity.INFO, needs="any", dialect="any")
def retry_token_cost(ctx: CheckContext) -> Iterator[Violation]:
    """How many attempts one request took, and how many input tokens its re-sends carried.

    ## What it does
    When a retried request's attempts end (it succeeded, or the log moved on), sums the input
    tokens of the re-sends: from the logged `usage` (`input_tokens` + cache reads and writes)
    when a response was logged, otherwise estimated from the request's size (about 4 bytes of
    JSON per token; images and documents make that an overestimate).  The message says which
    numbers are estimates and lists every attempt with its status.

    ## Why is this bad?
    It is information, not a defect: it shows what a retry loop or a flaky period cost.
    Rejected requests are usually not billed, but each re-send uploads the whole conversation
    again and costs time; every attempt that gets a response is billed in full.

    ## Example
    Record 5 `429`, record 6 `529`, record 7 `200` for the same request: 2 re-sends carried
    about 2 × the request's input tokens.

    ## Fix
    None needed.  If the number is large, fix the cause reported by L001 / L002 / L003.
    """
    return iter(())  # emitted by tui.core.loglevel.check_log
