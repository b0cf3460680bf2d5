"""Logged API errors: parse any envelope, classify it, and map its text to a path and a rule.

Pure functions over plain data, shared by the E rule family and the replay engine.  Nothing here
imports ``anthropic`` (it costs ~2 s): the envelopes are read as JSON.

* :func:`parse_error_body` reads every envelope users paste or log: the Anthropic one (key order
  and ``request_id`` vary), Cloudflare's 413, Vertex (the Anthropic JSON as a *string* inside
  ``error.message``), OpenRouter (``error.metadata.raw``), Bedrock (``ValidationException: The
  model returned the following errors: …``), batch ``errored`` results, Claude Code's
  ``API Error: 400 {…}`` lines, HTML error pages and plain text (API_RULES.md §0, §13).
* :func:`classify` sorts an error into :class:`ErrorClass` per the table in DESIGN.md §2.
* :func:`explain_message` maps an API message to the JSON path in the request and the rule
  code whose error text it is, from a table of regexes over the texts in API_RULES.md.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from tui.core import apishapes
from tui.core.paths import Path, api_error_location, exists

__all__ = [
    "ApiError", "ErrorClass", "Explanation", "advice", "classify", "explain", "explain_message",
    "openai_path", "parse_error_body",
]


# -- the parsed error ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ApiError:
    """One error as the API (or the relay in front of it) reported it.

    ``status`` is the HTTP status when known (the logged one wins over a code inside the body);
    ``type`` the Anthropic ``error.type`` (``invalid_request_error`` …) or None; ``message`` the
    innermost human text, unwrapped from relay envelopes; ``raw`` the body exactly as given.
    """

    status: int | None
    type: str | None
    message: str
    request_id: str | None
    raw: Any
    envelope: str = "anthropic"
    """Where it came from: ``anthropic``, ``openai``, ``cloudflare``, ``vertex``, ``openrouter``,
    ``bedrock``, ``batch``, ``html`` or ``text`` (a relay changes the envelope, not the text)."""
    param: str | None = None
    """OpenAI's ``error.param``: the request path it names (``messages[1].content[0].type``)."""
    code: str | None = None
    """OpenAI's ``error.code`` (``unsupported_parameter``, ``insufficient_quota`` …), a string."""


class ErrorClass(str, Enum):
    """What to do about an error (API_RULES.md §13, DESIGN.md §2)."""

    TRANSIENT = "transient"
    """The payload is fine: retry with backoff."""
    STRUCTURAL = "structural"
    """The payload is wrong: repair it; re-sending it unchanged fails again."""
    CLIENT = "client"
    """Key, permission or billing: neither a repair nor a retry helps."""


# -- parsing ---------------------------------------------------------------------------------

_MAX_DEPTH = 6
_DECODER = json.JSONDecoder()

# boto3 prints `An error occurred (ValidationException) when calling the InvokeModel operation: …`;
# the Bedrock runtime body says `ValidationException: …` or just the message.
_BEDROCK_RE = re.compile(
    r"^\s*(?:An error occurred \((?P<exc1>\w+)\) when calling the \w+ operation(?: \(reached max "
    r"retries: \d+\))?:\s*|(?:[\w.]*\.)?(?P<exc2>\w+Exception):\s*)(?P<rest>.*)$", re.S)
_BEDROCK_PREFIX_RE = re.compile(r"^\s*The model returned the following errors:\s*", re.I)
_BEDROCK_EXCEPTIONS: dict[str, tuple[int, str]] = {
    "ValidationException": (400, "invalid_request_error"),
    "AccessDeniedException": (403, "permission_error"),
    "UnrecognizedClientException": (403, "authentication_error"),
    "ResourceNotFoundException": (404, "not_found_error"),
    "ModelTimeoutException": (408, "timeout_error"),
    "ThrottlingException": (429, "rate_limit_error"),
    "ServiceQuotaExceededException": (429, "rate_limit_error"),
    "ModelNotReadyException": (429, "overloaded_error"),
    "InternalServerException": (500, "api_error"),
    "ServiceUnavailableException": (503, "overloaded_error"),
}
_HTML_RE = re.compile(r"<\s*(?:!doctype\s+html|html)\b", re.I)
_TITLE_RE = re.compile(r"<\s*(title|h1)[^>]*>(.*?)<\s*/\s*\1\s*>", re.I | re.S)
_TAG_RE = re.compile(r"<[^>]+>")
_STATUS_BEFORE_JSON_RE = re.compile(r"\b([1-5]\d\d)\b[^\d{]{0,12}$")
_LEADING_STATUS_RE = re.compile(r"^\s*([1-5]\d\d)\b")


def parse_error_body(body: Any, status: int | None) -> ApiError | None:
    """The :class:`ApiError` in a logged error body, whatever the envelope; None when the body is
    not an error at all (a ``Message``, an object with no error field, an empty body) and the
    status does not say error either.

    ``status`` is the logged HTTP status; it wins over any code found in the body.
    """
    status = status if isinstance(status, int) and not isinstance(status, bool) else None
    parsed = _from_any(body, 0)
    if parsed is None:
        if status is not None and status >= 400:  # an error status with an empty or odd body
            text = "" if not _nonempty(body) else body if isinstance(body, str) else _compact(body)
            return ApiError(status, None, text[:2000], None, body, "text")
        return None
    got_status, etype, message, request_id, envelope = parsed
    final_status = status if status is not None else got_status
    param = code = None
    openai = _openai_error(body, 0)
    if openai is not None:
        param, code = openai
        if envelope in ("anthropic", "text"):
            envelope = "openai"
    return ApiError(final_status, etype, message, request_id, body, envelope, param, code)


