"""T family: every rule has a failing sample, a passing near-miss, and a fix test."""

from __future__ import annotations

import dataclasses

import pytest

from tests.rulekit import (
    OLD_API, WEATHER_TOOL, assistant, codes, findings, fix_all, req, text, tool_result, tool_use, user,
)
from tests.rules.kit_tdak import ADAPTIVE, SIG, enabled, redacted, server_search, thinking

THINK01_TAIL = (
    "When `thinking` is enabled, a final `assistant` message must start with a thinking block "
    "(preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include "
    "thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please "
    "consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
)


def loop(*msgs, **top):
    """A weather-agent request with thinking on (override with thinking=...)."""
    top.setdefault("thinking", enabled())
    top.setdefault("max_tokens", 8192)
    return req(user("What's the weather in Paris?"), *msgs, tools=[WEATHER_TOOL], **top)


def errors(payload):
    return [f for f in findings(payload) if f.severity.value == "error"]


# -- T001 final-turn-missing-thinking -------------------------------------------------------

def test_t001_stripped_thinking_in_tool_loop():
    p = loop(assistant(text("Checking."), tool_use("toolu_01A")), user(tool_result("toolu_01A")))
    fs = findings(p, "T001")
    assert [f.dotted for f in fs] == ["messages.1.content.0"]
    assert fs[0].severity.value == "error"
    assert fs[0].api_error == ("messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, "
                               "but found `text`. " + THINK01_TAIL)


def test_t001_adaptive_counts_as_thinking_on_and_reports_tool_use_first():
    p = loop(assistant(tool_use("toolu_01A")), user(tool_result("toolu_01A")), thinking=ADAPTIVE,
             model="claude-opus-4-6")
    fs = findings(p, "T001")
    assert fs and "but found `tool_use`." in fs[0].api_error


def test_t001_multi_step_loop_without_any_thinking_reports_the_final_turn():
    p = loop(assistant(tool_use("toolu_01A")), user(tool_result("toolu_01A")),
             assistant(tool_use("toolu_01B")), user(tool_result("toolu_01B")))
    fs = findings(p, "T001")
    assert [f.dotted for f in fs] == ["messages.3.content.0"]
    assert ("messages", 1, "content", 0) in fs[0].related


def test_t001_near_miss_older_turns_may_lack_thinking():
    # an earlier, finished exchange without thinking; the current loop starts with thinking
    p = loop(assistant("It is sunny."), user("And in Rome?"),
             assistant(thinking(), tool_use("toolu_01A", inp={"city": "Rome"})),
             user(tool_result("toolu_01A")))
    assert "T001" not in codes(p)


def test_t001_near_miss_non_interleaved_loop_thinks_only_first():
    p = loop(assistant(thinking(), tool_use("toolu_01A")), user(tool_result("toolu_01A")),
             assistant(tool_use("toolu_01B")), user(tool_result("toolu_01B")))
    assert "T001" not in codes(p)


def test_t001_near_miss_redacted_thinking_counts():
    p = loop(assistant(redacted(), tool_use("toolu_01A")), user(tool_result("toolu_01A")))
    assert "T001" not in codes(p)


def test_t001_near_miss_thinking_off_or_new_user_message():
    assert "T001" not in codes(loop(assistant(tool_use("toolu_01A")), user(tool_result("toolu_01A")),
                                    thinking={"type": "disabled"}))
    assert "T001" not in codes(loop(assistant(tool_use("toolu_01A")), user(tool_result("toolu_01A")),
                                    assistant("Sunny."), user("Thanks! And Rome?")))


def test_t001_fix_disables_thinking_unsafe():
    p = loop(assistant(text("Checking."), tool_use("toolu_01A")), user(tool_result("toolu_01A")))
    assert findings(p, "T001")[0].fix.applicability.value == "unsafe"
    fixed = fix_all(p, "T001")
    assert "thinking" not in fixed
    assert fixed["messages"] == p["messages"]
    assert errors(fixed) == []


# -- T002 thinking-not-first ----------------------------------------------------------------

