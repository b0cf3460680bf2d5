"""Raw Anthropic JSON records: request bodies, `Message` responses, error envelopes and pairs.

One parsed JSON value goes in, one :class:`Exchange` (or a reason it is not one) comes out.
The same classifier serves single documents, arrays and JSONL, so a line of a log and a file
holding that line alone load identically.
"""

from __future__ import annotations

from typing import Any

from tui.core.model import Exchange, Source
from tui.core.redact import redact_and_shorten, redact_headers, redact_text

# Keys of the native record (Exchange.to_native) besides request/response/error.
_NATIVE_KEYS = ("status", "started_at", "duration_ms", "headers", "request_id", "source", "extra")


class NotARecord(ValueError):
    """The JSON value is valid but not something this format knows; the message says what it is."""


def is_request(v: Any) -> bool:
    return isinstance(v, dict) and "messages" in v and (
        "max_tokens" in v or "model" in v or "anthropic_version" in v or "system" in v
    )


def is_response(v: Any) -> bool:
    return isinstance(v, dict) and v.get("type") == "message" and "content" in v


def is_error(v: Any) -> bool:
    """Anthropic envelope, or the Cloudflare 413 body (`{"error": {"type", "message"}}`)."""
    if not isinstance(v, dict):
        return False
    if v.get("type") == "error" and "error" in v:
        return True
    err = v.get("error")
    return set(v) <= {"error", "request_id"} and isinstance(err, dict) and (
        "message" in err or "type" in err
    )


def is_pair(v: Any) -> bool:
    """``{request, response|error|status, …}``, or any object whose ``request`` is a request body."""
    return isinstance(v, dict) and "request" in v and (
        "response" in v or "error" in v or "status" in v or "status_code" in v or len(v) == 1
        or is_request(v["request"])
    )


def request_kind(body: dict[str, Any]) -> str:
    """``anthropic-request``, or ``bedrock-request`` / ``vertex-request`` for platform bodies."""
    version = body.get("anthropic_version")
    if "model" not in body and isinstance(version, str):
        if version.startswith("vertex"):
            return "vertex-request"
        return "bedrock-request"
    return "anthropic-request"


def _status_of(v: dict[str, Any]) -> int | None:
    for key in ("status", "status_code"):
        s = v.get(key)
        if isinstance(s, int) and not isinstance(s, bool):
            return s
    return None


def to_exchange(value: Any, source: Source) -> Exchange:
    """Classify one JSON value; raise :class:`NotARecord` with a one-line reason otherwise."""
    if is_request(value):
        return Exchange(source=source, format=request_kind(value), request=value)
    if is_response(value):
        return Exchange(source=source, format="anthropic-response", response=value, status=200)
    if is_error(value):
        rid = value.get("request_id")
        return Exchange(source=source, format="anthropic-error", error=value,
                        request_id=rid if isinstance(rid, str) else None)
    if is_pair(value):
        return _pair(value, source)
    raise NotARecord(_describe(value))


def _pair(v: dict[str, Any], source: Source) -> Exchange:
    request = v.get("request")
    if request is not None and not isinstance(request, dict):
        raise NotARecord(f"`request` is {type(request).__name__}, expected a request body object")
    response = v.get("response")
    error = v.get("error")
    if is_error(response):  # a logged error body in the response slot
        response, error = None, response
    if response is not None and not isinstance(response, dict):
        raise NotARecord(f"`response` is {type(response).__name__}, expected a Message object")
    if error is not None and not isinstance(error, dict):
        error = {"raw": error}
    status = _status_of(v)
    if status is None and response is not None:
        status = 200
    headers = v.get("headers")
    extra = {k: val for k, val in v.items()
             if k not in ("request", "response", "error", "status", "status_code", "dialect", *_NATIVE_KEYS)}
    native_extra = v.get("extra")
    if isinstance(native_extra, dict):
        extra.update(native_extra)
    started = v.get("started_at")
    duration = v.get("duration_ms")
    rid = v.get("request_id")
    fmt = "native" if "source" in v and "started_at" in v else "pair"
    dialect = v.get("dialect") if isinstance(v.get("dialect"), str) else "anthropic"
    return Exchange(
        source=source,
        format=fmt,
        request=request,
        response=response,
        error=error,
        status=status,
        started_at=started if isinstance(started, str) else None,
        duration_ms=float(duration) if isinstance(duration, (int, float)) and not isinstance(duration, bool) else None,
        headers=redact_headers({str(k): str(val) for k, val in headers.items()}) if isinstance(headers, dict) else {},
        request_id=rid if isinstance(rid, str) else None,
        extra=extra,
        dialect=dialect,
    )


def _describe(v: Any) -> str:
    if isinstance(v, dict):
        keys = ", ".join(redact_and_shorten(str(k), 60) for k in list(v)[:8]) + (", …" if len(v) > 8 else "")
        return (f"an object with keys {{{keys}}} is not a request body, a Message, an error "
                f"envelope or a {{request, response}} pair")
    return f"a JSON {type(v).__name__} is not a request body, a Message, an error envelope or a pair"
