"""A scripted fake Messages API on 127.0.0.1 for replay tests (the real `anthropic` client talks to it).

Each test gives a script: one :class:`Reply` per expected request.  The server records what it
received (path, headers, raw body) and does what the reply says: a status with a JSON or raw
body, an SSE stream (optionally cut), a delay (to trigger client timeouts), a dropped
connection, a TCP reset in the middle of the body, a body that trickles one byte at a time under
a large ``content-length``, or silence.  Redirects are plain replies (a 3xx status and a
``location`` header).  Everything is bounded: at most ``max_requests`` are served, sleeps are
capped, and every wait ends when the test's ``with`` block does.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_DELAY = 10.0


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    """A dict/list is sent as JSON; bytes/str as-is."""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    """Close the connection without answering."""
    sse: list[tuple[str | None, Any]] | None = None
    """``(event name or None, data)`` pairs sent as ``text/event-stream``."""
    cut_after: int | None = None
    """With ``sse``: stop after this many events and close the connection."""
    pace: float = 0.0
    """With ``sse``: seconds between two events (a server that trickles; capped like ``delay``)."""
    reset_after: int | None = None
    """Send the headers and this many bytes of the body, then reset the connection (TCP RST)."""
    trickle: float = 0.0
    """Send the body one byte every ``trickle`` seconds (for at most MAX_DELAY seconds)."""
    content_length: int | None = None
    """The ``content-length`` to announce instead of the body's own (a huge one, with ``trickle``)."""
    silent: bool = False
    """Read the request, then answer nothing (until the test ends or MAX_DELAY has passed)."""


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw)


def message(text: str = "Hello!", *, model: str = "claude-sonnet-4-5-20250929", stop: str = "end_turn",
            content: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"id": "msg_01FakeReplayXyZ", "type": "message", "role": "assistant", "model": model,
            "content": content if content is not None else [{"type": "text", "text": text}],
            "stop_reason": stop, "stop_sequence": None,
            "usage": {"input_tokens": 21, "output_tokens": 7}}


def error(status: int, etype: str, msg: str, **headers: str) -> Reply:
    return Reply(status, {"type": "error", "error": {"type": etype, "message": msg},
                          "request_id": "req_011CFakeReplay"},
                 headers={"request-id": "req_011CFakeReplay", **headers})


def sse_for(msg: dict[str, Any]) -> list[tuple[str | None, Any]]:
    """The event sequence the API would stream for ``msg`` (text and tool_use blocks)."""
    start = {**msg, "content": [], "stop_reason": None, "usage": {"input_tokens": 21, "output_tokens": 1}}
    events: list[tuple[str | None, Any]] = [("message_start", {"type": "message_start", "message": start}),
                                            ("ping", {"type": "ping"})]
    for i, block in enumerate(msg["content"]):
        if block["type"] == "text":
            events.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                   "content_block": {"type": "text", "text": ""}}))
            for part in (block["text"][: len(block["text"]) // 2], block["text"][len(block["text"]) // 2:]):
                events.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                       "delta": {"type": "text_delta", "text": part}}))
        else:
            events.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                   "content_block": {**block, "input": {}}}))
            events.append(("content_block_delta", {"type": "content_block_delta", "index": i, "delta": {
                "type": "input_json_delta", "partial_json": json.dumps(block["input"])}}))
        events.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
    events.append(("message_delta", {"type": "message_delta", "delta": {"stop_reason": msg["stop_reason"],
                                                                        "stop_sequence": None},
                                     "usage": {"output_tokens": 7}}))
    events.append(("message_stop", {"type": "message_stop"}))
    return events


class FakeAPI:
    """``with FakeAPI([Reply(...), ...]) as api: ... api.url ... api.received``."""

    def __init__(self, script: list[Reply] | Callable[[Received], Reply], *, max_requests: int = 50) -> None:
        self.script = script
        self.max_requests = max_requests
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        """Set when the ``with`` block ends: every wait of a handler stops then."""

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def _next(self, rec: Received) -> Reply:
        with self._lock:
            self.received.append(rec)
            n = len(self.received)
        if n > self.max_requests:
            return error(500, "api_error", "fake server: request budget exhausted")
        if callable(self.script):
            return self.script(rec)
        if n <= len(self.script):
            return self.script[n - 1]
        return error(500, "api_error", f"fake server: no scripted reply for request {n}")

    def __enter__(self) -> FakeAPI:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                reply = api._next(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, raw))
                if reply.delay:
                    api._stopping.wait(min(reply.delay, MAX_DELAY))
                if reply.silent:
                    api._stopping.wait(MAX_DELAY)
                    self.close_connection = True
                    return
                if reply.drop:
                    self.close_connection = True
                    self.connection.close()
                    return
                if reply.sse is not None:
                    self._stream(reply)
                    return
                body = reply.body
                data = (json.dumps(body).encode() if isinstance(body, (dict, list))
                        else body.encode() if isinstance(body, str) else body or b"")
                self.send_response(reply.status)
                ctype = "application/json" if isinstance(body, (dict, list)) else "text/html"
                self.send_header("content-type", reply.headers.get("content-type", ctype))
                for k, v in reply.headers.items():
                    if k.lower() != "content-type":
                        self.send_header(k, v)
                self.send_header("content-length", str(reply.content_length or len(data)))
                self.end_headers()
                if reply.reset_after is not None:
                    self._reset(data[: reply.reset_after])
                elif reply.trickle:
                    self._trickle(data, reply.trickle)
                else:
                    self.wfile.write(data)

            def _reset(self, part: bytes) -> None:
                """Send ``part``, then close with SO_LINGER 0: the kernel answers with a RST."""
                self.wfile.write(part)
                self.wfile.flush()
                api._stopping.wait(0.05)  # let the client start reading the body
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()

            def _trickle(self, data: bytes, every: float) -> None:
                self.close_connection = True
                started = time.monotonic()
                for i in range(len(data)):
                    if api._stopping.is_set() or time.monotonic() - started > MAX_DELAY:
                        return
                    try:
                        self.wfile.write(data[i:i + 1])
                        self.wfile.flush()
                    except OSError:  # the client gave up (its deadline): done
                        return
                    api._stopping.wait(every)

            def _stream(self, reply: Reply) -> None:
                self.send_response(reply.status)
                self.send_header("content-type", "text/event-stream")
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.send_header("connection", "close")
                if reply.trickle:  # a stream that never completes a line in time
                    self.end_headers()
                    self._trickle(b"".join((f"event: {n}\n" if n else "").encode()
                                           + f"data: {json.dumps(d)}\n\n".encode()
                                           for n, d in reply.sse or []), reply.trickle)
                    return
                self.end_headers()
                self.close_connection = True
                events = reply.sse or []
                if reply.cut_after is not None:
                    events = events[: reply.cut_after]
                started = time.monotonic()
                for name, data in events:
                    chunk = (f"event: {name}\n" if name else "") + f"data: {json.dumps(data)}\n\n"
                    try:
                        self.wfile.write(chunk.encode())
                        self.wfile.flush()
                    except OSError:  # the client stopped reading (a replay limit): done
                        return
                    if reply.pace and time.monotonic() - started < MAX_DELAY:
                        time.sleep(reply.pace)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # the client hung up (a timeout test): nothing to report

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self._server is not None and self._thread is not None
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
