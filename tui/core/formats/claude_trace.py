"""claude-trace JSONL (FORMATS.md §3.3): the real wire payloads of a Claude Code session.

``npx @mariozechner/claude-trace`` wraps Claude Code and appends one ``{request, response,
logged_at}`` record per finished HTTP exchange to ``.claude-trace/log-*.jsonl``.  Streaming
responses are kept as the raw event-stream text (``response.body_raw``) and are reassembled here;
JSON responses come parsed (``response.body``).  A request still in flight when Claude Code exited
is written with ``response: null`` and a ``note`` (an *orphan*): it loads as an exchange without
a response, and rule F003 says so.

Records of other endpoints (``count_tokens``, ``/api/oauth/...`` with
``CLAUDE_TRACE_INCLUDE_ALL_REQUESTS``) are not Messages API calls and are left out; a file holding
none at all gets one issue saying so.  Headers are redacted on load (claude-trace masks keys, but
only some header names).

This module also holds the small HTTP helpers the other capture formats (HAR, SDK debug logs)
share: endpoint classification, header normalisation and epoch timestamps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote, urlsplit

from tui.core.formats.anthropic import NotARecord
from tui.core.formats.base import JSON_ERRORS, Format, Sniff, iter_jsonl, json_problem, parse_json, load_document
from tui.core.formats.sse_text import apply_outcome
from tui.core.model import Exchange, LoadIssue, Source
from tui.core.redact import redact_headers, redact_text

__all__ = ["CLAUDE_TRACE", "CLAUDE_TRACE_JSON", "endpoint_of", "url_path", "MESSAGES_ENDPOINTS", "header_dict",
           "iso_from_epoch", "leading_records", "CallTally"]

# -- helpers shared by the HTTP-capture formats --------------------------------------------------

MESSAGES_ENDPOINTS = frozenset({"messages", "bedrock-invoke", "bedrock-stream", "vertex"})
"""Endpoints whose request body is a Messages API request (Anthropic, Bedrock or Vertex)."""

_BEDROCK_RE = re.compile(r"/model/(?P<model>[^/]+)/(?P<op>invoke|invoke-with-response-stream|converse|"
                         r"converse-stream)$")
_VERTEX_RE = re.compile(r"/models/(?P<model>[^/:]+):(?P<op>rawPredict|streamRawPredict)$")


def url_path(url: str) -> str:
    """The path of a URL (or of a bare path), without a trailing slash; ``""`` if it does not parse."""
    try:
        return urlsplit(url).path.rstrip("/")
    except ValueError:  # e.g. "Invalid IPv6 URL"
        return ""


def endpoint_of(url: str) -> tuple[str | None, str | None]:
    """``(endpoint, model named in the URL)`` for an API URL, or ``(None, None)``.

    Endpoints: ``messages``, ``count_tokens``, ``batches``, ``bedrock-invoke``,
    ``bedrock-stream``, ``bedrock-converse``, ``vertex``.  Bedrock and Vertex put the model in
    the URL, not in the body, so it is returned for ``extra``.
    """
    path = url_path(url)
    if path.endswith("/v1/messages"):
        return "messages", None
    if path.endswith("/v1/messages/count_tokens"):
        return "count_tokens", None
    if "/v1/messages/batches" in path:
        return "batches", None
    m = _BEDROCK_RE.search(path)
    if m:
        op = m.group("op")
        kind = {"invoke": "bedrock-invoke", "invoke-with-response-stream": "bedrock-stream"}.get(
            op, "bedrock-converse")
        return kind, unquote(m.group("model"))
    m = _VERTEX_RE.search(path)
    if m:
        return "vertex", m.group("model")
    return None, None


def header_dict(headers: Any) -> dict[str, str]:
    """Headers as a flat, redacted ``{name: value}``.

    Accepts a flat dict (claude-trace, SDK reprs) or a HAR list of ``{name, value}``; repeated
    names are joined with ``", "`` as HTTP allows.  Secrets are masked here, on load, so no later
    display or export can leak them.
    """
    out: dict[str, str] = {}
    if isinstance(headers, dict):
        items = [(k, v) for k, v in headers.items()]
    elif isinstance(headers, list):
        items = [(h.get("name"), h.get("value")) for h in headers if isinstance(h, dict)]
        items += [(h[0], h[1]) for h in headers if isinstance(h, (list, tuple)) and len(h) == 2]
    else:
        return out
    for name, value in items:
        if not isinstance(name, str):
            continue
        text = value if isinstance(value, str) else ", ".join(map(str, value)) if isinstance(
            value, list) else str(value)
        out[name] = f"{out[name]}, {text}" if name in out else text
    return redact_headers(out)


def header(headers: dict[str, str], name: str) -> str | None:
    """Case-insensitive header lookup."""
    name = name.lower()
    return next((v for k, v in headers.items() if k.lower() == name), None)


def iso_from_epoch(ts: Any) -> str | None:
    """An epoch timestamp (seconds, or milliseconds when it is that large) as ISO 8601 UTC."""
    seconds = epoch_seconds(ts)
    if seconds is None:
        return None
    try:
        when = datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def epoch_seconds(ts: Any) -> float | None:
    if isinstance(ts, bool) or not isinstance(ts, (int, float)):
        return None
    return ts / 1000.0 if ts > 1e11 else float(ts)


def iso_seconds(text: Any) -> float | None:
    """Epoch seconds of an ISO 8601 string (``...Z`` accepted), or None."""
    if not isinstance(text, str):
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


def leading_records(sniff: Sniff) -> list[Any]:
    """The first records of a JSONL file for detection, the first one read *whole*.

    ``Sniff.first_records`` parses lines of the 64 KB head, so a long first line (a claude-trace
    record holds a whole conversation) is cut and lost; the first line is re-read in full from the
    (cached) line ``Sniff.is_jsonl`` already read.
    """
    records = list(sniff.first_records)
    if sniff.is_jsonl:
        first, _ = sniff._first_line  # noqa: SLF001 - the whole first line, already read for is_jsonl
        try:
            value = parse_json(first)
        except JSON_ERRORS:
            return records
        if not records or records[0] != value:
            records.insert(0, value)
    return records


class CallTally:
    """The calls a reader of recorded HTTP kept, and the ones it skipped by ``METHOD /path`` (or
    endpoint): a file holding only calls this tool does not check says so in one issue instead
    of loading as if it were empty.  Shared by every capture and cassette reader."""

    def __init__(self) -> None:
        self.skipped: dict[str, int] = {}
        self.loaded = 0

    def keep(self, got: Exchange | str) -> Exchange | None:
        """``got`` if it is an exchange; a ``str`` (what was called) is counted as skipped."""
        if isinstance(got, str):
            self.skipped[got] = self.skipped.get(got, 0) + 1
            return None
        self.loaded += 1
        return got

    @property
    def nothing_checked(self) -> bool:
        return not self.loaded and bool(self.skipped)

    def top(self, n: int = 5) -> str:
        """The most frequent skipped calls: ``3 GET /v1/models, 1 POST /oauth/token``."""
        return ", ".join(f"{c} {k}" for k, c in sorted(self.skipped.items(), key=lambda kv: -kv[1])[:n])

    def note(self, name: str) -> LoadIssue:
        """One issue for a file that holds API calls, but none of the Messages API."""
        return LoadIssue(name, f"no Messages API call in this file ({self.top() or 'nothing'} skipped)")


# -- claude-trace --------------------------------------------------------------------------------

_HEAD_RE = re.compile(r'^\s*\{\s*"request"\s*:\s*\{\s*"timestamp"\s*:\s*[\d.]+\s*,\s*"method"\s*:')


def is_trace_record(value: Any) -> bool:
    """``{request: {…, body|url}, response, logged_at|note}``: the request must look like an HTTP
    capture (a body or a URL), or any ``{request, response, logged_at}`` pair would be claimed."""
    req = value.get("request") if isinstance(value, dict) else None
    return isinstance(req, dict) and ("body" in req or "url" in req) and "response" in value \
        and ("logged_at" in value or "note" in value)


def _detect_jsonl(sniff: Sniff) -> bool:
    if not sniff.is_json or sniff.opened.head.lstrip()[:1] != b"{":
        return False
    records = [r for r in leading_records(sniff) if isinstance(r, dict)]
    if records:
        return is_trace_record(records[0]) and (sniff.is_jsonl or len(sniff.first_lines) > 1)
    return bool(sniff.first_lines) and bool(_HEAD_RE.match(sniff.first_lines[0]))


def _detect_document(sniff: Sniff) -> bool:
    if not sniff.is_json or sniff.is_jsonl:
        return False
    doc = sniff.document_or_none()
    if isinstance(doc, list):
        return bool(doc) and is_trace_record(doc[0])
    return is_trace_record(doc)


def trace_exchange(rec: Any, source: Source) -> Exchange | str:
    """One claude-trace record as an Exchange, or the name of the non-Messages endpoint it called.

    Raises :class:`NotARecord` with a one-line reason for a record of the wrong shape.
    """
    if not isinstance(rec, dict) or not isinstance(rec.get("request"), dict):
        raise NotARecord("not a claude-trace record: expected an object with a `request` object")
    req: dict[str, Any] = rec["request"]
    url = req.get("url") if isinstance(req.get("url"), str) else ""
    endpoint, url_model = endpoint_of(url) if url else ("messages", None)
    if endpoint not in MESSAGES_ENDPOINTS:
        return endpoint or url_path(url) or url or "unknown URL"
    body = req.get("body")
    if isinstance(body, str):
        try:
            body = parse_json(body)
        except JSON_ERRORS as exc:
            raise NotARecord(f"request.body is a string that is not JSON ({json_problem(exc)})") from None
    if not isinstance(body, dict):
        raise NotARecord(f"request.body is {type(body).__name__}, expected the request JSON object")

    extra: dict[str, Any] = {"url": redact_text(url), "method": req.get("method")}
    if url_model:
        extra["url_model"] = url_model
    for key in ("logged_at", "note"):
        if key in rec:
            extra[key] = rec[key]
    req_headers = header_dict(req.get("headers"))
    if req_headers:
        extra["request_headers"] = req_headers
    started = epoch_seconds(req.get("timestamp"))
    ex = Exchange(source=source, format="claude-trace", request=body, started_at=iso_from_epoch(started),
                  extra=extra)
    resp = rec.get("response")
    if resp is None:
        ex.extra["orphaned"] = True
        return ex
    if not isinstance(resp, dict):
        raise NotARecord(f"response is {type(resp).__name__}, expected an object or null")
    status = resp.get("status_code")
    ex.status = status if isinstance(status, int) and not isinstance(status, bool) else None
    ex.headers = header_dict(resp.get("headers"))
    ex.request_id = header(ex.headers, "request-id") or header(ex.headers, "x-amzn-requestid")
    apply_outcome(ex, resp["body"] if "body" in resp else resp.get("body_raw"))
    answered = epoch_seconds(resp.get("timestamp"))
    finished = iso_seconds(rec.get("logged_at"))
    if started is not None and answered is not None and answered >= started:
        ex.extra["ttfb_ms"] = round((answered - started) * 1000, 1)
    if started is not None and finished is not None and finished >= started:
        ex.duration_ms = round((finished - started) * 1000, 1)
    return ex


def _read_jsonl(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    name = sniff.name
    tally = CallTally()
    for record, lineno, offset, value in iter_jsonl(sniff.opened):
        if isinstance(value, BaseException):
            yield LoadIssue(name, json_problem(value), record=record, line=lineno)
            continue
        try:
            got = tally.keep(trace_exchange(value, Source(name, record, lineno, offset)))
        except NotARecord as exc:
            yield LoadIssue(name, str(exc), record=record, line=lineno)
            continue
        if got is not None:
            yield got
    if tally.nothing_checked:
        yield tally.note(name)


def _read_document(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    name = sniff.name
    doc = load_document(sniff)
    items = doc if isinstance(doc, list) else [doc]
    tally = CallTally()
    for i, item in enumerate(items):
        try:
            got = tally.keep(trace_exchange(item, Source(name, i)))
        except NotARecord as exc:
            yield LoadIssue(name, str(exc), record=i, path=f"/{i}" if isinstance(doc, list) else None)
            continue
        if got is not None:
            yield got
    if tally.nothing_checked:
        yield tally.note(name)


CLAUDE_TRACE = Format("claude-trace", "claude-trace JSONL (.claude-trace/log-*.jsonl)", _detect_jsonl, _read_jsonl)
CLAUDE_TRACE_JSON = Format("claude-trace-json", "one claude-trace {request, response, logged_at} record "
                           "or an array of them", _detect_document, _read_document)