def _openai_error(body: Any, depth: int) -> tuple[str | None, str | None] | None:
    """``(param, code)`` of an OpenAI envelope ``{"error": {"message", "type", "param", "code"}}``
    found in ``body`` (directly, or inside a relay's wrapper or a logged string); None if none."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(body, (bytes, bytearray)):
        body = bytes(body).decode("utf-8", "replace")
    if isinstance(body, str):
        start = body.find("{")
        if start == -1:
            return None
        try:
            value, _ = _DECODER.raw_decode(body, start)
        except ValueError:
            return None
        return _openai_error(value, depth + 1)
    if isinstance(body, list):
        return next((got for item in body[:5] if (got := _openai_error(item, depth + 1)) is not None), None)
    if not isinstance(body, dict):
        return None
    err = body.get("error")
    if isinstance(err, dict):
        metadata = err.get("metadata")
        if isinstance(metadata, dict) and "raw" in metadata:
            inner = _openai_error(metadata["raw"], depth + 1)
            if inner is not None:
                return inner
        code = err.get("code")
        if body.get("type") != "error" and "message" in err and (
                "param" in err or (isinstance(code, str) and not code.strip().isdigit())):
            param = err.get("param")
            return (param if isinstance(param, str) else None,
                    code if isinstance(code, str) and not code.strip().isdigit() else None)
        if isinstance(err.get("message"), str) and "{" in err["message"]:
            return _openai_error(err["message"], depth + 1)
        return None
    if "raw" in body:
        return _openai_error(body["raw"], depth + 1)
    if isinstance(err, str):
        return _openai_error(err, depth + 1)
    return None


_Parsed = tuple[int | None, str | None, str, str | None, str]


def _nonempty(body: Any) -> bool:
    if isinstance(body, str):
        return bool(body.strip())
    return body not in (None, {}, [], b"")


def _compact(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        return repr(value)


def _as_int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return None


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def _from_any(body: Any, depth: int) -> _Parsed | None:
    if depth > _MAX_DEPTH or body is None:
        return None
    if isinstance(body, (bytes, bytearray)):
        body = bytes(body).decode("utf-8", "replace")
    if isinstance(body, str):
        return _from_text(body, depth)
    if isinstance(body, list):
        for item in body[:5]:  # Vertex sometimes answers with a one-element list
            got = _from_any(item, depth + 1)
            if got is not None:
                return got
        return None
    if isinstance(body, dict):
        return _from_dict(body, depth)
    return None


def _from_dict(obj: dict[str, Any], depth: int) -> _Parsed | None:
    if depth > _MAX_DEPTH:
        return None
    err = obj.get("error")
    # The exchange loader keeps a non-object error as {"raw": "..."}.
    if err is None and "raw" in obj and set(obj) <= {"raw", "status", "status_code"}:
        return _from_any(obj["raw"], depth + 1)
    request_id = _str(obj.get("request_id"))

    if isinstance(err, dict):
        # A nested envelope: batch `errored` results, double-wrapped relays.
        if err.get("type") == "error" and "error" in err:
            inner = _from_dict(err, depth + 1)
            if inner is not None:
                s, t, m, rid, env = inner
                return s, t, m, rid or request_id, "batch" if obj.get("type") == "errored" else env
        code = _as_int(err.get("code"))
        metadata = err.get("metadata")
        if isinstance(metadata, dict) and "raw" in metadata:  # OpenRouter
            inner = _from_any(metadata["raw"], depth + 1)
            if inner is not None:
                s, t, m, rid, _ = inner
                return s if s is not None else code, t, m, rid or request_id, "openrouter"
        message = err.get("message")
        etype = _str(err.get("type"))
        etype = None if etype == "error" else etype  # a wrapper's tag, not an error type
        if isinstance(message, str):
            inner = _embedded(message, depth) if "{" in message else None
            if inner is not None:  # Vertex: the Anthropic JSON as a string
                s, t, m, rid, _ = inner
                env = "vertex" if "status" in err or code is not None else "anthropic"
                return s if s is not None else code, t or etype, m, rid or request_id, env
        elif message is not None:
            message = _compact(message)
        else:
            message = ""
        if obj.get("type") == "error":
            envelope = "anthropic"
        elif isinstance(err.get("status"), str) and code is not None:
            envelope = "vertex"
        elif etype == "request_too_large":
            envelope = "cloudflare"
        else:
            envelope = "anthropic" if etype else "text"
        message, bed_status, bed_type = _strip_bedrock(message)
        return (code if code is not None else bed_status, etype or bed_type, message,
                request_id or _str(err.get("request_id")), envelope)

    if isinstance(err, str) and err.strip():
        inner = _from_text(err, depth + 1)
        status = _as_int(obj.get("status")) or _as_int(obj.get("status_code")) or _as_int(obj.get("code"))
        if inner is not None:
            s, t, m, rid, env = inner
            return s if s is not None else status, t, m, rid or request_id, env
    # Bedrock JSON bodies: {"message": "..."} (header x-amzn-ErrorType) or {"Message": ...}.
    for key in ("message", "Message", "detail", "error_message", "errorMessage"):
        msg = obj.get(key)
        if isinstance(msg, str) and msg.strip() and obj.get("type") not in ("message",):
            text, bed_status, bed_type = _strip_bedrock(msg)
            exc = _str(obj.get("__type")) or _str(obj.get("type"))
            if exc:
                exc = exc.rsplit("#", 1)[-1].rsplit(":", 1)[0]
                if exc in _BEDROCK_EXCEPTIONS:
                    bed_status, bed_type = _BEDROCK_EXCEPTIONS[exc]
            env = "bedrock" if bed_type else "text"
            status = _as_int(obj.get("status")) or _as_int(obj.get("status_code")) or bed_status
            return status, bed_type, text, request_id, env
    return None


def _strip_bedrock(message: str) -> tuple[str, int | None, str | None]:
    """``ValidationException: The model returned the following errors: X`` → ``X`` + its class."""
    m = _BEDROCK_RE.match(message)
    status: int | None = None
    etype: str | None = None
    if m:
        exc = m.group("exc1") or m.group("exc2")
        status, etype = _BEDROCK_EXCEPTIONS.get(exc, (None, None))
        message = m.group("rest")
    stripped = _BEDROCK_PREFIX_RE.sub("", message)
    if stripped != message and etype is None:
        status, etype = 400, "invalid_request_error"
    return stripped.strip(), status, etype


def _embedded(text: str, depth: int) -> _Parsed | None:
    """An error envelope written inside a string (Vertex, LiteLLM, Claude Code `API Error: 400 {…}`)."""
    start = text.find("{")
    tries = 0
    while start != -1 and tries < 5:
        try:
            value, _ = _DECODER.raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            tries += 1
            continue
        if isinstance(value, dict):
            inner = _from_dict(value, depth + 1)
            if inner is not None and (inner[1] or inner[2]):
                s, t, m, rid, env = inner
                if s is None:
                    before = _STATUS_BEFORE_JSON_RE.search(text[:start])
                    s = int(before.group(1)) if before else None
                return s, t, m, rid, env
        return None
    return None


def _from_text(text: str, depth: int) -> _Parsed | None:
    s = text.strip()
    if not s:
        return None
    if s[0] in "{[":
        try:
            value = json.loads(s)
        except ValueError:
            value = None
        if isinstance(value, (dict, list)):
            return _from_any(value, depth + 1)
    if "{" in s:
        inner = _embedded(s, depth)
        if inner is not None:
            return inner
    if _HTML_RE.search(s[:2000]):
        m = _TITLE_RE.search(s)
        title = _TAG_RE.sub("", m.group(2)).strip() if m else ""
        title = re.sub(r"\s+", " ", title) or "HTML error page"
        st = _LEADING_STATUS_RE.match(title)
        return (int(st.group(1)) if st else None), None, title[:300], None, "html"
    message, status, etype = _strip_bedrock(s)
    if etype is not None:
        return status, etype, message, None, "bedrock"
    return None, None, s[:2000], None, "text"


# -- classification --------------------------------------------------------------------------

_CLIENT_TYPES = frozenset({"authentication_error", "permission_error", "billing_error", "insufficient_quota"})
_TRANSIENT_TYPES = frozenset({"overloaded_error", "api_error", "rate_limit_error", "timeout_error",
                              "server_error", "requests", "tokens", "service_unavailable_error"})
"""Anthropic's, and OpenAI's (``server_error``; ``requests`` / ``tokens`` are its 429s' types)."""
_STRUCTURAL_TYPES = frozenset({"invalid_request_error", "not_found_error", "request_too_large"})
_CLIENT_CODES = frozenset({"invalid_api_key", "insufficient_quota", "account_deactivated",
                           "billing_hard_limit_reached", "billing_not_active", "invalid_organization",
                           "unsupported_country_region_territory"})
"""OpenAI ``error.code`` values about the key or the account (a 429 ``insufficient_quota`` too)."""
_TRANSIENT_CODES = frozenset({"rate_limit_exceeded", "server_error", "engine_overloaded", "timeout"})
_CLIENT_STATUSES = frozenset({401, 402, 403})
_TRANSIENT_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})
_STRUCTURAL_STATUSES = frozenset({400, 404, 413, 422})
_CLIENT_TEXT_RE = re.compile(
    r"credit balance is too low|insufficient (?:credits|balance|funds)|organization has been "
    r"disabled|invalid x-api-key|invalid api key|oauth authentication is currently not|"
    r"incorrect api key provided|exceeded your current quota|must be verified to use the model",
    re.I)