def test_t002_text_before_thinking():
    p = loop(assistant(text("Let me check."), thinking(), tool_use("toolu_01A")),
             user(tool_result("toolu_01A")))
    fs = findings(p, "T002")
    assert [f.dotted for f in fs] == ["messages.1.content.0"]
    assert fs[0].api_error == ("messages.1.content.0: If an assistant message contains any thinking "
                               "blocks, the first block must be thinking or redacted_thinking. Found text.")
    assert "T001" not in codes(p)  # mutually exclusive with THINK-01


def test_t002_merged_assistant_messages():
    p = loop(assistant("Let me check."), assistant(thinking(), tool_use("toolu_01A")),
             user(tool_result("toolu_01A")))
    assert [f.dotted for f in findings(p, "T002")] == ["messages.1.content"]


def test_t002_is_a_warning_when_thinking_is_off():
    p = loop(assistant(text("Sunny."), thinking()), user("thanks"), thinking={"type": "disabled"})
    assert [f.severity.value for f in findings(p, "T002")] == ["warning"]


def test_t002_near_miss_thinking_first_then_text_then_thinking():
    p = loop(assistant(thinking(), text("Checking."), tool_use("toolu_01A"), thinking("again")),
             user(tool_result("toolu_01A")))
    assert "T002" not in codes(p)


def test_t002_fix_in_older_turn_is_safe_and_keeps_every_block():
    old = assistant(text("Sunny in Paris."), thinking("weather known"))
    p = loop(old, user("And Rome?"), assistant(thinking(), tool_use("toolu_01A")),
             user(tool_result("toolu_01A")))
    fixed = fix_all(p, "T002", unsafe=False)
    assert fixed["messages"][1]["content"] == [thinking("weather known"), text("Sunny in Paris.")]
    assert fixed["messages"][2:] == p["messages"][2:]


def test_t002_fix_in_latest_assistant_message_is_unsafe():
    p = loop(assistant(text("Let me check."), thinking(), tool_use("toolu_01A")),
             user(tool_result("toolu_01A")))
    assert findings(p, "T002")[0].fix.applicability.value == "unsafe"
    fixed = fix_all(p, "T002")
    assert [b["type"] for b in fixed["messages"][1]["content"]] == ["thinking", "text", "tool_use"]
    assert errors(fixed) == []


def test_t002_fix_merges_split_turn():
    p = loop(assistant("Let me check."), assistant(thinking(), tool_use("toolu_01A")),
             user(tool_result("toolu_01A")))
    fixed = fix_all(p, "T002")
    assert len(fixed["messages"]) == 3
    assert [b["type"] for b in fixed["messages"][1]["content"]] == ["thinking", "text", "tool_use"]


def test_t002_near_miss_interleaved_model_starts_with_server_tool_use():
    """What the API returns on models that think between tool calls: the search ran, then the
    model thought about its result."""
    turn = assistant(*server_search(), thinking("The results say sunny."), text("Sunny."))
    for model in ("claude-opus-4-6", "claude-opus-5-5", "claude-sonnet-5-5"):
        p = req(user("Weather in Paris?"), turn, user("Thanks"), model=model, thinking=ADAPTIVE)
        assert "T002" not in codes(p), model


def test_t002_server_tool_first_still_reported_without_interleaved_thinking():
    turn = assistant(*server_search(), thinking("The results say sunny."), text("Sunny."))
    p = req(user("Weather in Paris?"), turn, user("Thanks"), thinking=enabled(), max_tokens=4096)  # haiku 4.5
    fs = findings(p, "T002")
    assert [f.dotted for f in fs] == ["messages.1.content.0"] and fs[0].api_error.endswith("Found server_tool_use.")
    headers = {"anthropic-beta": "interleaved-thinking-2025-05-14"}
    assert "T002" not in {f.code for f in findings(p, headers=headers)}


def test_t002_interleaved_model_still_reports_text_before_thinking():
    p = req(user("hi"), assistant(text("Let me think."), thinking()), user("ok"), model="claude-opus-5-5")
    assert [f.dotted for f in findings(p, "T002")] == ["messages.1.content.0"]


