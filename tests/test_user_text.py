"""What users read never points at the project's internal notes: no ``API_RULES.md``, no
reference ids such as ``ORDER-01``, no ``None`` where a value was missing — in the rule docs
(``payload-doctor rule CODE``, the app's detail pane) and in every finding on every sample."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.core.filecheck import Checked, LogFinding, check_records
from tui.core.formats import open_log
from tui.core.rules.registry import all_rules

SAMPLES = Path(__file__).resolve().parents[1] / "sample_payloads"
INTERNAL = re.compile(r"API_RULES|API_UPDATES|FORMATS\.md|DESIGN\.md|TECH_NOTES|shared/|"
                      r"\b(?:ORDER|ROLE|CONTENT|THINK|MEDIA|SIZE|PARAM|CACHE|SRV|OAI|TOOL)-\d\d\b")


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_docs_cite_no_internal_note(rule) -> None:
    assert not INTERNAL.findall(rule.docs), rule.docs


def test_no_finding_on_any_sample_cites_an_internal_note_or_says_none() -> None:
    bad: list[str] = []
    for path in sorted(p for p in SAMPLES.rglob("*") if p.is_file()):
        for event in check_records(open_log(path)):
            findings = event.findings if isinstance(event, Checked) else \
                [event.finding] if isinstance(event, LogFinding) else []
            for f in findings:
                texts = [f.message, f.fix.title if f.fix else ""]
                for t in texts:
                    if INTERNAL.search(t) or re.search(r"\bNone\b", t):
                        bad.append(f"{path.name} {f.code}: {t}")
    assert not bad, "\n".join(bad[:20])
