"""Secret shapes the hostile run found unmasked in every output (issue 14, "Secrets"), and "mask
first, then shorten".

Each shape is masked by ``redact_text`` and inside ``redact_value`` (as a value, in a list), keeps
only its kind prefix and at most four last characters, and is stable when redacted again; its
near-miss (``token_count=5``, ``key=value``, a bare ``sk_live``) is left as it is.  The end-to-end
tests run the CLI on a log and a HAR that carry the shapes and look for them in what a user reads.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hardening.conftest import MODEL, cli, request
from tui.core.redact import (
    MARK,
    contains_secret,
    redact_and_shorten,
    redact_headers,
    redact_text,
    redact_value,
)

AIZA = "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUv"
GHP = "ghp_" + "R8x2Lq9Vb7Nc4Mz1Kd6Ws3Ty5Hg0Pf" + "J4kE9a"
GHO = "gho_" + "16C7e42F292c6912E7710c838347Ae178B4a"
GHS = "ghs_" + "Zq3Xw8Ec5Rv2Tb7Yn4Um1Ik6Ol9Pa0Sd" + "Fg7h"
GH_PAT = "github_pat_11ABCDEFG0" + "abcdefghijklmnopqrstuv_WXYZ0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
XOXB = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
XOXP = "xoxp-123456789012-123456789012-123456789012-0123456789abcdef0123456789abcdef"
SK_LIVE = "sk_live_" + "51HxYzAbCdEfGh12IjKlMnOp34QrStUv"
RK_LIVE = "rk_live_" + "51HxYzAbCdEfGh12IjKlMnOp34QrStUw"
BASIC = "dXNlcjpwYXNzd29yZA=="  # user:password
PROXY_BASIC = "YWxpY2U6czNjcjN0LXByb3h5"  # alice:s3cr3t-proxy
COOKIE = "session=8f7e6d5c4b3a2910; csrftoken=Zx9Yw8Vu7Ts6"
STS = "FwoGZXIvYXdzEJr%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaDMtoken1234abcd%3D"
STS_RAW = "FQoGZXIvYXdzEJr//////////wEaDMtoken5678efgh"
SIGV4 = "fe5f80f77d5fa3beca038a248ff027d0445342fe5f80f77d5fa3beca038a248f"
ANT = "sk-ant-api03-LEAKMEq8w9e0r1t2y3u4i5o6p7a8s9d0f1g2h3j4k5l6z7x8c9v0b1n2m3Q4W5E6R7T8Y9-AAAA"

# (id, text, the part that must vanish, the part that must stay visible)
SHAPES = [
    ("url-key-aiza", f"GET https://generativelanguage.googleapis.com/v1beta/models?key={AIZA}&alt=sse",
     AIZA[4:-4], f"?key=AIza…{MARK}…{AIZA[-4:]}&alt=sse"),
    ("bare-aiza", f"GOOGLE_API_KEY is {AIZA}.", AIZA[4:-4], f"AIza…{MARK}…{AIZA[-4:]}."),
    ("url-token", "https://gw.example.com/v1/messages?token=tk8Hw2Jq9Lm4Np7R&beta=true",
     "tk8Hw2Jq9Lm4", f"?token=…{MARK}…Np7R&beta=true"),
    ("url-access-token", "wss://stream.example.com/ws?v=2&access_token=at.9f8e7d6c5b4a3210.zz",
     "9f8e7d6c5b4a3210", f"&access_token=…{MARK}…0.zz"),
    ("url-api-key", "https://proxy.example.com/anthropic?api_key=gw_live_8f3k2j9d7s6a5&model=x",
     "8f3k2j9d7s", f"?api_key=…{MARK}…s6a5&model=x"),
    ("cookie-free-text", f"request headers:\nCookie: {COOKIE}\nHost: api.example.com",
     "8f7e6d5c4b3a2910", f"Cookie: …{MARK}…7Ts6\nHost: api.example.com"),
    ("set-cookie-free-text", "HTTP/1.1 200\r\nSet-Cookie: __Secure-sid=AbC123dEf456GhI789; Path=/; HttpOnly\r\n",
     "AbC123dEf456GhI789", f"Set-Cookie: …{MARK}…Only\r\n"),
    ("cookie-in-curl", 'curl -H "cookie: sid=s%3A8f7e6d5c4b3a.Zx9" https://x.example', "8f7e6d5c4b3a",
     f'cookie: …{MARK}….Zx9" https://x.example'),
    ("authorization-basic", f"Authorization: Basic {BASIC}", BASIC[:-4], f"Authorization: Basic …{MARK}…ZA=="),
    ("proxy-authorization-basic", f"proxy-authorization: basic {PROXY_BASIC}", PROXY_BASIC[:-4],
     f"proxy-authorization: basic …{MARK}…{PROXY_BASIC[-4:]}"),
    ("basic-decodes-to-user-pass", f"the gateway was sent Basic {PROXY_BASIC} by curl -u", PROXY_BASIC[:-4],
     f"Basic …{MARK}…{PROXY_BASIC[-4:]} by curl"),
    ("x-amz-security-token-query", f"https://b.s3.amazonaws.com/o?X-Amz-Security-Token={STS}&X-Amz-Date=20250101",
     "FwoGZXIvYXdz", f"X-Amz-Security-Token=…{MARK}…{STS[-4:]}&X-Amz-Date=20250101"),
    ("x-amz-security-token-header-text", f"x-amz-security-token: {STS_RAW}", STS_RAW[:-4],
     f"x-amz-security-token: …{MARK}…{STS_RAW[-4:]}"),
    ("x-amz-signature-query", f"https://b.s3.amazonaws.com/o?X-Amz-SignedHeaders=host&X-Amz-Signature={SIGV4}",
     SIGV4[:-4], f"X-Amz-Signature=…{MARK}…{SIGV4[-4:]}"),
    ("sigv4-authorization-text",
     "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250101/us-east-1/bedrock/aws4_request, "
     f"SignedHeaders=host;x-amz-date, Signature={SIGV4[:40]}", SIGV4[:36],
     f"SignedHeaders=host;x-amz-date, Signature=…{MARK}…{SIGV4[36:40]}"),
    ("sigv4-credential-query", "?X-Amz-Credential=ASIAY34FZKBOKMUTVV7A%2F20250101%2Fus-east-1%2Fs3%2Faws4_request",
     "Y34FZKBOKMUT", f"X-Amz-Credential=ASIA…{MARK}…VV7A%2F20250101"),
    ("signature-query", "https://cdn.example.com/a.png?Expires=1735689600&Signature=Ab12Cd34Ef56Gh78Ij90Kl&Key-Pair-Id=K2",
     "Ab12Cd34Ef56Gh78", f"&Signature=…{MARK}…90Kl&Key-Pair-Id=K2"),
    ("github-ghp", f"GITHUB_TOKEN={GHP}", GHP[4:-4], f"ghp_…{MARK}…{GHP[-4:]}"),
    ("github-gho", f"oauth: {GHO}", GHO[4:-4], f"gho_…{MARK}…{GHO[-4:]}"),
    ("github-ghs", f"token {GHS} for the app", GHS[4:-4], f"ghs_…{MARK}…{GHS[-4:]}"),
    ("github-pat", f"GH_PAT={GH_PAT}", GH_PAT[11:-4], f"github_pat_…{MARK}…{GH_PAT[-4:]}"),
    ("slack-xoxb", f"SLACK_BOT={XOXB}", XOXB[5:-4], f"xoxb-…{MARK}…{XOXB[-4:]}"),
    ("slack-xoxp", f"user token: {XOXP}", XOXP[5:-4], f"xoxp-…{MARK}…{XOXP[-4:]}"),
    ("stripe-sk-live", f"stripe.api_key = '{SK_LIVE}'", SK_LIVE[8:-4], f"sk_live_…{MARK}…{SK_LIVE[-4:]}"),
    ("stripe-rk-live", f"restricted {RK_LIVE}", RK_LIVE[8:-4], f"rk_live_…{MARK}…{RK_LIVE[-4:]}"),
    ("url-password", "HTTPS_PROXY=http://alice:s3cr3t-Pr0xy-pass@proxy.corp:3128", "s3cr3t-Pr0xy",
     f"http://alice:…{MARK}…pass@proxy.corp:3128"),
    ("anthropic-key-cut-by-a-caller", f"value: {ANT[:34]}…", ANT[13:34], f"sk-ant-api03-…{MARK}……"),
]

NEAR_MISSES = [
    "token_count=5",
    "usage: input_tokens=1234567890123 output_tokens=42",
    "key=value",
    "https://example.com/search?key=value&q=cats",
    "sorted(rows, key=lambda r: r[1])",
    "sk_live",
    "the prefix sk_live_ marks a live Stripe key",
    "rk_live_short1",
    "ghp_ is the prefix of a GitHub personal access token",
    "ghp_short123",
    "xoxb- tokens are bot tokens",
    "AIza is how Google API keys begin",
    "Basic authentication sends a password",
    "Authorization: see the API reference",
    "Cookie: a small file a site stores in the browser",
    "http://localhost:8080/v1/messages?beta=true",
    "git@github.com:anthropics/anthropic-sdk-python.git",
    '{"type": "thinking", "signature": "EqQBCkYIARgCKkB1234567890abcdefgh"}',
    "the Signature= field of SigV4 is hex",
    "hf_hub_download(repo_id='x')",
]


@pytest.mark.parametrize(("text", "secret", "shown"), [s[1:] for s in SHAPES], ids=[s[0] for s in SHAPES])
def test_redact_text_masks_the_shape_keeping_only_its_kind(text, secret, shown):
    out = redact_text(text)
    assert secret not in out, out
    assert shown in out, out
    assert redact_text(out) == out  # idempotent
    assert contains_secret(text) and not contains_secret(out)


@pytest.mark.parametrize(("text", "secret", "shown"), [s[1:] for s in SHAPES], ids=[s[0] for s in SHAPES])
def test_redact_value_masks_the_shape_in_values_lists_and_keys(text, secret, shown):
    doc = {"model": MODEL, "messages": [{"role": "user", "content": [{"type": "text", "text": text}]}],
           "tags": [text], text: 1}
    out = redact_value(doc)
    dumped = json.dumps(out, ensure_ascii=False)
    assert secret not in dumped
    assert out["messages"][0]["content"][0]["text"] == redact_text(text)
    assert out["tags"] == [redact_text(text)]
    assert out[redact_text(text)] == 1  # a log line used as a key
    assert redact_value(out) == out
    assert text in doc and doc["tags"] == [text]  # the input is not touched


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_are_left_alone(text):
    assert redact_text(text) == text
    assert redact_value({"text": text, "list": [text], text: 1}) == {"text": text, "list": [text], text: 1}
    assert not contains_secret(text)


def test_an_anthropic_key_used_as_a_json_object_key_is_masked_and_keys_stay_distinct():
    k1 = "sk-ant-api03-" + "FirstKeyMaterial0123456789" * 3 + "-SAME"
    k2 = "sk-ant-api03-" + "OtherKeyMaterial9876543210" * 3 + "-SAME"  # masks alike: same kind, same tail
    body = {"model": MODEL, "metadata": {"keys": {k1: "prod", k2: "staging", "plain": "x"}},
            "messages": [{"role": "user", "content": "hi"}], "nested": [{k1: {"x-api-key": k2}}]}
    out = redact_value(body)
    dumped = json.dumps(out)
    for k in (k1, k2):
        assert k[13:-4] not in dumped
    keys = out["metadata"]["keys"]
    assert len(keys) == 3 and sorted(keys.values()) == ["prod", "staging", "x"]
    assert all(k.startswith("sk-ant-api03-…" + MARK) for k in keys if k != "plain")
    (inner_key, inner), = out["nested"][0].items()
    assert inner_key.startswith("sk-ant-api03-…") and inner == {"x-api-key": f"sk-ant-api03-…{MARK}…SAME"}
    assert redact_value(out) == out
    # a header *name* holding a key is masked too
    headers = redact_headers({k1: "1", "x-api-key": k2})
    assert k1 not in json.dumps(headers) and len(headers) == 2


def test_har_name_value_pairs_and_cookie_arrays_are_masked_by_their_name():
    entry = {"request": {
        "url": f"https://api.example.com/v1/messages?key={AIZA}&token=tk8Hw2Jq9Lm4Np7R",
        "headers": [{"name": "Cookie", "value": "sid=abc"}, {"name": "Authorization", "value": f"Basic {BASIC}"},
                    {"name": "content-type", "value": "application/json"}],
        "queryString": [{"name": "key", "value": "k3y9Xw2Lq8Zp"}, {"name": "token", "value": "t0k"},
                        {"name": "key", "value": "value"}, {"name": "beta", "value": "true"}],
        "cookies": [{"name": "sid", "value": "plainletters"}, "raw=cookie"]}}
    out = redact_value(entry)["request"]
    assert out["url"] == f"https://api.example.com/v1/messages?key=AIza…{MARK}…StUv&token=…{MARK}…Np7R"
    assert [h["value"] for h in out["headers"]] == [f"…{MARK}…", f"Basic …{MARK}…ZA==", "application/json"]
    # "key" is secret by its value's look (8+ characters with a digit), "token" by its name
    assert [q["value"] for q in out["queryString"]] == [f"…{MARK}…q8Zp", f"…{MARK}…", "value", "true"]
    assert out["cookies"] == [{"name": "sid", "value": f"…{MARK}…ters"}, f"…{MARK}…"]


# -- mask first, then shorten -------------------------------------------------------------------


@pytest.mark.parametrize("lead", [0, 1, 7, 20, 33])
def test_redact_and_shorten_never_shows_more_than_a_key_kind_at_any_cut(lead):
    text = "x" * lead + f"Use {ANT} for prod, and {GHP} for CI."
    for limit in range(1, len(text) + 3):
        out = redact_and_shorten(text, limit)
        assert len(out) <= limit, (limit, out)
        for fragment in ("LEAKME", GHP[4:10], ANT[-8:-4]):
            assert fragment not in out, (limit, out)
        # a mask is shown whole or not at all
        assert out.count("[") == out.count(f"{MARK}"), (limit, out)
    assert redact_and_shorten(text, 10_000) == redact_text(text)


def test_redact_and_shorten_masks_a_key_that_starts_well_inside_a_huge_string():
    text = "a" * 50 + " " + ANT + " " + "b" * 5_000_000
    out = redact_and_shorten(text, 120)
    assert out.startswith("a" * 50 + f" sk-ant-api03-…{MARK}…AAAA b") and out.endswith("b…") and len(out) == 120


def test_a_key_some_caller_already_cut_is_masked_without_a_tail():
    """Defence in depth for callers that still cut first: the issue's exact preview."""
    out = redact_text("changed messages.0.content: \"sk-ant-api03-LEAKMEq8w9e0r1t2y3u4…\" → \"hi\"")
    assert "LEAKME" not in out and "y3u4" not in out
    assert f"sk-ant-api03-…{MARK}……" in out



