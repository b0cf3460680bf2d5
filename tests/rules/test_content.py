"""C family: every rule has a failing sample, a passing near-miss, and a fix test."""

from __future__ import annotations

from tests.rulekit import (
    WEATHER_TOOL, assistant, codes, findings, fix_all, req, text, tool_result, tool_use, user,
)

TEXT02 = "messages: text content blocks must be non-empty"
TEXT03 = "messages: text content blocks must contain non-whitespace text"
TEXT04 = "messages: final assistant content cannot end with trailing whitespace"


def weather(*msgs):
    return req(user("Weather in Paris?"), *msgs, tools=[WEATHER_TOOL])


# -- C001 empty-message-content -------------------------------------------------------------

def test_c001_empty_assistant_in_history():
    p = req(user("Run the tests"), assistant(""), user("Well?"))
    fs = findings(p, "C001")
    assert [f.dotted for f in fs] == ["messages.1"]
    assert fs[0].api_error == ("messages.1: all messages must have non-empty content except for the "
                               "optional final assistant message")


def test_c001_empty_list_content_is_also_empty():
    p = req({"role": "user", "content": []}, assistant("hi"), user("x"))
    assert [f.dotted for f in findings(p, "C001")] == ["messages.0"]


def test_c001_near_miss_final_assistant_may_be_empty():
    assert "C001" not in codes(req(user("hi"), assistant("")))
    assert "C001" not in codes(req(user("hi"), {"role": "assistant", "content": []}))


def test_c001_fix_drops_the_message_and_merges_its_neighbours():
    p = req(user("Run the tests"), assistant(""), user("Well?"))
    assert findings(p, "C001")[0].fix.applicability.value == "safe"
    fixed = fix_all(p, "C001", unsafe=False)
    assert fixed["messages"] == [user(text("Run the tests"), text("Well?"))]
    assert findings(fixed) == []


def test_c001_dropping_the_last_user_message_is_unsafe():
    p = req(user("hi"), assistant("hello"), user(""))
    assert findings(p, "C001")[0].fix.applicability.value == "unsafe"
    assert fix_all(p, "C001")["messages"] == [user("hi"), assistant("hello")]


def test_c001_only_message_has_no_fix():
    fs = findings(req(user("")), "C001")
    assert fs and fs[0].fix is None


# -- C002 empty-text-block ------------------------------------------------------------------

def test_c002_empty_text_next_to_a_tool_use():
    p = weather(assistant(text(""), tool_use("toolu_01A")), user(tool_result("toolu_01A")))
    fs = findings(p, "C002")
    assert [f.dotted for f in fs] == ["messages.1.content.0"]
    assert fs[0].api_error == TEXT02  # no index in the API's text: the finding has it


def test_c002_inside_tool_result_content():
    p = weather(assistant(tool_use("toolu_01A")), user(tool_result("toolu_01A", [text("18C"), text("")])))
    assert [f.dotted for f in findings(p, "C002")] == ["messages.2.content.0.content.1"]


def test_c002_empty_text_in_final_assistant_is_not_exempt():
    assert "C002" in codes(req(user("hi"), assistant(text(""))))


def test_c002_near_miss_result_without_content_and_string_content():
    p = weather(assistant(tool_use("toolu_01A")),
                user({"type": "tool_result", "tool_use_id": "toolu_01A", "is_error": True}))
    assert findings(p) == []
    assert "C002" not in codes(req(user(""), assistant("x"), user("y")))  # that one is C001


def test_c002_fix_drops_the_block_safely():
    p = weather(assistant(text(""), tool_use("toolu_01A")), user(tool_result("toolu_01A")))
    fixed = fix_all(p, "C002", unsafe=False)
    assert fixed["messages"][1]["content"] == [tool_use("toolu_01A")]
    assert findings(fixed) == []


def test_c002_fix_inside_tool_result_keeps_the_rest():
    p = weather(assistant(tool_use("toolu_01A")), user(tool_result("toolu_01A", [text("18C"), text("")])))
    fixed = fix_all(p, "C002", unsafe=False)
    assert fixed["messages"][2]["content"] == [tool_result("toolu_01A", [text("18C")])]


