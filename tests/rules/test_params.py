"""A family: every rule has a failing sample, a passing near-miss, and a fix test."""

from __future__ import annotations

import hashlib

import pytest

from tests.rulekit import OLD_API, codes, findings, fix_all, req, user

MSG = {"type": "message", "role": "assistant", "content": [{"type": "text", "text": "Hi."}],
       "stop_reason": "end_turn", "model": "x", "id": "msg_1", "usage": {"input_tokens": 1, "output_tokens": 1}}
"""A logged Message response: with ``status=200`` the log shows the request accepted."""


def errors(payload, **kw):
    return [f for f in findings(payload, **kw) if f.severity.value == "error"]


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


def test_a001_sonnet_4_6_takes_128k_and_not_more():
    """Data fix: Sonnet 4.6's cap is 128000 (a logged 200 shows it), not 64000."""
    assert "A001" not in codes(req(user("hi"), model="claude-sonnet-4-6", max_tokens=128000))
    fs = findings(req(user("hi"), model="claude-sonnet-4-6", max_tokens=128001), "A001")
    assert [f.message for f in fs] == ["max_tokens 128001 is above 128000, the output cap of claude-sonnet-4-6"]


def test_a001_skipped_for_unknown_models():
    fs = findings(req(user("hi"), model="my-gateway-model", max_tokens=10**7))
    assert "A001" not in {f.code for f in fs} and any(f.code == "I001" for f in fs)


def test_a001_fix_clamps():
    fixed = fix_all(req(user("hi"), model="claude-3-haiku-20240307", max_tokens=32000), "A001")
    assert fixed["max_tokens"] == 4096


# -- A002 sampling-out-of-range (API versions before 2026-10-21) ---------------------------

def test_a002_openai_temperature_range():
    fs = findings(req(user("hi"), temperature=1.3), "A002", headers=OLD_API)
    assert [f.dotted for f in fs] == ["temperature"]
    assert fs[0].api_error == "temperature: Input should be less than or equal to 1"


def test_a002_negative_values_have_no_known_text():
    fs = findings(req(user("hi"), top_p=-0.1, top_k=-1), "A002", headers=OLD_API)
    assert [f.dotted for f in fs] == ["top_k", "top_p"]
    assert [f.api_error for f in fs] == [None, None]


def test_a002_near_miss_bounds_are_inclusive():
    assert "A002" not in codes(req(user("hi"), model="claude-3-haiku", temperature=0, top_p=1, top_k=0),
                               headers=OLD_API)
    assert "A002" not in codes(req(user("hi"), temperature=1.0), headers=OLD_API)


def test_a002_near_miss_new_api_version_is_a011s():
    fs = findings(req(user("hi"), temperature=1.3))  # no version logged: the SDK's 2026-10-21
    assert "A002" not in {f.code for f in fs} and [f.dotted for f in fs if f.code == "A011"] == ["temperature"]


def test_a002_fix_clamps_and_drops():
    fixed = fix_all(req(user("hi"), model="claude-3-haiku", temperature=2, top_p=-0.5, top_k=-3), "A002",
                    headers=OLD_API)
    assert fixed["temperature"] == 1 and fixed["top_p"] == 0 and "top_k" not in fixed


# -- A003 temperature-and-top-p -------------------------------------------------------------

def test_a003_both_set_on_exclusive_model():
    p = req(user("hi"), temperature=0.7, top_p=0.9)  # haiku 4.5
    fs = findings(p, "A003", headers=OLD_API)
    assert [f.dotted for f in fs] == ["top_p"]
    assert fs[0].api_error == ("`temperature` and `top_p` cannot both be specified for this model. "
                               "Please use only one.")


def test_a003_near_miss_older_model_or_one_of_them():
    assert "A003" not in codes(req(user("hi"), model="claude-opus-4", temperature=0.7, top_p=0.9),
                               headers=OLD_API)
    assert "A003" not in codes(req(user("hi"), temperature=0.7, top_p=None), headers=OLD_API)
    assert "A003" not in codes(req(user("hi"), temperature=0.7, top_p=0.9))  # 2026-10-21: A011's


def test_a003_fix_drops_top_p():
    fixed = fix_all(req(user("hi"), temperature=0.7, top_p=0.9), "A003", headers=OLD_API)
    assert fixed["temperature"] == 0.7 and "top_p" not in fixed
    assert errors(fixed, headers=OLD_API) == []


# -- A004 sampling-deprecated ---------------------------------------------------------------

