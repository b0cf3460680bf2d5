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

DEFAULT_TIMEOUT = 60.0
"""Seconds one attempt may take, whole response included, when the request asks for little output:
an interactive replay should give up on a silent or trickling server within a minute."""
MAX_DEFAULT_TIMEOUT = 600.0
"""The most the default grows to for a large ``max_tokens`` (the SDK's own non-streaming limit)."""
SECONDS_PER_OUTPUT_TOKEN = 3600 / 128_000
"""The SDK's estimate of the worst-case generation time (``3600·max_tokens/128000`` seconds)."""
MAX_REDIRECTS = 5
"""Redirects followed per attempt: the API never redirects, a proxy or an http→https move needs one
or two, and a loop must end quickly (httpx2 would follow 20, on every attempt)."""

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
    timeout: float | None = None
    """Seconds one attempt may take, from sending to the last byte of the response (streamed or
    not); None: :func:`attempt_timeout` picks it from the request's ``max_tokens``."""
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


class RedirectRefused(Exception):
    """A redirect to another host: the key (``x-api-key``, which httpx2 keeps on cross-origin
    redirects) must never follow it."""


OnAttempt = Callable[[Attempt], None]
Sleep = Callable[[float], Awaitable[None]]


def quiet_sdk_logging(handler: logging.Handler | None = None) -> None:
    """Keep the SDK's debug logging (``ANTHROPIC_LOG``) off stderr, where a TUI draws its screen."""
    for name in ("anthropic", "httpx2", "httpx", "httpcore"):
        lg = logging.getLogger(name)
        lg.handlers = [handler or logging.NullHandler()]
        lg.propagate = False


def attempt_timeout(body: Mapping[str, Any], opts: ReplayOptions) -> float:
    """The deadline of one attempt: ``opts.timeout`` if given; else DEFAULT_TIMEOUT, raised for a
    large ``max_tokens`` to the SDK's worst-case generation estimate, at most MAX_DEFAULT_TIMEOUT.

    Why not a flat minute: a non-streamed answer arrives only when it is complete, so a request
    for 8,000 tokens can legitimately take minutes; timing it out would retry (and pay for) the
    same generation again.
    """
    if opts.timeout is not None:
        return opts.timeout
    mt = body.get("max_tokens")
    if not isinstance(mt, int) or isinstance(mt, bool) or mt <= 0:
        return DEFAULT_TIMEOUT
    return min(max(DEFAULT_TIMEOUT, mt * SECONDS_PER_OUTPUT_TOKEN), MAX_DEFAULT_TIMEOUT)


async def _refuse_cross_host_redirect(response: Any) -> None:
    """httpx2 response hook: follow a redirect only on the host the replay was sent to."""
    if not response.has_redirect_location:
        return
    target = response.request.url.join(response.headers["location"])
    if target.host != response.request.url.host:
        raise RedirectRefused(target.host)


def make_client(opts: ReplayOptions, timeout: float | None = None) -> Any:
    """The official async client; the key comes from the SDK's own conventions, never from us.

    Its HTTP client follows at most MAX_REDIRECTS redirects, and none to another host.
    """
    import anthropic  # lazy: ~1.5 s

    timeout = timeout if timeout is not None else opts.timeout if opts.timeout is not None else DEFAULT_TIMEOUT
    http = anthropic.DefaultAsyncHttpxClient(timeout=timeout, max_redirects=MAX_REDIRECTS,
                                             event_hooks={"response": [_refuse_cross_host_redirect]})
    return anthropic.AsyncAnthropic(base_url=opts.base_url or None, max_retries=0, timeout=timeout,
                                    http_client=http)


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
    result: ReplayResult | None = None,
) -> ReplayResult:
    """Send ``body`` until it succeeds, fails for a reason retrying cannot fix, or the budget ends.

    ``on_attempt`` is called when each attempt ends (and again once its wait is decided);
    ``on_progress`` receives streamed text as it arrives.  Pass ``result`` (e.g.
    ``ReplayResult({})``) to keep the attempts made so far when the replay is cancelled or
    interrupted (Ctrl-C): it is filled in place, its ``outcome`` set to ``cancelled``, and the
    interrupted attempt recorded as ``cancelled``.
    """
    sent = prepare_body(body, opts)
    if result is None:
        result = ReplayResult(sent)
    else:
        result.body = sent
    timeout = attempt_timeout(sent, opts)
    if not isinstance(sent.get("model"), str):
        result.outcome, result.summary = "structural", "the request names no model: pass a model to replay it"
        result.advice = "Bedrock and Vertex bodies carry the model in the URL; choose the model to send."
        return result
    if client is None:
        try:
            client = make_client(opts, timeout)
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
            await _send(client, sent, opts, attempt, on_progress, timeout)
        except (asyncio.CancelledError, KeyboardInterrupt):
            attempt.outcome, attempt.message = "cancelled", "cancelled by the user"
            attempt.error_class = None
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
        try:
            await sleep(d.wait)
        except (asyncio.CancelledError, KeyboardInterrupt):
            result.outcome, result.summary = "cancelled", f"cancelled while waiting after attempt {n}"
            raise
        waited += d.wait
    raise AssertionError("unreachable: the policy stops at max_attempts")


