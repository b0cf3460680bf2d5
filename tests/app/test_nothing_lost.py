"""Nothing the user did is lost: quitting with unsaved repairs asks, "Save all" writes the whole
repaired log beside the input (others byte for byte), and the input is never overwritten."""

from __future__ import annotations

import json
import shutil

from tests.app.conftest import SAMPLES, exchange_errors, open_app, rendered, status
from tui.app.screens.confirm import ChoiceScreen

INCIDENT = SAMPLES / "incident.jsonl"


async def test_quit_with_unsaved_repairs_asks_and_escape_stays(tmp_path):
    src = tmp_path / "incident.jsonl"
    shutil.copy(INCIDENT, src)
    async with open_app(src, record=4) as (app, pilot):
        await pilot.press("F")
        assert exchange_errors(app) == 0
        await pilot.press("q")
        assert isinstance(app.screen, ChoiceScreen)
        text = rendered(app)
        assert "1 exchange has unsaved repairs" in text and "incident.fixed.jsonl" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, ChoiceScreen) and app.is_running
        assert app.current.history.modified  # nothing was thrown away
        await pilot.press("q", "d")  # discard: quits, writes nothing
    assert not (tmp_path / "incident.fixed.jsonl").exists()
    assert src.read_bytes() == INCIDENT.read_bytes()


async def test_quit_and_save_writes_the_repaired_log_beside_the_input(tmp_path):
    src = tmp_path / "incident.jsonl"
    shutil.copy(INCIDENT, src)
    async with open_app(src, record=4) as (app, pilot):
        await pilot.press("F", "q", "s")
    out = tmp_path / "incident.fixed.jsonl"
    original, repaired = INCIDENT.read_bytes().splitlines(), out.read_bytes().splitlines()
    assert len(repaired) == len(original) and src.read_bytes() == INCIDENT.read_bytes()
    assert [i for i, (a, b) in enumerate(zip(original, repaired)) if a != b] == [4]  # others byte for byte
    assert json.loads(repaired[4])["request"]["messages"][4]["content"][0]["type"] == "tool_result"


async def test_S_saves_all_repaired_exchanges_and_quit_then_does_not_ask(tmp_path):
    src = tmp_path / "incident.jsonl"
    shutil.copy(INCIDENT, src)
    async with open_app(src, record=4) as (app, pilot):
        await pilot.press("F", "]", "F")
        assert "2 exchanges unsaved (S saves the log)" in status(app)
        await pilot.press("S")
        await pilot.pause()
        assert "unsaved" not in status(app) and "2 exchanges unsaved" not in status(app)
        await pilot.press("q")
        assert not isinstance(app.screen, ChoiceScreen)
    repaired = (tmp_path / "incident.fixed.jsonl").read_bytes().splitlines()
    original = INCIDENT.read_bytes().splitlines()
    assert [i for i, (a, b) in enumerate(zip(original, repaired)) if a != b] == [4, 5]


async def test_S_asks_before_replacing_an_earlier_save(tmp_path):
    src = tmp_path / "incident.jsonl"
    shutil.copy(INCIDENT, src)
    (tmp_path / "incident.fixed.jsonl").write_text("keep me\n")
    async with open_app(src, record=4) as (app, pilot):
        await pilot.press("F", "S")
        assert "exists. Replace it" in rendered(app)
        await pilot.press("n")
        assert (tmp_path / "incident.fixed.jsonl").read_text() == "keep me\n"
        await pilot.press("S", "y")
        await pilot.pause()
    assert (tmp_path / "incident.fixed.jsonl").read_text() != "keep me\n"


async def test_a_har_log_is_saved_as_the_request_bodies(tmp_path):
    src = tmp_path / "capture.har"
    shutil.copy(SAMPLES / "formats" / "har_devtools.har", src)
    async with open_app(src) as (app, pilot):
        app.current.history.push("edit", {**app.current.request, "max_tokens": 7})
        await pilot.press("S")
        await pilot.pause()
    out = tmp_path / "capture.fixed.jsonl"
    bodies = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(bodies) == len(app.session.summaries) and any(b.get("max_tokens") == 7 for b in bodies)
