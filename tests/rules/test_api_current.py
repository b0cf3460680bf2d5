"""The request shapes of today's API (generated from the SDK): B008, B009, B010, D005, and a
valid body for each feature the API gained since the hand-written tables (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rulekit import WEATHER_TOOL, assistant, codes, findings, fix_all, req, text, tool_result, tool_use, user
from tui.core.findings import Severity

CURRENT = "claude-opus-4-8"
HEADERS = {"anthropic-version": "2026-10-21"}


def errors(payload: Any, **kw: Any) -> list[str]:
    return [f"{f.code} {f.dotted}" for f in findings(payload, **kw) if f.severity is Severity.ERROR]


# -- a valid body for every feature of the 2026-10-21 SDK --------------------------------------

VALID: dict[str, dict[str, Any]] = {
    "output_config.effort": req(user("hi"), model=CURRENT, output_config={"effort": "high"}),
    "output_config.format": req(user("hi"), model=CURRENT, output_config={
        "format": {"type": "json_schema", "schema": {"type": "object", "properties": {}}}}),
    "automatic cache_control": req(user("hi"), model=CURRENT, cache_control={"type": "ephemeral", "ttl": "1h"}),
    "image transformations": req(user({"type": "image", "source": {"type": "url", "url": "https://x.test/a.png"},
                                       "transformations": {"oversized_image": "downsize"}}, text("what is it?")),
                                 model=CURRENT),
    "computer toolset": req(user("open the page"), model=CURRENT,
                            tools=[{"type": "computer_toolset_20260801"}, {"type": "browser_toolset_20260801"}]),
    "tool_reference in tool_result": req(
        user("find a tool"),
        assistant(tool_use("toolu_01", "tool_search", {"query": "weather"})),
        user(tool_result("toolu_01", [{"type": "tool_reference", "tool_name": "get_weather"}])),
        model=CURRENT, tools=[{**WEATHER_TOOL, "name": "tool_search"}, {**WEATHER_TOOL, "defer_loading": True}]),
    "browser_state in tool_result": req(
        user("look"), assistant(tool_use("toolu_01")),
        user(tool_result("toolu_01", [{"type": "browser_state", "tabs": [
            {"tab_id": "t1", "title": "Docs", "url": "https://x.test/docs", "active": True}]}])),
        model=CURRENT, tools=[WEATHER_TOOL]),
    "web search tool": req(user("news?"), model=CURRENT,
                           tools=[{"type": "web_search_20260318", "name": "web_search", "max_uses": 3}]),
    "container string": req(user("run it"), model=CURRENT, container="container_011"),
    "speed and service tier": req(user("hi"), model=CURRENT, speed="standard", service_tier="auto",
                                  inference_geo="us"),
}


SDK_MODELS = ("claude-opus-5", "claude-opus-5-5", "claude-sonnet-5", "claude-sonnet-5-5", "claude-haiku-5-5",
              "claude-fable-5", "claude-fable-5-1", "claude-fable-5-2", "claude-mythos-5", "claude-mythos-5-1",
              "claude-mythos-5-2")
"""Ids of the pinned SDK's ``Model`` literal that the hand-written table lacked (the twelfth,
claude-mythos-preview, reached its end of life on 2026-06-30 by the SDK's deprecated_models.py:
A007 is right to report it, see test_retired_sdk_model_is_reported_with_its_successor)."""

VALID.update({
    "effort xhigh": req(user("hi"), model="claude-opus-5", output_config={"effort": "xhigh"}),
    "effort max with adaptive thinking": req(user("hi"), model="claude-opus-5-5", thinking={"type": "adaptive"},
                                             output_config={"effort": "max"}),
    "thinking between_tools": req(user("hi"), model="claude-sonnet-5-5", thinking={"type": "between_tools"},
                                  output_config={"effort": "high"}),
    "thinking disabled at effort high": req(user("hi"), model="claude-haiku-5-5", thinking={"type": "disabled"},
                                            output_config={"effort": "high"}),
    "system message mid-conversation": req(user("hi"), assistant("hello"), user("and now?"),
                                           {"role": "system", "content": "Answer in French from here on."},
                                           model="claude-opus-5"),
})
for _m in SDK_MODELS:
    VALID[f"model {_m}"] = req(user("hi"), model=_m, max_tokens=128000)


def test_retired_sdk_model_is_reported_with_its_successor() -> None:
    [f] = findings(req(user("hi"), model="claude-mythos-preview"), "A007")
    assert f.message == ("claude-mythos-preview was retired on 2026-06-30 (404 not_found_error); "
                         "move to claude-mythos-5")


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_current_feature_bodies_check_without_any_error(name: str) -> None:
    assert errors(VALID[name], headers=HEADERS) == []


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_current_feature_bodies_are_judged_with_the_sdks_version_when_none_is_logged(name: str) -> None:
    assert errors(VALID[name]) == []


# -- B008 block-in-wrong-position ---------------------------------------------------------------

def test_b008_tool_use_inside_tool_result_and_tool_reference_in_a_message():
    p = req(user("hi"), assistant(tool_use("toolu_A")),
            user(tool_result("toolu_A", [{"type": "tool_use", "id": "x", "name": "y", "input": {}}]),
                 {"type": "tool_reference", "tool_name": "get_weather"}), tools=[WEATHER_TOOL])
    fs = findings(p, "B008")
    assert [f.dotted for f in fs] == ["messages.2.content.0.content.0", "messages.2.content.1"]
    assert fs[0].api_error == (
        "messages.2.content.0.tool_result.content.0: Input tag 'tool_use' found using 'type' does not "
        "match any of the expected tags: 'browser_state', 'document', 'image', 'search_result', 'text', "
        "'tool_reference'")
    assert "not accepted in a user message" in fs[1].message
    fixed = fix_all(p, "B008")
    assert fixed["messages"][2]["content"] == [tool_result("toolu_A", [])]


def test_b008_near_miss_tool_reference_inside_a_tool_result_is_where_it_belongs():
    p = VALID["tool_reference in tool_result"]
    assert "B008" not in codes(p) and "B004" not in codes(p)


def test_b008_image_in_system_prompt_block_list():
    p = req(user("hi"), system=[{"type": "image", "source": {"type": "url", "url": "https://x.test/a.png"}}])
    assert [f.dotted for f in findings(p, "B008")] == ["system.0"]


# -- B009 beta-shape-without-header -------------------------------------------------------------

MCP = req(user("hi"), model=CURRENT,
          mcp_servers=[{"type": "url", "url": "https://mcp.example.com/sse", "name": "docs"}],
          tools=[{"type": "mcp_toolset", "mcp_server_name": "docs"}])


def test_b009_beta_top_level_key_and_tool_without_their_header():
    fs = findings(MCP, "B009", headers={"anthropic-version": "2026-10-21"})
    assert [(f.dotted, f.severity.value) for f in fs] == [("mcp_servers", "error"), ("tools.0.type", "error")]
    assert fs[0].api_error == "mcp_servers: Extra inputs are not permitted"
    assert "mcp-client-2025-11-20" in fs[0].message


def test_b009_near_miss_with_the_beta_header_nothing_is_reported():
    assert findings(MCP, "B009", headers={"anthropic-beta": "mcp-client-2025-11-20"}) == []
    # Bedrock / Vertex bodies carry the betas in the body
    assert findings({**MCP, "anthropic_beta": ["mcp-client-2026-09-15"]}, "B009", headers=HEADERS) == []


def test_b009_no_headers_logged_is_a_warning_not_an_error():
    fs = findings(MCP, "B009")
    assert {f.severity for f in fs} == {Severity.WARNING}
    assert all("kept no request headers" in f.message for f in fs)


def test_b009_beta_block_and_system_message_fields():
    p = req(user("hi"), assistant("ok"),
            {"role": "system", "content": [{"type": "tool_addition", "tool": WEATHER_TOOL}],
             "clear_at": "next_user_message"},
            user("go on"), model=CURRENT)
    got = {(f.dotted, f.severity.value) for f in findings(p, "B009", headers={"anthropic-beta": "other-2026-01-01"})}
    assert got == {("messages.2.content.0", "error"), ("messages.2.clear_at", "error")}
    both = {"anthropic-beta": "mid-conversation-tool-changes-2026-07-01,mid-conversation-system-clear-at-2026-08-21"}
    assert findings(p, "B009", headers=both) == []


def test_b009_beta_only_literal_value():
    p = req(user("hi"), model=CURRENT, thinking={"type": "adaptive", "display": "updates"})
    assert [f.dotted for f in findings(p, "B009", headers=HEADERS)] == ["thinking.display"]
    assert findings(p, "B009", headers={"anthropic-beta": "thinking-display-updates-2026-08-18"}) == []


# -- B010 top-level-field-shape -----------------------------------------------------------------

def test_b010_literals_missing_keys_and_unknown_keys_in_top_level_objects():
    p = req(user("hi"), model=CURRENT, service_tier="priority",
            output_config={"format": {"type": "json_schema"}, "verbosity": "low"},
            cache_control={"type": "ephemeral", "ttl": "2h"})
    got = {f.dotted: f.api_error for f in findings(p, "B010", headers=HEADERS)}
    assert got == {
        "service_tier": "service_tier: Input should be 'auto' or 'standard_only'",
        "output_config.format.schema": "output_config.format.schema: Field required",
        "output_config.verbosity": "output_config.verbosity: Extra inputs are not permitted",
        "cache_control.ttl": "cache_control.ttl: Input should be '5m' or '1h'",
    }


def test_b010_fix_case_of_a_literal_and_drop_an_unknown_key():
    p = req(user("hi"), model=CURRENT, service_tier="Auto", output_config={"effort": "high", "verbosity": "low"})
    fixed = fix_all(p, "B010", unsafe=False)
    assert fixed["service_tier"] == "auto" and fixed["output_config"] == {"effort": "high"}


def test_b010_near_miss_valid_top_level_objects():
    for name in ("output_config.format", "automatic cache_control", "speed and service tier"):
        assert "B010" not in codes(VALID[name], headers=HEADERS), name


# -- D005 tool-definition-shape -----------------------------------------------------------------

def test_d005_unknown_type_wrong_fixed_name_and_toolset_with_single_tool_keys():
    p = req(user("hi"), model=CURRENT, tools=[
        {"type": "web_search_2025", "name": "web_search"},
        {"type": "web_search_20250305", "name": "search"},
        {"type": "computer_toolset_20260801", "name": "computer", "display_width_px": 1024},
        {"type": "bash_20250124"},
    ])
    got = {f.dotted: f.api_error for f in findings(p, "D005", headers=HEADERS)}
    assert got["tools.0.type"].startswith("tools.0: Input tag 'web_search_2025' found using 'type' does not match")
    assert got["tools.1.name"] == "tools.1.web_search_20250305.name: Input should be 'web_search'"
    assert got["tools.2.name"] == "tools.2.computer_toolset_20260801.name: Extra inputs are not permitted"
    assert got["tools.2.display_width_px"] == (
        "tools.2.computer_toolset_20260801.display_width_px: Extra inputs are not permitted")
    assert got["tools.3.name"] == "tools.3.bash_20250124.name: Field required"


def test_d005_fix_deletes_single_tool_keys_from_a_toolset():
    p = req(user("hi"), model=CURRENT, tools=[{"type": "computer_toolset_20260801", "name": "computer"}])
    assert fix_all(p, "D005", unsafe=False)["tools"] == [{"type": "computer_toolset_20260801"}]


def test_d005_near_miss_custom_and_server_tools_and_openai_functions_left_to_o007():
    assert "D005" not in codes(VALID["web search tool"], headers=HEADERS)
    assert "D005" not in codes(VALID["computer toolset"], headers=HEADERS)
    p = req(user("hi"), tools=[WEATHER_TOOL, {"type": "function", "function": {"name": "f"}}])
    assert "D005" not in codes(p)


def test_server_tool_use_name_the_api_does_not_have_is_b006():
    p = req(user("hi"), assistant({"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_browse",
                                   "input": {}}), model=CURRENT)
    fs = findings(p, "B006", headers=HEADERS)
    assert [f.dotted for f in fs] == ["messages.1.content.0.name"]
    assert fs[0].api_error.startswith("messages.1.content.0.server_tool_use.name: Input should be ")


def test_server_tool_result_missing_its_required_keys_is_b005():
    p = req(user("hi"), assistant({"type": "web_fetch_tool_result", "tool_use_id": "srvtoolu_01"}), model=CURRENT)
    assert [f.api_error for f in findings(p, "B005", headers=HEADERS)] == [
        "messages.1.content.0.web_fetch_tool_result.content: Field required"]


# -- one defect of each kind the current API rejects, caught at its path (issue 16 §3) ------------

OLD = {"anthropic-version": "2023-06-01"}

DEFECTS: list[tuple[str, dict[str, Any], dict[str, str], str]] = [
    ("effort level the model lacks", req(user("hi"), model="claude-opus-4-6", output_config={"effort": "xhigh"}),
     HEADERS, "A008 output_config.effort"),
    ("unknown effort level", req(user("hi"), model=CURRENT, output_config={"effort": "extreme"}),
     HEADERS, "A009 output_config.effort"),
    ("effort on a model without effort", req(user("hi"), model="claude-haiku-4-5", output_config={"effort": "low"}),
     HEADERS, "A010 output_config.effort"),
    ("disabled on a model that always thinks", req(user("hi"), model="claude-opus-5-5", thinking={"type": "disabled"}),
     HEADERS, "T008 thinking.type"),
    ("between_tools off Sonnet 5.5", req(user("hi"), model="claude-opus-5", thinking={"type": "between_tools"}),
     HEADERS, "T008 thinking.type"),
    ("enabled on an adaptive-only model", req(user("hi"), model="claude-opus-4-8",
                                              thinking={"type": "enabled", "budget_tokens": 2048}),
     HEADERS, "T008 thinking.type"),
    ("forced tool on a model that thinks by default", req(user("hi"), model="claude-sonnet-5-5",
                                                          tools=[WEATHER_TOOL], tool_choice={"type": "any"}),
     HEADERS, "T007 tool_choice.type"),
    ("unknown tools[].type", req(user("hi"), model=CURRENT, tools=[{"type": "web_search_2025", "name": "web_search"}]),
     HEADERS, "D005 tools.0.type"),
    ("server tool with another name", req(user("hi"), model=CURRENT,
                                          tools=[{"type": "web_search_20250305", "name": "search"}]),
     HEADERS, "D005 tools.0.name"),
    ("toolset with single-tool keys", req(user("hi"), model=CURRENT, tools=[
        {"type": "computer_toolset_20260801", "display_width_px": 1024}]),
     HEADERS, "D005 tools.0.display_width_px"),
    ("sampling at 2026-10-21", req(user("hi"), model="claude-haiku-4-5", temperature=1),
     HEADERS, "A011 temperature"),
    ("retired model", req(user("hi"), model="claude-3-5-sonnet-20241022"), HEADERS, "A007 model"),
]


@pytest.mark.parametrize("name", [d[0] for d in DEFECTS])
def test_each_current_defect_is_caught_at_its_path(name: str) -> None:
    _, body, headers, expected = next(d for d in DEFECTS if d[0] == name)
    assert expected in errors(body, headers=headers)


def test_sampling_is_judged_by_the_logged_version():
    body = req(user("hi"), model="claude-haiku-4-5", temperature=1)
    assert "A011 temperature" not in errors(body, headers=OLD)
    assert "A011 temperature" in errors(body)  # no version logged: the SDK's, as a replay sends
