"""``payload-doctor proxy``: a recording, pre-flight proxy in front of the Messages API.

Point any client at it (``ANTHROPIC_BASE_URL=http://127.0.0.1:8788``: the SDKs, Claude Code,
curl).  Every request — any path, method, query and header — goes to the upstream unchanged and
the answer comes back as it arrives, chunk by chunk (an SSE stream is never buffered; the bytes
are the upstream's, compression included).  Around that:

* ``--log FILE.jsonl`` appends one native JSONL exchange per call, one complete line at a time
  (the file can be opened while it grows): the request, the response (a stream reassembled into
  its final Message, a cut one recorded as such) or the error, status, timing, request id, and
  the headers redacted — the API key passes through and is never written.
* ``--mode warn`` checks each Messages request with the rule catalog and records the findings;
  ``block`` answers a request with error findings itself — HTTP 400 with the envelope the API
  sends (``invalid_request_error``, the first error's text, a ``request_id`` marked local) —
  without calling the upstream; ``repair`` forwards the body with its safe fixes applied and logs
  both.  ``record`` (the default) checks nothing.
* In every checking mode a body byte-identical to one the upstream already rejected as
  structurally wrong (a 400 it will give again) is answered from memory and never re-sent: the
  retry storm stops at the proxy.  The log keeps every attempt, so ``check`` on it shows the L
  findings (re-sends after a 400, retries without backoff).
* One line per call on stderr: method, path, status, latency, findings, ``blocked`` /
  ``repaired`` / ``answered from memory``.

Built on aiohttp, server and client both (see the commit that added it): one well-kept library
that streams in both directions without an ASGI server beside it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from aiohttp import ClientSession, ClientTimeout, web

from tui.core.calllog import CallLog, finding_refs
from tui.core.check import check_body
from tui.core.errors import ErrorClass, classify, parse_error_body
from tui.core.findings import Finding, Severity
from tui.core.formats.base import JSON_ERRORS, parse_json
from tui.core.redact import redact_text, redact_value
from tui.core.repair.planner import fix_payload

__all__ = ["MODES", "Proxy", "ProxyConfig", "running", "serve"]

MODES = ("record", "warn", "block", "repair")
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                        "trailer", "transfer-encoding", "upgrade", "host", "content-length"})
LOGGED_BODY_LIMIT = 64 << 20
"""Bytes of a response kept for the log; the client always gets all of it."""
REJECTED_MEMORY = 1000
"""Bodies remembered as structurally rejected (the oldest are forgotten first)."""


@dataclass
class ProxyConfig:
    upstream: str = "https://api.anthropic.com"
    mode: str = "record"
    log: Path | None = None
    stderr: TextIO = field(default_factory=lambda: sys.stderr)


@dataclass
class _Rejected:
    status: int
    body: bytes
    content_type: str


def _is_messages(method: str, path: str) -> bool:
    return method == "POST" and path.rstrip("/").endswith("/v1/messages")


class Proxy:
    """The aiohttp application and its state (the log, the remembered rejections)."""

    def __init__(self, config: ProxyConfig) -> None:
        if config.mode not in MODES:
            raise ValueError(f"--mode must be one of {', '.join(MODES)}")
        self.config = config
        self.upstream = config.upstream.rstrip("/")
        self.rejected: OrderedDict[str, _Rejected] = OrderedDict()
        self.log = CallLog(config.log) if config.log is not None else None
        self.session: ClientSession | None = None
        self.app = web.Application(client_max_size=64 << 20)
        self.app.router.add_route("*", "/{tail:.*}", self.handle)
        self.app.on_startup.append(self._start)
        self.app.on_cleanup.append(self._stop)

    async def _start(self, _app: web.Application) -> None:
        # auto_decompress=False: the client gets the upstream's bytes as they were sent.
        self.session = ClientSession(auto_decompress=False, timeout=ClientTimeout(total=None, sock_connect=30))

    async def _stop(self, _app: web.Application) -> None:
        if self.session is not None:
            await self.session.close()

    # -- one call ------------------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        raw = await request.read()
        path = request.rel_url.path
        checking = self.config.mode != "record" and _is_messages(request.method, path)
        body: Any = None
        findings: list[Finding] = []
        note = ""
        sent = raw
        extra: dict[str, Any] = {}
        # What the client sent, hashed: a re-send is recognised by it, repaired or not.
        key = hashlib.sha256(raw).hexdigest() if checking else ""
        headers = {k.lower(): v for k, v in request.headers.items()}
        if checking:
            try:
                body = parse_json(raw) if raw else None
            except JSON_ERRORS:
                body = None
            if isinstance(body, dict):
                findings = check_body(body, headers)
            remembered = self.rejected.get(key)
            if remembered is not None:
                self._log(request, body, None, remembered.status, remembered.body, started, findings,
                          extra={"answered_from_memory": True})
                self._line(request, remembered.status, started, findings, "answered from memory (a re-send "
                           "of a body the upstream rejected)")
                return web.Response(status=remembered.status, body=remembered.body,
                                    headers={"content-type": remembered.content_type,
                                             "x-payload-doctor": "rejected-before: not re-sent"})
            errors = [f for f in findings if f.severity is Severity.ERROR]
            if errors and self.config.mode == "block":
                return self._block(request, body, errors, findings, started)
            if self.config.mode == "repair" and isinstance(body, dict) and any(f.fix for f in findings):
                result = fix_payload(body)
                if result.applied:
                    sent = json.dumps(result.fixed, ensure_ascii=False).encode()
                    codes = sorted({a.code for a in result.applied})
                    note = f"repaired ({', '.join(codes)})"
                    # The log keeps both: the body as sent (checked again) and the one received.
                    extra = {"repaired": [{"code": a.code, "path": a.path, "title": a.title} for a in result.applied],
                             "original_request": redact_value(body),
                             "original_findings": [{"code": f.code, "path": f.dotted} for f in findings]}
                    body, findings = result.fixed, check_body(result.fixed, headers)
        return await self._forward(request, sent, body, findings, started, note, key, extra)

    def _block(self, request: web.Request, body: Any, errors: list[Finding], findings: list[Finding],
               started: float) -> web.Response:
        first = errors[0]
        rid = f"req_local_payload_doctor_{uuid.uuid4().hex[:16]}"
        message = first.api_error or (f"{first.dotted}: {first.message}" if first.dotted else first.message)
        envelope = {"type": "error", "error": {"type": "invalid_request_error", "message": message},
                    "request_id": rid}
        data = json.dumps(envelope).encode()
        self._log(request, body, None, 400, data, started, findings, extra={"blocked": True}, request_id=rid)
        self._line(request, 400, started, findings, f"blocked ({', '.join(sorted({f.code for f in errors}))})")
        return web.Response(status=400, body=data, headers={"content-type": "application/json",
                                                            "request-id": rid, "x-should-retry": "false"})

    async def _forward(self, request: web.Request, sent: bytes, body: Any, findings: list[Finding], started: float,
                       note: str, key: str, extra: dict[str, Any]) -> web.StreamResponse:
        assert self.session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        url = self.upstream + str(request.rel_url)
        try:
            upstream = await self.session.request(request.method, url, headers=headers, data=sent,
                                                  allow_redirects=False)
        except Exception as exc:  # noqa: BLE001 - an upstream that cannot be reached is the client's 502
            text = f"payload-doctor proxy: the upstream {self.upstream} could not be reached ({type(exc).__name__})"
            self._log(request, body, None, 502, text.encode(), started, findings,
                      extra={**extra, "upstream_error": redact_text(str(exc))})
            self._line(request, 502, started, findings, "upstream unreachable")
            return web.Response(status=502, text=text)
        out = web.StreamResponse(status=upstream.status, reason=upstream.reason)
        for k, v in upstream.headers.items():
            if k.lower() not in HOP_BY_HOP:
                out.headers.add(k, v)
        await out.prepare(request)
        kept = bytearray()
        cut = None
        try:
            async for chunk in upstream.content.iter_any():
                await out.write(chunk)
                if len(kept) < LOGGED_BODY_LIMIT:
                    kept += chunk[: LOGGED_BODY_LIMIT - len(kept)]
            await out.write_eof()
        except (ConnectionError, asyncio.CancelledError) as exc:
            cut = f"the stream was cut ({type(exc).__name__})"
            raise
        except Exception as exc:  # noqa: BLE001 - the upstream dropped the body mid-way
            cut = f"the upstream stream failed ({type(exc).__name__})"
        finally:
            upstream.release()
            data = bytes(kept)
            self._log(request, body, upstream.headers, upstream.status, data, started, findings,
                      extra={**extra, "stream_cut": cut} if cut else extra,
                      encoded=upstream.headers.get("content-encoding"))
            if key and upstream.status in (400, 404, 413, 422):
                self._remember(key, upstream.status, data, upstream.headers.get("content-type", "application/json"))
            self._line(request, upstream.status, started, findings, note or (cut or ""))
        return out

    def _remember(self, key: str, status: int, data: bytes, content_type: str) -> None:
        try:
            err_body: Any = json.loads(data)
        except ValueError:
            err_body = data.decode("utf-8", "replace")
        err = parse_error_body(err_body, status)
        if err is None or classify(err.status, err.type, err.message) is not ErrorClass.STRUCTURAL:
            return
        self.rejected[key] = _Rejected(status, data, content_type)
        while len(self.rejected) > REJECTED_MEMORY:
            self.rejected.popitem(last=False)

    # -- the log and the console ----------------------------------------------------------------
    def _log(self, request: web.Request, body: Any, response_headers: Any, status: int | None, data: bytes,
             started: float, findings: list[Finding], *, extra: dict[str, Any] | None = None,
             request_id: str | None = None, encoded: str | None = None) -> None:
        if self.log is None:
            return
        proxy = {"mode": self.config.mode, "method": request.method, "path": redact_text(str(request.rel_url)),
                 **(extra or {}), "findings": finding_refs(findings)}
        notes = {"response_note": f"the response was {encoded}-encoded; the proxy passed it on as it was"} \
            if encoded else {}
        self.log.append(request=body, request_headers=dict(request.headers), status=status,
                        response_headers=dict(response_headers) if response_headers is not None else None,
                        body=data.decode("utf-8", "replace") if data and not encoded else None,
                        duration_ms=round((time.monotonic() - started) * 1000, 1), request_id=request_id,
                        extra={"proxy": proxy, **notes})

    def _line(self, request: web.Request, status: int, started: float, findings: list[Finding], note: str) -> None:
        ms = (time.monotonic() - started) * 1000
        errors = sum(f.severity is Severity.ERROR for f in findings)
        counted = f"{len(findings)} finding{'s' * (len(findings) != 1)}" + (
            f" ({errors} error{'s' * (errors != 1)})" if errors else "")
        parts = [request.method, redact_text(request.rel_url.path), str(status), f"{ms:.0f} ms", counted]
        if note:
            parts.append(note)
        print("  ".join(parts), file=self.config.stderr, flush=True)


@contextmanager
def running(config: ProxyConfig, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """The proxy in a background thread with its own event loop, for tests, benchmarks and
    embedding: yields its URL (``port=0`` picks a free port) and stops it on exit."""
    proxy = Proxy(config)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    box: dict[str, Any] = {}

    async def start() -> None:
        runner = web.AppRunner(proxy.app)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        box["runner"] = runner
        bound_host, bound_port = runner.addresses[0][:2]
        box["url"] = f"http://{bound_host}:{bound_port}"

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(start())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            box["error"] = exc
            ready.set()
            return
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="payload-doctor-proxy", daemon=True)
    thread.start()
    if not ready.wait(30):
        raise RuntimeError("the proxy did not start within 30 s")
    if "error" in box:
        raise box["error"]
    try:
        yield box["url"]
    finally:
        asyncio.run_coroutine_threadsafe(box["runner"].cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)


def serve(host: str, port: int, config: ProxyConfig) -> None:
    """Run until Ctrl-C (the calls in flight complete first); OSError when the port is taken."""
    proxy = Proxy(config)
    print(f"payload-doctor proxy on http://{host}:{port} -> {proxy.upstream} (mode {config.mode}"
          + (f", logging to {config.log}" if config.log else "") + f"); set ANTHROPIC_BASE_URL=http://{host}:{port}",
          file=config.stderr, flush=True)
    web.run_app(proxy.app, host=host, port=port, print=None, shutdown_timeout=30, handle_signals=True)
