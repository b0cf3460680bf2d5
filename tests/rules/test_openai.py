"""O family (and the shared media-type sniffing): failing sample, near-miss and fix per rule."""

from __future__ import annotations

import base64

from tests.rulekit import (
    WEATHER_TOOL, assistant, codes, findings, fix_all, req, text, tool_result, tool_use, user,
)
from tui.core.media_types import (
    base64_decoded_size, base64_head, decode_base64, parse_data_uri, sniff_image_type,
    sniff_other_image_type,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)
PNG_B64 = base64.b64encode(PNG).decode()


def call(cid, args='{"city": "Paris"}', name="get_weather"):
    return {"id": cid, "type": "function", "function": {"name": name, "arguments": args}}


def oa_assistant(*calls, content=None):
    return {"role": "assistant", "content": content, "tool_calls": list(calls)}


def tool_msg(cid, content="18C, light rain", **kw):
    return {"role": "tool", "tool_call_id": cid, "content": content, **kw}


def image_url(url, detail="auto"):
    return {"type": "image_url", "image_url": {"url": url, "detail": detail}}


# -- shared media-type helpers --------------------------------------------------------------

def test_sniff_image_type_reads_magic_bytes():
    assert sniff_image_type(PNG) == "image/png"
    assert sniff_image_type(b"\xff\xd8\xff\xe0\x00\x10JFIF") == "image/jpeg"
    assert sniff_image_type(b"GIF89a\x01\x00") == "image/gif"
    assert sniff_image_type(b"RIFF\x24\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff_image_type(b"BM\x36\x00") is None and sniff_other_image_type(b"BM\x36\x00") == "image/bmp"
    assert sniff_image_type(b"<svg xmlns=") is None and sniff_other_image_type(b"<svg xmlns=") == "image/svg+xml"


def test_base64_helpers_decode_only_what_they_must():
    assert sniff_image_type(base64_head(PNG_B64, 8)) == "image/png"
    assert base64_decoded_size(PNG_B64) == len(PNG)
    assert decode_base64(PNG_B64) == PNG
    assert decode_base64("not base64!") is None
    assert parse_data_uri(f"data:image/PNG;base64,{PNG_B64}") == ("image/png", PNG_B64)
    assert parse_data_uri("data:image/svg+xml;utf8,<svg/>") is None


# -- O001 openai-tool-calls -----------------------------------------------------------------

def test_o001_tool_calls_on_assistant():
    p = req(user("Weather?"), oa_assistant(call("call_8Hq2")), tool_msg("call_8Hq2"), tools=[WEATHER_TOOL])
    fs = findings(p, "O001")
    assert [f.dotted for f in fs] == ["messages.1.tool_calls"]
    assert fs[0].api_error == "messages.1.tool_calls: Extra inputs are not permitted"


def test_o001_near_miss_anthropic_tool_use():
    p = req(user("Weather?"), assistant(tool_use("toolu_01A")), user(tool_result("toolu_01A")),
            tools=[WEATHER_TOOL])
    assert "O001" not in codes(p)


def test_o001_fix_parses_arguments_and_keeps_text_first():
    p = req(user("Weather?"), oa_assistant(call("call_1"), call("call_2", '{"city": "Oslo"}'),
                                           content="Checking both."))
    fixed = fix_all(p, "O001", unsafe=False)
    assert fixed["messages"][1] == {"role": "assistant", "content": [
        text("Checking both."), tool_use("call_1"), tool_use("call_2", inp={"city": "Oslo"})]}


def test_o001_and_o002_fixes_together_give_a_clean_request():
    p = req(user("Weather in Paris and Oslo?"),
            oa_assistant(call("call_1"), call("call_2", '{"city": "Oslo"}')),
            tool_msg("call_1", "18C"), tool_msg("call_2", "4C", name="get_weather"),
            tools=[WEATHER_TOOL])
    fixed = fix_all(fix_all(p, "O001", unsafe=False), "O002", unsafe=False)
    assert fixed["messages"][2] == user(tool_result("call_1", "18C"), tool_result("call_2", "4C"))
    assert findings(fixed) == []


def test_o001_truncated_arguments_make_the_fix_unsafe():
    p = req(user("Weather?"), oa_assistant(call("call_1", '{"city": "Par')))
    f = findings(p, "O001")[0]
    assert f.fix.applicability.value == "unsafe"
    fixed = fix_all(p, "O001")
    assert fixed["messages"][1]["content"][0]["input"] == {"value": '{"city": "Par'}


def test_o001_empty_tool_calls_key_is_removed_safely():
    p = req(user("hi"), {"role": "assistant", "content": "hello", "tool_calls": []}, user("bye"))
    assert fix_all(p, "O001", unsafe=False)["messages"][1] == assistant("hello")


# -- O002 openai-tool-message ---------------------------------------------------------------

def test_o002_tool_role_reports_the_role_error():
    p = req(user("Weather?"), assistant(tool_use("call_1")), tool_msg("call_1"), tools=[WEATHER_TOOL])
    fs = findings(p, "O002")
    assert [f.dotted for f in fs] == ["messages.2"]
    assert fs[0].api_error == "messages.2.role: Input should be 'user' or 'assistant'"
    assert "R004" not in codes(p)


def test_o002_near_miss_tool_result_in_user_message():
    p = req(user("Weather?"), assistant(tool_use("call_1")), user(tool_result("call_1")), tools=[WEATHER_TOOL])
    assert "O002" not in codes(p)


def test_o002_fix_merges_adjacent_tool_messages_into_one_user_turn():
    p = req(user("Weather?"), assistant(tool_use("call_1"), tool_use("call_2")),
            tool_msg("call_1", "18C"), tool_msg("call_2", ""), user("And tomorrow?"), tools=[WEATHER_TOOL])
    assert len(findings(p, "O002")) == 2
    fixed = fix_all(p, "O002", unsafe=False)
    assert fixed["messages"][2] == user(tool_result("call_1", "18C"),
                                        {"type": "tool_result", "tool_use_id": "call_2"})
    assert fixed["messages"][3] == user("And tomorrow?")
    assert not [f for f in findings(fixed) if f.severity.value == "error"]


def test_o002_without_tool_call_id_is_unsafe():
    p = req(user("hi"), assistant("x"), {"role": "tool", "content": "orphan output"})
    assert findings(p, "O002")[0].fix.applicability.value == "unsafe"
    assert fix_all(p, "O002")["messages"][2] == user(text("[tool result]\norphan output"))


# -- O003 image-url-block -------------------------------------------------------------------

def test_o003_image_url_has_the_tag_error():
    p = req(user(text("What is this?"), image_url("https://example.com/cat.jpg")))
    fs = findings(p, "O003")
    assert [f.dotted for f in fs] == ["messages.0.content.1"]
    assert fs[0].api_error.startswith("messages.0.content.1: Input tag 'image_url' found using 'type' "
                                      "does not match any of the expected tags: 'document', 'image',")
    assert "B004" not in codes(p)


def test_o003_near_miss_anthropic_image_block():
    img = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64}}
    assert "O003" not in codes(req(user(text("What is this?"), img)))


