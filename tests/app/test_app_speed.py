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
