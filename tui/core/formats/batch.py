"""Anthropic Message Batches files (FORMATS.md §3.7): the input JSONL and the results JSONL.

* Input: one ``{"custom_id", "params"}`` per line (what users keep before ``POST
  /v1/messages/batches``), or the create body itself, ``{"requests": [...]}``, as one document.
  Each line is a request; ``custom_id`` goes to ``extra``.
* Results (the ``results_url`` download): one ``{"custom_id", "result": {"type": ...}}`` per
  line, in no particular order.  ``succeeded`` carries the ``Message``; ``errored`` an error
  envelope (the E rules read it, ``request_id`` included); ``canceled`` and ``expired`` carry
  nothing and say so in ``extra["batch_result"]``.

Each file loads alone: a results file has no requests, so request rules do not run on it (join
by ``custom_id`` to see both).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tui.core.formats.base import Format, Sniff, jsonl_exchanges, load_document
from tui.core.formats.claude_trace import leading_records
from tui.core.model import Exchange, LoadIssue, Source

__all__ = ["BATCH_JSONL", "BATCH_JSON"]

RESULT_TYPES = frozenset({"succeeded", "errored", "canceled", "expired"})


def _result_type(result: dict[str, Any]) -> str | None:
    kind = result.get("type")
    return kind if isinstance(kind, str) else None


def is_input_line(v: Any) -> bool:
    return isinstance(v, dict) and "custom_id" in v and "params" in v


def is_result_line(v: Any) -> bool:
    return isinstance(v, dict) and "custom_id" in v and isinstance(v.get("result"), dict) \
        and _result_type(v["result"]) in RESULT_TYPES


def _detect_jsonl(sniff: Sniff) -> bool:
    if not sniff.is_json or sniff.opened.head.lstrip()[:1] != b"{":
        return False
    if not (sniff.is_jsonl or len(sniff.first_lines) > 1):
        return False
    records = [r for r in leading_records(sniff) if isinstance(r, dict)]
    return bool(records) and (is_input_line(records[0]) or is_result_line(records[0]))


def _detect_document(sniff: Sniff) -> bool:
    if not sniff.is_json or sniff.is_jsonl:
        return False
    doc = sniff.document_or_none()
    if is_input_line(doc) or is_result_line(doc):
        return True
    reqs = doc.get("requests") if isinstance(doc, dict) else None
    return isinstance(reqs, list) and bool(reqs) and is_input_line(reqs[0])


def batch_exchange(v: Any, source: Source) -> Exchange:
    """One input or result line as an Exchange; ValueError with a one-line reason otherwise."""
    if not isinstance(v, dict) or "custom_id" not in v:
        raise ValueError("not a batch line: expected an object with `custom_id` and `params` or `result`")
    cid = v["custom_id"]
    extra: dict[str, Any] = {"custom_id": cid}
    extra.update({k: val for k, val in v.items() if k not in ("custom_id", "params", "result")})
    if "params" in v:
        params = v["params"]
        if not isinstance(params, dict):
            raise ValueError(f"custom_id {cid!r}: `params` is {type(params).__name__}, expected the "
                             f"request object")
        return Exchange(source=source, format="anthropic-batch-input", request=params, extra=extra)
    result = v.get("result")
    if not isinstance(result, dict) or _result_type(result) not in RESULT_TYPES:
        kind = result.get("type") if isinstance(result, dict) else type(result).__name__
        raise ValueError(f"custom_id {cid!r}: `result` type {kind!r} is not one of "
                         f"{', '.join(sorted(RESULT_TYPES))}")
    kind = result["type"]
    extra["batch_result"] = kind
    ex = Exchange(source=source, format="anthropic-batch-result", extra=extra)
    if kind == "succeeded":
        msg = result.get("message")
        if not isinstance(msg, dict):
            raise ValueError(f"custom_id {cid!r}: a succeeded result without a `message` object")
        ex.response, ex.status = msg, 200
    elif kind == "errored":
        err = result.get("error")
        # Keep the `errored` wrapper: the E rules recognise it as a batch result.
        ex.error = {"type": "errored", "error": err} if isinstance(err, dict) else {"raw": err}
        rid = err.get("request_id") if isinstance(err, dict) else None
        ex.request_id = rid if isinstance(rid, str) else None
    return ex


def _read_jsonl(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    return jsonl_exchanges(sniff, batch_exchange, (ValueError,))


def _read_document(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    name = sniff.name
    doc = load_document(sniff)
    if isinstance(doc, dict) and isinstance(doc.get("requests"), list):
        for i, item in enumerate(doc["requests"]):
            try:
                yield batch_exchange(item, Source(name, i))
            except ValueError as exc:
                yield LoadIssue(name, str(exc), record=i, path=f"/requests/{i}")
        return
    try:
        yield batch_exchange(doc, Source(name, 0))
    except ValueError as exc:
        yield LoadIssue(name, str(exc), record=0)


BATCH_JSONL = Format("anthropic-batch", "Anthropic Message Batches input or results JSONL", _detect_jsonl,
                     _read_jsonl)
BATCH_JSON = Format("anthropic-batch-json", "an Anthropic batch create body {\"requests\": [...]}",
                    _detect_document, _read_document)
