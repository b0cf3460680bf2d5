"""The rule catalog: one registry, fed by the ``@rule`` decorator in each family module.

A rule is a small function ``(ctx) -> Iterable[Violation]`` whose docstring is its documentation
(ruff style: first line = summary, then ``## What it does`` / ``## Why is this bad?`` /
``## Example`` / ``## Fix``).  The same text feeds ``payload-doctor rule CODE``,
``rules --format json`` and the TUI's explanation pane.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tui.core.findings import Applicability, Severity, Violation

FAMILIES: dict[str, str] = {
    "B": "body shape (what the API's schema rejects)",
    "P": "tool_use / tool_result pairing and order",
    "R": "roles and turns",
    "C": "empty and whitespace content",
    "O": "OpenAI-format leftovers",
    "T": "extended thinking",
    "D": "tool definitions and tool_choice",
    "A": "sampling and top-level parameters",
    "K": "prompt caching",
    "M": "images and documents",
    "S": "size and context limits",
    "V": "server tools",
    "Y": "model output vs schemas (logged responses)",
    "E": "logged API errors",
    "F": "log format defects (cut streams, orphaned requests, duplicate keys)",
    "Q": "OpenAI payloads (chat completions and responses)",
    "L": "log-level patterns (retry loops, missing backoff)",
    "I": "notes about the check itself",
}

_CODE_RE = re.compile(r"^[A-Z][0-9]{3}$")
_NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    check: Callable[..., Iterable[Violation]]
    references: tuple[str, ...] = ()
    """Reference ids in ``shared/API_RULES.md`` (``ORDER-01`` …)."""
    fix: Applicability | None = None
    """The kind of fix the rule offers; None = no automatic repair (the docs say why)."""
    model_dependent: bool = False
    """Needs the model capability table; skipped (with an info note) for unknown models."""
    needs: str = "request"
    """What must be logged for the rule to run: ``request``, ``response``, ``error`` or ``any``."""
    dialect: str = "anthropic"
    """The payload shape the rule understands (``anthropic``, ``openai-chat``,
    ``openai-responses``, or ``any``): an OpenAI payload is not checked by Anthropic rules."""
    time_dependent: bool = False
    """Judges the request at ``ctx.judged_on`` / by its API version and words the evidence the log
    explains itself (retirement, API-version cut-overs: "accepted when logged on …" is a warning
    of the rule's own); an error it still raises on an accepted request is contradicted like any."""

    @property
    def family(self) -> str:
        return self.code[0]

    @property
    def docs(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.docs.splitlines()[0] if self.docs else ""

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "family": FAMILIES[self.family],
            "severity": self.severity.value,
            "summary": self.summary,
            "references": list(self.references),
            "fix": self.fix.value if self.fix else None,
            "model_dependent": self.model_dependent,
            "needs": self.needs,
            "dialect": self.dialect,
            "time_dependent": self.time_dependent,
            "docs": self.docs,
        }


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: Severity,
    *,
    references: tuple[str, ...] = (),
    fix: Applicability | None = None,
    model_dependent: bool = False,
    needs: str = "request",
    dialect: str = "anthropic",
    time_dependent: bool = False,
) -> Callable[[Callable[..., Iterable[Violation]]], Callable[..., Iterable[Violation]]]:
    """Register a check function under a stable code and kebab-case name."""
    if not _CODE_RE.match(code) or code[0] not in FAMILIES:
        raise ValueError(f"bad rule code {code!r}")
    if not _NAME_RE.match(name):
        raise ValueError(f"bad rule name {name!r}")

    def register(fn: Callable[..., Iterable[Violation]]) -> Callable[..., Iterable[Violation]]:
        if code in REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        if any(r.name == name for r in REGISTRY.values()):
            raise ValueError(f"duplicate rule name {name}")
        REGISTRY[code] = Rule(code, name, severity, fn, references, fix, model_dependent, needs, dialect,
                              time_dependent)
        return fn

    return register


def all_rules() -> list[Rule]:
    """Every rule, sorted by code (importing the family modules registers them)."""
    import tui.core.rules  # noqa: F401  (registers the families)

    return [REGISTRY[c] for c in sorted(REGISTRY)]


def get_rule(code_or_name: str) -> Rule | None:
    all_rules()
    key = code_or_name.strip()
    if key.upper() in REGISTRY:
        return REGISTRY[key.upper()]
    return next((r for r in REGISTRY.values() if r.name == key.lower()), None)


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    """ruff-style selection by code prefix (``P``, ``P00``, ``P001``) or by name.

    Unknown selectors raise ``ValueError`` so a typo in CI config is not silently ignored.
    """
    rules = all_rules()

    def matches(r: Rule, sel: str) -> bool:
        sel = sel.strip()
        return sel.upper() == "ALL" or r.code.startswith(sel.upper()) or r.name == sel.lower()

    select = [s for s in select if s.strip()]
    ignore = [s for s in ignore if s.strip()]
    for sel in [*select, *ignore]:
        if not any(matches(r, sel) for r in rules):
            raise ValueError(f"unknown rule selector {sel!r} (see `payload-doctor rules`)")
    chosen = [r for r in rules if not select or any(matches(r, s) for s in select)]
    return [r for r in chosen if not any(matches(r, s) for s in ignore)]
