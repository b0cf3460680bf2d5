"""S family: size and context limits.  Failing sample, near-miss and fix test per rule."""

from __future__ import annotations

import time

from tests.rulekit import assistant, codes, findings, fix_all, req, text, user
from tests.rules.kit_media import image, png
from tui.core.check import check_request
from tui.core.rules.context import CheckContext
from tui.core.rules.registry import select_rules
from tui.core.rules.size import body_size, estimate_tokens

OLD_MODEL = "claude-opus-4-1-20250805"  # input + max_tokens must fit the window (SIZE-03)


def history(chars: int, model: str | None = None, **top) -> dict:
    """A coding-agent request whose user turn pastes ``chars`` characters of source code."""
    code = ("def handler(event):\n    return process(event['body'])\n" * (chars // 52 + 1))[:chars]
    body = req(user(text("Review this module:"), text(code)), **top)
    if model:
        body["model"] = model
    return body


def s_findings(payload, code, **kw):
    from tui.core.model import Exchange, Source
    ex = Exchange(source=Source("t.json", 0), format="test", request=payload, **kw)
    return [f for f in check_request(payload, ex, select_rules(["S"])) if f.code == code]


# -- the shared measurements ------------------------------------------------------------------

def test_s_body_size_matches_compact_json_and_is_computed_once():
    import json
    p = req(user("héllo wörld"), assistant("ok"), user(text("again")), system="sys")
    ctx = CheckContext(p)
    size = body_size(ctx)
    assert size.total == len(json.dumps(p, ensure_ascii=False, separators=(",", ":")).encode())
    assert size.messages == [len(json.dumps(m, ensure_ascii=False, separators=(",", ":")).encode())
                             for m in p["messages"]]
    assert body_size(ctx) is size  # memoised


def test_s_token_estimate_counts_text_images_and_tools():
    ctx = CheckContext(req(user(text("x" * 3500), image(png(750, 100)), {"type": "image", "source": {
        "type": "url", "url": "https://example.com/a.png"}}), tools=[{"name": "t", "input_schema": {}}]))
    tokens = estimate_tokens(ctx)
    # 1000 for the text, 100 for the measured 750x100 image, 1600 for the unmeasured one, 350 tool prompt
    assert 1000 + 100 + 1600 + 350 <= tokens <= 1000 + 100 + 1600 + 350 + 20


# -- S001 request-too-large ------------------------------------------------------------------

def test_s001_body_over_32_mib():
    chunk = "A" * 9_000_000
    p = req(user(text("log 1: " + chunk)), assistant("noted"), user(text("log 2: " + chunk)),
            assistant("noted"), user(text("log 3: " + chunk)), assistant("noted"), user(text("log 4 " + chunk)))
    t = time.perf_counter()
    fs = s_findings(p, "S001")
    assert time.perf_counter() - t < 3
    assert [f.dotted for f in fs] == [""]
    assert fs[0].api_error == "Request exceeds the maximum size"
    assert fs[0].severity.value == "error"
    assert {r[1] for r in fs[0].related} <= {0, 2, 4, 6} and len(fs[0].related) == 3


def test_s001_between_decimal_and_binary_32_mb_is_a_warning():
    p = req(user(text("B" * 32_500_000)))
    fs = s_findings(p, "S001")
    assert fs[0].severity.value == "warning"


def test_s001_near_miss_under_32_million_bytes():
    assert not s_findings(req(user(text("C" * 31_000_000))), "S001")


def test_s001_has_no_automatic_fix():
    f = s_findings(req(user(text("D" * 34_000_000))), "S001")[0]
    assert f.fix is None


# -- S002 prompt-too-long-estimate -----------------------------------------------------------

def test_s002_long_paste_is_a_warning_with_the_api_text():
    p = history(800_000)
    fs = findings(p, "S002")
    assert [f.dotted for f in fs] == ["messages"]
    assert fs[0].severity.value == "warning"
    tokens = estimate_tokens(CheckContext(p))
    assert 228_000 < tokens < 230_000
    assert fs[0].api_error == f"prompt is too long: {tokens} tokens > 200000 maximum"
    assert "count_tokens" in fs[0].message


def test_s002_near_miss_under_the_window_and_long_context_beta():
    assert "S002" not in codes(history(600_000))
    assert "S002" not in codes(history(800_000), headers={"anthropic-beta": "context-1m-2025-08-07"})


def test_s002_skipped_for_unknown_model():
    assert "S002" not in codes(history(800_000, model="my-gateway-alias"))


def test_s002_has_no_automatic_fix():
    assert findings(history(800_000), "S002")[0].fix is None


# -- S003 input-plus-max-tokens --------------------------------------------------------------

def test_s003_old_model_input_plus_max_tokens():
    p = history(600_000, model=OLD_MODEL, max_tokens=32_000)
    fs = findings(p, "S003")
    tokens = estimate_tokens(CheckContext(p))
    assert [f.dotted for f in fs] == ["max_tokens"]
    assert fs[0].api_error == (f"input length and `max_tokens` exceed context limit: {tokens} + 32000 > 200000, "
                               f"decrease input length or `max_tokens` and try again")
    assert fs[0].severity.value == "warning"


def test_s003_near_miss_newer_model_or_room_left():
    assert "S003" not in codes(history(600_000, max_tokens=32_000))  # sonnet 4.5: soft stop instead
    assert "S003" not in codes(history(600_000, model=OLD_MODEL, max_tokens=8_000))


def test_s003_fix_lowers_max_tokens_unsafely():
    p = history(600_000, model=OLD_MODEL, max_tokens=32_000)
    assert findings(p, "S003")[0].fix.applicability.value == "unsafe"
    fixed = fix_all(p, "S003")
    assert fixed["max_tokens"] == 200_000 - estimate_tokens(CheckContext(p))
    assert fixed["messages"] == p["messages"]


# -- S004 too-many-messages ------------------------------------------------------------------

def _many(n: int) -> dict:
    return req(*[user("tick") if i % 2 == 0 else assistant("ok") for i in range(n)])


def test_s004_over_100k_messages():
    fs = s_findings(_many(100_001), "S004")
    assert [f.dotted for f in fs] == ["messages"]
    assert fs[0].api_error is None and fs[0].severity.value == "error"
    assert fs[0].fix is None


def test_s004_near_miss_exactly_100k():
    assert not s_findings(_many(100_000), "S004")