# -- T003 thinking-missing-signature --------------------------------------------------------

def test_t003_missing_signature():
    p = loop(assistant(thinking(sig=None), tool_use("toolu_01A")), user(tool_result("toolu_01A")))
    fs = findings(p, "T003")
    assert [f.dotted for f in fs] == ["messages.1.content.0"]
    assert fs[0].api_error == "messages.1.content.0.thinking.signature: Field required"


def test_t003_empty_signature_has_no_known_text():
    p = loop(assistant(thinking(sig=""), tool_use("toolu_01A")), user(tool_result("toolu_01A")))
    fs = findings(p, "T003")
    assert [f.dotted for f in fs] == ["messages.1.content.0.signature"] and fs[0].api_error is None


def test_t003_near_miss_signed_and_redacted():
    p = loop(assistant(thinking(), redacted(), tool_use("toolu_01A")), user(tool_result("toolu_01A")))
    assert "T003" not in codes(p)


def test_t003_fix_drops_the_block_and_thinking_loss_is_then_t001():
    p = loop(assistant(thinking(sig=None), tool_use("toolu_01A")), user(tool_result("toolu_01A")))
    fixed = fix_all(p, "T003")
    assert fixed["messages"][1]["content"] == [tool_use("toolu_01A")]
    assert "T001" in codes(fixed)


def test_t003_fix_removes_a_message_left_empty():
    p = req(user("hi"), assistant(thinking(sig=None)), assistant("Hello!"), user("bye"))
    fixed = fix_all(p, "T003")
    assert fixed["messages"] == [user("hi"), assistant("Hello!"), user("bye")]


# -- T004 thinking-budget-too-small ---------------------------------------------------------

def test_t004_budget_below_1024():
    p = req(user("hi"), thinking=enabled(512), max_tokens=4096)
    fs = findings(p, "T004")
    assert [f.dotted for f in fs] == ["thinking.budget_tokens"]
    assert fs[0].api_error == "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"


def test_t004_near_miss_exactly_1024_and_adaptive():
    assert "T004" not in codes(req(user("hi"), thinking=enabled(1024), max_tokens=4096))
    assert "T004" not in codes(req(user("hi"), thinking={"type": "disabled", "budget_tokens": 10}))


def test_t004_fix_clamps_and_makes_room():
    fixed = fix_all(req(user("hi"), thinking=enabled(100), max_tokens=4096), "T004")
    assert fixed["thinking"] == enabled(1024) and fixed["max_tokens"] == 4096
    fixed = fix_all(req(user("hi"), thinking=enabled(100), max_tokens=1000), "T004")
    assert fixed["thinking"]["budget_tokens"] == 1024 and fixed["max_tokens"] == 2048
    assert errors(fixed) == []


# -- T005 thinking-budget-exceeds-max-tokens ------------------------------------------------

def test_t005_budget_not_below_max_tokens():
    p = req(user("hi"), thinking=enabled(8000), max_tokens=8000)
    fs = findings(p, "T005")
    assert [f.dotted for f in fs] == ["thinking.budget_tokens"]
    assert fs[0].api_error == (
        "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation "
        "at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size")


def test_t005_near_miss_budget_below_max_tokens():
    assert "T005" not in codes(req(user("hi"), thinking=enabled(7999), max_tokens=8000))


def test_t005_near_miss_interleaved_thinking_with_tools():
    p = req(user("hi"), thinking=enabled(16000), max_tokens=8000, tools=[WEATHER_TOOL])
    headers = {"Anthropic-Beta": "interleaved-thinking-2025-05-14"}
    assert "T005" not in {f.code for f in findings(p, headers=headers)}
    assert "T005" in codes(p)  # without the header it is an error