_STRUCTURAL_TEXT_RE = re.compile(r"^Request too large for \S+ in organization \S+ on tokens per min", re.I)
"""OpenAI's 429 for one request bigger than the whole per-minute budget: no retry ever fits it."""


def classify(status: int | None, error_type: str | None, message: str | None,
             code: str | None = None) -> ErrorClass:
    """Transient, structural or client (DESIGN.md §2, API_RULES.md §13), for Anthropic's and
    OpenAI's envelopes alike (``code`` is OpenAI's ``error.code``).

    Order matters: the billing text comes with a 400 ``invalid_request_error`` (and OpenAI's
    quota text with a 429) yet is a client problem, so client signals are checked first; then a
    429 that no retry can fit; then the error type (it is what an SSE ``error`` event after a
    200 carries) and OpenAI's code; then the status; then, with neither, the text.  An error
    with no status, no type and no known text is taken as transient: nothing reached the API's
    validation (a dropped connection), so a bounded retry is the right first step.
    """
    msg = message if isinstance(message, str) else ""
    if (_CLIENT_TEXT_RE.search(msg) or error_type in _CLIENT_TYPES or code in _CLIENT_CODES
            or status in _CLIENT_STATUSES):
        return ErrorClass.CLIENT
    if _STRUCTURAL_TEXT_RE.search(msg):
        return ErrorClass.STRUCTURAL
    if error_type in _TRANSIENT_TYPES or code in _TRANSIENT_CODES:
        return ErrorClass.TRANSIENT
    if error_type in _STRUCTURAL_TYPES:
        return ErrorClass.STRUCTURAL
    if isinstance(status, int):
        if status in _TRANSIENT_STATUSES or status >= 500:
            return ErrorClass.TRANSIENT
        if status in _STRUCTURAL_STATUSES or 400 <= status < 500:
            return ErrorClass.STRUCTURAL
    if explain_message(msg, None)[1] is not None:
        return ErrorClass.STRUCTURAL
    return ErrorClass.TRANSIENT


