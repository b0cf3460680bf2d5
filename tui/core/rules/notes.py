"""I: notes about the check itself (emitted by the engine, not by payload contents)."""

from __future__ import annotations

from collections.abc import Iterator

from tui.core.findings import Severity, Violation
from tui.core.rules.context import CheckContext
from tui.core.rules.registry import rule


@rule("I001", "model-rules-skipped", Severity.INFO, needs="any")
def model_rules_skipped(ctx: CheckContext) -> Iterator[Violation]:
    """Model-dependent rules were skipped because the model is not in the capability table.

    ## What it does
    Says which rules did not run.  Prefill, sampling parameters, thinking modes, output caps and
    retired model ids depend on the model; the capability table (`tui/core/data/models.json`)
    lists what each known model accepts.  An id shaped like a Claude id of a known family
    borrows that family's capabilities instead (I003), so this note is for ids of no known
    family.

    ## Why is this bad?
    It is not: but a clean report for an unknown model is weaker than one for a known model.

    ## Example
    `{"model": "my-proxy-alias", ...}`

    ## Fix
    None needed.  Add the model to the capability table if it is a real Anthropic model.
    """
    return iter(())  # emitted by the engine (tui.core.check)


@rule("I002", "rule-failed", Severity.INFO, needs="any")
def rule_failed(ctx: CheckContext) -> Iterator[Violation]:
    """A rule raised an exception on this payload; its result is missing from the report.

    ## What it does
    Keeps one broken rule from hiding every other finding.

    ## Why is this bad?
    The report may be incomplete.  Please file the payload (redacted) as a bug.

    ## Example
    (none: this is a bug in Payload Doctor)

    ## Fix
    None in the payload: this is a bug in Payload Doctor, to be fixed in the rule.
    """
    return iter(())  # emitted by the engine (tui.core.check)


@rule("I003", "model-capabilities-borrowed", Severity.INFO, needs="any")
def model_capabilities_borrowed(ctx: CheckContext) -> Iterator[Violation]:
    """The model is not in the capability table; its family's capabilities were used instead.

    ## What it does
    An id shaped like a Claude id of a known family (`claude-sonnet-5-7`, `claude-opus-6`,
    `claude-3-9-haiku`) that the table (`tui/core/data/models.json`) does not list gets the
    capabilities of the family's newest known model that is not newer than it (the family's
    newest for a newer id), so the model-dependent rules still run.  This note says which
    model lent them.  A retirement date is never borrowed.  An id of no known family still
    gets I001.

    ## Why is this bad?
    It is not, but the limits (output cap, effort levels, thinking modes, prefill) are a guess
    until the table lists the model: a finding that depends on them may be wrong for it.

    ## Example
    `{"model": "claude-sonnet-5-7", ...}`

    ## Fix
    None needed.  Add the model to the capability table, with its sources, once it is
    documented.
    """
    caps = ctx.caps
    if caps is None or caps.borrowed_from is None or not isinstance(ctx.request.get("messages"), list):
        return
    yield Violation(("model",), f"capabilities borrowed from {caps.borrowed_from}: {ctx.model} is not in the table")


@rule("I004", "body-not-logged-whole", Severity.INFO, needs="any", dialect="any")
def body_not_logged_whole(ctx: CheckContext) -> Iterator[Violation]:
    """The log printed the request or response body cut, so it was not checked.

    ## What it does
    Says which parts of a body the logger left out.  Node's `console` (which the TypeScript
    SDK's `ANTHROPIC_LOG=debug` log writes through) prints objects deeper than 2 levels as
    `[Object]` / `[Array]`, stops arrays after 100 items and strings after 10,000 characters:
    a request logged that way shows `messages: [Array]`.  Such a body is kept out of the
    request rules (a cut body would give false findings); status, retries, timing and the
    logged error are still checked.

    ## Why is this bad?
    It is not the payload's fault, but a clean report on such an exchange says nothing about
    its payload: the rules did not see it.

    ## Example
    `[log_6e9a96] sending request { … options: { body: { model: 'claude-sonnet-4-6',
    max_tokens: 1024, messages: [Array] } } … }`

    ## Fix
    None in the payload.  Log whole bodies: set `util.inspect.defaultOptions = {depth: null,
    maxArrayLength: null, maxStringLength: null}` before the client logs, or give the client a
    `logger` that prints JSON, then run the call again.
    """
    cut = ctx.exchange.extra.get("cut") if ctx.exchange is not None else None
    if not isinstance(cut, dict):
        return
    for side in ("request", "response"):
        where = cut.get(side)
        if isinstance(where, list) and where:
            shown = ", ".join(str(w) for w in where[:4]) + (f" and {len(where) - 4} more" if len(where) > 4 else "")
            yield Violation((), f"the log printed the {side} body cut at {shown}: "
                                f"{'its payload was not checked' if side == 'request' else 'it was not read'}; "
                                f"{cut.get('hint') or 'log the whole body to check it'}")