def test_a004_each_param_on_a_deprecated_sampling_model():
    p = req(user("hi"), model="claude-opus-4-7", temperature=0.3, top_k=20)
    fs = findings(p, "A004", headers=OLD_API)
    assert [(f.dotted, f.api_error) for f in fs] == [
        ("temperature", "temperature is deprecated for this model."),
        ("top_k", "top_k is deprecated for this model."),
    ]
    assert {f.severity.value for f in fs} == {"error"}


def test_a004_default_temperature_is_a_warning():
    fs = findings(req(user("hi"), model="claude-opus-4-8", temperature=1), "A004", headers=OLD_API)
    assert [f.severity.value for f in fs] == ["warning"]


def test_a004_near_miss_no_sampling_or_other_model():
    assert "A004" not in codes(req(user("hi"), model="claude-opus-4-7"), headers=OLD_API)
    assert "A004" not in codes(req(user("hi"), model="claude-opus-4-6", temperature=0.3), headers=OLD_API)
    assert "A004" not in codes(req(user("hi"), model="claude-opus-4-7", temperature=0.3))  # A011's


def test_a004_fix_removes_safely():
    p = req(user("hi"), model="claude-opus-4-7", temperature=0.3, top_p=0.8, top_k=20)
    fixed = fix_all(p, "A004", unsafe=False, headers=OLD_API)
    assert not set(fixed) & {"temperature", "top_p", "top_k"}
    assert errors(fixed, headers=OLD_API) == []


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


# -- A007 retired-model (today is pinned to 2026-12-07) -------------------------------------

def test_a007_long_retired_model_is_404_text():
    fs = findings(req(user("hi"), model="claude-3-5-sonnet-20241022"), "A007")
    assert [f.dotted for f in fs] == ["model"] and fs[0].severity.value == "error"
    assert fs[0].api_error == "model: claude-3-5-sonnet-20241022"
    assert fs[0].message == ("claude-3-5-sonnet-20241022 was retired on 2025-10-22 (404 not_found_error); "
                             "move to claude-sonnet-4-6")


def test_a007_sonnet_4_5_reached_its_sdk_end_of_life():
    fs = findings(req(user("hi"), model="claude-sonnet-4-5-20250929"), "A007")
    assert [f.message for f in fs] == ["claude-sonnet-4-5-20250929 was retired on 2026-11-30 "
                                       "(404 not_found_error); move to claude-sonnet-4-6"]


def test_a007_accepted_before_retirement_is_a_warning():
    p = req(user("hi"), model="claude-3-5-sonnet-20241022")
    fs = findings(p, "A007", status=200, response=MSG, started_at="2025-01-14T10:00:00Z")
    assert [(f.severity.value, f.message) for f in fs] == [(
        "warning", "accepted when logged on 2025-01-14; the model retired on 2025-10-22, a replay now "
                   "gets 404; move to claude-sonnet-4-6")]


def test_a007_accepted_with_no_logged_time_is_a_warning():
    fs = findings(req(user("hi"), model="claude-3-5-sonnet-20241022"), "A007", status=200, response=MSG)
    assert [f.severity.value for f in fs] == ["warning"]
    assert fs[0].message.startswith("accepted (the log shows a 200 but no time, so before the retirement); "
                                    "the model retired on 2025-10-22, a replay now gets 404")


def test_a007_accepted_after_the_date_is_a_warning_that_names_partner_dates():
    fs = findings(req(user("hi"), model="claude-3-5-sonnet-20241022"), "A007", status=200, response=MSG,
                  started_at="2025-12-01T10:00:00Z")
    assert [f.severity.value for f in fs] == ["warning"] and "partner platforms" in fs[0].message


def test_a007_failed_or_unanswered_request_before_retirement_is_still_an_error():
    p = req(user("hi"), model="claude-3-5-sonnet-20241022")
    err = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    for kw in ({"started_at": "2025-01-14T10:00:00Z"},
               {"started_at": "2025-01-14T10:00:00Z", "status": 529, "error": err}):
        assert [f.severity.value for f in findings(p, "A007", **kw)] == ["error"], kw


def test_a007_near_miss_current_model():
    assert "A007" not in codes(req(user("hi"), model="claude-sonnet-4-6"))
    assert "A007" not in codes(req(user("hi"), model="claude-opus-4-5-20251101"))  # retires 2027-01-22


