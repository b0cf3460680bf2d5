"""Catch a broken payload before it is sent: the public function API and the client guard.

For any code that builds Messages requests::

    from tui.guard import check_request, repair_request
    findings = check_request(body)              # list[Finding]: code, severity, dotted path, message, fix
    body, applied = repair_request(body)        # the safe fixes applied (unsafe=True for all)

For the official client, one line::

    from tui.guard import guard
    client = guard(anthropic.Anthropic(), mode="block", log="calls.jsonl")

Every Messages call of the returned client is checked with the rule catalog before it leaves:
``block`` raises :class:`PayloadRejected` (carrying the findings) when a rule says the API would
reject the body, and nothing is sent; ``warn`` sends it and logs the findings on the
``payload_doctor.guard`` logger; ``repair`` applies the safe fixes (``unsafe=True``: all of them)
and sends the repaired body.  ``log`` appends one native JSONL exchange per call — the body as
sent, status, timing, request id, redacted headers, the findings and what was repaired — so the
file opens in ``payload-doctor`` and ``payload-doctor check`` like any log.

It goes through the SDK's own middleware (``client.with_middleware``), which runs once per
attempt inside the SDK's retry loop, for sync and async clients and for streaming calls; an
exception a middleware raises reaches the caller as it is, so a blocked call is never retried.
No method of the client is patched.  A streamed response is passed through untouched: the log
records its status, not its events.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, Literal

import anthropic

from tui.core.calllog import CallLog, finding_refs
from tui.core.check import check_body
from tui.core.formats.claude_trace import url_path
from tui.core.findings import Finding, Severity
from tui.core.repair.planner import Applied, fix_payload

__all__ = ["Mode", "PayloadGuard", "PayloadRejected", "check_request", "guard", "repair_request"]

Mode = Literal["block", "warn", "repair"]
MODES: tuple[Mode, ...] = ("block", "warn", "repair")
logger = logging.getLogger("payload_doctor.guard")


def check_request(body: Any, *, headers: dict[str, str] | None = None) -> list[Finding]:
    """Every finding for a Messages request ``body``, sorted by position then severity.

    ``headers`` are the request headers it will be sent with (``anthropic-beta`` decides whether
    a beta-only field is allowed).  The body is not changed.
    """
    return check_body(body, headers)


def repair_request(body: Any, unsafe: bool = False) -> tuple[Any, list[Applied]]:
    """``(repaired body, the fixes applied)``: the safe fixes (``unsafe=True``: every fix) applied
    until the body is stable.  ``body`` itself is never modified; with nothing to fix the same
    value comes back with an empty list."""
    result = fix_payload(body, unsafe=unsafe)
    return result.fixed, list(result.applied)


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


class PayloadRejected(anthropic.AnthropicError):
    """A guarded client refused to send a body the API would reject (``mode="block"``).

    ``findings`` holds every finding, ``errors`` the error-severity ones (the first is in the
    message), ``body`` the request as it would have been sent.  Nothing reached the network.
    """

    def __init__(self, findings: list[Finding], body: Any) -> None:
        self.findings = findings
        self.errors = errors(findings)
        self.body = body
        first = self.errors[0]
        n = len(self.errors)
        more = f" (and {n - 1} more error{'s' * (n != 2)})" if n > 1 else ""
        super().__init__(f"not sent: {first.code} at {first.dotted or 'the top level'}: {first.message}{more}")


def _is_messages_call(request: anthropic.APIRequest) -> bool:
    path = url_path(str(request.url))
    return request.method.lower() == "post" and path.endswith("/v1/messages") and isinstance(request.json, dict)


class PayloadGuard(anthropic.Middleware):
    """The middleware behind :func:`guard`; use it directly to combine it with other middleware."""

    def __init__(self, mode: Mode = "block", *, log: str | Path | None = None, unsafe: bool = False) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode
        self.unsafe = unsafe
        self.log = CallLog(log) if log is not None else None

    # -- the middleware ------------------------------------------------------------------------
    def handle(self, request: anthropic.APIRequest, call_next: Any) -> Any:
        if not _is_messages_call(request):
            return call_next(request)
        started = time.monotonic()
        request, findings, applied = self._before(request)
        response = call_next(request)
        self._after(request, response, findings, applied, started, response_body=self._body_of(response, request))
        return response

    async def handle_async(self, request: anthropic.APIRequest, call_next: Any) -> Any:
        if not _is_messages_call(request):
            return await call_next(request)
        started = time.monotonic()
        request, findings, applied = self._before(request)
        response = await call_next(request)
        body = None
        if not request.stream and self.log is not None:
            await response.http_response.aread()
            body = self._text(response.http_response.content)
        self._after(request, response, findings, applied, started, response_body=body)
        return response

    # -- steps ---------------------------------------------------------------------------------
    def _before(self, request: anthropic.APIRequest) -> tuple[anthropic.APIRequest, list[Finding], list[Applied]]:
        headers = {k: v for k, v in dict(request.headers).items() if isinstance(v, str)}
        body = request.json
        findings = check_request(body, headers=headers)
        applied: list[Applied] = []
        if errors(findings) and self.mode == "block":
            self._write(request, findings, applied, blocked=True)
            raise PayloadRejected(findings, body)
        if self.mode == "repair" and any(f.fix is not None for f in findings):
            fixed, applied = repair_request(body, unsafe=self.unsafe)
            if applied:
                request = request.copy(body=fixed)
                logger.info("repaired before sending: %s", ", ".join(f"{a.code} {a.path}" for a in applied))
        if findings and self.mode == "warn":
            for f in findings:
                logger.warning("%s %s at %s: %s", f.code, f.severity.value, f.dotted or "the top level", f.message)
        return request, findings, applied

    def _body_of(self, response: Any, request: anthropic.APIRequest) -> Any:
        if request.stream or self.log is None:
            return None  # a stream goes to the caller untouched
        response.http_response.read()
        return self._text(response.http_response.content)

    @staticmethod
    def _text(content: bytes) -> str | None:
        """The answer as text for the call log (which parses it, an error page included)."""
        return content.decode("utf-8", "replace") if content else None

    def _after(self, request: anthropic.APIRequest, response: Any, findings: list[Finding], applied: list[Applied],
               started: float, *, response_body: Any) -> None:
        if self.log is None:
            return
        http = response.http_response
        self._write(request, findings, applied, status=http.status_code, headers=dict(http.headers),
                    duration_ms=round((time.monotonic() - started) * 1000, 1), response_body=response_body)

    def _write(self, request: anthropic.APIRequest, findings: list[Finding], applied: list[Applied], *,
               blocked: bool = False, status: int | None = None, headers: dict[str, str] | None = None,
               duration_ms: float | None = None, response_body: Any = None) -> None:
        if self.log is None:
            return
        self.log.append(request=request.json, request_headers=dict(request.headers), status=status,
                        response_headers=headers, body=response_body, duration_ms=duration_ms,
                        extra={"guard": {"mode": self.mode, "blocked": blocked, "streamed": bool(request.stream),
                                         "findings": finding_refs(findings),
                                         "repaired": [{"code": a.code, "path": a.path, "title": a.title}
                                                      for a in applied]}})


def guard(client: Any, mode: Mode = "block", *, log: str | Path | None = None, unsafe: bool = False) -> Any:
    """A copy of ``client`` (``anthropic.Anthropic`` or ``AsyncAnthropic``) whose Messages calls are
    checked before they are sent; see the module docstring for the modes."""
    if not isinstance(client, (anthropic.Anthropic, anthropic.AsyncAnthropic)):
        raise TypeError(f"guard() takes an anthropic.Anthropic or AsyncAnthropic client, not {type(client).__name__}")
    return client.with_middleware(PayloadGuard(mode, log=log, unsafe=unsafe))
