"""`fix --unsafe-fixes` stays linear in the number of findings (issue 14, "Slow paths").

Timing is never asserted (machines here are noisy); the work is: a round re-checks the whole
request and copies it once, so the number of rounds is what must not grow with the findings.
"""

from __future__ import annotations

from typing import Any

from tui.core.repair import planner


def unanswered(n: int) -> dict[str, Any]:
    msgs: list[dict[str, Any]] = [{"role": "user", "content": "start"}]
    for i in range(n):
        msgs.append({"role": "assistant", "content": [{"type": "tool_use", "id": f"toolu_{i:06d}", "name": "w",
                                                       "input": {}}]})
        msgs.append({"role": "user", "content": f"no result {i}"})
    return {"model": "claude-haiku-4-5", "max_tokens": 64, "messages": msgs,
            "tools": [{"name": "w", "input_schema": {"type": "object"}}]}


def test_independent_fixes_are_applied_in_one_round(monkeypatch):
    calls = []
    real = planner.check_request
    monkeypatch.setattr(planner, "check_request", lambda body, **kw: calls.append(1) or real(body, **kw))
    res = planner.fix_payload(unanswered(400), unsafe=True)
    assert len(res.applied) == 400 and res.errors_left == [] and res.stopped is None
    assert len(calls) <= 3  # was one re-check per fix (and it stopped at 200 fixes)
    assert all(a.code == "P001" for a in res.applied)
    fixed = res.fixed["messages"]
    assert fixed[2]["content"][0]["tool_use_id"] == "toolu_000000" and fixed[-1]["content"][0]["is_error"] is True


def test_fixes_that_touch_the_same_message_still_go_one_at_a_time():
    body = {"model": "claude-haiku-4-5", "max_tokens": 64, "tools": [{"name": "w", "input_schema": {"type": "object"}}],
            "messages": [{"role": "user", "content": "go"},
                         {"role": "assistant", "content": [
                             {"type": "tool_use", "id": "toolu_A", "name": "w", "input": {}},
                             {"type": "tool_use", "id": "toolu_B", "name": "w", "input": {}}]},
                         {"role": "user", "content": [{"type": "text", "text": "x"}]}]}
    res = planner.fix_payload(body, unsafe=True)
    assert res.errors_left == []
    assert [b.get("tool_use_id") for b in res.fixed["messages"][2]["content"][:2]] == ["toolu_A", "toolu_B"]
