"""One sweep: plant an Anthropic key, a bearer token, an AWS access key id and a GCP private key in
the headers AND the bodies of a log (request, response, logged error, and places the rules quote:
the model name, a tool name, an error message), run every output path, and assert none of them
appears anywhere.

Output paths: ``check`` text / json / github, ``fix`` (its report, its file and ``--diff``),
``export`` json / curl / python / markdown (stdout and ``-o``), ``convert`` native / anthropic,
``replay`` against the fake API (its stdout, stderr and the replay log), and the app: the screen,
``c`` (``app.clipboard``) and the export screen (copy and write).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.app.conftest import open_app, rendered
from tests.fakeapi import FakeAPI, Reply, message, sse_for
from tests.hardening.conftest import MODEL, cli
from tui.app.screens.export import ExportScreen

ANT = "sk-ant-api03-PLANTEDsweepKEY0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV-WXYZ"
BEARER = "Bearer PLANTEDbearer9f8e7d6c5b4a3210zyxwvutsrq"
AWS = "AKIAPLANTED7SWEEP42X"
GCP = ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7PLANTEDgcpKEYbody\n"
       "q2b3XyZ0PLANTEDsecondLINEofTHEprivateKEYxxxxxxxxxxxxxxxxxxxxxxxxxx==\n-----END PRIVATE KEY-----\n")
ENV_KEY = "sk-ant-api03-ENVIRONMENTkeyUSEDtoSEND0123456789abcdefghijklmnopqrstuvwxyz0123456789-ENVK"

# What must never appear: the part of each secret a mask does not keep (a mask keeps the kind
# prefix and the last four characters, e.g. "sk-ant-api03-…[REDACTED]…WXYZ").
FORBIDDEN = (ANT[13:-4], "PLANTEDbearer9f8e7d6c5b4a3210zyxwv", "PLANTED7SWEEP", "MIIEvQIBADANBgkqhkiG9w0",
             "PLANTEDsecondLINE", ENV_KEY[13:-4])


def _request() -> dict:
    return {
        "model": f"claude-custom-{ANT}",  # I001 quotes unknown model names
        "max_tokens": 300,
        "system": f"Deploy with ANTHROPIC_API_KEY={ANT} and the service account key {GCP}",
        "metadata": {"user_id": f"user with {BEARER}"},
        "tools": [{"name": "run_shell", "description": f"aws creds {AWS}",
                   "input_schema": {"type": "object", "properties": {"cmd": {"type": "string"}}}}],
        "messages": [
            {"role": "user", "content": f"My key is {ANT}; the AWS key id is {AWS}. Authorization: {BEARER}"},
            {"role": "assistant", "content": [
                {"type": "text", "text": f"Calling with {ANT}"},
                {"type": "tool_use", "id": "toolu_01Sweep", "name": f"use_{AWS}",  # an undeclared tool, quoted
                 "input": {"cmd": f"curl -H 'x-api-key: {ANT}'", "api_key": ANT, "private_key": GCP}}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01Sweep", "content": f"env: AWS_ACCESS_KEY_ID={AWS}\n{GCP}"},
                {"type": "text", "text": f"again: {BEARER}"}]},
        ],
    }


def _headers() -> dict:
    return {"x-api-key": ANT, "authorization": BEARER, "x-amz-security-token": AWS, "cookie": f"s={ANT}",
            "x-custom-echo": f"{AWS} {BEARER}", "anthropic-beta": "prompt-caching-2024-07-31"}


def write_log(path: Path) -> Path:
    response = message(f"Your key {ANT} and {AWS} are leaked; {BEARER}", model=MODEL)
    error = {"type": "error", "error": {"type": "authentication_error", "message": f"invalid x-api-key: {ANT}"},
             "request_id": "req_sweep"}
    records = [
        {"request": _request(), "response": response, "status": 200, "headers": _headers()},
        {"request": _request(), "error": error, "status": 401, "headers": _headers()},
        _request(),
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def assert_clean(where: str, text: str | bytes) -> None:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    assert text, f"{where}: no output at all"
    leaked = [s for s in FORBIDDEN if s in text or s in text.replace("\\n", "\n")]
    assert not leaked, f"{where} leaks {leaked}"


@pytest.mark.deadline(120)
def test_no_output_path_ever_shows_a_planted_secret(capsys, tmp_path, monkeypatch):
    log = write_log(tmp_path / "run.jsonl")
    # -- check ------------------------------------------------------------------------------------
    for fmt in ("text", "json", "github"):
        run = cli(capsys, "check", log, "--format", fmt)
        assert run.rc in (0, 1), run.err
        assert_clean(f"check --format {fmt}", run.out + run.err)
    assert "I001" in cli(capsys, "check", log).out  # the rule that quotes the model name did run
    # -- fix --------------------------------------------------------------------------------------
    run = cli(capsys, "fix", log, "--unsafe-fixes")
    assert_clean("fix report", run.out + run.err)
    assert_clean("fix output", (tmp_path / "run.fixed.jsonl").read_text())
    run = cli(capsys, "fix", log, "--unsafe-fixes", "--diff")
    assert_clean("fix --diff", run.out + run.err)
    # -- export -----------------------------------------------------------------------------------
    for record in (0, 1, 2):
        for fmt in ("json", "curl", "python", "markdown"):
            run = cli(capsys, "export", log, "--record", record, "--as", fmt)
            assert run.rc == 0, run.err
            assert_clean(f"export --record {record} --as {fmt}", run.out + run.err)
            out = tmp_path / f"export-{record}.{fmt}"
            cli(capsys, "export", log, "--record", record, "--as", fmt, "-o", out, "--fix")
            assert_clean(f"export -o ({fmt})", out.read_text())
    # -- convert ----------------------------------------------------------------------------------
    for to in ("native", "anthropic"):
        run = cli(capsys, "convert", log, "--to", to)
        assert_clean(f"convert --to {to}", run.out + run.err)
    # -- replay (the fake API echoes the secrets back in its answer and its headers) ----------------
    for var in ("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_LOG", "ANTHROPIC_CUSTOM_HEADERS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ENV_KEY)
    monkeypatch.setenv("HOME", str(tmp_path))
    echo = message(f"echo {ANT} {AWS} {BEARER} {ENV_KEY}")
    with FakeAPI([Reply(200, sse=sse_for(echo)),
                  Reply(200, echo, headers={"request-id": "req_1", "x-echo-key": ENV_KEY, "set-cookie": f"k={ANT}"}),
                  Reply(401, {"type": "error", "error": {"type": "authentication_error",
                                                          "message": f"invalid x-api-key: {ENV_KEY}"}})]) as api:
        replays = tmp_path / "replays.jsonl"
        for extra in (["--stream"], [], []):
            run = cli(capsys, "replay", log, "--record", 2, "--force", "--base-url", api.url,
                      "--save", replays, "--max-attempts", 1, *extra)
            assert_clean(f"replay {extra} stdout/stderr", run.out + run.err)
        assert len(api.received) == 3, [r.headers for r in api.received]
        sent = api.received[0].headers
        assert ENV_KEY in (sent.get("x-api-key"), sent.get("authorization", "").removeprefix("Bearer "))
    assert len(replays.read_text().splitlines()) == 3
    assert_clean("the replay log", replays.read_text())
    # -- the app ----------------------------------------------------------------------------------
    asyncio.run(_app_sweep(log, tmp_path))


def _region_text(app, selector: str) -> str:
    """What is drawn inside one widget of the current screen (not the screen under a modal)."""
    r = app.screen.query_one(selector).region
    return "\n".join(ln[r.x:r.right] for ln in rendered(app).splitlines()[r.y:r.bottom])


async def _app_sweep(log: Path, tmp_path: Path) -> None:
    async with open_app(log, record=0) as (app, pilot):
        await pilot.press("c")
        assert_clean("copy (c) of the selected node", app.clipboard)
        app.query_one("ConversationTree").reveal(("request",))
        await pilot.pause()
        await pilot.press("c")
        assert_clean("copy (c) of the request", app.clipboard)
        assert "REDACTED" in app.clipboard
        for fmt in ("json", "curl", "python", "markdown"):
            await pilot.press("x")
            screen = app.screen
            assert isinstance(screen, ExportScreen)
            screen.fmt = fmt
            assert_clean(f"export screen ({fmt})", _region_text(app, "#dialog"))
            await pilot.click("#copy")
            await pilot.pause()
            assert_clean(f"export screen copy ({fmt})", app.clipboard)
        await pilot.press("x")
        out = tmp_path / "from-app.sh"
        app.screen.fmt = "curl"
        app.screen.query_one("#path").value = str(out)
        await pilot.click("#write")
        await pilot.pause(0.2)
        assert_clean("export screen file", out.read_text())
        assert_clean("the app's notifications", "\n".join(str(n.message) for n in app._notifications))
        assert_clean("the status line", str(app.query_one("#status").render()))


async def test_the_apps_main_screen_masks_planted_secrets(tmp_path):
    log = write_log(tmp_path / "run.jsonl")
    async with open_app(log, record=0) as (app, pilot):
        assert_clean("the app's screen", rendered(app))
        app.query_one("ConversationTree").reveal(("request", "messages", 0))
        await pilot.pause()
        assert_clean("the app's screen (a message selected)", rendered(app))