def test_o003_data_uri_media_type_comes_from_the_bytes():
    p = req(user(image_url(f"data:image/jpeg;base64,{PNG_B64}"), text("What is this?")))
    fixed = fix_all(p, "O003", unsafe=False)
    assert fixed["messages"][0]["content"][0] == {
        "type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64}}
    assert findings(fixed) == []


def test_o003_http_url_becomes_a_url_source():
    p = req(user(image_url("https://example.com/cat.jpg"), text("What is this?")))
    fixed = fix_all(p, "O003", unsafe=False)
    assert fixed["messages"][0]["content"][0] == {
        "type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}}


def test_o003_inside_tool_result_and_unconvertible_data():
    p = req(user("Screenshot?"), assistant(tool_use("toolu_01A", "screenshot", {})),
            user(tool_result("toolu_01A", [image_url(f"data:image/png;base64,{PNG_B64}")])))
    fs = findings(p, "O003")
    assert [f.dotted for f in fs] == ["messages.2.content.0.content.0"]
    assert fix_all(p, "O003", unsafe=False)["messages"][2]["content"][0]["content"][0]["type"] == "image"
    svg = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
    assert findings(req(user(image_url(f"data:image/svg+xml;base64,{svg}"))), "O003")[0].fix is None


# -- O004 message-name-field ----------------------------------------------------------------

def test_o004_name_on_a_message():
    p = req({"role": "user", "name": "planner", "content": "Split the task in three."})
    fs = findings(p, "O004")
    assert [f.dotted for f in fs] == ["messages.0.name"]
    assert fs[0].api_error == "messages.0.name: Extra inputs are not permitted"


def test_o004_near_miss_tool_use_name_is_a_block_field():
    p = req(user("Weather?"), assistant(tool_use("toolu_01A")), user(tool_result("toolu_01A")),
            tools=[WEATHER_TOOL])
    assert "O004" not in codes(p)


def test_o004_fix_removes_only_the_name():
    p = req({"role": "user", "name": "planner", "content": "Split the task."}, assistant("ok"))
    fixed = fix_all(p, "O004", unsafe=False)
    assert fixed["messages"] == [user("Split the task."), assistant("ok")]


# -- O005 unknown-top-level-param -----------------------------------------------------------

def test_o005_openai_params_are_errors_with_api_text():
    p = req(user("hi"), response_format={"type": "json_object"}, seed=7)
    fs = {f.dotted: f for f in findings(p, "O005")}
    assert set(fs) == {"response_format", "seed"}
    assert fs["response_format"].api_error == "response_format: Extra inputs are not permitted"
    assert fs["seed"].severity.value == "error"


def test_o005_unknown_key_is_an_error_naming_the_sdk_it_was_judged_by():
    fs = findings(req(user("hi"), fancy_beta_feature={"on": True}), "O005")
    assert fs[0].severity.value == "error" and "beta included" in fs[0].message
    assert fs[0].api_error == "fancy_beta_feature: Extra inputs are not permitted"


def test_o005_retired_output_format_moves_into_output_config():
    fmt = {"type": "json_schema", "schema": {"type": "object"}}
    p = req(user("hi"), output_format=fmt, output_config={"effort": "high"})
    assert "output_config.format" in findings(p, "O005")[0].message
    assert fix_all(p, "O005", unsafe=False) == req(user("hi"), output_config={"effort": "high", "format": fmt})


def test_o005_near_miss_known_keys_and_bedrock_body():
    p = req(user("hi"), system="s", temperature=0.2, stop_sequences=["END"], metadata={"user_id": "u1"},
            stream=True, context_management={"edits": []}, service_tier="auto")
    assert "O005" not in codes(p)
    bedrock = {"anthropic_version": "bedrock-2023-05-31", "anthropic_beta": ["x"], "max_tokens": 10,
               "messages": [user("hi")]}
    assert "O005" not in codes(bedrock)


def test_o005_safe_conversions():
    p = req(user("hi"), stop="\n\nUser:", user="a1b2c3", n=1, frequency_penalty=0.0,
            max_completion_tokens=2048, stream_options={"include_usage": True})
    del p["max_tokens"]
    fixed = fix_all(p, "O005", unsafe=False)
    assert fixed == {"model": p["model"], "messages": [user("hi")], "stop_sequences": ["\n\nUser:"],
                     "metadata": {"user_id": "a1b2c3"}, "max_tokens": 2048}


def test_o005_extra_body_merges_like_the_sdk():
    p = req(user("hi"), extra_body={"top_k": 5})
    assert fix_all(p, "O005", unsafe=False) == req(user("hi"), top_k=5)


def test_o005_functions_and_function_call_convert():
    fn = {"name": "get_weather", "description": "Weather for a city",
          "parameters": WEATHER_TOOL["input_schema"]}
    p = req(user("hi"), functions=[fn], function_call={"name": "get_weather"})
    fixed = fix_all(p, "O005", unsafe=False)
    assert fixed["tools"] == [WEATHER_TOOL]
    assert fixed["tool_choice"] == {"type": "tool", "name": "get_weather"}


def test_o005_lossy_drops_are_unsafe():
    p = req(user("hi"), max_completion_tokens=4096, seed=7, betas=["context-1m-2025-08-07"])
    fs = findings(p, "O005")
    assert {f.fix.applicability.value for f in fs} == {"unsafe"}
    assert fix_all(p, "O005") == req(user("hi"))


# -- O006 message-extra-field ---------------------------------------------------------------

def test_o006_openai_nulls_on_a_stored_response():
    p = req(user("hi"), {"role": "assistant", "content": "Done.", "refusal": None, "annotations": []},
            user("thanks"))
    fs = findings(p, "O006")
    assert sorted(f.dotted for f in fs) == ["messages.1.annotations", "messages.1.refusal"]
    assert fs[-1].api_error == "messages.1.refusal: Extra inputs are not permitted"


def test_o006_near_miss_system_message_beta_fields_are_known():
    p = req(user("hi"), assistant("ok"), {"role": "system", "content": "be brief", "clear_at": "never",
                                          "output_config": {"effort": "low"}}, user("go"))
    assert "O006" not in codes(p)
    assert "O006" in codes(req(user("hi", ), {"role": "user", "content": "x", "clear_at": "never"}))


def test_o006_near_miss_keys_reported_by_other_rules():
    p = req({"role": "user", "name": "bob", "content": "hi"}, oa_assistant(call("call_1")), tool_msg("call_1"))
    assert "O006" not in codes(p)


def test_o006_fix_removes_empty_values_safely_and_moves_cache_control():
    p = req(user("hi"), {"role": "assistant", "content": "Done.", "refusal": None}, user("thanks"),
            {"role": "assistant", "content": "ok", "reasoning_content": "I think..."},
            {"role": "user", "content": "long doc", "cache_control": {"type": "ephemeral"}})
    fs = {f.dotted: f.fix.applicability.value for f in findings(p, "O006")}
    assert fs == {"messages.1.refusal": "safe", "messages.3.reasoning_content": "unsafe",
                  "messages.4.cache_control": "safe"}
    fixed = fix_all(p, "O006")
    assert fixed["messages"][4] == user({"type": "text", "text": "long doc", "cache_control": {"type": "ephemeral"}})
    assert findings(fixed) == []


# -- O007 openai-tool-definition ------------------------------------------------------------

OPENAI_TOOL = {"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
                                                "parameters": WEATHER_TOOL["input_schema"]}}


def test_o007_chat_completions_tool_shape():
    fs = findings(req(user("hi"), tools=[OPENAI_TOOL]), "O007")
    assert [f.dotted for f in fs] == ["tools.0"]


def test_o007_near_miss_anthropic_and_server_tools():
    p = req(user("hi"), tools=[WEATHER_TOOL, {"type": "web_search_20250305", "name": "web_search"}])
    assert "O007" not in codes(p)


def test_o007_fix_converts_both_openai_shapes():
    responses_shape = {"type": "function", "name": "ls", "parameters": None, "strict": True}
    fixed = fix_all(req(user("hi"), tools=[OPENAI_TOOL, responses_shape]), "O007", unsafe=False)
    assert fixed["tools"] == [WEATHER_TOOL, {"name": "ls", "input_schema": {"type": "object", "properties": {}},
                                             "strict": True}]
