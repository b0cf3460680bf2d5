"""Bounded everything: every loop over untrusted input or a remote server has a limit, and a test
here (or where named) runs into it and checks what the user is told.

| limit | where | test |
| --- | --- | --- |
| replay attempts (``--max-attempts``) | ``replay.policy.RetryPolicy.max_attempts`` | ``tests/replay/test_engine.py::test_429_forever_makes_exactly_max_attempts_requests`` |
| total wait between attempts (``--max-wait``) | ``RetryPolicy.max_wait`` | ``tests/replay/test_engine.py::test_retry_after_beyond_the_wait_budget_stops_and_says_so``, below |
| one read of a response (``--timeout``) | the SDK's timeout | ``tests/replay/test_engine.py::test_timeout_then_dropped_connection_are_transient`` |
| a whole streamed response (time) | ``engine._read_stream`` (the attempt timeout) | below |
| streamed events / bytes | ``engine.MAX_STREAM_EVENTS`` / ``MAX_RESPONSE_BYTES`` | below |
| a response body (bytes), also ``count_tokens`` | ``engine.MAX_RESPONSE_BYTES`` | below |
| SSE events accumulated | ``sse.MAX_EVENTS`` | below |
| repair rounds | ``repair.planner.MAX_ROUNDS`` | ``tests/repair/test_planner_history.py::test_round_limit_is_reported``, below |
| one line of a line-oriented log | ``formats.base.LINE_LIMIT`` | below, and the 2 GB line in ``test_big_inputs.py`` |
| one record of the byte-offset index | ``index.RECORD_LIMIT`` | ``tests/test_index.py::test_a_record_over_the_limit_is_not_read`` |
| one JSON document | ``formats.base.DOCUMENT_LIMIT`` (``stat`` first) | below, and the 2 GB document in ``test_big_inputs.py`` |
| detection's first line / the blank space after it | ``formats.base.FIRST_LINE_LIMIT`` | below, ``tests/test_index.py::test_detection_never_reads_a_jsonl_file_whole`` |
| the index scan (cancellable, stepwise) | ``index.STEP`` | ``tests/test_index.py::test_scan_is_cancellable_from_another_thread_and_keeps_what_it_indexed`` |
| nesting depth | the JSON parser's, reported with its path | ``test_hostile_inputs.py`` (100,000 deep) |
| findings per stream / per duplicate keys | ``rules.stream._MAX_EVENT_FINDINGS`` / ``_MAX_DUPLICATE_FINDINGS`` | below |
| redaction time on huge strings | ``redact._NEEDLES`` prefilter | below |
"""

from __future__ import annotations

import gzip
import io
import json
import time

import pytest

from tests.fakeapi import FakeAPI, Reply, message, sse_for
from tests.hardening.conftest import MODEL, SAMPLES, cli, jsonl, request
from tui.core import redact, sse
from tui.core.formats import base, load_all
from tui.core.formats.base import LineTooLong, bounded_lines
from tui.core.replay import engine
from tui.core.replay.engine import ReplayOptions, count_tokens, replay
from tui.core.replay.policy import RetryPolicy

KEY = "sk-ant-api03-BOUNDStestKEY0123456789abcdefghijklmnopqrstuvwxyz-BNDS"
ONE = RetryPolicy(max_attempts=1)


