"""Claude Code session transcripts and ``stream-json`` output (FORMATS.md §3.4, §3.5).

A transcript (``~/.claude/projects/<path>/<session>.jsonl``) is not the wire payload: Claude Code
writes one line per *content block* of each API response (same ``message.id``), one line per user
turn or tool result, links lines into a tree by ``parentUuid`` (``/rewind`` and retries make
siblings), and keeps neither the system prompt nor the tool definitions.  This loader rebuilds
one :class:`Exchange` per API call:

* **response** = every assistant line of that ``message.id`` merged, in file order;
* **request** = ``{"messages": [...]}`` rebuilt from the branch that leads to the call: the
  ``parentUuid`` chain from the call's first line back to the root, plus the lines the chain
  skips — the other lines of an assistant message it passes through and the tool results
  answering that message (parallel tool results hang off the line holding their ``tool_use``,
  not off each other).  Consecutive user lines are merged into one message, as Claude Code does
  before sending.  ``extra["partial_request"]`` is set: no ``system``, ``tools``, ``model`` or
  ``max_tokens`` were logged.
* **errors**: an assistant line with ``isApiErrorMessage`` (``API Error: 400 {...}``) and a
  ``system``/``api_error`` retry line are calls that failed: exchanges with ``error`` set.
* ``extra["active_branch"]`` says whether the call lies on the active branch, the chain to the
  newest leaf (through compaction boundaries); calls on rewound branches are kept, marked False.
* ``summary`` lines whose ``leafUuid`` is not in the file come from other sessions (a known Claude
  Code bug) and are ignored; the others go to ``extra["summary"]`` of the call they end.

``stream-json`` (``claude -p --output-format stream-json --verbose``, the Agent SDK's message
stream) has the same split assistant lines, no tree, snake_case ``session_id``, optional raw
``stream_event`` lines (``--include-partial-messages``) and a final ``result`` line.  Subagent
traffic (``parent_tool_use_id``) forms its own conversation.  The prompt given with ``-p`` is not
in the output, so the first request usually starts with an assistant message
(``extra["prompt_not_logged"]``).  A stream whose events stop before ``message_stop`` and whose
assistant lines never came is an exchange with the partial message and its stream defects.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tui.core.formats.base import Format, Sniff, iter_jsonl, json_problem
from tui.core.formats.claude_trace import iso_seconds, leading_records
from tui.core.formats.sse_text import exchange_from_events, safe_accumulate
from tui.core.model import Exchange, LoadIssue, Source
from tui.core.sse import SSEEvent

__all__ = ["CLAUDE_CODE", "CLAUDE_CODE_STREAM_JSON"]

TRANSCRIPT_TYPES = frozenset({"user", "assistant", "system", "summary", "file-history-snapshot",
                              "queue-operation", "progress"})
_CAMEL_KEYS = ("sessionId", "parentUuid", "leafUuid", "messageId")
_STREAM_TYPES = frozenset({"system", "assistant", "user", "stream_event", "result"})
_HEAD_RE = re.compile(r'"type"\s*:\s*"(?:user|assistant|summary|system|file-history-snapshot|'
                      r'queue-operation|progress)"')
_STATUS_RE = re.compile(r"API Error:\s*(\d{3})\b")


# -- detection -----------------------------------------------------------------------------------

def _type(v: dict[str, Any]) -> str | None:
    kind = v.get("type")
    return kind if isinstance(kind, str) else None


def is_transcript_line(v: Any) -> bool:
    return isinstance(v, dict) and _type(v) in TRANSCRIPT_TYPES and any(k in v for k in _CAMEL_KEYS)


def is_stream_json_line(v: Any) -> bool:
    return isinstance(v, dict) and _type(v) in _STREAM_TYPES and "session_id" in v \
        and not any(k in v for k in _CAMEL_KEYS)


def _jsonl_candidates(sniff: Sniff) -> list[dict[str, Any]] | None:
    if not sniff.is_json or sniff.opened.head.lstrip()[:1] != b"{":
        return None
    if not (sniff.is_jsonl or len(sniff.first_lines) > 1):
        return None
    return [r for r in leading_records(sniff) if isinstance(r, dict)]


def _detect_transcript(sniff: Sniff) -> bool:
    records = _jsonl_candidates(sniff)
    if records is None:
        return False
    if records:
        return any(is_transcript_line(r) for r in records) and not any(is_stream_json_line(r) for r in records)
    first = sniff.first_lines[0] if sniff.first_lines else ""
    return '"sessionId"' in first and bool(_HEAD_RE.search(first))


def _detect_stream_json(sniff: Sniff) -> bool:
    records = _jsonl_candidates(sniff)
    return bool(records) and is_stream_json_line(records[0])


# -- shared pieces -------------------------------------------------------------------------------

@dataclass(slots=True)
class _Line:
    """One kept line, with what the tree walk and the message builder read precomputed once
    (a session can hold thousands of lines and every call walks its branch)."""

    idx: int
    """Position among the kept lines (file order)."""
    lineno: int
    offset: int
    data: dict[str, Any]
    type: str | None = None
    message: dict[str, Any] = field(default_factory=dict)
    message_id: str | None = None
    blocks: list[Any] = field(default_factory=list)
    """The message content as a block list (a string content is one text block)."""
    is_api_error: bool = False
    """Claude Code's synthetic assistant line for a failed call (``API Error: 400 {...}``)."""
    is_retry_error: bool = False
    """A ``system``/``api_error`` line: one failed attempt that Claude Code retried."""
    tool_use_ids: tuple[str, ...] = ()
    result_ids: tuple[str, ...] = ()
    parent: _Line | None = None
    logical_parent: _Line | None = None

    @classmethod
    def of(cls, idx: int, lineno: int, offset: int, data: dict[str, Any]) -> _Line:
        kind = data.get("type")
        msg = data.get("message") if isinstance(data.get("message"), dict) else {}
        mid = msg.get("id")
        blocks = _blocks(msg.get("content"))
        ln = cls(idx, lineno, offset, data, kind if isinstance(kind, str) else None, msg,
                 mid if isinstance(mid, str) else None, blocks)
        if ln.type == "assistant":
            ln.is_api_error = data.get("isApiErrorMessage") is True or (
                msg.get("model") == "<synthetic>" and _text(msg).startswith("API Error"))
            ln.tool_use_ids = tuple(b["id"] for b in blocks if isinstance(b, dict) and b.get("type") == "tool_use"
                                    and isinstance(b.get("id"), str))
        elif ln.type == "user":
            ln.result_ids = tuple(b["tool_use_id"] for b in blocks if isinstance(b, dict)
                                  and b.get("type") == "tool_result" and isinstance(b.get("tool_use_id"), str))
        ln.is_retry_error = ln.type == "system" and data.get("subtype") == "api_error"
        return ln

    @property
    def response_part(self) -> bool:
        """A line of a real API response (not an error line), grouped by ``message.id``."""
        return self.type == "assistant" and not self.is_api_error

    @property
    def timestamp(self) -> float | None:
        return iso_seconds(self.data.get("timestamp"))


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _blocks(content: Any) -> list[Any]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    return list(content) if isinstance(content, list) else []


