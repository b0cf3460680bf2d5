"""go-vcr cassettes (``github.com/dnaeon/go-vcr`` and its ``gopkg.in/dnaeon/go-vcr.v*`` forks).

``recorder`` writes ``testdata/fixtures/<name>.yaml``; format version 1 (go-vcr v1/v2) and 2
(v3/v4, which add ``id``, ``proto``, ``content_length``, ``host`` … to each side)::

    ---
    version: 2
    interactions:
        - id: 0
          request:
            body: '{"model":"claude-…",…}'      # always a string
            headers: {X-Api-Key: [sk-ant-…]}     # names → lists of values
            url: https://api.anthropic.com/v1/messages
            method: POST
          response:
            body: '{"id":"msg_…",…}'
            headers: {Date: [Tue, 03 Jun 2025 14:02:11 GMT]}
            status: 200 OK
            code: 200
            duration: 1.2s

A cassette saved through a JSON marshaller has the same keys; both are read.  Go's transport
undoes gzip before the recorder sees the body, so bodies are text; the recorded time is the
response's ``Date`` header (go-vcr keeps no timestamp of its own).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tui.core.formats.base import Format, Sniff
from tui.core.formats.cassette import Interaction, status_code
from tui.core.formats.vcr_yaml import _looks_go_vcr, json_cassette, read_cassette, yaml_head_has
from tui.core.model import Exchange, LoadIssue

__all__ = ["GO_VCR"]


def _interaction(item: dict[str, Any], i: int) -> Interaction:
    req = item["request"]
    resp = item.get("response")
    it = Interaction(index=i, method=str(req.get("method") or ""), url=str(req.get("url") or ""),
                     request_headers=req.get("headers"), request_body=req.get("body"))
    if isinstance(item.get("id"), int):
        it.extra["interaction_id"] = item["id"]
    if not isinstance(resp, dict):
        it.has_response = False
        return it
    it.status = status_code(resp.get("code")) or status_code(resp.get("status"))
    it.response_headers = resp.get("headers")
    it.response_body = resp.get("body")
    duration = resp.get("duration")
    if isinstance(duration, str) and duration:
        it.extra["duration"] = duration
    return it


def _detect(sniff: Sniff) -> bool:
    if sniff.is_json:
        items = json_cassette(sniff, "interactions")
        return bool(items) and "url" in items[0]["request"] and "uri" not in items[0]["request"]
    return yaml_head_has(sniff, "interactions") and _looks_go_vcr(sniff.text_head)


def _read(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    return read_cassette(sniff, "interactions", "go-vcr-cassette", _interaction)


GO_VCR = Format("go-vcr-cassette", "go-vcr cassette (YAML `interactions:` with `url` / `code`)", _detect, _read)
