"""An OpenAI request is never sent (or exported as a call) as if it were an Anthropic one: it is
refused with the way out, or converted first when the user asks, saying what changed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fakeapi import FakeAPI, Reply, message
from tui.cli.main import main

OPENAI = {"model": "gpt-4.1", "max_completion_tokens": 256,
          "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}]}


def _log(tmp_path: Path) -> Path:
    p = tmp_path / "chat.jsonl"
    p.write_text(json.dumps({"request": OPENAI, "response": {"id": "chatcmpl-1", "object": "chat.completion",
                             "choices": []}}) + "\n")
    return p


def run(capsys, *argv):
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_replay_refuses_an_openai_request_and_says_how_to_convert(capsys, tmp_path):
    p = _log(tmp_path)
    with FakeAPI([Reply(200, message())]) as api:
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--save", "-")
    assert rc == 2 and api.received == []
    assert "OpenAI Chat Completions request" in err and "--convert" in err


def test_replay_convert_sends_the_anthropic_form(capsys, tmp_path):
    p = _log(tmp_path)
    with FakeAPI([Reply(200, message("Hi"))]) as api:
        rc, _, err = run(capsys, "replay", str(p), "--base-url", api.url, "--convert", "--model",
                         "claude-haiku-4-5", "--save", "-")
    assert rc == 0, err
    sent = api.received[0].json
    assert sent["system"] == "Be brief." and sent["messages"] == [{"role": "user", "content": "hi"}]
    assert "max_completion_tokens" not in sent and "converted from openai-chat" in err


def test_export_as_curl_of_an_openai_request_is_refused_json_is_the_openai_body(capsys, tmp_path):
    p = _log(tmp_path)
    rc, out, err = run(capsys, "export", str(p), "--as", "curl")
    assert rc == 2 and out == "" and "--convert" in err
    rc, out, _ = run(capsys, "export", str(p), "--as", "json")
    assert rc == 0 and json.loads(out) == OPENAI
    rc, out, err = run(capsys, "export", str(p), "--as", "curl", "--convert")
    assert rc == 0 and "api.anthropic.com/v1/messages" in out and '"system"' in out