def test_c002_only_block_of_a_message_takes_the_message_with_it():
    p = req(user("hi"), assistant(text("")), user("hello?"))
    fixed = fix_all(p, "C002", unsafe=False)
    assert fixed["messages"] == [user(text("hi"), text("hello?"))]
    assert findings(fixed) == []


# -- C003 whitespace-text-block -------------------------------------------------------------

def test_c003_whitespace_block_after_tool_result():
    p = weather(assistant(tool_use("toolu_01A")), user(tool_result("toolu_01A"), text("\n\n")))
    fs = findings(p, "C003")
    assert [f.dotted for f in fs] == ["messages.2.content.1"]
    assert fs[0].api_error == TEXT03


def test_c003_whitespace_string_content():
    assert [f.dotted for f in findings(req(user(" "), assistant("hi"), user("x")), "C003")] == \
        ["messages.0.content"]


def test_c003_near_miss_whitespace_around_real_text_and_final_assistant():
    assert "C003" not in codes(req(user("  hello  \n"), assistant(" ok "), user("\tthanks")))
    p = req(user("hi"), assistant(text("Sure"), text("  ")))
    assert "C003" not in codes(p) and "C004" in codes(p)  # the final block is C004's


def test_c003_near_miss_whitespace_beside_a_tool_call_in_an_earlier_assistant_turn_is_a_warning():
    """A logged 200 on Haiku 4.5: models return "\n\n" before a tool call and clients send it back."""
    p = weather(assistant(text("\n\n"), tool_use("toolu_01A")), user(tool_result("toolu_01A")))
    fs = findings(p, "C003")
    assert [(f.dotted, f.severity.value, f.api_error) for f in fs] == [("messages.1.content.0", "warning", None)]
    assert "Bedrock rejects" in fs[0].message


def test_c003_whitespace_only_assistant_turn_and_user_text_stay_errors():
    p = weather(assistant(text(" "), text("\n")), user("go on"), assistant("ok"), user(text("  "), text("hi")))
    assert {(f.dotted, f.severity.value) for f in findings(p, "C003")} == {
        ("messages.1.content.0", "error"), ("messages.1.content.1", "error"), ("messages.4.content.0", "error")}


def test_c003_whitespace_beside_content_in_the_final_assistant_message_stays_an_error():
    p = req(user("hi"), assistant(text("\n\n"), text("Sure")))
    fs = findings(p, "C003")
    assert [(f.dotted, f.severity.value, f.api_error) for f in fs] == [("messages.1.content.0", "error", TEXT03)]


def test_c003_fix_drops_only_whitespace():
    p = weather(assistant(tool_use("toolu_01A")), user(tool_result("toolu_01A"), text("\n\n")))
    fixed = fix_all(p, "C003", unsafe=False)
    assert fixed["messages"][2]["content"] == [tool_result("toolu_01A")]
    assert findings(fixed) == []


def test_c003_whitespace_only_message_is_dropped():
    p = req(user("hi"), assistant(" "), user("there?"))
    fixed = fix_all(p, "C003", unsafe=False)
    assert fixed["messages"] == [user(text("hi"), text("there?"))]


# -- C004 final-assistant-trailing-whitespace -----------------------------------------------

def test_c004_prefill_ending_in_a_space():
    fs = findings(req(user("Write a haiku."), assistant("Here it is: ")), "C004")
    assert [f.dotted for f in fs] == ["messages.1.content"]
    assert fs[0].api_error == TEXT04


def test_c004_near_miss_earlier_turns_and_tool_use_endings():
    assert "C004" not in codes(req(user("a"), assistant("b \n"), user("c")))
    assert "C004" not in codes(weather(assistant(text("Checking. "), tool_use("toolu_01A"))))