@pytest.mark.parametrize("text", [s[1] for s in SHAPES], ids=[s[0] for s in SHAPES])
def test_a_masked_text_cut_anywhere_is_not_masked_again(text):
    """Exports mask a body and then cut previews (the Markdown parameter table): whatever the
    cut, what remains is no secret, so re-redacting it changes nothing."""
    masked = redact_text(text)
    for i in range(len(masked) + 1):
        cut = masked[:i] + "…"
        assert redact_text(cut) == cut, (i, cut)

# -- end to end: what a user reads ----------------------------------------------------------------


_PLANTED = [s for s in SHAPES if s[0] != "anthropic-key-cut-by-a-caller"]


def _log(tmp_path: Path) -> Path:
    text = "\n".join(s[1] for s in _PLANTED)
    req = request(f"Why does this fail?\n{text}", metadata={"user_id": f"u {XOXB}"},
                  tools=[{"name": "http", "description": f"calls with {GHP}",
                          "input_schema": {"type": "object", "properties": {}}}])
    req["messages"].append({"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01", "name": "http",
                                                               "input": {ANT: SK_LIVE, "url": SHAPES[0][1][4:]}}]})
    req["messages"].append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01",
                                                          "content": f"Set-Cookie: sid={GHO}; Path=/"}]})
    rec = {"request": req, "status": 400, "headers": {"x-echo": f"Basic {BASIC}", "cookie": COOKIE},
           "error": {"type": "error", "error": {"type": "invalid_request_error",
                                                "message": f"bad ?key={AIZA} and Authorization: Basic {BASIC}"}}}
    path = tmp_path / "shapes.jsonl"
    path.write_text(json.dumps(rec) + "\n")
    return path