def advice(cls: ErrorClass, api_error: ApiError | None = None) -> str:
    """What the user should do, in one or two sentences.  Never quotes the error text (a relay
    may echo a key), only its status and type."""
    status = api_error.status if api_error else None
    etype = api_error.type if api_error else None
    message = api_error.message if api_error else ""
    if cls is ErrorClass.TRANSIENT:
        base = "The payload is fine: retry it unchanged with exponential backoff and jitter, " \
               "honouring retry-after, with a cap on attempts."
        if etype == "rate_limit_error" or status == 429:
            return base + " This is a rate limit: lower the concurrency or tokens per minute."
        if etype == "overloaded_error" or status == 529:
            return base + " The API is overloaded: back off longer between attempts."
        if etype == "timeout_error" or status in (408, 504):
            return base + " For long generations use streaming: non-streaming requests can time out."
        return base
    if cls is ErrorClass.STRUCTURAL:
        base = "Repair the payload before sending it again: re-sending it unchanged fails the same way."
        code = explain_message(message, None)[1] if message else None
        if etype == "not_found_error" or status == 404:
            return base + (" Check the model id: the API does not know it (misspelled, retired, or "
                           "not offered on this platform or to this key).")
        if etype == "request_too_large" or (status == 413 and code != "S002"):
            return base + " Shrink the body under 32 MB (large images and documents) or trim the conversation."
        if code is not None:
            return base + f" Rule {code} explains it (`payload-doctor rule {code}`)."
        return base
    billing = re.search(r"credit balance|insufficient (?:credits|balance|funds)", message, re.I)
    if billing or etype == "billing_error" or status == 402:
        return ("Neither a repair nor a retry helps: the account is out of credit. Add credit "
                "(Plans & Billing) or use another workspace's key.")
    if etype == "permission_error" or status == 403:
        return ("Neither a repair nor a retry helps: the API key lacks permission for this model "
                "or resource. Check the key's workspace and the organisation's access.")
    return ("Neither a repair nor a retry helps: check that an API key is set, valid, and meant "
            "for this endpoint (never paste the key into a bug report).")


# -- mapping a message to a path and a rule --------------------------------------------------

Refine = Callable[[re.Match[str], dict[str, Any] | None], Path | None]


def _top(key: str) -> Refine:
    return lambda m, req: (key,) if req is None or key in req else None


def _named_param(m: re.Match[str], req: dict[str, Any] | None) -> Path | None:
    return (m.group("param"),)


def _messages(req: dict[str, Any] | None) -> list[Any]:
    msgs = req.get("messages") if isinstance(req, dict) else None
    return msgs if isinstance(msgs, list) else []


def _text_blocks(req: dict[str, Any] | None):
    """``(path, text)`` of every text block in the messages, tool_result contents included."""
    for i, msg in enumerate(_messages(req)):
        content = msg.get("content") if isinstance(msg, dict) else None
        if isinstance(content, str):
            yield ("messages", i, "content"), content
            continue
        if not isinstance(content, list):
            continue
        for j, block in enumerate(content):
            if not isinstance(block, dict):
                continue
            if block.get("type") == "text" and isinstance(block.get("text"), str):
                yield ("messages", i, "content", j), block["text"]
            inner = block.get("content")
            if block.get("type") == "tool_result" and isinstance(inner, list):
                for k, sub in enumerate(inner):
                    if isinstance(sub, dict) and sub.get("type") == "text" and isinstance(sub.get("text"), str):
                        yield ("messages", i, "content", j, "content", k), sub["text"]


def _first_text(pred: Callable[[str], bool]) -> Refine:
    def find(m: re.Match[str], req: dict[str, Any] | None) -> Path | None:
        for path, text in _text_blocks(req):
            if pred(text):
                return path
        return None
    return find


def _last_message(m: re.Match[str], req: dict[str, Any] | None) -> Path | None:
    msgs = _messages(req)
    return ("messages", len(msgs) - 1) if msgs else None


