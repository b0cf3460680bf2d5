"""Property tests over generated agent conversations with the faults real logs have.

For any such payload: check never raises and every finding points into the payload; safe fixes
never change the multiset of text, tool calls and tool results; fixing is idempotent; the planner
ends on its own; the structural diff, applied as a patch, reproduces the repaired payload.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rulekit import WEATHER_TOOL, findings
from tui.core.diff import patch_from_diff
from tui.core.paths import exists
from tui.core.repair.patch import apply_patch
from tui.core.repair.planner import fix_payload

FAULTS = ("drop_result", "reverse_results", "text_before_results", "split_turn", "dup_id",
          "empty_text", "blank_text", "trailing_ws", "system_msg", "string_input", "orphan",
          "bad_id", "consecutive_users")

SETTINGS = settings(max_examples=120, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def conversations(draw: st.DrawFn) -> dict[str, Any]:
    msgs: list[dict[str, Any]] = [{"role": "user", "content": draw(st.sampled_from(
        ["What's the weather in Paris and Rome?", "Check the forecast.", "Hi ✓ ünïcode"]))}]
    n = 0
    for _ in range(draw(st.integers(1, 4))):
        k = draw(st.integers(0, 3))
        calls = []
        for _ in range(k):
            n += 1
            calls.append({"type": "tool_use", "id": f"toolu_{n:02d}", "name": "get_weather",
                          "input": {"city": draw(st.sampled_from(["Paris", "Rome", "Oslo"]))}})
        text = {"type": "text", "text": draw(st.sampled_from(["Let me check.", "Checking the weather"]))}
        msgs.append({"role": "assistant", "content": [text, *calls]})
        if calls:
            msgs.append({"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": c["id"], "content": f"{c['input']['city']}: {i} °C"}
                for i, c in enumerate(calls)]})
        else:
            msgs.append({"role": "user", "content": "thanks, go on"})
    body = {"model": "claude-sonnet-4-5-20250929", "max_tokens": 1024, "tools": [WEATHER_TOOL],
            "messages": msgs}
    for fault in draw(st.lists(st.sampled_from(FAULTS), max_size=3)):
        _apply(fault, body, draw)
    return body


def _results_msgs(body: dict[str, Any]) -> list[int]:
    return [i for i, m in enumerate(body["messages"]) if isinstance(m.get("content"), list)
            and any(b.get("type") == "tool_result" for b in m["content"] if isinstance(b, dict))]


def _apply(fault: str, body: dict[str, Any], draw: st.DrawFn) -> None:
    msgs = body["messages"]
    res = _results_msgs(body)
    if fault == "drop_result" and res:
        i = draw(st.sampled_from(res))
        msgs[i]["content"].pop(0)
        if not msgs[i]["content"]:
            msgs[i]["content"] = "continue"
    elif fault == "reverse_results" and res:
        msgs[draw(st.sampled_from(res))]["content"].reverse()
    elif fault == "text_before_results" and res:
        msgs[draw(st.sampled_from(res))]["content"].insert(0, {"type": "text", "text": "Results:"})
    elif fault == "split_turn" and res:
        i = draw(st.sampled_from(res))
        msgs.insert(i, {"role": "user", "content": "Here are the results"})
    elif fault == "dup_id":
        uses = [b for m in msgs if m["role"] == "assistant" and isinstance(m["content"], list)
                for b in m["content"] if b.get("type") == "tool_use"]
        if len(uses) >= 2:
            uses[-1]["id"] = uses[0]["id"]
    elif fault == "empty_text":
        m = msgs[draw(st.integers(0, len(msgs) - 1))]
        if isinstance(m["content"], list):
            m["content"].append({"type": "text", "text": ""})
    elif fault == "blank_text":
        m = msgs[draw(st.integers(0, len(msgs) - 1))]
        if isinstance(m["content"], list):
            m["content"].append({"type": "text", "text": "  \n"})
    elif fault == "trailing_ws":
        msgs.append({"role": "assistant", "content": "The answer is "})
    elif fault == "system_msg":
        msgs.insert(draw(st.integers(0, len(msgs))), {"role": "system", "content": "Be brief."})
    elif fault == "string_input":
        for m in msgs:
            for b in m["content"] if isinstance(m["content"], list) else ():
                if b.get("type") == "tool_use":
                    b["input"] = json.dumps(b["input"])
                    return
    elif fault == "orphan":
        msgs.insert(0, {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_gone", "content": "stale"}]})
    elif fault == "bad_id":
        for m in msgs:
            for b in m["content"] if isinstance(m["content"], list) else ():
                if b.get("type") in ("tool_use", "tool_result"):
                    key = "id" if b["type"] == "tool_use" else "tool_use_id"
                    b[key] = b[key].replace("toolu_", "functions.get_weather:")
    elif fault == "consecutive_users":
        msgs.insert(1, {"role": "user", "content": "also, hurry"})


def content_multiset(body: dict[str, Any]) -> Counter[str]:
    """Texts (trimmed, non-empty), tool calls (name + parsed input) and tool result contents."""
    out: Counter[str] = Counter()

    def text(t: Any) -> None:
        if isinstance(t, str) and t.strip():
            out["text:" + t.strip()] += 1

    system = body.get("system")
    for b in system if isinstance(system, list) else [{"type": "text", "text": system}]:
        if isinstance(b, dict):
            text(b.get("text"))
    for m in body.get("messages", []):
        content = m.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content or []
        for b in blocks:
            if not isinstance(b, dict):
                continue
            if b.get("type") == "text":
                text(b.get("text"))
            elif b.get("type") == "tool_use":
                inp = b.get("input")
                if isinstance(inp, str):
                    inp = json.loads(inp)
                out["call:" + b.get("name", "") + json.dumps(inp, sort_keys=True)] += 1
            elif b.get("type") == "tool_result":
                out["result:" + json.dumps(b.get("content"), sort_keys=True)] += 1
    return out


@SETTINGS
@given(conversations())
def test_check_never_raises_and_every_finding_points_into_the_payload(body):
    for f in findings(body):
        if f.scope == "request" and f.path:
            assert exists(body, f.path) or exists(body, f.path[:-1]), (f.code, f.dotted)


@SETTINGS
@given(conversations())
def test_safe_fixes_preserve_content_and_are_idempotent(body):
    original = copy.deepcopy(body)
    res = fix_payload(body)
    assert body == original
    assert res.stopped is None, res.stopped
    assert content_multiset(res.fixed) == content_multiset(original)
    again = fix_payload(res.fixed)
    assert again.applied == [] and again.fixed == res.fixed


@SETTINGS
@given(conversations())
def test_unsafe_fixes_terminate_without_errors_and_the_diff_replays(body):
    res = fix_payload(body, unsafe=True)
    assert res.stopped is None, res.stopped
    assert [f.code for f in res.errors_left] == []
    assert fix_payload(res.fixed, unsafe=True).fixed == res.fixed
    assert apply_patch(body, patch_from_diff(body, res.fixed)) == res.fixed


# -- hostile payloads (issue 7): arbitrary JSON where the API expects structure ------------------------

HOSTILE_TEXT = st.lists(st.one_of(
    st.text(max_size=6), st.sampled_from(["\x1b[31m", "\x9b", "\r", "\u202e", "\u2066", "\ud800", "[bold]", "]",
                                          "sk-ant-api03-" + "A" * 30, "Bearer abc123def456ghi789", "AKIAABCDEFGHIJKLMNOP",
                                          "=", "\n", "\\", '"', "text", "tool_use", "user", "assistant"])),
    max_size=6).map("".join)
JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                        HOSTILE_TEXT)
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(HOSTILE_TEXT, inner, max_size=4)), max_leaves=25)
HOSTILE_SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@st.composite
def hostile_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """A real conversation with arbitrary JSON planted at arbitrary places (wrong types, hostile
    text, extra keys), so the rules meet every shape a log can hold."""
    body = copy.deepcopy(draw(conversations()))  # never mutate the shared WEATHER_TOOL
    for _ in range(draw(st.integers(1, 4))):
        target: Any = body
        path = []
        while isinstance(target, (dict, list)) and target and draw(st.booleans()):
            key = draw(st.sampled_from(list(target) if isinstance(target, dict) else list(range(len(target)))))
            path.append(key)
            if not isinstance(target[key], (dict, list)):
                break
            target = target[key]
        value = draw(JSON_VALUES)
        if isinstance(target, dict):
            target[draw(st.sampled_from([*list(target)[:6], "extra", "content", "type", "text"]))] = value
        elif isinstance(target, list):
            target.insert(draw(st.integers(0, len(target))), value)
    return body


@HOSTILE_SETTINGS
@given(hostile_bodies())
def test_hostile_bodies_check_and_fix_never_raise_and_findings_point_into_the_payload(body):
    original = copy.deepcopy(body)
    for f in findings(body):
        if f.scope == "request" and f.path:
            assert exists(body, f.path) or exists(body, f.path[:-1]), (f.code, f.dotted)
    for unsafe in (False, True):
        res = fix_payload(body, unsafe=unsafe)
        assert res.stopped is None or "did not apply" not in res.stopped, res.stopped
        assert apply_patch(body, patch_from_diff(body, res.fixed)) == res.fixed
        again = fix_payload(res.fixed, unsafe=unsafe)
        assert again.fixed == res.fixed or again.stopped, "fixing twice changed the payload again"
    assert body == original


@HOSTILE_SETTINGS
@given(JSON_VALUES)
def test_any_json_value_as_a_request_is_checked_without_raising(value):
    from tui.core.check import check_request

    check_request(value)
    check_request({"model": "claude-sonnet-4-5-20250929", "max_tokens": 5, "messages": value})


@HOSTILE_SETTINGS
@given(JSON_VALUES)
def test_exports_and_redaction_of_any_json_value_round_trip(value):
    from tui.core.display import printable
    from tui.core.export import EXPORTERS
    from tui.core.export.curl import dump_json
    from tui.core.formats.base import parse_json
    from tui.core.redact import redact_value

    text = dump_json(value)
    text.encode("utf-8")  # always writable as UTF-8 (lone surrogates are escaped)
    assert parse_json(text) == value  # and the same JSON value
    once = redact_value(value)
    assert redact_value(once) == once  # redaction is idempotent
    body = {"model": "m", "max_tokens": 1, "messages": [{"role": "user", "content": "x"}], "v": value}
    for exporter in EXPORTERS.values():
        out = exporter(body)
        out.encode("utf-8")
    assert not any(c in printable(json.dumps(value, ensure_ascii=False)) for c in "\x1b\x9b\r\u202e\ud800")


@HOSTILE_SETTINGS
@given(JSON_VALUES, st.data())
def test_a_cut_json_text_always_gets_a_located_one_line_message(value, data):
    from tui.core.formats.base import JSON_ERRORS, json_problem, parse_json

    text = json.dumps({"messages": [value]})
    cut = data.draw(st.integers(0, len(text) - 1))
    try:
        parse_json(text[:cut])
    except JSON_ERRORS as exc:
        message = json_problem(exc)
        assert message and "\n" not in message
    else:  # a prefix of an object never parses
        raise AssertionError(f"{text[:cut]!r} parsed")