def _har(tmp_path: Path) -> Path:
    body = request("hi")
    reply = {"id": "msg_1", "type": "message", "role": "assistant", "model": MODEL,
             "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn",
             "usage": {"input_tokens": 1, "output_tokens": 1}}
    entry = {"startedDateTime": "2025-01-01T00:00:00Z", "time": 5,
             "request": {"method": "POST", "url": f"https://api.anthropic.com/v1/messages?key={AIZA}&token=tk8Hw2Jq9Lm4Np7R",
                         "headers": [{"name": "Cookie", "value": COOKIE},
                                     {"name": "Proxy-Authorization", "value": f"Basic {PROXY_BASIC}"}],
                         "queryString": [{"name": "key", "value": AIZA}],
                         "postData": {"mimeType": "application/json", "text": json.dumps(body)}},
             "response": {"status": 200, "headers": [{"name": "Set-Cookie", "value": f"sid={GHS}"}],
                          "content": {"mimeType": "application/json", "text": json.dumps(reply)}}}
    path = tmp_path / "shapes.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [entry]}}))
    return path


# Each secret's hidden part, and its first 8 characters: a preview cut before masking shows a prefix.
_HIDDEN = {s[2] for s in _PLANTED} | {ANT[13:-4], SK_LIVE[8:-4], GHO[4:-4], XOXB[5:-4], GHP[4:-4], "tk8Hw2Jq9Lm4"}
_FORBIDDEN = sorted(_HIDDEN | {h[:8] for h in _HIDDEN})


