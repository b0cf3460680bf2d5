"""The step every HTTP-recording format shares: one recorded call → an Exchange (or a skip).

Test-suite cassettes (vcrpy / pytest-recording, Ruby VCR, R vcr, go-vcr), Go ``httprr`` traces
and the anthropic SDK's HTTP snapshots all record the same thing in different clothes: a method,
a URL, two header sets, two bodies and a status.  Each format module turns its records into
:class:`Interaction` values; this module decides what each one is:

* ``POST`` to the Messages API (``/v1/messages``, ``/v1/messages/count_tokens``, Bedrock
  ``invoke``, Vertex ``rawPredict``) → an Anthropic exchange; the response body goes through
  :func:`~tui.core.formats.sse_text.outcome_from_body`, so a recorded event stream is reassembled
  (cut streams reported) exactly as the SSE loader does.
* ``POST …/chat/completions`` and ``POST …/responses`` → an OpenAI exchange (``dialect``
  ``openai-chat`` / ``openai-responses``), checked by the Q rules.
* anything else (``GET /v1/models``, an OAuth token call, a batch poll) is counted and skipped,
  as the HAR loader does: silently when the file holds Messages calls too, and with one issue
  saying how many and which when it holds none.

Bodies are recorded as text, as bytes (YAML ``!!binary``), as base64, or still gzip-compressed
when the recorder kept the wire bytes (``Content-Encoding: gzip``): :func:`body_text` undoes each.
Headers are redacted on load; the recorded time is the recorder's own (``recorded_at``) or else the
response's ``Date`` header.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from tui.core.formats.base import JSON_ERRORS, json_problem, parse_json
from tui.core.formats.claude_trace import MESSAGES_ENDPOINTS, CallTally, endpoint_of, header, header_dict, url_path
from tui.core.formats.openai import CHAT, RESPONSES, is_chat_response, is_openai_error, is_responses_response
from tui.core.formats.sse_text import apply_outcome, is_sse_text
from tui.core.model import Exchange, LoadIssue, Source
from tui.core.redact import redact_text

__all__ = ["Interaction", "body_text", "interaction_exchange", "read_interactions", "iso_time", "status_code"]

ANTHROPIC_ENDPOINTS = MESSAGES_ENDPOINTS | {"count_tokens"}
"""Endpoints whose request body is a Messages request (``count_tokens`` takes one without ``max_tokens``)."""

JUDGED_REQUEST_HEADERS = frozenset({"anthropic-version", "anthropic-beta"})
"""Request headers copied into ``Exchange.headers``, where the rules look for what the request was
sent with (the response headers are the rest of it)."""

BODY_LIMIT = 64 * 1024 * 1024
"""A decompressed body larger than this is not read (a gzip bomb in a cassette stays harmless)."""


@dataclass(slots=True)
class Interaction:
    """One recorded HTTP call, as its format wrote it (bodies still raw)."""

    index: int
    """Position among the file's recorded calls (the exchange's record number)."""
    method: str
    url: str
    request_headers: Any = None
    request_body: Any = None
    """``str``, ``bytes``, an already-parsed JSON value, or None when nothing was recorded."""
    status: int | None = None
    response_headers: Any = None
    response_body: Any = None
    has_response: bool = True
    recorded_at: Any = None
    line: int | None = None
    """1-based line where the record starts in the file, when the format has lines."""
    path: str | None = None
    """JSON Pointer of the record in the document (``/interactions/3``), for issues."""
    extra: dict[str, Any] = field(default_factory=dict)
    request_problem: str | None = None
    """Why the recorded request body cannot be had (the format's own reason), if it cannot."""
    response_problem: str | None = None


# -- small readers -----------------------------------------------------------------------------------

def status_code(value: Any) -> int | None:
    """An HTTP status from an int, a numeric string (R vcr writes ``'200'``) or ``"200 OK"``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 100 <= value <= 599 else None
    if isinstance(value, str):
        head = value.strip().split(" ", 1)[0]
        if head.isdigit() and 100 <= int(head) <= 599:
            return int(head)
    return None


def iso_time(value: Any) -> str | None:
    """A recorded time as ISO 8601 (UTC ``Z`` when the zone is known): RFC 1123 ``Date`` headers
    and Ruby's ``recorded_at`` (``Tue, 03 Jun 2025 14:02:11 GMT``), R's ``2025-04-08 13:39:44
    GMT``, ISO strings, and the datetimes YAML already parsed.  None when it does not parse."""
    when: datetime | None = None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is None:
            bare = text.removesuffix(" GMT").removesuffix(" UTC").replace("Z", "+00:00")
            try:
                when = datetime.fromisoformat(bare)
            except ValueError:
                return None
            if bare != text and when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
    if when is None:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc)
        return when.isoformat(timespec="seconds").replace("+00:00", "Z")
    return when.isoformat(timespec="seconds")


def _encoding(headers: dict[str, str]) -> str:
    return (header(headers, "content-encoding") or "").strip().lower()


def _decompress(raw: bytes, encoding: str) -> tuple[bytes | None, str | None]:
    """``raw`` undone from gzip/deflate (by header or by its magic bytes); bounded in size."""
    if encoding in ("gzip", "x-gzip") or raw[:2] == b"\x1f\x8b":
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        d = zlib.decompressobj()
    elif encoding in ("br", "zstd"):
        return None, f"the body is {encoding}-compressed, which this tool cannot decompress; re-record " \
                     f"with decoding on (vcrpy: decode_compressed_response=True)"
    else:
        return raw, None
    try:
        out = d.decompress(raw, BODY_LIMIT)
    except zlib.error as exc:
        return None, f"the {encoding or 'gzip'}-compressed body does not decompress ({exc})"
    if d.unconsumed_tail:
        return None, f"the body decompresses to more than {BODY_LIMIT >> 20} MB and is not read"
    return out, None


def body_text(raw: Any, headers: dict[str, str]) -> tuple[Any, str | None]:
    """``(body, problem)``: the recorded body as text (or the JSON value it already was).

    Bytes are decompressed when ``Content-Encoding`` (or the gzip magic) says so and decoded as
    UTF-8; a text body recorded with ``Content-Encoding: gzip`` is taken as base64 of the
    compressed bytes (how recorders that only write text keep them)."""
    if raw is None:
        return None, None
    encoding = _encoding(headers)
    if isinstance(raw, str):
        if encoding not in ("gzip", "x-gzip", "deflate") or not raw.strip() or raw.lstrip()[:1] in ("{", "[") \
                or is_sse_text(raw):
            return raw, None
        try:
            raw = base64.b64decode(raw, validate=False)
        except (binascii.Error, ValueError):
            return None, f"the body is marked {encoding} but is neither JSON text nor base64"
    if isinstance(raw, (bytes, bytearray)):
        data, problem = _decompress(bytes(raw), encoding)
        if data is None:
            return None, problem
        try:
            return data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"), None
        except UnicodeDecodeError:
            return None, f"the body is binary ({len(data):,} bytes), not text"
    return raw, None


def _request_body(it: Interaction) -> dict[str, Any]:
    if it.request_problem:
        raise ValueError(f"the request body cannot be read: {it.request_problem}")
    text, problem = body_text(it.request_body, header_dict(it.request_headers))
    if problem:
        raise ValueError(f"the request body cannot be read: {problem}")
    if text is None or (isinstance(text, str) and not text.strip()):
        raise ValueError(f"{it.method} {redact_text(it.url)} has no request body")
    if isinstance(text, str):
        try:
            body = parse_json(text)
        except JSON_ERRORS as exc:
            raise ValueError(f"the request body is not JSON ({json_problem(exc)})") from None
    else:
        body = text
    if not isinstance(body, dict):
        raise ValueError(f"the request body is a JSON {type(body).__name__}, expected an object")
    return body


def _skip_key(method: str, url: str) -> str:
    path = url_path(url) or "an unparseable URL"
    return f"{method} {redact_text(path)}"


def classify_call(method: str, url: str) -> tuple[str | None, str | None, str | None]:
    """``(dialect or None to skip, endpoint, model named in the URL)`` of a recorded call."""
    if method != "POST":
        return None, None, None
    path = url_path(url)
    if path.endswith("/chat/completions"):
        return CHAT, "chat/completions", None
    if path.endswith("/responses"):
        return RESPONSES, "responses", None
    endpoint, url_model = endpoint_of(url)
    if endpoint in ANTHROPIC_ENDPOINTS:
        return "anthropic", endpoint, url_model
    return None, endpoint, None


def _openai_outcome(ex: Exchange, text: Any) -> None:
    if isinstance(text, str):
        if is_sse_text(text):
            ex.extra["response_note"] = "the response is an OpenAI event stream, which is not reassembled"
            if ex.status is not None and ex.status >= 400:
                ex.error = {"raw": text[:4000]}
            return
        try:
            text = parse_json(text) if text.strip() else None
        except ValueError:
            if ex.status is not None and ex.status >= 400:
                ex.error = {"raw": text[:4000]}
            else:
                ex.extra["response_note"] = "the response body is text that is not JSON"
            return
    if text is None:
        ex.extra["response_note"] = "the response body was not recorded"
        if ex.status is not None and ex.status >= 400:
            ex.error = {"raw": ""}
        return
    if is_openai_error(text) or (ex.status is not None and ex.status >= 400):
        ex.error = text if isinstance(text, dict) else {"raw": text}
    elif is_chat_response(text) or is_responses_response(text):
        ex.response = text
        err = text.get("error") if isinstance(text, dict) else None
        if isinstance(err, dict):
            ex.error = {"error": err}
    else:
        ex.extra["response_note"] = "the response body is neither an OpenAI response nor an error"


def interaction_exchange(it: Interaction, name: str, fmt: str) -> Exchange | str:
    """The Exchange of one recorded call, or the ``METHOD /path`` it called when it is not one
    this tool checks.  Raises ValueError with a one-line reason for a record it cannot use."""
    method = (it.method or "").upper()
    dialect, endpoint, url_model = classify_call(method, it.url)
    if dialect is None:
        return _skip_key(method or "?", it.url)
    body = _request_body(it)
    extra: dict[str, Any] = {"url": redact_text(it.url), "method": method}
    if url_model:
        extra["url_model"] = url_model
    req_headers = header_dict(it.request_headers)
    if req_headers:
        extra["request_headers"] = req_headers
    extra.update(it.extra)
    ex = Exchange(source=Source(name, it.index, it.line), format=fmt, request=body, dialect=dialect, extra=extra)
    ex.headers = header_dict(it.response_headers) if it.has_response else {}
    for name, value in req_headers.items():
        # The rules judge a request by the version and betas it was sent with: those two come
        # from the request side (the other request headers stay in extra["request_headers"]).
        if name.lower() in JUDGED_REQUEST_HEADERS and header(ex.headers, name) is None:
            ex.headers[name] = value
    if not it.has_response:
        ex.extra["response_note"] = "the cassette recorded no response for this request"
        return ex
    ex.status = it.status
    ex.request_id = (header(ex.headers, "request-id") or header(ex.headers, "x-amzn-requestid")
                     or header(ex.headers, "x-request-id"))
    recorded = iso_time(it.recorded_at)
    if recorded is not None:
        ex.extra["recorded_at"] = recorded
    ex.started_at = recorded or iso_time(header(ex.headers, "date"))
    text, problem = body_text(it.response_body, ex.headers)
    problem = it.response_problem or problem
    if problem is not None:
        ex.extra["response_note"] = problem
        if ex.status is not None and ex.status >= 400:
            ex.error = {"raw": ""}
        return ex
    if dialect != "anthropic":
        _openai_outcome(ex, text)
        return ex
    if endpoint == "count_tokens":
        counted = text
        if isinstance(counted, str):
            try:
                counted = parse_json(counted)
            except ValueError:
                counted = None
        if isinstance(counted, dict) and isinstance(counted.get("input_tokens"), int) and \
                (ex.status is None or ex.status < 400):
            ex.extra["input_tokens"] = counted["input_tokens"]
            return ex
    if text is None and ex.status is not None and ex.status >= 400:
        ex.error = {"raw": ""}  # the status alone says it failed; the E rules classify it
        ex.extra["response_note"] = "the response body was not recorded"
        return ex
    return apply_outcome(ex, text)


def read_interactions(name: str, fmt: str, records: Iterable[Interaction | LoadIssue], *,
                      what: str = "recorded interactions") -> Iterator[Exchange | LoadIssue]:
    """Exchanges of a file's recorded calls; an unusable record is an issue naming it; calls this
    tool does not check are counted, and named in one issue when the file holds nothing else."""
    tally = CallTally()
    total = 0
    for it in records:
        if isinstance(it, LoadIssue):
            yield it
            continue
        total += 1
        try:
            got = tally.keep(interaction_exchange(it, name, fmt))
        except ValueError as exc:
            yield LoadIssue(name, f"interaction {it.index}: {exc}", record=it.index, line=it.line, path=it.path)
            continue
        if got is not None:
            yield got
    if tally.nothing_checked:
        calls = tally.top()
        more = len(tally.skipped) - 5
        yield LoadIssue(name, f"no Messages API or OpenAI call among the {total} {what} ({calls}"
                              f"{f', and {more} other endpoints' if more > 0 else ''}): nothing to check")