def _finish_unretryable(result: ReplayResult, attempt: Attempt, cls: ErrorClass) -> ReplayResult:
    result.outcome = cls.value
    result.advice = advice(cls, attempt.error)
    if attempt.outcome == "redirect":  # the key is not the problem: the address is
        result.advice = ("The API never redirects: point --base-url (or ANTHROPIC_BASE_URL) at the "
                         "final address of the API or proxy.")
    if cls is ErrorClass.STRUCTURAL and attempt.error is not None:
        result.error_path, result.rule = explain_message(attempt.error.message, result.body)
        where = f" at {to_dotted(result.error_path)}" if result.error_path else ""
        rule = f" (rule {result.rule})" if result.rule else ""
        result.summary = (f"the API rejected the payload{where}{rule}; not retried: re-sending it "
                          f"unchanged fails the same way")
    else:
        result.summary = f"{attempt.message} — not retried"
    return result


def _connection_failed(attempt: Attempt, exc: BaseException, timeout: float) -> None:
    """The SDK's APIConnectionError, by its cause: a redirect loop or a refused redirect is the
    client's to fix (exit 5); anything else on the wire is transient."""
    import httpx2

    cause = exc.__cause__ or exc
    if isinstance(cause, httpx2.TooManyRedirects):
        attempt.outcome, attempt.error_class = "redirect", ErrorClass.CLIENT
        attempt.message = (f"redirected more than {MAX_REDIRECTS} times (a redirect loop?); check "
                           f"--base-url / ANTHROPIC_BASE_URL")
    elif isinstance(cause, RedirectRefused):
        attempt.outcome, attempt.error_class = "redirect", ErrorClass.CLIENT
        attempt.message = redact_text(f"redirected to another host ({cause}); not followed, so the "
                                      f"API key is not sent there: check --base-url / ANTHROPIC_BASE_URL")
    elif isinstance(cause, httpx2.TimeoutException):
        attempt.outcome, attempt.error_class = "timeout", ErrorClass.TRANSIENT
        attempt.message = f"no response within {timeout:g} s (timeout)"
    else:
        attempt.outcome, attempt.error_class = "connection", ErrorClass.TRANSIENT
        attempt.message = f"connection failed: {redact_text(str(cause) or type(cause).__name__)}"


def _body_failed(attempt: Attempt, exc: BaseException | None, timeout: float) -> None:
    """The headers came, the body did not: past the deadline (``exc`` None) or the connection broke."""
    import httpx2

    if exc is None or isinstance(exc, httpx2.TimeoutException):
        attempt.outcome, attempt.error_class = "timeout", ErrorClass.TRANSIENT
        attempt.message = f"HTTP {attempt.status}, but the body did not finish within {timeout:g} s (timeout)"
    else:
        attempt.outcome, attempt.error_class = "connection", ErrorClass.TRANSIENT
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        attempt.message = redact_text(f"connection lost while reading the response (HTTP {attempt.status}): "
                                      f"{detail}")


async def _post(client: Any, path: str, body: dict[str, Any], opts: ReplayOptions, attempt: Attempt,
                deadline: float, timeout: float) -> Any:
    """``client.post`` within the attempt's deadline; the response (body unread), or None with the
    failure recorded in ``attempt``."""
    import anthropic
    import httpx2

    try:
        async with asyncio.timeout_at(deadline):
            # Always read the body ourselves (stream=True), so its size is bounded even when the
            # request is not streamed: a broken server must not make a replay read gigabytes.
            return await client.post(path, body=body, cast_to=httpx2.Response, stream=True,
                                     options={"headers": dict(opts.headers)} if opts.headers else {})
    except TimeoutError:  # the deadline (a server trickling its headers): the SDK's own timeout is per read
        attempt.outcome, attempt.error_class = "timeout", ErrorClass.TRANSIENT
        attempt.message = f"no response within {timeout:g} s (timeout)"
    except anthropic.APIStatusError as exc:
        _record_status_error(attempt, exc.response.status_code, dict(exc.response.headers), exc.body,
                             exc.response.text if exc.body is None else None)
    except anthropic.APIConnectionError as exc:  # APITimeoutError included
        _connection_failed(attempt, exc, timeout)
    except (TypeError, anthropic.AnthropicError) as exc:
        if "auth" in str(exc).lower() or "api_key" in str(exc).lower() or "credential" in str(exc).lower():
            attempt.outcome, attempt.error_class = "no_key", ErrorClass.CLIENT
            attempt.message = _no_key_message(exc)
            return None
        raise
    return None


