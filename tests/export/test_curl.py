"""The curl export, run for real through a shell with a stub ``curl`` that records what it got."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.export import agent_request
from tui.core.check import check_request
from tui.core.export.curl import heredoc_delimiter, to_curl

ENV_KEY = "sk-ant-api03-from-the-environment-at-run-time-0000"

STUB = """#!/bin/sh
cat > "$STUB_DIR/stdin.json"
for a in "$@"; do printf '%s\\0' "$a"; done > "$STUB_DIR/args.bin"
"""

TRICKY = [
    "it's a 'quoted' string",
    'she said "hello"',
    "line one\nline two\r\nline three\ttabbed",
    "$HOME and ${PATH} and $(rm -rf /) and $ANTHROPIC_API_KEY",
    "`backticks` and \\ backslashes \\n (not a newline) and !history !!",
    "JSON",
    "\nJSON\n",
    "JSON_BODY and JSON_BODY_1",
    "emoji 🌧️👨‍👩‍👧 café ñ 中文 \u2028 \u0000 \x7f",
    "<<'JSON' heredoc in the text EOF",
]


def run_shell(command: str, tmp_path: Path, shell: str = "bash") -> tuple[Any, list[str]]:
    """Run ``command`` with the stub curl first on PATH; return (parsed stdin, argv)."""
    stub_dir = tmp_path / "bin"
    stub_dir.mkdir(exist_ok=True)
    stub = stub_dir / "curl"
    stub.write_text(STUB)
    stub.chmod(0o755)
    env = {"PATH": f"{stub_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
           "ANTHROPIC_API_KEY": ENV_KEY, "HOME": "/home/someone", "STUB_DIR": str(stub_dir),
           "LC_ALL": "C.UTF-8"}
    script = tmp_path / "export.sh"
    script.write_bytes(command.encode("utf-8"))
    run = subprocess.run([shell, str(script)], env=env, capture_output=True, timeout=60)
    assert run.returncode == 0, run.stderr.decode()
    data = (stub_dir / "stdin.json").read_bytes().decode("utf-8")
    args = (stub_dir / "args.bin").read_bytes().decode("utf-8").split("\0")[:-1]
    return json.loads(data), args


def tricky_body() -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "temperature": 0.7,
        "stop_sequences": TRICKY,
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": t} for t in TRICKY]},
            {"role": "assistant", "content": "x" * 1_000_000},
            {"role": "user", "content": "lone surrogate \ud83d survives as an escape"},
        ],
    }


def test_to_curl_body_survives_bash_byte_for_byte(tmp_path: Path):
    body = tricky_body()
    command = to_curl(body)
    sent, args = run_shell(command, tmp_path)
    assert sent == body
    assert args[0] == "https://api.anthropic.com/v1/messages"
    headers = [args[i + 1] for i, a in enumerate(args) if a == "--header"]
    assert headers == ["content-type: application/json", "anthropic-version: 2026-10-21",
                       f"x-api-key: {ENV_KEY}"]
    assert args[-2:] == ["--data-binary", "@-"]


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="no /bin/sh")
def test_to_curl_runs_in_a_plain_posix_sh(tmp_path: Path):
    body = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": TRICKY[3] + TRICKY[4]}]}
    sent, args = run_shell(to_curl(body), tmp_path, shell="/bin/sh")
    assert sent == body
    assert f"x-api-key: {ENV_KEY}" in args


def test_to_curl_reads_the_key_at_run_time_and_never_inlines_it(tmp_path: Path):
    command = to_curl({"model": "m", "max_tokens": 1, "messages": []})
    assert '--header "x-api-key: $ANTHROPIC_API_KEY"' in command
    assert ENV_KEY not in command
    _, args = run_shell(command, tmp_path)
    assert f"x-api-key: {ENV_KEY}" in args


def test_to_curl_adds_beta_headers_and_a_custom_base_url(tmp_path: Path):
    command = to_curl({"model": "m"}, base_url="http://127.0.0.1:8080/proxy/",
                      beta=["prompt-caching-2024-07-31", "output-128k-2025-02-19"])
    assert command.splitlines()[0] == "curl http://127.0.0.1:8080/proxy/v1/messages \\"
    _, args = run_shell(command, tmp_path)
    assert args[0] == "http://127.0.0.1:8080/proxy/v1/messages"
    assert "anthropic-beta: prompt-caching-2024-07-31,output-128k-2025-02-19" in args


def test_to_curl_quotes_a_hostile_beta_value(tmp_path: Path):
    _, args = run_shell(to_curl({"model": "m"}, beta=['x"; echo $HOME `id`']), tmp_path)
    assert 'anthropic-beta: x"; echo $HOME `id`' in args


def test_heredoc_delimiter_never_occurs_in_the_body():
    assert heredoc_delimiter('{"a": 1}') == "JSON"
    assert heredoc_delimiter('{"a": "JSON"}') == "JSON_BODY"
    assert heredoc_delimiter('{"a": "JSON JSON_BODY JSON_BODY_1"}') == "JSON_BODY_2"
    body = {"messages": [{"role": "user", "content": "JSON_BODY JSON"}]}
    command = to_curl(body)
    assert "<<'JSON_BODY_1'\n" in command and command.endswith("\nJSON_BODY_1\n")


def test_to_curl_layout_is_the_documented_one():
    command = to_curl({"model": "m", "max_tokens": 1})
    assert command == (
        "curl https://api.anthropic.com/v1/messages \\\n"
        '  --header "content-type: application/json" \\\n'
        '  --header "anthropic-version: 2026-10-21" \\\n'
        '  --header "x-api-key: $ANTHROPIC_API_KEY" \\\n'
        "  --data-binary @- <<'JSON'\n"
        '{\n  "model": "m",\n  "max_tokens": 1\n}\n'
        "JSON\n"
    )


def test_the_json_sent_by_the_exported_command_checks_the_same_as_the_input(tmp_path: Path):
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    body = agent_request()
    sent, _ = run_shell(to_curl(body), tmp_path)
    expected = [(f.code, f.path, f.api_error) for f in check_request(body)]
    assert expected, "the sample request is meant to be broken"
    assert [(f.code, f.path, f.api_error) for f in check_request(sent)] == expected


def test_to_curl_sends_the_logged_version_else_the_sdks():
    from tui.core.apishapes import sdk_api_version

    body = {"model": "claude-haiku-4-5", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}
    assert '--header "anthropic-version: 2023-06-01"' in to_curl(body, api_version="2023-06-01")
    assert f'--header "anthropic-version: {sdk_api_version()}"' in to_curl(body)
    assert sdk_api_version() == "2026-10-21"  # what the pinned anthropic SDK sends
