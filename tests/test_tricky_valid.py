"""Tricky payloads the API accepts must raise no error (issue #2's list), whatever else they warn."""

from __future__ import annotations

import pytest

from tests.rulekit import WEATHER_TOOL, assistant, findings, req, text, tool_result, tool_use, user

THINK = {"type": "thinking", "thinking": "Let me call the tool.", "signature": "EqQBCkYIBxgCKkC…sig"}

CASES = {
    "parallel results in reversed order": req(
        user("Weather in Paris and Rome?"), assistant(tool_use("toolu_A"), tool_use("toolu_B")),
        user(tool_result("toolu_B"), tool_result("toolu_A")), tools=[WEATHER_TOOL]),
    "text after the leading results": req(
        user("Weather?"), assistant(tool_use("toolu_A")), user(tool_result("toolu_A"), text("thanks")),
        tools=[WEATHER_TOOL]),
    "consecutive user messages": req(user("Hi"), user("Are you there?")),
    "an is_error result without content": req(
        user("Weather?"), assistant(tool_use("toolu_A")),
        user({"type": "tool_result", "tool_use_id": "toolu_A", "is_error": True}), tools=[WEATHER_TOOL]),
    "thinking on, older turns without thinking blocks": req(
        user("Hi"), assistant("Hello! How can I help?"), user("Weather in Paris?"),
        assistant(THINK, tool_use("toolu_A")), user(tool_result("toolu_A")),
        tools=[WEATHER_TOOL], thinking={"type": "enabled", "budget_tokens": 2048}, max_tokens=4096),
    "prefill on a model that allows it": req(user("Answer in JSON."), assistant("{")),
    "tool_choice none": req(user("Hi"), tools=[WEATHER_TOOL], tool_choice={"type": "none"}),
}


@pytest.mark.parametrize("name", CASES)
def test_tricky_valid_payloads_raise_no_error(name):
    errors = [f"{f.code} {f.dotted}: {f.message}" for f in findings(CASES[name]) if f.severity.value == "error"]
    assert errors == []
