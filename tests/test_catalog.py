"""The rule catalog's own contract: stable codes, full docs, and tests for every rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.core.rules.registry import FAMILIES, all_rules

RULES = all_rules()
TESTS = Path(__file__).parent
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Fix")


def test_catalog_is_not_empty_and_codes_are_unique():
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(codes) == len(set(codes)) and len(names) == len(set(names))
    assert {r.family for r in RULES} <= set(FAMILIES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_is_documented(rule):
    assert rule.summary and rule.summary.endswith("."), f"{rule.code}: summary must be one sentence"
    for section in SECTIONS:
        assert section in rule.docs, f"{rule.code} docs lack {section!r}"
    assert all(re.fullmatch(r"[A-Z]+-\d{2}", ref) for ref in rule.references)
    if rule.fix is None:
        fix = rule.docs.split("## Fix", 1)[1]
        assert len(fix.strip()) > 10, f"{rule.code}: say why there is no automatic fix"


def _test_names() -> str:
    return "\n".join(p.read_text("utf-8") for p in TESTS.rglob("test_*.py"))


@pytest.mark.parametrize("rule", [r for r in RULES if r.family != "I"], ids=lambda r: r.code)
def test_every_rule_has_a_failing_sample_and_a_near_miss(rule):
    found = re.findall(rf"def (test_{rule.code.lower()}_\w+)", _test_names())
    assert len(found) >= 2, f"{rule.code} needs at least a failing test and a near-miss test, found {found}"


def test_error_text_table_names_real_rules_with_matching_references():
    """`explain_message` maps API texts to rule codes: every code must exist and cite the same id."""
    from tui.core.errors import PATTERNS
    from tui.core.rules.registry import REGISTRY

    for pat in PATTERNS:
        if pat.code is None:
            continue
        assert pat.code in REGISTRY, f"{pat.ref} maps to unknown rule {pat.code}"
        assert not pat.ref or pat.ref in REGISTRY[pat.code].references, (
            f"{pat.ref} maps to {pat.code}, whose references are {REGISTRY[pat.code].references}")


def test_every_rule_api_error_is_recognised_by_the_error_table():
    """What a rule says the API answers must map back to that same rule (round trip)."""
    import json
    from pathlib import Path

    from tests.rulekit import findings
    from tui.core.errors import explain_message
    from tui.core.formats import load_all

    samples = Path(__file__).resolve().parents[1] / "sample_payloads" / "broken"
    checked = 0
    for sample in sorted(samples.glob("*.json")):
        _, exchanges, _ = load_all(sample)
        for ex in exchanges:
            for f in findings(ex.request, response=ex.response, error=ex.error, status=ex.status):
                if f.api_error and f.scope == "request" and f.severity.value == "error":
                    _, code = explain_message(f.api_error, ex.request)
                    assert code == f.code or code is None and f.code in UNMAPPED, (sample.name, f.code, f.api_error, code)
                    checked += 1
    assert checked > 30


UNMAPPED = {"B001", "B002", "B003", "B005", "B006", "B004", "M006", "O006", "O007", "R006"}