def _system_message(m: re.Match[str], req: dict[str, Any] | None) -> Path | None:
    for i, msg in enumerate(_messages(req)):
        if isinstance(msg, dict) and msg.get("role") == "system":
            return ("messages", i, "role")
    return ("messages",) if req is None else None


@dataclass(frozen=True, slots=True)
class _Pattern:
    rx: re.Pattern[str]
    code: str | None
    """The rule that reports it; None = known text without a rule (stops the search)."""
    ref: str
    """The API_RULES.md id; empty for texts of the shapes generated from the SDK."""
    refine: Refine | None = None
    """Where to point when the text carries no (useful) location."""
    note: str | None = None
    """What the text means when the rule alone does not say it (a beta header the API wanted)."""


def _p(rx: str, code: str | None, ref: str, refine: Refine | None = None, note: str | None = None) -> _Pattern:
    return _Pattern(re.compile(rx, re.S), code, ref, refine, note)


def _effort(m: re.Match[str], req: dict[str, Any] | None) -> Path | None:
    """The ``output_config.effort`` the text refuses: top level, else a system message's (beta)."""
    if req is None:
        return ("output_config", "effort")
    oc = req.get("output_config")
    if isinstance(oc, dict) and oc.get("effort") == m.group("level"):
        return ("output_config", "effort")
    for i, msg in enumerate(_messages(req)):
        moc = msg.get("output_config") if isinstance(msg, dict) else None
        if isinstance(moc, dict) and moc.get("effort") == m.group("level"):
            return ("messages", i, "output_config", "effort")
    return ("output_config", "effort") if isinstance(oc, dict) and "effort" in oc else None


def _server_tool_use(m: re.Match[str], req: dict[str, Any] | None) -> Path | None:
    """The ``server_tool_use`` block whose id the ORDER-01 text names."""
    for i, msg in enumerate(_messages(req)):
        content = msg.get("content") if isinstance(msg, dict) else None
        for j, block in enumerate(content if isinstance(content, list) else []):
            if isinstance(block, dict) and block.get("id") == m.group("id"):
                return ("messages", i, "content", j)
    return None


def _input_item(key: str) -> Refine:
    """The Responses ``input`` item whose ``key`` (``id`` / ``call_id``) the text names."""
    def find(m: re.Match[str], req: dict[str, Any] | None) -> Path | None:
        items = req.get("input") if isinstance(req, dict) else None
        for k, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and item.get(key) == m.group("id"):
                return ("input", k)
        return None
    return find


_FILE_SOURCE_NOTE = ("the API validated the request against its non-beta types, which have no `file` source: "
                     "file sources need the `anthropic-beta: files-api-2025-04-14` header (the installed SDK's "
                     "types accept them without it, so this check does not report it on the request)")
_CONTAINER_NOTE = ("the API took `container` for the non-beta string (a container id): a container object "
                   "(`skills`, `id`) needs the `anthropic-beta: skills-2025-10-02` header (the installed SDK's "
                   "types accept it without one, so this check does not report it on the request)")
_SERVER_CALL_NOTE = ("a server tool call (`server_tool_use` srvtoolu_…) whose `*_tool_result` block is missing "
                     "from the same assistant message: the history kept the call and lost the result the API "
                     "returned with it; restore the result block or drop the call (no rule checks this yet)")

_OPENAI_PATTERNS: tuple[_Pattern, ...] = (
    # Chat Completions (content parts, roles, parameters per model) and Responses: the Q family.
    _p(r"^Invalid value: '[^']*'\. Supported values are: 'text'(?:,| and) 'image_url'", "Q007", ""),
    _p(r"^Invalid value: '[^']*'\. Supported values are: 'input_text'", None, "",
       note="a Chat Completions part (`text`, `image_url`) sent to the Responses API, which takes `input_text`, "
            "`input_image`, `input_file` (`output_text` for assistant turns)"),
    _p(r"^Missing required parameter: 'messages\[\d+\]\.content\[\d+\]\.type'", "Q008", ""),
    _p(r"^Missing required parameter: 'messages\[\d+\]\.tool_call_id'", "Q002", ""),
    _p(r"An assistant message with 'tool_calls' must be followed by tool messages responding to each", "Q001", ""),
    _p(r"messages with role 'tool' must be a response to a preceeding message with 'tool_calls'", "Q002", ""),
    _p(r"^No tool output found for function call (?P<id>[\w-]+)", "Q003", "", _input_item("call_id")),
    _p(r"^No tool call found for function call output with call_id (?P<id>[\w-]+)", "Q004", "",
       _input_item("call_id")),
    _p(r"^Invalid content type\. image_url is only supported by certain models", "Q009", ""),
    _p(r"^Unsupported value: '?messages\[\d+\]\.role'? does not support '(?:system|developer)' with this model",
       "Q010", ""),
    _p(r"^Unsupported parameter: '(?:stop|max_tokens)' is not supported with this model", "Q011", ""),
    _p(r"^Unsupported (?:value: 'temperature' does not support \S+ with this model|parameter: 'temperature' is "
       r"not supported with this model)", "Q011", ""),
    _p(r"^Web search options not supported with this model", "Q012", ""),
    _p(r"^Invalid 'temperature': decimal (?:above maximum|below minimum) value", "Q013", ""),
    _p(r"^Item '(?P<id>[^']+)' of type 'reasoning' was provided without its required following item", "Q014", "",
       _input_item("id")),
    _p(r"^Invalid file data: '[^']*file_data'\. Expected a base64-encoded data URL", "Q015", ""),
    _p(r"^This model's maximum context length is \d+ tokens", None, "",
       note="the conversation is over the model's context window: trim or summarise it"),
)
"""OpenAI's texts (Chat Completions and Responses).  They come first: each is specific, and none
is shaped like an Anthropic location prefix."""


