"""Tree labels never show Python's words for missing data (issue 10 §2: no `None` on screen)."""

from __future__ import annotations

from tui.app.labels import message_label


def test_a_block_without_a_type_is_named_as_such_not_none() -> None:
    msg = {"role": "assistant", "content": [{"type": None, "text": "hi"},
                                            {"type": "tool_use", "id": "toolu_1", "name": "ls", "input": {}}]}
    label = message_label(3, msg).plain
    assert "None" not in label
    assert "2 blocks (no type, tool_use)" in label


def test_near_miss_typed_blocks_list_their_types() -> None:
    msg = {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}]}
    assert "1 block (tool_result)" in message_label(4, msg).plain
