"""The replay engine: send exactly the given body, classify each outcome, retry only what retrying
can fix.  Async so the app can cancel it at any point, waits included; the CLI runs it with
``asyncio.run``.

The body goes out through the SDK's generic ``client.post`` (TECH_NOTES.md §4.4): unknown keys
and key order survive, the kwarg checks and the large-``max_tokens`` guard of
``messages.create`` do not apply.  The raw HTTP response is read here, so a malformed body or a
cut stream is reported instead of raised.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from tui.core.display import size_text
from tui.core.errors import ApiError, ErrorClass, advice, classify, explain_message, parse_error_body
from tui.core.paths import Path, to_dotted
from tui.core.redact import redact_headers, redact_text
from tui.core.replay.policy import RetryPolicy, decide
from tui.core.sse import SSEEvent, accumulate, parse_sse

MAX_RESPONSE_BYTES = 64 << 20
"""The most of one response body (or SSE stream) a replay reads; the rest is not read (a Message
at the largest output caps is a few MB, even streamed)."""
MAX_STREAM_EVENTS = 200_000
"""The most server-sent events one streamed attempt reads."""

COUNT_TOKENS_KEYS = ("model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers",
                     "context_management", "output_config", "output_format")
"""What ``count_tokens`` accepts; ``max_tokens``, ``stream`` and sampling keys are stripped."""


@dataclass(frozen=True, slots=True)
class ReplayOptions:
    base_url: str | None = None
    """None: the SDK's convention (``ANTHROPIC_BASE_URL``, else the official endpoint)."""
    model: str | None = None
    stream: bool = False
    policy: RetryPolicy = RetryPolicy()
    timeout: float = 600.0
    headers: Mapping[str, str] = field(default_factory=dict)
    """Extra request headers, e.g. ``anthropic-beta`` from the logged request."""


@dataclass(slots=True)
class Attempt:
    number: int
    started_at: str
    latency_ms: float = 0.0
    status: int | None = None
    request_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    """Response headers, redacted."""
    outcome: str = "pending"
    """``success``, ``http_error``, ``timeout``, ``connection``, ``stream_cut``, ``malformed``, ``no_key``."""
    error_class: ErrorClass | None = None
    error: ApiError | None = None
    message: str = ""
    """One line for humans (never contains a key)."""
    response: dict[str, Any] | None = None
    """The Message (or the partial one of a cut stream)."""
    wait: float | None = None
    """Seconds waited after this attempt before the next one."""
    wait_reason: str = ""


@dataclass(slots=True)
class ReplayResult:
    body: dict[str, Any]
    attempts: list[Attempt] = field(default_factory=list)
    outcome: str = "pending"
    """``success``, ``structural``, ``transient``, ``client`` or ``cancelled``."""
    summary: str = ""
    advice: str = ""
    error_path: Path | None = None
    rule: str | None = None

    @property
    def response(self) -> dict[str, Any] | None:
        return self.attempts[-1].response if self.attempts and self.outcome == "success" else None

    @property
    def exit_code(self) -> int:
        return {"success": 0, "structural": 3, "transient": 4, "client": 5}.get(self.outcome, 4)


OnAttempt = Callable[[Attempt], None]
Sleep = Callable[[float], Awaitable[None]]


def quiet_sdk_logging(handler: logging.Handler | None = None) -> None:
    """Keep the SDK's debug logging (``ANTHROPIC_LOG``) off stderr, where a TUI draws its screen."""
    for name in ("anthropic", "httpx2", "httpx", "httpcore"):
        lg = logging.getLogger(name)
        lg.handlers = [handler or logging.NullHandler()]
        lg.propagate = False


def make_client(opts: ReplayOptions) -> Any:
    """The official async client; the key comes from the SDK's own conventions, never from us."""
    import anthropic  # lazy: ~1.5 s

    return anthropic.AsyncAnthropic(base_url=opts.base_url or None, max_retries=0, timeout=opts.timeout)


