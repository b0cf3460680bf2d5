"""TypeScript SDK debug logs: ``ANTHROPIC_LOG=debug`` under Node (``@anthropic-ai/sdk``).

The client hands each step of an attempt to ``console.debug`` with a local log id (not the API's
request id), so a log reads, per attempt::

    [log_6e9a96] sending request {              ← method, url, options.body, headers (auth as '***')
    [log_6e9a96, request-id: "req_…"] post https://api.anthropic.com/v1/messages failed with status 529 in 33ms - retrying, 2 attempts remaining
    [log_6e9a96] response error (retrying, 2 attempts remaining) {   ← status, headers, body (SDK ≥ 1.x)
    [log_1ef81c] sending request { … retryOf: 'log_6e9a96' }
    [log_1ef81c, retryOf: log_6e9a96, request-id: "req_…"] post … succeeded with status 200 in 4ms
    [log_1ef81c] response start { url, status, headers, durationMs }
    [log_1ef81c] response parsed { url, status, body, durationMs }   ← the Message (a Stream for stream calls)

The objects are Node's ``util.inspect`` text, read by :mod:`tui.core.formats.node_inspect`.  With
Node's defaults that text is *cut* (``messages: [Array]``): such a body is kept out of the check
(``request`` stays empty) and the exchange says where it was cut and how to log it whole
(rule I004), while status, retries (``retryOf``), request id, timing, the ``Date`` header and the
error still make the exchange — which is what the retry-loop and logged-error rules need.  An
``…Error: 400 <message> (request_id: …)`` line the app printed for a failed call becomes that
call's error when the log kept no error body.  Lines may carry a prefix of the app's own (a
timestamp, a process name); other lines are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tui.core.formats.base import Format, Sniff, text_lines
from tui.core.formats.cassette import JUDGED_REQUEST_HEADERS, classify_call, iso_time
from tui.core.formats.claude_trace import CallTally, header, header_dict, url_path
from tui.core.formats.node_inspect import CUT_HINT, InspectError, parse_inspect
from tui.core.formats.sse_text import apply_outcome
from tui.core.model import Exchange, LoadIssue, Source
from tui.core.redact import redact_text

__all__ = ["TS_SDK_DEBUG_LOG"]

_HEAD_RE = re.compile(r"\[(?P<id>log_[0-9a-f]{6})(?P<tail>(?:, [\w-]+: [^,\]]+)*)\] (?P<msg>.*)$")
_STATUS_RE = re.compile(r"(?P<method>[a-z]+) (?P<url>\S+) (?:succeeded|failed) with status (?P<status>\d{3}) "
                        r"in (?P<ms>\d+)ms(?: - (?P<outcome>.*))?$")
_TAIL_RE = re.compile(r", (?P<key>[\w-]+): (?P<value>[^,\]]+)")
_STEP_RE = re.compile(r"(?P<step>sending request|response start|response parsed|response error|"
                      r"connection timed out|connection failed|middleware error)\b[^{]*(?P<open>\{)?\s*$")
_STREAM_RESPONSE_RE = re.compile(r"^response \d{3} \S+ (?:Headers|HeadersList|Object) \{")
_THROWN_RE = re.compile(r"^(?:Uncaught )?(?P<cls>[A-Z]\w*Error): (?P<status>\d{3}) (?P<msg>.*)$")
_THROWN_TAIL_RE = re.compile(r"\s*\((?:request_id: (?P<rid>[^,)]+))?(?:, )?(?:path: [^,)]+)?(?:, )?"
                             r"(?:type: (?P<type>[\w.]+))?\)\s*$")
_DETECT_RE = re.compile(r"\[log_[0-9a-f]{6}(?:, [\w-]+: [^\]]+)?\] (?:sending request \{|response (?:start|parsed|"
                        r"error)|[a-z]+ https?://\S+ (?:succeeded|failed) with status \d{3})")

OBJECT_LINES = 200_000
"""At most this many lines make one logged object (a body is never read without bound)."""


def _detect(sniff: Sniff) -> bool:
    return bool(_DETECT_RE.search(sniff.text_head))


@dataclass(slots=True)
class _Attempt:
    log_id: str
    record: int
    line: int
    url: str = ""
    method: str = "POST"
    request: dict[str, Any] | None = None
    request_headers: dict[str, str] = field(default_factory=dict)
    request_cuts: list[str] = field(default_factory=list)
    status: int | None = None
    duration_ms: float | None = None
    request_id: str | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    body_logged: bool = False
    response_cuts: list[str] = field(default_factory=list)
    streamed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _balanced(text: str) -> int:
    """Bracket depth at the end of ``text`` (quotes of all three kinds respected)."""
    depth, quote, i, n = 0, "", 0, len(text)
    while i < n:
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "'\"`":
            quote = c
        elif c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
        i += 1
    return depth


def _cut_paths(cuts: list[str], prefix: str) -> list[str]:
    return [c[len(prefix):] or "/" for c in cuts if c == prefix or c.startswith(prefix + "/")]


def _dotted(pointer: str) -> str:
    return pointer.strip("/").replace("/", ".") or "(the whole body)"


def _exchange(a: _Attempt, name: str, roots: dict[str, int], attempts: dict[str, int]) -> Exchange | str:
    dialect, endpoint, url_model = classify_call(a.method.upper(), a.url)
    if dialect is None:
        return f"{a.method.upper()} {redact_text(url_path(a.url) or a.url)}"
    extra: dict[str, Any] = {"url": redact_text(a.url), "log_id": a.log_id, **a.extra}
    if url_model:
        extra["url_model"] = url_model
    if a.request_headers:
        extra["request_headers"] = a.request_headers
    extra["attempt"] = attempts[a.log_id]
    if a.extra.get("retry_of") and a.extra["retry_of"] in roots:
        extra["retry_of_record"] = roots[a.extra["retry_of"]]
    request = a.request
    cut: dict[str, Any] = {}
    if a.request_cuts:
        cut["request"] = [_dotted(p) for p in a.request_cuts]
        if isinstance(request, dict):
            extra["request_outline"] = {k: v for k, v in request.items()
                                        if isinstance(v, (str, int, float, bool)) or v is None}
        request = None
    ex = Exchange(source=Source(name, a.record, a.line), format="ts-sdk-debug-log", request=request,
                  status=a.status, duration_ms=a.duration_ms, dialect=dialect, extra=extra)
    ex.headers = dict(a.response_headers)
    for hname, value in a.request_headers.items():
        if hname.lower() in JUDGED_REQUEST_HEADERS and header(ex.headers, hname) is None:
            ex.headers[hname] = value
    ex.request_id = a.request_id or header(ex.headers, "request-id")
    ex.started_at = iso_time(header(ex.headers, "date"))
    if a.response_cuts and a.body_logged:
        cut["response"] = [_dotted(p) for p in a.response_cuts]
        if a.status is not None and a.status >= 400:
            ex.error = {"raw": ""}
        ex.extra["response_note"] = "the logged response body is cut (see the cut note)"
    elif a.streamed:
        ex.extra["response_note"] = "a streamed response: the SDK logs no events, only the status"
        if a.status is not None and a.status >= 400:
            ex.error = {"raw": ""}
    elif a.body_logged:
        apply_outcome(ex, a.body)
    elif a.status is not None and a.status >= 400:
        ex.error = {"raw": ""}
        ex.extra["error_body_not_logged"] = True
    if cut:
        ex.extra["cut"] = {**cut, "hint": CUT_HINT}
    return ex


def _read(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    name = sniff.name
    by_id: dict[str, _Attempt] = {}
    order: list[_Attempt] = []
    last: _Attempt | None = None
    pending: tuple[str, _Attempt | None, int, list[str]] | None = None  # step, attempt, start line, lines

    def take(step: str, a: _Attempt | None, start: int, text: str) -> LoadIssue | None:
        try:
            parsed = parse_inspect(text)
        except InspectError as exc:
            return LoadIssue(name, f"the object after `{step}` is not readable: {exc}", line=start)
        v, cuts = parsed.value, parsed.cuts
        if a is None or not isinstance(v, dict):
            return None
        if step == "sending request":
            options = v.get("options") if isinstance(v.get("options"), dict) else {}
            body = options.get("body")
            a.url = v.get("url") if isinstance(v.get("url"), str) else a.url
            a.method = v.get("method") if isinstance(v.get("method"), str) else str(options.get("method") or "POST")
            a.request = body if isinstance(body, dict) else None
            a.request_cuts = _cut_paths(cuts, "/options/body")
            a.request_headers = header_dict(v.get("headers"))
            if isinstance(v.get("retryOf"), str):
                a.extra["retry_of"] = v["retryOf"]
            if body is not None and not isinstance(body, dict):
                a.extra["request_note"] = f"the logged body is a {type(body).__name__}, not a JSON object"
        else:
            if isinstance(v.get("status"), int):
                a.status = v["status"]
            if isinstance(v.get("headers"), dict):
                a.response_headers = header_dict(v["headers"])
            if isinstance(v.get("durationMs"), (int, float)) and a.duration_ms is None:
                a.duration_ms = float(v["durationMs"])
            if isinstance(v.get("url"), str) and not a.url:
                a.url = v["url"]
            if step in ("response parsed", "response error") and "body" in v:
                body = v["body"]
                if step == "response parsed" and isinstance(body, dict) and "iterator" in body:
                    a.streamed = True  # a Stream object: the events are not logged
                else:
                    a.body, a.body_logged = body, True
                    a.response_cuts = _cut_paths(cuts, "/body")
            elif step == "response error" and isinstance(v.get("message"), str):
                a.body, a.body_logged = v["message"], True
            if step.startswith("connection"):
                a.extra["transport_error"] = "timeout" if "timed out" in step else "connection"
                if isinstance(v.get("message"), str):
                    a.extra["exception"] = redact_text(v["message"])[:300]
        return None

    for got in text_lines(sniff):
        if isinstance(got, LoadIssue):
            yield got
            continue
        lineno, line = got
        if pending is not None:
            step, a, start, lines = pending
            lines.append(line)
            if _balanced("\n".join(lines)) <= 0:
                pending = None
                if step:
                    problem = take(step, a, start, "\n".join(lines))
                    if problem is not None:
                        yield problem
            elif len(lines) > OBJECT_LINES:
                yield LoadIssue(name, f"the object after `{step or 'response'}` runs past {OBJECT_LINES:,} "
                                      f"lines; skipped", line=start)
                pending = None
            continue
        if _STREAM_RESPONSE_RE.match(line):  # stream calls log `response <status> <url> Headers {…} Stream {…}`
            if last is not None:
                last.streamed = True
            if _balanced(line) > 0:
                pending = ("", None, lineno, [line])
            continue
        m = _HEAD_RE.search(line)
        if m is None:
            t = _THROWN_RE.match(line.strip())
            if t and last is not None and last.status == int(t.group("status")) and not last.body_logged:
                msg, etype = t.group("msg"), "api_error"
                tail = _THROWN_TAIL_RE.search(msg)
                if tail:
                    msg, etype = msg[:tail.start()], tail.group("type") or etype
                    last.request_id = last.request_id or tail.group("rid")
                last.body = {"type": "error", "error": {"type": etype, "message": msg}}
                last.body_logged = True
                last.extra["error_from"] = f"the {t.group('cls')} the app printed (line {lineno})"
            continue
        log_id, msg = m.group("id"), m.group("msg")
        tail = {t.group("key"): t.group("value").strip().strip('"') for t in _TAIL_RE.finditer(m.group("tail"))}
        step_m = _STEP_RE.match(msg)
        if step_m:
            step = step_m.group("step")
            a = by_id.get(log_id)
            if step == "sending request" or a is None:
                a = _Attempt(log_id, len(order), lineno)
                by_id[log_id] = a
                order.append(a)
                if "retryOf" in tail:
                    a.extra["retry_of"] = tail["retryOf"]
            last = a
            if step_m.group("open"):
                obj_text = msg[step_m.start("open"):]
                if _balanced(obj_text) <= 0:
                    problem = take(step, a, lineno, obj_text)
                    if problem is not None:
                        yield problem
                else:
                    pending = (step, a, lineno, [obj_text])
            elif step.startswith("connection"):
                a.extra["transport_error"] = "timeout" if "timed out" in step else "connection"
            continue
        s = _STATUS_RE.match(msg)
        if s:
            a = by_id.get(log_id)
            if a is None:  # info level: no `sending request` line, a body-less attempt
                a = _Attempt(log_id, len(order), lineno, url=s.group("url"), method=s.group("method"))
                by_id[log_id] = a
                order.append(a)
                if "retryOf" in tail:
                    a.extra["retry_of"] = tail["retryOf"]
            a.status, a.duration_ms = int(s.group("status")), float(s.group("ms"))
            a.url = a.url or s.group("url")
            if "request-id" in tail:
                a.request_id = tail["request-id"]
            if s.group("outcome"):
                a.extra["sdk_outcome"] = s.group("outcome")
                retry = re.search(r"retrying, (\d+) attempts? remaining", s.group("outcome"))
                if retry:
                    a.extra["retries_left"] = int(retry.group(1))
            last = a
    if pending is not None and pending[0]:
        yield LoadIssue(name, f"the log ends inside the object after `{pending[0]}` (the file is cut)", line=pending[2])
        if pending[0] == "sending request" and pending[1] is not None and pending[1].status is None:
            order.remove(pending[1])  # nothing of that attempt was logged but the cut object: the issue says so
    roots: dict[str, int] = {}
    attempts: dict[str, int] = {}
    count: dict[str, int] = {}
    tally = CallTally()
    for a in order:
        root = a.extra.get("retry_of") or a.log_id
        count[root] = count.get(root, 0) + 1
        attempts[a.log_id] = count[root]
        roots.setdefault(a.log_id, a.record)
        got = tally.keep(_exchange(a, name, roots, attempts))
        if got is not None:
            yield got
    if tally.nothing_checked:
        yield tally.note(name)


TS_SDK_DEBUG_LOG = Format("ts-sdk-debug-log", "TypeScript SDK debug log (ANTHROPIC_LOG=debug under Node)",
                          _detect, _read)