_LOC = r"^(?:[\w-]+\.)*"  # an optional API location prefix, e.g. `messages.3.content.1.`

# First match wins: the more specific texts come first.
PATTERNS: tuple[_Pattern, ...] = _OPENAI_PATTERNS + (
    # §1 ORDER and §11 SRV
    _p(r"`tool_use` ids were found without `tool_result` blocks immediately after: (?P<id>srvtoolu_\w+)", None,
       "ORDER-01", _server_tool_use, _SERVER_CALL_NOTE),
    _p(r"unexpected `tool_use_id` found in `\w+_tool_result` blocks|must have a corresponding "
       r"`server_tool_use` block before it", "V002", "SRV-02"),
    _p(r"`tool_use` ids were found without `tool_result` blocks immediately after", "P001", "ORDER-01"),
    _p(r"Did not find \d+ `tool_result` block\(s\) at the beginning of this message", "P001", "ORDER-01"),
    _p(r"unexpected `tool_use_id` found in `tool_result` blocks", "P002", "ORDER-02"),
    _p(r"`tool_use` ids must be unique", "P005", "ORDER-05"),
    _p(r"`tool_result` blocks can only be in `user` messages|`tool_use` blocks can only be in "
       r"`assistant` messages", "P006", "ORDER-06"),
    _p(r"server_tool_use\.id: String should match pattern", "V001", "SRV-01"),
    _p(r"\btool_use\.id: String should match pattern", "P007", "ORDER-07"),
    _p(r"tool_use\.input: Input should be a valid dictionary", "P008", "ORDER-08"),
    # Extra keys: where they are decides the rule (CACHE-03 has no rule: relay-specific).
    _p(rf"{_LOC}cache_control(?:\.[\w-]+)*: Extra inputs are not permitted", None, "CACHE-03"),
    _p(r"^tools\.\d+\.(?:\w+\.)?input_schema(?:\.[\w-]+)*: ", "D003", "TOOL-03"),
    # A tool type's own schema (generated from the SDK): unknown type, fixed name, toolset keys.
    _p(r"^tools\.\d+: Input tag '[^']*' found using 'type'|^tools\.\d+\.[a-z_]+_\d{8}\.(?:[\w-]+\.)*"
       r"[\w-]+: (?:Extra inputs are not permitted|Input should be '|Field required)", "D005", ""),
    # A source or a container form the non-beta types lack (the beta header was missing).
    _p(r"\.source: Input tag 'file' found using 'type'", "B009", "", note=_FILE_SOURCE_NOTE),
    _p(r"\.source: Input tag '[^']*' found using 'type'", "B006", ""),
    _p(r"^container: Input should be a valid string", "B009", "", note=_CONTAINER_NOTE),
    # Beta-only top-level keys sent without their anthropic-beta header.
    _p(r"^(?:mcp_servers|context_management|compaction|fallbacks|fallback_credit_token|thread|"
       r"billing_policy): Extra inputs are not permitted", "B009", "OAI-04"),
    # A block type the API has, in a position that does not take it (tool_reference in a message).
    _p(r"Input tag '(?:" + "|".join(sorted(apishapes.all_block_tags())) + r")' found using 'type'",
       "B008", ""),
    # Inside the other top-level objects.
    _p(r"^(?:output_config|service_tier|speed|inference_geo|container|diagnostics|cache_control)"
       r"(?:\.[\w-]+)*: (?:Input should be|Field required|Extra inputs)", "B010", ""),
    _p(r"^messages\.\d+\.tool_calls: Extra inputs are not permitted", "O001", "OAI-01"),
    _p(r"^messages\.\d+\.name: Extra inputs are not permitted", "O004", "OAI-03"),
    _p(r"^messages\.\d+\.content\.\d+\.(?:[\w-]+\.)*[\w-]+: Extra inputs are not permitted", "B007", "ORDER-09"),
    _p(r"^messages\.\d+\.[\w-]+: Extra inputs are not permitted", "O006", "OAI-01"),
    _p(r"^metadata\.[\w-]+: Extra inputs are not permitted", "A006", "PARAM-06"),
    # Sampling parameters are gone from the request type from anthropic-version 2026-10-21 on.
    _p(r"^(?:temperature|top_p|top_k): Extra inputs are not permitted", "A011", ""),
    _p(r"^\w+: Extra inputs are not permitted", "O005", "OAI-04"),
    # §2 ROLE
    _p(r"Unexpected role \"system\"|role 'system' is not supported on this model", "R003", "ROLE-03",
       _system_message),
    _p(r"^messages\.\d+\.role: Input should be 'user'", "R004", "ROLE-04"),  # R003 if the role is system
    _p(r"does not support assistant message prefill", "R005", "ROLE-05", _last_message),
    # §3 CONTENT
    _p(r"all messages must have non-empty content except for the optional final assistant message",
       "C001", "CONTENT-01"),
    _p(r"text content blocks must be non-empty", "C002", "CONTENT-02", _first_text(lambda t: t == "")),
    _p(r"text content blocks must contain non-whitespace text", "C003", "CONTENT-03",
       _first_text(lambda t: t != "" and not t.strip())),
    _p(r"final assistant content cannot end with trailing whitespace", "C004", "CONTENT-04", _last_message),
    _p(r"at least one message is required", "C005", "CONTENT-05", _top("messages")),
    # §4 OAI
    _p(r"Input tag 'image_url' found using 'type'", "O003", "OAI-02"),
    # §5 THINK
    _p(r"Expected `thinking` or `redacted_thinking`, but found", "T001", "THINK-01"),
    _p(r"If an assistant message contains any thinking blocks, the first block must be thinking",
       "T002", "THINK-02"),
    _p(r"\.thinking\.signature: Field required", "T003", "THINK-03"),
    _p(r"Invalid `signature` in `thinking` block", None, "THINK-04"),
    _p(r"blocks in the latest assistant message cannot be modified", None, "THINK-05"),
    _p(r"budget_tokens: Input should be greater than or equal to 1024", "T004", "THINK-06"),
    _p(r"`max_tokens` must be greater than `thinking\.budget_tokens`", "T005", "THINK-07", _top("max_tokens")),
    _p(r"`?temperature`? may only be set to 1 when thinking is enabled", "T006", "THINK-08", _top("temperature")),
    _p(r"Thinking may not be enabled when tool_choice forces tool use", "T007", "THINK-09", _top("tool_choice")),
    _p(r"\"thinking\.type\.enabled\" is not supported for this model|adaptive thinking is not "
       r"supported on this model", "T008", "THINK-10", _top("thinking")),
    _p(r"\.thinking\.thinking: Field required", "T009", "THINK-11"),
    # §6 TOOL
    _p(r"^tools\.\d+\.(?:\w+\.)?name: ", "D001", "TOOL-01"),
    _p(r"Tool names must be unique", "D002", "TOOL-02"),
    _p(r"JSON schema is invalid\. It must match JSON Schema draft 2020-12", "D003", "TOOL-03"),
    _p(r"^tool_choice(?:\.\w+)*: ", "D004", "TOOL-04"),
    # §7 PARAM
    _p(r"^max_tokens: \d+ > \d+, which is the maximum allowed number of output tokens", "A001", "PARAM-01"),
    _p(r"^(?:temperature|top_p|top_k): Input should be (?:less|greater) than", "A002", "PARAM-02"),
    _p(r"`temperature` and `top_p` cannot both be specified", "A003", "PARAM-03", _top("top_p")),
    _p(r"\b(?P<param>temperature|top_p|top_k) is deprecated for this model", "A004", "PARAM-04", _named_param),
    _p(r"each stop sequence must contain non-whitespace", "A005", "PARAM-05"),
    _p(r"^metadata\.user_id: ", "A006", "PARAM-06"),
    _p(r"^model: [\w.:@/\[\]-]+\s*$", "A007", "PARAM-07"),
    _p(r"This model does not support effort level '(?P<level>[^']+)'", "A008", "", _effort),
    # §8 CACHE
    _p(r"A maximum of 4 blocks with cache_control may be provided", "K001", "CACHE-01"),
    _p(r"a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block", "K002", "CACHE-02"),
    # §9 MEDIA
    _p(r"media_type: Input should be 'image/jpeg'", "M001", "MEDIA-01"),
    _p(r"Image does not match the provided media type|The image was specified using the \S+ media "
       r"type, but the image appears to be", "M002", "MEDIA-02"),
    _p(r"image exceeds 5 MB maximum", "M003", "MEDIA-03"),
    _p(r"image dimensions exceed max allowed size", "M004", "MEDIA-04"),
    _p(r"A maximum of 100 PDF pages may be provided", "M005", "MEDIA-05"),
    # §10 SIZE
    _p(r"Request exceeds the maximum size", "S001", "SIZE-01"),
    _p(r"prompt is too long: \d+ tokens > \d+ maximum", "S002", "SIZE-02"),
    _p(r"input length and `max_tokens` exceed context limit", "S003", "SIZE-03", _top("max_tokens")),
    _p(r"Request size exceeds model context window", "S002", "SIZE-04"),
)