def _text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    return "\n".join(b.get("text", "") for b in _blocks(content)
                     if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str))


def _merge_into(target: list[Any], blocks: list[Any]) -> None:
    """Append blocks, skipping exact repeats (some versions write a block twice)."""
    for b in blocks:
        if b not in target:
            target.append(b)


class _Builder:
    """API messages from conversation lines, built incrementally.

    Assistant lines are merged by ``message.id`` into the message they belong to (even when tool
    results were written in between); consecutive user lines are merged into one message, as
    Claude Code does before sending; error and system lines are left out.  :meth:`fork` lets the
    next call continue from this one's messages without copying them: a message is copied only
    when a later line changes it (copy on write), so the exchanges of one session share the
    unchanged messages of their common prefix and the earlier requests are never altered.
    """

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.position: dict[str, int] = {}
        self.owned: set[int] = set()

    def fork(self) -> _Builder:
        other = _Builder()
        other.messages = list(self.messages)
        other.position = dict(self.position)
        return other

    def _own(self, i: int) -> dict[str, Any]:
        if i not in self.owned:
            m = self.messages[i]
            self.messages[i] = {"role": m["role"], "content": _blocks(m["content"])}
            self.owned.add(i)
        return self.messages[i]

    def add(self, ln: _Line) -> None:
        if ln.response_part:
            mid = ln.message_id
            if mid is not None and mid in self.position:
                _merge_into(self._own(self.position[mid])["content"], ln.blocks)
                return
            self.messages.append({"role": "assistant", "content": list(ln.blocks)})
            self.owned.add(len(self.messages) - 1)
            if mid is not None:
                self.position[mid] = len(self.messages) - 1
        elif ln.type == "user":
            if self.messages and self.messages[-1]["role"] == "user":
                self._own(len(self.messages) - 1)["content"].extend(ln.blocks)
                return
            content = ln.message.get("content")
            self.messages.append({"role": "user", "content": list(content) if isinstance(content, list)
                                  else content})
            self.owned.add(len(self.messages) - 1)


