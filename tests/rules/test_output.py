"""Y family: model output (logged responses and past tool calls) vs the declared schemas.

No Y rule offers a fix (the model's output is what it is), so each rule's "fix test" asserts
that no fix is offered and that the finding survives an unrelated safe repair unchanged.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap
from typing import Any

from tests.rulekit import WEATHER_TOOL, assistant, codes, findings, req, text, tool_result, tool_use, user

WRITE_TOOL = {
    "name": "write_file",
    "description": "Write a file",
    "input_schema": {
        "type": "object",
        "properties": {"path": {"type": "string"}, "content": {"type": "string"},
                       "mode": {"enum": ["overwrite", "append"]}},
        "required": ["path", "content"],
        "additionalProperties": False,
    },
}


def response(*content: dict[str, Any], stop: str = "end_turn", **top: Any) -> dict[str, Any]:
    body = {"id": "msg_01XyZ", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
            "content": list(content), "stop_reason": stop, "stop_sequence": None,
            "usage": {"input_tokens": 812, "output_tokens": 64}}
    body.update(top)
    return body


def ask(*history: dict[str, Any], tools: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return req(user("Save the forecast for Paris to notes.md"), *history,
               tools=[WEATHER_TOOL, WRITE_TOOL] if tools is None else tools)


# -- Y001 tool-input-schema-mismatch --------------------------------------------------------

def test_y001_response_input_violations_each_at_their_instance_path():
    resp = response(tool_use("toolu_01A", "get_weather", {"city": 75}),
                    tool_use("toolu_01B", "write_file", {"path": "notes.md", "mode": "replace", "extra": 1}),
                    stop="tool_use")
    fs = findings(ask(), "Y001", response=resp)
    assert [f.dotted for f in fs] == [
        "response.content.0.input.city",
        "response.content.1.input",          # 'content' is required
        "response.content.1.input",          # 'extra' is not allowed
        "response.content.1.input.mode",
    ]
    assert all(f.severity.value == "warning" and f.scope == "response" for f in fs)
    assert "75 is not of type 'string'" in fs[0].message
    assert any("'content' is a required property" in f.message for f in fs)
    assert "'replace' is not one of ['overwrite', 'append']" in fs[3].message
    assert "will reject" in fs[0].message
    assert fs[0].api_error is None  # the API accepts it


def test_y001_history_call_is_a_warning_in_request_scope():
    p = ask(assistant(tool_use("toolu_01A", "get_weather", {"town": "Paris"})), user(tool_result("toolu_01A")))
    fs = findings(p, "Y001")
    assert [(f.dotted, f.scope, f.severity.value) for f in fs] == [
        ("messages.1.content.0.input", "request", "warning")]
    assert "the API does not check it" in fs[0].message


def test_y001_near_miss_valid_inputs_undeclared_tools_and_invalid_schemas_are_skipped():
    broken_schema = {"name": "lookup", "input_schema": {"type": "object", "properties": {"q": {"type": 12}}}}
    p = ask(assistant(tool_use("toolu_01A", "get_weather", {"city": "Paris"}),
                      tool_use("toolu_01B", "lookup", {"q": 5}),          # invalid schema: D003's business
                      tool_use("toolu_01C", "not_declared", {"x": 1}),    # Y004's business
                      tool_use("toolu_01D", "get_weather", '{"city": 1}')),  # not an object: P008's business
            user(tool_result("toolu_01A"), tool_result("toolu_01B"), tool_result("toolu_01C"),
                 tool_result("toolu_01D")),
            tools=[WEATHER_TOOL, broken_schema])
    resp = response(tool_use("toolu_01E", "get_weather", {"city": "Lyon"}), stop="tool_use")
    assert findings(p, "Y001", response=resp) == []


def test_y001_self_referencing_schema_does_not_crash():
    loop = {"name": "loop", "input_schema": {"$ref": "#"}}
    p = ask(assistant(tool_use("toolu_01A", "loop", {})), user(tool_result("toolu_01A")), tools=[loop])
    assert findings(p, "Y001") == []


def test_y001_schema_is_checked_once_across_records():
    """Logs repeat the same tools in every request: the meta-schema check runs once per schema."""
    import copy

    from tui.core import schemas

    schemas._problem.cache_clear()
    calls = [tool_use(f"toolu_0{i}", "get_weather", {"city": 1}) for i in range(5)]
    p = ask(assistant(*calls), user(*(tool_result(f"toolu_0{i}") for i in range(5))))
    assert len(findings(p, "Y001")) == 5
    first = schemas._problem.cache_info().misses
    assert first == len(p["tools"])  # one meta-check per distinct schema
    assert len(findings(copy.deepcopy(p), "Y001")) == 5
    assert schemas._problem.cache_info().misses == first


def test_y001_offers_no_fix_and_a_root_type_error_is_capped():
    many = {"name": "many", "input_schema": {"type": "object",
                                             "properties": {f"p{i}": {"type": "string"} for i in range(30)}}}
    p = ask(assistant(tool_use("toolu_01A", "many", {f"p{i}": i for i in range(30)})),
            user(tool_result("toolu_01A")), tools=[many])
    fs = findings(p, "Y001")
    assert len(fs) == 21
    assert [f.dotted for f in fs if "10 more schema violations" in f.message] == ["messages.1.content.0.input"]
    assert all(f.fix is None for f in fs)


# -- Y002 response-invalid-message ----------------------------------------------------------

def test_y002_collapses_union_noise_to_one_error_per_fault():
    resp = response(text("Checking."), {"type": "hologram", "data": "x"},
                    {"type": "tool_use", "id": "toolu_01A", "name": "get_weather"}, stop="tool_use")
    resp["usage"]["output_tokens"] = None
    fs = findings(ask(), "Y002", response=resp)
    assert [f.dotted for f in fs] == ["response.content.1", "response.content.2.input",
                                      "response.usage.output_tokens"]
    assert "Input tag 'hologram' found using 'type'" in fs[0].message
    assert "Field required" in fs[1].message
    assert "valid integer" in fs[2].message
    assert all(f.severity.value == "warning" and f.scope == "response" and f.fix is None for f in fs)


def test_y002_gateway_stop_reason():
    fs = findings(ask(), "Y002", response=response(text("Done."), stop="length"))
    assert [f.dotted for f in fs] == ["response.stop_reason"]
    assert "'end_turn'" in fs[0].message


def test_y002_nested_union_picks_the_matching_member():
    resp = response({"type": "server_tool_use", "id": "srvtoolu_01A", "name": "web_search", "input": {"query": "x"}},
                    {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01A",
                     "content": [{"type": "web_search_result", "url": "https://example.com"}]})
    fs = findings(ask(), "Y002", response=resp)
    assert sorted(f.dotted for f in fs) == ["response.content.1.content.0.encrypted_content",
                                            "response.content.1.content.0.title"]


def test_y002_near_miss_valid_response_with_unknown_extra_keys():
    resp = response(text("Sunny."), future_field={"x": 1})
    resp["content"][0]["citations"] = None
    assert findings(ask(), "Y002", response=resp) == []


def test_y002_request_only_check_never_imports_anthropic():
    code = textwrap.dedent("""
        import sys
        from tui.core.check import check_request
        from tui.core.model import Exchange, Source
        body = {"model": "claude-sonnet-4-5", "max_tokens": 64,
                "messages": [{"role": "user", "content": "hi"}]}
        ex = Exchange(source=Source("t.json", 0), format="anthropic-request", request=body)
        check_request(body, ex)
        assert "anthropic" not in sys.modules, "a request-only check imported anthropic"
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