def match_message(message: str) -> tuple[_Pattern, re.Match[str]] | None:
    """The first table entry whose regex matches ``message`` (relay prefixes stripped)."""
    text = _clean_message(message)
    for pat in PATTERNS:
        m = pat.rx.search(text)
        if m:
            return pat, m
    return None


def _clean_message(message: str) -> str:
    text, _, _ = _strip_bedrock(message if isinstance(message, str) else "")
    return text


@dataclass(frozen=True, slots=True)
class Explanation:
    """What a logged error text says about the request: where, which rule, and what else to know."""

    path: Path | None
    code: str | None
    note: str | None = None
    """A sentence the rule's own finding would not say (a missing beta header, an unknown model
    id and the closest known one); None when the rule says it all."""


def explain_message(message: str, request: dict[str, Any] | None) -> tuple[Path | None, str | None]:
    """``(path in the request, rule code)`` for an API error message; either may be None.

    The path comes from the message's own location (discriminator tags stripped, cut back to
    what exists in ``request``); texts without a location (``messages: text content blocks must
    be non-empty``) are located by searching the request.  The code is the rule whose API text
    the message is, or None when no rule reports it.  :func:`explain` adds the note.
    """
    got = explain(message, request)
    return got.path, got.code


def explain(message: str, request: dict[str, Any] | None, param: str | None = None) -> Explanation:
    """:func:`explain_message` with a note, for Anthropic's texts and OpenAI's.

    ``param`` is OpenAI's ``error.param`` (``messages[1].content[0].type``): OpenAI's texts carry
    no location prefix, so the path comes from it, else from a path quoted in the text.  A 404's
    ``model: X`` maps to A007 only when X is a known, retired id; for an id the model table does
    not know, the note says "unknown model id" and names the closest known one.
    """
    if not isinstance(message, str) or not message.strip():
        return Explanation(None, None)
    req = request if isinstance(request, dict) else None
    text = _clean_message(message)
    path, _ = api_error_location(text, req)
    if path is not None and not path:
        path = None
    if path is None:
        path = openai_path(param, text, req)
    found = match_message(text)
    if found is None:
        model = _OPENAI_MODEL_404.search(text)
        if model is not None:
            return Explanation(("model",) if req is None or "model" in req else path, None,
                               _model_note(model.group("id"), openai=True))
        return Explanation(path, None)
    pat, m = found
    code, note = pat.code, pat.note
    if code == "R004" and path is not None and req is not None:
        msgs = _messages(req)
        i = path[1] if len(path) > 1 and isinstance(path[1], int) else None
        if i is not None and 0 <= i < len(msgs) and isinstance(msgs[i], dict) \
                and msgs[i].get("role") in ("system", "tool"):
            code = "R003" if msgs[i]["role"] == "system" else "O002"
    if code == "A007":
        code, note = _anthropic_model_404(text.split(":", 1)[1].strip())
    if code == "B009" and pat.note == _CONTAINER_NOTE and req is not None \
            and not isinstance(req.get("container"), dict):
        code, note = "B001" if "container" in req else None, None
    if pat.refine is not None:
        # A text without a (useful) location, or one that names only the message: point deeper.
        better = pat.refine(m, req)
        if better is not None and (req is None or exists(req, better)) and (
                path is None or len(path) <= 1 or tuple(better[:len(path)]) == tuple(path)):
            path = better
    return Explanation(path, code, note)


