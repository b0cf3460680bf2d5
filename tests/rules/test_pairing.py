"""P family: every rule has a failing sample, a passing near-miss, and a fix test."""

from __future__ import annotations

from tests.rulekit import (
    WEATHER_TOOL, assistant, codes, findings, fix_all, req, text, tool_result, tool_use, user,
)


def convo(*msgs):
    return req(user("What's the weather?"), *msgs, tools=[WEATHER_TOOL])


# -- P001 tool-use-without-result -----------------------------------------------------------

def test_p001_missing_result_is_reported_at_the_tool_use_with_api_text():
    p = convo(assistant(text("checking"), tool_use("toolu_A"), tool_use("toolu_B")),
              user(tool_result("toolu_A")))
    fs = findings(p, "P001")
    assert [f.dotted for f in fs] == ["messages.1.content.2"]
    assert fs[0].api_error.startswith("messages.1: `tool_use` ids were found without `tool_result` "
                                      "blocks immediately after: toolu_B.")
    assert fs[0].severity.value == "error"


def test_p001_plain_text_reply_lists_every_unanswered_id():
    p = convo(assistant(tool_use("toolu_A"), tool_use("toolu_B")), user("never mind"))
    fs = findings(p, "P001")
    assert len(fs) == 2
    assert "immediately after: toolu_A, toolu_B." in fs[0].api_error


def test_p001_near_miss_all_answered_even_in_reverse_order():
    p = convo(assistant(tool_use("toolu_A"), tool_use("toolu_B")),
              user(tool_result("toolu_B"), tool_result("toolu_A")))
    assert "P001" not in codes(p)


def test_p001_near_miss_results_split_over_consecutive_user_messages():
    p = convo(assistant(tool_use("toolu_A"), tool_use("toolu_B")),
              user(tool_result("toolu_A")), user(tool_result("toolu_B")))
    assert "P001" not in codes(p)


def test_p001_fix_inserts_synthetic_error_result_unsafe():
    p = convo(assistant(tool_use("toolu_A")), user("and?"))
    f = findings(p, "P001")[0]
    assert f.fix.applicability.value == "unsafe"
    fixed = fix_all(p, "P001")
    assert fixed["messages"][2]["content"][0]["tool_use_id"] == "toolu_A"
    assert fixed["messages"][2]["content"][0]["is_error"] is True
    assert fixed["messages"][2]["content"][1] == text("and?")
    assert codes(fixed) <= {"P004"}  # nothing new broken


def test_p001_fix_when_conversation_ends_with_the_call():
    p = convo(assistant(tool_use("toolu_A")))
    fixed = fix_all(p, "P001")
    assert fixed["messages"][-1]["role"] == "user"
    assert not any(f.severity.value == "error" for f in findings(fixed))


def test_p001_misplaced_real_result_is_moved_safely():
    p = convo(assistant(tool_use("toolu_A")), user("wait"), assistant("ok"),
              user(tool_result("toolu_A", "rainy"), text("there")))
    f = findings(p, "P001")[0]
    assert f.fix.applicability.value == "safe"
    fixed = fix_all(p, "P001", unsafe=False)
    assert fixed["messages"][2]["content"][0] == tool_result("toolu_A", "rainy")
    assert "P002" not in codes(fixed)


# -- P002 orphan-tool-result ----------------------------------------------------------------

def test_p002_orphan_in_first_message_after_truncation():
    p = req(user(tool_result("toolu_gone", "42"), text("continue")))
    fs = findings(p, "P002")
    assert [f.dotted for f in fs] == ["messages.0.content.0"]
    assert fs[0].api_error == ("messages.0.content.0: unexpected `tool_use_id` found in `tool_result` "
                               "blocks: toolu_gone. Each `tool_result` block must have a corresponding "
                               "`tool_use` block in the previous message.")


def test_p002_near_miss_result_matches_previous_turn():
    p = convo(assistant(tool_use("toolu_A")), user(tool_result("toolu_A")))
    assert "P002" not in codes(p)


def test_p002_fix_keeps_the_content_as_text():
    p = req(user(tool_result("toolu_gone", "42"), text("continue")))
    fixed = fix_all(p, "P002")
    assert fixed["messages"][0]["content"][0] == text("[tool result for toolu_gone]\n42")


def test_p002_fix_drops_empty_orphan_message():
    p = req(user("hi"), assistant("hello"), user(tool_result("toolu_x", "")), user("go on"))
    fixed = fix_all(p, "P002")
    assert fixed["messages"] == [user("hi"), assistant("hello"), user("go on")]


# -- P003 tool-result-not-leading -----------------------------------------------------------