def _assert_clean(where: str, text: str) -> None:
    leaked = [f for f in _FORBIDDEN if f in text]
    assert not leaked, f"{where} shows {leaked}"


@pytest.mark.parametrize("argv", [
    ("check", "--format", "text"), ("check", "--format", "json"), ("check", "--format", "github"),
    ("export", "--as", "json"), ("export", "--as", "curl"), ("export", "--as", "python"),
    ("export", "--as", "markdown"), ("export", "--as", "json", "--fix"), ("convert", "--to", "native"), ("convert", "--to", "anthropic"),
])
def test_no_output_of_a_log_or_a_har_shows_the_new_shapes(tmp_path, capsys, argv):
    for path in (_log(tmp_path), _har(tmp_path)):
        run = cli(capsys, *argv[:1], path, *argv[1:])
        assert run.out or run.err or argv[0] == "check", argv  # check prints nothing on a clean file
        _assert_clean(f"{' '.join(argv)} {path.suffix}", run.out + run.err)


@settings(max_examples=120, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.text(max_size=20), st.sampled_from([s[1] for s in _PLANTED])), max_size=5)
       .map(" ".join), st.integers(min_value=1, max_value=400))
def test_mixed_text_is_masked_idempotently_and_every_cut_is_safe(text, limit):
    once = redact_text(text)
    assert redact_text(once) == once
    short = redact_and_shorten(text, limit)
    assert len(short) <= limit
    for _, planted, secret, _ in _PLANTED:
        if planted in text:
            assert secret not in once and secret not in short


