"""F: log format defects — cut streams, malformed stream events, orphaned requests, duplicate keys.

These findings are about what the *log* shows of a call's outcome, not about the request body:
a streamed response that stopped early, events a proxy mangled, a request that never got an
answer.  The loaders record the evidence in ``exchange.extra`` (``stream_defects``: the SSE
accumulator's descriptions, see ``tui/core/sse.py``; ``orphaned``: claude-trace's in-flight
requests) and keep whatever partial content there was; the rules here turn it into findings on the
logged response (scope ``response``), at the content block concerned when the defect names one.
They run for every dialect: any loader that reassembles a stream may record its defects.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tui.core.findings import Severity, Violation
from tui.core.paths import Path
from tui.core.rules.context import CheckContext
from tui.core.rules.registry import rule

_MAX_EVENT_FINDINGS = 10

# Defect texts of the accumulator that mean "the stream did not finish": the response is partial.
_CUT_MARKERS = (
    "no message_stop event",
    "no message_start event",
    "was never closed",
    "is not valid JSON (kept as _partial_json)",
    "ends in the middle of an event",
    "in-stream error event",
    "events; the rest was not read",
)
_BLOCK_RE = re.compile(r"\bblock (\d+)\b")


def stream_defects(ctx: CheckContext) -> list[str]:
    """The defects the loader recorded for this exchange's stream (strings only)."""
    ex = ctx.exchange
    found = ex.extra.get("stream_defects") if ex is not None else None
    return [d for d in found if isinstance(d, str)] if isinstance(found, list) else []


def is_cut(defect: str) -> bool:
    return any(marker in defect for marker in _CUT_MARKERS)


def _block_path(ctx: CheckContext, defect: str) -> Path:
    """``("content", i)`` when the defect names block ``i`` of the logged response, else ``()``."""
    m = _BLOCK_RE.search(defect)
    content = ctx.response.get("content") if ctx.response is not None else None
    if m and isinstance(content, list) and int(m.group(1)) < len(content):
        return ("content", int(m.group(1)))
    return ()


def _kept(ctx: CheckContext) -> str:
    resp: dict[str, Any] | None = ctx.response
    if resp is None:
        return "nothing of the message was received"
    content = resp.get("content")
    n = len(content) if isinstance(content, list) else 0
    return f"the partial message ({n} content block{'s' if n != 1 else ''}) is kept as the response"


@rule("F001", "stream-cut", Severity.WARNING, needs="any", dialect="any")
def stream_cut(ctx: CheckContext) -> Iterator[Violation]:
    """A streamed response stopped before `message_stop`: the logged response is partial.

    ## What it does
    Reports an exchange whose server-sent event stream did not finish: no `message_stop`, a
    content block opened but never closed, a tool call whose `partial_json` does not parse, an
    in-stream `error` event, or a last event without its terminating blank line.  One finding per
    stream, listing every sign of the cut, at the first content block left incomplete.

    ## Why is this bad?
    The API sends HTTP 200 before it generates anything, so a stream can still fail: an
    `overloaded_error` event mid-stream, a proxy or load balancer timing out a long generation, a
    client killed while reading.  Code that treats the partial message as complete runs a tool
    with truncated arguments, or stores half an answer in the history it sends next — which the
    API may then reject (a `tool_use` whose input is not an object, a `thinking` block without its
    signature).  The content received is kept so you can see where it stopped.

    ## Example
    ```text
    event: content_block_start
    data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01…","name":"run_tests","input":{}}}

    event: content_block_delta
    data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"path\\": \\"tests/te"}}
    ```
    and nothing after it.

    ## Fix
    None automatic: the missing part of the answer does not exist anywhere.  Retry the request
    (it is transient); in the agent, treat a stream without `message_stop` as failed, never
    execute a tool call whose input did not parse, and do not append the partial message to the
    conversation.
    """
    cut = [d for d in stream_defects(ctx) if is_cut(d)]
    if not cut:
        return
    path: Path = ()
    related: list[Path] = []
    for d in cut:
        p = _block_path(ctx, d)
        if p and not path:
            path = p
        elif p and p != path and p not in related:
            related.append(p)
    yield Violation(path, f"the stream was cut: {'; '.join(cut)}; {_kept(ctx)}", related=tuple(related),
                    scope="response")


@rule("F002", "stream-event-malformed", Severity.WARNING, needs="any", dialect="any")
def stream_event_malformed(ctx: CheckContext) -> Iterator[Violation]:
    """A stream event is out of order, names the wrong block, or does not fit its block.

    ## What it does
    Reports the stream events the accumulator could not apply as the SDK would: a
    `content_block_start` whose `index` skips or repeats, a delta or `content_block_stop` for a
    block that is not open, a delta whose type does not match its block (`text_delta` on a
    `tool_use`), an event before `message_start`, an event whose `data` is not JSON.  Up to ten
    findings per stream, then a count.

    ## Why is this bad?
    The API never sends such events: they come from a proxy, a gateway or a logger that
    rewrote, dropped or reordered part of the stream.  The official SDKs do not check indexes
    (the Python SDK appends blocks in arrival order and silently ignores a mismatched delta), so
    the reassembled message can hold text in the wrong block or lose content without any error —
    and that corrupted message goes back to the API in the next request.

    ## Example
    ```text
    event: content_block_start
    data: {"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}
    ```
    when only block 0 was started: block 1 is missing.

    ## Fix
    None automatic: the log cannot say what the original events were.  Capture the stream
    before the component that alters it (or bypass it) and compare; fix or replace that
    component.
    """
    bad = [d for d in stream_defects(ctx) if not is_cut(d)]
    for d in bad[:_MAX_EVENT_FINDINGS]:
        yield Violation(_block_path(ctx, d), d, scope="response")
    if len(bad) > _MAX_EVENT_FINDINGS:
        yield Violation((), f"{len(bad) - _MAX_EVENT_FINDINGS} more malformed stream events", scope="response")


