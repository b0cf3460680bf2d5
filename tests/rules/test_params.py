"""A family: every rule has a failing sample, a passing near-miss, and a fix test."""

from __future__ import annotations

import datetime
import hashlib

import pytest

from tests.rulekit import codes, findings, fix_all, req, user
from tui.core.rules import params


def errors(payload):
    return [f for f in findings(payload) if f.severity.value == "error"]


# -- A001 max-tokens-over-cap ---------------------------------------------------------------

def test_a001_over_the_cap_with_the_model_id_as_sent():
    p = req(user("hi"), model="claude-opus-4-5-20251101", max_tokens=128001)
    fs = findings(p, "A001")
    assert [f.dotted for f in fs] == ["max_tokens"]
    assert fs[0].api_error == ("max_tokens: 128001 > 64000, which is the maximum allowed number of "
                               "output tokens for claude-opus-4-5-20251101")


def test_a001_near_miss_at_the_cap_and_zero():
    assert "A001" not in codes(req(user("hi"), model="claude-opus-4-5", max_tokens=64000))
    assert "A001" not in codes(req(user("hi"), max_tokens=0))
    assert "A001" not in codes(req(user("hi"), model="claude-opus-4-6", max_tokens=128000))


def test_a001_skipped_for_unknown_models():
    fs = findings(req(user("hi"), model="my-gateway-model", max_tokens=10**7))
    assert "A001" not in {f.code for f in fs} and any(f.code == "I001" for f in fs)


def test_a001_fix_clamps():
    fixed = fix_all(req(user("hi"), model="claude-3-haiku-20240307", max_tokens=32000), "A001")
    assert fixed["max_tokens"] == 4096


# -- A002 sampling-out-of-range -------------------------------------------------------------

def test_a002_openai_temperature_range():
    fs = findings(req(user("hi"), temperature=1.3), "A002")
    assert [f.dotted for f in fs] == ["temperature"]
    assert fs[0].api_error == "temperature: Input should be less than or equal to 1"


def test_a002_negative_values_have_no_known_text():
    fs = findings(req(user("hi"), top_p=-0.1, top_k=-1), "A002")
    assert [f.dotted for f in fs] == ["top_k", "top_p"]
    assert [f.api_error for f in fs] == [None, None]


def test_a002_near_miss_bounds_are_inclusive():
    assert "A002" not in codes(req(user("hi"), model="claude-3-haiku", temperature=0, top_p=1, top_k=0))
    assert "A002" not in codes(req(user("hi"), temperature=1.0))


def test_a002_fix_clamps_and_drops():
    fixed = fix_all(req(user("hi"), model="claude-3-haiku", temperature=2, top_p=-0.5, top_k=-3), "A002")
    assert fixed["temperature"] == 1 and fixed["top_p"] == 0 and "top_k" not in fixed


# -- A003 temperature-and-top-p -------------------------------------------------------------

def test_a003_both_set_on_exclusive_model():
    p = req(user("hi"), temperature=0.7, top_p=0.9)  # sonnet 4.5
    fs = findings(p, "A003")
    assert [f.dotted for f in fs] == ["top_p"]
    assert fs[0].api_error == ("`temperature` and `top_p` cannot both be specified for this model. "
                               "Please use only one.")


def test_a003_near_miss_older_model_or_one_of_them():
    assert "A003" not in codes(req(user("hi"), model="claude-opus-4", temperature=0.7, top_p=0.9))
    assert "A003" not in codes(req(user("hi"), temperature=0.7, top_p=None))


def test_a003_fix_drops_top_p():
    fixed = fix_all(req(user("hi"), temperature=0.7, top_p=0.9), "A003")
    assert fixed["temperature"] == 0.7 and "top_p" not in fixed
    assert errors(fixed) == []


# -- A004 sampling-deprecated ---------------------------------------------------------------

def test_a004_each_param_on_a_deprecated_sampling_model():
    p = req(user("hi"), model="claude-opus-4-7", temperature=0.3, top_k=20)
    fs = findings(p, "A004")
    assert [(f.dotted, f.api_error) for f in fs] == [
        ("temperature", "temperature is deprecated for this model."),
        ("top_k", "top_k is deprecated for this model."),
    ]
    assert {f.severity.value for f in fs} == {"error"}


def test_a004_default_temperature_is_a_warning():
    fs = findings(req(user("hi"), model="claude-opus-4-8", temperature=1), "A004")
    assert [f.severity.value for f in fs] == ["warning"]


def test_a004_near_miss_no_sampling_or_other_model():
    assert "A004" not in codes(req(user("hi"), model="claude-opus-4-7"))
    assert "A004" not in codes(req(user("hi"), model="claude-opus-4-6", temperature=0.3))


