"""The model capability table: every SDK model id is in it with sourced fields, every spelling of
an id finds its entry, and unknown ids of a known family borrow their family's capabilities."""

from __future__ import annotations

import datetime
import importlib.util
import json
import re
from importlib import resources
from pathlib import Path

import pytest

from tests.rulekit import findings, req, user
from tui.core.capabilities import (
    EFFORT_LEVELS, family_version, known_models, lookup_model, normalize_model, successor_of,
)

RAW = json.loads(resources.files("tui.core").joinpath("data/models.json").read_text("utf-8"))


def _sdk_file(rel: str) -> str:
    """A file of the installed SDK, read as text (importing the package takes 2 s)."""
    spec = importlib.util.find_spec("anthropic")
    assert spec is not None and spec.submodule_search_locations
    return (Path(list(spec.submodule_search_locations)[0]) / rel).read_text("utf-8")


def _sdk_model_ids() -> list[str]:
    """The ``Model`` literal of anthropic/types/model.py."""
    return re.findall(r'"(claude-[^"]+)"', _sdk_file("types/model.py"))


def _sdk_eol() -> dict[str, str]:
    """anthropic/_data/deprecated_models.py's ``DEPRECATED_MODELS``."""
    return dict(re.findall(r'"(claude-[^"]+)": "([^"]+)"', _sdk_file("_data/deprecated_models.py")))


# -- the table ---------------------------------------------------------------------------------

def test_every_sdk_model_id_is_in_the_table():
    ids = _sdk_model_ids()
    assert len(ids) >= 22
    missing = [m for m in ids if lookup_model(m) is None or lookup_model(m).borrowed_from is not None]
    assert missing == []


def test_sdk_end_of_life_dates_are_the_retirement_dates():
    months = {m: i for i, m in enumerate(("January February March April May June July August September "
                                          "October November December").split(), 1)}
    for model, when in _sdk_eol().items():
        month, day, year = re.fullmatch(r"(\w+) (\d+)\w*, (\d{4})", when).groups()
        assert lookup_model(model).retired == datetime.date(int(year), months[month], int(day)).isoformat(), model


@pytest.mark.parametrize("old", ["claude-sonnet-4-0", "claude-opus-4-0", "claude-3-5-sonnet-latest",
                                 "claude-3-7-sonnet-latest", "claude-3-sonnet-20240229", "claude-3-opus-latest",
                                 "claude-3-5-haiku-latest", "claude-3-haiku-20240307", "claude-2.1", "claude-2.0",
                                 "claude-instant-1.2", "claude-opus-4-1-20250805", "claude-opus-4-20250514"])
def test_older_ids_still_seen_in_logs_are_known_and_retired(old):
    caps = lookup_model(old)
    assert caps is not None and caps.borrowed_from is None, old
    assert caps.retired is not None and caps.successor is not None, old


def test_every_entry_has_every_field_and_a_source_for_each():
    fields = set(RAW["_comment"]["fields"])
    assert {"max_output", "context_window", "prefill", "system_in_messages", "thinking", "thinking_off",
            "thinking_default", "effort", "forced_tool_choice", "forced_tool_with_thinking",
            "interleaved_thinking", "sampling", "retired", "successor", "sources"} <= fields
    for key, entry in RAW["models"].items():
        assert set(entry) == fields, key
        named = {f.strip().split(" (")[0] for s in entry["sources"] for f in s.partition(": ")[0].split(",")}
        assert named <= fields | {"id", "every field"}, (key, named - fields)
        if "every field" not in named:
            assert fields - {"sources"} <= named, (key, fields - named)
        for s in entry["sources"]:
            assert s.partition(": ")[2].strip(), (key, s)


def test_sources_are_spelled_out_for_the_reader():
    caps = lookup_model("claude-opus-4-6")
    assert any("anthropic/types/model.py" in s for s in caps.sources)
    assert any(s.startswith("forced_tool_with_thinking: shared/API_UPDATES.md") for s in caps.sources)
    assert any("assumed, not documented" in s for s in lookup_model("claude-mythos-preview").sources)