def test_t005_fix_lowers_budget_or_raises_max_tokens():
    fixed = fix_all(req(user("hi"), thinking=enabled(8000), max_tokens=4096), "T005")
    assert fixed["thinking"]["budget_tokens"] == 4095 and fixed["max_tokens"] == 4096
    fixed = fix_all(req(user("hi"), thinking=enabled(2000), max_tokens=1000), "T005")
    assert fixed["thinking"]["budget_tokens"] == 2000 and fixed["max_tokens"] == 2001
    assert errors(fixed) == []


# -- T006 thinking-with-sampling-params -----------------------------------------------------

def test_t006_temperature_not_1():
    p = req(user("hi"), thinking=enabled(), max_tokens=4096, temperature=0.2)
    fs = findings(p, "T006", headers=OLD_API)
    assert [f.dotted for f in fs] == ["temperature"]
    assert fs[0].api_error == "temperature may only be set to 1 when thinking is enabled or in adaptive mode"


def test_t006_top_p_low_and_top_k():
    p = req(user("hi"), thinking=enabled(), max_tokens=4096, top_p=0.5, top_k=40)
    fs = findings(p, "T006", headers=OLD_API)
    assert [f.dotted for f in fs] == ["top_k", "top_p"]
    assert all(f.api_error is None for f in fs)


def test_t006_near_miss_temperature_1_and_top_p_095():
    p = req(user("hi"), thinking=enabled(), max_tokens=4096, temperature=1, top_p=0.95)
    assert "T006" not in codes(p, headers=OLD_API)
    assert "T006" not in codes(req(user("hi"), temperature=0.2), headers=OLD_API)  # thinking off


def test_t006_near_miss_deprecated_sampling_model_is_a004s():
    p = req(user("hi"), model="claude-opus-4-7", thinking=ADAPTIVE, temperature=0.2)
    assert "T006" not in codes(p, headers=OLD_API)


def test_t006_near_miss_new_api_version_is_a011s():
    p = req(user("hi"), thinking=enabled(), max_tokens=4096, temperature=0.2)
    fs = findings(p)  # the SDK's 2026-10-21: the parameter itself is rejected
    assert "T006" not in {f.code for f in fs} and "A011" in {f.code for f in fs}


def test_t006_fix():
    p = req(user("hi"), thinking=enabled(), max_tokens=4096, temperature=0.2, top_k=40)
    fixed = fix_all(p, "T006", headers=OLD_API)
    assert fixed["temperature"] == 1 and "top_k" not in fixed
    assert fixed["thinking"] == enabled()


# -- T007 thinking-with-forced-tool ---------------------------------------------------------

def test_t007_forced_tool_with_thinking():
    p = req(user("hi"), thinking=enabled(), max_tokens=4096, tools=[WEATHER_TOOL],
            tool_choice={"type": "tool", "name": "get_weather"})
    fs = findings(p, "T007")
    assert [f.dotted for f in fs] == ["tool_choice.type"]
    assert fs[0].api_error == "Thinking may not be enabled when tool_choice forces tool use."


def test_t007_near_miss_auto_and_none():
    for tc in ({"type": "auto"}, {"type": "none"}):
        p = req(user("hi"), thinking=enabled(), max_tokens=4096, tools=[WEATHER_TOOL], tool_choice=tc)
        assert "T007" not in codes(p)


def test_t007_fix_disables_thinking_keeps_forced_tool():
    p = req(user("hi"), thinking=enabled(), max_tokens=4096, tools=[WEATHER_TOOL],
            tool_choice={"type": "any"})
    fixed = fix_all(p, "T007")
    assert "thinking" not in fixed and fixed["tool_choice"] == {"type": "any"}


def test_t007_adaptive_with_forced_tool_on_unknown_model_as_before():
    p = req(user("hi"), model="my-gateway", thinking=ADAPTIVE, tools=[WEATHER_TOOL], tool_choice={"type": "any"})
    assert [f.dotted for f in findings(p, "T007")] == ["tool_choice.type"]


