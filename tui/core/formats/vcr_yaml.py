"""VCR cassettes: vcrpy / pytest-recording, Ruby VCR and R vcr (YAML, or their JSON serializers).

vcrpy (and pytest-recording, which records through it) writes ``cassettes/<test>.yaml``::

    interactions:
    - request:
        body: '{"model": "claude-…", …}'       # a string, null, or {string: …}
        headers: {x-api-key: [sk-ant-…]}      # names → lists of values
        method: POST
        uri: https://api.anthropic.com/v1/messages
      response:
        body: {string: '{"id": "msg_…", …}'}  # or !!binary gzip bytes (decode_compressed_response off)
        headers: {content-encoding: [gzip], date: [Tue, 03 Jun 2025 14:02:11 GMT]}
        status: {code: 200, message: OK}
    version: 1

Ruby VCR writes ``http_interactions:`` with ``body: {encoding, string}`` (``base64_string`` for
bytes that are not UTF-8), ``status: {code, message}`` and a ``recorded_at`` per interaction; R vcr
(a port of it) the same with flat ``name: value`` headers and ``status: {status_code: '200'}`` (or
``status: 200`` since vcr 2).  Every format's JSON serializer writes the same document as JSON.
The step from a recorded call to an Exchange is :mod:`tui.core.formats.cassette`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from typing import Any

from tui.core.formats.base import Format, Sniff, load_document
from tui.core.formats.cassette import Interaction, read_interactions, status_code
from tui.core.formats.reader import LoadError
from tui.core.formats.yaml_doc import load_yaml
from tui.core.model import Exchange, LoadIssue

__all__ = ["VCRPY", "RUBY_VCR", "read_cassette", "yaml_head_has"]

Build = Callable[[dict[str, Any], int], Interaction]


def yaml_head_has(sniff: Sniff, key: str) -> bool:
    """The text (not JSON) has ``key:`` as a top-level YAML key within the head."""
    if sniff.is_json:
        return False
    return re.search(rf"^{re.escape(key)}:[ \t]*(?:\r?\n|$)", sniff.text_head, re.M) is not None


def json_cassette(sniff: Sniff, key: str) -> list[Any] | None:
    """The interactions of a JSON cassette whose top level is ``{key: [{request, response}, …]}``."""
    if not sniff.is_json or sniff.is_jsonl:
        return None
    doc = sniff.document_or_none()
    items = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(items, list):
        return None
    first = items[0] if items else None
    return items if first is None or (isinstance(first, dict) and isinstance(first.get("request"), dict)) else None


def _type_name(v: Any) -> str:
    return "null" if v is None else {"dict": "an object", "list": "a list", "str": "a string"}.get(
        type(v).__name__, type(v).__name__)


def read_cassette(sniff: Sniff, key: str, fmt: str, build: Build) -> Iterator[Exchange | LoadIssue]:
    """Every interaction under ``key`` of a YAML or JSON cassette, through ``build``."""
    name = sniff.name
    if sniff.is_json:
        doc = load_document(sniff, what="the JSON cassette is cut or damaged: ")
        lines: list[int] = []
    else:
        doc, by_key = load_yaml(sniff, (key,))
        lines = by_key.get(key, [])
    items = doc.get(key) if isinstance(doc, dict) else None
    if items is None and isinstance(doc, dict) and key in doc:
        items = []  # `interactions:` with nothing under it (a cassette recorded no call)
    if not isinstance(items, list):
        raise LoadError(f"{name}: not a cassette: the top level has no `{key}` list "
                        f"(found {_type_name(items) if isinstance(doc, dict) else _type_name(doc)})")

    def records() -> Iterator[Interaction | LoadIssue]:
        for i, item in enumerate(items):
            line = lines[i] if i < len(lines) else None
            where = f"/{key}/{i}"
            if not isinstance(item, dict) or not isinstance(item.get("request"), dict):
                what = "has no `request` mapping" if isinstance(item, dict) else f"is {_type_name(item)}"
                yield LoadIssue(name, f"interaction {i} {what}, expected {{request, response}}", record=i,
                                line=line, path=None if line else where)
                continue
            resp = item.get("response")
            if resp is not None and not isinstance(resp, dict):
                yield LoadIssue(name, f"interaction {i}: `response` is {_type_name(resp)}, expected a mapping",
                                record=i, line=line, path=None if line else where)
                continue
            it = build(item, i)
            it.line, it.path = line, None if line else where
            yield it

    if not items:
        yield LoadIssue(name, "the cassette holds no recorded interactions: nothing to check")
        return
    yield from read_interactions(name, fmt, records())


# -- vcrpy and Ruby / R VCR ------------------------------------------------------------------------

def vcr_body(value: Any) -> Any:
    """A VCR body: ``{string}``, ``{base64_string}`` (Ruby), or the value itself (vcrpy)."""
    if isinstance(value, dict):
        if isinstance(value.get("base64_string"), str):
            try:
                return base64.b64decode("".join(value["base64_string"].split()), validate=False)
            except (binascii.Error, ValueError):
                raise ValueError("body.base64_string is not base64") from None
        if value.get("file") is True:
            raise ValueError("the body was written to a separate file (R vcr `file: yes`), which this "
                             "tool does not follow")
        return value.get("string")
    return value


def vcr_status(value: Any) -> int | None:
    if isinstance(value, dict):
        return status_code(value.get("code", value.get("status_code")))
    return status_code(value)


def _vcr_interaction(item: dict[str, Any], i: int) -> Interaction:
    req = item["request"]
    resp = item.get("response")
    it = Interaction(index=i, method=str(req.get("method") or ""), url=str(req.get("uri") or req.get("url") or ""),
                     request_headers=req.get("headers"), recorded_at=item.get("recorded_at"))
    try:
        it.request_body = vcr_body(req.get("body"))
    except ValueError as exc:
        it.request_problem = str(exc)
    if not isinstance(resp, dict):
        it.has_response = False
        return it
    it.status = vcr_status(resp.get("status"))
    it.response_headers = resp.get("headers")
    try:
        it.response_body = vcr_body(resp.get("body"))
    except ValueError as exc:
        it.response_problem = str(exc)
    return it


def _detect_vcrpy(sniff: Sniff) -> bool:
    if sniff.is_json:
        items = json_cassette(sniff, "interactions")
        return items is not None and (not items or "uri" in items[0]["request"])
    return yaml_head_has(sniff, "interactions") and not _looks_go_vcr(sniff.text_head)


def _looks_go_vcr(head: str) -> bool:
    """go-vcr writes ``url:`` (and ``code:``) where vcrpy writes ``uri:`` (and ``status: {code}``)."""
    return re.search(r"^\s+url:\s", head, re.M) is not None and re.search(r"^\s+uri:\s", head, re.M) is None


def _detect_ruby(sniff: Sniff) -> bool:
    if sniff.is_json:
        return json_cassette(sniff, "http_interactions") is not None
    return yaml_head_has(sniff, "http_interactions")


def _read_vcrpy(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    return read_cassette(sniff, "interactions", "vcrpy-cassette", _vcr_interaction)


def _read_ruby(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    return read_cassette(sniff, "http_interactions", "vcr-cassette", _vcr_interaction)


VCRPY = Format("vcrpy-cassette", "vcrpy / pytest-recording cassette (YAML or JSON, `interactions:`)",
               _detect_vcrpy, _read_vcrpy)
RUBY_VCR = Format("vcr-cassette", "Ruby VCR or R vcr cassette (YAML or JSON, `http_interactions:`)",
                  _detect_ruby, _read_ruby)
