"""`payload-doctor proxy` (issue 12 §1) between the real `anthropic` client (or raw HTTP) and the
fake Messages API on 127.0.0.1; both servers run in the test, nothing touches the internet."""

from __future__ import annotations

import io
import json
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anthropic
import httpx2

from tests.fakeapi import FakeAPI, Reply, message, sse_for
from tests.payloads import tool_turns as history
from tui.cli.main import main
from tui.proxy import ProxyConfig, running

KEY = "sk-ant-api03-" + "P" * 90 + "AA"
MODEL = "claude-haiku-4-5-20251001"
P001_TEXT = ("messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: "
             "toolu_01A8mGq3kQz7r2cVbXyT5nLd. Each `tool_use` block must have a corresponding `tool_result` "
             "block in the next message.")


@contextmanager
def running_proxy(upstream: str, **kw: Any) -> Iterator[tuple[str, ProxyConfig]]:
    """The proxy on 127.0.0.1 (a free port) in a thread, its stderr lines kept."""
    config = ProxyConfig(upstream=upstream, stderr=io.StringIO(), **kw)
    with running(config) as url:
        yield url, config


def client(url: str) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key=KEY, base_url=url, max_retries=0)


def records(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_record_mode_forwards_bytes_and_headers_unchanged_and_logs_without_the_key(tmp_path: Path):
    log = tmp_path / "calls.jsonl"
    raw = json.dumps({"model": MODEL, "max_tokens": 16, "messages": [{"role": "user", "content": "héllo"}]},
                     ensure_ascii=False, indent=1).encode()
    with FakeAPI([Reply(200, message(), headers={"request-id": "req_011CProxy"})]) as api, \
            running_proxy(api.url, log=log) as (url, config):
        got = httpx2.post(f"{url}/v1/messages?beta=true", content=raw, timeout=10,
                          headers={"x-api-key": KEY, "anthropic-version": "2023-06-01", "content-type": "application/json"})
        assert got.status_code == 200 and got.json()["content"][0]["text"] == "Hello!"
        assert api.received[0].raw == raw and api.received[0].path == "/v1/messages?beta=true"
        assert api.received[0].headers.get("x-api-key") == KEY  # the key passes through
    [rec] = records(log)
    assert rec["status"] == 200 and rec["request_id"] == "req_011CProxy" and rec["response"]["id"]
    assert KEY not in log.read_text()
    assert "POST  /v1/messages  200" in config.stderr.getvalue()


def test_a_stream_arrives_event_by_event_and_is_logged_reassembled(tmp_path: Path):
    log = tmp_path / "calls.jsonl"
    events = sse_for(message("Hello from a stream"))
    with FakeAPI([Reply(200, sse=events, pace=0.15), Reply(200, sse=events)]) as api, \
            running_proxy(api.url, log=log) as (url, _):
        body = {"model": MODEL, "max_tokens": 16, "stream": True, "messages": [{"role": "user", "content": "hi"}]}
        t0 = time.monotonic()
        first = None
        with httpx2.stream("POST", f"{url}/v1/messages", json=body, timeout=10, headers={"x-api-key": KEY}) as r:
            for chunk in r.iter_bytes():
                if chunk and first is None:
                    first = time.monotonic() - t0
        total = time.monotonic() - t0
        assert first is not None and first < total / 3  # not buffered until the end
        with client(url).messages.stream(model=MODEL, max_tokens=16, messages=[{"role": "user", "content": "hi"}]) as s:
            assert s.get_final_message().content[0].text == "Hello from a stream"
    assert [r["response"]["content"][0]["text"] for r in records(log)] == ["Hello from a stream"] * 2


def test_block_answers_with_the_apis_400_and_sends_nothing(tmp_path: Path):
    log = tmp_path / "calls.jsonl"
    with FakeAPI([Reply(200, message())]) as api, running_proxy(api.url, mode="block", log=log) as (url, config):
        try:
            client(url).messages.create(model=MODEL, max_tokens=16, messages=history(text_first=True))
            raise AssertionError("the proxy let a broken body through")
        except anthropic.BadRequestError as exc:
            assert exc.request_id is not None and exc.request_id.startswith("req_local_payload_doctor_")
            assert "tool_use` ids were found without `tool_result` blocks" in str(exc)
        assert api.received == []
        # the near miss goes through
        assert client(url).messages.create(model=MODEL, max_tokens=16, messages=history(text_first=False))
        assert len(api.received) == 1
    assert "blocked (P003)" in config.stderr.getvalue()
    assert [r["extra"]["proxy"].get("blocked", False) for r in records(log)] == [True, False]


def test_repair_sends_the_safe_fixed_body_and_logs_both(tmp_path: Path):
    log = tmp_path / "calls.jsonl"
    with FakeAPI([Reply(200, message())]) as api, running_proxy(api.url, mode="repair", log=log) as (url, _):
        client(url).messages.create(model=MODEL, max_tokens=16, messages=history(text_first=True))
        sent = api.received[0].json
    assert sent["messages"][2]["content"][0]["type"] == "tool_result"
    [rec] = records(log)
    assert rec["request"]["messages"][2]["content"][0]["type"] == "tool_result"
    assert rec["extra"]["proxy"]["repaired"][0]["code"] == "P003"
    assert rec["extra"]["proxy"]["original_request"]["messages"][2]["content"][0]["type"] == "text"


def test_a_resend_of_a_rejected_body_never_reaches_the_upstream(tmp_path: Path, capsys):
    log = tmp_path / "calls.jsonl"
    rejected = Reply(400, {"type": "error", "error": {"type": "invalid_request_error", "message": P001_TEXT}},
                     headers={"request-id": "req_011CRejected"})
    msgs = [{"role": "user", "content": "Where is order NW-10442?"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01A8mGq3kQz7r2cVbXyT5nLd",
                                               "name": "get_order", "input": {"order_id": "NW-10442"}}]},
            {"role": "user", "content": "and?"}]
    with FakeAPI([rejected, Reply(200, message())]) as api, running_proxy(api.url, mode="warn", log=log) as (url, config):
        for _ in range(3):
            try:
                client(url).messages.create(model=MODEL, max_tokens=16, messages=msgs)
            except anthropic.BadRequestError as exc:
                assert P001_TEXT in str(exc)
        assert len(api.received) == 1  # the two re-sends were answered by the proxy
    assert config.stderr.getvalue().count("answered from memory") == 2
    # the log re-opens with `check`: the P001 on every attempt, the rejection explained, the re-sends named
    capsys.readouterr()
    assert main(["check", "--format", "json", str(log)]) == 1
    found = {(f["record"], f["code"]) for f in json.loads(capsys.readouterr().out)["findings"]}
    assert {(0, "P001"), (0, "E001"), (1, "P001"), (2, "P001")} <= found
    assert any(code.startswith("L") for _, code in found)