# -- Y003 truncated-tool-use ----------------------------------------------------------------

def test_y003_max_tokens_inside_a_tool_call():
    resp = response(text("Writing the file."), tool_use("toolu_01W", "write_file", {"path": "notes.md"}),
                    stop="max_tokens")
    fs = findings(ask(), "Y003", response=resp)
    assert [f.dotted for f in fs] == ["response.content.1"]
    assert fs[0].severity.value == "warning"
    assert fs[0].related == (("max_tokens",),)
    assert "max_tokens (limit 1024)" in fs[0].message and "toolu_01W" in fs[0].message
    assert fs[0].fix is None


def test_y003_near_miss_tool_use_stop_or_text_last():
    ok = response(text("Writing."), tool_use("toolu_01W", "write_file", {"path": "a", "content": "b"}),
                  stop="tool_use")
    cut_text = response(tool_use("toolu_01W", "write_file", {"path": "a", "content": "b"}), text("And then"),
                        stop="max_tokens")
    assert "Y003" not in codes(ask(), response=ok)
    assert "Y003" not in codes(ask(), response=cut_text)


# -- Y004 undeclared-tool -------------------------------------------------------------------

def test_y004_response_calls_an_undeclared_tool_with_a_suggestion():
    resp = response(tool_use("toolu_01A", "get_wether", {"city": "Paris"}), stop="tool_use")
    fs = findings(ask(), "Y004", response=resp)
    assert [f.dotted for f in fs] == ["response.content.0.name"]
    assert "did you mean 'get_weather'?" in fs[0].message
    assert fs[0].severity.value == "warning" and fs[0].fix is None


