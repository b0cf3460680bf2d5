"""D family: every rule has a failing sample, a passing near-miss, and a fix test."""

from __future__ import annotations

from tests.rulekit import (
    WEATHER_TOOL, assistant, codes, findings, fix_all, req, tool_result, tool_use, user,
)
from tests.rules.kit_tdak import tool

WEB_SEARCH = {"type": "web_search_20250305", "name": "web_search", "max_uses": 5}


def agent(*tools, history=(), **top):
    return req(user("Open an issue for the failing test."), *history, tools=list(tools), **top)


def errors(payload):
    return [f for f in findings(payload) if f.severity.value == "error"]


# -- D001 invalid-tool-name -----------------------------------------------------------------

def test_d001_mcp_name_with_dot():
    p = agent(WEATHER_TOOL, tool("github.create_issue"))
    fs = findings(p, "D001")
    assert [f.dotted for f in fs] == ["tools.1.name"]
    assert fs[0].api_error == "tools.1.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'"
    assert fs[0].severity.value == "error"


def test_d001_empty_and_too_long_names():
    p = agent(tool(""), tool("x" * 129))
    assert [f.dotted for f in findings(p, "D001")] == ["tools.0.name", "tools.1.name"]


def test_d001_long_valid_name_is_a_gateway_warning():
    p = agent(tool("mcp__" + "a" * 70))
    fs = findings(p, "D001")
    assert [f.severity.value for f in fs] == ["warning"] and fs[0].api_error is None
    assert "{1,64}" in fs[0].message


def test_d001_near_miss_valid_names_and_server_tools():
    p = agent(tool("a" * 64), tool("read-file_2"), WEB_SEARCH,
              {"type": "text_editor_20250728", "name": "str_replace_based_edit_tool"})
    assert "D001" not in codes(p)


def test_d001_fix_renames_definition_history_and_tool_choice():
    hist = (assistant(tool_use("toolu_01XyZ", "github.create_issue", {"title": "fix"})),
            user(tool_result("toolu_01XyZ", "created #12")))
    p = agent(tool("github.create_issue"), tool("github_create_issue"), history=hist,
              tool_choice={"type": "tool", "name": "github.create_issue"})
    f = findings(p, "D001")[0]
    assert f.fix.applicability.value == "safe"
    fixed = fix_all(p, "D001", unsafe=False)
    assert fixed["tools"][0]["name"] == "github_create_issue_2"  # unique: the sanitized name was taken
    assert fixed["messages"][1]["content"][0]["name"] == "github_create_issue_2"
    assert fixed["tool_choice"] == {"type": "tool", "name": "github_create_issue_2"}
    assert errors(fixed) == []


def test_d001_fix_shortens_long_names_to_64():
    fixed = fix_all(agent(tool("mcp__" + "a" * 70)), "D001", unsafe=False)
    assert len(fixed["tools"][0]["name"]) == 64


# -- D002 duplicate-tool-name ---------------------------------------------------------------

def test_d002_duplicate_names():
    p = agent(tool("read_file"), WEATHER_TOOL, tool("read_file", description="other server"))
    fs = findings(p, "D002")
    assert [f.dotted for f in fs] == ["tools.2.name"]
    assert fs[0].api_error == "tools: Tool names must be unique."
    assert fs[0].related == (("tools", 0, "name"),)


def test_d002_builtin_and_mcp_web_search_collide():
    p = agent(WEB_SEARCH, tool("web_search"))
    assert [f.dotted for f in findings(p, "D002")] == ["tools.1.name"]


def test_d002_near_miss_names_differ_in_case():
    assert "D002" not in codes(agent(tool("read_file"), tool("Read_File")))


def test_d002_fix_removes_an_exact_copy_safely():
    p = agent(tool("read_file"), tool("read_file"))
    fixed = fix_all(p, "D002", unsafe=False)
    assert fixed["tools"] == [tool("read_file")]


