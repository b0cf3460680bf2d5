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
    lists what each known model accepts.

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
