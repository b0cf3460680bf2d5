"""R family: every rule has a failing sample, a passing near-miss, and a fix test."""

from __future__ import annotations

from tests.rulekit import (
    WEATHER_TOOL, assistant, codes, findings, fix_all, req, text, tool_result, tool_use, user,
)
from tui.core.repair.patch import apply_patch

NO_PREFILL = "claude-opus-4-6"          # prefill removed, system messages rejected
SYSTEM_OK = "claude-opus-4-8"           # accepts system messages, with placement rules
UNKNOWN = "my-gateway-alias"

ROLE03 = ('messages: Unexpected role "system". The Messages API accepts a top-level `system` '
          'parameter, not "system" as an input message role.')


def system(content):
    return {"role": "system", "content": content}


def errors(payload):
    return [f for f in findings(payload) if f.severity.value == "error"]


# -- R001 first-message-not-user ------------------------------------------------------------

def test_r001_assistant_first_is_a_warning_at_that_message():
    p = req(assistant("Hi! How can I help?"), user("Fix the build."))
    fs = findings(p, "R001")
    assert [f.dotted for f in fs] == ["messages.0"]
    assert fs[0].severity.value == "warning"
    assert fs[0].api_error is None  # the first-party API accepts it today


def test_r001_near_miss_leading_system_then_user_is_fine():
    assert "R001" not in codes(req(system("Be terse."), user("hi"), model=SYSTEM_OK))
    assert "R001" not in codes(req(user("hi"), assistant("hello")))


def test_r001_fix_inserts_a_visible_placeholder_user_turn():
    p = req(assistant("Hi!"), user("Fix the build."))
    assert findings(p, "R001")[0].fix.applicability.value == "unsafe"
    fixed = fix_all(p, "R001")
    assert fixed["messages"][0]["role"] == "user"
    assert "payload-doctor" in fixed["messages"][0]["content"]
    assert fixed["messages"][1:] == p["messages"]
    assert findings(fixed) == []


# -- R002 consecutive-same-role -------------------------------------------------------------

def test_r002_two_user_messages_warn_at_the_second():
    p = req(user("Here is the log:"), user("ERROR at line 3"))
    fs = findings(p, "R002")
    assert [f.dotted for f in fs] == ["messages.1"]
    assert fs[0].severity.value == "warning"
    assert "Bedrock" in fs[0].message
    assert [".".join(map(str, r)) for r in fs[0].related] == ["messages.0"]


def test_r002_one_finding_per_run():
    p = req(user("a"), assistant("b"), assistant("c"), assistant("d"), user("e"))
    fs = findings(p, "R002")
    assert [f.dotted for f in fs] == ["messages.2"]
    assert "3 consecutive assistant" in fs[0].message


def test_r002_near_miss_alternating_roles():
    assert "R002" not in codes(req(user("a"), assistant("b"), user("c")))


def test_r002_fix_merges_as_the_api_would():
    p = req(user("Here is the log:"), user(text("ERROR at line 3")), assistant("Looking."))
    fixed = fix_all(p, "R002", unsafe=False)
    assert fixed["messages"] == [user(text("Here is the log:"), text("ERROR at line 3")),
                                 assistant("Looking.")]
    assert findings(fixed) == []


def test_r002_merge_keeps_the_p003_fault_visible():
    # the API merges these, so "text before tool_result" is a real error with or without the fix
    p = req(user("Weather?"), assistant(tool_use("toolu_01A")), user("here:"),
            user(tool_result("toolu_01A")), tools=[WEATHER_TOOL])
    assert {"R002", "P003"} <= codes(p)
    assert "P003" in codes(fix_all(p, "R002", unsafe=False))


def test_r002_no_fix_when_merging_would_lose_openai_fields():
    later = {"role": "assistant", "content": None, "tool_calls": []}
    fs = findings(req(user("a"), assistant("b"), later), "R002")
    assert fs and fs[0].fix is None


# -- R003 system-role-in-messages -----------------------------------------------------------