def test_a007_near_miss_retirement_date_in_the_future(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PAYLOAD_DOCTOR_TODAY", "2025-10-21")
    assert "A007" not in codes(req(user("hi"), model="claude-3-5-sonnet-20241022"))


def test_a007_retirement_day_itself_counts(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PAYLOAD_DOCTOR_TODAY", "2025-10-22")
    assert "A007" in codes(req(user("hi"), model="claude-3-5-sonnet-20241022"))


def test_a007_near_miss_borrowed_capabilities_have_no_retirement():
    assert "A007" not in codes(req(user("hi"), model="claude-3-9-haiku"))  # borrows claude-3-5-haiku


def test_a007_fix_moves_to_the_successor_following_retired_ones():
    fixed = fix_all(req(user("hi"), model="claude-3-opus-20240229"), "A007")
    assert fixed["model"] == "claude-opus-4-8"  # claude-opus-4-1 retired too
    assert findings(req(user("hi"), model="claude-3-opus-20240229"), "A007")[0].fix.applicability.value == "unsafe"
    fixed = fix_all(req(user("hi"), model="claude-sonnet-4-5"), "A007")
    assert fixed["model"] == "claude-sonnet-4-6" and "A007" not in codes(fixed)


def test_a007_no_fix_for_partner_ids():
    fs = findings(req(user("hi"), model="us.anthropic.claude-3-5-sonnet-20241022-v2:0"), "A007")
    assert len(fs) == 1 and fs[0].fix is None and fs[0].message.endswith("move to claude-sonnet-4-6")


# -- A008 effort-level-unsupported ----------------------------------------------------------

def test_a008_xhigh_on_opus_4_6_in_the_api_wording():
    fs = findings(req(user("hi"), model="claude-opus-4-6", output_config={"effort": "xhigh"}), "A008")
    assert [f.dotted for f in fs] == ["output_config.effort"]
    assert fs[0].api_error == ("This model does not support effort level 'xhigh'. Supported levels: "
                               "high, low, max, medium")


def test_a008_max_on_opus_4_5_and_per_message_effort():
    p = req(user("hi"), {"role": "system", "content": "Think hard now.", "output_config": {"effort": "max"}},
            model="claude-opus-4-5", output_config={"effort": "max"})
    fs = findings(p, "A008")
    assert [f.dotted for f in fs] == ["messages.1.output_config.effort", "output_config.effort"]
    assert fs[1].api_error.endswith("Supported levels: high, low, medium")


def test_a008_near_miss_supported_levels():
    assert "A008" not in codes(req(user("hi"), model="claude-opus-4-7", output_config={"effort": "xhigh"}))
    assert "A008" not in codes(req(user("hi"), model="claude-opus-4-6", output_config={"effort": "max"}))
    assert "A008" not in codes(req(user("hi"), model="claude-opus-4-6", output_config={"effort": None}))


def test_a008_fix_takes_the_nearest_level_lower_on_a_tie():
    fixed = fix_all(req(user("hi"), model="claude-opus-4-6", output_config={"effort": "xhigh"}), "A008")
    assert fixed["output_config"] == {"effort": "high"}
    fixed = fix_all(req(user("hi"), model="claude-opus-4-5", output_config={"effort": "max"}), "A008")
    assert fixed["output_config"] == {"effort": "high"}


# -- A009 effort-level-unknown --------------------------------------------------------------

def test_a009_unknown_levels():
    for level in ("minimal", "HIGH", "turbo"):
        fs = findings(req(user("hi"), model="claude-opus-4-7", output_config={"effort": level}), "A009")
        assert [f.dotted for f in fs] == ["output_config.effort"], level
        assert fs[0].message == f"effort {level!r} is not one of low, medium, high, xhigh, max"


def test_a009_near_miss_known_levels_and_unknown_model():
    for level in ("low", "medium", "high", "xhigh", "max"):
        assert "A009" not in codes(req(user("hi"), model="claude-opus-4-8", output_config={"effort": level}))
    assert "A009" in codes(req(user("hi"), model="my-gateway", output_config={"effort": "minimal"}))


def test_a009_fixes():
    def fixed(level, model="claude-opus-4-7", **kw):
        return fix_all(req(user("hi"), model=model, output_config={"effort": level, **kw}), "A009",
                       unsafe=level not in ("HIGH", " High "))

    assert fixed("HIGH")["output_config"] == {"effort": "high"}
    assert fixed(" High ")["output_config"] == {"effort": "high"}
    assert fixed("minimal")["output_config"] == {"effort": "low"}
    assert fixed("extra high")["output_config"] == {"effort": "xhigh"}
    assert fixed("extra high", model="claude-opus-4-6")["output_config"] == {"effort": "high"}
    assert "output_config" not in fixed("turbo")
    kept = fixed("auto", format={"type": "json_schema", "schema": {"type": "object"}})
    assert kept["output_config"] == {"format": {"type": "json_schema", "schema": {"type": "object"}}}


# -- A010 effort-not-supported --------------------------------------------------------------

def test_a010_effort_on_a_model_without_effort():
    for model in ("claude-haiku-4-5", "claude-sonnet-4-5", "claude-3-haiku"):
        fs = findings(req(user("hi"), model=model, output_config={"effort": "low"}), "A010")
        assert [f.dotted for f in fs] == ["output_config.effort"], model
        assert fs[0].message == f"{model} takes no effort setting (effort 'low')"


def test_a010_near_miss_models_with_effort_and_no_effort_sent():
    assert "A010" not in codes(req(user("hi"), model="claude-opus-4-5", output_config={"effort": "low"}))
    assert "A010" not in codes(req(user("hi"), model="claude-haiku-5-5", output_config={"effort": "low"}))
    assert "A010" not in codes(req(user("hi"), output_config={"format": {"type": "json_schema", "schema": {}}}))


def test_a010_fix_removes_safely():
    fixed = fix_all(req(user("hi"), output_config={"effort": "low"}), "A010", unsafe=False)
    assert "output_config" not in fixed
    fmt = {"type": "json_schema", "schema": {"type": "object"}}
    fixed = fix_all(req(user("hi"), output_config={"effort": "low", "format": fmt}), "A010", unsafe=False)
    assert fixed["output_config"] == {"format": fmt}


# -- A011 sampling-rejected-by-api-version ---------------------------------------------------

def test_a011_sdk_version_rejects_sampling_even_at_defaults():
    p = req(user("hi"), model="claude-sonnet-4-6", temperature=1, top_p=0.99, top_k=5)
    fs = findings(p, "A011")  # no headers logged: judged by the SDK's 2026-10-21
    assert [(f.dotted, f.severity.value) for f in fs] == [("temperature", "error"), ("top_k", "error"),
                                                          ("top_p", "error")]
    assert fs[0].api_error == "temperature: Extra inputs are not permitted"
    assert fs[0].message == ("anthropic-version 2026-10-21 (the SDK's; the log has no anthropic-version) "
                             "rejects temperature, even at its default value")


def test_a011_logged_new_version():
    fs = findings(req(user("hi"), temperature=0.2), "A011", headers={"anthropic-version": "2026-10-21"})
    assert [f.message for f in fs] == ["anthropic-version 2026-10-21 rejects temperature, even at its default value"]


def test_a011_accepted_with_the_new_version_logged_is_contradicted():
    fs = findings(req(user("hi"), temperature=0.2), "A011", headers={"anthropic-version": "2026-10-21"},
                  status=200, response=MSG)
    assert [(f.severity.value, f.contradicted) for f in fs] == [("warning", True)]
    assert "contradicted by the logged response" in fs[0].message


def test_a011_accepted_without_a_logged_version_is_a_warning():
    fs = findings(req(user("hi"), temperature=0.2), "A011", status=200, response=MSG)
    assert [f.severity.value for f in fs] == ["warning"]
    assert "a replay with 2026-10-21, which the SDK sends, rejects temperature" in fs[0].message
    assert fs[0].fix.applicability.value == "unsafe"


def test_a011_near_miss_older_logged_version_or_no_sampling():
    p = req(user("hi"), model="claude-sonnet-4-6", temperature=0.2)
    assert "A011" not in codes(p, headers=OLD_API)
    assert "A011" not in codes(req(user("hi"), temperature=None))
    assert "A011" not in codes(req(user("hi")), headers={"anthropic-version": "2026-10-21"})


def test_a011_fix_removes_every_sampling_parameter_safely():
    p = req(user("hi"), temperature=0.2, top_p=0.9, top_k=3)
    fixed = fix_all(p, "A011", unsafe=False)
    assert not set(fixed) & {"temperature", "top_p", "top_k"} and errors(fixed) == []


# -- hostile input --------------------------------------------------------------------------

def test_a_rules_survive_hostile_shapes():
    for p in (
        req(user("hi"), max_tokens="lots", temperature=float("nan"), top_p="x", top_k=True,
            stop_sequences="\n", metadata=["user"]),
        req(user("hi"), model=None, metadata={"user_id": 42, 3: 4}, stop_sequences=[None, 5]),
        req(user("hi"), model="claude-opus-4-7", temperature=None, top_p=None),
        req(user("hi"), output_config="high", model=["x"]),
        req(user("hi"), output_config={"effort": 3}, messages_extra=None),
        req(user("hi"), {"role": "system", "output_config": {"effort": "turbo"}}, output_config={"effort": "x"}),
    ):
        findings(p)
