"""K family: every rule has a failing sample, a passing near-miss, and a fix test."""

from __future__ import annotations

from tests.rulekit import (
    WEATHER_TOOL, assistant, codes, findings, fix_all, req, text, tool_result, tool_use, user,
)
from tests.rules.kit_tdak import cc

SYSTEM = "You are a coding agent working in /home/dev/app."


def sys_blocks(*ccs):
    return [{"type": "text", "text": f"{SYSTEM} (part {i})", **({"cache_control": c} if c else {})}
            for i, c in enumerate(ccs)]


def cached(t, c=None):
    return {**text(t), "cache_control": c or cc()}


def errors(payload):
    return [f for f in findings(payload) if f.severity.value == "error"]


# -- K001 too-many-cache-breakpoints --------------------------------------------------------

def five_breakpoints():
    return req(
        user(cached("Fix the failing test.")),
        assistant(tool_use("toolu_01XyZ", "get_weather")),
        user({**tool_result("toolu_01XyZ", [cached("sunny")])}, cached("go on")),
        system=sys_blocks(cc(), cc()),
        tools=[{**WEATHER_TOOL, "cache_control": cc()}],
    )


def test_k001_counts_tools_system_messages_and_nested_results():
    p = five_breakpoints()  # tool, 2 system, 1 user text, 1 nested result text, 1 more text = 6
    fs = findings(p, "K001")
    assert len(fs) == 1
    assert fs[0].api_error == "A maximum of 4 blocks with cache_control may be provided. Found 6."
    assert fs[0].dotted == "messages.2.content.0.content.0.cache_control"  # the fifth, in API order
    assert len(fs[0].related) == 5


def test_k001_near_miss_exactly_four_and_null_cache_control():
    p = req(user(cached("a"), cached("b"), {**text("c"), "cache_control": None}),
            system=sys_blocks(cc(), cc()))
    assert "K001" not in codes(p)


def test_k001_fix_keeps_the_last_four():
    fixed = fix_all(five_breakpoints(), "K001")
    assert "cache_control" not in fixed["tools"][0]
    assert "cache_control" not in fixed["system"][0]
    assert "cache_control" in fixed["system"][1]
    assert fixed["messages"][2]["content"][1]["cache_control"] == cc()
    assert errors(fixed) == []


# -- K002 cache-ttl-order -------------------------------------------------------------------

def test_k002_1h_after_5m_default():
    p = req(user(text("a"), text("b"), text("c"), text("d"), cached("e", cc("1h"))),
            tools=[{**WEATHER_TOOL, "cache_control": cc()}])
    fs = findings(p, "K002")
    assert [f.dotted for f in fs] == ["messages.0.content.4.cache_control.ttl"]
    assert fs[0].api_error == (
        "messages.0.content.4.cache_control.ttl: a ttl='1h' cache_control block must not come after "
        "a ttl='5m' cache_control block. Note that blocks are processed in the following order: "
        "`tools`, `system`, `messages`.")
    assert fs[0].related == (("tools", 0, "cache_control"),)


def test_k002_system_after_tools():
    p = req(user("hi"), tools=[{**WEATHER_TOOL, "cache_control": cc("5m")}], system=sys_blocks(cc("1h")))
    assert [f.dotted for f in findings(p, "K002")] == ["system.0.cache_control.ttl"]


def test_k002_near_miss_non_increasing_ttls():
    p = req(user(cached("x", cc("1h")), cached("y")),
            tools=[{**WEATHER_TOOL, "cache_control": cc("1h")}], system=sys_blocks(cc("1h")))
    assert "K002" not in codes(p)


def test_k002_fix_is_unsafe_and_shortens_the_late_ttl():
    p = req(user(cached("a"), cached("b", cc("1h"))), system=sys_blocks(None, cc("1h")))
    fs = findings(p, "K002")
    assert [f.dotted for f in fs] == ["messages.0.content.1.cache_control.ttl"]
    assert fs[0].fix.applicability.value == "unsafe"
    fixed = fix_all(p, "K002")
    assert fixed["messages"][0]["content"][1]["cache_control"] == cc("5m")
    assert fixed["system"] == p["system"]


# -- K003 cache-control-extra-fields --------------------------------------------------------

def test_k003_scope_is_a_relay_warning():
    p = req(user("hi"), system=sys_blocks(None, cc(scope="global")))
    fs = findings(p, "K003")
    assert [f.dotted for f in fs] == ["system.1.cache_control.scope"]
    assert fs[0].severity.value == "warning" and fs[0].api_error is None


def test_k003_top_level_cache_control_is_checked():
    fs = findings(req(user("hi"), cache_control=cc(mode="auto")), "K003")
    assert [f.dotted for f in fs] == ["cache_control.mode"]


def test_k003_near_miss_type_and_ttl_only():
    assert "K003" not in codes(req(user(cached("x", cc("1h"))), cache_control=cc()))


def test_k003_fix_removes_the_field():
    p = req(user(cached("x", cc("5m", scope="global"))))
    fixed = fix_all(p, "K003")
    assert fixed["messages"][0]["content"][0]["cache_control"] == cc("5m")


# -- hostile input --------------------------------------------------------------------------

def test_k_rules_survive_hostile_shapes():
    for p in (
        req(user("hi"), system="plain", tools=[{"cache_control": "yes"}], cache_control=[1]),
        req(user([{"type": "tool_result", "content": [None, {"cache_control": {"ttl": 5}}]}]),
            system=[None, {"cache_control": {}}]),
    ):
        findings(p)
