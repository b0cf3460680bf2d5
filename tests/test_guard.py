"""The in-process guard (issue 12 §3): `check_request` / `repair_request` for any code, and
`guard(client)` for the official client, sync and async, streaming included — against the fake
Messages API on 127.0.0.1 that the real `anthropic` client talks to."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import anthropic
import pytest

from tests.fakeapi import FakeAPI, Reply, message, sse_for
from tests.payloads import tool_turns as history
from tui.cli.main import main
from tui.guard import PayloadRejected, check_request, guard, repair_request

KEY = "sk-ant-api03-" + "G" * 90 + "AA"
MODEL = "claude-haiku-4-5-20251001"


TOOLS = [{"name": "get_order", "description": "Look an order up", "input_schema": {
    "type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}}]


def client(api: FakeAPI, **kw: Any) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key=KEY, base_url=api.url, max_retries=2, **kw)


def test_check_request_and_repair_request_for_any_code():
    body = {"model": MODEL, "max_tokens": 64, "tools": TOOLS, "messages": history(text_first=True)}
    before = json.dumps(body)
    assert ("P003", "messages.2.content.1") in {(f.code, f.dotted) for f in check_request(body)}
    fixed, applied = repair_request(body)
    assert [a.code for a in applied] == ["P003"] and json.dumps(body) == before  # the input is untouched
    assert not [f for f in check_request(fixed) if f.severity.value == "error"]
    same, none = repair_request(fixed)
    assert same == fixed and none == []


def test_block_raises_before_anything_is_sent_and_is_never_retried(tmp_path: Path):
    log = tmp_path / "calls.jsonl"
    with FakeAPI([Reply(200, message())]) as api:
        c = guard(client(api), mode="block", log=log)
        with pytest.raises(PayloadRejected) as caught:
            c.messages.create(model=MODEL, max_tokens=64, tools=TOOLS, messages=history(text_first=True))
        assert api.received == []
        assert caught.value.errors[0].code == "P003" and str(caught.value).startswith(
            "not sent: P003 at messages.2.content.1: tool_result for toolu_01A8mGq3kQz7r2cVbXyT5nLd")
        assert isinstance(caught.value, anthropic.AnthropicError)
        # the near miss: the same call in the right order goes through, unchanged
        got = c.messages.create(model=MODEL, max_tokens=64, tools=TOOLS, messages=history(text_first=False))
        assert got.content[0].text == "Hello!" and len(api.received) == 1
        assert api.received[0].json["messages"] == history(text_first=False)
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["extra"]["guard"]["blocked"] for r in records] == [True, False]
    assert records[0]["status"] is None and records[1]["status"] == 200
    assert records[1]["response"]["content"][0]["text"] == "Hello!"


def test_repair_sends_the_repaired_body(tmp_path: Path):
    with FakeAPI([Reply(200, message())]) as api:
        c = guard(client(api), mode="repair", log=tmp_path / "calls.jsonl")
        c.messages.create(model=MODEL, max_tokens=64, tools=TOOLS, messages=history(text_first=True))
        sent = api.received[0].json
    assert sent["messages"][2]["content"][0]["type"] == "tool_result"
    assert not [f for f in check_request(sent) if f.severity.value == "error"]
    record = json.loads((tmp_path / "calls.jsonl").read_text())
    assert record["extra"]["guard"]["repaired"][0]["code"] == "P003"


def test_warn_sends_as_is_logs_the_findings_and_the_log_checks_the_same(tmp_path: Path, caplog, capsys):
    log = tmp_path / "calls.jsonl"
    body_text = f"my key is {KEY}"
    with FakeAPI([Reply(400, {"type": "error", "error": {"type": "invalid_request_error", "message":
                  "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: "
                  "toolu_01A8mGq3kQz7r2cVbXyT5nLd. Each `tool_use` block must have a corresponding "
                  "`tool_result` block in the next message."}}, headers={"request-id": "req_011CGuard"})]) as api:
        c = guard(client(api), mode="warn", log=log)
        msgs = history(text_first=True)
        msgs[0]["content"] = body_text
        with caplog.at_level(logging.WARNING, logger="payload_doctor.guard"), pytest.raises(anthropic.BadRequestError):
            c.messages.create(model=MODEL, max_tokens=64, tools=TOOLS, messages=msgs)
        assert len(api.received) == 1  # a structural 400 is not retried by the SDK either
        assert KEY in api.received[0].raw.decode()  # warn sends the body as it is
    assert any("P003 error at messages.2.content.1" in r.getMessage() for r in caplog.records)
    text = log.read_text()
    assert KEY not in text and "req_011CGuard" in text
    capsys.readouterr()
    assert main(["check", "--format", "json", str(log)]) == 1
    codes = {(f["code"], f["path"]) for f in json.loads(capsys.readouterr().out)["findings"]}
    assert ("P003", "messages.2.content.1") in codes and ("E001", "error") in codes


def test_streaming_calls_are_checked_and_passed_through():
    with FakeAPI([Reply(200, sse=sse_for(message("Hi there")))]) as api:
        c = guard(client(api), mode="block")
        with pytest.raises(PayloadRejected):
            with c.messages.stream(model=MODEL, max_tokens=64, tools=TOOLS, messages=history(text_first=True)):
                pass
        assert api.received == []
        with c.messages.stream(model=MODEL, max_tokens=64, tools=TOOLS, messages=history(text_first=False)) as s:
            assert s.get_final_message().content[0].text == "Hi there"


def test_the_async_client_is_guarded_too(tmp_path: Path):
    async def run(api: FakeAPI) -> None:
        c = guard(anthropic.AsyncAnthropic(api_key=KEY, base_url=api.url, max_retries=0), mode="repair",
                  log=tmp_path / "a.jsonl")
        got = await c.messages.create(model=MODEL, max_tokens=64, tools=TOOLS, messages=history(text_first=True))
        assert got.content[0].text == "Hello!"
        async with c.messages.stream(model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "hi"}]) as s:
            assert (await s.get_final_message()).content[0].text == "Hi there"
        blocking = guard(anthropic.AsyncAnthropic(api_key=KEY, base_url=api.url, max_retries=0), mode="block")
        with pytest.raises(PayloadRejected):
            await blocking.messages.create(model=MODEL, max_tokens=64, tools=TOOLS, messages=history(text_first=True))

    with FakeAPI([Reply(200, message()), Reply(200, sse=sse_for(message("Hi there")))]) as api:
        asyncio.run(run(api))
        assert len(api.received) == 2
        assert api.received[0].json["messages"][2]["content"][0]["type"] == "tool_result"
    lines = (tmp_path / "a.jsonl").read_text().splitlines()
    assert [json.loads(x)["extra"]["guard"]["streamed"] for x in lines] == [False, True]


def test_other_endpoints_and_bad_arguments():
    with FakeAPI([Reply(200, {"input_tokens": 12})]) as api:
        c = guard(client(api), mode="block")
        # count_tokens is not a Messages call: passed through unchecked
        assert c.messages.count_tokens(model=MODEL, messages=history(text_first=True)).input_tokens == 12
    with pytest.raises(ValueError, match="mode must be one of block, warn, repair"):
        guard(anthropic.Anthropic(api_key=KEY), mode="stop")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="anthropic.Anthropic or AsyncAnthropic"):
        guard(object())
