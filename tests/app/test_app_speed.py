"""A 5,000-message request in the app (issue 10 §4): the tree builds what is shown, the detail pane
draws a bounded copy, and jumping to the last message works; no absolute times (bench/app_speed.py
measures those as ratios)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.app_speed import SECRET, conversation
from tests.app.conftest import open_app, rendered
from tui.app.labels import SCREEN
from tui.app.widgets.conversation import ConversationTree
from tui.app.widgets.detail import DetailPane


def _lines(pane: DetailPane) -> int:
    from rich.console import Console

    console = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(pane.query_one("#detail-json").content)
    return len(console.export_text().splitlines())


def _text(pane: DetailPane) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(pane.query_one("#detail-json").content)
    return console.export_text()


async def test_five_thousand_messages_open_and_the_detail_pane_stays_bounded(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text(json.dumps(conversation(5000)))
    async with open_app(big) as (app, pilot):
        tree = app.query_one(ConversationTree)
        # Built lazily: far fewer tree nodes than the request has messages.
        assert len(tree._by_path) < 1000
        assert tree.reveal(("request", "messages"))
        await pilot.pause()
        pane = app.query_one(DetailPane)
        assert _lines(pane) <= 3 * SCREEN  # the whole list would be ~100,000 lines
        assert "more items; select one in the tree" in _text(pane)
        # The last message is reachable, and its planted key is drawn masked.
        assert tree.reveal(("request", "messages", 4999))
        await pilot.pause()
        await pilot.press("down", "up")
        assert SECRET not in rendered(app) and "BENCHLEAK" not in rendered(app)
        assert "#4999" in rendered(app)


async def test_the_opened_exchange_is_checked_once(tmp_path: Path, monkeypatch) -> None:
    """The loader hands the exchange it checked to the app: opening it does not check a
    5,000-message request a second time (that was a third of the time to the first screen)."""
    import tui.app.state as state_module
    import tui.core.filecheck as filecheck

    calls: list[int] = []
    real = filecheck.check_exchange

    def counted(exchange, rules=None):  # type: ignore[no-untyped-def]
        calls.append(exchange.source.record)
        return real(exchange, rules)

    monkeypatch.setattr(filecheck, "check_exchange", counted)
    monkeypatch.setattr(state_module, "check_exchange", counted)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(conversation(600)))
    async with open_app(big) as (app, pilot):
        assert app.current is not None and app.current.findings
        assert calls == [0]
        await pilot.press("f")  # a repair rechecks, as it must
        await pilot.pause()
        assert len(calls) == 2


async def test_a_long_conversation_is_drawn_before_its_check_ends(tmp_path: Path, monkeypatch) -> None:
    import threading

    import tui.core.filecheck as filecheck

    release = threading.Event()
    real = filecheck.check_exchange

    def slow(exchange, rules=None):  # type: ignore[no-untyped-def]
        assert release.wait(30), "the test never released the check"
        return real(exchange, rules)

    monkeypatch.setattr(filecheck, "check_exchange", slow)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(conversation(800)))
    async with open_app(big, wait_loaded=False) as (app, pilot):
        tree = app.query_one(ConversationTree)
        for _ in range(400):
            if tree.root.children:
                break
            await pilot.pause(0.01)
        await pilot.pause()
        screen = rendered(app)
        assert "messages (800)" in screen and "checking 800 messages" in screen
        assert app.current is None  # nothing to repair or replay until the findings are in
        await pilot.press("f", "x")  # keys before the check ends do nothing, and break nothing
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.current is not None and app.current.findings
        assert "checking" not in rendered(app)


async def test_thousands_of_findings_are_listed_a_window_at_a_time(tmp_path: Path) -> None:
    from textual.widgets import OptionList

    from tui.app.widgets.findings import WINDOW

    big = tmp_path / "big.json"
    big.write_text(json.dumps(conversation(2000)))  # about 500 findings
    async with open_app(big) as (app, pilot):
        panel = app.query_one("#findings", OptionList)
        total = len(app.current.findings)
        assert total > WINDOW + 50
        assert panel.option_count == WINDOW + 1
        last = panel.get_option_at_index(panel.option_count - 1)
        assert str(last.prompt).startswith(f"… {total - WINDOW} more findings")
        # n walks past the window: the window follows, and the finding is highlighted
        app.finding_index = WINDOW - 1
        await pilot.press("n")
        await pilot.pause()
        assert app.finding_index == WINDOW
        assert panel.get_option_at_index(panel.highlighted).id == str(WINDOW)
        first = panel.get_option_at_index(0)
        assert str(first.prompt).startswith("… ") and "earlier findings" in str(first.prompt)
        # enter on the "earlier" row shows the finding just before the window
        start = int(panel.get_option_at_index(1).id)
        assert start > 0
        panel.focus()
        panel.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert panel.get_option_at_index(panel.highlighted).id == str(start - 1)