def test_a004_fix_removes_safely():
    p = req(user("hi"), model="claude-opus-4-7", temperature=0.3, top_p=0.8, top_k=20)
    fixed = fix_all(p, "A004", unsafe=False)
    assert not set(fixed) & {"temperature", "top_p", "top_k"}
    assert errors(fixed) == []


# -- A005 empty-stop-sequence ---------------------------------------------------------------

def test_a005_whitespace_and_empty():
    fs = findings(req(user("hi"), stop_sequences=["END", "\n", ""]), "A005")
    assert [f.dotted for f in fs] == ["stop_sequences.1", "stop_sequences.2"]
    assert fs[0].api_error == "stop_sequences: each stop sequence must contain non-whitespace"
    assert [f.fix.applicability.value for f in fs] == ["unsafe", "safe"]


def test_a005_near_miss_padded_sequence():
    assert "A005" not in codes(req(user("hi"), stop_sequences=["\nHuman:", " END "]))


def test_a005_fix_removes_entries():
    fixed = fix_all(req(user("hi"), stop_sequences=["\n", "END", " "]), "A005")
    assert fixed["stop_sequences"] == ["END"]
    only_empty = fix_all(req(user("hi"), stop_sequences=["", "END"]), "A005", unsafe=False)
    assert only_empty["stop_sequences"] == ["END"]


# -- A006 user-id-pii -----------------------------------------------------------------------

def test_a006_email_in_user_id():
    fs = findings(req(user("hi"), metadata={"user_id": "jane.doe@example.com"}), "A006")
    assert [f.dotted for f in fs] == ["metadata.user_id"]
    assert fs[0].api_error.startswith("metadata.user_id: user_id appears to contain an email address.")


def test_a006_phone_is_a_warning_and_long_id_an_error():
    fs = findings(req(user("hi"), metadata={"user_id": "+33 6 12 34 56 78"}), "A006")
    assert [f.severity.value for f in fs] == ["warning"]
    fs = findings(req(user("hi"), metadata={"user_id": "u" * 257}), "A006")
    assert [f.severity.value for f in fs] == ["error"]


def test_a006_extra_metadata_keys():
    fs = findings(req(user("hi"), metadata={"user_id": "u_1", "session_id": "s1"}), "A006")
    assert [(f.dotted, f.api_error) for f in fs] == [
        ("metadata.session_id", "metadata.session_id: Extra inputs are not permitted")]


def test_a006_near_miss_uuid_hash_and_numeric_ids():
    for uid in ("123e4567-e89b-12d3-a456-426614174000", hashlib.sha256(b"x").hexdigest(),
                "4155550123", "org_12/user_34", "u" * 256):
        assert "A006" not in codes(req(user("hi"), metadata={"user_id": uid})), uid


def test_a006_fix_hashes_and_removes():
    p = req(user("hi"), metadata={"user_id": "jane.doe@example.com", "plan": "pro"})
    fixed = fix_all(p, "A006")
    assert fixed["metadata"] == {"user_id": hashlib.sha256(b"jane.doe@example.com").hexdigest()}
    assert fix_all(req(user("hi"), metadata={"user_id": "u1", "plan": "pro"}), "A006",
                   unsafe=False)["metadata"] == {"user_id": "u1"}


# -- A007 retired-model ---------------------------------------------------------------------

def test_a007_long_retired_model_is_404_text():
    fs = findings(req(user("hi"), model="claude-3-5-sonnet-20241022"), "A007")
    assert [f.dotted for f in fs] == ["model"]
    assert fs[0].api_error == "model: claude-3-5-sonnet-20241022"
    assert fs[0].fix is None


def test_a007_near_miss_current_model():
    assert "A007" not in codes(req(user("hi"), model="claude-sonnet-4-5-20250929"))


def test_a007_near_miss_retirement_date_in_the_future(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(params, "_today", lambda: datetime.date(2025, 1, 1))
    assert "A007" not in codes(req(user("hi"), model="claude-3-5-sonnet-20241022"))


def test_a007_retirement_day_itself_counts(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(params, "_today", lambda: datetime.date(2025, 10, 22))
    assert "A007" in codes(req(user("hi"), model="claude-3-5-sonnet-20241022"))


# -- hostile input --------------------------------------------------------------------------

def test_a_rules_survive_hostile_shapes():
    for p in (
        req(user("hi"), max_tokens="lots", temperature=float("nan"), top_p="x", top_k=True,
            stop_sequences="\n", metadata=["user"]),
        req(user("hi"), model=None, metadata={"user_id": 42, 3: 4}, stop_sequences=[None, 5]),
        req(user("hi"), model="claude-opus-4-7", temperature=None, top_p=None),
    ):
        findings(p)