def test_r003_known_model_without_support_is_an_error_with_api_text():
    p = req(system("You are a terse assistant."), user("Weather in Paris?"))
    fs = findings(p, "R003")
    assert [f.dotted for f in fs] == ["messages.0.role"]
    assert fs[0].severity.value == "error"
    assert fs[0].api_error == ROLE03


def test_r003_unknown_model_is_a_warning():
    fs = findings(req(system("Be brief."), user("hi"), model=UNKNOWN), "R003")
    assert fs and fs[0].severity.value == "warning"


def test_r003_near_miss_model_that_accepts_system_messages_and_top_level_system():
    assert "R003" not in codes(req(user("hi"), system("Be brief."), model=SYSTEM_OK))
    assert "R003" not in codes(req(user("hi"), system="Be brief."))


def test_r003_fix_moves_leading_system_to_top_level():
    fixed = fix_all(req(system("Be terse."), user("hi")), "R003", unsafe=False)
    assert fixed["system"] == "Be terse."
    assert fixed["messages"] == [user("hi")]
    assert findings(fixed) == []


def test_r003_fix_appends_to_existing_system_in_order():
    p = req(system("Second."), system([text("Third.")]), user("hi"), system="First.")
    fixed = fix_all(p, "R003", unsafe=False)
    assert fixed["system"] == [text("First."), text("Second."), text("Third.")]
    assert fixed["messages"] == [user("hi")]


def test_r003_mid_conversation_fix_is_unsafe_and_goes_after_tool_results():
    p = req(user("Weather?"), assistant(tool_use("toolu_01A")), system("Answer in French."),
            user(tool_result("toolu_01A"), text("thanks")), tools=[WEATHER_TOOL])
    f = findings(p, "R003")[0]
    assert f.fix.applicability.value == "unsafe"
    fixed = fix_all(p, "R003")
    assert fixed["messages"][2]["content"] == [tool_result("toolu_01A"), text("Answer in French."),
                                               text("thanks")]
    assert errors(fixed) == []


def test_r003_trailing_system_message_folds_into_previous_user():
    fixed = fix_all(req(user("hi"), system("Be brief.")), "R003")
    assert fixed["messages"] == [user(text("hi"), text("Be brief."))]


# -- R004 invalid-role ----------------------------------------------------------------------

def test_r004_developer_role_has_the_pydantic_text():
    p = req(user("hi"), assistant("hello"), {"role": "developer", "content": "Answer in French."},
            user("ok?"))
    fs = findings(p, "R004")
    assert [f.dotted for f in fs] == ["messages.2.role"]
    assert fs[0].api_error == "messages.2.role: Input should be 'user' or 'assistant'"


def test_r004_leading_developer_moves_to_system_safely():
    p = req({"role": "developer", "content": "Answer in French."}, user("hi"))
    fixed = fix_all(p, "R004", unsafe=False)
    assert fixed["system"] == "Answer in French."
    assert findings(fixed) == []


def test_r004_aliases_and_case_are_renamed_safely():
    p = req({"role": "human", "content": "hi"}, {"role": "AI", "content": "hello"},
            {"role": "User", "content": "bye"})
    assert len(findings(p, "R004")) == 3
    fixed = fix_all(p, "R004", unsafe=False)
    assert [m["role"] for m in fixed["messages"]] == ["user", "assistant", "user"]


def test_r004_near_miss_tool_role_is_left_to_o002():
    p = req(user("hi"), assistant("x"), {"role": "tool", "tool_call_id": "call_1", "content": "ok"})
    assert "R004" not in codes(p)
    assert "O002" in codes(p)


def test_r004_unknown_role_has_no_fix_and_function_role_is_unsafe():
    robot = findings(req(user("hi"), {"role": "robot", "content": "beep"}), "R004")
    assert robot[0].fix is None
    p = req(user("Weather?"), assistant("Calling."), {"role": "function", "name": "get_weather",
                                                      "content": "18C"})
    fixed = fix_all(p, "R004")
    assert fixed["messages"][-1] == user(text("[result of get_weather]\n18C"))


