"""Claude Code transcripts and stream-json: merged split assistant lines, the parentUuid tree and
its active branch, API errors recorded as lines, and bad lines that name file and line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.rulekit import findings
from tui.core.formats import load_all

FORMATS = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats"
SESSION = FORMATS / "claude_code_session.jsonl"
STREAM = FORMATS / "claude_code_stream.jsonl"


def check(ex, code: str):
    return [f for f in findings(ex.request, response=ex.response, error=ex.error, status=ex.status, extra=ex.extra)
            if f.code == code]


def write(tmp_path: Path, lines: list[dict | str], name: str = "session.jsonl") -> Path:
    p = tmp_path / name
    p.write_text("".join((ln if isinstance(ln, str) else json.dumps(ln)) + "\n" for ln in lines))
    return p


def line(uuid, parent, typ, content, mid=None, stop=None, **kw):
    msg = {"role": typ, "content": content}
    if typ == "assistant":
        msg.update(id=mid, type="message", model="claude-sonnet-4-5", stop_reason=stop,
                   usage={"input_tokens": 5, "output_tokens": 7})
    return {"parentUuid": parent, "isSidechain": False, "sessionId": "s-1", "type": typ, "message": msg,
            "uuid": uuid, "timestamp": f"2025-06-03T14:10:{int(uuid[1:]):02d}.000Z", **kw}


def tu(tid):
    return {"type": "tool_use", "id": tid, "name": "Read", "input": {"file_path": f"/r/{tid}"}}


def tr(tid):
    return {"type": "tool_result", "tool_use_id": tid, "content": f"contents of {tid}"}


# -- transcripts -----------------------------------------------------------------------------------

def test_claude_code_sample_is_detected():
    log, exchanges, issues = load_all(SESSION)
    assert log.format == "claude-code" and len(exchanges) == 5 and not issues


def test_claude_code_detected_when_the_first_line_is_long(tmp_path):
    big = line("u1", None, "user", "x" * 100_000)
    p = write(tmp_path, [big, line("a2", "u1", "assistant", [{"type": "text", "text": "ok"}], "msg_1", "end_turn")])
    log, [ex], _ = load_all(p)
    assert log.format == "claude-code" and ex.request["messages"][0]["content"] == "x" * 100_000


def test_claude_code_merges_split_assistant_lines_into_one_response():
    _, [first, *_], _ = load_all(SESSION)
    assert [b["type"] for b in first.response["content"]] == ["thinking", "text", "tool_use", "tool_use"]
    assert first.response["id"] == "msg_01AbCdEfGhJkLmNpQrStUvWx"
    assert first.response["stop_reason"] == "tool_use" and first.response["usage"]["output_tokens"] == 188
    assert first.request == {"messages": [{"role": "user", "content": "test_checkout_applies_discount fails on main "
                                                                      "since yesterday. Find out why."}]}
    assert first.extra["partial_request"] is True and first.extra["session_id"].startswith("3f6d2a1e")
    assert first.request_id == "req_011CQw1A2b3C4d5E6f7G8h9J"
    assert first.started_at == "2025-06-03T14:10:00.512Z" and first.duration_ms == 3718.0
    assert (first.source.line, first.source.record) == (4, 0)


def test_claude_code_parallel_results_and_rewound_branch():
    _, [_, bash, grep, *_], _ = load_all(SESSION)
    # both parallel results reach the request, though they hang off different lines
    assert [b["tool_use_id"] for b in bash.request["messages"][2]["content"]] == [
        "toolu_01Xq7gHn2VbK9sLmPq4rT8wZ", "toolu_01Pr9sTu2VwXy3Za4Bc5De6F"]
    assert bash.extra["active_branch"] is False  # the user rewound past it
    assert grep.extra["active_branch"] is True
    # the rewind's new prompt joins the tool results in one user message
    assert [b["type"] for b in grep.request["messages"][2]["content"]] == ["tool_result", "tool_result", "text"]
    assert not any(m["role"] == "assistant" and any(b.get("name") == "Bash" for b in m["content"])
                   for m in grep.request["messages"])


def test_claude_code_api_errors_recorded_as_lines():
    _, [*_, retry, failed], _ = load_all(SESSION)
    assert retry.status == 529 and retry.error == {"status": 529, "message": "overloaded"}
    assert retry.extra["retryAttempt"] == 1 and check(retry, "E002")
    assert failed.status == 400 and failed.response is None
    assert failed.error["raw"].startswith("API Error: 400 {")
    [e] = check(failed, "E001")
    assert "P001" in e.message and "reports it too" in e.message
    assert check(failed, "P001")[0].path == ("messages", 3, "content", 1)
    assert failed.request["messages"][-1] == {"role": "user", "content": "Go on."}


def test_claude_code_summaries_from_other_sessions_are_ignored(tmp_path):
    _, exchanges, _ = load_all(SESSION)
    assert not any("summary" in ex.extra for ex in exchanges)
    lines = [{"type": "summary", "summary": "Read two files", "leafUuid": "a2"},
             line("u1", None, "user", "read it"),
             line("a2", "u1", "assistant", [{"type": "text", "text": "done"}], "msg_1", "end_turn")]
    _, [ex], _ = load_all(write(tmp_path, lines))
    assert ex.extra["summary"] == "Read two files"


def test_claude_code_interleaved_results_merge_into_one_turn(tmp_path):
    lines = [line("u1", None, "user", "go"),
             line("a2", "u1", "assistant", [tu("toolu_01A")], "msg_1"),
             line("u3", "a2", "user", [tr("toolu_01A")]),
             line("a4", "u3", "assistant", [tu("toolu_01B")], "msg_1", "tool_use"),
             line("u5", "a4", "user", [tr("toolu_01B")]),
             line("a6", "u5", "assistant", [{"type": "text", "text": "both read"}], "msg_2", "end_turn")]
    _, [one, two], _ = load_all(write(tmp_path, lines))
    assert [b["id"] for b in one.response["content"]] == ["toolu_01A", "toolu_01B"]
    assert two.request["messages"] == [
        {"role": "user", "content": "go"},
        {"role": "assistant", "content": [tu("toolu_01A"), tu("toolu_01B")]},
        {"role": "user", "content": [tr("toolu_01A"), tr("toolu_01B")]}]
    assert not check(two, "P001") and not check(two, "R002")


def test_claude_code_compaction_starts_a_new_request_chain(tmp_path):
    lines = [line("u1", None, "user", "old work"),
             line("a2", "u1", "assistant", [{"type": "text", "text": "old answer"}], "msg_1", "end_turn"),
             {"parentUuid": None, "logicalParentUuid": "a2", "type": "system", "subtype": "compact_boundary",
              "sessionId": "s-1", "uuid": "s3", "content": "Conversation compacted", "timestamp": "2025-06-03T14:11:00Z"},
             line("u4", "s3", "user", "This session is being continued... summary", isCompactSummary=True),
             line("a5", "u4", "assistant", [{"type": "text", "text": "continuing"}], "msg_2", "end_turn")]
    _, [old, new], _ = load_all(write(tmp_path, lines))
    assert new.request["messages"] == [{"role": "user", "content": "This session is being continued... summary"}]
    assert old.extra["active_branch"] is True and new.extra["active_branch"] is True


def test_claude_code_lines_of_other_types_keep_the_chain(tmp_path):
    lines = [line("u1", None, "user", "go"),
             {"type": "progress", "parentUuid": "u1", "uuid": "p2", "sessionId": "s-1", "data": {"hook": "x"}},
             line("a3", "p2", "assistant", [{"type": "text", "text": "ok"}], "msg_1", "end_turn"),
             {"type": "queue-operation", "operation": "enqueue", "sessionId": "s-1", "content": "later"}]
    _, [ex], issues = load_all(write(tmp_path, lines))
    assert not issues and ex.request["messages"] == [{"role": "user", "content": "go"}]
    assert ex.extra["active_branch"] is True


def test_claude_code_bad_lines_name_file_and_line(tmp_path):
    good = [line("u1", None, "user", "go"),
            line("a2", "u1", "assistant", [{"type": "text", "text": "ok"}], "msg_1", "end_turn")]
    bad_shape = {"parentUuid": "a2", "type": "assistant", "sessionId": "s-1", "uuid": "a3", "message": "oops"}
    p = write(tmp_path, [*good, json.dumps(good[0])[:50], bad_shape, [1, 2]])
    log, [ex], issues = load_all(p)
    assert log.format == "claude-code" and ex.response["content"][0]["text"] == "ok"
    assert [str(i).split(": ", 1)[0] for i in issues] == [f"{p}:3", f"{p}:4 at /message/content", f"{p}:5"]
    assert "invalid JSON" in str(issues[0])
    assert "an assistant line without a `message` holding `content`" in str(issues[1])


# -- stream-json -----------------------------------------------------------------------------------

def test_claude_code_stream_json_sample_is_detected():
    log, exchanges, issues = load_all(STREAM)
    assert log.format == "claude-code-stream-json" and len(exchanges) == 2 and not issues


def test_claude_code_stream_json_merges_lines_and_completes_from_events():
    _, [first, second], _ = load_all(STREAM)
    assert [b["type"] for b in first.response["content"]] == ["text", "tool_use"]
    assert first.response["content"][1]["input"] == {"path": "tests/test_checkout.py"}
    # the split assistant lines say stop_reason null; the raw events give the real one
    assert first.response["stop_reason"] == "tool_use" and first.response["usage"]["output_tokens"] == 96
    assert first.request == {"messages": []} and first.extra["prompt_not_logged"] is True
    assert first.extra["init_model"] == "claude-sonnet-4-5-20250929"
    assert second.request["messages"][0]["role"] == "assistant"
    assert second.request["messages"][1]["content"][0]["type"] == "tool_result"
    assert second.extra["session_result"]["subtype"] == "error_during_execution"


def test_claude_code_stream_json_cut_stream_is_an_exchange():
    _, [_, cut], _ = load_all(STREAM)
    assert cut.response["id"] == "msg_01SjBcDeFgHjKmNpQrStUvWx"
    assert cut.response["content"][0]["text"].startswith("The test expects")
    [f] = check(cut, "F001")
    assert "no message_stop" in f.message


def test_claude_code_stream_json_subagents_are_separate_conversations(tmp_path):
    def sj(typ, content, mid=None, parent=None, stop=None):
        msg = {"role": typ, "content": content}
        if typ == "assistant":
            msg.update(id=mid, type="message", model="m", stop_reason=stop, usage={"input_tokens": 1, "output_tokens": 1})
        return {"type": typ, "message": msg, "parent_tool_use_id": parent, "session_id": "s", "uuid": mid or "u"}
    task = {"type": "tool_use", "id": "toolu_01T", "name": "Task", "input": {"prompt": "look"}}
    lines = [{"type": "system", "subtype": "init", "session_id": "s", "model": "m", "tools": []},
             sj("assistant", [task], "msg_1", stop="tool_use"),
             sj("user", [{"type": "text", "text": "look"}], parent="toolu_01T"),
             sj("assistant", [{"type": "text", "text": "found it"}], "msg_2", parent="toolu_01T", stop="end_turn"),
             sj("user", [{"type": "tool_result", "tool_use_id": "toolu_01T", "content": "found it"}]),
             sj("assistant", [{"type": "text", "text": "done"}], "msg_3", stop="end_turn")]
    _, [main1, sub, main2], _ = load_all(write(tmp_path, lines, "out.jsonl"))
    assert sub.extra["parent_tool_use_id"] == "toolu_01T"
    assert sub.request["messages"] == [{"role": "user", "content": [{"type": "text", "text": "look"}]}]
    assert [m["role"] for m in main2.request["messages"]] == ["assistant", "user"]
    assert "parent_tool_use_id" not in main1.extra


def test_claude_code_stream_json_bad_lines_name_file_and_line(tmp_path):
    lines = [{"type": "system", "subtype": "init", "session_id": "s", "model": "m"},
             {"type": "stream_event", "event": "message_start", "session_id": "s"},
             '{"type": "assistant", "message": {"id": "msg_1", "content": [',
             {"type": "assistant", "message": {"id": "msg_1", "role": "assistant", "type": "message",
                                               "content": [{"type": "text", "text": "hi"}]}, "session_id": "s"}]
    p = write(tmp_path, lines, "out.jsonl")
    _, [ex], issues = load_all(p)
    assert [str(i).split(": ", 1)[0] for i in issues] == [f"{p}:2 at /event", f"{p}:3"]
    assert ex.response["content"] == [{"type": "text", "text": "hi"}]