def test_d002_fix_renames_the_custom_tool_safe_without_history():
    p = agent(tool("web_search"), WEB_SEARCH)
    fixed = fix_all(p, "D002", unsafe=False)
    assert [t["name"] for t in fixed["tools"]] == ["web_search_2", "web_search"]
    assert fixed["tools"][1] == WEB_SEARCH


def test_d002_fix_is_unsafe_when_history_calls_the_name():
    hist = (assistant(tool_use("toolu_01A", "read_file", {"path": "a.py"})), user(tool_result("toolu_01A", "x")))
    p = agent(tool("read_file"), tool("read_file", description="v2"), history=hist)
    assert findings(p, "D002")[0].fix.applicability.value == "unsafe"
    fixed = fix_all(p, "D002")
    assert [t["name"] for t in fixed["tools"]] == ["read_file", "read_file_2"]
    assert fixed["messages"] == p["messages"]


# -- D003 invalid-input-schema --------------------------------------------------------------

TOOL03 = ("JSON schema is invalid. It must match JSON Schema draft 2020-12 "
          "(https://json-schema.org/draft/2020-12). Learn more about tool use at "
          "https://docs.claude.com/en/docs/tool-use.")


def test_d003_bad_type_name_is_located_in_the_schema():
    bad = {"name": "search", "input_schema": {"type": "object", "properties": {"limit": {"type": "int"}}}}
    p = agent(WEATHER_TOOL, bad)
    fs = findings(p, "D003")
    assert [f.dotted for f in fs] == ["tools.1.input_schema.properties.limit.type"]
    assert fs[0].api_error == "tools.1.custom.input_schema: " + TOOL03


def test_d003_draft4_required_flag():
    bad = {"name": "search", "input_schema": {"type": "object",
                                               "properties": {"q": {"type": "string", "required": True}}}}
    assert [f.dotted for f in findings(agent(bad), "D003")] == ["tools.0.input_schema.properties.q.required"]


def test_d003_root_not_object():
    p = agent({"name": "search", "input_schema": {"type": "string"}})
    fs = findings(p, "D003")
    assert [f.dotted for f in fs] == ["tools.0.input_schema.type"] and fs[0].api_error is None
    assert fs[0].fix is None  # no safe guess


def test_d003_near_miss_valid_schemas_and_server_tools():
    good = {"name": "search", "input_schema": {
        "type": "object", "$defs": {"q": {"type": "string", "pattern": "(?<word>\\w+)"}},
        "properties": {"q": {"$ref": "#/$defs/q"}, "n": {"type": ["integer", "null"]}},
        "required": ["q"], "additionalProperties": False}}
    assert "D003" not in codes(agent(good, WEB_SEARCH))


def test_d003_fix_adds_missing_root_type():
    p = agent({"name": "search", "input_schema": {"properties": {"q": {"type": "string"}}}})
    fixed = fix_all(p, "D003", unsafe=False)
    assert fixed["tools"][0]["input_schema"] == {"properties": {"q": {"type": "string"}}, "type": "object"}


def test_d003_fix_maps_type_alias_safely():
    bad = {"name": "search", "input_schema": {"type": "object", "properties": {"limit": {"type": "int"}}}}
    fixed = fix_all(agent(bad), "D003", unsafe=False)
    assert fixed["tools"][0]["input_schema"]["properties"]["limit"] == {"type": "integer"}


def test_d003_fix_moves_draft4_required_to_parent_list():
    bad = {"name": "search", "input_schema": {"type": "object", "required": ["a"], "properties": {
        "a": {"type": "string"}, "q": {"type": "string", "required": True}}}}
    fixed = fix_all(agent(bad), "D003", unsafe=False)
    schema = fixed["tools"][0]["input_schema"]
    assert schema["required"] == ["a", "q"] and schema["properties"]["q"] == {"type": "string"}


def test_d003_fix_removes_an_unknowable_keyword_only_as_unsafe():
    bad = {"name": "search", "input_schema": {"type": "object", "properties": []}}
    f = findings(agent(bad), "D003")[0]
    assert f.fix.applicability.value == "unsafe"
    assert fix_all(agent(bad), "D003")["tools"][0]["input_schema"] == {"type": "object"}


