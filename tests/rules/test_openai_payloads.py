"""Q family: OpenAI pairing rules (Chat Completions and Responses) and cut logged responses."""

from __future__ import annotations

import copy
from typing import Any

from tests.rulekit import findings as _findings
from tui.core.findings import Applicability
from tui.core.repair.patch import apply_patch

CHAT = "openai-chat"
RESPONSES = "openai-responses"


def findings(payload: Any, code: str | None = None, dialect: str = CHAT, **kw: Any):
    return _findings(payload, code, dialect=dialect, **kw)


def codes(payload: Any, dialect: str = CHAT, **kw: Any) -> set[str]:
    return {f.code for f in findings(payload, dialect=dialect, **kw)}


def fix_all(payload: Any, code: str, dialect: str = CHAT, *, unsafe: bool = True) -> Any:
    """Apply the first fix of ``code`` until the rule is silent (the input is never mutated)."""
    original = copy.deepcopy(payload)
    current = payload
    for _ in range(20):
        fs = findings(current, code, dialect)
        if not fs:
            assert payload == original
            return current
        fix = fs[0].fix
        assert fix is not None
        assert unsafe or fix.applicability is Applicability.SAFE
        current = apply_patch(current, fix.ops)
    raise AssertionError(f"{code} still reported")


def call(cid: str, name: str = "read_file", args: str = '{"path": "app.py"}') -> dict[str, Any]:
    return {"id": cid, "type": "function", "function": {"name": name, "arguments": args}}


def calls(*cids: str, content: Any = None) -> dict[str, Any]:
    return {"role": "assistant", "content": content, "tool_calls": [call(c) for c in cids]}


def tool(cid: str | None, content: str = "print('hi')") -> dict[str, Any]:
    msg: dict[str, Any] = {"role": "tool", "content": content}
    if cid is not None:
        msg["tool_call_id"] = cid
    return msg


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def chat(*messages: dict[str, Any]) -> dict[str, Any]:
    return {"model": "gpt-4.1", "messages": [{"role": "system", "content": "You are a coding agent."},
                                             user("Fix app.py"), *messages]}


# -- Q001 tool-call-without-tool-message --------------------------------------------------------------

def test_q001_missing_tool_message_reported_at_the_call_with_openai_text():
    p = chat(calls("call_A", "call_B"), tool("call_A"), user("go on"))
    [f] = findings(p, "Q001")
    assert f.dotted == "messages.2.tool_calls.1"
    assert f.api_error == ("An assistant message with 'tool_calls' must be followed by tool messages "
                           "responding to each 'tool_call_id'. The following tool_call_ids did not have "
                           "response messages: call_B")
    assert f.severity.value == "error" and f.fix.applicability is Applicability.UNSAFE


def test_q001_lists_every_unanswered_id_of_the_message():
    p = chat(calls("call_A", "call_B"))
    fs = findings(p, "Q001")
    assert len(fs) == 2 and fs[0].api_error.endswith("response messages: call_A, call_B")


def test_q001_near_miss_all_answered_in_any_order():
    p = chat(calls("call_A", "call_B"), tool("call_B"), tool("call_A"), user("thanks"))
    assert codes(p) == set()


def test_q001_near_miss_anthropic_dialect_is_not_checked():
    p = chat(calls("call_A"), user("go on"))
    assert "Q001" not in codes(p, dialect="anthropic")


def test_q001_fix_inserts_a_synthetic_tool_message():
    p = chat(calls("call_A", "call_B"), tool("call_A"), user("go on"))
    fixed = fix_all(p, "Q001")
    assert fixed["messages"][4] == {"role": "tool", "tool_call_id": "call_B", "content":
                                    "No result was recorded for this tool call (inserted by payload-doctor)."}
    assert codes(fixed) == set()


def test_q001_fix_moves_a_late_tool_message_safely():
    p = chat(calls("call_A"), user("hurry"), tool("call_A"))
    f = findings(p, "Q001")[0]
    assert f.fix.applicability is Applicability.SAFE and f.related == (("messages", 4),)
    fixed = fix_all(p, "Q001", unsafe=False)
    assert [m["role"] for m in fixed["messages"]] == ["system", "user", "assistant", "tool", "user"]
    assert codes(fixed) == set()


# -- Q002 orphan-tool-message ---------------------------------------------------------------------------

def test_q002_tool_message_after_a_user_message():
    p = chat(tool("call_gone", "42"))
    [f] = findings(p, "Q002")
    assert f.dotted == "messages.2"
    assert f.api_error == ("Invalid parameter: messages with role 'tool' must be a response to a preceeding "
                           "message with 'tool_calls'.")


def test_q002_wrong_id_inside_a_valid_run_and_missing_id():
    p = chat(calls("call_A"), tool("call_A"), tool("call_a"), tool(None))
    fs = findings(p, "Q002")
    assert [f.dotted for f in fs] == ["messages.4", "messages.5"]
    assert fs[1].api_error == "Missing required parameter: 'messages[5].tool_call_id'."


def test_q002_near_miss_parallel_results():
    p = chat(calls("call_A", "call_B"), tool("call_A"), tool("call_B"))
    assert "Q002" not in codes(p)


def test_q002_fix_drops_an_orphan_inside_a_run_and_keeps_text_elsewhere():
    fixed = fix_all(chat(calls("call_A"), tool("call_A"), tool("call_zzz")), "Q002")
    assert fixed["messages"][-1] == tool("call_A")
    fixed = fix_all(chat(tool("call_gone", "42")), "Q002")
    assert fixed["messages"][-1] == user("[tool result for call_gone]\n42")


