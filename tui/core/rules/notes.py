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