def test_values_are_of_the_documented_kinds():
    for key in known_models():
        caps = lookup_model(key)
        assert caps.sampling in ("any", "exclusive", "deprecated"), key
        assert set(caps.thinking) <= {"enabled", "adaptive", "between_tools"}, key
        assert set(caps.effort) <= set(EFFORT_LEVELS), key
        assert caps.thinking_default in ("off", *caps.thinking), key
        assert caps.effort_default in (None, *caps.effort), key
        assert caps.thinking_off_max_effort in (None, *EFFORT_LEVELS), key
        assert caps.successor is None or caps.successor in known_models(), key
        if caps.retired is not None:
            datetime.date.fromisoformat(caps.retired)
        if not caps.forced_tool_choice:
            assert not caps.forced_tool_with_thinking, key


def test_known_stale_values_are_corrected():
    assert (lookup_model("claude-sonnet-4-6").max_output, lookup_model("claude-sonnet-4-6").context_window) == (
        128000, 1_000_000)
    assert lookup_model("claude-opus-4-6").context_window == 1_000_000
    assert lookup_model("claude-opus-4-8").context_window == 1_000_000


def test_5x_facts_from_the_docs():
    assert lookup_model("claude-opus-5-5").thinking == ("adaptive",) and not lookup_model("claude-opus-5-5").thinking_off
    assert lookup_model("claude-sonnet-5-5").thinking == ("adaptive", "between_tools")
    assert not lookup_model("claude-sonnet-5-5").thinking_off
    assert lookup_model("claude-sonnet-5").thinking_off and lookup_model("claude-sonnet-5").thinking == ("adaptive",)
    assert lookup_model("claude-opus-5").thinking_off_max_effort == "high"
    for m in ("claude-opus-5-5", "claude-fable-5-1", "claude-sonnet-5-5"):
        assert not lookup_model(m).forced_tool_choice, m
    for m in ("claude-fable-5", "claude-opus-5", "claude-sonnet-5", "claude-haiku-5-5", "claude-opus-5-5"):
        caps = lookup_model(m)
        assert (caps.max_output, caps.context_window, caps.prefill, caps.sampling) == (
            128000, 1_000_000, False, "deprecated"), m
        assert caps.thinks_by_default, m
    assert lookup_model("claude-opus-4-6").forced_tool_with_thinking  # the logged 200


def test_successor_chain_skips_retired_models():
    today = datetime.date(2026, 12, 7)
    assert successor_of("claude-3-5-sonnet", today) == "claude-sonnet-4-6"   # via claude-sonnet-4-5
    assert successor_of("claude-3-5-sonnet") == "claude-sonnet-4-5"          # no date: the direct one
    assert successor_of("claude-3-opus", today) == "claude-opus-4-8"
    assert successor_of("claude-mythos-preview", today) == "claude-mythos-5"
    assert successor_of("claude-opus-5-5", today) is None


# -- normalisation -----------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "key"), [
    ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
    ("CLAUDE-OPUS-4-6", "claude-opus-4-6"),
    ("claude-opus-4-6[1m]", "claude-opus-4-6"),
    ("claude-3-5-sonnet-latest", "claude-3-5-sonnet"),
    # Bedrock: plain, versioned, cross-region inference profiles, ARNs, the old ids
    ("anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet"),
    ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"),
    ("global.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5"),
    ("us-gov.anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3-7-sonnet"),
    ("eu.anthropic.claude-opus-4-6-v1", "claude-opus-4-6"),
    ("apac.anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4"),
    ("jp.anthropic.claude-sonnet-4-6", "claude-sonnet-4-6"),
    ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-1-20250805-v1:0",
     "claude-opus-4-1"),
    ("bedrock/anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku"),
    ("anthropic.claude-v2:1", "claude-2.1"),
    ("anthropic.claude-v2", "claude-2.0"),
    ("anthropic.claude-instant-v1", "claude-instant-1.2"),
    # Vertex: @date versions and full resource paths
    ("claude-sonnet-4-5@20250929", "claude-sonnet-4-5"),
    ("claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet"),
    ("projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929", "claude-sonnet-4-5"),
    ("https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/anthropic/models/"
     "claude-opus-4-1@20250805:streamRawPredict", "claude-opus-4-1"),
    ("vertex_ai/claude-3-7-sonnet@20250219", "claude-3-7-sonnet"),
    # OpenRouter / LiteLLM
    ("anthropic/claude-sonnet-4.6", "claude-sonnet-4-6"),
    ("anthropic/claude-3.7-sonnet:thinking", "claude-3-7-sonnet"),
    ("openrouter/anthropic/claude-opus-4.1", "claude-opus-4-1"),
    ("anthropic/claude-3.5-haiku", "claude-3-5-haiku"),
    # aliases
    ("claude-sonnet-4-0", "claude-sonnet-4"),
    ("claude-opus-4-0", "claude-opus-4"),
    ("claude-4-opus-20250514", "claude-opus-4"),
    ("claude-2.1", "claude-2.1"),
    ("claude-instant-1.2", "claude-instant-1.2"),
    ("anthropic/claude-2.1", "claude-2.1"),
])
def test_normalisation_forms(raw, key):
    assert normalize_model(raw) == key
    caps = lookup_model(raw)
    assert caps is not None and caps.key == key and caps.borrowed_from is None