@pytest.fixture(autouse=True)
def sdk_env(monkeypatch, tmp_path):
    for var in ("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_LOG", "ANTHROPIC_CUSTOM_HEADERS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("HOME", str(tmp_path))


def long_message(n: int) -> dict:
    return message(" ".join(f"word{i}" for i in range(n)))


# -- replay ----------------------------------------------------------------------------------------

async def test_a_stream_with_too_many_events_is_cut_at_the_limit(monkeypatch):
    monkeypatch.setattr(engine, "MAX_STREAM_EVENTS", 5)
    events = sse_for(message("a b c"))
    events[3:3] = [("ping", {"type": "ping"})] * 50
    with FakeAPI([Reply(200, sse=events)]) as api:
        res = await replay(request(stream=True), ReplayOptions(base_url=api.url, policy=ONE))
    [a] = res.attempts
    assert a.outcome == "stream_cut" and "stopped reading after 5 events" in a.message
    assert res.outcome == "transient"


async def test_a_stream_over_the_byte_limit_is_cut_and_its_partial_content_kept(monkeypatch):
    monkeypatch.setattr(engine, "MAX_RESPONSE_BYTES", 2000)
    with FakeAPI([Reply(200, sse=sse_for(long_message(2000)))]) as api:
        res = await replay(request(stream=True), ReplayOptions(base_url=api.url, policy=ONE))
    [a] = res.attempts
    assert a.outcome == "stream_cut" and "(stopped reading after over 2,000 bytes)" in a.message
    assert a.response is not None and a.response["content"][0]["text"].startswith("word0 word1")


async def test_a_trickling_stream_is_stopped_by_the_attempt_timeout():
    events = sse_for(message("slow"))
    with FakeAPI([Reply(200, sse=events, pace=0.3)]) as api:
        t0 = time.monotonic()
        res = await replay(request(stream=True), ReplayOptions(base_url=api.url, policy=ONE, timeout=0.8))
        took = time.monotonic() - t0
    [a] = res.attempts
    assert a.outcome == "stream_cut" and "0.8 s (the attempt timeout)" in a.message
    assert took < 0.3 * len(events)  # it did not wait for the whole stream


async def test_a_response_body_over_the_limit_is_not_read(monkeypatch):
    monkeypatch.setattr(engine, "MAX_RESPONSE_BYTES", 1000)
    with FakeAPI([Reply(200, long_message(5000)), Reply(200, {"input_tokens": 5, "pad": "x" * 5000})]) as api:
        res = await replay(request(), ReplayOptions(base_url=api.url, policy=ONE))
        tokens, attempt = await count_tokens(request(), ReplayOptions(base_url=api.url))
    [a] = res.attempts
    assert a.outcome == "malformed" and "with a body over 1,000 bytes; stopped reading it" in a.message
    assert tokens is None and "stopped reading it" in attempt.message


async def test_the_wait_budget_caps_the_sum_of_waits(sleeps=None):
    waits: list[float] = []

    async def sleep(s: float) -> None:
        waits.append(s)

    with FakeAPI(lambda r: Reply(529, {"type": "error", "error": {"type": "overloaded_error", "message": "x"}},
                                 headers={"retry-after": "2"})) as api:
        res = await replay(request(), ReplayOptions(base_url=api.url, policy=RetryPolicy(max_attempts=50, max_wait=5)),
                           sleep=sleep)
    assert waits == [2.0, 2.0] and len(api.received) == 3
    assert "exceeds what is left of the wait budget (1.0 of 5 s)" in res.summary


def test_the_sse_accumulator_stops_at_its_event_limit(monkeypatch):
    monkeypatch.setattr(sse, "MAX_EVENTS", 10)
    lines = "".join(f"event: ping\ndata: {{\"type\": \"ping\"}}\n\n" for _ in range(100))
    acc = sse.accumulate_text(lines)
    assert acc.events == 11 and any("more than 10 events" in d for d in acc.defects)


# -- repair ----------------------------------------------------------------------------------------

def test_the_planner_stops_at_its_round_limit_and_says_so():
    from tui.core.repair.planner import fix_payload

    body = json.loads((SAMPLES / "broken" / "C-empty-turns-in-history.json").read_text())
    res = fix_payload(body, unsafe=True, max_rounds=2)
    assert len(res.applied) == 2 and res.stopped == "stopped after 2 fixes; the payload may still change"


# -- file scans ------------------------------------------------------------------------------------

@pytest.mark.parametrize("seekable", [True, False])
def test_a_line_over_the_limit_is_skipped_without_being_held(monkeypatch, seekable):
    monkeypatch.setattr(base, "LINE_LIMIT", 5000)
    monkeypatch.setattr(base, "LINE_CHUNK", 1024)
    data = b"short\n" + b"y" * 50_000 + b"\n" + b"x" * 4000 + b"\nend"
    got = list(bounded_lines(io.BytesIO(data), seekable=seekable))
    assert [(n, off) for n, off, _ in got] == [(1, 0), (2, 6), (3, 50_007), (4, 54_008)]
    assert got[0][2] == b"short\n" and got[2][2] == b"x" * 4000 + b"\n" and got[3][2] == b"end"
    too_long = got[1][2]
    assert isinstance(too_long, LineTooLong) and too_long.size == 50_001


def test_a_jsonl_line_over_the_limit_is_a_load_issue_and_the_rest_loads(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "LINE_LIMIT", 3000)
    monkeypatch.setattr(base, "LINE_CHUNK", 1024)
    for name, opener in (("plain.jsonl", lambda b: b), ("packed.jsonl.gz", gzip.compress)):
        path = tmp_path / name
        path.write_bytes(opener(jsonl(request(), request("z" * 10_000), request("c")).encode()))
        _, exchanges, issues = load_all(path)
        assert [e.source.line for e in exchanges] == [1, 3]
        [issue] = issues
        assert issue.line == 2 and "lines larger than 3,000 bytes are not read" in issue.message


def test_a_document_over_the_limit_is_refused_from_stat_or_after_a_bounded_read(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(base, "DOCUMENT_LIMIT", 4000)
    doc = json.dumps({"requests": [request("x" * 5000)]}, indent=2)
    plain = tmp_path / "doc.json"
    plain.write_text(doc)
    packed = tmp_path / "doc.json.gz"
    packed.write_bytes(gzip.compress(doc.encode()))
    for path in (plain, packed):
        run = cli(capsys, "check", path)
        assert run.rc == 2 and "over 4,000 bytes is not read whole" in run.err, run.err


def test_blank_space_after_the_first_line_is_scanned_only_so_far(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "FIRST_LINE_LIMIT", 100_000)
    path = tmp_path / "spaces.jsonl"
    path.write_bytes(json.dumps(request()).encode() + b"\n" + b" " * 1_000_000 + b"\n" + json.dumps(request("b")).encode())
    from tui.core.formats.base import Sniff
    from tui.core.formats.reader import open_bytes

    sniff = Sniff(open_bytes(path))
    assert sniff.is_jsonl  # decided after 100 KB of blanks, not after reading the megabyte
    _, exchanges, issues = load_all(path)
    assert len(exchanges) == 2 and not issues


# -- findings and redaction ------------------------------------------------------------------------

def test_duplicate_key_findings_are_capped(tmp_path, capsys):
    pairs = ", ".join(f'"k{i}": 1, "k{i}": 2' for i in range(30))
    path = tmp_path / "dups.json"
    path.write_text(f'{{"model": "{MODEL}", "max_tokens": 5, "metadata": {{{pairs}}}, '
                    '"messages": [{"role": "user", "content": "hi"}]}')
    out = cli(capsys, "check", path, "--select", "F004").out
    assert out.count("F004") == 21 and "10 more duplicate keys" in out


def _redact_every_pattern(s: str) -> str:
    for rx, sub in redact._PATTERNS:
        s = rx.sub(sub, s)
    return s


@pytest.mark.deadline(30)
def test_redaction_of_a_huge_string_is_fast_and_the_prefilter_changes_nothing():
    big = "lorem ipsum dolor " * 3_000_000  # 54 MB, no secret
    t0 = time.monotonic()
    assert redact.redact_text(big) is big
    assert time.monotonic() - t0 < 10.0  # a hang guard: without the prefilter it took 14 s
    samples = [
        "Authorization: Bearer abcDEF123456ghiJKL789", "AKIAIOSFODNN7EXAMPLE here", "ASIAY34FZKBOKMUTVV7A",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "ya29.a0AfH6SMBx1234567890abcdefghij",
        "API_KEY=abc123def456ghi789", "PASSWORD: hunter2hunter2hunter2", "x-auth-token: 0123456789abcdef",
        "sk-proj-Abc123Def456Ghi789Jkl012", "sk-ant-api03-" + "A" * 40, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijk",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq98jhfdjhfjkdhfkjdhfjk\n-----END RSA PRIVATE KEY-----",
        "paſſword=abc123def456ghi", "\u212aEY api\u212aey=abc123def456ghi789", "ıd_token=abc123def456ghi789",
        "client_secret: 'Zz0123456789abcdef'", "SESSION_TOKEN=FwoGZXIvYXdzEJr//////////wEaDA", "plain prose about tokens",
    ]
    for s in samples:
        assert redact.redact_text(s) == _redact_every_pattern(s), s