def prepare_body(body: dict[str, Any], opts: ReplayOptions) -> dict[str, Any]:
    """The body to send: the request as logged, with ``model``/``stream`` overrides only."""
    out = dict(body)
    if opts.model:
        out["model"] = opts.model
    if opts.stream:
        out["stream"] = True
    return out


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def replay(
    body: dict[str, Any],
    opts: ReplayOptions = ReplayOptions(),
    *,
    on_attempt: OnAttempt | None = None,
    on_progress: Callable[[str], None] | None = None,
    sleep: Sleep = asyncio.sleep,
    client: Any = None,
) -> ReplayResult:
    """Send ``body`` until it succeeds, fails for a reason retrying cannot fix, or the budget ends.

    ``on_attempt`` is called when each attempt ends (and again once its wait is decided);
    ``on_progress`` receives streamed text as it arrives.
    """
    sent = prepare_body(body, opts)
    result = ReplayResult(sent)
    if not isinstance(sent.get("model"), str):
        result.outcome, result.summary = "structural", "the request names no model: pass a model to replay it"
        result.advice = "Bedrock and Vertex bodies carry the model in the URL; choose the model to send."
        return result
    if client is None:
        try:
            client = make_client(opts)
        except Exception as exc:  # anthropic.CredentialsError: no key, no usable profile
            attempt = Attempt(1, _now(), outcome="no_key", error_class=ErrorClass.CLIENT,
                              message=_no_key_message(exc))
            result.attempts.append(attempt)
            if on_attempt:
                on_attempt(attempt)
            return _finish_unretryable(result, attempt, ErrorClass.CLIENT)
    waited = 0.0
    for n in range(1, opts.policy.max_attempts + 1):
        attempt = Attempt(n, _now())
        result.attempts.append(attempt)
        t0 = time.perf_counter()
        try:
            await _send(client, sent, opts, attempt, on_progress)
        except asyncio.CancelledError:
            attempt.outcome, attempt.message = "cancelled", "cancelled by the user"
            result.outcome, result.summary = "cancelled", f"cancelled during attempt {n}"
            raise
        finally:
            attempt.latency_ms = round((time.perf_counter() - t0) * 1000, 1)
        if on_attempt:
            on_attempt(attempt)
        if attempt.outcome == "success":
            result.outcome = "success"
            result.summary = f"succeeded on attempt {n}"
            return result
        cls = attempt.error_class or ErrorClass.TRANSIENT
        if cls is not ErrorClass.TRANSIENT:
            return _finish_unretryable(result, attempt, cls)
        d = decide(opts.policy, n, waited, attempt.headers)
        if not d.retry:
            result.outcome = "transient"
            result.summary = f"{attempt.message} — {d.reason}"
            result.advice = advice(ErrorClass.TRANSIENT, attempt.error)
            return result
        attempt.wait, attempt.wait_reason = round(d.wait, 3), d.reason
        if on_attempt:
            on_attempt(attempt)
        await sleep(d.wait)
        waited += d.wait
    raise AssertionError("unreachable: the policy stops at max_attempts")


def _finish_unretryable(result: ReplayResult, attempt: Attempt, cls: ErrorClass) -> ReplayResult:
    result.outcome = cls.value
    result.advice = advice(cls, attempt.error)
    if cls is ErrorClass.STRUCTURAL and attempt.error is not None:
        result.error_path, result.rule = explain_message(attempt.error.message, result.body)
        where = f" at {to_dotted(result.error_path)}" if result.error_path else ""
        rule = f" (rule {result.rule})" if result.rule else ""
        result.summary = (f"the API rejected the payload{where}{rule}; not retried: re-sending it "
                          f"unchanged fails the same way")
    else:
        result.summary = f"{attempt.message} — not retried"
    return result


