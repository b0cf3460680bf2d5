"""SVG snapshots of the main screens at a fixed size (pytest --snapshot-update rewrites them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.app.app import PayloadDoctorApp

ROOT = Path(__file__).resolve().parents[2]
SIZE = (150, 42)


@pytest.fixture(autouse=True)
def stable(monkeypatch):
    monkeypatch.chdir(ROOT)  # the header shows the path as given: keep it relative
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-api03-snapshot-000000000000000000000000000000000-AAAA")


async def _loaded(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), SIZE, (200, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(snap_compare, size):
    async def run_before(pilot):
        await _loaded(pilot)
    assert snap_compare(PayloadDoctorApp("sample_payloads/incident.jsonl"), terminal_size=size,
                        run_before=run_before)


def test_narrow_screen_with_the_list_shown(snap_compare):
    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("l")
    assert snap_compare(PayloadDoctorApp("sample_payloads/incident.jsonl"), terminal_size=(80, 24),
                        run_before=run_before)


@pytest.mark.parametrize("keys", [("question_mark",), ("r",), ("x",), ("F", "q")], ids=["help", "replay", "export", "quit"])
def test_dialogs_at_80x24(snap_compare, keys):
    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press(*keys)
        await pilot.pause()
    assert snap_compare(PayloadDoctorApp("sample_payloads/incident.jsonl", record=4), terminal_size=(80, 24),
                        run_before=run_before)


def test_finding_detail(snap_compare):
    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("n", "n")
    assert snap_compare(PayloadDoctorApp("sample_payloads/incident.jsonl", record=8), terminal_size=SIZE,
                        run_before=run_before)


def test_diff_screen(snap_compare):
    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("F", "d")
    assert snap_compare(PayloadDoctorApp("sample_payloads/incident.jsonl", record=4), terminal_size=SIZE,
                        run_before=run_before)


def test_replay_screen(snap_compare):
    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("r")
        await pilot.pause()
    assert snap_compare(PayloadDoctorApp("sample_payloads/incident.jsonl", record=7), terminal_size=SIZE,
                        run_before=run_before)
