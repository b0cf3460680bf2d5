"""The app and ``check --format json`` are two front ends over one core: on every sample log
they report the same findings (record, code, path), the log-level L rules included."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.app.conftest import SAMPLES, open_app
from tui.cli.main import main

LOGS = sorted(p for p in SAMPLES.rglob("*") if p.is_file())


def _cli(path: Path, capsys: pytest.CaptureFixture[str]) -> Counter[tuple[int, str, str]]:
    capsys.readouterr()
    main(["check", "--format", "json", str(path)])
    doc = json.loads(capsys.readouterr().out)
    return Counter((f["record"], f["code"], f["path"]) for f in doc["findings"])


async def _app(path: Path) -> Counter[tuple[int, str, str]]:
    async with open_app(path) as (app, _pilot):
        session = app.session
        assert session is not None and session.done
        found: Counter[tuple[int, str, str]] = Counter()
        for i, summary in enumerate(session.summaries):
            for f in session.state(i).findings:
                found[(summary.record, f.code, f.dotted)] += 1
        return found


@pytest.mark.parametrize("path", LOGS, ids=[str(p.relative_to(SAMPLES)) for p in LOGS])
async def test_the_app_reports_what_check_reports(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert await _app(path) == _cli(path, capsys)


async def test_the_incident_log_shows_its_retry_findings_on_the_retries() -> None:
    """The retry storm the tool exists to show: L findings are on the exchanges they concern,
    counted in the exchange list and named in the detail pane."""
    async with open_app(SAMPLES / "incident.jsonl") as (app, pilot):
        session = app.session
        assert session is not None
        log_codes = {(s.record, f.code) for i, s in enumerate(session.summaries)
                     for f in session.state(i).findings if f.code.startswith("L")}
        assert any(code == "L001" for _, code in log_codes), log_codes
        record = next(r for r, code in sorted(log_codes) if code == "L001")
        i = session.positions[record]
        app.query_one("#exchanges").select_index(i)
        await pilot.pause()
        assert app.index == i
        assert any(f.code == "L001" for f in app.current.findings)
        assert "file: 11 errors, 6 warnings in 9 exchanges" in str(app.query_one("#status").render())
