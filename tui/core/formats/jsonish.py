"""Raw Anthropic JSON records, as one document, an array, or JSONL (formats a–h of issue #2).

These are the fallbacks of the registry: any JSON a more specific format did not claim lands
here, and records that are not Anthropic requests, responses, errors or pairs become LoadIssues.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tui.core.formats.anthropic import NotARecord, to_exchange
from tui.core.formats.base import Format, Sniff, jsonl_exchanges, parse_json, load_document
from tui.core.model import Exchange, LoadIssue, Source

__all__ = ["ANTHROPIC_JSON", "ANTHROPIC_JSONL", "parse_json"]


def _read_jsonl(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    return jsonl_exchanges(sniff, to_exchange, (NotARecord,))


def _read_document(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    name = sniff.name
    doc = load_document(sniff)
    if isinstance(doc, list):
        if doc and all(isinstance(m, dict) and "role" in m for m in doc):
            yield _messages_only(name, doc)
            return
        for i, item in enumerate(doc):
            try:
                yield to_exchange(item, Source(name, i))
            except NotARecord as exc:
                yield LoadIssue(name, f"item {i}: {exc}", record=i, path=f"/{i}")
        return
    try:
        yield to_exchange(doc, Source(name, 0))
    except NotARecord as exc:
        yield LoadIssue(name, str(exc), record=0)


def _messages_only(name: str, messages: list[Any]) -> Exchange:
    """A log that kept only the conversation: checked for everything but the missing top level."""
    return Exchange(source=Source(name, 0), format="anthropic-messages", request={"messages": messages},
                    extra={"messages_only": True})


def _looks_like_jsonl(sniff: Sniff) -> bool:
    """JSONL by its first line, or JSONL whose first line is damaged: a later one of the first
    lines is a whole JSON object (a pretty-printed document's lines never are)."""
    if sniff.is_jsonl:
        return True
    return sniff.opened.head.lstrip().startswith(b"{") and any(
        isinstance(v, dict) for v in sniff.first_records)


def _detect_document(sniff: Sniff) -> bool:
    if not sniff.is_json or sniff.is_jsonl:
        return False
    if sniff.document_or_none() is not None:
        return True
    # Neither a document nor JSONL by its first line: JSONL whose first line is bad keeps the
    # good lines; a lone broken document (pretty-printed or not) gets its parse error.
    return not _looks_like_jsonl(sniff)


ANTHROPIC_JSONL = Format("anthropic-jsonl", "JSONL of Anthropic requests, responses, errors or pairs",
                         _looks_like_jsonl, _read_jsonl)
ANTHROPIC_JSON = Format("anthropic-json", "one Anthropic request, response, error or pair, or an array of them",
                        _detect_document, _read_document)
