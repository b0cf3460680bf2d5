"""V family: server tools.  Failing sample, near-miss and fix test per rule."""

from __future__ import annotations

from tests.rulekit import assistant, codes, findings, fix_all, req, text, user

WEB_SEARCH_TOOL = {"type": "web_search_20250305", "name": "web_search", "max_uses": 3}


def search_use(sid: str, query: str = "paris weather today") -> dict:
    return {"type": "server_tool_use", "id": sid, "name": "web_search", "input": {"query": query}}


def search_result(sid: str) -> dict:
    return {"type": "web_search_tool_result", "tool_use_id": sid, "content": [
        {"type": "web_search_result", "url": "https://weather.example/paris", "title": "Paris weather",
         "encrypted_content": "EqQBCioIBhgCIiQ0NGE5", "page_age": "1 hour ago"}]}


def advisor_result(sid: str) -> dict:
    return {"type": "advisor_tool_result", "tool_use_id": sid, "content": {"type": "advisor_result", "text": "ok"}}


def convo(*assistant_blocks: dict, then: str = "thanks, and tomorrow?") -> dict:
    return req(user("What's the weather in Paris?"), assistant(*assistant_blocks), user(then),
               tools=[WEB_SEARCH_TOOL])


# -- V001 invalid-server-tool-use-id ---------------------------------------------------------

def test_v001_dash_in_server_id():
    p = convo(search_use("srvtoolu_01-Ab"), search_result("srvtoolu_01-Ab"), text("Sunny, 24°C."))
    fs = findings(p, "V001")
    assert [f.dotted for f in fs] == ["messages.1.content.0.id"]
    assert fs[0].api_error == ("messages.1.content.0.server_tool_use.id: String should match pattern "
                               "'^srvtoolu_[a-zA-Z0-9_]+$'")
    assert fs[0].related == (("messages", 1, "content", 1),)


def test_v001_near_miss_valid_server_id_and_client_ids_are_p007s():
    assert "V001" not in codes(convo(search_use("srvtoolu_01XyZ9"), search_result("srvtoolu_01XyZ9"),
                                     text("Sunny.")))


def test_v001_fix_renames_use_and_result_consistently():
    p = convo(search_use("toolu_01Abc"), search_result("toolu_01Abc"), text("Sunny."))
    fixed = fix_all(p, "V001", unsafe=False)
    blocks = fixed["messages"][1]["content"]
    assert blocks[0]["id"] == "srvtoolu_01Abc"
    assert blocks[1]["tool_use_id"] == "srvtoolu_01Abc"
    assert not codes(fixed) & {"V001", "V002"}


# -- V002 server-tool-result-without-use -----------------------------------------------------

def test_v002_advisor_result_without_use_exact_text():
    p = req(user("Plan the refactor"), assistant(advisor_result("srvtoolu_01JjfQsdhSJkT7qLCL7Pj9jc"),
                                                 text("Here is the plan.")), user("go"))
    fs = findings(p, "V002")
    assert [f.dotted for f in fs] == ["messages.1.content.0"]
    assert fs[0].api_error == (
        "messages.1.content.0: unexpected `tool_use_id` found in `advisor_tool_result` blocks: "
        "srvtoolu_01JjfQsdhSJkT7qLCL7Pj9jc. Each `advisor_tool_result` block must have a corresponding "
        "`server_tool_use` block before it.")


def test_v002_use_in_an_earlier_turn_does_not_count():
    p = req(user("search"), assistant(search_use("srvtoolu_01A"), search_result("srvtoolu_01A")),
            user("again"), assistant(search_result("srvtoolu_01A"), text("same as before")), user("ok"),
            tools=[WEB_SEARCH_TOOL])
    assert [f.dotted for f in findings(p, "V002")] == ["messages.3.content.0"]


def test_v002_near_miss_use_before_result_even_across_merged_assistant_messages():
    p = req(user("search"), assistant(search_use("srvtoolu_01A")),
            assistant(search_result("srvtoolu_01A"), text("Sunny.")), user("thanks"),
            tools=[WEB_SEARCH_TOOL])
    assert "V002" not in codes(p)
    # client tool_result blocks are the P family's, not V's
    assert "V002" not in codes(convo(search_use("srvtoolu_01A"), search_result("srvtoolu_01A"), text("ok")))


def test_v002_fix_moves_result_after_a_later_use_safely():
    p = convo(search_result("srvtoolu_01A"), search_use("srvtoolu_01A"), text("Sunny."))
    f = findings(p, "V002")[0]
    assert f.fix.applicability.value == "safe" and f.related == (("messages", 1, "content", 1),)
    fixed = fix_all(p, "V002", unsafe=False)
    assert [b["type"] for b in fixed["messages"][1]["content"]] == [
        "server_tool_use", "web_search_tool_result", "text"]


def test_v002_fix_drops_an_orphan_unsafely():
    p = req(user("Plan the refactor"), assistant(advisor_result("srvtoolu_01Zz"), text("Plan: ...")), user("go"))
    assert findings(p, "V002")[0].fix.applicability.value == "unsafe"
    fixed = fix_all(p, "V002")
    assert fixed["messages"][1]["content"] == [text("Plan: ...")]


def test_v002_fix_drops_the_message_when_the_orphan_is_all_it_holds():
    p = req(user("a"), assistant(search_result("srvtoolu_01Q")), assistant("Sunny."), user("b"))
    fixed = fix_all(p, "V002")
    assert fixed["messages"] == [user("a"), assistant("Sunny."), user("b")]
