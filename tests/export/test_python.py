"""The Python SDK snippet: its body literal round-trips any JSON, and it really runs with the SDK."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.export import agent_request
from tui.core.export.python import py_literal, str_literal, to_python

KEY = "sk-ant-api03-snippet-test-key-0000"


def canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=True)


class _FakeClient:
    """Stands in for ``anthropic.Anthropic`` when the snippet is exec'd in-process."""

    calls: list[dict[str, Any]] = []
    made: list[dict[str, Any]] = []

    def __init__(self, **kwargs: Any) -> None:
        _FakeClient.made.append(kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        _FakeClient.calls.append({"path": path, **kwargs})
        if kwargs.get("stream"):
            return iter([types.SimpleNamespace(to_json=lambda indent=None: '{"type": "message_stop"}')])
        return types.SimpleNamespace(to_json=lambda: '{"id": "msg_fake"}')


def exec_snippet(code: str) -> dict[str, Any]:
    """Run the whole snippet against a fake ``anthropic`` module; return its globals."""
    fake = types.ModuleType("anthropic")
    fake.Anthropic = _FakeClient  # type: ignore[attr-defined]
    fake.Stream = {object: object}  # type: ignore[attr-defined]
    fake.types = types.SimpleNamespace(  # type: ignore[attr-defined]
        Message=object, RawMessageStreamEvent=object)
    _FakeClient.calls = []
    _FakeClient.made = []
    saved = sys.modules.get("anthropic")
    sys.modules["anthropic"] = fake
    try:
        scope: dict[str, Any] = {"__name__": "__snippet__", "print": lambda *a, **k: None}
        exec(compile(code, "<snippet>", "exec"), scope)
    finally:
        if saved is None:
            sys.modules.pop("anthropic", None)
        else:
            sys.modules["anthropic"] = saved
    return scope


TRICKY_STRINGS = [
    "", "'", '"', "'''", '"""', "\\", "ends with a backslash \\", "a\nb\r\nc\td", "\x00\x01\x1f\x7f\x85",
    "emoji 🌧️ 👨‍👩‍👧 café", "lone \ud83d surrogate", "\u2028\u2029 separators", "{not} an f-string {0}",
    "\\N{BULLET} stays literal", "$HOME `id`",
]


def tricky_body() -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-5",
        "max_tokens": 2**70,
        "temperature": 0.1,
        "top_p": -0.0,
        "tiny": 5e-324,
        "huge": 1.7976931348623157e308,
        "nan": float("nan"),
        "inf": [float("inf"), float("-inf")],
        "flags": [True, False, None, 0, 1, 1.0],
        "empty": [{}, [], ""],
        "stop_sequences": TRICKY_STRINGS,
        "messages": [{"role": "user", "content": [{"type": "text", "text": s} for s in TRICKY_STRINGS]}],
        "odd keys": {"'": 1, '"': 2, "\\": 3, "🌧": 4, "\ud800": 5},
    }


def test_to_python_body_literal_round_trips_tricky_json_exactly():
    body = tricky_body()
    scope = exec_snippet(to_python(body))
    assert canon(scope["body"]) == canon(body)
    assert math.copysign(1, scope["body"]["top_p"]) == -1
    assert type(scope["body"]["flags"][5]) is float and type(scope["body"]["flags"][3]) is int


def test_to_python_sends_the_body_verbatim_through_the_generic_post():
    body = {"model": "m", "max_tokens": 5, "temperature": 0.3, "x_future_field": {"a": 1},
            "messages": [{"role": "user", "content": "hi"}]}
    code = to_python(body)
    exec_snippet(code)
    [call] = _FakeClient.calls
    assert call["path"] == "/v1/messages"
    assert call["body"] == body and list(call["body"]) == list(body)
    assert "client = anthropic.Anthropic()  # reads ANTHROPIC_API_KEY" in code
    assert 'client.post("/v1/messages", body=body, cast_to=anthropic.types.Message)' in code
    assert "print(message.to_json())" in code
    assert "messages.create(**body)" not in code.split('"""')[-1]


def test_to_python_sends_the_logged_version_and_betas_as_default_headers():
    body = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
    exec_snippet(to_python(body, api_version="2023-06-01", beta=["files-api-2025-04-14"]))
    assert _FakeClient.made == [{"default_headers": {"anthropic-version": "2023-06-01",
                                                     "anthropic-beta": "files-api-2025-04-14"}}]
    exec_snippet(to_python(body))  # nothing logged: the SDK's own version
    assert _FakeClient.made == [{}]