def test_t007_near_miss_adaptive_with_any_on_opus_4_6_was_accepted():
    """A logged 200 shows Opus 4.6 taking adaptive thinking with tool_choice any."""
    p = req(user("hi"), model="claude-opus-4-6", thinking=ADAPTIVE, tools=[WEATHER_TOOL],
            tool_choice={"type": "any"})
    assert "T007" not in codes(p)
    assert "T007" not in codes(req(user("hi"), model="claude-opus-5", tools=[WEATHER_TOOL],
                                   tool_choice={"type": "tool", "name": "get_weather"}))


def test_t007_manual_thinking_with_forced_tool_on_opus_4_6_switches_to_adaptive():
    p = req(user("hi"), model="claude-opus-4-6", thinking=enabled(), max_tokens=4096, tools=[WEATHER_TOOL],
            tool_choice={"type": "any"})
    assert [f.api_error for f in findings(p, "T007")] == ["Thinking may not be enabled when tool_choice forces tool use."]
    fixed = fix_all(p, "T007")
    assert fixed["thinking"] == ADAPTIVE and fixed["tool_choice"] == {"type": "any"}


def _table_with(monkeypatch, model, **changes):
    """Point ``model`` at a copy of its capabilities with ``changes`` (a model the table may get)."""
    from tui.core import capabilities
    from tui.core.rules import context

    caps = dataclasses.replace(capabilities.lookup_model(model), **changes)
    real = context.lookup_model
    monkeypatch.setattr(context, "lookup_model", lambda m: caps if m == model else real(m))


def test_t007_model_thinking_by_default_without_a_thinking_key(monkeypatch: pytest.MonkeyPatch):
    """No `thinking` key does not mean off: a model that thinks by default and does not take a
    forced tool while thinking is reported, and the fix turns thinking off explicitly."""
    _table_with(monkeypatch, "claude-opus-5", forced_tool_with_thinking=False)
    p = req(user("hi"), model="claude-opus-5", tools=[WEATHER_TOOL], tool_choice={"type": "any"},
            output_config={"effort": "max"})
    fs = findings(p, "T007")
    assert [f.message for f in fs] == ["tool_choice 'any' forces tool use while claude-opus-5 thinks by default "
                                       "(adaptive; the request has no `thinking` key)"]
    fixed = fix_all(p, "T007")
    assert fixed["thinking"] == {"type": "disabled"} and fixed["output_config"] == {"effort": "high"}
    assert fixed["tool_choice"] == {"type": "any"} and "T008" not in codes(fixed)


def test_t007_model_that_cannot_stop_thinking_relaxes_tool_choice(monkeypatch: pytest.MonkeyPatch):
    _table_with(monkeypatch, "claude-fable-5", forced_tool_with_thinking=False)
    p = req(user("hi"), model="claude-fable-5", tools=[WEATHER_TOOL],
            tool_choice={"type": "any", "disable_parallel_tool_use": True})
    fixed = fix_all(p, "T007")
    assert fixed["tool_choice"] == {"type": "auto", "disable_parallel_tool_use": True} and "thinking" not in fixed


def test_t007_models_that_refuse_forced_tool_use():
    for model in ("claude-opus-5-5", "claude-sonnet-5-5", "claude-fable-5-1", "claude-mythos-5-2"):
        p = req(user("hi"), model=model, tools=[WEATHER_TOOL], tool_choice={"type": "tool", "name": "get_weather"})
        fs = findings(p, "T007")
        assert [f.message for f in fs] == [f"{model} refuses forced tool use (tool_choice 'tool'); it picks "
                                           "its tools itself"], model
        assert fix_all(p, "T007")["tool_choice"] == {"type": "auto"}


def test_t007_near_miss_auto_on_models_that_refuse_forced_tool_use():
    for tc in ({"type": "auto"}, {"type": "none"}):
        assert "T007" not in codes(req(user("hi"), model="claude-opus-5-5", tools=[WEATHER_TOOL], tool_choice=tc))


# -- T008 thinking-type-unsupported ---------------------------------------------------------

