"""Raw Anthropic SSE text: detection, several streams per file, cut streams (F001), malformed
events (F002), and bad input that names file and line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.rulekit import findings
from tui.core.formats import load_all
from tui.core.formats.sse_text import SSE_TEXT, looks_like_anthropic_sse, outcome_from_body

SAMPLE = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats" / "sse_text_two_streams_cut.txt"


def ev(name: str | None, data: object) -> str:
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {json.dumps(data)}\n\n"


def start(mid: str = "msg_01Aa") -> str:
    return ev("message_start", {"type": "message_start", "message": {
        "id": mid, "type": "message", "role": "assistant", "model": "claude-sonnet-4-5", "content": [],
        "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 12, "output_tokens": 1}}})


def text_block(i: int, *parts: str) -> str:
    out = ev("content_block_start", {"type": "content_block_start", "index": i,
                                     "content_block": {"type": "text", "text": ""}})
    for p in parts:
        out += ev("content_block_delta", {"type": "content_block_delta", "index": i,
                                          "delta": {"type": "text_delta", "text": p}})
    return out + ev("content_block_stop", {"type": "content_block_stop", "index": i})


def finish(stop: str = "end_turn") -> str:
    return (ev("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                                 "usage": {"output_tokens": 9}})
            + ev("message_stop", {"type": "message_stop"}))


def write(tmp_path: Path, text: str | bytes, name: str = "stream.txt") -> Path:
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return p


def codes(ex) -> list[str]:
    return [f.code for f in findings(ex.request, response=ex.response, error=ex.error, status=ex.status,
                                     extra=ex.extra)]


# -- detection -------------------------------------------------------------------------------------

def test_sse_sample_is_detected():
    log, _, issues = load_all(SAMPLE)
    assert log.format == "anthropic-sse" and not issues


def test_sse_detection_refuses_openai_streams():
    openai = 'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[]}\n\ndata: [DONE]\n\n'
    assert not looks_like_anthropic_sse(openai)
    responses = 'event: response.created\ndata: {"type":"response.created","sequence_number":0}\n\n'
    assert not looks_like_anthropic_sse(responses)
    assert looks_like_anthropic_sse(": keep-alive\n\n" + start())


# -- loading ---------------------------------------------------------------------------------------

def test_sse_sample_loads_both_streams_with_content():
    _, [first, second], _ = load_all(SAMPLE)
    assert (first.source.line, second.source.line) == (1, 46)
    assert first.response["id"] == "msg_01T4dRk8sJq2WmZp6LnVb3Xc"
    assert first.response["stop_reason"] == "tool_use"
    assert first.response["content"][0]["text"] == "I'll read the failing test and the discount code first."
    assert first.response["content"][1]["input"] == {"path": "tests/test_checkout.py"}
    assert "stream_defects" not in first.extra
    assert second.response["id"] == "msg_01Nf5gYh7KpQ3rTz9BcWx2Md"


def test_sse_events_without_event_lines_are_dispatched_by_type(tmp_path):
    full = start() + text_block(0, "Hel", "lo") + finish()
    text = "".join(line + "\n\n" for line in full.splitlines() if line.startswith("data:"))
    assert "event:" not in text
    p = write(tmp_path, text)
    log, [ex], _ = load_all(p)
    assert log.format == "anthropic-sse"
    assert ex.response["content"] == [{"type": "text", "text": "Hello"}]
    assert ex.response["stop_reason"] == "end_turn" and "stream_defects" not in ex.extra


def test_sse_error_before_message_start_is_its_own_exchange(tmp_path):
    overloaded = ev("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
    p = write(tmp_path, overloaded + start("msg_01Bb") + text_block(0, "ok") + finish())
    _, [failed, retried], _ = load_all(p)
    assert failed.response is None and failed.error["error"]["type"] == "overloaded_error"
    assert retried.response["content"][0]["text"] == "ok" and retried.error is None
    assert "E002" in codes(failed) and "F001" not in codes(retried)


def test_outcome_from_body_reads_sse_json_and_error_bodies():
    assert outcome_from_body(start() + text_block(0, "hi") + finish()).response["content"][0]["text"] == "hi"
    assert outcome_from_body('{"type":"error","error":{"type":"api_error","message":"x"}}').error["error"]["type"] == "api_error"
    assert outcome_from_body("<html>502 Bad Gateway</html>", 502).error == {"raw": "<html>502 Bad Gateway</html>"}
    assert outcome_from_body("garbage", 200).note


# -- F001: cut streams -----------------------------------------------------------------------------

def test_f001_cut_stream_keeps_the_partial_content():
    _, [_, cut], _ = load_all(SAMPLE)
    block = cut.response["content"][1]
    assert block["type"] == "tool_use" and block["id"] == "toolu_01Hc3mWq8ZsLp2NvKd5tYa6e"
    assert block["_partial_json"].startswith('{"path":"tests/test_checkout.py::')
    assert cut.response["content"][0]["text"].startswith("The test expects 10% off")
    [f] = [f for f in findings(None, response=cut.response, extra=cut.extra) if f.code == "F001"]
    assert f.scope == "response" and f.path == ("content", 1)
    assert "no message_stop" in f.message and "never closed" in f.message
    assert "partial message (2 content blocks) is kept" in f.message


def test_f001_in_stream_error_after_200(tmp_path):
    err = ev("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
    p = write(tmp_path, start() + text_block(0, "Partial ans") + err)
    _, [ex], _ = load_all(p)
    assert ex.response["content"][0]["text"] == "Partial ans"
    assert ex.error["error"]["type"] == "overloaded_error"
    assert {"F001", "E002"} <= set(codes(ex))


def test_f001_complete_stream_with_pings_is_silent(tmp_path):
    ping = ev("ping", {"type": "ping"})
    p = write(tmp_path, start() + ping + text_block(0, "Done.") + ping + finish())
    _, [ex], _ = load_all(p)
    assert "F001" not in codes(ex) and "F002" not in codes(ex)


def test_f001_last_event_without_blank_line(tmp_path):
    text = start() + text_block(0, "abc") + finish()
    p = write(tmp_path, text.rstrip("\n"))
    _, [ex], _ = load_all(p)
    assert any("terminating blank line" in d for d in ex.extra["stream_defects"])
    assert "F001" in codes(ex)


# -- F002: malformed events ------------------------------------------------------------------------

def test_f002_skipped_block_index_is_reported(tmp_path):
    p = write(tmp_path, start() + text_block(0, "a") + text_block(2, "b") + finish())
    _, [ex], _ = load_all(p)
    fs = [f for f in findings(None, response=ex.response, extra=ex.extra) if f.code == "F002"]
    assert fs[0].message == "line 13: content_block_start index 2 (expected 1)"
    # Like the SDK, the block is appended where it arrives: its deltas then miss (reported too).
    assert any("delta for unknown block 2" in f.message for f in fs)


def test_f002_delta_that_does_not_fit_its_block(tmp_path):
    wrong = ev("content_block_delta", {"type": "content_block_delta", "index": 0,
                                       "delta": {"type": "input_json_delta", "partial_json": "{}"}})
    p = write(tmp_path, start() + text_block(0, "a").replace(
        ev("content_block_stop", {"type": "content_block_stop", "index": 0}), "") + wrong
              + ev("content_block_stop", {"type": "content_block_stop", "index": 0}) + finish())
    _, [ex], _ = load_all(p)
    [f] = [f for f in findings(None, response=ex.response, extra=ex.extra) if f.code == "F002"]
    assert "input_json_delta does not fit block 0 of type text" in f.message and f.path == ("content", 0)


def test_f002_well_formed_stream_is_silent():
    _, [first, _], _ = load_all(SAMPLE)
    assert "F002" not in codes(first)


# -- malformed input -------------------------------------------------------------------------------

def test_sse_data_that_is_not_json_names_the_line(tmp_path):
    p = write(tmp_path, start() + "event: content_block_delta\ndata: {\"type\": \"content_bl\n\n" + finish())
    _, [ex], issues = load_all(p)
    assert not issues
    [f] = [f for f in findings(None, response=ex.response, extra=ex.extra) if f.code == "F002"]
    assert f.message.startswith("line 4: event content_block_delta has data that is not JSON")
    assert ex.source.where() == f"{p}:1"


def test_sse_invalid_utf8_line_is_an_issue_naming_file_and_line(tmp_path):
    raw = (start() + text_block(0, "caf")).encode() + b'data: {"x": "\xff"}\n\n' + finish().encode()
    p = write(tmp_path, raw)
    _, [ex], [issue] = load_all(p)
    assert str(issue).startswith(f"{p}:") and "not valid UTF-8" in str(issue)
    assert issue.line == raw[: raw.index(b"\xff")].count(b"\n") + 1
    assert ex.response["stop_reason"] == "end_turn"


def test_sse_events_logged_as_json_lines(tmp_path):
    text = start() + text_block(0, "Hi") + finish() + start("msg_01Cc") + text_block(0, "cu")
    lines = [line[6:] for line in text.splitlines() if line.startswith("data: ")]
    lines.insert(3, '{"type": "content_block_delta", "ind')
    p = write(tmp_path, "\n".join(lines) + "\n", "events.jsonl")
    log, [done, cut], [issue] = load_all(p)
    assert log.format == "anthropic-events-jsonl"
    assert done.response["content"] == [{"type": "text", "text": "Hi"}] and "stream_defects" not in done.extra
    assert cut.response["content"] == [{"type": "text", "text": "cu"}] and "F001" in codes(cut)
    assert (cut.source.line, str(issue).split(": ", 1)[0]) == (8, f"{p}:4")


def test_sse_format_is_registered_after_json_formats():
    from tui.core.formats.registry import FORMATS

    names = [f.name for f in FORMATS]
    assert names.index(SSE_TEXT.name) < names.index("anthropic-json")
