"""The fix planner and the undo/redo history."""

from __future__ import annotations

import copy

from tests.rulekit import WEATHER_TOOL, assistant, findings, req, text, tool_result, tool_use, user
from tui.core.findings import Applicability
from tui.core.repair.history import History
from tui.core.repair.planner import apply_fix, fix_payload


def broken():
    return req(user("weather?"),
               assistant(tool_use("toolu_A"), tool_use("toolu_B")),
               user(text("results:"), tool_result("toolu_B", "b"), tool_result("toolu_A", "a")),
               assistant(tool_use("toolu_C")), user("so?"), tools=[WEATHER_TOOL])


def test_safe_fixes_only_leave_the_unsafe_ones():
    body = broken()
    res = fix_payload(body)
    assert body == broken(), "the input must never be mutated"
    assert {a.applicability for a in res.applied} == {Applicability.SAFE}
    assert "P003" in {a.code for a in res.applied}
    assert [f.code for f in res.errors_left] == ["P001"]  # needs an invented result: unsafe
    assert res.stopped is None


def test_unsafe_fixes_leave_no_error_and_are_idempotent():
    res = fix_payload(broken(), unsafe=True)
    assert res.errors_left == []
    again = fix_payload(res.fixed, unsafe=True)
    assert again.applied == [] and again.fixed == res.fixed


def test_apply_one_fix():
    body = broken()
    f = findings(body, "P003")[0]
    out = apply_fix(body, f)
    assert out["messages"][2]["content"][0]["type"] == "tool_result" and body == broken()


def test_clean_payload_is_unchanged():
    body = req(user("hi"))
    res = fix_payload(body, unsafe=True)
    assert not res.changed and res.applied == []


def test_round_limit_is_reported():
    res = fix_payload(broken(), unsafe=True, max_rounds=1)
    assert len(res.applied) == 1 and "stopped after 1 fixes" in res.stopped


def test_history_undo_redo_revert():
    h = History({"v": 0})
    h.push("one", {"v": 1})
    h.push("two", {"v": 2})
    assert h.current == {"v": 2} and h.modified
    assert h.undo().title == "two" and h.current == {"v": 1}
    assert h.redo().title == "two" and h.current == {"v": 2}
    h.undo()
    h.push("branch", {"v": 3})
    assert not h.can_redo and [e.title for e in h.entries] == ["original", "one", "branch"]
    h.revert()
    assert h.current == {"v": 0} and not h.modified and h.can_undo
    h.undo()
    assert h.current == {"v": 3}


def test_history_ignores_no_op_and_stops_at_ends():
    h = History(copy.deepcopy({"a": 1}))
    h.push("same", {"a": 1})
    assert h.entries[-1].title == "original" and h.undo() is None and h.redo() is None