# -- R005 prefill-not-supported -------------------------------------------------------------

PREFILL = [user("List the files as JSON."), assistant("{")]


def test_r005_final_assistant_on_model_without_prefill():
    fs = findings(req(*PREFILL, model=NO_PREFILL), "R005")
    assert [f.dotted for f in fs] == ["messages.1"]
    assert fs[0].api_error == ("This model does not support assistant message prefill. The "
                               "conversation must end with a user message.")


def test_r005_near_miss_model_with_prefill_or_ending_with_user():
    assert "R005" not in codes(req(*PREFILL))
    assert "R005" not in codes(req(user("hi"), assistant("hello"), user("bye"), model=NO_PREFILL))


def test_r005_unknown_model_is_skipped_with_a_note():
    cs = codes(req(*PREFILL, model=UNKNOWN))
    assert "R005" not in cs and "I001" in cs


def test_r005_fix_drops_the_prefill_unsafely():
    p = req(*PREFILL, model=NO_PREFILL)
    assert findings(p, "R005")[0].fix.applicability.value == "unsafe"
    fixed = fix_all(p, "R005")
    assert fixed["messages"] == [user("List the files as JSON.")]
    assert findings(fixed) == []


def test_r005_dropping_an_empty_final_assistant_is_safe():
    p = req(user("hi"), assistant(""), model=NO_PREFILL)
    assert fix_all(p, "R005", unsafe=False)["messages"] == [user("hi")]


# -- R006 system-message-placement ----------------------------------------------------------

def test_r006_system_followed_by_user_is_misplaced():
    p = req(user("Summarise the diff."), system("Be brief."), user("Go."), model=SYSTEM_OK)
    fs = findings(p, "R006")
    assert [f.dotted for f in fs] == ["messages.1"]
    assert fs[0].api_error is None
    assert "followed by a user message" in fs[0].message


def test_r006_near_miss_valid_placements():
    ok = [
        req(user("Summarise."), system("Be brief."), model=SYSTEM_OK),
        req(user("Summarise."), system("Be brief."), assistant("Done."), user("More"), model=SYSTEM_OK),
        req(user("Search it"), assistant({"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_search",
                                          "input": {"query": "x"}}), system("Cite sources."), model=SYSTEM_OK),
    ]
    for p in ok:
        assert "R006" not in codes(p)


def test_r006_only_for_models_that_accept_system_messages():
    assert "R006" not in codes(req(user("a"), system("b"), user("c")))


def test_r006_first_message_moves_to_top_level_safely():
    p = req(system("Be brief."), user("hi"), model=SYSTEM_OK)
    assert "it is the first message" in findings(p, "R006")[0].message
    fixed = fix_all(p, "R006", unsafe=False)
    assert fixed["system"] == "Be brief." and fixed["messages"] == [user("hi")]


TOOL_CHANGES = "mid-conversation-tool-changes-2026-07-01"
LOGGED = {"anthropic-version": "2023-06-01", "anthropic-beta": TOOL_CHANGES}
NO_BETA = {"anthropic-version": "2023-06-01"}


def add_tool(name):
    return {"type": "tool_addition", "tool": {"type": "tool_reference", "name": name}}


def remove_tool(name):
    return {"type": "tool_removal", "tool": {"type": "tool_reference", "name": name}}


def agent_switching_tools(*extra_system, model=SYSTEM_OK):
    """An Opus 4.8 agent that turns a tool on mid-conversation (what the recorded traffic did)."""
    return req(user("Check the weather in Paris, then book a table."),
               assistant(text("Checking the weather."), tool_use("toolu_01A")),
               user(tool_result("toolu_01A", "18C, sunny")),
               system([add_tool("book_table"), remove_tool("get_weather")]),
               *extra_system,
               assistant("It is sunny. Booking now."),
               user("Go ahead."),
               model=model, tools=[WEATHER_TOOL, {**WEATHER_TOOL, "name": "book_table"}])