def merged_response(lines: list[_Line]) -> dict[str, Any]:
    """One ``Message`` from the assistant lines of one API response."""
    first = lines[0].message
    resp = {k: v for k, v in first.items()}
    content: list[Any] = []
    for ln in lines:
        _merge_into(content, ln.blocks)
        stop = ln.message.get("stop_reason")
        if stop is not None:
            resp["stop_reason"] = stop
            resp["stop_sequence"] = ln.message.get("stop_sequence")
        if isinstance(ln.message.get("usage"), dict):
            resp["usage"] = ln.message["usage"]
    resp["content"] = content
    resp.setdefault("type", "message")
    resp.setdefault("role", "assistant")
    return resp


def _error_of(line: _Line) -> tuple[dict[str, Any], int | None]:
    """The error body and HTTP status a failed-call line records."""
    d = line.data
    if line.is_retry_error:
        err = d.get("error")
        status = err.get("status") if isinstance(err, dict) else None
        body = err if isinstance(err, dict) and err else {"raw": str(d.get("content") or err or "")}
    else:
        text = _text(line.message)
        body = {"raw": text}
        status = d.get("apiErrorStatus")
        if not isinstance(status, int):
            m = _STATUS_RE.search(text)
            status = int(m.group(1)) if m else None
    return body, status if isinstance(status, int) and not isinstance(status, bool) else None


_META_KEYS = {"sessionId": "session_id", "version": "version", "cwd": "cwd", "gitBranch": "git_branch",
              "isSidechain": "sidechain", "agentId": "agent_id", "session_id": "session_id",
              "parent_tool_use_id": "parent_tool_use_id"}


def _meta(line: _Line) -> dict[str, Any]:
    return {dst: line.data[src] for src, dst in _META_KEYS.items() if line.data.get(src) is not None}


# -- transcripts ---------------------------------------------------------------------------------

@dataclass(slots=True)
class _Branch:
    """The lines of one request's conversation (see :meth:`_Tree.branch`), kept so that the next
    call, which usually extends it, is computed from it instead of from the root."""

    start: _Line | None
    before: int
    members: dict[int, _Line] = field(default_factory=dict)
    message_ids: set[str] = field(default_factory=set)
    answered: set[str] = field(default_factory=set)
    pending: set[str] = field(default_factory=set)
    """``tool_use`` ids among the members with no result among them yet."""
    last: int = -1

    def extended(self, start: _Line | None, before: int) -> _Branch:
        """A branch continuing this one, which hands over its sets (no copy: a session is a long
        chain, and copying would make loading quadratic); this one must not be used again."""
        return _Branch(start, before, self.members, self.message_ids, self.answered, self.pending, self.last)

    def lines(self) -> list[_Line]:
        return [self.members[i] for i in sorted(self.members)]


_CACHED_BRANCHES = 8
"""Branches remembered for reuse: enough for a main thread and a few interleaved sidechains."""