def test_to_python_streams_when_the_body_asks_for_it():
    code = to_python({"model": "m", "max_tokens": 5, "stream": True, "messages": []})
    exec_snippet(code)
    [call] = _FakeClient.calls
    assert call["stream"] is True
    assert "stream_cls=anthropic.Stream[anthropic.types.RawMessageStreamEvent]" in code


def test_to_python_falls_back_to_json_loads_for_very_deep_bodies():
    deep: Any = "bottom"
    for _ in range(150):
        deep = {"k": [deep]}
    body = {"model": "m", "messages": [], "deep": deep}
    code = to_python(body)
    assert "body = json.loads(\n" in code and "import json" in code
    assert canon(exec_snippet(code)["body"]) == canon(body)


def test_str_literal_reads_like_json_when_it_can():
    assert str_literal('say "hi"\n') == '"say \\"hi\\"\\n"'
    assert str_literal("lone \ud83d") == repr("lone \ud83d")
    assert eval(str_literal("zwj 👨‍👩‍👧")) == "zwj 👨‍👩‍👧"  # noqa: S307 - our own literal


def test_py_literal_is_indented_like_json():
    assert py_literal({"a": [1, {"b": None}], "c": {}}) == (
        '{\n    "a": [\n        1,\n        {\n            "b": None,\n        },\n    ],\n'
        '    "c": {},\n}'
    )


def test_to_python_leaves_the_key_to_the_environment(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    code = to_python({"model": "m", "max_tokens": 1, "messages": []})
    assert KEY not in code and "api_key" not in code
    assert "anthropic.Anthropic()" in code


# -- the real SDK against a local fake API ----------------------------------------------------------------

MESSAGE = {"id": "msg_01FakeReply", "type": "message", "role": "assistant", "model": "m",
           "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn",
           "stop_sequence": None, "usage": {"input_tokens": 3, "output_tokens": 1}}
SSE = "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in [
    {"type": "message_start", "message": {**MESSAGE, "content": [], "stop_reason": None}},
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "ok"}},
    {"type": "content_block_stop", "index": 0},
    {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
     "usage": {"output_tokens": 1}},
    {"type": "message_stop"},
])


class _Api(BaseHTTPRequestHandler):
    seen: list[tuple[str, dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        data = self.rfile.read(int(self.headers.get("content-length", 0)))
        _Api.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}, data))
        streaming = json.loads(data).get("stream") is True
        payload = (SSE if streaming else json.dumps(MESSAGE)).encode()
        self.send_response(200)
        self.send_header("content-type", "text/event-stream" if streaming else "application/json")
        self.send_header("content-length", str(len(payload)))
        self.send_header("request-id", "req_fake")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def fake_api():
    _Api.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _run_snippet(code: str, base_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "replay.py"
    script.write_text(code, "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY") and k != "ANTHROPIC_LOG"}
    env |= {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": base_url, "NO_PROXY": "127.0.0.1"}
    return subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_snippet_runs_with_the_real_sdk_and_sends_the_body_verbatim(fake_api, tmp_path: Path):
    body = agent_request() | {"temperature": 0.2, "x_logged_extra": [1, "two"]}
    run = _run_snippet(to_python(body), fake_api, tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["id"] == "msg_01FakeReply"
    [(path, headers, data)] = _Api.seen
    assert path == "/v1/messages"
    sent = json.loads(data)
    assert sent == body and list(sent) == list(body)  # unknown keys kept, key order kept
    assert KEY in headers.get("x-api-key", "") + headers.get("authorization", "")


def test_the_streaming_snippet_runs_with_the_real_sdk(fake_api, tmp_path: Path):
    body = {"model": "m", "max_tokens": 5, "stream": True,
            "messages": [{"role": "user", "content": "hi"}]}
    run = _run_snippet(to_python(body), fake_api, tmp_path)
    assert run.returncode == 0, run.stderr
    events = [json.loads(line)["type"] for line in run.stdout.splitlines()]
    assert events[0] == "message_start" and events[-1] == "message_stop"
    assert json.loads(_Api.seen[0][2]) == body