def test_p003_text_before_result():
    p = convo(assistant(tool_use("toolu_A")), user(text("here:"), tool_result("toolu_A")))
    fs = findings(p, "P003")
    assert [f.dotted for f in fs] == ["messages.2.content.1"]
    assert "P001" not in codes(p)  # present but misplaced: one report, not two
    assert fs[0].api_error.startswith("messages.1: `tool_use` ids were found without")


def test_p003_text_message_then_result_message_is_merged_by_the_api():
    p = convo(assistant(tool_use("toolu_A")), user("here:"), user(tool_result("toolu_A")))
    assert [f.dotted for f in findings(p, "P003")] == ["messages.3.content.0"]


def test_p003_near_miss_text_after_leading_results():
    p = convo(assistant(tool_use("toolu_A")), user(tool_result("toolu_A"), text("thanks")))
    assert "P003" not in codes(p)


def test_p003_fix_is_safe_and_keeps_every_block():
    p = convo(assistant(tool_use("toolu_A"), tool_use("toolu_B")),
              user(tool_result("toolu_A"), text("mid"), tool_result("toolu_B")))
    fixed = fix_all(p, "P003", unsafe=False)
    assert fixed["messages"][2]["content"] == [tool_result("toolu_A"), tool_result("toolu_B"), text("mid")]
    assert not [f for f in findings(fixed) if f.severity.value == "error"]


# -- P004 tool-result-order (warning) -------------------------------------------------------

def test_p004_reversed_results_are_a_warning_never_an_error():
    p = convo(assistant(tool_use("toolu_A"), tool_use("toolu_B")),
              user(tool_result("toolu_B"), tool_result("toolu_A")))
    fs = findings(p)
    assert [f.code for f in fs] == ["P004"]
    assert fs[0].severity.value == "warning"
    assert "Bedrock Converse" in fs[0].message


def test_p004_near_miss_same_order():
    p = convo(assistant(tool_use("toolu_A"), tool_use("toolu_B")),
              user(tool_result("toolu_A"), tool_result("toolu_B")))
    assert findings(p) == []


def test_p004_fix_sorts():
    p = convo(assistant(tool_use("toolu_A"), tool_use("toolu_B")),
              user(tool_result("toolu_B", "b"), tool_result("toolu_A", "a"), text("t")))
    fixed = fix_all(p, "P004", unsafe=False)
    assert fixed["messages"][2]["content"] == [tool_result("toolu_A", "a"), tool_result("toolu_B", "b"), text("t")]


# -- P005 duplicate-tool-use-id -------------------------------------------------------------

def test_p005_duplicate_id_within_one_turn_is_an_error():
    p = convo(assistant(tool_use("call_0"), tool_use("call_0")), user(tool_result("call_0"), tool_result("call_0")))
    fs = findings(p, "P005")
    assert [(f.dotted, f.severity.value) for f in fs] == [("messages.1.content.1", "error")]
    assert fs[0].api_error == "messages.1.content.1: `tool_use` ids must be unique"
    assert "already used in this assistant turn (at messages.1.content.0)" in fs[0].message


def test_p005_reuse_across_turns_without_its_own_result_is_an_error():
    p = convo(assistant(tool_use("call_0")), user(tool_result("call_0")),
              assistant(tool_use("call_0")), user("what now?"))
    fs = findings(p, "P005")
    assert [(f.dotted, f.severity.value) for f in fs] == [("messages.3.content.0", "error")]
    assert fs[0].api_error == "messages.3.content.0: `tool_use` ids must be unique"
    assert "reused from messages.1.content.0" in fs[0].message


def test_p005_reuse_when_the_earlier_use_was_not_answered_in_its_next_turn_is_an_error():
    p = convo(assistant(tool_use("call_0")), user("skip it"),
              assistant(tool_use("call_0")), user(tool_result("call_0")))
    assert [f.dotted for f in findings(p, "P005")] == ["messages.3.content.0"]


def test_p005_near_miss_reuse_across_turns_each_answered_is_not_reported():
    """A logged 200: the API accepts an id reused in a later turn when each use has its result."""
    p = convo(assistant(tool_use("call_0")), user(tool_result("call_0")),
              assistant(tool_use("call_0")), user(tool_result("call_0")),
              assistant(text("again"), tool_use("call_0")), user(tool_result("call_0")))
    assert findings(p, "P005") == []
    assert findings(p, "P005", status=200, response={"type": "message", "content": []}) == []


def test_p005_near_miss_distinct_ids():
    p = convo(assistant(tool_use("call_0")), user(tool_result("call_0")),
              assistant(tool_use("call_1")), user(tool_result("call_1")))
    assert "P005" not in codes(p)