class _Tree:
    """The lines of a transcript, with the indexes the branch walk needs."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        by_uuid: dict[str, _Line] = {}
        self.by_message: dict[str, list[_Line]] = {}
        self.by_result: dict[str, list[_Line]] = {}
        for ln in lines:
            uuid = ln.data.get("uuid")
            if isinstance(uuid, str):
                by_uuid[uuid] = ln
            if ln.response_part and ln.message_id:
                self.by_message.setdefault(ln.message_id, []).append(ln)
            for rid in ln.result_ids:
                self.by_result.setdefault(rid, []).append(ln)
        for ln in lines:
            p = ln.data.get("parentUuid")
            ln.parent = by_uuid.get(p) if isinstance(p, str) else None
            lp = ln.data.get("logicalParentUuid")
            ln.logical_parent = by_uuid.get(lp) if isinstance(lp, str) and p is None else None
        self.by_uuid = by_uuid
        self._cache: dict[int, _Branch] = {}

    def _grow(self, branch: _Branch, nodes: list[_Line]) -> list[_Line]:
        """Add chain nodes and what they pull in to ``branch``; return the lines added."""
        added: list[_Line] = []
        todo = list(nodes)
        while True:
            while todo:
                ln = todo.pop()
                if ln.idx >= branch.before or ln.idx in branch.members:
                    continue
                branch.members[ln.idx] = ln
                added.append(ln)
                branch.answered.update(ln.result_ids)
                branch.pending.difference_update(ln.result_ids)
                branch.pending.update(t for t in ln.tool_use_ids if t not in branch.answered)
                mid = ln.message_id
                if ln.response_part and mid and mid not in branch.message_ids:
                    branch.message_ids.add(mid)
                    todo.extend(self.by_message.get(mid, ()))  # the other lines of the same response
            for tid in list(branch.pending):  # the results answering tool calls in the branch
                found = next((r for r in self.by_result.get(tid, ()) if r.idx < branch.before), None)
                if found is not None and found.idx not in branch.members:
                    todo.append(found)
            if not todo:
                return added

    def branch(self, start: _Line | None, before: int,
               logical: bool = False) -> tuple[_Branch, list[_Line] | None, int | None]:
        """The conversation lines leading to (and including) ``start``, limited to lines before
        index ``before``: the ``parentUuid`` chain, plus the lines it skips — the other lines of
        each assistant message on it and the tool results answering its tool calls.

        Returns the branch and, when it extends a remembered one by lines that all come after
        that one's lines, those new lines in file order and the remembered branch's start index
        (else None and None: use ``branch.lines()``).
        """
        nodes: list[_Line] = []
        seen: set[int] = set()
        base: _Branch | None = None
        node = start
        while node is not None and node.idx not in seen:
            cached = self._cache.get(node.idx)
            if cached is not None and cached.before <= before:
                base = self._cache.pop(node.idx)  # extended below: it gives up its sets
                break
            seen.add(node.idx)
            nodes.append(node)
            node = node.parent or (node.logical_parent if logical else None)
        branch = base.extended(start, before) if base is not None else _Branch(start, before)
        added = sorted(self._grow(branch, nodes), key=lambda ln: ln.idx)
        appended = added if base is not None and (not added or added[0].idx > base.last) else None
        if added:
            branch.last = max(branch.last, added[-1].idx)
        if start is not None:
            self._cache[start.idx] = branch
            while len(self._cache) > _CACHED_BRANCHES:
                self._cache.pop(next(iter(self._cache)))
        return branch, appended, base.start.idx if appended is not None and base and base.start else None

    def active(self) -> set[int]:
        """Indexes of the lines on the active branch: the chain to the newest leaf."""
        parents = {p for ln in self.lines if isinstance(p := ln.data.get("parentUuid"), str)}
        leaves = [ln for ln in self.lines if isinstance(ln.data.get("uuid"), str)
                  and ln.data["uuid"] not in parents and ln.data.get("isSidechain") is not True]
        if not leaves:
            return set()
        branch, _, _ = _Tree(self.lines).branch(leaves[-1], len(self.lines) + 1, logical=True)
        return set(branch.members)


def _read_transcript(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    name = sniff.name
    lines: list[_Line] = []
    summaries: list[tuple[str, Any]] = []
    for _, lineno, offset, value in iter_jsonl(sniff.opened):
        if isinstance(value, BaseException):
            yield LoadIssue(name, json_problem(value), line=lineno)
            continue
        if not isinstance(value, dict):
            yield LoadIssue(name, f"a JSON {type(value).__name__} is not a transcript line", line=lineno)
            continue
        kind = value.get("type")
        if kind == "summary":
            if isinstance(value.get("leafUuid"), str):
                summaries.append((value["leafUuid"], value.get("summary")))
            continue
        if kind in ("user", "assistant"):
            msg = value.get("message")
            if not isinstance(msg, dict) or not isinstance(msg.get("content"), (list, str)):
                yield LoadIssue(name, f"{_article(kind)} {kind} line without a `message` holding `content`",
                                line=lineno, path="/message/content")
                continue
        elif kind != "system" and not isinstance(value.get("uuid"), str):
            continue  # file-history-snapshot, queue-operation …: not part of the conversation tree
        # Other lines with a uuid (progress, attachments, types newer than this loader) stay in
        # the tree as links: a later line may name one as its parent.
        lines.append(_Line.of(len(lines), lineno, offset, value))
    yield from _transcript_exchanges(name, lines, summaries)


def _transcript_exchanges(name: str, lines: list[_Line], summaries: list[tuple[str, Any]]) -> Iterator[Exchange]:
    tree = _Tree(lines)
    active = tree.active()
    calls: list[_Line] = []
    seen: set[str] = set()
    for ln in lines:
        if ln.is_api_error or ln.is_retry_error:
            calls.append(ln)
        elif ln.type == "assistant" and ln.message_id and ln.message_id not in seen:
            seen.add(ln.message_id)
            calls.append(ln)
        elif ln.type == "assistant" and not ln.message_id:
            calls.append(ln)  # an assistant line without an id: its own call
    leaf_text: dict[int, Any] = {}
    for leaf, text in summaries:
        node = tree.by_uuid.get(leaf)
        if node is not None:  # summaries of leaves not in this file come from other sessions
            owner = max((c for c in calls if c.idx <= node.idx), key=lambda c: c.idx, default=None)
            if owner is not None:
                leaf_text[owner.idx] = text
    builders: dict[int, _Builder] = {}  # by branch start, like the tree's remembered branches
    for record, first in enumerate(calls):
        parent = first.parent
        branch, appended, base = tree.branch(parent, first.idx)
        # The usual case: this call continues a remembered branch with later lines only, so its
        # messages continue that branch's (copy on write); otherwise they are built afresh.
        previous = builders.get(base) if base is not None else None
        if previous is not None and appended is not None:
            builder, new_lines = previous.fork(), appended
        else:
            builder, new_lines = _Builder(), branch.lines()
        for ln in new_lines:
            builder.add(ln)
        if parent is not None:
            builders[parent.idx] = builder
            while len(builders) > _CACHED_BRANCHES:
                builders.pop(next(iter(builders)))
        request: dict[str, Any] = {"messages": builder.messages}
        extra: dict[str, Any] = {"partial_request": True, **_meta(first), "active_branch": first.idx in active}
        ex = Exchange(source=Source(name, record, first.lineno, first.offset), format="claude-code",
                      request=request, extra=extra)
        rid = first.data.get("requestId")
        ex.request_id = rid if isinstance(rid, str) else None
        sent = parent.timestamp if parent is not None else None
        if parent is not None and isinstance(parent.data.get("timestamp"), str):
            ex.started_at = parent.data["timestamp"]
        if first.is_api_error or first.is_retry_error:
            ex.error, ex.status = _error_of(first)
            ex.started_at = ex.started_at or first.data.get("timestamp")
            if first.is_retry_error:
                extra.update({k: first.data[k] for k in ("retryAttempt", "maxRetries", "retryInMs")
                              if k in first.data})
            if first.is_api_error and isinstance(first.data.get("error"), str):
                extra["error_code"] = first.data["error"]
        else:
            parts = tree.by_message.get(first.message_id, [first]) if first.message_id else [first]
            ex.response = merged_response(parts)
            ex.status = 200
            end = parts[-1].timestamp
            if sent is not None and end is not None and end >= sent:
                ex.duration_ms = round((end - sent) * 1000, 1)
        if first.idx in leaf_text:
            extra["summary"] = leaf_text[first.idx]
        yield ex


# -- stream-json ---------------------------------------------------------------------------------

def _read_stream_json(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    name = sniff.name
    convs: dict[Any, list[_Line]] = {}
    calls: list[tuple[Any, _Line]] = []
    by_message: dict[str, list[_Line]] = {}
    streams: dict[str, tuple[Any, _Line, list[SSEEvent]]] = {}
    open_stream: dict[Any, str] = {}
    init: dict[str, Any] = {}
    result: dict[str, Any] | None = None
    idx = 0
    for _, lineno, offset, value in iter_jsonl(sniff.opened):
        if isinstance(value, BaseException):
            yield LoadIssue(name, json_problem(value), line=lineno)
            continue
        if not isinstance(value, dict):
            yield LoadIssue(name, f"a JSON {type(value).__name__} is not a stream-json line", line=lineno)
            continue
        kind = value.get("type")
        conv = value.get("parent_tool_use_id")
        conv = conv if isinstance(conv, str) else None  # the subagent's Task call, or the main thread
        if kind == "system" and value.get("subtype") == "init":
            init = value
            continue
        if kind == "result":
            result = value
            continue
        if kind == "stream_event":
            event = value.get("event")
            if not isinstance(event, dict):
                yield LoadIssue(name, "a stream_event line without an `event` object", line=lineno, path="/event")
                continue
            ln = _Line.of(idx, lineno, offset, value)
            idx += 1
            if event.get("type") == "message_start":
                msg = event.get("message")
                mid = msg.get("id") if isinstance(msg, dict) and isinstance(msg.get("id"), str) else f"#{lineno}"
                streams[mid] = (conv, ln, [])
                open_stream[conv] = mid
            current = open_stream.get(conv)
            if current is not None:
                streams[current][2].append(SSEEvent(event.get("type"), event, lineno))
                if event.get("type") == "message_stop":
                    open_stream.pop(conv, None)
            continue
        if kind not in ("user", "assistant"):
            continue
        msg = value.get("message")
        if not isinstance(msg, dict) or not isinstance(msg.get("content"), (list, str)):
            yield LoadIssue(name, f"{_article(kind)} {kind} line without a `message` holding `content`", line=lineno,
                            path="/message/content")
            continue
        ln = _Line.of(idx, lineno, offset, value)
        idx += 1
        convs.setdefault(conv, []).append(ln)
        if kind == "assistant":
            mid = ln.message_id
            if ln.is_api_error or mid is None:
                calls.append((conv, ln))
            elif mid not in by_message:
                by_message[mid] = [ln]
                calls.append((conv, ln))
            else:
                by_message[mid].append(ln)
    # Streams whose assistant lines never came: the call was cut (or only events were kept).
    for mid, (conv, ln, _) in streams.items():
        if mid not in by_message:
            calls.append((conv, ln))
    stream_of = {ln.idx: mid for mid, (_, ln, _) in streams.items()}
    calls.sort(key=lambda c: c[1].idx)
    if not calls:
        yield LoadIssue(name, "no assistant message in this stream-json output")
        return
    session: dict[str, Any] = {}
    for key in ("session_id", "model", "cwd", "permissionMode", "apiKeySource"):
        if key in init:
            session["session_id" if key == "session_id" else f"init_{key}"] = init[key]
    last_main = max((i for i, (conv, _) in enumerate(calls) if conv is None), default=len(calls) - 1)
    builders: dict[str | None, _Builder] = {}
    consumed: dict[str | None, int] = {}
    for record, (conv, first) in enumerate(calls):
        # Calls come in file order, so each conversation's messages only grow: continue its
        # builder (copy on write keeps the earlier requests as they were).
        lines_of, builder = convs.get(conv, []), builders.get(conv, _Builder()).fork()
        done = consumed.get(conv, 0)
        while done < len(lines_of) and lines_of[done].idx < first.idx:
            builder.add(lines_of[done])
            done += 1
        builders[conv], consumed[conv] = builder, done
        messages = builder.messages
        extra: dict[str, Any] = {"partial_request": True, **session, **_meta(first)}
        if not messages or messages[0]["role"] != "user":
            extra["prompt_not_logged"] = True
        source = Source(name, record, first.lineno, first.offset)
        request = {"messages": messages}
        fmt = "claude-code-stream-json"
        if first.type == "stream_event":
            ex = exchange_from_events(streams[stream_of[first.idx]][2], source, fmt, request=request, extra=extra)
            ex.status = 200
        elif first.is_api_error:
            ex = Exchange(source=source, format=fmt, request=request, extra=extra)
            ex.error, ex.status = _error_of(first)
        else:
            parts = by_message.get(first.message_id or "", [first])
            ex = Exchange(source=source, format=fmt, request=request, extra=extra,
                          response=merged_response(parts), status=200)
            stream = streams.get(first.message_id or "")
            if stream is not None:
                _complete_from_stream(ex, stream[2])
        if record == last_main and result is not None:
            ex.extra["session_result"] = {k: v for k, v in result.items() if k != "type"}
        yield ex


def _complete_from_stream(ex: Exchange, events: list[SSEEvent]) -> None:
    """Fill what split assistant lines lack (``stop_reason``, final usage) from the raw events of
    the same message, and report the stream's defects if it was cut."""
    acc = safe_accumulate(events)
    if acc.cut and acc.defects:
        ex.extra["stream_defects"] = list(acc.defects)
    if acc.message is None or ex.response is None:
        return
    if ex.response.get("stop_reason") is None and acc.message.get("stop_reason") is not None:
        ex.response["stop_reason"] = acc.message["stop_reason"]
        ex.response["stop_sequence"] = acc.message.get("stop_sequence")
    if isinstance(acc.message.get("usage"), dict):
        ex.response["usage"] = acc.message["usage"]


CLAUDE_CODE = Format("claude-code", "Claude Code session transcript (~/.claude/projects/*/*.jsonl)",
                     _detect_transcript, _read_transcript)
CLAUDE_CODE_STREAM_JSON = Format("claude-code-stream-json", "Claude Code -p --output-format stream-json "
                                 "(and Agent SDK message streams)", _detect_stream_json, _read_stream_json)
