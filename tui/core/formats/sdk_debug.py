"""Python SDK debug logs, ``ANTHROPIC_LOG=debug`` (FORMATS.md §3.6).

The ``anthropic`` (and ``openai``: the same Stainless client) package logs, per attempt::

    [2025-06-03 14:02:11 - anthropic._base_client:482 - DEBUG] Request options: {'method': 'post', 'url': '/v1/messages', ..., 'json_data': {...}}
    [... - anthropic._base_client:1000 - DEBUG] Sending HTTP Request: POST https://api.anthropic.com/v1/messages
    [... - httpx:1025 - INFO] HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
    [... - anthropic._base_client:1038 - DEBUG] HTTP Response: POST https://... "200 OK" Headers({...})
    [... - anthropic._base_client:1046 - DEBUG] request_id: req_...
    [... - anthropic._base_client:1059 - INFO] Retrying request to /v1/messages in 2.000000 seconds

``Request options`` is a Python *repr*, not JSON: the ``'json_data'`` dict is cut out by bracket
matching and read with :func:`ast.literal_eval` (a repr holding objects, e.g. ``NotGiven``, is
an issue naming the line).  No response body is ever logged, so this format gives requests with
their status, headers (redacted), timing (1 s resolution) and retries — each attempt one exchange,
``extra["attempt"]`` counting attempts that share an ``idempotency_key``.  Lines matter by their
message, not their prefix (users configure their own logging), and traceback lines are skipped.
An INFO-level log (``HTTP Request`` lines only) still gives one body-less exchange per call, which
is what retry-loop analysis needs.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.core.formats.base import Format, Sniff, text_lines
from tui.core.formats.claude_trace import (MESSAGES_ENDPOINTS, CallTally, endpoint_of, header, header_dict,
                                           url_path)
from tui.core.model import Exchange, LoadIssue, Source
from tui.core.redact import redact_text

__all__ = ["SDK_DEBUG_LOG", "python_repr_value"]

_PREFIX_RE = re.compile(r"^\[(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:[,.]\d+)? - (?P<logger>[\w.]+):\d+ - "
                        r"(?P<level>[A-Z]+)\] ")
_OPTIONS = "Request options: "
_SENDING_RE = re.compile(r"Sending HTTP Request: (?P<method>[A-Z]+) (?P<url>\S+)")
_HTTPX_RE = re.compile(r"HTTP Request: (?P<method>[A-Z]+) (?P<url>\S+) \"HTTP/[\d.]+ (?P<status>\d{3})[^\"]*\"")
_RESPONSE_RE = re.compile(r"HTTP Response: (?P<method>[A-Z]+) (?P<url>\S+) \"(?P<status>\d{3})[^\"]*\""
                          r"(?: Headers\((?P<headers>.*)\))?\s*$")
_REQUEST_ID_RE = re.compile(r"\brequest_id: (?P<rid>\S+)")
_RETRY_RE = re.compile(r"Retrying request to (?P<path>\S+) in (?P<secs>[\d.]+) seconds")
_ENCOUNTERED_RE = re.compile(r"Encountered (?P<exc>[\w.]+)")
_RAISING_RE = re.compile(r"Raising (?P<what>timeout|connection) error")
_KEY_RE = re.compile(r"'idempotency_key': '(?P<key>[^']*)'")
_URL_RE = re.compile(r"'url': '(?P<url>[^']*)'")
_DETECT_RE = re.compile(r"(Request options: \{'method'|Sending HTTP Request: [A-Z]+ "
                        r"|HTTP Response: [A-Z]+ \S+ \"\d{3})")


def _detect(sniff: Sniff) -> bool:
    head = sniff.text_head
    first = sniff.first_lines[0] if sniff.first_lines else ""
    # The standard prefix starts with "[", so the file also looks like a JSON array: decide on
    # the prefix first.
    if sniff.is_json and not _PREFIX_RE.match(first):
        return False
    if _DETECT_RE.search(head):
        return True
    # INFO level: only httpx request lines, from a standard prefix.
    return any((m := _PREFIX_RE.match(ln)) and m.group("logger").split(".")[0] in ("httpx", "anthropic", "openai")
               and _HTTPX_RE.search(ln) for ln in head.splitlines()[:200])


# -- Python repr --------------------------------------------------------------------------------

_OPEN, _CLOSE = "{[(", "}])"


def _balanced_end(text: str, start: int) -> int:
    """Index just past the bracketed value opening at ``start`` (quotes respected), or -1."""
    depth = 0
    i, n = start, len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            quote = c
            i += 1
            while i < n and text[i] != quote:
                i += 2 if text[i] == "\\" else 1
        elif c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def python_repr_value(text: str, key: str) -> tuple[Any, str | None]:
    """``(value, problem)`` of ``'key': <dict or list>`` inside a Python repr.

    The value is cut out by bracket matching (the rest of the repr may hold object reprs that are
    not literals) and read with :func:`ast.literal_eval`, never :func:`eval`.
    """
    marker = f"'{key}': "
    at = text.find(marker)
    if at < 0:
        return None, f"no {key!r} in the repr"
    start = at + len(marker)
    if start >= len(text) or text[start] not in _OPEN:
        value = text[start:start + 20]
        return None, f"{key!r} is not a dict or list ({value!r}…)"
    end = _balanced_end(text, start)
    if end < 0:
        return None, f"the {key!r} repr is cut (its brackets do not close)"
    try:
        return _as_json(ast.literal_eval(text[start:end])), None
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, f"the {key!r} repr cannot be read back as JSON ({why[:80]}); it must be a Python " \
                     f"literal of JSON values, not objects such as NotGiven"


def _as_json(value: Any) -> Any:
    """The literal as a JSON value: tuples become lists; sets, bytes, complex numbers and
    non-string keys have no JSON form and raise ValueError (iterative: no depth limit)."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, root, 0)]
    while stack:
        v, parent, key = stack.pop()
        if isinstance(v, dict):
            out: Any = {}
            for k, item in v.items():
                if not isinstance(k, str):
                    raise ValueError(f"a dict key {k!r} is not a string")
                stack.append((item, out, k))
        elif isinstance(v, (list, tuple)):
            out = [None] * len(v)
            stack.extend((item, out, i) for i, item in enumerate(v))
        elif isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"{v!r} is not a JSON number")
        elif v is None or isinstance(v, (str, bool, int, float)):
            out = v
        else:
            raise ValueError(f"a Python {type(v).__name__} has no JSON form")
        parent[key] = out
    return root[0]


