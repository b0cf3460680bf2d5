"""HAR captures (FORMATS.md §3.11): browser devtools "Save all as HAR with content", mitmproxy
``save.har`` / ``hardump``, Proxyman, Charles, Playwright ``recordHar``.

Only Messages API entries become exchanges: ``POST …/v1/messages`` (any host: a gateway or a
local proxy keeps the path), Bedrock ``/model/{id}/invoke`` and Vertex ``:rawPredict``.  A
browser HAR is mostly scripts and images, so other entries are left out without a word — unless
none is a Messages call, which gets one issue naming what the file holds instead.

The request body is ``postData.text`` (a JSON string); the response body is ``content.text``,
base64 when ``content.encoding`` says so (mitmproxy encodes bodies that look binary), and an
event stream for streaming calls (reassembled, cut streams reported by the F rules).  Browser
HARs often lack the response body (saved without content, or evicted): the exchange then has no
response and ``extra["response_note"]`` says why.  Both header lists are redacted on load.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any

from tui.core.formats.base import JSON_ERRORS, Format, Sniff, json_problem, parse_json, load_document
from tui.core.formats.claude_trace import MESSAGES_ENDPOINTS, CallTally, endpoint_of, header, header_dict
from tui.core.formats.reader import LoadError
from tui.core.formats.sse_text import apply_outcome
from tui.core.model import Exchange, LoadIssue, Source
from tui.core.redact import redact_text

__all__ = ["HAR"]

_HEAD_RE = re.compile(r'^\s*\{\s*"log"\s*:\s*\{')


def _entries(doc: Any) -> list[Any] | None:
    log = doc.get("log") if isinstance(doc, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    return entries if isinstance(entries, list) else None


def _detect(sniff: Sniff) -> bool:
    if not sniff.is_json or sniff.is_jsonl:
        return False
    doc = sniff.document_or_none()
    if doc is not None:
        return _entries(doc) is not None
    # A HAR that does not parse (cut while saving): claim it, so the error names the HAR.
    return bool(_HEAD_RE.match(sniff.text_head)) and '"entries"' in sniff.text_head


def _body_text(content: dict[str, Any]) -> tuple[str | None, str | None]:
    """``(text, problem)`` of a HAR ``content`` object, base64 decoded when flagged."""
    text = content.get("text")
    if not isinstance(text, str):
        return None, "the HAR holds no response body (save it \"with content\")"
    if content.get("encoding") == "base64":
        try:
            raw = base64.b64decode(text, validate=False)
        except (binascii.Error, ValueError):
            return None, "the base64 response body does not decode"
        try:
            return raw.decode("utf-8"), None
        except UnicodeDecodeError:
            return None, f"the response body is binary ({len(raw)} bytes, {content.get('mimeType', '?')})"
    return text, None


def _entry_exchange(entry: Any, index: int, name: str) -> Exchange | str:
    """One entry as an Exchange, or the endpoint/URL it called when it is not a Messages call.

    Raises ValueError with a one-line reason for an entry of the wrong shape.
    """
    if not isinstance(entry, dict):
        raise ValueError(f"entry is {type(entry).__name__}, expected an object")
    req = entry.get("request")
    if not isinstance(req, dict):
        raise ValueError("entry has no `request` object")
    url = req.get("url") if isinstance(req.get("url"), str) else ""
    endpoint, url_model = endpoint_of(url)
    if endpoint not in MESSAGES_ENDPOINTS or str(req.get("method", "POST")).upper() != "POST":
        return endpoint or "other"
    post = req.get("postData")
    text = post.get("text") if isinstance(post, dict) else None
    if not isinstance(text, str):
        raise ValueError(f"POST {redact_text(str(url))} has no request body (request.postData.text)")
    try:
        body = parse_json(text)
    except JSON_ERRORS as exc:
        raise ValueError(f"request.postData.text is not JSON ({json_problem(exc)})") from None
    if not isinstance(body, dict):
        raise ValueError(f"request.postData.text is a JSON {type(body).__name__}, expected an object")

    extra: dict[str, Any] = {"url": redact_text(url), "method": "POST"}
    if url_model:
        extra["url_model"] = url_model
    req_headers = header_dict(req.get("headers"))
    if req_headers:
        extra["request_headers"] = req_headers
    started = entry.get("startedDateTime")
    total = entry.get("time")
    ex = Exchange(source=Source(name, index), format="har", request=body,
                  started_at=started if isinstance(started, str) else None,
                  duration_ms=float(total) if isinstance(total, (int, float)) and not isinstance(total, bool)
                  and total >= 0 else None,
                  extra=extra)
    timings = entry.get("timings")
    wait = timings.get("wait") if isinstance(timings, dict) else None
    if isinstance(wait, (int, float)) and not isinstance(wait, bool) and wait >= 0:
        ex.extra["ttfb_ms"] = wait
    failure = entry.get("_error")  # mitmproxy: the flow failed (connection reset, timeout …)
    if failure is not None:
        ex.extra["transport_error"] = failure
    resp = entry.get("response")
    if not isinstance(resp, dict):
        ex.extra["response_note"] = "the entry has no response"
        return ex
    status = resp.get("status")
    if isinstance(status, int) and not isinstance(status, bool) and status > 0:
        ex.status = status
    ex.headers = header_dict(resp.get("headers"))
    ex.request_id = header(ex.headers, "request-id") or header(ex.headers, "x-amzn-requestid")
    content = resp.get("content")
    body_text, problem = _body_text(content) if isinstance(content, dict) else (None, "no response content")
    if body_text is None or (failure is not None and ex.status is None):
        ex.extra["response_note"] = problem if failure is None else "the connection failed before a response"
        if failure is not None and ex.status is None:
            ex.error = {"raw": str(failure)}  # no HTTP response at all: a transport failure
        elif ex.status is not None and ex.status >= 400:
            ex.error = {"raw": ""}  # the status alone says it failed; the E rules classify it
        return ex
    return apply_outcome(ex, body_text)


def _read(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    name = sniff.name
    doc = load_document(sniff, what="the HAR file is cut or damaged: ", column=True)
    entries = _entries(doc)
    if entries is None:  # pragma: no cover - the detector checked
        raise LoadError(f"{name}: not a HAR file (no log.entries list)")
    tally = CallTally()
    for i, entry in enumerate(entries):
        try:
            got = tally.keep(_entry_exchange(entry, i, name))
        except ValueError as exc:
            yield LoadIssue(name, f"entry {i}: {exc}", record=i, path=f"/log/entries/{i}")
            continue
        if got is not None:
            yield got
    if not tally.loaded:
        what = tally.top()
        yield LoadIssue(name, f"no Messages API call among the {len(entries)} HAR entries"
                              + (f" ({what})" if what else ""))


HAR = Format("har", "HAR capture (browser devtools, mitmproxy, Proxyman, Charles)", _detect, _read)