def test_t008_enabled_on_adaptive_only_model():
    p = req(user("hi"), model="claude-opus-4-7-20260416", thinking=enabled(), max_tokens=4096)
    fs = findings(p, "T008")
    assert [f.dotted for f in fs] == ["thinking.type"]
    assert fs[0].api_error == ('"thinking.type.enabled" is not supported for this model. Use '
                               '"thinking.type.adaptive" and "output_config.effort" to control '
                               'thinking behavior.')


def test_t008_adaptive_on_older_model():
    p = req(user("hi"), thinking=ADAPTIVE, max_tokens=4096)  # sonnet 4.5
    assert findings(p, "T008")[0].api_error == "adaptive thinking is not supported on this model"


def test_t008_model_without_thinking():
    p = req(user("hi"), model="claude-3-haiku-20240307", thinking=enabled(), max_tokens=4096)
    fs = findings(p, "T008")
    assert fs and fs[0].api_error is None


def test_t008_near_miss_supported_and_unknown_model():
    assert "T008" not in codes(req(user("hi"), model="claude-opus-4-6", thinking=enabled(), max_tokens=4096))
    assert "T008" not in codes(req(user("hi"), model="claude-opus-4-6", thinking=ADAPTIVE))
    unknown = findings(req(user("hi"), model="my-proxy-alias", thinking=ADAPTIVE))
    assert "T008" not in {f.code for f in unknown}
    assert any(f.code == "I001" and "T008" in f.message for f in unknown)


def test_t008_fixes():
    p = req(user("hi"), model="claude-opus-4-8", thinking={**enabled(), "display": "omitted"}, max_tokens=4096)
    assert fix_all(p, "T008")["thinking"] == {"type": "adaptive", "display": "omitted"}
    p = req(user("hi"), thinking=ADAPTIVE, max_tokens=8000)
    fixed = fix_all(p, "T008")
    assert fixed["thinking"] == enabled(4000) and errors(fixed) == []
    p = req(user("hi"), model="claude-3-haiku", thinking=enabled(), max_tokens=4096)
    assert "thinking" not in fix_all(p, "T008")


def test_t008_disabled_on_models_that_always_think():
    for model in ("claude-opus-5-5", "claude-fable-5", "claude-mythos-5-1"):
        fs = findings(req(user("hi"), model=model, thinking={"type": "disabled"}), "T008")
        assert [f.dotted for f in fs] == ["thinking.type"], model
        assert fs[0].api_error == ('"thinking.type.disabled" is not supported for this model. Use '
                                   '"thinking.type.adaptive" and "output_config.effort" to control thinking '
                                   'behavior.')
    fixed = fix_all(req(user("hi"), model="claude-opus-5-5", thinking={"type": "disabled"}), "T008")
    assert "thinking" not in fixed


def test_t008_sonnet_5_5_takes_between_tools_not_disabled():
    p = req(user("hi"), model="claude-sonnet-5-5", thinking={"type": "disabled"})
    fs = findings(p, "T008")
    assert [f.message for f in fs] == ["claude-sonnet-5-5 accepts thinking type adaptive or between_tools, not disabled"]
    assert fix_all(p, "T008")["thinking"] == {"type": "between_tools"}


def test_t008_between_tools_elsewhere():
    fs = findings(req(user("hi"), model="claude-sonnet-5", thinking={"type": "between_tools"}), "T008")
    assert [f.message for f in fs] == ["claude-sonnet-5 accepts thinking type adaptive or disabled, not between_tools"]
    assert fix_all(req(user("hi"), model="claude-sonnet-5", thinking={"type": "between_tools"}),
                   "T008")["thinking"] == {"type": "disabled"}
    assert "thinking" not in fix_all(req(user("hi"), model="claude-opus-5-5", thinking={"type": "between_tools"}), "T008")


def test_t008_enabled_on_5x_models():
    p = req(user("hi"), model="claude-opus-5", thinking=enabled(), max_tokens=4096)
    assert findings(p, "T008")[0].api_error.startswith('"thinking.type.enabled" is not supported')
    assert fix_all(p, "T008")["thinking"] == ADAPTIVE


