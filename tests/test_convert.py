"""OpenAI Chat / Responses ⇄ Anthropic request conversion: mapping, notes, round trip, checker."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path

from tests.rulekit import findings
from tui.core.convert import (
    Converted, anthropic_to_openai_chat, openai_chat_to_anthropic, openai_responses_to_anthropic, to_anthropic,
)
from tui.core.formats import load_all

SAMPLES = Path(__file__).resolve().parent.parent / "sample_payloads" / "formats"
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)).decode()
MODEL = "claude-haiku-4-5-20251001"

TOOLS = [{"type": "function", "function": {"name": "read_file", "description": "Read a file.",
          "parameters": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}}},
         {"type": "function", "function": {"name": "run_tests", "description": "Run pytest.",
          "parameters": {"type": "object", "properties": {}}}}]


def chat_request() -> dict:
    """A realistic agent conversation in Chat Completions form (arguments as json.dumps writes them)."""
    return {
        "model": MODEL,
        "max_completion_tokens": 2048,
        "temperature": 0.2,
        "stop": ["\n\nUser:"],
        "tools": TOOLS,
        "tool_choice": "auto",
        "messages": [
            {"role": "system", "content": "You are a coding agent in /srv/shop."},
            {"role": "user", "content": [{"type": "text", "text": "This screenshot shows the failing test."},
                                         {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}]},
            {"role": "assistant", "content": "Reading the test and running it.", "tool_calls": [
                {"id": "call_Ab1", "type": "function", "function": {"name": "read_file",
                                                                    "arguments": json.dumps({"path": "tests/test_cart.py"})}},
                {"id": "call_Cd2", "type": "function", "function": {"name": "run_tests", "arguments": json.dumps({})}}]},
            {"role": "tool", "tool_call_id": "call_Ab1", "content": "def test_total(): ..."},
            {"role": "tool", "tool_call_id": "call_Cd2", "content": "1 failed"},
            {"role": "assistant", "content": "The total is not rounded to cents."},
            {"role": "user", "content": "Fix it."},
        ],
    }


def test_chat_to_anthropic_maps_every_part():
    out = openai_chat_to_anthropic(chat_request())
    assert isinstance(out, Converted)
    body = out.body
    assert body["system"] == "You are a coding agent in /srv/shop."
    assert (body["model"], body["max_tokens"], body["stop_sequences"]) == (MODEL, 2048, ["\n\nUser:"])
    assert body["tool_choice"] == {"type": "auto"}
    assert body["tools"][0] == {"name": "read_file", "description": "Read a file.",
                                "input_schema": TOOLS[0]["function"]["parameters"]}
    msgs = body["messages"]
    assert [m["role"] for m in msgs] == ["user", "assistant", "user", "assistant", "user"]
    assert msgs[0]["content"][1] == {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}}
    assert msgs[1]["content"] == [
        {"type": "text", "text": "Reading the test and running it."},
        {"type": "tool_use", "id": "call_Ab1", "name": "read_file", "input": {"path": "tests/test_cart.py"}},
        {"type": "tool_use", "id": "call_Cd2", "name": "run_tests", "input": {}}]
    assert msgs[2]["content"] == [  # consecutive tool messages merged into one user message
        {"type": "tool_result", "tool_use_id": "call_Ab1", "content": "def test_total(): ..."},
        {"type": "tool_result", "tool_use_id": "call_Cd2", "content": "1 failed"}]
    assert "temperature" not in body  # the SDK's anthropic-version takes no sampling parameter
    assert out.notes == ["dropped `temperature` (0.2): anthropic-version 2026-10-21, which the SDK sends, "
                         "accepts no sampling parameter"]


def test_converted_chat_payload_passes_the_anthropic_checker():
    out = openai_chat_to_anthropic(chat_request())
    errors = [f for f in findings(out.body) if f.severity.value != "info"]
    assert errors == []


def test_round_trip_chat_anthropic_chat_keeps_the_conversation():
    original = chat_request()
    there = openai_chat_to_anthropic(original)
    back = anthropic_to_openai_chat(there.body)
    assert back.body["messages"] == original["messages"]
    assert back.body["tools"] == original["tools"]
    assert (back.body["max_completion_tokens"], back.body["stop"], back.body["tool_choice"]) == (2048, ["\n\nUser:"], "auto")
    assert back.notes == []


def test_round_trip_with_a_follow_up_after_tool_results():
    original = chat_request()
    original["messages"][5:] = [{"role": "user", "content": "Also check the discount code."}]
    there = openai_chat_to_anthropic(original)
    assert there.body["messages"][2]["content"][-1] == {"type": "text", "text": "Also check the discount code."}
    assert [f for f in findings(there.body) if f.severity.value != "info"] == []
    assert anthropic_to_openai_chat(there.body).body["messages"] == original["messages"]


def test_openai_only_parameters_are_dropped_and_named():
    req = {**chat_request(), "n": 2, "logprobs": True, "seed": 7, "response_format": {"type": "json_object"},
           "temperature": 1.4, "parallel_tool_calls": False, "tool_choice": "required", "user": "u_42",
           "x_trace": "abc"}
    out = openai_chat_to_anthropic(req)
    assert "temperature" not in out.body
    assert out.body["tool_choice"] == {"type": "any", "disable_parallel_tool_use": True}
    assert out.body["metadata"] == {"user_id": "u_42"}
    for key in ("n", "logprobs", "seed", "response_format", "x_trace"):
        assert key not in out.body
        assert any(note.startswith(f"dropped `{key}`") for note in out.notes), key
    assert ("dropped `temperature` (1.4): anthropic-version 2026-10-21, which the SDK sends, accepts no "
            "sampling parameter") in out.notes


def test_missing_limit_cut_arguments_names_and_mid_conversation_system_are_noted():
    req = {"model": "gpt-4.1", "messages": [
        {"role": "user", "name": "alice", "content": "hi"},
        {"role": "developer", "content": "Answer in French."},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_X", "type": "function", "function": {"name": "write", "arguments": '{"path": "a.py", "te'}}]},
        {"role": "tool", "tool_call_id": "call_X", "content": ""}]}
    out = openai_chat_to_anthropic(req)
    assert out.body["max_tokens"] == 4096
    assert out.body["system"] == "Answer in French."
    assert out.body["messages"][1]["content"][0]["input"] == {"value": '{"path": "a.py", "te'}
    assert out.body["messages"][2]["content"] == [{"type": "tool_result", "tool_use_id": "call_X"}]
    assert len(out.notes) == 4
    assert any("moved the developer message messages[1]" in n for n in out.notes)
    assert any("arguments of call call_X are not a JSON object" in n for n in out.notes)


def test_litellm_thinking_blocks_survive_and_inputs_are_not_mutated():
    thinking = {"type": "thinking", "thinking": "Check the file first.", "signature": "EqQBCkYIBxgCKkA"}
    req = {"model": MODEL, "max_tokens": 512, "messages": [
        {"role": "user", "content": "go"},
        {"role": "assistant", "content": "", "thinking_blocks": [thinking], "reasoning_content": "Check the file first.",
         "tool_calls": [{"id": "toolu_01A", "type": "function", "function": {"name": "ls", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "toolu_01A", "content": "a.py"}]}
    before = copy.deepcopy(req)
    out = openai_chat_to_anthropic(req)
    assert out.body["messages"][1]["content"][0] == thinking
    assert req == before


def test_responses_to_anthropic():
    req = {"model": "gpt-5", "instructions": "You are a coding agent.", "max_output_tokens": 900,
           "previous_response_id": "resp_prev", "reasoning": {"effort": "low"},
           "tools": [{"type": "function", "name": "run_tests", "description": "Run pytest.",
                      "parameters": {"type": "object", "properties": {}}, "strict": True},
                     {"type": "web_search"}],
           "input": [
               {"role": "user", "content": "Run the tests."},
               {"type": "reasoning", "id": "rs_1", "summary": []},
               {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Running them."}]},
               {"type": "function_call", "id": "fc_1", "call_id": "call_R1", "name": "run_tests", "arguments": "{}"},
               {"type": "function_call", "id": "fc_2", "call_id": "call_R2", "name": "run_tests",
                "arguments": "{\"path\": \"tests/a.py\"}"},
               {"type": "function_call_output", "call_id": "call_R1", "output": "3 passed"},
               {"type": "function_call_output", "call_id": "call_R2", "output": "1 failed"},
               {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Fix the failure."}]}]}
    out = openai_responses_to_anthropic(req)
    body = out.body
    assert (body["system"], body["max_tokens"]) == ("You are a coding agent.", 900)
    assert [t["name"] for t in body["tools"]] == ["run_tests"]
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert body["messages"][1]["content"] == [
        {"type": "text", "text": "Running them."},
        {"type": "tool_use", "id": "call_R1", "name": "run_tests", "input": {}},
        {"type": "tool_use", "id": "call_R2", "name": "run_tests", "input": {"path": "tests/a.py"}}]
    # the follow-up joins the results' user message, after them
    assert [b.get("tool_use_id") for b in body["messages"][2]["content"]] == ["call_R1", "call_R2", None]
    assert body["messages"][2]["content"][2] == {"type": "text", "text": "Fix the failure."}
    for fragment in ("dropped reasoning items", "dropped the `web_search` tool", "dropped `previous_response_id`",
                     "dropped `reasoning`", "dropped the tools' `strict` flag"):
        assert any(n.startswith(fragment) for n in out.notes), fragment
    assert [f for f in findings(body) if f.severity.value != "info"] == []


def test_anthropic_to_chat_drops_and_names_anthropic_only_content():
    req = {"model": MODEL, "max_tokens": 300, "top_k": 5,
           "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
           "tool_choice": {"type": "any", "disable_parallel_tool_use": True},
           "tools": [{"name": "ls", "input_schema": {"type": "object"}},
                     {"type": "web_search_20250305", "name": "web_search", "max_uses": 3}],
           "messages": [
               {"role": "user", "content": "list files"},
               {"role": "assistant", "content": [{"type": "thinking", "thinking": "ls", "signature": "sig"},
                                                 {"type": "tool_use", "id": "toolu_01", "name": "ls", "input": {}}]},
               {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01", "content": "a.py",
                                             "is_error": True},
                                            {"type": "text", "text": "and?"}]}]}
    out = anthropic_to_openai_chat(req)
    msgs = out.body["messages"]
    assert msgs[0] == {"role": "system", "content": "Be brief."}
    assert msgs[2] == {"role": "assistant", "content": None, "tool_calls": [
        {"id": "toolu_01", "type": "function", "function": {"name": "ls", "arguments": "{}"}}]}
    assert msgs[3] == {"role": "tool", "tool_call_id": "toolu_01", "content": "a.py"}
    assert msgs[4] == {"role": "user", "content": "and?"}
    assert (out.body["tool_choice"], out.body["parallel_tool_calls"]) == ("required", False)
    assert [t["function"]["name"] for t in out.body["tools"]] == ["ls"]
    for fragment in ("dropped `cache_control`", "dropped thinking blocks", "dropped `is_error`",
                     "dropped the server tool 'web_search'", "dropped `top_k`"):
        assert any(n.startswith(fragment) for n in out.notes), fragment


def test_samples_convert_and_keep_their_defects_in_anthropic_terms():
    _, exchanges, _ = load_all(SAMPLES / "openai-chat-log.jsonl")
    clean = to_anthropic(exchanges[0].request, exchanges[0].dialect)
    assert [f for f in findings(clean.body) if f.severity.value != "info"] == []
    orphaned = to_anthropic(exchanges[2].request, exchanges[2].dialect)
    assert {f.code for f in findings(orphaned.body)} >= {"P002"}
    _, responses, _ = load_all(SAMPLES / "openai-responses.jsonl")
    lost = to_anthropic(responses[2].request, responses[2].dialect)
    assert "P001" in {f.code for f in findings(lost.body)}


def test_to_anthropic_leaves_anthropic_bodies_alone():
    body = {"model": MODEL, "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}
    out = to_anthropic(body, "anthropic")
    assert out.body == body and out.body is not body and out.notes == []