def test_q002_fix_moves_a_misplaced_result_back_safely():
    p = chat(calls("call_A"), user("status?"), tool("call_A"))
    [f] = findings(p, "Q002")
    assert f.fix.applicability is Applicability.SAFE
    fixed = fix_all(p, "Q002", unsafe=False)
    assert codes(fixed) == set()


# -- Q003 function-call-without-output ------------------------------------------------------------------

def fcall(cid: str, name: str = "run_tests") -> dict[str, Any]:
    return {"type": "function_call", "id": f"fc_{cid}", "call_id": cid, "name": name, "arguments": "{}"}


def fout(cid: str, output: str = "3 passed") -> dict[str, Any]:
    return {"type": "function_call_output", "call_id": cid, "output": output}


def resp_req(*items: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"model": "gpt-5", "input": [{"type": "message", "role": "user", "content": "run the tests"}, *items],
            **top}


def test_q003_call_without_output():
    p = resp_req(fcall("call_A"), fcall("call_B"), fout("call_A"))
    [f] = findings(p, "Q003", RESPONSES)
    assert f.dotted == "input.2"
    assert f.api_error == "No tool output found for function call call_B."


def test_q003_near_miss_pairing_is_by_call_id_not_item_id():
    p = resp_req(fcall("call_A"), fout("call_A"))
    assert codes(p, RESPONSES) == set()
    p = resp_req(fcall("call_A"), {"type": "function_call_output", "call_id": "fc_call_A", "output": "x"})
    assert codes(p, RESPONSES) == {"Q003", "Q004"}


def test_q003_fix_inserts_synthetic_output_after_the_group():
    p = resp_req(fcall("call_A"), fcall("call_B"), fout("call_A"), {"type": "message", "role": "user", "content": "?"})
    fixed = fix_all(p, "Q003", RESPONSES)
    assert [i.get("call_id") for i in fixed["input"][1:5]] == ["call_A", "call_B", "call_A", "call_B"]
    assert fixed["input"][4]["type"] == "function_call_output"
    assert codes(fixed, RESPONSES) == set()


def test_q003_fix_moves_an_output_placed_before_its_call():
    p = resp_req(fout("call_A"), fcall("call_A"))
    assert findings(p, "Q003", RESPONSES)[0].fix.applicability is Applicability.SAFE
    fixed = fix_all(p, "Q003", RESPONSES, unsafe=False)
    assert [i["type"] for i in fixed["input"][1:]] == ["function_call", "function_call_output"]
    assert codes(fixed, RESPONSES) == set()


# -- Q004 orphan-function-call-output --------------------------------------------------------------------

def test_q004_output_without_call():
    p = resp_req(fout("call_gone", "42"))
    [f] = findings(p, "Q004", RESPONSES)
    assert f.dotted == "input.1"
    assert f.api_error == "No tool call found for function call output with call_id call_gone."


def test_q004_near_miss_previous_response_id_holds_the_call():
    p = resp_req(fout("call_stored"), previous_response_id="resp_abc")
    assert codes(p, RESPONSES) == set()


def test_q004_fix_keeps_the_output_text_as_a_user_message():
    fixed = fix_all(resp_req(fout("call_gone", "42")), "Q004", RESPONSES)
    assert fixed["input"][1] == {"type": "message", "role": "user", "content": [
        {"type": "input_text", "text": "[tool result for call_gone]\n42"}]}
    fixed = fix_all(resp_req(fout("call_gone", "")), "Q004", RESPONSES)
    assert len(fixed["input"]) == 1


# -- Q005 chat-completion-cut -----------------------------------------------------------------------------

def completion(finish: str, args: str = '{"path": "app.py"}') -> dict[str, Any]:
    return {"id": "chatcmpl-1", "object": "chat.completion", "choices": [
        {"index": 0, "finish_reason": finish,
         "message": {"role": "assistant", "content": None, "tool_calls": [call("call_Z", "write_file", args)]}}]}


def test_q005_length_stop_and_cut_arguments():
    fs = findings(chat(), "Q005", response=completion("length", '{"path": "app.py", "content": "imp'))
    assert [f.dotted for f in fs] == ["response.choices.0.finish_reason",
                                      "response.choices.0.message.tool_calls.0.function.arguments"]
    assert all(f.severity.value == "warning" for f in fs)


def test_q005_near_miss_complete_tool_calls():
    assert findings(chat(), "Q005", response=completion("tool_calls")) == []


# -- Q006 response-not-completed --------------------------------------------------------------------------

def test_q006_incomplete_response_with_cut_call():
    resp = {"id": "resp_1", "object": "response", "status": "incomplete",
            "incomplete_details": {"reason": "max_output_tokens"},
            "output": [{"type": "function_call", "call_id": "call_Z", "name": "write_file", "arguments": '{"path": "a'}]}
    fs = findings(resp_req(), "Q006", RESPONSES, response=resp)
    assert [(f.dotted, f.message.split(":")[0]) for f in fs] == [
        ("response.output.0.arguments", "arguments of function_call call_Z (write_file) are not a JSON object (cut output?)"),
        ("response.status", "the response is incomplete (max_output_tokens)")]


def test_q006_near_miss_completed_response():
    resp = {"id": "resp_1", "object": "response", "status": "completed", "output": [fcall("call_A")]}
    assert findings(resp_req(), "Q006", RESPONSES, response=resp) == []
