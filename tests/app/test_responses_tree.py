"""The OpenAI Responses tree (issue 10 §2): `input` items as nodes, pairing marks, findings select them."""

from __future__ import annotations

from tests.app.conftest import SAMPLES, open_app, rendered
from tui.app.widgets.conversation import ConversationTree

RESPONSES = SAMPLES / "formats" / "openai-responses.jsonl"


async def test_input_items_are_nodes_and_n_selects_the_call_without_output() -> None:
    async with open_app(RESPONSES, record=2) as (app, pilot):
        screen = rendered(app)
        assert "6 input items" in screen
        for label in ("#1 reasoning", "#2 function_call → #3 read_file", "#3 function_call_output",
                      "#4 function_call ✖ no output run_tests"):
            assert label in screen, label
        # The pairing marks come right after the kind, so a narrow pane never cuts them.
        assert "#3 function_call_output ← #2" in screen
        await pilot.press("n")
        await pilot.pause()
        node = app.query_one(ConversationTree).cursor_node
        assert node is not None and node.data.path == ("request", "input", 4)
        assert "Q003 function-call-without-output" in rendered(app)


async def test_the_list_counts_a_responses_requests_input_items() -> None:
    async with open_app(RESPONSES) as (app, _pilot):
        assert [s.messages for s in app.session.summaries][2] == 6
