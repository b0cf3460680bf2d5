"""B family: body shape.  Every rule has a failing sample, a passing near-miss and a fix test,
plus one sweep that throws hostile shapes at the whole catalog."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rulekit import (
    MODEL, WEATHER_TOOL, assistant, codes, findings, fix_all, req, text, tool_result, tool_use, user,
)
from tui.core.check import check_request
from tui.core.model import Exchange, Source
from tui.core.rules.registry import select_rules


def convo(*msgs: dict[str, Any], **top: Any) -> dict[str, Any]:
    return req(user("What's the weather in Paris?"), *msgs, tools=[WEATHER_TOOL], **top)


def b_findings(payload: Any) -> list:
    return [f for f in findings(payload) if f.code.startswith("B")]


# -- hostile shapes: the whole catalog must survive them, and B must say something ----------

HOSTILE: list[Any] = [
    "a string body",
    42,
    [1, 2, 3],
    {},
    {"model": MODEL},
    {"model": 5, "max_tokens": "many", "messages": "hello"},
    {"model": MODEL, "max_tokens": 100, "messages": {"role": "user", "content": "hi"}},
    {"model": MODEL, "max_tokens": 100, "messages": [None, 3, "x", [], True]},
    req({"role": "user"}),
    req({"content": "no role"}),
    req({"role": 7, "content": "x"}),
    req({"role": "user", "content": 5}),
    req({"role": "user", "content": None}),
    req({"role": "user", "content": {"nested": {"deep": [1, 2]}}}),
    req(user(5, None, [], [[]], {"type": None}, {"type": ["x"]}, {"type": {"a": 1}})),
    req(user({"type": "tool_result"})),
    req(user({"type": "tool_result", "tool_use_id": 5, "content": {"type": 3}})),
    req(user({"type": "tool_result", "tool_use_id": "t", "content": [5, {"type": "image"}, {"type": "image", "source": 3}]})),
    req(user({"type": "image", "source": {"type": "base64", "media_type": 5, "data": 7}})),
    req(user({"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": None}})),
    req(user({"type": "document", "source": {"type": "nope"}})),
    req(user("hi"), assistant({"type": "tool_use", "id": None, "name": 3, "input": "x"})),
    req(user("hi"), assistant({"type": "server_tool_use", "id": 3, "name": None, "input": None})),
    req(user("hi"), assistant({"type": "web_search_tool_result", "tool_use_id": None, "content": 3})),
    req(user("hi"), assistant({"type": "thinking", "thinking": 5, "signature": ["s"]}), user("x")),
    req(user("hi"), system=5, tools={"name": 3}, tool_choice=[1], thinking="on", metadata=[],
        stop_sequences=[1, None], temperature="hot", top_k=1.5, stream="yes"),
    req(user("hi"), system=[5, "x", {"type": "image"}], tools=[None, 1, "x"]),
    req(user({"type": "search_result", "content": "x", "source": 1, "title": None})),
    req(user("hi"), max_tokens=None, model=None),
]

# Faults of other families, in shapes the B family accepts: only "never crash" is asserted.
OTHER_FAULTS: list[Any] = [
    None,  # no request logged at all
    req(),
    req(user({"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "!!!not base64"}})),
    req(user({"type": "image", "source": {"type": "base64", "media_type": "image/svg+xml", "data": ""}})),
    req(user("hi"), assistant({"type": "thinking"}), user("x")),
    req(user("hi"), assistant({"type": "web_search_tool_result", "tool_use_id": "x y", "content": []})),
]


@pytest.mark.parametrize("payload", HOSTILE, ids=lambda p: repr(p)[:60])
def test_b_hostile_shapes_never_crash_and_are_reported(payload: Any) -> None:
    fs = findings(payload)  # PAYLOAD_DOCTOR_STRICT=1: a crashing rule raises here
    assert any(f.code.startswith("B") for f in fs), [f.code for f in fs]
    assert not any(f.code == "I002" for f in fs)


def test_b_hostile_shapes_with_a_logged_response_and_error_never_crash() -> None:
    for payload in [*HOSTILE, *OTHER_FAULTS]:
        ex = Exchange(source=Source("t.json", 0), format="test", request=payload,
                      response={"content": 5, "stop_reason": [], "usage": "x"},
                      error={"error": "boom"}, status=400)
        check_request(payload, ex, select_rules())


# -- B001 wrong-top-level-type ---------------------------------------------------------------

def test_b001_messages_not_a_list():
    fs = findings({"model": MODEL, "max_tokens": 10, "messages": "hello"}, "B001")
    assert [(f.dotted, f.api_error) for f in fs] == [("messages", "messages: Input should be a valid list")]
    assert fs[0].severity.value == "error"
    assert fs[0].fix is None


def test_b001_request_not_an_object():
    fs = findings(["not", "an", "object"], "B001")
    assert [f.dotted for f in fs] == [""]
    assert "not a JSON object" in fs[0].message
    assert "B002" not in codes(["x"])  # one report, not one per missing key


def test_b001_max_tokens_garbage_and_fractional():
    assert findings(req(user("hi"), max_tokens="lots"), "B001")[0].api_error == (
        "max_tokens: Input should be a valid integer, unable to parse string as an integer")
    assert findings(req(user("hi"), max_tokens=10.5), "B001")[0].api_error == (
        "max_tokens: Input should be a valid integer, got a number with a fractional part")
    assert findings(req(user("hi"), max_tokens=True), "B001")[0].api_error == (
        "max_tokens: Input should be a valid integer")


def test_b001_numeric_string_is_only_a_warning_with_a_safe_fix():
    p = req(user("hi"), max_tokens="1024", temperature="0.5")
    fs = findings(p, "B001")
    assert {f.dotted: f.severity.value for f in fs} == {"max_tokens": "warning", "temperature": "warning"}
    fixed = fix_all(p, "B001", unsafe=False)
    assert fixed["max_tokens"] == 1024 and fixed["temperature"] == 0.5


def test_b001_near_miss_valid_types_and_null_optionals():
    p = req(user("hi"), system=[text("be brief")], tools=[WEATHER_TOOL], tool_choice={"type": "auto"},
            temperature=1, top_k=5, stop_sequences=["END"], stream=False, metadata=None, thinking=None)
    assert "B001" not in codes(p)
    assert "B001" not in codes(req(user("hi"), system="plain string system"))


def test_b001_fix_parses_double_encoded_messages_and_wraps_singletons():
    import json
    p = {"model": MODEL, "max_tokens": 100, "messages": json.dumps([user("hi")]),
         "system": text("sys"), "stop_sequences": "END", "tool_choice": "required", "tools": WEATHER_TOOL}
    fixed = fix_all(p, "B001", unsafe=False)
    assert fixed["messages"] == [user("hi")]
    assert fixed["system"] == [text("sys")]
    assert fixed["stop_sequences"] == ["END"]
    assert fixed["tool_choice"] == {"type": "any"}
    assert fixed["tools"] == [WEATHER_TOOL]
    assert not b_findings(fixed)


def test_b001_system_and_stop_sequence_items():
    p = req(user("hi"), system=["be brief", 3], stop_sequences=["a", 7])
    fs = findings(p, "B001")
    assert [(f.dotted, f.api_error) for f in fs] == [
        ("stop_sequences.1", "stop_sequences.1: Input should be a valid string"),
        ("system.0", "system.0: Input should be a valid dictionary"),
        ("system.1", "system.1: Input should be a valid dictionary"),
    ]
    fixed = fix_all(p, "B001")
    assert fixed["system"] == [text("be brief")] and fixed["stop_sequences"] == ["a", "7"]


# -- B002 missing-required-field -------------------------------------------------------------

def test_b002_missing_max_tokens():
    p = {"model": MODEL, "messages": [user("hi")]}
    fs = findings(p, "B002")
    assert [(f.dotted, f.api_error) for f in fs] == [("max_tokens", "max_tokens: Field required")]


def test_b002_missing_everything_reports_each_key():
    assert sorted(f.api_error for f in findings({}, "B002")) == [
        "max_tokens: Field required", "messages: Field required", "model: Field required"]


def test_b002_near_miss_bedrock_body_without_model():
    p = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100, "messages": [user("hi")]}
    assert "B002" not in codes(p)


def test_b002_near_miss_count_tokens_call_has_no_max_tokens():
    p = {"model": MODEL, "messages": [user("hi")]}
    assert "B002" not in codes(p, extra={"url": "https://api.anthropic.com/v1/messages/count_tokens"})


def test_b002_fix_adds_max_tokens_unsafely():
    p = {"model": MODEL, "messages": [user("hi")]}
    assert findings(p, "B002")[0].fix.applicability.value == "unsafe"
    fixed = fix_all(p, "B002")
    assert fixed["max_tokens"] == 4096 and fixed["messages"] == [user("hi")]


# -- B003 invalid-message --------------------------------------------------------------------

def test_b003_message_without_content_and_role():
    p = req({"role": "user"}, {"content": "x"})
    fs = findings(p, "B003")
    assert [(f.dotted, f.api_error) for f in fs] == [
        ("messages.0", "messages.0.content: Field required"),
        ("messages.1", "messages.1.role: Field required"),
    ]


def test_b003_message_not_an_object():
    fs = findings(req(user("hi"), "and then"), "B003")
    assert [(f.dotted, f.api_error) for f in fs] == [("messages.1", "messages.1: Input should be a valid dictionary")]


def test_b003_near_miss_string_and_list_content_and_openai_tool_calls_turn():
    p = req(user("hi"), assistant(text("ok")), user([]))
    assert "B003" not in codes(p)
    # an OpenAI assistant turn with tool_calls and no content is O001's to convert
    oai = req(user("hi"), {"role": "assistant", "tool_calls": []})
    assert "B003" not in codes(oai)


def test_b003_fix_wraps_single_block_content():
    p = req({"role": "user", "content": text("hi")})
    fixed = fix_all(p, "B003", unsafe=False)
    assert fixed["messages"][0]["content"] == [text("hi")]
    assert not b_findings(fixed)


def test_b003_fix_drops_non_object_message_unsafely():
    p = req(user("hi"), None, assistant("hello"))
    fixed = fix_all(p, "B003")
    assert fixed["messages"] == [user("hi"), assistant("hello")]


# -- B004 unknown-block-type -----------------------------------------------------------------

def test_b004_unknown_type_exact_api_text():
    p = req(user(text("look"), text("at"), {"type": "input_text", "text": "this"}))
    fs = findings(p, "B004")
    assert [f.dotted for f in fs] == ["messages.0.content.2"]
    # The tag list is the API's pydantic one, generated from the pinned SDK: the 2026-01 text
    # (API_RULES.md OAI-02) listed ten tags; the types of 2026-10-21 have sixteen (beta ones not).
    assert fs[0].api_error == (
        "messages.0.content.2: Input tag 'input_text' found using 'type' does not match any of the "
        "expected tags: 'bash_code_execution_tool_result', 'code_execution_tool_result', "
        "'container_upload', 'document', 'image', 'redacted_thinking', 'search_result', "
        "'server_tool_use', 'text', 'text_editor_code_execution_tool_result', 'thinking', "
        "'tool_result', 'tool_search_tool_result', 'tool_use', 'web_fetch_tool_result', "
        "'web_search_tool_result'")


def test_b004_block_without_type_and_non_object_block():
    p = req(user({"text": "hi"}, 5))
    fs = findings(p, "B004")
    assert [(f.dotted, f.api_error) for f in fs] == [
        ("messages.0.content.0", "messages.0.content.0: Unable to extract tag using discriminator 'type'"),
        ("messages.0.content.1", "messages.0.content.1: Input should be a valid dictionary or object to "
                                 "extract fields from"),
    ]


def test_b004_nested_in_tool_result():
    p = convo(assistant(tool_use("toolu_A")),
              user(tool_result("toolu_A", [{"type": "input_text", "text": "x"}])))
    fs = findings(p, "B004")
    assert [f.dotted for f in fs] == ["messages.2.content.0.content.0"]
    assert fs[0].api_error == (
        "messages.2.content.0.tool_result.content.0: Input tag 'input_text' found using 'type' does not "
        "match any of the expected tags: 'browser_state', 'document', 'image', 'search_result', 'text', "
        "'tool_reference'")


def test_b004_near_miss_image_url_is_left_to_o003_and_newer_server_blocks_are_known():
    p = req(user({"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}))
    assert "B004" not in codes(p)
    known = req(user("search"), assistant(
        {"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_fetch", "input": {"url": "https://x.y"}},
        {"type": "web_fetch_tool_result", "tool_use_id": "srvtoolu_01", "content": {"type": "web_fetch_result"}},
        {"type": "container_upload", "file_id": "file_01"},
        text("done")))
    assert "B004" not in codes(known)


def test_b004_unknown_but_plausible_server_result_is_a_warning_without_fix():
    p = req(user("hi"), assistant({"type": "memory_tool_result", "tool_use_id": "srvtoolu_01", "content": []}))
    fs = findings(p, "B004")
    assert fs[0].severity.value == "warning" and fs[0].fix is None


def test_b004_fix_safe_repairs():
    p = req(user("plain", {"text": "typed later"}, {"type": "output_text", "text": "x", "annotations": []},
                 [text("nested a"), text("nested b")]))
    fixed = fix_all(p, "B004", unsafe=False)
    assert fixed["messages"][0]["content"] == [
        text("plain"), text("typed later"), text("x"), text("nested a"), text("nested b")]
    assert not b_findings(fixed)


def test_b004_fix_unknown_block_is_unsafe():
    p = req(user(text("hi"), {"type": "hologram", "payload": 3}))
    assert findings(p, "B004")[0].fix.applicability.value == "unsafe"
    assert fix_all(p, "B004")["messages"][0]["content"] == [text("hi")]


# -- B005 block-missing-field ----------------------------------------------------------------

def test_b005_tool_result_without_tool_use_id():
    p = convo(assistant(tool_use("toolu_A")), user({"type": "tool_result", "content": "sunny"}))
    fs = findings(p, "B005")
    assert [(f.dotted, f.api_error) for f in fs] == [
        ("messages.2.content.0.tool_use_id", "messages.2.content.0.tool_result.tool_use_id: Field required")]
    assert fs[0].fix is None


def test_b005_image_source_field_missing_nested():
    img = {"type": "image", "source": {"type": "base64", "data": "iVBORw0KGgo="}}
    p = convo(assistant(tool_use("toolu_A")), user(tool_result("toolu_A", [img])))
    fs = findings(p, "B005")
    assert fs[0].api_error == ("messages.2.content.0.tool_result.content.0.image.source.base64.media_type: "
                               "Field required")
    assert fs[0].dotted == "messages.2.content.0.content.0.source.media_type"


def test_b005_near_miss_optional_fields_may_be_absent_and_thinking_is_left_to_t():
    p = convo(assistant(tool_use("toolu_A")), user({"type": "tool_result", "tool_use_id": "toolu_A"}))
    assert "B005" not in codes(p)
    assert "B005" not in codes(req(user("hi"), assistant({"type": "thinking", "thinking": "hmm"}), user("go")))


def test_b005_fix_adds_empty_input_unsafely():
    p = convo(assistant({"type": "tool_use", "id": "toolu_A", "name": "get_weather"}), user(tool_result("toolu_A")))
    fixed = fix_all(p, "B005")
    assert fixed["messages"][1]["content"][0]["input"] == {}


# -- B006 block-field-type -------------------------------------------------------------------

def test_b006_text_not_a_string_nested():
    p = convo(assistant(tool_use("toolu_A")), user(tool_result("toolu_A", [{"type": "text", "text": 42}])))
    fs = findings(p, "B006")
    assert [(f.dotted, f.api_error) for f in fs] == [
        ("messages.2.content.0.content.0.text",
         "messages.2.content.0.tool_result.content.0.text.text: Input should be a valid string")]


def test_b006_unknown_source_type():
    p = req(user({"type": "image", "source": {"type": "base_64", "data": "x"}}))
    fs = findings(p, "B006")
    assert fs[0].api_error == ("messages.0.content.0.image.source: Input tag 'base_64' found using 'type' does "
                               "not match any of the expected tags: 'base64', 'file', 'url'")


def test_b006_near_miss_nullable_optionals():
    p = req(user({"type": "text", "text": "hi", "citations": None, "cache_control": None}))
    assert "B006" not in codes(p)


def test_b006_fix_is_safe_and_keeps_values():
    p = convo(assistant(tool_use("toolu_A")),
              user(tool_result("toolu_A", {"type": "text", "text": "sunny"}, is_error="false",
                               cache_control="ephemeral")))
    fixed = fix_all(p, "B006", unsafe=False)
    res = fixed["messages"][2]["content"][0]
    assert res["content"] == [text("sunny")]
    assert res["is_error"] is False
    assert res["cache_control"] == {"type": "ephemeral"}
    assert not b_findings(fixed)


def test_b006_pdf_media_type_fixed_from_the_data():
    doc = {"type": "document", "source": {"type": "base64", "media_type": "application/octet-stream",
                                          "data": "JVBERi0xLjQK"}}
    p = req(user(doc, text("summarise")))
    fs = findings(p, "B006")
    assert fs[0].api_error == "messages.0.content.0.document.source.base64.media_type: Input should be 'application/pdf'"
    fixed = fix_all(p, "B006", unsafe=False)
    assert fixed["messages"][0]["content"][0]["source"]["media_type"] == "application/pdf"


# -- B007 extra-block-keys -------------------------------------------------------------------

def test_b007_streaming_index_leaked_into_history():
    p = convo(assistant(text("checking"), {**tool_use("toolu_A"), "index": 1}), user(tool_result("toolu_A")))
    fs = findings(p, "B007")
    assert [(f.dotted, f.api_error) for f in fs] == [
        ("messages.1.content.1.index", "messages.1.content.1.tool_use.index: Extra inputs are not permitted")]


def test_b007_text_key_on_tool_use_exact_text():
    p = convo(assistant({**tool_use("toolu_A"), "text": "calling"}), user(tool_result("toolu_A")))
    assert findings(p, "B007")[0].api_error == "messages.1.content.0.tool_use.text: Extra inputs are not permitted"


def test_b007_near_miss_cache_control_and_citations_are_valid():
    p = req(user({"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}, "citations": []},
                 {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "x"},
                  "title": "t", "context": "c", "citations": {"enabled": True}}))
    assert "B007" not in codes(p)
    # beta blocks are checked against their (generated) beta schema too
    beta = req(user("hi"), assistant({"type": "compaction", "content": "summary"}), user("go"),
               )
    assert "B007" not in codes(beta, headers={"anthropic-beta": "compact-2026-01-12"})
    extra = req(user("hi"), assistant({"type": "compaction", "content": "summary", "future_key": 1}), user("go"))
    assert [f.dotted for f in findings(extra, "B007", headers={"anthropic-beta": "compact-2026-01-12"})] == [
        "messages.1.content.0.future_key"]


def test_b007_fix_deletes_only_the_unknown_keys():
    block = {**tool_use("toolu_A"), "index": 1, "parsed_input": {"city": "Paris"}}
    p = convo(assistant(block), user(tool_result("toolu_A")))
    fixed = fix_all(p, "B007", unsafe=False)
    assert fixed["messages"][1]["content"][0] == tool_use("toolu_A")
    assert findings(fixed) == []


def test_b002_near_miss_log_that_kept_only_the_messages():
    from tui.core.check import check_exchange
    from tui.core.model import Exchange, Source

    ex = Exchange(Source("t.json", 0), "anthropic-messages", request={"messages": [{"role": "user", "content": "hi"}]},
                  extra={"messages_only": True})
    assert "B002" not in {f.code for f in check_exchange(ex)}
