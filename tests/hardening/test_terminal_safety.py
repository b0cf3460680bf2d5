"""Terminal safety: payload text holding Rich markup, ANSI escapes, OSC sequences (a window title,
a hyperlink, an OSC 52 clipboard write), carriage returns and bidi controls is shown literally —
in every CLI output (text, github, json, fix reports and diffs, exports, convert, replay) and in
the app — and never reaches the terminal as a control sequence.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from tests.app.conftest import open_app, rendered
from tests.fakeapi import FakeAPI, Reply, message
from tests.hardening.conftest import MODEL, cli

MARKUP = "[bold red]BOLD[/bold red] [link=https://evil.example]click[/link]"
ANSI = "\x1b[2J\x1b[31mRED\x1b[0m"
OSC = "\x1b]0;pwned-title\x07\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\\x1b]52;c;cGF5bG9hZA==\x07"
CR = "harmless\rEVIL-OVERWRITE"
BIDI = "user\u202eexe.txt\u2066isolated\u2069\u200f"
C1 = "eight-bit\x9b31mCSI"
HOSTILE = f"{MARKUP} {ANSI} {OSC} {CR} {BIDI} {C1}"

# Nothing that a terminal acts on may be printed: C0 controls but newline, DEL, C1, bidi controls.
ACTIVE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def hostile_log(path: Path) -> Path:
    body = {
        "model": f"claude-{HOSTILE}",  # quoted by I001 (unknown model)
        "max_tokens": 100,
        "system": HOSTILE,
        "tools": [{"name": "ok_tool", "description": HOSTILE, "input_schema": {"type": "object"}}],
        "messages": [
            {"role": "user", "content": HOSTILE},
            {"role": "assistant", "content": [
                {"type": "text", "text": HOSTILE},
                {"type": "tool_use", "id": "toolu_01T", "name": f"bad {HOSTILE}", "input": {"q": HOSTILE}}]},
            {"role": "user", "content": [{"type": "text", "text": "", "x": HOSTILE}]},
        ],
    }
    error = {"type": "error", "error": {"type": "invalid_request_error", "message": f"messages.1: {HOSTILE}"}}
    path.write_text(json.dumps({"request": body, "error": error, "status": 400}) + "\n" + json.dumps(body) + "\n"
                    + json.dumps({HOSTILE: 1}) + "\n")
    return path


def assert_inert(where: str, text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in ACTIVE.findall(text)})
    assert not found, f"{where} prints terminal controls {found}"


def assert_literal(where: str, text: str) -> None:
    assert_inert(where, text)
    assert "[bold red]BOLD[/bold red]" in text, f"{where}: markup was interpreted or dropped"


def test_every_cli_output_shows_hostile_text_literally(capsys, tmp_path):
    log = hostile_log(tmp_path / "hostile.jsonl")
    run = cli(capsys, "check", log)
    assert run.rc == 2
    assert_literal("check text", run.out)
    assert_inert("check text (stderr)", run.err)
    assert "\\x1b[31mRED" in run.out and "\\u202e" in run.out and "\\x0d" in run.out
    run = cli(capsys, "check", log, "--format", "github")
    assert_literal("check github", run.out)
    assert all(ln.startswith("::") for ln in run.out.splitlines())  # a \r or \n cannot start a new command
    run = cli(capsys, "check", log, "--format", "json")
    assert_literal("check json", run.out)
    assert "keys {[bold red]BOLD[/bold red] [link=" in json.loads(run.out)["files"][0]["error"]  # as text
    run = cli(capsys, "fix", log, "--unsafe-fixes")
    assert_inert("fix report", run.out + run.err)
    run = cli(capsys, "fix", log, "--unsafe-fixes", "--diff")
    assert_inert("fix --diff", run.out + run.err)
    for fmt in ("json", "curl", "python", "markdown"):
        run = cli(capsys, "export", log, "--record", 0, "--as", fmt)
        assert run.rc == 0
        assert_inert(f"export --as {fmt}", run.out + run.err)
    assert json.loads(cli(capsys, "export", log, "--record", 1, "--no-redact").out)["system"] == HOSTILE
    for to in ("native", "anthropic"):
        run = cli(capsys, "convert", log, "--to", to)
        assert_inert(f"convert --to {to}", run.out + run.err)
        assert json.loads(run.out.splitlines()[0])


def test_a_hostile_file_name_is_shown_literally(capsys, tmp_path):
    path = tmp_path / "log\x1b[31m\u202e.jsonl"
    path.write_text("not json\n")
    run = cli(capsys, "check", path)
    assert run.rc == 2
    assert_inert("check of a hostile file name", run.out + run.err)
    run = cli(capsys, "check", path, "--format", "github")
    assert_inert("github annotation of a hostile file name", run.out + run.err)


def test_replay_output_shows_a_hostile_response_literally(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-api03-" + "k" * 40)
    monkeypatch.setenv("HOME", str(tmp_path))
    for var in ("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_LOG"):
        monkeypatch.delenv(var, raising=False)
    log = tmp_path / "r.json"
    log.write_text(json.dumps({"model": MODEL, "max_tokens": 50, "messages": [{"role": "user", "content": "hi"}]}))
    from tests.fakeapi import sse_for

    with FakeAPI([Reply(200, message(HOSTILE)), Reply(200, sse=sse_for(message(HOSTILE))),
                  Reply(400, {"type": "error", "error": {"type": "invalid_request_error",
                                                         "message": f"messages.0: {HOSTILE}"}})]) as api:
        for extra in ([], ["--stream"], []):
            run = cli(capsys, "replay", log, "--base-url", api.url, "--save", "-", "--max-attempts", 1, *extra)
            assert_inert(f"replay {extra}", run.out + run.err)


async def test_the_app_shows_hostile_text_literally(tmp_path):
    log = hostile_log(tmp_path / "hostile.jsonl")
    async with open_app(log, record=1) as (app, pilot):
        for path in (("request", "system"), ("request", "messages", 0), ("request", "messages", 1, "content", 0),
                     ("request", "model")):
            app.query_one("ConversationTree").reveal(path)
            await pilot.pause()
            screen = rendered(app)
            assert_inert(f"the app at {path}", screen)
            assert "[bold red]BOLD[/bold red]" in screen, f"markup interpreted at {path}"
            assert "[link=https://evil.example]click[/link]" in screen
        await pilot.press("z")  # full strings
        await pilot.pause()
        assert_inert("the app, full strings", rendered(app))
        status = str(app.query_one("#status").render())
        assert_inert("status line", status)
        for n in app._notifications:
            assert_inert("a notification", str(n.message))


async def test_the_app_shows_a_hostile_load_error_literally(tmp_path):
    path = tmp_path / "bad\x1b]0;title\x07[bold]name.json"
    path.write_bytes(b"\x00\x01")
    async with open_app(path, wait_loaded=False) as (app, pilot):
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        screen = rendered(app)
        assert_inert("the app's load error", screen)
        assert "[bold]name.json" in screen