@rule("F003", "orphaned-request", Severity.INFO, needs="request", dialect="any")
def orphaned_request(ctx: CheckContext) -> Iterator[Violation]:
    """The log holds a request that never got a response (the process exited while it was in flight).

    ## What it does
    Reports an exchange the logger wrote as an orphan: claude-trace writes a request still in
    flight when Claude Code exits (or is interrupted) with `"response": null` and the note
    `ORPHANED_REQUEST - No matching response received`.  The request itself is checked as usual.

    ## Why is this bad?
    Nothing is wrong with the payload, but its outcome is unknown: the call may have succeeded
    and been billed, failed, or hung.  An orphan at the end of a session is usually a Ctrl-C; an
    orphan in the middle points at a hang (a stream that never ended, a proxy that held the
    connection) — the call to look at when an agent froze.

    ## Example
    ```json
    {"request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages", "body": {…}},
     "response": null, "note": "ORPHANED_REQUEST - No matching response received"}
    ```

    ## Fix
    None: there is no response to recover.  Replay the request to see what the API answers
    today, and look at the client's timeouts if orphans appear mid-session.
    """
    ex = ctx.exchange
    if ex is None or ex.extra.get("orphaned") is not True or ex.response is not None or ex.error is not None:
        return
    note = ex.extra.get("note")
    why = f" ({note})" if isinstance(note, str) and note else ""
    yield Violation((), f"no response was logged for this request{why}; its outcome is unknown",
                    scope="response")


_MAX_DUPLICATE_FINDINGS = 20


def _duplicates(root: Any) -> Iterator[tuple[Path, dict[str, int]]]:
    """``(path, {key: count})`` of every object under ``root`` that had a key more than once
    (the loaders parse with :func:`tui.core.formats.base.parse_json`, which marks them)."""
    from tui.core.formats.base import DuplicateKeyObject

    stack: list[tuple[Any, Path]] = [(root, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            if isinstance(value, DuplicateKeyObject):
                yield path, getattr(value, "duplicates", {})
            stack.extend((v, (*path, k)) for k, v in reversed(list(value.items()))
                         if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend((v, (*path, i)) for i, v in reversed(list(enumerate(value)))
                         if isinstance(v, (dict, list)))


@rule("F004", "duplicate-key", Severity.WARNING, needs="any", dialect="any")
def duplicate_key(ctx: CheckContext) -> Iterator[Violation]:
    """A JSON object in the logged record has the same key more than once.

    ## What it does
    Reports every object of the request (and of the logged response and error) in which a key
    occurs twice or more, at that key, naming how often it occurs.  The tool keeps the *last*
    value, as Python's and JavaScript's JSON parsers do; the finding says so.

    ## Why is this bad?
    RFC 8259 leaves duplicate names undefined: some parsers keep the first value, some the last,
    some reject the document.  When a proxy, a gateway or a logger on the way keeps a different
    one than the API, the request that was checked, logged or billed is not the one the model
    saw — a classic way to smuggle a second `system` or `max_tokens` past a filter.  A duplicate
    also means whatever built the payload concatenated JSON by hand instead of serializing a
    dict.

    ## Example
    ```json
    {"model": "claude-sonnet-4-5", "max_tokens": 1024, "max_tokens": 64000, "messages": […]}
    ```

    ## Fix
    None automatic: which of the values was meant cannot be known.  Remove the duplicate at its
    source (build the payload as a dict and serialize it once); `payload-doctor fix` and `export`
    write the value shown here, the last one.
    """
    from tui.core.formats import base

    if not base.DUPLICATES_SEEN:  # nothing parsed so far had a duplicate: no walk needed
        return
    scopes: list[tuple[str, Any]] = [("request", ctx.request)]
    ex = ctx.exchange
    if ex is not None:
        scopes += [("response", ex.response), ("error", ex.error)]
    found = 0
    for scope, root in scopes:
        for path, dups in _duplicates(root):
            for key, n in dups.items():
                found += 1
                if found > _MAX_DUPLICATE_FINDINGS:
                    continue
                yield Violation((*path, key), f"the key {key!r} occurs {n} times in this object; the last "
                                              f"value is used here, but other JSON parsers may keep the first",
                                scope=scope)
    if found > _MAX_DUPLICATE_FINDINGS:
        yield Violation((), f"{found - _MAX_DUPLICATE_FINDINGS} more duplicate keys")