# -- OpenAI's params and unknown model ids ----------------------------------------------------

_PARAM_TOKEN_RE = re.compile(r"\[(\d+)\]|([^.\[\]']+)")
_QUOTED_PATH_RE = re.compile(r"'((?:messages|input|tools|tool_choice|response_format|text|reasoning)"
                             r"(?:\.?\[\d+\]|\.[A-Za-z_]\w*)*|[a-z_]+)'")
_OPENAI_MODEL_404 = re.compile(r"The model `(?P<id>[^`]+)` does not exist or you do not have access to it")


def openai_path(param: str | None, text: str, request: dict[str, Any] | None) -> Path | None:
    """The request path of OpenAI's ``param`` (``messages[1].content[0].type``, Azure's
    ``messages.[1].content.[1].type``, quoted or not), else of the first path quoted in the text;
    cut back to what exists in ``request``."""
    candidates = [param] if isinstance(param, str) and param.strip() else []
    candidates += [m.group(1) for m in _QUOTED_PATH_RE.finditer(text)]
    for cand in candidates:
        tokens = _PARAM_TOKEN_RE.findall(cand.strip().strip("'\""))
        path: Path = tuple(int(i) if i else name for i, name in tokens if i or name.strip())
        if not path or not isinstance(path[0], str):
            continue
        if request is not None:
            if path[0] not in request:
                continue
            while path and not exists(request, path):
                path = path[:-1]
        if path:
            return path
    return None


def _closest(key: str, known: list[str]) -> str | None:
    got = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return got[0] if got else None


def _model_note(model_id: str, *, openai: bool) -> str:
    """Why a 404 names ``model_id``: unknown (with the closest known id) or known but unavailable."""
    if openai:
        from tui.core.openai_models import closest_openai_model, lookup_openai_model
        if lookup_openai_model(model_id) is not None:
            return (f"{model_id!r} is a known model id: the key or its organisation has no access to it "
                    f"(or it was shut down)")
        near = closest_openai_model(model_id)
    else:
        from tui.core.capabilities import known_models, normalize_model
        near = _closest(normalize_model(model_id), known_models())
    return f"unknown model id {model_id!r}" + (f"; the closest known id is {near}" if near else "")


def _anthropic_model_404(model_id: str) -> tuple[str | None, str | None]:
    """A007 for a known id the table retires by today; otherwise a note and no rule."""
    from tui.core import clock
    from tui.core.capabilities import known_models, lookup_model, normalize_model

    key = normalize_model(model_id)
    caps = lookup_model(model_id)
    if caps is None or caps.borrowed_from is not None or key not in known_models():
        return None, _model_note(model_id, openai=False)
    retired = clock.parse_iso(caps.retired)
    if retired is not None and retired <= clock.today():
        return "A007", None
    return None, (f"{model_id!r} is a known model id the table does not retire: the key may lack access to it, "
                  f"or the platform (Bedrock, Vertex, a gateway) may not offer it")
