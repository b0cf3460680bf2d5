"""The detail pane reads like prose: rule docs render their Markdown (issue 10 §2)."""

from __future__ import annotations

from rich.console import Console

from tests.app.conftest import SAMPLES, open_app
from tui.app.widgets.detail import DetailPane, _section, doc_text
from tui.core.rules.registry import get_rule


def _plain(renderable: object) -> str:
    console = Console(width=100, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


async def test_every_finding_of_a_sample_shows_its_rule_doc_without_markdown_marks() -> None:
    async with open_app(SAMPLES / "broken" / "R-ported-openai-agent.json") as (app, pilot):
        pane = app.query_one(DetailPane)
        findings = list(app.session.state(0).findings)
        marked = 0
        for f in findings:
            pane.show(f.path, None, [f])
            await pilot.pause()
            text = " ".join(_plain(pane.query_one("#detail-findings").content).split())
            why = _section(get_rule(f.code).docs, "Why is this bad?")
            assert " ".join(doc_text(why).plain.split())[:60] in text
            raw = " ".join(why.replace("``", "").split())[:60]  # what the pane showed before
            if raw != " ".join(doc_text(why).plain.split())[:60]:
                marked += 1
                assert raw not in text
            assert "**" not in text and "``" not in text
        assert marked, "no finding's doc had Markdown to render: pick another sample"


def test_doc_text_renders_inline_markdown() -> None:
    t = doc_text("The API **rejects** ``messages.1`` and `tool_use`,\n  *not* 2 * 3.")
    assert t.plain == "The API rejects messages.1 and tool_use, not 2 * 3."
    styles = {t.plain[s.start:s.end]: str(s.style) for s in t.spans}
    assert styles == {"rejects": "bold", "messages.1": "bold cyan", "tool_use": "bold cyan", "not": "italic"}


def test_a_rule_without_a_fix_says_so_once() -> None:
    """S002's doc says "None automatic: compact …": the pane shows that, not "No automatic fix.
    None automatic"; a rule whose doc does not start with "None" keeps the plain "No automatic fix."."""
    from tui.app.widgets.detail import finding_view
    from tui.core.findings import Finding, Severity

    def shown(code: str) -> str:
        rule = get_rule(code)
        f = Finding(code=code, name=rule.name, severity=Severity.WARNING, message="m", path=())
        return " ".join(_plain(finding_view(f)).split())

    assert "None automatic: compact or summarise" in shown("S002") and "No automatic fix" not in shown("S002")
    # near miss: a finding without a fix whose rule's Fix section says what to do (P001 names its
    # repair), so the pane says plainly that this one has no automatic fix
    assert not _section(get_rule("P001").docs, "Fix").startswith("None")
    assert "No automatic fix." in shown("P001")