async def _send(client: Any, body: dict[str, Any], opts: ReplayOptions, attempt: Attempt,
                on_progress: Callable[[str], None] | None) -> None:
    import anthropic
    import httpx2

    stream = body.get("stream") is True
    try:
        # Always read the body ourselves (stream=True), so its size is bounded even when the
        # request is not streamed: a broken server must not make a replay read gigabytes.
        resp = await client.post("/v1/messages", body=body, cast_to=httpx2.Response, stream=True,
                                 options={"headers": dict(opts.headers)} if opts.headers else {})
    except anthropic.APIStatusError as exc:
        _record_status_error(attempt, exc.response.status_code, dict(exc.response.headers), exc.body,
                             exc.response.text if exc.body is None else None)
        return
    except anthropic.APITimeoutError:
        attempt.outcome, attempt.error_class = "timeout", ErrorClass.TRANSIENT
        attempt.message = f"no response within {opts.timeout:g} s (timeout)"
        return
    except anthropic.APIConnectionError as exc:
        attempt.outcome, attempt.error_class = "connection", ErrorClass.TRANSIENT
        attempt.message = f"connection failed: {redact_text(str(exc.__cause__ or exc))}"
        return
    except (TypeError, anthropic.AnthropicError) as exc:
        if "auth" in str(exc).lower() or "api_key" in str(exc).lower() or "credential" in str(exc).lower():
            attempt.outcome, attempt.error_class = "no_key", ErrorClass.CLIENT
            attempt.message = _no_key_message(exc)
            return
        raise
    attempt.status = resp.status_code
    attempt.headers = redact_headers(dict(resp.headers))
    attempt.request_id = resp.headers.get("request-id")
    if stream:
        await _read_stream(resp, attempt, on_progress, opts.timeout)
        return
    content, too_big = await _read_body(resp)
    if too_big:
        attempt.outcome, attempt.error_class = "malformed", ErrorClass.TRANSIENT
        attempt.message = (f"HTTP {attempt.status} with a body over {size_text(MAX_RESPONSE_BYTES)}; "
                           f"stopped reading it")
        return
    try:
        data = json.loads(content)
    except ValueError:
        _malformed(attempt, content)
        return
    if not (isinstance(data, dict) and data.get("type") == "message"):
        err = parse_error_body(data, resp.status_code)
        if err is not None and err.type:
            _record_api_error(attempt, err)
            return
        _malformed(attempt, resp.content)
        return
    attempt.outcome, attempt.response = "success", data
    attempt.message = _success_line(data)


def _no_key_message(exc: BaseException) -> str:
    return ("no API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) in the environment "
            f"({type(exc).__name__})")


def _success_line(msg: dict[str, Any]) -> str:
    usage = msg.get("usage") if isinstance(msg.get("usage"), dict) else {}
    return (f"{msg.get('stop_reason')} · {usage.get('input_tokens', '?')} in / "
            f"{usage.get('output_tokens', '?')} out tokens")


def _malformed(attempt: Attempt, content: bytes) -> None:
    preview = redact_text(content[:120].decode("utf-8", "replace")).replace("\n", " ")
    attempt.outcome, attempt.error_class = "malformed", ErrorClass.TRANSIENT
    attempt.message = f"HTTP {attempt.status} with a body that is not a Message: {preview!r}"


def _record_status_error(attempt: Attempt, status: int, headers: dict[str, str], body: Any,
                         text: str | None) -> None:
    attempt.status = status
    attempt.headers = redact_headers(headers)
    attempt.request_id = headers.get("request-id")
    err = parse_error_body(body if body is not None else text, status)
    if err is None:
        err = ApiError(status, None, f"HTTP {status}", attempt.request_id, body)
    _record_api_error(attempt, err)


def _record_api_error(attempt: Attempt, err: ApiError) -> None:
    attempt.outcome = "http_error"
    attempt.error = err
    attempt.error_class = classify(err.status, err.type, err.message)
    kind = f"{err.type}: " if err.type else ""
    attempt.message = redact_text(f"HTTP {err.status or attempt.status} {kind}{err.message}")


async def _read_body(resp: Any) -> tuple[bytes, bool]:
    """The response body, at most MAX_RESPONSE_BYTES of it: ``(bytes, whether it was cut)``."""
    limit = MAX_RESPONSE_BYTES
    parts: list[bytes] = []
    size = 0
    try:
        async for chunk in resp.aiter_bytes():
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                return b"", True
    finally:
        await resp.aclose()
    return b"".join(parts), False