# -- D004 tool-choice-invalid ---------------------------------------------------------------

def test_d004_tool_without_name():
    p = agent(WEATHER_TOOL, tool_choice={"type": "tool"})
    fs = findings(p, "D004")
    assert [f.dotted for f in fs] == ["tool_choice"]
    assert fs[0].api_error == "tool_choice.tool.name: Field required"


def test_d004_undefined_tool_has_no_known_text():
    p = agent(WEATHER_TOOL, tool_choice={"type": "tool", "name": "get_forecast"})
    fs = findings(p, "D004")
    assert [f.dotted for f in fs] == ["tool_choice.name"] and fs[0].api_error is None
    assert fs[0].severity.value == "error"


def test_d004_near_miss_none_is_valid():
    for tc in ({"type": "none"}, {"type": "auto"}, {"type": "any", "disable_parallel_tool_use": True},
               {"type": "tool", "name": "get_weather"}):
        assert "D004" not in codes(agent(WEATHER_TOOL, tool_choice=tc))


def test_d004_near_miss_string_tool_choice_is_left_to_b001():
    assert "D004" not in codes(agent(WEATHER_TOOL, tool_choice="required"))


def test_d004_fix_openai_function_form_safely():
    p = agent(WEATHER_TOOL, tool_choice={"type": "function", "function": {"name": "get_weather"}})
    assert fix_all(p, "D004", unsafe=False)["tool_choice"] == {"type": "tool", "name": "get_weather"}


def test_d004_fix_unknown_or_missing_name_is_unsafe():
    p = agent(WEATHER_TOOL, tool_choice={"type": "tool", "name": "Get_Weather"})
    assert fix_all(p, "D004")["tool_choice"] == {"type": "tool", "name": "get_weather"}
    p = agent(WEATHER_TOOL, tool_choice={"type": "tool", "disable_parallel_tool_use": True})
    assert fix_all(p, "D004")["tool_choice"] == {"type": "any", "disable_parallel_tool_use": True}


# -- hostile input --------------------------------------------------------------------------

def test_d_rules_survive_hostile_shapes():
    deep: dict = {"type": "object"}
    cur = deep
    for _ in range(3000):
        cur["items"] = {"type": "array"}
        cur = cur["items"]
    for p in (
        agent(None, 3, {"name": 5}, {"name": "x", "input_schema": "object"}, {"name": "y", "input_schema": deep}),
        req(user("hi"), tools="all", tool_choice=["any"]),
        req(user("hi"), tools=[{"type": "custom", "name": "a b", "input_schema": {"type": 7}}],
            tool_choice={"type": "tool", "name": 3}),
    ):
        findings(p)


# -- D003 on huge schemas: bounded work, a clear finding (issue 14, "Slow paths") ---------------

def test_d003_a_huge_schema_is_reported_not_validated():
    from tui.core import schemas

    calls = []
    real = schemas._problem
    schemas._problem.cache_clear()
    huge = {"type": "object", "properties": {"x": {"anyOf": [{"type": "string"}] * 200_000}}, "required": ["x"]}
    p = req(user("hi"), tools=[{"name": "w", "input_schema": huge}])
    try:
        schemas._problem = lambda canon: calls.append(1) or real(canon)  # type: ignore[assignment]
        fs = findings(p, "D003")
    finally:
        schemas._problem = real  # type: ignore[assignment]
    assert [(f.dotted, f.severity.value) for f in fs] == [("tools.0.input_schema", "warning")]
    assert "over 50,000 nodes" in fs[0].message and calls == []


def test_d003_near_miss_a_large_but_ordinary_schema_is_still_validated():
    big = {"type": "object", "properties": {f"p{i}": {"type": "int"} for i in range(3_000)}}
    fs = findings(req(user("hi"), tools=[{"name": "w", "input_schema": big}]), "D003")
    assert fs and fs[0].severity.value == "error" and fs[0].dotted.startswith("tools.0.input_schema.properties.p")