def test_t008_thinking_off_above_the_allowed_effort():
    p = req(user("hi"), model="claude-opus-5", thinking={"type": "disabled"}, output_config={"effort": "xhigh"})
    fs = findings(p, "T008")
    assert [(f.dotted, f.message) for f in fs] == [
        ("output_config.effort", "claude-opus-5 accepts thinking disabled only at effort high or below, not xhigh")]
    assert fix_all(p, "T008")["output_config"] == {"effort": "high"}
    p = req(user("hi"), model="claude-sonnet-5-5", thinking={"type": "between_tools"}, output_config={"effort": "max"})
    assert [f.dotted for f in findings(p, "T008")] == ["output_config.effort"]


def test_t008_near_miss_thinking_off_where_and_when_accepted():
    assert "T008" not in codes(req(user("hi"), model="claude-opus-5", thinking={"type": "disabled"}))  # default high
    assert "T008" not in codes(req(user("hi"), model="claude-haiku-5-5", thinking={"type": "disabled"},
                                   output_config={"effort": "high"}))
    assert "T008" not in codes(req(user("hi"), model="claude-sonnet-5-5", thinking={"type": "between_tools"}))
    assert "T008" not in codes(req(user("hi"), model="claude-sonnet-5", thinking={"type": "disabled"},
                                   output_config={"effort": "max"}))  # no documented limit
    assert "T008" not in codes(req(user("hi"), model="claude-3-haiku", thinking={"type": "disabled"}))
    assert "T008" not in codes(req(user("hi"), model="claude-opus-5-5", thinking=ADAPTIVE))


# -- T009 thinking-text-omitted -------------------------------------------------------------

def test_t009_signed_block_without_text():
    p = loop(assistant({"type": "thinking", "signature": SIG}, tool_use("toolu_01A")),
             user(tool_result("toolu_01A")))
    fs = findings(p, "T009")
    assert [f.dotted for f in fs] == ["messages.1.content.0"]
    assert fs[0].api_error == "messages.1.content.0.thinking.thinking: Field required"
    assert "T003" not in codes(p)


def test_t009_near_miss_empty_text_is_present():
    p = loop(assistant(thinking(""), tool_use("toolu_01A")), user(tool_result("toolu_01A")))
    assert "T009" not in codes(p)


def test_t009_fix_restores_empty_text_when_display_omitted():
    p = loop(assistant({"type": "thinking", "signature": SIG}, tool_use("toolu_01A")),
             user(tool_result("toolu_01A")), thinking={**enabled(), "display": "omitted"})
    fixed = fix_all(p, "T009")
    assert fixed["messages"][1]["content"][0] == {"type": "thinking", "signature": SIG, "thinking": ""}


def test_t009_fix_drops_block_otherwise():
    p = loop(assistant("Sunny."), user("Rome?"),
             assistant({"type": "thinking", "signature": SIG}, thinking(), tool_use("toolu_01A")),
             user(tool_result("toolu_01A")))
    fixed = fix_all(p, "T009")
    assert fixed["messages"][3]["content"] == [thinking(), tool_use("toolu_01A")]
    assert errors(fixed) == []


# -- hostile input --------------------------------------------------------------------------

def test_t_rules_survive_hostile_shapes():
    for p in (
        req(user("hi"), thinking="on", temperature="hot", top_k=None, tool_choice="any"),
        req(user("hi"), thinking={"type": "enabled", "budget_tokens": "big"}, max_tokens=True),
        req(user("hi"), thinking={"type": 5}),
        req({"role": "assistant", "content": [1, None, {"type": "thinking"}, {"type": "tool_use"}]},
            {"role": "user", "content": [{"type": "tool_result"}]}, thinking=enabled()),
        req({"role": "assistant", "content": [{"type": "thinking", "signature": 7}]}, user("x"),
            thinking={"type": "enabled", "budget_tokens": 2048, "display": "omitted"}),
        {"messages": "nope", "thinking": {"type": "adaptive"}},
    ):
        findings(p)  # strict mode: a crashing rule fails the test
