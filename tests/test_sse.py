"""SSE parsing and tolerant accumulation: complete streams rebuild the Message; cuts are described."""

from __future__ import annotations

import json

from tests.fakeapi import message, sse_for
from tui.core.sse import accumulate, accumulate_text, parse_sse

TOOL_MSG = message(content=[{"type": "text", "text": "Let me check."},
                            {"type": "tool_use", "id": "toolu_01A", "name": "get_weather",
                             "input": {"city": "Paris", "units": "c"}}], stop="tool_use")


def wire(events, *, names=True):
    return "".join((f"event: {n}\n" if names and n else "") + f"data: {json.dumps(d)}\n\n" for n, d in events)


def test_complete_stream_rebuilds_the_message_exactly():
    acc = accumulate_text(wire(sse_for(TOOL_MSG)))
    assert acc.complete and not acc.defects and not acc.cut
    assert acc.message["content"] == TOOL_MSG["content"]
    assert acc.message["stop_reason"] == "tool_use"
    assert acc.message["usage"] == {"input_tokens": 21, "output_tokens": 7}


def test_events_without_event_lines_are_dispatched_by_type():
    acc = accumulate_text(wire(sse_for(TOOL_MSG), names=False))
    assert acc.complete and acc.message["content"] == TOOL_MSG["content"]


def test_cut_stream_keeps_partial_content_and_says_why():
    events = sse_for(TOOL_MSG)
    cut = events[: events.index(next(e for e in events if e[0] == "content_block_start" and e[1]["index"] == 1)) + 1]
    acc = accumulate_text(wire(cut))
    assert acc.cut and not acc.complete
    assert acc.message["content"][0] == {"type": "text", "text": "Let me check."}
    assert "content block 1 was never closed (no content_block_stop)" in acc.defects
    assert "no message_stop event: the stream was cut" in acc.defects


def test_unparseable_partial_json_is_kept_and_reported():
    events = [e for e in sse_for(TOOL_MSG)]
    for i, (name, data) in enumerate(events):
        if data.get("delta", {}).get("type") == "input_json_delta":
            events[i] = (name, {**data, "delta": {"type": "input_json_delta", "partial_json": '{"city": "Par'}})
    acc = accumulate_text(wire(events))
    assert acc.message["content"][1]["_partial_json"] == '{"city": "Par'
    assert any("not valid JSON" in d for d in acc.defects)


def test_in_stream_error_event_after_200():
    events = sse_for(TOOL_MSG)[:4] + [("error", {"type": "error", "error": {"type": "overloaded_error",
                                                                            "message": "Overloaded"}})]
    acc = accumulate_text(wire(events))
    assert acc.error["error"]["type"] == "overloaded_error"
    assert any("in-stream error event: overloaded_error: Overloaded" in d for d in acc.defects)


def test_last_event_without_blank_line_is_reported():
    text = wire(sse_for(TOOL_MSG)).rstrip("\n")
    acc = accumulate_text(text)
    assert acc.complete  # message_stop did arrive
    assert any("middle of an event" in d for d in acc.defects)


def test_comments_pings_and_crlf_are_ignored():
    text = ": keep-alive\r\n" + wire(sse_for(message("hi"))).replace("\n", "\r\n")
    acc = accumulate_text(text)
    assert acc.complete and acc.message["content"] == [{"type": "text", "text": "hi"}]


def test_event_before_message_start_and_garbage_data():
    acc = accumulate_text("event: content_block_start\ndata: {\"type\": \"content_block_start\", \"index\": 0}\n\n"
                          "data: not json\n\n")
    assert acc.message is None
    assert any("before message_start" in d for d in acc.defects)
    assert "no message_start event: nothing to rebuild" in acc.defects


def test_parse_sse_reports_line_numbers():
    evs = [e for e in parse_sse(wire(sse_for(message("x"))).splitlines(keepends=True)) if e != "unterminated"]
    assert evs[0].line == 1 and evs[1].line == 4


def test_message_start_with_odd_shapes_never_raises():
    for start in ({"type": "message_start", "message": {"content": "x", "usage": 5}},
                  {"type": "message_start", "message": 7}):
        events = [start, {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
                  {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 1}},
                  {"type": "message_stop"}]
        acc = accumulate_text("".join(f"data: {json.dumps(e)}\n\n" for e in events))
        assert acc.defects  # described, not raised