def test_a_taken_port_is_one_line_and_exit_two(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["proxy", "--port", str(port), "--upstream", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"payload-doctor: cannot listen on 127.0.0.1:{port}") and "--port" in err[-1]


def test_a_cut_upstream_stream_is_recorded_as_cut(tmp_path: Path):
    log = tmp_path / "calls.jsonl"
    events = sse_for(message("This stream will not finish"))
    with FakeAPI([Reply(200, sse=events, cut_after=4)]) as api, running_proxy(api.url, log=log) as (url, _):
        try:
            with client(url).messages.stream(model=MODEL, max_tokens=16,
                                             messages=[{"role": "user", "content": "hi"}]) as s:
                s.get_final_message()
        except (anthropic.APIError, httpx2.HTTPError, ValueError):
            pass  # the client sees the cut; what matters here is the log
    [rec] = records(log)
    defects = rec["extra"].get("stream_defects") or []
    assert rec["status"] == 200 and (defects or rec["extra"]["proxy"].get("stream_cut")), rec["extra"]


async def test_the_proxy_log_opens_in_the_app_with_the_findings_check_reports(tmp_path: Path, capsys):
    from tests.app.conftest import open_app

    log = tmp_path / "calls.jsonl"
    with FakeAPI([Reply(200, message())] * 3) as api, running_proxy(api.url, mode="warn", log=log) as (url, _):
        c = client(url)
        c.messages.create(model=MODEL, max_tokens=16, messages=history(text_first=False))
        c.messages.create(model=MODEL, max_tokens=16, messages=history(text_first=True))
        c.messages.create(model=MODEL, max_tokens=16, messages=[{"role": "user", "content": [{"type": "text", "text": ""}]}])
    capsys.readouterr()
    main(["check", "--format", "json", str(log)])
    from_check = {(f["record"], f["code"], f["path"]) for f in json.loads(capsys.readouterr().out)["findings"]}
    async with open_app(log) as (app, _pilot):
        from_app = {(s.record, f.code, f.dotted) for i, s in enumerate(app.session.summaries)
                    for f in app.session.state(i).findings}
    assert from_app == from_check and any(code == "P003" for _, code, _ in from_check)