async def _read_stream(resp: Any, attempt: Attempt, on_progress: Callable[[str], None] | None,
                       timeout: float | None = None) -> None:
    """Read an SSE stream, bounded in bytes (MAX_RESPONSE_BYTES), events (MAX_STREAM_EVENTS) and
    time (``timeout`` for the whole stream: a server that trickles a byte a minute never trips a
    per-read timeout, but it does this one)."""
    import httpx2

    lines: list[str] = []
    events: list[SSEEvent | str] = []
    transport_error: str | None = None
    limit_hit: str | None = None
    max_bytes, max_events = MAX_RESPONSE_BYTES, MAX_STREAM_EVENTS
    deadline = time.monotonic() + timeout if timeout else None
    size = n_events = 0
    try:
        async for line in resp.aiter_lines():
            lines.append(line + "\n")
            size += len(line) + 1
            if not line:
                n_events += 1
            if on_progress and line.startswith("data:") and '"text_delta"' in line:
                try:
                    on_progress(json.loads(line[5:])["delta"]["text"])
                except (ValueError, KeyError, TypeError):
                    pass
            if size > max_bytes:
                limit_hit = f"over {size_text(max_bytes)}"
            elif n_events >= max_events:
                limit_hit = f"{max_events:,} events"
            elif deadline is not None and time.monotonic() > deadline:
                limit_hit = f"{timeout:g} s (the attempt timeout)"
            if limit_hit:
                break
    except httpx2.HTTPError as exc:
        transport_error = f"{type(exc).__name__}: {exc}"
    finally:
        await resp.aclose()
    if limit_hit:
        transport_error = f"stopped reading after {limit_hit}"
    events = list(parse_sse(lines))
    acc = accumulate(events)
    attempt.response = acc.message
    if acc.error is not None:
        err = parse_error_body(acc.error, None) or ApiError(None, None, "error event", None, acc.error)
        _record_api_error(attempt, err)
        attempt.outcome = "stream_cut"
        attempt.message = f"stream error after HTTP 200: {attempt.message.removeprefix('HTTP None ')}"
        return
    if acc.cut or transport_error:
        attempt.outcome, attempt.error_class = "stream_cut", ErrorClass.TRANSIENT
        why = transport_error or "; ".join(acc.defects[:2])
        attempt.message = redact_text(f"stream cut after {acc.events} events ({why}); partial content kept")
        return
    assert acc.message is not None
    attempt.outcome = "success"
    attempt.message = _success_line(acc.message)


async def count_tokens(body: dict[str, Any], opts: ReplayOptions = ReplayOptions(), *,
                       client: Any = None) -> tuple[int | None, Attempt]:
    """Server-side validation without generating: ``(input_tokens or None, the attempt)``."""
    import anthropic
    import httpx2

    sent = prepare_body(body, ReplayOptions(model=opts.model))
    payload = {k: v for k, v in sent.items() if k in COUNT_TOKENS_KEYS}
    attempt = Attempt(1, _now())
    if client is None:
        try:
            client = make_client(opts)
        except Exception as exc:  # anthropic.CredentialsError
            attempt.outcome, attempt.error_class = "no_key", ErrorClass.CLIENT
            attempt.message = _no_key_message(exc)
            return None, attempt
    t0 = time.perf_counter()
    try:
        resp = await client.post("/v1/messages/count_tokens", body=payload, cast_to=httpx2.Response,
                                 stream=True, options={"headers": dict(opts.headers)} if opts.headers else {})
    except anthropic.APIStatusError as exc:
        _record_status_error(attempt, exc.response.status_code, dict(exc.response.headers), exc.body,
                             exc.response.text if exc.body is None else None)
        return None, attempt
    except anthropic.APIConnectionError as exc:
        attempt.outcome, attempt.error_class = "connection", ErrorClass.TRANSIENT
        attempt.message = f"connection failed: {redact_text(str(exc.__cause__ or exc))}"
        return None, attempt
    except (TypeError, anthropic.AnthropicError) as exc:
        attempt.outcome, attempt.error_class = "no_key", ErrorClass.CLIENT
        attempt.message = _no_key_message(exc)
        return None, attempt
    finally:
        attempt.latency_ms = round((time.perf_counter() - t0) * 1000, 1)
    attempt.status = resp.status_code
    attempt.headers = redact_headers(dict(resp.headers))
    content, too_big = await _read_body(resp)
    if too_big:
        attempt.outcome, attempt.error_class = "malformed", ErrorClass.TRANSIENT
        attempt.message = f"HTTP {attempt.status} with a body over {size_text(MAX_RESPONSE_BYTES)}; stopped reading it"
        return None, attempt
    try:
        tokens = json.loads(content).get("input_tokens")
    except (ValueError, AttributeError):
        _malformed(attempt, content)
        return None, attempt
    attempt.outcome = "success"
    attempt.message = f"{tokens} input tokens"
    return tokens if isinstance(tokens, int) else None, attempt
