"""`payload-doctor replay` end to end: real client, fake server, exit codes, replay log, no key leaks."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fakeapi import FakeAPI, Reply, error, message
from tests.replay.conftest import KEY
from tui.cli.main import main

# A current model and two fields the tool does not model itself: both must reach the API verbatim.
BODY = {"model": "claude-haiku-4-5-20251001", "max_tokens": 64, "service_tier": "auto",
        "stop_sequences": ["END"],
        "messages": [{"role": "user", "content": "hi"}]}
BROKEN = {**BODY, "messages": [{"role": "user", "content": "hi"},
                               {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01A",
                                                                  "name": "w", "input": {}}]},
                               {"role": "user", "content": [{"type": "text", "text": "x"},
                                                            {"type": "tool_result", "tool_use_id": "toolu_01A",
                                                             "content": "ok"}]}]}


def write(tmp_path: Path, body, name="req.json", **pair) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps({"request": body, **pair} if pair else body))
    return p


def run(capsys, *argv):
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_529_529_200_prints_each_attempt_and_saves_the_log(capsys, tmp_path):
    p = write(tmp_path, BODY)
    script = [error(529, "overloaded_error", "Overloaded", **{"retry-after": "0.05"})] * 2 + [Reply(200, message("Hi!"))]
    with FakeAPI(script) as api:
        rc, out, err = run(capsys, "replay", str(p), "--base-url", api.url)
    assert rc == 0
    assert [r.json for r in api.received] == [BODY] * 3
    assert [line.split(":")[0] for line in err.splitlines() if line.startswith("attempt ")] == [
        "attempt 1", "attempt 2", "attempt 3"]
    assert "HTTP 529 overloaded_error: Overloaded [transient]" in err
    assert "waiting 0.05 s (honouring retry-after: 0.05)" in err
    assert json.loads(out)["content"] == [{"type": "text", "text": "Hi!"}]
    log = tmp_path / "req.replays.jsonl"
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    assert [x["status"] for x in lines] == [529, 529, 200] and lines[2]["request"] == BODY
    assert KEY not in out + err + log.read_text()


def test_local_errors_block_sending_unless_fixed(capsys, tmp_path):
    p = write(tmp_path, BROKEN)
    with FakeAPI([Reply(200, message())]) as api:
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url)
        assert rc == 3 and api.received == [] and "not sent" in err and "--fix" in err
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--fix", "--save", "-")
    assert rc == 0
    sent = api.received[0].json
    assert sent["messages"][2]["content"][0]["type"] == "tool_result" and sent["service_tier"] == "auto"
    assert "fixed P003" in err


def test_400_exit_3_maps_the_node_and_offers_the_fix(capsys, tmp_path):
    p = write(tmp_path, BROKEN)
    text = ("messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01A. "
            "Each `tool_use` block must have a corresponding `tool_result` block in the next message.")
    with FakeAPI([error(400, "invalid_request_error", text)] * 2) as api:
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--force", "--save", "-")
    assert rc == 3 and len(api.received) == 1
    assert "at messages.1 (rule P001)" in err
    assert "offered fix: P003 messages.2.content.1: move the tool_result blocks to the front" in err


def test_401_exit_5_and_429_forever_exit_4(capsys, tmp_path):
    p = write(tmp_path, BODY)
    with FakeAPI([error(401, "authentication_error", "invalid x-api-key")] * 2) as api:
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--save", "-")
    assert rc == 5 and len(api.received) == 1 and KEY not in err
    with FakeAPI(lambda r: error(429, "rate_limit_error", "slow", **{"retry-after": "0"})) as api:
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--max-attempts", "2",
                         "--save", "-")
    assert rc == 4 and len(api.received) == 2 and "gave up after 2 attempts" in err


def test_dry_run_shows_the_token_count(capsys, tmp_path):
    p = write(tmp_path, BODY)
    with FakeAPI([Reply(200, {"input_tokens": 1234})]) as api:
        rc, out, err = run(capsys, "replay", str(p), "--base-url", api.url, "--dry-run")
    assert rc == 0 and json.loads(out) == {"input_tokens": 1234}
    assert "1234 input tokens" in err and api.received[0].path == "/v1/messages/count_tokens"


def test_many_records_need_a_record_choice(capsys, tmp_path):
    p = tmp_path / "log.jsonl"
    p.write_text("\n".join(json.dumps(BODY) for _ in range(3)) + "\n")
    rc, _, err = run(capsys, "replay", str(p))
    assert rc == 2 and "holds 3 requests; choose one with --record N" in err


def test_stream_and_compare_with_logged_response(capsys, tmp_path):
    from tests.fakeapi import sse_for

    logged = message("An old, longer answer.", stop="max_tokens")
    p = write(tmp_path, BODY, name="pair.json", response=logged)
    with FakeAPI([Reply(200, sse=sse_for(message("New answer")))]) as api:
        rc, out, err = run(capsys, "replay", str(p), "--base-url", api.url, "--stream", "--save", "-")
    assert rc == 0 and "New answer" in err
    assert "vs logged response: stop_reason: max_tokens → end_turn" in err
    assert json.loads(out)["content"][0]["text"] == "New answer"


def test_replay_sends_the_logged_version_and_betas_and_judges_the_body_by_them(capsys, tmp_path):
    old = {**BODY, "temperature": 0.3}  # sampling: accepted at 2023-06-01, rejected at 2026-10-21
    p = tmp_path / "old.json"
    p.write_text(json.dumps({"request": old, "headers": {
        "anthropic-version": "2023-06-01", "anthropic-beta": "files-api-2025-04-14"}}))
    with FakeAPI([Reply(200, message("Hi!"))]) as api:
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--save", "-")
    assert rc == 0, err
    sent = api.received[0]
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert sent.headers["anthropic-beta"] == "files-api-2025-04-14"
    assert sent.json["temperature"] == 0.3
    assert "sending with anthropic-version 2023-06-01" in err


def test_replay_without_a_logged_version_sends_the_sdks_and_blocks_sampling(capsys, tmp_path):
    p = write(tmp_path, {**BODY, "temperature": 0.3})
    with FakeAPI([Reply(200, message())]) as api:
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--save", "-")
        assert rc == 3 and api.received == [] and "A011" in err
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--fix", "--save", "-")
    assert rc == 0 and "temperature" not in api.received[0].json
    assert api.received[0].headers["anthropic-version"] == "2026-10-21"
    assert "(the SDK's; the log has none)" in err
