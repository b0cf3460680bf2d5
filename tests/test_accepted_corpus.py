"""Traffic the API accepted (HTTP 200) must check clean: no error, nothing contradicted.

`sample_payloads/accepted/` holds requests the API took that earlier rule versions flagged (issue
16 §4).  A contradicted finding there is a rule that cries wolf; the second test strips the
logged outcome, so the rules themselves (not the contradiction step) must be right.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tui.core.check import check_exchange
from tui.core.formats import load_all
from tui.core.findings import Severity

ACCEPTED = Path(__file__).resolve().parents[1] / "sample_payloads" / "accepted"
FILES = sorted(ACCEPTED.glob("*.jsonl"))


def _exchanges():
    for path in FILES:
        _, exchanges, issues = load_all(path)
        assert not issues, issues
        for ex in exchanges:
            yield pytest.param(ex, id=f"{path.name}:{ex.source.record}:{ex.extra.get('why', '')[:40]}")


def test_the_corpus_is_there():
    assert FILES and sum(1 for _ in _exchanges()) >= 8


@pytest.mark.parametrize("ex", list(_exchanges()))
def test_accepted_exchange_has_no_error_and_nothing_contradicted(ex):
    assert ex.status == 200
    bad = [f"{f.code} {f.dotted}: {f.message}" for f in check_exchange(ex)
           if f.severity is Severity.ERROR or f.contradicted]
    assert bad == []


@pytest.mark.parametrize("ex", list(_exchanges()))
def test_the_same_request_without_its_outcome_has_no_error(ex):
    bare = dataclasses.replace(ex, response=None, status=None, started_at=None)
    assert [f"{f.code} {f.dotted}" for f in check_exchange(bare) if f.severity is Severity.ERROR] == []


def test_no_sample_log_has_a_finding_its_own_logged_response_contradicts():
    """Every bundled sample, broken ones included: where a sample logs a 200, the rules agree."""
    contradicted = []
    for path in sorted((ACCEPTED.parent).rglob("*")):
        if not path.is_file() or path.suffix not in (".json", ".jsonl", ".gz", ".har", ".log", ".txt", ".sse"):
            continue
        try:
            _, exchanges, _ = load_all(path)
        except Exception:  # a sample of an unreadable input: other tests cover it
            continue
        contradicted += [f"{path.name}:{ex.source.record} {f.code} {f.dotted}"
                         for ex in exchanges for f in check_exchange(ex) if f.contradicted]
    assert contradicted == []


SAMPLE_SUFFIXES = (".json", ".jsonl", ".gz", ".har", ".log", ".txt", ".sse", ".yaml", ".yml", ".httprr")


def test_no_recorded_200_in_any_sample_has_an_error_finding():
    """Issue 15: every exchange any bundled sample (cassettes included) recorded as a 200 checks
    without an error-severity finding: the API took it, so an error there is the linter crying wolf."""
    seen, bad = 0, []
    for path in sorted(ACCEPTED.parent.rglob("*")):
        if not path.is_file() or not path.name.endswith(SAMPLE_SUFFIXES):
            continue
        try:
            _, exchanges, _ = load_all(path)
        except Exception:  # a sample of an unreadable input: other tests cover it
            continue
        for ex in exchanges:
            if ex.status != 200 or ex.error is not None:
                continue  # an in-stream error event can follow a 200: that call failed
            seen += 1
            bad += [f"{path.name}:{ex.source.record} {f.code} {f.dotted}: {f.message}"
                    for f in check_exchange(ex) if f.severity is Severity.ERROR]
    assert seen >= 30 and bad == []
