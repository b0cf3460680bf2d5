"""Every screen and dialog fits the terminal from 80x24 up: nothing the user must reach (a
button, the status line, the list's columns) falls outside the screen."""

from __future__ import annotations

import pytest

from tests.app.conftest import SAMPLES, open_app, rendered, status
from tui.app.widgets.exchange_list import ExchangeList

INCIDENT = SAMPLES / "incident.jsonl"
SIZES = [(80, 24), (120, 40), (200, 50)]


def _inside(app, widget) -> bool:
    r, screen = widget.region, app.screen.region
    return r.width > 0 and r.height > 0 and r.x >= 0 and r.y >= 0 and r.right <= screen.right and \
        r.bottom <= screen.bottom


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("keys", [("question_mark",), ("r",), ("x",), ("F", "q"), ("F", "V")],
                         ids=["help", "replay", "export", "quit", "revert"])
async def test_every_dialog_and_its_buttons_fit(size, keys) -> None:
    async with open_app(INCIDENT, record=4, size=size) as (app, pilot):
        await pilot.press(*keys)
        await pilot.pause()
        dialog = app.screen.query_one("#dialog")
        assert _inside(app, dialog), (dialog.region, app.screen.region)
        for button in app.screen.query("Button"):
            assert _inside(app, button), (str(button.label), button.region)
        assert app.screen.focused is not None  # the first field has focus


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_status_line_and_the_counts_fit(size) -> None:
    async with open_app(INCIDENT, size=size) as (app, pilot):
        assert "exchange 3 of 9" in rendered(app)
        assert "file: 11 errors, 6 warnings in 9 exchanges" in status(app)
        await pilot.press("l") if size[0] < 110 else None
        await pilot.pause()
        lst = app.query_one(ExchangeList)
        assert lst.region.width > 0
        text = rendered(app)
        assert "#" in text and "msgs" in text  # the header row
        assert "✖3" in text  # the findings column is never cut


async def test_l_hides_and_shows_the_list_at_any_width() -> None:
    async with open_app(INCIDENT, size=(200, 50)) as (app, pilot):
        lst = app.query_one(ExchangeList)
        assert lst.region.width > 0
        await pilot.press("l")
        await pilot.pause()
        assert lst.region.width == 0 and app.index == 2
        await pilot.press("]")  # still moves between exchanges
        assert app.index == 3 and "exchange 4 of 9" in status(app)
        await pilot.press("l")
        await pilot.pause()
        assert lst.region.width > 0 and lst.current_index == 3


async def test_search_says_no_match_and_escape_keeps_the_selection() -> None:
    async with open_app(INCIDENT, size=(120, 40)) as (app, pilot):
        await pilot.press("]")
        assert app.index == 3
        await pilot.press("slash", *"zzzz-nothing")
        await pilot.pause()
        assert "no exchange matches 'zzzz-nothing'" in status(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.query_one("#search").display and app.index == 3
        assert app.query_one(ExchangeList).current_index == 3


async def test_tree_labels_end_in_an_ellipsis_at_the_pane_edge_at_80x24() -> None:
    """Issue 10 §2: at 80 columns a long label says it goes on (``…``) instead of being clipped
    mid-word by the pane's border; the pairing mark, near the front, stays whole."""
    from rich.cells import cell_len

    from tui.app.widgets.conversation import ConversationTree

    async with open_app(SAMPLES / "formats" / "pydantic_ai_history.json", size=(80, 24)) as (app, pilot):
        tree = app.query_one(ConversationTree)
        lines = [tree.render_line(y).text.rstrip() for y in range(tree.size.height)]
        shown = [ln for ln in lines if ln.strip()]
        assert shown and all(cell_len(ln) <= tree.scrollable_content_region.width for ln in shown)
        cut = [ln for ln in shown if ln.endswith("…")]
        assert any("#1 assistant" in ln for ln in cut), shown
        assert any("← #5.1" in ln for ln in shown)  # the mark survives the cut
        assert tree.virtual_size.width <= tree.size.width  # nothing hidden behind a horizontal scroll


async def test_pairing_marks_of_deep_tool_calls_survive_80_columns() -> None:
    """The incident log's third exchange at 80x24: a tool_use three levels down still shows
    `→ #4.0` and the unanswered one `✖ no result`, whatever its name and preview."""
    from tui.app.widgets.conversation import ConversationTree

    async with open_app(SAMPLES / "incident.jsonl", record=2, size=(80, 24)) as (app, pilot):
        tree = app.query_one(ConversationTree)
        lines = [tree.render_line(y).text for y in range(tree.size.height)]
        uses = [ln for ln in lines if "tool_use" in ln]
        assert any("tool_use → #4.0" in ln for ln in uses), uses
        assert any("tool_use ✖ no result" in ln for ln in uses), uses