async def _read_body_by(resp: Any, attempt: Attempt, deadline: float, timeout: float) -> tuple[bytes, bool] | None:
    """:func:`_read_body` within the deadline; None with the failure recorded in ``attempt``."""
    import httpx2

    try:
        async with asyncio.timeout_at(deadline):
            return await _read_body(resp)
    except TimeoutError:
        _body_failed(attempt, None, timeout)
    except httpx2.TransportError as exc:  # a reset mid-body, a cut content-length, a read timeout
        _body_failed(attempt, exc, timeout)
    return None


async def _send(client: Any, body: dict[str, Any], opts: ReplayOptions, attempt: Attempt,
                on_progress: Callable[[str], None] | None, timeout: float | None = None) -> None:
    """One attempt, bounded by one deadline from sending to the last byte, streamed or not (a
    server that trickles a byte at a time never trips the per-read timeout, but it trips this)."""
    timeout = timeout if timeout is not None else attempt_timeout(body, opts)
    deadline = asyncio.get_running_loop().time() + timeout
    stream = body.get("stream") is True
    resp = await _post(client, "/v1/messages", body, opts, attempt, deadline, timeout)
    if resp is None:
        return
    attempt.status = resp.status_code
    attempt.headers = redact_headers(dict(resp.headers))
    attempt.request_id = resp.headers.get("request-id")
    if stream:
        await _read_stream(resp, attempt, on_progress, timeout, deadline)
        return
    read = await _read_body_by(resp, attempt, deadline, timeout)
    if read is None:
        return
    content, too_big = read
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
        _malformed(attempt, content)
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
                       timeout: float | None = None, deadline: float | None = None) -> None:
    """Read an SSE stream, bounded in bytes (MAX_RESPONSE_BYTES), events (MAX_STREAM_EVENTS) and
    time (``deadline``, the loop time the attempt ends, else ``timeout`` from now: a server that
    trickles a byte a minute never trips a per-read timeout, nor completes a line, but it trips
    this); what arrived before a limit is kept."""
    import httpx2

    lines: list[str] = []
    transport_error: str | None = None
    limit_hit: str | None = None
    max_bytes, max_events = MAX_RESPONSE_BYTES, MAX_STREAM_EVENTS
    if deadline is None and timeout:
        deadline = asyncio.get_running_loop().time() + timeout
    size = n_events = 0
    try:
        # The lines read so far stay in ``lines`` when the deadline cancels the read.
        async with asyncio.timeout_at(deadline):
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
                if limit_hit:
                    break
    except TimeoutError:
        limit_hit = f"{timeout:g} s (the attempt timeout)"
    except httpx2.HTTPError as exc:
        transport_error = f"{type(exc).__name__}: {exc}"
    finally:
        await resp.aclose()
    if limit_hit:
        transport_error = f"stopped reading after {limit_hit}"
    events: list[SSEEvent | str] = list(parse_sse(lines))
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
    """Server-side validation without generating: ``(input_tokens or None, the attempt)``.

    Nothing is generated, so the deadline is ``opts.timeout`` or DEFAULT_TIMEOUT whatever the
    ``max_tokens``."""
    sent = prepare_body(body, ReplayOptions(model=opts.model))
    payload = {k: v for k, v in sent.items() if k in COUNT_TOKENS_KEYS}
    attempt = Attempt(1, _now())
    timeout = opts.timeout if opts.timeout is not None else DEFAULT_TIMEOUT
    if client is None:
        try:
            client = make_client(opts, timeout)
        except Exception as exc:  # anthropic.CredentialsError
            attempt.outcome, attempt.error_class = "no_key", ErrorClass.CLIENT
            attempt.message = _no_key_message(exc)
            return None, attempt
    t0 = time.perf_counter()
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        resp = await _post(client, "/v1/messages/count_tokens", payload, opts, attempt, deadline, timeout)
        if resp is None:
            return None, attempt
        attempt.status = resp.status_code
        attempt.headers = redact_headers(dict(resp.headers))
        read = await _read_body_by(resp, attempt, deadline, timeout)
    finally:
        attempt.latency_ms = round((time.perf_counter() - t0) * 1000, 1)
    if read is None:
        return None, attempt
    content, too_big = read
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
