"""Replay stays bounded under every server fault (issue 14): resets, trickles, silence, redirect
loops, Ctrl-C and nonsense limits.  The real `payload-doctor replay` CLI against tests/fakeapi.py."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from tests.fakeapi import FakeAPI, Received, Reply, error, message, sse_for
from tests.replay.conftest import KEY
from tests.replay.test_cli_replay import BODY, run, write
from tui.core.replay import engine
from tui.core.replay.engine import ReplayOptions, attempt_timeout, replay
from tui.core.replay.policy import RetryPolicy


def log_lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def outcomes(path: Path) -> list[str]:
    return [x["extra"]["replay"]["outcome"] for x in log_lines(path)]


# 1. A TCP reset in the middle of the body ------------------------------------------------------

def test_reset_mid_body_is_a_transient_connection_error_retried_and_saved(capsys, tmp_path):
    p = write(tmp_path, BODY)
    with FakeAPI([Reply(200, message("Hi!"), reset_after=25), Reply(200, message("Hi!"))]) as api:
        rc, out, err = run(capsys, "replay", str(p), "--base-url", api.url)
    assert "internal error" not in err
    assert rc == 0 and len(api.received) == 2, err
    assert "attempt 1: connection lost while reading the response" in err and "[transient]" in err
    assert json.loads(out)["content"][0]["text"] == "Hi!"
    assert outcomes(tmp_path / "req.replays.jsonl") == ["connection", "success"]


def test_resets_every_time_exhaust_the_budget_with_exit_4(capsys, tmp_path):
    p = write(tmp_path, BODY)
    with FakeAPI(lambda r: Reply(200, message(), reset_after=10)) as api:
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--max-attempts", "2",
                         "--max-wait", "1")
    assert rc == 4 and len(api.received) == 2 and "internal error" not in err
    assert "gave up after 2 attempts" in err
    assert outcomes(tmp_path / "req.replays.jsonl") == ["connection", "connection"]


# 2. A body that trickles past --timeout ---------------------------------------------------------

def test_trickling_body_under_a_huge_content_length_ends_at_the_attempt_deadline(capsys, tmp_path):
    p = write(tmp_path, BODY)
    slow = Reply(200, message(), trickle=0.3, content_length=10_000_000)
    with FakeAPI([slow]) as api:
        t0 = time.monotonic()
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--timeout", "1",
                         "--max-attempts", "1")
        elapsed = time.monotonic() - t0
    assert elapsed < 4, f"the attempt ran {elapsed:.1f} s past --timeout 1"
    assert rc == 4 and "internal error" not in err
    assert "did not finish within 1 s (timeout)" in err
    assert outcomes(tmp_path / "req.replays.jsonl") == ["timeout"]


async def test_trickling_stream_that_never_completes_a_line_ends_at_the_deadline(sleeps):
    # One byte per 0.3 s: the first SSE line takes ~10 s, so a check made per line never runs.
    slow = Reply(200, sse=sse_for(message("never")), trickle=0.3)
    with FakeAPI([slow]) as api:
        t0 = time.monotonic()
        res = await replay(BODY, ReplayOptions(base_url=api.url, stream=True, timeout=1,
                                               policy=RetryPolicy(max_attempts=1)), sleep=sleeps)
        elapsed = time.monotonic() - t0
    assert elapsed < 4
    [a] = res.attempts
    assert a.outcome == "stream_cut" and "1 s (the attempt timeout)" in a.message
    assert res.outcome == "transient"


# 3. A silent server and the default timeout ----------------------------------------------------

def test_silent_server_is_a_timeout_within_the_deadline(capsys, tmp_path):
    p = write(tmp_path, BODY)
    with FakeAPI([Reply(silent=True)]) as api:
        t0 = time.monotonic()
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--timeout", "1",
                         "--max-attempts", "1")
        elapsed = time.monotonic() - t0
    assert elapsed < 4 and rc == 4
    assert "no response within 1 s (timeout)" in err


def test_the_default_timeout_is_interactive_and_shown_in_help(capsys):
    with pytest.raises(SystemExit):
        run(capsys, "replay", "--help")
    help_text = " ".join(capsys.readouterr().out.split())
    timeout_help = help_text.split("--timeout S ", 1)[1].split(" --base-url", 1)[0]
    assert "(default 60;" in timeout_help and "up to 600)" in timeout_help
    assert ReplayOptions().timeout is None  # resolved per request
    assert attempt_timeout(BODY, ReplayOptions()) == 60
    assert attempt_timeout({**BODY, "max_tokens": 8192}, ReplayOptions()) == pytest.approx(230.4)
    assert attempt_timeout({**BODY, "max_tokens": 128_000}, ReplayOptions()) == 600
    assert attempt_timeout({**BODY, "max_tokens": "many"}, ReplayOptions()) == 60
    assert attempt_timeout({**BODY, "max_tokens": 128_000}, ReplayOptions(timeout=5)) == 5


# 4. Ctrl-C ------------------------------------------------------------------------------------

def test_ctrl_c_during_attempt_2_saves_attempts_so_far_and_exits_130(capsys, tmp_path, monkeypatch):
    real_send = engine._send
    calls = 0

    async def send(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        return await real_send(*args, **kwargs)

    monkeypatch.setattr(engine, "_send", send)
    p = write(tmp_path, BODY)
    with FakeAPI([error(529, "overloaded_error", "Overloaded", **{"retry-after": "0.01"})]) as api:
        rc, out, err = run(capsys, "replay", str(p), "--base-url", api.url)
    assert rc == 130 and out == ""
    assert "cancelled during attempt 2" in err and "appended 2 attempts" in err
    lines = log_lines(tmp_path / "req.replays.jsonl")
    assert [x["status"] for x in lines] == [529, None]
    assert [x["extra"]["replay"]["outcome"] for x in lines] == ["http_error", "cancelled"]
    assert {x["extra"]["replay"]["result"] for x in lines} == {"cancelled"}
    assert KEY not in err + (tmp_path / "req.replays.jsonl").read_text()


def test_a_real_sigint_while_the_server_is_silent_saves_and_exits_130(capsys, tmp_path):
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT is handled by someone else here")

    def script(rec: Received) -> Reply:
        if len(api.received) == 1:
            return error(500, "api_error", "boom", **{"retry-after": "0.01"})
        os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C while attempt 2 waits
        return Reply(silent=True)

    p = write(tmp_path, BODY)
    with FakeAPI(script) as api:
        t0 = time.monotonic()
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--timeout", "8")
        elapsed = time.monotonic() - t0
    assert rc == 130 and elapsed < 5
    assert outcomes(tmp_path / "req.replays.jsonl") == ["http_error", "cancelled"]


# 5. Redirects -----------------------------------------------------------------------------------

def test_a_redirect_loop_is_a_client_error_after_a_few_redirects(capsys, tmp_path):
    p = write(tmp_path, BODY)
    with FakeAPI(lambda r: Reply(307, "", headers={"location": "/v1/messages"}), max_requests=100) as api:
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url)
    assert rc == 5, err
    assert len(api.received) == 1 + engine.MAX_REDIRECTS  # one attempt, not retried
    assert "redirected more than 5 times" in err and "[client]" in err
    assert "The API never redirects" in err and "API key is set" not in err
    assert outcomes(tmp_path / "req.replays.jsonl") == ["redirect"]


def test_one_redirect_on_the_same_host_is_followed(capsys, tmp_path):
    p = write(tmp_path, BODY)
    with FakeAPI([Reply(308, "", headers={"location": "/v2/messages"}), Reply(200, message("moved"))]) as api:
        rc, out, _ = run(capsys, "replay", str(p), "--base-url", api.url, "--save", "-")
    assert rc == 0 and [r.path for r in api.received] == ["/v1/messages", "/v2/messages"]
    assert api.received[1].json == BODY and json.loads(out)["content"][0]["text"] == "moved"


def test_a_redirect_to_another_host_is_refused_and_the_key_never_follows(capsys, tmp_path):
    p = write(tmp_path, BODY)
    with FakeAPI([Reply(307, "", headers={"location": "PLACEHOLDER"})] * 3) as api:
        # Same server, other host name: were it followed, the fake would see the key again.
        api.script = [Reply(307, "", headers={"location": api.url.replace("127.0.0.1", "localhost")
                                              + "/v1/messages"})] * 3
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--save", "-")
    assert rc == 5 and len(api.received) == 1, err
    assert "redirected to another host (localhost)" in err


# 6. Nonsense limits -----------------------------------------------------------------------------

@pytest.mark.parametrize("option,value", [
    ("--timeout", "0"), ("--timeout", "-1"), ("--timeout", "nan"), ("--timeout", "inf"),
    ("--timeout", "abc"), ("--timeout", "1e9"),
    ("--max-wait", "nan"), ("--max-wait", "inf"), ("--max-wait", "-1"), ("--max-wait", "x"),
])
def test_nonsense_limits_are_usage_errors_on_one_line(capsys, tmp_path, option, value):
    p = write(tmp_path, BODY)
    with FakeAPI([Reply(200, message())]) as api:
        rc, out, err = run(capsys, "replay", str(p), "--base-url", api.url, f"{option}={value}")
    assert rc == 2 and api.received == [] and out == ""
    assert len(err.strip().splitlines()) == 1 and option in err and "internal error" not in err


def test_max_wait_0_is_allowed_and_means_no_waiting(capsys, tmp_path):
    p = write(tmp_path, BODY)
    with FakeAPI([error(529, "overloaded_error", "Overloaded", **{"retry-after": "1"})] * 2) as api:
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--max-wait", "0", "--save", "-")
    assert rc == 4 and len(api.received) == 1 and "wait budget" in err


# Found on the way ------------------------------------------------------------------------------

def test_a_json_200_that_is_not_a_message_is_malformed_not_an_internal_error(capsys, tmp_path):
    p = write(tmp_path, BODY)
    with FakeAPI([Reply(200, {"unexpected": True})]) as api:
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--max-attempts", "1")
    assert rc == 4 and len(api.received) == 1
    assert "HTTP 200 with a body that is not a Message" in err


async def test_a_stream_stopped_by_the_deadline_keeps_what_arrived(sleeps):
    slow = Reply(200, sse=sse_for(message("partial answer")), pace=0.3)
    with FakeAPI([slow]) as api:
        res = await replay(BODY, ReplayOptions(base_url=api.url, stream=True, timeout=1,
                                               policy=RetryPolicy(max_attempts=1)), sleep=sleeps)
    [a] = res.attempts
    assert a.outcome == "stream_cut" and "1 s (the attempt timeout)" in a.message
    assert a.response is not None and a.response["content"][0]["text"].startswith("partial")


def test_dry_run_against_a_trickling_or_resetting_server_is_bounded(capsys, tmp_path):
    p = write(tmp_path, BODY)
    with FakeAPI([Reply(200, {"input_tokens": 5}, trickle=0.3, content_length=1_000_000),
                  Reply(200, {"input_tokens": 5}, reset_after=5)]) as api:
        t0 = time.monotonic()
        rc1, _, err1 = run(capsys, "replay", str(p), "--base-url", api.url, "--dry-run", "--timeout", "1")
        rc2, _, err2 = run(capsys, "replay", str(p), "--base-url", api.url, "--dry-run")
        elapsed = time.monotonic() - t0
    assert elapsed < 5 and rc1 == 4 and rc2 == 4
    assert "did not finish within 1 s (timeout)" in err1
    assert "connection lost while reading the response" in err2
