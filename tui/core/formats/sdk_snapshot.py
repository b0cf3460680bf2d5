"""The anthropic SDK's recorded HTTP snapshots (``tests/lib/**/__inline_snapshot__/…/<uuid>.json``).

The SDK's own tests record live calls with ``inline-snapshot`` ``outsource`` as a JSON array::

    [{"request":  {"method": "POST", "url": "https://api.anthropic.com/v1/messages?beta=true",
                   "headers": {…}, "body": {"model": "claude-…", "messages": […], …}},
      "response": {"status_code": 200, "headers": {…},
                   "body": {…} | "event: message_start\\ndata: {…}\\n\\n…"}}, …]

Users copy the helper into their own suites, so these files are common.  The HTTP envelope is
unwrapped here — it is never checked as a request body (read as a ``{request, response}`` pair it
gave three false "missing field" errors per call) — and each call goes through the same step as
every cassette (:mod:`tui.core.formats.cassette`): a streamed body is reassembled, an error body is
the error, calls to other endpoints are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tui.core.formats.base import Format, Sniff, load_document
from tui.core.formats.cassette import Interaction, read_interactions, status_code
from tui.core.model import Exchange, LoadIssue

__all__ = ["SDK_SNAPSHOT", "is_snapshot_call"]


def is_snapshot_call(v: Any) -> bool:
    """``{request: {method, url, body?}, response: {status_code, …}}``: an HTTP envelope, not a body."""
    if not isinstance(v, dict) or set(v) - {"request", "response"}:
        return False
    req, resp = v.get("request"), v.get("response")
    return isinstance(req, dict) and isinstance(req.get("method"), str) and isinstance(req.get("url"), str) \
        and "messages" not in req and (resp is None or (isinstance(resp, dict) and "status_code" in resp))


def _detect(sniff: Sniff) -> bool:
    if not sniff.is_json or sniff.is_jsonl:
        return False
    doc = sniff.document_or_none()
    if isinstance(doc, list):
        return bool(doc) and is_snapshot_call(doc[0])
    return is_snapshot_call(doc)


def _records(name: str, items: list[Any], listed: bool) -> Iterator[Interaction | LoadIssue]:
    for i, item in enumerate(items):
        path = f"/{i}" if listed else None
        if not is_snapshot_call(item):
            yield LoadIssue(name, f"item {i} is not a {{request: {{method, url, headers, body}}, response: "
                                  f"{{status_code, headers, body}}}} call", record=i, path=path)
            continue
        req, resp = item["request"], item.get("response")
        it = Interaction(index=i, method=req["method"], url=req["url"], request_headers=req.get("headers"),
                         request_body=req.get("body"), path=path)
        if isinstance(resp, dict):
            it.status = status_code(resp.get("status_code"))
            it.response_headers = resp.get("headers")
            it.response_body = resp.get("body")
        else:
            it.has_response = False
        yield it


def _read(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    doc = load_document(sniff, what="the snapshot is cut or damaged: ")
    listed = isinstance(doc, list)
    items = doc if listed else [doc]
    yield from read_interactions(sniff.name, "sdk-http-snapshot", _records(sniff.name, items, listed),
                                 what="recorded calls")


SDK_SNAPSHOT = Format("sdk-http-snapshot", "anthropic SDK HTTP snapshot JSON ([{request: {method, url, headers, "
                      "body}, response: {status_code, headers, body}}])", _detect, _read)