def test_y004_history_call_to_a_removed_tool():
    p = ask(assistant(tool_use("toolu_01A", "run_tests", {})), user(tool_result("toolu_01A")))
    fs = findings(p, "Y004")
    assert [(f.dotted, f.scope) for f in fs] == [("messages.1.content.0.name", "request")]
    assert "toolu_01A calls 'run_tests'" in fs[0].message


def test_y004_near_miss_declared_tools_and_logs_without_tools():
    p = ask(assistant(tool_use("toolu_01A", "get_weather")), user(tool_result("toolu_01A")))
    assert "Y004" not in codes(p)
    no_tools = req(user("hi"), assistant(tool_use("toolu_01A", "Bash", {"command": "ls"})),
                   user(tool_result("toolu_01A")))
    assert "Y004" not in codes(no_tools, response=response(tool_use("toolu_01B", "Bash", {}), stop="tool_use"))


# -- Y005 response-stopped-early ------------------------------------------------------------

def test_y005_pause_turn_and_refusal_are_info():
    paused = findings(ask(), "Y005", response=response(
        {"type": "server_tool_use", "id": "srvtoolu_01A", "name": "web_search", "input": {"query": "x"}},
        stop="pause_turn"))
    assert [(f.dotted, f.severity.value) for f in paused] == [("response.stop_reason", "info")]
    assert "send this response back" in paused[0].message
    refused = findings(ask(), "Y005", response=response(text("I can't"), stop="refusal"))
    assert "refused" in refused[0].message


def test_y005_text_cut_at_max_tokens_but_not_a_tool_call():
    fs = findings(ask(), "Y005", response=response(text("The forecast is"), stop="max_tokens"))
    assert "cut off at the limit of 1024 tokens" in fs[0].message
    cut_call = response(tool_use("toolu_01W", "write_file", {"path": "a"}), stop="max_tokens")
    assert "Y005" not in codes(ask(), response=cut_call)  # Y003 speaks instead


def test_y005_near_miss_normal_stops():
    for stop in ("end_turn", "tool_use", "stop_sequence"):
        assert "Y005" not in codes(ask(), response=response(text("ok"), stop=stop))


# -- robustness ------------------------------------------------------------------------------

def test_y_rules_survive_hostile_responses_and_offer_no_fixes():
    hostile = [
        {"content": "nope", "stop_reason": "max_tokens"},
        {"content": [None, 3, {"type": "tool_use", "name": 5, "input": None}], "stop_reason": "max_tokens"},
        {"content": [{"type": "tool_use"}], "stop_reason": ["x"]},
        {},
    ]
    for resp in hostile:
        fs = [f for f in findings(ask(), response=copy.deepcopy(resp)) if f.code.startswith("Y")]
        assert all(f.fix is None for f in fs)
    assert "Y002" in codes(ask(), response=hostile[0])
