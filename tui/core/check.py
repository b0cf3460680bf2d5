"""Run the rule catalog over exchanges: the one entry point the CLI and the app share."""

from __future__ import annotations

import os
from dataclasses import replace
from collections.abc import Iterable, Sequence
from typing import Any

from tui.core.findings import Applicability, Finding, Severity, Violation
from tui.core.redact import contains_secret, redact_text
from tui.core.model import Exchange, Source
from tui.core.rules.context import CheckContext
from tui.core.rules.registry import Rule, get_rule, select_rules

# Set by the test-suite: a crashing rule is a bug to see, not a note to print.
_STRICT = os.environ.get("PAYLOAD_DOCTOR_STRICT") == "1"


def _finding(rule: Rule, v: Violation) -> Finding:
    # Messages and fix titles quote the payload (a model name, a tool name, an error text): they
    # are masked here, once, so no front end can show a secret a rule happened to quote.
    fix = v.fix
    if fix is not None and contains_secret(fix.title):
        fix = replace(fix, title=redact_text(fix.title))
    return Finding(
        code=rule.code,
        name=rule.name,
        severity=v.severity or rule.severity,
        message=redact_text(v.message),
        path=tuple(v.path),
        scope=v.scope,
        related=tuple(tuple(r) for r in v.related),
        api_error=redact_text(v.api_error) if v.api_error else v.api_error,
        fix=fix,
        reference=rule.references,
    )


def _note(code: str, message: str) -> Finding:
    rule = get_rule(code)
    assert rule is not None, code
    return _finding(rule, Violation((), message))


def check_request(
    request: Any,
    exchange: Exchange | None = None,
    rules: Sequence[Rule] | None = None,
) -> list[Finding]:
    """Every finding for one request (and its logged outcome), sorted by position then severity.

    ``rules`` defaults to the whole catalog.  Rules never see a request that is not an object:
    the B family reports that and the rest have nothing to check.
    """
    if rules is None:
        rules = select_rules()
    if exchange is None:
        exchange = Exchange(source=Source("<memory>", 0), format="anthropic-request", request=request)
    ctx = CheckContext(request, exchange)
    findings: list[Finding] = []
    skipped_model_rules: list[str] = []
    logged = {
        "request": exchange.request is not None,
        "response": exchange.response is not None,
        "error": exchange.error is not None,
        "any": True,
    }
    for rule in rules:
        if not logged.get(rule.needs, True):
            continue
        if rule.dialect not in ("any", exchange.dialect):
            continue
        if rule.model_dependent and ctx.caps is None:
            skipped_model_rules.append(rule.code)
            continue
        try:
            for v in rule.check(ctx):
                findings.append(_finding(rule, v))
        except Exception as exc:  # a rule must never take the whole check down
            if _STRICT:
                raise
            findings.append(_note("I002", f"rule {rule.code} ({rule.name}) failed on this payload: "
                                          f"{type(exc).__name__}: {exc}"))
    if ctx.accepted and findings and (request is exchange.request or request == exchange.request):
        findings = [contradict(f) if _contradictable(f) else f for f in findings]
    if skipped_model_rules and isinstance(request, dict) and request.get("messages") is not None:
        model = ctx.model
        why = f"model {model!r} is not in the capability table" if model else "the request names no model"
        findings.append(_note("I001", f"{why}; skipped the model-dependent rules "
                                      f"{', '.join(skipped_model_rules)}"))
    return sort_findings(findings)


def _contradictable(f: Finding) -> bool:
    """An error about the request itself.  Time-dependent rules turn the cases the log explains
    ("accepted when logged on …") into warnings themselves; an error any rule still raises on an
    accepted request is contradicted by it."""
    return f.severity is Severity.ERROR and f.scope == "request"


def contradict(f: Finding) -> Finding:
    """The error ``f`` on a request the log shows accepted, as the warning the user should see.

    Both facts stay visible: what the rule says and that the API took the request anyway.  The
    fix, if any, becomes unsafe: "safe" meant the request fails without it, and it did not."""
    fix = f.fix
    if fix is not None and fix.applicability is Applicability.SAFE:
        fix = replace(fix, applicability=Applicability.UNSAFE)
    return replace(
        f,
        severity=Severity.WARNING,
        contradicted=True,
        fix=fix,
        message=(f"{f.message} (contradicted by the logged response: the API accepted this request, so "
                 f"rule {f.code}'s knowledge of the API may be stale here)"),
    )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    scope_rank = {"request": 0, "response": 1, "error": 2}

    def key(f: Finding) -> tuple[Any, ...]:
        return (scope_rank.get(f.scope, 3), tuple((0, p, "") if isinstance(p, int) else (1, 0, p)
                                                  for p in f.path), f.severity.rank, f.code)

    return sorted(findings, key=key)


def check_exchange(exchange: Exchange, rules: Sequence[Rule] | None = None) -> list[Finding]:
    return check_request(exchange.request, exchange, rules)


def check_body(body: Any, headers: dict[str, str] | None = None) -> list[Finding]:
    """The findings for a request about to be sent: ``body`` with the ``headers`` it goes with
    (``anthropic-beta`` decides whether a beta-only field is allowed).  The guard and the proxy
    check through this one function."""
    return check_request(body, Exchange(source=Source("<request>", 0), format="anthropic-request", request=body,
                                        headers=dict(headers or {})))


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    out = {s.value: 0 for s in Severity}
    for f in findings:
        out[f.severity.value] += 1
    return out