def test_r006_tool_addition_and_removal_blocks_are_accepted():
    p = agent_switching_tools()
    assert findings(p, "R006", headers=LOGGED) == []
    assert findings(p, "R006") == []  # the blocks are system content; their header is B009's
    assert "B009" not in codes(p, headers=LOGGED)


def test_r006_two_system_messages_in_a_row_are_accepted_with_the_beta_header():
    p = agent_switching_tools(system("Only book tables for two."))
    assert findings(p, "R006", headers=LOGGED) == []
    clear_at = {"anthropic-beta": "mid-conversation-system-clear-at-2026-08-21"}
    assert findings(p, "R006", headers=clear_at) == []


def test_r006_two_system_messages_without_the_beta_header_are_an_error():
    p = agent_switching_tools(system("Only book tables for two."))
    fs = findings(p, "R006", headers=NO_BETA)
    assert [(f.dotted, f.severity.value) for f in fs] == [("messages.4", "error")]
    assert "directly follows another system message" in fs[0].message


def test_r006_two_system_messages_with_no_headers_logged_is_a_warning():
    p = req(user("hi"), system("One."), system("Two."), assistant("ok"), model=SYSTEM_OK)
    fs = findings(p, "R006")
    assert [(f.dotted, f.severity.value) for f in fs] == [("messages.2", "warning")]
    assert "kept no request headers" in fs[0].message


def test_r006_a_run_of_system_messages_is_placed_as_one_unit():
    # the run follows a user message and is followed by an assistant message: fine with the beta;
    # but a run followed by a user message is misplaced at its last message
    p = req(user("a"), system("One."), system("Two."), user("b"), model=SYSTEM_OK)
    fs = findings(p, "R006", headers=LOGGED)
    assert [f.dotted for f in fs] == ["messages.2"]
    assert "followed by a user message" in fs[0].message


def test_r006_models_without_system_messages_keep_r003():
    p = agent_switching_tools(model=NO_PREFILL)  # Opus 4.6: system_in_messages false
    assert "R006" not in codes(p, headers=LOGGED)
    fs = findings(p, "R003", headers=LOGGED)
    assert [(f.dotted, f.severity.value) for f in fs] == [("messages.3.role", "error")]


def test_r006_adjacent_system_messages_merge_safely():
    p = req(user("hi"), system("One."), system("Two."), assistant("ok"), model=SYSTEM_OK)
    assert len(findings(p, "R006", headers=NO_BETA)) == 1
    fixed = fix_all(p, "R006", unsafe=False, headers=NO_BETA)
    assert fixed["messages"][1] == system([text("One."), text("Two.")])
    assert "R006" not in codes(fixed, headers=NO_BETA)


def test_r006_adjacent_messages_with_different_clear_at_are_not_merged():
    p = req(user("hi"), {**system("One."), "clear_at": "next_user_message"}, system("Two."),
            assistant("ok"), model=SYSTEM_OK)
    fs = findings(p, "R006", headers=NO_BETA)
    assert [f.dotted for f in fs] == ["messages.2"] and fs[0].fix is None


def test_r006_non_text_blocks_are_reported_and_dropped_unsafely():
    img = {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}
    p = req(user("hi"), system([text("Look:"), add_tool("get_weather"), img]), model=SYSTEM_OK,
            tools=[WEATHER_TOOL])
    fs = findings(p, "R006", headers=LOGGED)
    assert "it holds image blocks" in fs[0].message
    fixed = fix_all(p, "R006", headers=LOGGED)
    assert fixed["messages"][1] == system([text("Look:"), add_tool("get_weather")])


def test_r006_misplaced_fix_is_unsafe_and_clears_errors():
    p = req(user("Summarise."), system("Be brief."), user("Go."), model=SYSTEM_OK)
    fixed = fix_all(p, "R006")
    assert fixed["messages"] == [user("Summarise."), user(text("Be brief."), text("Go."))]
    assert errors(fixed) == []


def test_role_fixes_never_mutate_their_input():
    p = req(system("a"), user("b"), user("c"))
    before = repr(p)
    for f in findings(p):
        if f.fix:
            apply_patch(p, f.fix.ops)
    assert repr(p) == before