def test_c004_fix_strips_only_the_final_text():
    p = req(user("a "), assistant("b \n"), user("c"), assistant(text("Sure, "), text("here:\n")))
    fixed = fix_all(p, "C004", unsafe=False)
    assert fixed["messages"][3]["content"] == [text("Sure, "), text("here:")]
    assert fixed["messages"][:3] == p["messages"][:3]
    assert findings(fixed) == []


def test_c004_whitespace_only_final_block_is_dropped():
    p = req(user("hi"), assistant(text("Sure"), text(" \n")))
    assert fix_all(p, "C004", unsafe=False)["messages"][1]["content"] == [text("Sure")]
    assert fix_all(req(user("hi"), assistant("  ")), "C004", unsafe=False)["messages"][1]["content"] == ""


# -- C005 no-messages -----------------------------------------------------------------------

def test_c005_empty_messages_list():
    fs = findings(req(), "C005")
    assert [f.dotted for f in fs] == ["messages"]
    assert fs[0].api_error == "messages: at least one message is required"
    assert fs[0].fix is None  # a conversation cannot be made up


def test_c005_near_miss_one_message():
    assert "C005" not in codes(req(user("hi")))


# -- C006 citations-on-user-text (judged by the API version) ---------------------------------

CITE = {"type": "char_location", "cited_text": "Paris is sunny.", "document_index": 0, "document_title": "w",
        "start_char_index": 0, "end_char_index": 15}
OLD = {"anthropic-version": "2023-06-01"}
NEW = {"anthropic-version": "2026-10-21"}


def quoted_answer():
    return req(user("Weather?"), assistant({"type": "text", "text": "Sunny.", "citations": [CITE]}),
               user({"type": "text", "text": "You said: Sunny.", "citations": [CITE]}, text("Sure?")))


def test_c006_citations_on_user_text_at_the_new_version():
    for kw in ({"headers": NEW}, {}):  # logged, or the SDK's when none is logged
        fs = findings(quoted_answer(), "C006", **kw)
        assert [(f.dotted, f.severity.value) for f in fs] == [("messages.2.content.0.citations", "error")], kw
        assert "rejects citations on user text (1 citation)" in fs[0].message


def test_c006_near_miss_old_version_assistant_citations_and_empty_list():
    assert findings(quoted_answer(), "C006", headers=OLD) == []
    p = req(user("Weather?"), assistant({"type": "text", "text": "Sunny.", "citations": [CITE]}),
            user({"type": "text", "text": "ok", "citations": []}))
    assert findings(p, "C006", headers=NEW) == []


def test_c006_accepted_without_a_logged_version_is_a_warning():
    fs = findings(quoted_answer(), "C006", status=200, response={"type": "message", "content": []})
    assert [f.severity.value for f in fs] == ["warning"] and "a replay with 2026-10-21 rejects" in fs[0].message


def test_c006_near_miss_not_a_date_version_and_tool_result_text():
    assert findings(quoted_answer(), "C006", headers={"anthropic-version": "latest"}) == []
    inner = {"type": "text", "text": "from the doc", "citations": [CITE]}
    p = req(user("Read it"), assistant(tool_use("toolu_01R", name="read", inp={})),
            user(tool_result("toolu_01R", [inner])))
    assert findings(p, "C006", headers=NEW) == []


def test_c006_accepted_with_the_new_version_logged_questions_the_rule():
    fs = findings(quoted_answer(), "C006", headers=NEW, status=200, response={"type": "message", "content": []})
    assert [(f.severity.value, f.contradicted, f.fix.applicability.value) for f in fs] == [("warning", True, "unsafe")]
    assert "contradicted by the logged response" in fs[0].message and "may be stale" in fs[0].message


def test_c006_fix_removes_the_citations_and_keeps_the_text():
    [f] = findings(quoted_answer(), "C006")
    assert f.fix.applicability.value == "unsafe"  # the citation metadata is lost
    fixed = fix_all(quoted_answer(), "C006")
    assert fixed["messages"][2]["content"][0] == {"type": "text", "text": "You said: Sunny."}
    assert fixed["messages"][1]["content"][0]["citations"] == [CITE]
    assert "C006" not in codes(fixed)
