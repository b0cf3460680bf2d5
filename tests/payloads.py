"""Small request bodies several test modules share (the guard's, the proxy's)."""

from __future__ import annotations

from typing import Any

TOOL_ID = "toolu_01A8mGq3kQz7r2cVbXyT5nLd"


def tool_turns(*, text_first: bool) -> list[dict[str, Any]]:
    """A tool call and its result; with ``text_first`` the result comes after a text block in its
    user turn (P003: the API answers 400, and the fix — move the result first — is safe)."""
    result = {"type": "tool_result", "tool_use_id": TOOL_ID, "content": "delivered"}
    text = {"type": "text", "text": "What does it say?"}
    return [{"role": "user", "content": "Where is order NW-10442?"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": TOOL_ID, "name": "get_order",
                                               "input": {"order_id": "NW-10442"}}]},
            {"role": "user", "content": [text, result] if text_first else [result, text]}]
