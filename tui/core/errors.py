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

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from tui.core import apishapes
from tui.core.paths import Path, api_error_location, exists

__all__ = [
    "ApiError", "ErrorClass", "advice", "classify", "explain_message",
    "parse_error_body",
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
    """Where it came from: ``anthropic``, ``cloudflare``, ``vertex``, ``openrouter``, ``bedrock``,
    ``batch``, ``html`` or ``text`` (a relay changes the envelope, not the text)."""


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
    return ApiError(final_status, etype, message, request_id, body, envelope)


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

_CLIENT_TYPES = frozenset({"authentication_error", "permission_error", "billing_error"})
_TRANSIENT_TYPES = frozenset({"overloaded_error", "api_error", "rate_limit_error", "timeout_error"})
_STRUCTURAL_TYPES = frozenset({"invalid_request_error", "not_found_error", "request_too_large"})
_CLIENT_STATUSES = frozenset({401, 402, 403})
_TRANSIENT_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})
_STRUCTURAL_STATUSES = frozenset({400, 404, 413, 422})
_CLIENT_TEXT_RE = re.compile(
    r"credit balance is too low|insufficient (?:credits|balance|funds)|organization has been "
    r"disabled|invalid x-api-key|invalid api key|oauth authentication is currently not",
    re.I)


def classify(status: int | None, error_type: str | None, message: str | None) -> ErrorClass:
    """Transient, structural or client (DESIGN.md §2, API_RULES.md §13).

    Order matters: the billing text comes with a 400 ``invalid_request_error`` yet is a client
    problem, so client signals are checked first; then the error type (it is what an SSE
    ``error`` event after a 200 carries); then the status; then, with neither, the text.  An
    error with no status, no type and no known text is taken as transient: nothing reached the
    API's validation (a dropped connection), so a bounded retry is the right first step.
    """
    msg = message if isinstance(message, str) else ""
    if _CLIENT_TEXT_RE.search(msg) or error_type in _CLIENT_TYPES or status in _CLIENT_STATUSES:
        return ErrorClass.CLIENT
    if error_type in _TRANSIENT_TYPES:
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
            return base + " Check the model id: it is misspelled or retired."
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


def _p(rx: str, code: str | None, ref: str, refine: Refine | None = None) -> _Pattern:
    return _Pattern(re.compile(rx, re.S), code, ref, refine)


_LOC = r"^(?:[\w-]+\.)*"  # an optional API location prefix, e.g. `messages.3.content.1.`

# First match wins: the more specific texts come first.
PATTERNS: tuple[_Pattern, ...] = (
    # §1 ORDER and §11 SRV
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


def explain_message(message: str, request: dict[str, Any] | None) -> tuple[Path | None, str | None]:
    """``(path in the request, rule code)`` for an API error message; either may be None.

    The path comes from the message's own location (discriminator tags stripped, cut back to
    what exists in ``request``); texts without a location (``messages: text content blocks must
    be non-empty``) are located by searching the request.  The code is the rule whose API text
    the message is, or None when no rule reports it.
    """
    if not isinstance(message, str) or not message.strip():
        return None, None
    req = request if isinstance(request, dict) else None
    text = _clean_message(message)
    path, _ = api_error_location(text, req)
    if path is not None and not path:
        path = None
    found = match_message(text)
    if found is None:
        return path, None
    pat, m = found
    code = pat.code
    if code == "R004" and path is not None and req is not None:
        msgs = _messages(req)
        i = path[1] if len(path) > 1 and isinstance(path[1], int) else None
        if i is not None and 0 <= i < len(msgs) and isinstance(msgs[i], dict) \
                and msgs[i].get("role") in ("system", "tool"):
            code = "R003" if msgs[i]["role"] == "system" else "O002"
    if pat.refine is not None and (path is None or path == ("messages",)):
        better = pat.refine(m, req)
        if better is not None and (req is None or exists(req, better)):
            path = better
    return path, code
