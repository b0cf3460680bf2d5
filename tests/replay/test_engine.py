"""The replay engine against a scripted fake API, with the real `anthropic` client."""

from __future__ import annotations

import json

from tests.fakeapi import FakeAPI, Reply, error, message, sse_for
from tests.replay.conftest import KEY
from tui.core.errors import ErrorClass
from tui.core.replay.engine import ReplayOptions, count_tokens, replay
from tui.core.replay.policy import RetryPolicy

BODY = {"model": "claude-sonnet-4-5-20250929", "max_tokens": 256, "temperature": 0.2,
        "x_unknown_field": {"kept": [1, "two"]},
        "messages": [{"role": "user", "content": "Weather in Paris? ünïcode ✓ 🌦"}]}
BROKEN = {**BODY, "messages": [
    {"role": "user", "content": "weather?"},
    {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01A", "name": "w", "input": {}}]},
    {"role": "user", "content": "and?"}]}
ORDER01 = ("messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01A. "
           "Each `tool_use` block must have a corresponding `tool_result` block in the next message.")
FAST = RetryPolicy(max_attempts=3, max_wait=60, base=0.01, cap=0.02)


def opts(api, **kw):
    return ReplayOptions(base_url=api.url, timeout=kw.pop("timeout", 5), policy=kw.pop("policy", FAST), **kw)


async def test_529_529_200_succeeds_on_attempt_3_honouring_retry_after(sleeps):
    script = [error(529, "overloaded_error", "Overloaded", **{"retry-after": "0.3"}),
              error(529, "overloaded_error", "Overloaded", **{"retry-after-ms": "120"}),
              Reply(200, message("Sunny."))]
    with FakeAPI(script) as api:
        res = await replay(BODY, opts(api), sleep=sleeps)
    assert res.outcome == "success" and res.exit_code == 0
    assert [a.status for a in res.attempts] == [529, 529, 200]
    assert sleeps.waits == [0.3, 0.12]
    assert res.attempts[0].wait_reason == "honouring retry-after: 0.3"
    assert res.response["content"] == [{"type": "text", "text": "Sunny."}]


async def test_server_receives_the_exact_body_and_never_sees_our_output_key(sleeps):
    with FakeAPI([Reply(200, message())]) as api:
        await replay(BODY, opts(api), sleep=sleeps)
    [got] = api.received
    assert got.path == "/v1/messages" and got.json == BODY
    assert list(got.json) == list(BODY)  # key order kept
    assert KEY in (got.headers.get("x-api-key", "") + got.headers.get("authorization", ""))


async def test_400_is_sent_once_and_mapped_to_the_node_and_rule(sleeps):
    with FakeAPI([error(400, "invalid_request_error", ORDER01)] * 3) as api:
        res = await replay(BROKEN, opts(api), sleep=sleeps)
    assert len(api.received) == 1 and sleeps.waits == []
    assert res.outcome == "structural" and res.exit_code == 3
    assert res.error_path == ("messages", 1) and res.rule == "P001"
    assert "messages.1" in res.summary and "not retried" in res.summary


async def test_401_stops_at_once_without_echoing_the_key(sleeps):
    with FakeAPI([error(401, "authentication_error", f"invalid x-api-key {KEY}")] * 3) as api:
        res = await replay(BODY, opts(api), sleep=sleeps)
    assert len(api.received) == 1 and res.outcome == "client" and res.exit_code == 5
    assert KEY not in res.summary + res.advice + res.attempts[0].message
    assert "API key" in res.advice


async def test_429_forever_makes_exactly_max_attempts_requests(sleeps):
    with FakeAPI(lambda r: error(429, "rate_limit_error", "rate limited")) as api:
        res = await replay(BODY, opts(api, policy=RetryPolicy(max_attempts=4, base=0.01, cap=0.01)), sleep=sleeps)
    assert len(api.received) == 4 and res.outcome == "transient" and res.exit_code == 4
    assert len(sleeps.waits) == 3 and "gave up after 4 attempts" in res.summary


async def test_retry_after_beyond_the_wait_budget_stops_and_says_so(sleeps):
    with FakeAPI([error(429, "rate_limit_error", "slow down", **{"retry-after": "3600"})]) as api:
        res = await replay(BODY, opts(api), sleep=sleeps)
    assert len(api.received) == 1 and sleeps.waits == []
    assert "exceeds what is left of the wait budget" in res.summary and res.exit_code == 4


async def test_x_should_retry_false_is_obeyed(sleeps):
    with FakeAPI([error(529, "overloaded_error", "Overloaded", **{"x-should-retry": "false"})] * 2) as api:
        res = await replay(BODY, opts(api), sleep=sleeps)
    assert len(api.received) == 1 and "x-should-retry: false" in res.summary


async def test_timeout_then_dropped_connection_are_transient(sleeps):
    with FakeAPI([Reply(200, message(), delay=2.0), Reply(drop=True), Reply(200, message("ok"))]) as api:
        res = await replay(BODY, opts(api, timeout=0.5), sleep=sleeps)
    assert [a.outcome for a in res.attempts] == ["timeout", "connection", "success"]
    assert all(a.error_class is ErrorClass.TRANSIENT for a in res.attempts[:2])


async def test_malformed_json_and_html_error_page_are_reported(sleeps):
    script = [Reply(200, "{not json", headers={"content-type": "application/json"}),
              Reply(502, "<html><title>502 Bad Gateway</title></html>")]
    with FakeAPI(script) as api:
        res = await replay(BODY, opts(api, policy=RetryPolicy(max_attempts=2, base=0.01)), sleep=sleeps)
    a, b = res.attempts
    assert a.outcome == "malformed" and "not a Message" in a.message
    assert b.status == 502 and b.error_class is ErrorClass.TRANSIENT and "502" in b.message
    assert res.outcome == "transient"


async def test_stream_reassembles_the_message(sleeps):
    msg = message(content=[{"type": "text", "text": "Checking"},
                           {"type": "tool_use", "id": "toolu_01B", "name": "w", "input": {"city": "Paris"}}],
                  stop="tool_use")
    seen: list[str] = []
    with FakeAPI([Reply(200, sse=sse_for(msg))]) as api:
        res = await replay(BODY, opts(api, stream=True), sleep=sleeps, on_progress=seen.append)
    assert api.received[0].json["stream"] is True
    assert res.outcome == "success" and res.response["content"] == msg["content"]
    assert "".join(seen) == "Checking"


async def test_cut_stream_is_reported_with_partial_content_then_retried(sleeps):
    msg = message("A long answer that gets cut")
    with FakeAPI([Reply(200, sse=sse_for(msg), cut_after=4), Reply(200, sse=sse_for(msg))]) as api:
        res = await replay(BODY, opts(api, stream=True), sleep=sleeps)
    cut, ok = res.attempts
    assert cut.outcome == "stream_cut" and "partial content kept" in cut.message
    assert cut.response["content"][0]["text"].startswith("A long")
    assert ok.outcome == "success" and res.outcome == "success"


async def test_in_stream_error_event_is_transient(sleeps):
    events = sse_for(message("x"))[:3] + [("error", {"type": "error", "error": {
        "type": "overloaded_error", "message": "Overloaded"}})]
    with FakeAPI([Reply(200, sse=events), Reply(200, sse=sse_for(message("y")))]) as api:
        res = await replay(BODY, opts(api, stream=True), sleep=sleeps)
    assert res.attempts[0].outcome == "stream_cut" and "overloaded_error" in res.attempts[0].message
    assert res.outcome == "success"


async def test_model_override_and_missing_model():
    with FakeAPI([Reply(200, message())]) as api:
        await replay(BODY, opts(api, model="claude-haiku-4-5"))
    assert api.received[0].json["model"] == "claude-haiku-4-5"
    bedrock = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 5, "messages": BODY["messages"]}
    res = await replay(bedrock, ReplayOptions(base_url="http://127.0.0.1:9"))
    assert res.outcome == "structural" and "names no model" in res.summary and not res.attempts


async def test_no_api_key_is_a_client_error(monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    with FakeAPI([Reply(200, message())]) as api:
        res = await replay(BODY, opts(api))
    assert res.outcome == "client" and "ANTHROPIC_API_KEY" in res.attempts[0].message
    assert api.received == []


async def test_count_tokens_dry_run_strips_max_tokens():
    with FakeAPI([Reply(200, {"input_tokens": 42})]) as api:
        tokens, attempt = await count_tokens(BODY, opts(api))
    assert tokens == 42 and attempt.outcome == "success"
    sent = api.received[0]
    assert sent.path == "/v1/messages/count_tokens"
    assert "max_tokens" not in sent.json and sent.json["messages"] == BODY["messages"]
    assert json.dumps(sent.json).find("x_unknown_field") == -1