def _headers_repr(text: str | None) -> dict[str, str]:
    """``Headers({...})`` or ``Headers([(k, v), ...])`` (httpx, with repeated names) as a dict."""
    if not text:
        return {}
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return {}
    return header_dict(value if isinstance(value, (dict, list)) else {})


# -- attempts -----------------------------------------------------------------------------------

@dataclass(slots=True)
class _Attempt:
    record: int
    line: int
    request: dict[str, Any] | None = None
    url: str = ""
    dialect: str = "anthropic"
    broken: bool = False
    skip: str | None = None
    sent: datetime | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    request_id: str | None = None
    answered: datetime | None = None
    seen: set[str] = field(default_factory=set)
    """Which status lines (``httpx``, ``response``) this attempt already has."""
    extra: dict[str, Any] = field(default_factory=dict)


def _bare(record: int, line: int, url: str) -> _Attempt:
    a = _Attempt(record, line, url=url)
    a.skip, a.dialect = _classify(url)
    return a


def _when(line: str) -> datetime | None:
    m = _PREFIX_RE.match(line)
    if not m:
        return None
    try:
        return datetime.strptime(m.group("ts"), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def _classify(url: str) -> tuple[str | None, str]:
    """``(skip reason or None, dialect)`` for the URL of an attempt."""
    path = url_path(url) if url else ""
    if path.endswith("/chat/completions"):
        return None, "openai-chat"
    if path.endswith("/responses"):
        return None, "openai-responses"
    endpoint, _ = endpoint_of(url)
    if endpoint in MESSAGES_ENDPOINTS:
        return None, "anthropic"
    return endpoint or path or "unknown", "anthropic"


def _exchange(a: _Attempt, name: str) -> Exchange:
    ex = Exchange(source=Source(name, a.record, a.line), format="sdk-debug-log", request=a.request,
                  status=a.status, headers=a.headers, dialect=a.dialect, extra=dict(a.extra))
    ex.request_id = a.request_id or header(a.headers, "request-id")
    start = a.sent
    if start is not None:
        ex.started_at = start.isoformat()
        if a.answered is not None and a.answered >= start:
            ex.duration_ms = (a.answered - start).total_seconds() * 1000
    if a.url:
        ex.extra["url"] = redact_text(a.url)
    if a.status is not None and a.status >= 400:
        ex.error = {"raw": ""}  # the SDK logs the status line only; the E rules classify by status
        ex.extra["error_body_not_logged"] = True
    return ex


def _read(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    name = sniff.name
    record = 0
    current: _Attempt | None = None
    attempts_by_key: dict[str, int] = {}
    tally = CallTally()

    def finish(a: _Attempt | None) -> Exchange | None:
        if a is None or a.broken:
            return None
        return tally.keep(a.skip if a.skip is not None else _exchange(a, name))

    for got in text_lines(sniff):
        if isinstance(got, LoadIssue):
            yield got
            continue
        lineno, line = got
        when = _when(line)
        at = line.find(_OPTIONS)
        if at >= 0:
            done = finish(current)
            if done is not None:
                yield done
            options = line[at + len(_OPTIONS):]
            current = _Attempt(record, lineno, sent=when)
            record += 1
            url_m = _URL_RE.search(options)
            current.url = url_m.group("url") if url_m else ""
            current.skip, current.dialect = _classify(current.url)
            key_m = _KEY_RE.search(options)
            if key_m:
                key = key_m.group("key")
                attempts_by_key[key] = attempts_by_key.get(key, 0) + 1
                current.extra.update(idempotency_key=key, attempt=attempts_by_key[key])
            if current.skip is None:
                body, problem = python_repr_value(options, "json_data")
                if problem is not None or not isinstance(body, dict):
                    problem = problem or f"'json_data' is a {type(body).__name__}, expected a dict"
                    yield LoadIssue(name, f"Request options: {problem}", record=current.record, line=lineno)
                    current.broken = True
                else:
                    current.request = body
            continue
        m = _SENDING_RE.search(line)
        if m:
            if current is None or current.status is not None:
                # A call with no Request options line (filtered logging): a body-less attempt.
                done = finish(current)
                if done is not None:
                    yield done
                current = _bare(record, lineno, m.group("url"))
                record += 1
            if not current.broken:
                current.sent = when or current.sent
                current.url = m.group("url")
            continue
        m = _RESPONSE_RE.search(line) or _HTTPX_RE.search(line)
        if m:
            kind = "response" if m.re is _RESPONSE_RE else "httpx"
            if current is None or kind in current.seen:
                # A second status line of the same kind: the next call, logged at INFO level
                # (no Request options line) — a body-less attempt.
                done = finish(current)
                if done is not None:
                    yield done
                current = _bare(record, lineno, m.group("url"))
                current.sent = when
                record += 1
            current.seen.add(kind)
            current.status = int(m.group("status"))
            current.answered = when or current.answered
            if kind == "response":
                current.headers = _headers_repr(m.group("headers"))
            continue
        m = _REQUEST_ID_RE.search(line)
        if m and current is not None and _PREFIX_RE.match(line):
            current.request_id = m.group("rid")
            continue
        m = _RETRY_RE.search(line)
        if m and current is not None:
            current.extra["retry_in_s"] = float(m.group("secs"))
            continue
        m = _RAISING_RE.search(line)
        if m and current is not None:
            current.extra["transport_error"] = m.group("what")
            continue
        m = _ENCOUNTERED_RE.search(line)
        if m and current is not None and _PREFIX_RE.match(line):
            current.extra["exception"] = m.group("exc")
    done = finish(current)
    if done is not None:
        yield done
    if tally.nothing_checked:
        yield tally.note(name)


SDK_DEBUG_LOG = Format("sdk-debug-log", "Python SDK debug log (ANTHROPIC_LOG=debug / OPENAI_LOG=debug)",
                       _detect, _read)
