"""Apply fixes: one finding's, all safe ones, or all of them — re-checking after every step.

Fixes are computed against the payload as it is *now*, so after applying one the others' patch
paths may be stale.  The planner therefore applies one fix, re-checks, and repeats until nothing
applicable is left (bounded, with a guard against two fixes undoing each other).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.core.check import check_request
from tui.core.findings import Applicability, Finding, Severity
from tui.core.repair.patch import PatchError, apply_patch
from tui.core.rules.registry import Rule, select_rules

MAX_ROUNDS = 200


@dataclass(frozen=True, slots=True)
class Applied:
    """One fix that was applied: what it was for and what it did."""

    code: str
    path: str
    title: str
    applicability: Applicability


@dataclass(slots=True)
class FixResult:
    original: Any
    fixed: Any
    applied: list[Applied] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)
    stopped: str | None = None
    """Why the loop ended early (round limit, a fix cycle, a patch that did not apply), or None."""

    @property
    def changed(self) -> bool:
        return self.original != self.fixed

    @property
    def errors_left(self) -> list[Finding]:
        return [f for f in self.remaining if f.severity is Severity.ERROR]


def request_rules(rules: Sequence[Rule] | None = None) -> list[Rule]:
    """Rules about the request itself: response and error findings cannot be fixed in it."""
    return [r for r in (rules if rules is not None else select_rules()) if r.needs == "request"]


def apply_fix(body: Any, finding: Finding) -> Any:
    """The payload with one finding's fix applied (a new object; ``body`` is untouched)."""
    if finding.fix is None:
        raise ValueError(f"{finding.code} at {finding.dotted or 'the top level'} has no automatic fix")
    return apply_patch(body, finding.fix.ops)


def _fingerprint(body: Any) -> str:
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


def _eligible(f: Finding, unsafe: bool) -> bool:
    return f.fix is not None and (unsafe or f.fix.applicability is Applicability.SAFE)


def _message_of(pointer: str) -> int | None:
    """The message index a patch path stays inside (``/messages/3/content/1`` → 3); None for a
    path that adds, removes or moves whole messages or touches anything else."""
    parts = pointer.split("/")
    if len(parts) >= 4 and parts[1] == "messages" and parts[2].isdigit():
        return int(parts[2])
    return None


def independent_batch(candidates: list[Finding]) -> list[Finding]:
    """The first candidate, plus every later one of the same rule and applicability whose patch
    stays inside messages no other fix of the batch touches.  Such fixes cannot move each
    other's paths, so one round applies them all and re-checks once: linear in the number of
    findings, where one fix per round re-checked the whole request each time (quadratic:
    2,000 unanswered tool calls took minutes)."""
    first = candidates[0]
    assert first.fix is not None
    kind = (first.code, first.fix.applicability)
    batch: list[Finding] = [first]
    taken = _messages(first)
    if taken is None:
        return batch
    for f in candidates[1:]:
        if f.fix is None or (f.code, f.fix.applicability) != kind:
            continue
        touched = _messages(f)
        if touched is None or touched & taken:
            continue
        batch.append(f)
        taken |= touched
    return batch


def _messages(f: Finding) -> set[int] | None:
    """The messages ``f``'s fix edits inside, or None when it edits anything else."""
    assert f.fix is not None
    out: set[int] = set()
    for op in f.fix.ops:
        for key in ("path", "from"):
            if key in op:
                m = _message_of(str(op[key]))
                if m is None:
                    return None
                out.add(m)
    return out


def fix_payload(
    body: Any,
    *,
    unsafe: bool = False,
    rules: Sequence[Rule] | None = None,
    max_rounds: int = MAX_ROUNDS,
) -> FixResult:
    """Apply every eligible fix until the payload is stable.

    Safe fixes go before unsafe ones, errors before warnings, earlier positions before later ones.  A fix whose patch
    does not apply is skipped (and reported) rather than aborting the whole run.
    """
    chosen = request_rules(rules)
    result = FixResult(original=body, fixed=body)
    seen = {_fingerprint(body)}
    skipped: set[tuple[str, str]] = set()
    current = body
    for _ in range(max_rounds):
        findings = check_request(current, rules=chosen)
        candidates = sorted(
            (f for f in findings if _eligible(f, unsafe) and (f.code, f.dotted) not in skipped),
            # Safe fixes first (they may make an unsafe one unnecessary), then errors first.
            key=lambda f: (f.fix is not None and f.fix.applicability is not Applicability.SAFE,
                           f.severity.rank),
        )
        if not candidates:
            result.fixed, result.remaining = current, findings
            return result
        batch = independent_batch(candidates)
        new, applied = current, []
        try:  # one copy of the payload for the whole batch
            new = apply_patch(current, [op for f in batch if f.fix is not None for op in f.fix.ops])
            applied = batch
        except PatchError:
            for f in batch:  # find the fix that does not apply; keep the others
                try:
                    new = apply_fix(new, f)
                except PatchError as exc:
                    skipped.add((f.code, f.dotted))
                    result.stopped = f"the fix for {f.code} at {f.dotted} did not apply ({exc}); skipped"
                    continue
                applied.append(f)
        if not applied:
            continue
        fp = _fingerprint(new)
        if fp in seen:
            skipped.update((f.code, f.dotted) for f in applied)
            result.stopped = (f"the fix for {applied[0].code} at {applied[0].dotted} would undo an earlier "
                              f"fix; skipped")
            continue
        seen.add(fp)
        for f in applied:
            assert f.fix is not None
            result.applied.append(Applied(f.code, f.dotted, f.fix.title, f.fix.applicability))
        current = new
    result.fixed = current
    result.remaining = check_request(current, rules=chosen)
    result.stopped = f"stopped after {max_rounds} fixes; the payload may still change"
    return result