@pytest.mark.deadline(30)
def test_redaction_of_a_2_mb_log_with_every_shape_stays_cheap():
    """Redaction runs on every finding message and every export: it must stay cheap.  (About
    0.3 s here on a shared 2-core machine; the bound is loose so a busy machine does not fail.)"""
    prose = "the model counts tokens; max_tokens and input_tokens are set; a cookie, a key, basic text. "
    text = (prose * 200 + " ".join(s[1] for s in _PLANTED) + "\n") * 100
    assert len(text) > 2_000_000
    started = time.perf_counter()
    out = redact_text(text)
    took = time.perf_counter() - started
    _assert_clean("2 MB text", out)
    assert took < 6.0, f"redact_text took {took:.1f} s on {len(text) / 1e6:.1f} MB"


# -- leaks outside tui/core/redact.py: convert notes and loader messages mask what they quote ----


def test_convert_notes_about_dropped_fields_show_no_secret(tmp_path, capsys):
    chat = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}],
            "safety_identifier": ANT, "metadata": {"deploy_key": GHP}}
    path = tmp_path / "chat.jsonl"
    path.write_text(json.dumps(chat) + "\n")
    run = cli(capsys, "convert", path, "--to", "anthropic")
    assert "dropped `safety_identifier`" in run.err
    _assert_clean("convert notes", run.out + run.err)


def test_a_har_load_error_shows_no_secret_from_the_url(tmp_path, capsys):
    har = json.loads(_har(tmp_path).read_text())
    del har["log"]["entries"][0]["request"]["postData"]
    path = tmp_path / "nobody.har"
    path.write_text(json.dumps(har))
    run = cli(capsys, "check", path)
    assert "has no request body" in run.out + run.err
    _assert_clean("HAR load error", run.out + run.err)