# -- borrowing for unknown ids of a known family -----------------------------------------------

@pytest.mark.parametrize(("raw", "source"), [
    ("claude-sonnet-5-7", "claude-sonnet-5-5"),       # newer than every known Sonnet
    ("claude-opus-6", "claude-opus-5-5"),
    ("us.anthropic.claude-opus-6-v1:0", "claude-opus-5-5"),
    ("anthropic/claude-haiku-6.1", "claude-haiku-5-5"),
    ("claude-fable-5-3", "claude-fable-5-2"),
    ("claude-sonnet-5-2", "claude-sonnet-5"),         # between two known ones: the older
    ("claude-3-9-haiku", "claude-3-5-haiku"),          # the old naming
])
def test_unknown_id_of_a_known_family_borrows(raw, source):
    caps = lookup_model(raw)
    assert caps is not None and caps.borrowed_from == source
    assert caps.key == normalize_model(raw)
    assert caps.retired is None and caps.successor is None  # a retirement belongs to the other id
    assert caps.max_output == lookup_model(source).max_output


@pytest.mark.parametrize("raw", ["my-proxy-alias", "gpt-4o", "claude", "claude-poet-5", "claude-sonnet",
                                 "claude-sonnet-five", "", "anthropic/"])
def test_truly_unknown_ids_stay_unknown(raw):
    assert lookup_model(raw) is None


def test_family_version_parses_both_namings():
    assert family_version("claude-opus-4-8") == ("opus", (4, 8))
    assert family_version("claude-opus-5") == ("opus", (5, 0))
    assert family_version("claude-3-5-sonnet") == ("sonnet", (3, 5))
    assert family_version("claude-mythos-preview") is None


# -- the I003 note -----------------------------------------------------------------------------

def test_i003_says_where_the_capabilities_come_from():
    fs = findings(req(user("hi"), model="claude-sonnet-5-7"))
    notes = [f for f in fs if f.code == "I003"]
    assert [(f.dotted, f.severity.value, f.message) for f in notes] == [(
        "model", "info", "capabilities borrowed from claude-sonnet-5-5: claude-sonnet-5-7 is not in the table")]
    assert "I001" not in {f.code for f in fs}


def test_i003_borrowed_capabilities_drive_the_model_rules():
    fs = findings(req(user("hi"), model="claude-opus-6", max_tokens=200_000))
    assert "A001" in {f.code for f in fs}  # claude-opus-5-5's 128000 cap


def test_i003_near_miss_known_and_truly_unknown_models():
    assert "I003" not in {f.code for f in findings(req(user("hi"), model="claude-sonnet-4-6"))}
    fs = findings(req(user("hi"), model="my-proxy-alias"))
    assert "I003" not in {f.code for f in fs} and "I001" in {f.code for f in fs}


def test_lookup_is_fast_enough_for_large_logs():
    import time

    ids = [f"claude-sonnet-5-{i}" for i in range(50)] + _sdk_model_ids()
    start = time.perf_counter()
    for _ in range(200):
        for m in ids:
            lookup_model(m)
    assert time.perf_counter() - start < 1.0