def test_p005_fix_renames_the_duplicate_call_and_its_own_result():
    p = convo(assistant(tool_use("call_0"), tool_use("call_0")),
              user(tool_result("call_0", "a"), tool_result("call_0", "b")))
    fixed = fix_all(p, "P005", unsafe=False)
    assert [b["id"] for b in fixed["messages"][1]["content"]] == ["call_0", "call_0_2"]
    assert [(b["tool_use_id"], b["content"]) for b in fixed["messages"][2]["content"]] == [
        ("call_0", "a"), ("call_0_2", "b")]
    assert findings(fixed) == []


def test_p005_fix_gives_each_of_three_duplicates_its_own_id():
    p = convo(assistant(tool_use("call_0"), tool_use("call_0"), tool_use("call_0")),
              user(tool_result("call_0", "a"), tool_result("call_0", "b"), tool_result("call_0", "c")))
    fs = findings(p, "P005")
    assert [f.dotted for f in fs] == ["messages.1.content.1", "messages.1.content.2"]
    assert [f.fix.title for f in fs] == ["rename the duplicate call_0 to call_0_2 (and its tool_result)",
                                         "rename the duplicate call_0 to call_0_3 (and its tool_result)"]
    fixed = fix_all(p, "P005", unsafe=False)
    assert [b["tool_use_id"] for b in fixed["messages"][2]["content"]] == ["call_0", "call_0_2", "call_0_3"]
    assert findings(fixed) == []


# -- P006 tool-block-in-wrong-role ----------------------------------------------------------

def test_p006_result_in_assistant_message():
    p = req(user("hi"), assistant(tool_result("toolu_A", "out")))
    fs = findings(p, "P006")
    assert fs and fs[0].api_error == "messages.1: `tool_result` blocks can only be in `user` messages"


def test_p006_near_miss_result_in_user_message():
    p = convo(assistant(tool_use("toolu_A")), user(tool_result("toolu_A")))
    assert "P006" not in codes(p)


def test_p006_fix_keeps_content_as_text():
    p = req(user("hi"), assistant(tool_result("toolu_A", "out")))
    fixed = fix_all(p, "P006")
    assert fixed["messages"][1]["content"] == [text("[tool result for toolu_A]\nout")]


# -- P007 invalid-tool-use-id ---------------------------------------------------------------

def test_p007_openai_style_id():
    p = convo(assistant(tool_use("functions.get_weather:0")), user(tool_result("functions.get_weather:0")))
    fs = findings(p, "P007")
    assert fs[0].api_error == ("messages.1.content.0.tool_use.id: String should match pattern "
                               "'^[a-zA-Z0-9_-]+$'")


def test_p007_near_miss_non_toolu_id_is_fine():
    p = convo(assistant(tool_use("bash-uOQIdN0O")), user(tool_result("bash-uOQIdN0O")))
    assert "P007" not in codes(p)


def test_p007_fix_renames_consistently():
    p = convo(assistant(tool_use("functions.get_weather:0")), user(tool_result("functions.get_weather:0")))
    fixed = fix_all(p, "P007", unsafe=False)
    assert fixed["messages"][1]["content"][0]["id"] == "functions_get_weather_0"
    assert fixed["messages"][2]["content"][0]["tool_use_id"] == "functions_get_weather_0"
    assert findings(fixed) == []


# -- P008 tool-input-not-object -------------------------------------------------------------

def test_p008_input_as_json_string():
    p = convo(assistant(tool_use("toolu_A", inp='{"city": "Paris"}')), user(tool_result("toolu_A")))
    fs = findings(p, "P008")
    assert fs[0].dotted == "messages.1.content.0.input"
    assert fs[0].api_error == "messages.1.content.0.tool_use.input: Input should be a valid dictionary"
    fixed = fix_all(p, "P008", unsafe=False)
    assert fixed["messages"][1]["content"][0]["input"] == {"city": "Paris"}


def test_p008_empty_list_becomes_empty_object():
    p = convo(assistant(tool_use("toolu_A", inp=[])), user(tool_result("toolu_A")))
    assert fix_all(p, "P008", unsafe=False)["messages"][1]["content"][0]["input"] == {}


def test_p008_near_miss_empty_object():
    p = convo(assistant(tool_use("toolu_A", inp={})), user(tool_result("toolu_A")))
    assert "P008" not in codes(p)


def test_p007_two_bad_ids_that_sanitize_alike_get_distinct_new_ids():
    p = convo(assistant(tool_use("call:1"), tool_use("call.1")), user(tool_result("call:1"), tool_result("call.1")))
    fixed = fix_all(p, "P007", unsafe=False)
    ids = [b["id"] for b in fixed["messages"][1]["content"]]
    assert len(set(ids)) == 2 and all(i.startswith("call_1") for i in ids)
    assert [b["tool_use_id"] for b in fixed["messages"][2]["content"]] == ids
