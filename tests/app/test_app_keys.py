"""Pilot tests: every key of the TUI on real sample files, asserting on state and rendered text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.app.conftest import SAMPLES, exchange_errors, open_app, rendered, status
from tests.fakeapi import FakeAPI, Reply, error, message
from tui.app.app import PayloadDoctorApp
from tui.app.screens.confirm import ConfirmScreen
from tui.app.screens.diff import DiffScreen
from tui.app.screens.edit import EditScreen
from tui.app.screens.export import ExportScreen
from tui.app.screens.help import HelpScreen
from tui.app.screens.replay import ReplayScreen
from tui.app.widgets.conversation import ConversationTree
from tui.app.widgets.exchange_list import ExchangeList
from tui.core.formats import load_all
from tui.core.check import check_request

INCIDENT = SAMPLES / "incident.jsonl"


async def test_opens_on_the_first_broken_exchange_with_its_findings_marked():
    async with open_app(INCIDENT) as (app, pilot):
        assert app.index == 2  # records 0 and 1 are clean
        assert exchange_errors(app) == 2
        tree = app.query_one(ConversationTree)
        assert tree.cursor_path == ("request", "messages", 3, "content", 2)
        text = rendered(app)
        assert "P001 tool-use-without-result" in text and "✖ no result" in text


async def test_n_and_shift_n_walk_findings_across_exchanges_and_enter_jumps():
    async with open_app(INCIDENT, record=8) as (app, pilot):
        codes = [f.code for f in app.current.findings]
        await pilot.press("n")
        assert app.finding_index == 0
        assert app.query_one(ConversationTree).cursor_path[:3] == ("request", "messages", 6)
        await pilot.press("n")
        assert app.finding_index == 1
        await pilot.press("N", "N")  # before the first finding: the previous exchange with findings
        assert app.index == 7 and app.finding_index == len(app.current.findings) - 1
        await pilot.press("n")  # and forward again, past its last finding, to record 8's first
        assert app.index == 8 and app.finding_index == 0
        await pilot.press(*["n"] * len(codes))  # past the log's last finding: stays, says so
        assert app.index == 8 and app.finding_index == 0
        app.query_one("#findings").focus()
        await pilot.press("home", "enter")
        # R003 sits at messages.6.role; a scalar has no node, so the cursor lands on its message
        assert app.query_one(ConversationTree).cursor_path == ("request", "messages", 6)


async def test_p_jumps_between_a_tool_use_and_its_result():
    async with open_app(INCIDENT, record=7) as (app, pilot):
        tree = app.query_one(ConversationTree)
        tree.reveal(("request", "messages", 3, "content", 1))
        await pilot.press("p")
        assert tree.cursor_path == ("request", "messages", 4, "content", 1)
        await pilot.press("p")
        assert tree.cursor_path == ("request", "messages", 3, "content", 1)


async def test_f_applies_the_selected_fix_and_u_U_undo_redo_V_reverts():
    async with open_app(INCIDENT, record=4) as (app, pilot):
        assert [f.code for f in app.current.findings][:2] == ["P003", "P003"]
        await pilot.press("n", "f")
        assert exchange_errors(app) == 0 and "● modified" in status(app)
        assert app.current.request["messages"][4]["content"][0]["type"] == "tool_result"
        await pilot.press("u")
        assert exchange_errors(app) == 3 and not app.current.history.modified
        await pilot.press("U")
        assert exchange_errors(app) == 0
        await pilot.press("V")  # revert asks first; Escape keeps the repair, y reverts
        assert isinstance(app.screen, ConfirmScreen) and "Revert exchange 5" in rendered(app)
        await pilot.press("escape")
        assert app.current.history.modified
        await pilot.press("V", "y")
        assert not app.current.history.modified and exchange_errors(app) == 3
        assert "● modified" not in rendered(app)


async def test_F_fixes_every_safe_finding_and_the_error_count_drops_to_zero():
    async with open_app(INCIDENT, record=4) as (app, pilot):
        await pilot.press("F")
        assert exchange_errors(app) == 0
        assert not isinstance(app.screen, ConfirmScreen)  # nothing unsafe left to ask about


async def test_F_asks_before_unsafe_fixes():
    async with open_app(INCIDENT, record=2) as (app, pilot):
        await pilot.press("F")
        assert isinstance(app.screen, ConfirmScreen)
        assert "would drop or invent content" in rendered(app)
        await pilot.press("n")
        assert exchange_errors(app) == 2 or exchange_errors(app) == 1
        await pilot.press("F", "y")
        assert exchange_errors(app) == 0


async def test_e_edits_a_node_and_rejects_invalid_json():
    async with open_app(INCIDENT, record=8) as (app, pilot):
        tree = app.query_one(ConversationTree)
        tree.reveal(("request", "messages", 7, "content", 0))
        await pilot.press("e")
        assert isinstance(app.screen, EditScreen)
        editor = app.screen.query_one("TextArea")
        editor.text = '{"type": "text", "text": '
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, EditScreen) and "not valid JSON" in rendered(app)
        editor.text = '{"type": "text", "text": "Please apply the fix now."}'
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, EditScreen)
        assert app.current.request["messages"][7]["content"][0]["text"] == "Please apply the fix now."
        assert "C002" not in {f.code for f in app.current.findings}


async def test_d_shows_the_structural_diff():
    async with open_app(INCIDENT, record=4) as (app, pilot):
        await pilot.press("F", "d")
        assert isinstance(app.screen, DiffScreen)
        assert "Original → repaired" in rendered(app) and "messages.4.content" in rendered(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, DiffScreen)


async def test_r_replays_against_the_fake_server_and_lists_every_attempt(monkeypatch, tmp_path):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-api03-testKEYfortheTUI000000000000000000000000000-AAAA")
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", "/nonexistent-payload-doctor")
    script = [error(529, "overloaded_error", "Overloaded", **{"retry-after": "0.05"})] * 2 + [Reply(200, message("Fixed!"))]
    src = tmp_path / "incident.jsonl"
    shutil.copy(INCIDENT, src)
    with FakeAPI(script) as api:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
        async with open_app(src, record=7) as (app, pilot):
            await pilot.press("r")
            assert isinstance(app.screen, ReplayScreen)
            await pilot.press("ctrl+r")
            await app.screen.workers.wait_for_complete()
            await pilot.pause(0.2)
            table = app.screen.query_one("DataTable")
            statuses = [table.get_row_at(i)[1] for i in range(table.row_count)]
            assert statuses == ["529", "529", "200"]
            assert "success" in rendered(app)
            assert "Appended 3 attempts to" in rendered(app)  # like `replay` does, and says where
            await pilot.press("escape")
            assert "replay response" in rendered(app)
    assert len(api.received) == 3
    log = tmp_path / "incident.replays.jsonl"
    assert [json.loads(line)["status"] for line in log.read_text().splitlines()] == [529, 529, 200]


async def test_r_without_key_offers_the_local_dry_run(monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    async with open_app(INCIDENT, record=2) as (app, pilot):
        await pilot.press("r")
        assert "No API key" in rendered(app)
        await pilot.press("ctrl+r")
        text = rendered(app)
        assert "dry run: 1 local error (P001)" in text and "local check: P001 messages.3.content.2" in text


async def test_x_exports_a_file_that_rechecks_clean(tmp_path):
    src = tmp_path / "incident.jsonl"
    shutil.copy(INCIDENT, src)
    async with open_app(src, record=4) as (app, pilot):
        await pilot.press("F", "x")
        assert isinstance(app.screen, ExportScreen)
        await pilot.click("#write")
        await pilot.pause(0.2)
    out = tmp_path / "incident.fixed.json"
    assert out.exists() and src.read_bytes() == INCIDENT.read_bytes()
    body = json.loads(out.read_text())
    assert [f for f in check_request(body) if f.severity.value == "error"] == []


async def test_x_never_overwrites_the_input(tmp_path):
    src = tmp_path / "req.json"
    shutil.copy(SAMPLES / "clean_tool_conversation.json", src)
    async with open_app(src) as (app, pilot):
        await pilot.press("x")
        app.screen.query_one("#path").value = str(src)
        await pilot.click("#write")
        await pilot.pause(0.1)
        assert "never overwritten" in rendered(app)
    assert src.read_bytes() == (SAMPLES / "clean_tool_conversation.json").read_bytes()


async def test_c_copies_the_selected_node_and_says_how():
    async with open_app(INCIDENT, record=2) as (app, pilot):
        await pilot.press("c")
        copied = json.loads(app.clipboard)
        assert copied["id"] == "toolu_01SbT6yUo4ZrQe1VxDnA8wGc"
        assert any("Copied" in n.message for n in app._notifications)


async def test_slash_searches_and_bang_filters_the_list():
    async with open_app(INCIDENT) as (app, pilot):
        lst = app.query_one(ExchangeList)
        await pilot.press("slash")
        await pilot.press(*"req_011cvx06")
        assert lst.visible_count == 1 and app.index == 6
        app.query_one("#search").value = ""
        await pilot.pause()
        assert lst.visible_count == 9
        await pilot.press("escape")
        lst.focus()
        await pilot.press("exclamation_mark")
        assert lst.visible_count == 7  # records 0 and 1 are clean


async def test_question_mark_lists_every_key_and_q_quits():
    async with open_app(INCIDENT) as (app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = rendered(app)
        for needle in ("fix: apply all safe fixes", "replay: send the request", "finding.next", "export.open"):
            assert needle in text
        await pilot.press("escape", "q")
    assert app.return_code in (0, None)


async def test_z_shows_long_strings_in_full(tmp_path):
    body = json.loads((SAMPLES / "clean_tool_conversation.json").read_text())
    body["messages"][0]["content"] = "x" * 1000 + "THE-END"
    src = tmp_path / "long.json"
    src.write_text(json.dumps(body))
    async with open_app(src) as (app, pilot):
        app.query_one(ConversationTree).reveal(("request", "messages", 0))
        await pilot.pause()
        assert "THE-END" not in rendered(app) and "1,007 chars" in rendered(app)
        await pilot.press("z")
        assert "THE-END" in rendered(app)


async def test_unreadable_file_shows_a_clear_message(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\x00\x01binary")
    async with open_app(bad, wait_loaded=False) as (app, pilot):
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert "looks like a binary file" in rendered(app)


async def test_a_5000_message_conversation_opens_without_building_every_node(tmp_path):
    msgs = []
    for i in range(2500):
        msgs.append({"role": "user", "content": f"question {i}"})
        msgs.append({"role": "assistant", "content": [{"type": "text", "text": f"answer {i}"}]})
    msgs.append({"role": "user", "content": "last"})
    src = tmp_path / "huge.json"
    src.write_text(json.dumps({"model": "claude-sonnet-4-5", "max_tokens": 100, "messages": msgs}))
    async with open_app(src) as (app, pilot):
        tree = app.query_one(ConversationTree)
        assert len(tree._by_path) < 6000  # messages, not their blocks
        tree.reveal(("request", "messages", 4999, "content", 0))
        assert tree.cursor_path == ("request", "messages", 4999, "content", 0)


async def test_palette_offers_actions_as_namespace_verbs():
    from tui.app.app import ActionCommands

    async with open_app(INCIDENT, record=4) as (app, pilot):
        titles = [t for t, _, _ in ActionCommands(app.screen)._candidates()]
        assert "fix: apply all safe fixes" in titles and "edit: undo" not in titles
        await pilot.press("F")
        titles = [t for t, _, _ in ActionCommands(app.screen)._candidates()]
        assert "edit: undo" in titles and "view: diff original vs repaired" in titles


async def test_a_large_jsonl_log_shows_its_first_rows_before_loading_ends(tmp_path):
    """Rows arrive in batches: the first batch is on screen (with a "loading" status) while the
    rest of the file is still being read — observed at each batch, not by racing a poll."""
    from bench.gen_log import write_log

    src = tmp_path / "big.jsonl"
    write_log(src, 12)
    app = PayloadDoctorApp(str(src))
    seen: list[tuple[int, bool, str]] = []
    real = app._add_batch

    def spy(batch, log_found, issues, index, done=False):
        real(batch, log_found, issues, index, done)
        seen.append((len(app.session), done, status(app)))

    app._add_batch = spy  # type: ignore[method-assign]
    async with app.run_test(size=(160, 48)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
    total = seen[-1][0]
    assert seen[-1][1] and total > 500
    first_rows, first_done, first_status = seen[0]
    assert 0 < first_rows < total and not first_done
    assert "loading" in first_status


async def test_a_finding_the_logged_200_contradicts_says_so_in_the_detail_pane(tmp_path):
    body = {"model": "claude-haiku-4-5", "max_tokens": 64, "messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01A", "name": "w", "input": {}}]},
        {"role": "user", "content": "no result here"}]}
    ok = {"id": "msg_01", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
          "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn", "stop_sequence": None,
          "usage": {"input_tokens": 5, "output_tokens": 1}}
    p = tmp_path / "accepted.json"
    p.write_text(json.dumps({"request": body, "status": 200, "response": ok}))
    async with open_app(p) as (app, pilot):
        [f] = [f for f in app.current.findings if f.code == "P001"]
        assert f.contradicted and f.severity.value == "warning"
        await pilot.press("n")
        await pilot.pause()
        text = rendered(app)
        assert "contradicted by the logged response" in text and exchange_errors(app) == 0
