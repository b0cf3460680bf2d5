"""pydantic-ai message histories (issue 15 §1): each model call of a ``ModelMessagesTypeAdapter``
dump is rebuilt as the request pydantic-ai sent, in the provider's dialect, and checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli.main import main
from tui.core.check import check_exchange
from tui.core.formats import LoadError, load_all

SAMPLE = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats" / "pydantic_ai_history.json"


def history() -> list[dict]:
    return json.loads(SAMPLE.read_text())


def write(tmp_path: Path, value: object, name: str = "history.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(value))
    return p


def codes(ex) -> set[tuple[str, str]]:
    return {(f.code, f.dotted) for f in check_exchange(ex)}


def test_every_model_call_of_the_sample_is_an_exchange_and_the_failed_one_is_explained():
    log, exchanges, issues = load_all(SAMPLE)
    assert log.format == "pydantic-ai" and not issues
    assert [(ex.status, ex.response is not None) for ex in exchanges] == [(200, True)] * 3 + [(None, False)]
    assert [codes(ex) for ex in exchanges[:3]] == [set(), set(), set()]
    # The app let a new prompt in before the tool return: pydantic-ai put both in one request,
    # text first, and the API reads only a leading run of tool_result blocks.
    last = exchanges[3]
    assert ("P003", "messages.6.content.1") in codes(last)
    assert last.extra["pydantic_ai"] == {"message": 6, "pending": True, "timestamp": "2026-11-30T14:02:18.002114Z"}
    assert "the history ends with a request: its answer was not kept" in last.extra["notes"]


def test_requests_are_rebuilt_the_way_pydantic_ai_sends_them():
    _, exchanges, _ = load_all(SAMPLE)
    req = exchanges[2].request
    assert req["model"] == "claude-sonnet-4-6" and req["system"].startswith("You are the support agent")
    assert [m["role"] for m in req["messages"]] == ["user", "assistant", "user", "assistant", "user"]
    # `args` logged as JSON text becomes the tool_use input object
    assert req["messages"][3]["content"][0]["input"] == {"order_id": "NW-10442", "amount": 12.0}
    # a retry-prompt on a tool is the error tool_result pydantic-ai sends back
    retry = req["messages"][4]["content"][0]
    assert retry["type"] == "tool_result" and retry["is_error"] is True
    assert retry["content"].startswith("1 validation errors: [") and retry["content"].endswith(
        "Fix the errors and try again.")
    assert exchanges[2].response["content"][0]["type"] == "thinking"  # signed thinking is kept
    assert exchanges[2].response["usage"] == {"input_tokens": 1562, "output_tokens": 97, "cache_read_input_tokens": 1190}
    assert exchanges[2].extra["partial_request"] is True  # no tools or max_tokens in a history


def test_unsigned_thinking_is_dropped_and_said():
    h = history()[:2]
    h[1]["parts"].insert(0, {"content": "hmm", "id": None, "signature": None, "part_kind": "thinking"})
    h.append({"parts": [{"content": "and?", "part_kind": "user-prompt"}], "kind": "request"})
    _, exchanges, _ = load_all(write(Path(__import__("tempfile").mkdtemp()), h))
    sent = exchanges[-1].request["messages"][1]["content"]
    assert [b["type"] for b in sent] == ["text", "tool_use"]
    assert any("thinking parts without a signature" in n for n in exchanges[-1].extra["notes"])


def test_a_history_with_an_openai_model_is_checked_as_chat_completions(tmp_path):
    h = history()[:3]
    h[1].update(model_name="gpt-4.1", provider_name="openai")
    h[1]["parts"][1]["args"] = '{"order_id": "NW-10442"}'
    h.append({"parts": [{"content": "ok", "part_kind": "text"}], "model_name": "gpt-4.1", "provider_name": "openai",
              "kind": "response", "finish_reason": "stop"})
    _, exchanges, issues = load_all(write(tmp_path, h))
    assert not issues and [ex.dialect for ex in exchanges] == ["openai-chat", "openai-chat"]
    msgs = exchanges[1].request["messages"]
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "tool"]
    assert msgs[2]["tool_calls"][0]["function"]["arguments"] == '{"order_id": "NW-10442"}'
    assert msgs[3]["tool_call_id"] == "toolu_01A8mGq3kQz7r2cVbXyT5nLd"
    assert all(not codes(ex) for ex in exchanges)  # never an Anthropic B002 on an OpenAI call


def test_jsonl_one_message_per_line_is_one_conversation_and_a_bad_line_is_named(tmp_path):
    lines = [json.dumps(m) for m in history()]
    lines[2] = lines[2][:40]
    p = tmp_path / "store.jsonl"
    p.write_text("\n".join(lines) + "\n")
    log, exchanges, issues = load_all(p)
    assert log.format == "pydantic-ai" and len(exchanges) == 4
    assert [str(i) for i in issues] == [f"{p}:3: invalid JSON at column 41, in parts.0: Invalid control character; "
                                        f"the message is left out of the rebuilt calls"]
    assert exchanges[0].source.line == 2  # the call is named by its response's line


def test_an_item_that_is_not_a_model_message_is_named_by_its_index(tmp_path):
    h = history()
    h.insert(2, {"role": "user", "content": "hi"})
    _, exchanges, issues = load_all(write(tmp_path, h))
    assert len(exchanges) == 4
    assert len(issues) == 1 and issues[0].path == "/2" and "not a pydantic-ai ModelMessage" in issues[0].message


def test_a_list_of_anthropic_messages_is_not_taken_for_a_history(tmp_path):
    """Near miss: `[{role, content}]` (a bare messages array) stays an Anthropic format."""
    p = write(tmp_path, [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}])
    log, _, _ = load_all(p)
    assert log.format != "pydantic-ai"
    p = write(tmp_path, [{"kind": "request", "parts": [{"type": "text"}]}], "other.json")
    try:
        log, _, _ = load_all(p)
    except LoadError:
        return
    assert log.format != "pydantic-ai"  # parts without part_kind are not pydantic-ai's


def test_a_cut_history_exits_two_naming_the_file_and_line(tmp_path, capsys):
    p = tmp_path / "cut.json"
    p.write_text(SAMPLE.read_text()[:900])
    assert main(["check", str(p)]) == 2
    err = capsys.readouterr().err
    assert str(p) in err and "line" in err and "Traceback" not in err
