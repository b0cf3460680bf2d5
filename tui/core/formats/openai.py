"""OpenAI Chat Completions and Responses payloads (FORMATS.md §3.12, §3.13; OpenAI batch lines §3.7).

These are kept as OpenAI (``Exchange.dialect`` = ``openai-chat`` / ``openai-responses``), never
silently converted (FORMATS.md §4): the Q rules check OpenAI's own pairing rules on them, and
:mod:`tui.core.convert.openai` turns them into Anthropic requests when the user asks for it.

**OpenAI or Anthropic?**  A body built for one API is often *sent to the other* — a gateway that
half-converts, an agent ported from OpenAI — and the O family exists to report exactly that.  So a
request counts as OpenAI only when it shows OpenAI signals (``tool_calls``, ``role: "tool"`` /
``"developer"`` / ``"system"`` messages, ``image_url`` parts, ``tools[].function``, OpenAI-only
parameters, a ``gpt-…``/``o3…`` model) **and** nothing Anthropic: no top-level ``system`` /
``stop_sequences`` / ``thinking`` / ``top_k``, no Anthropic-only block type, no ``input_schema``
tool, and a model that is not a Claude model.  A Claude model with OpenAI-shaped history is an
Anthropic request with OpenAI leftovers, which the O family explains and repairs.  A response is
unambiguous (``object: "chat.completion"`` / ``"response"``).

The JSONL reader classifies every line on its own: an Anthropic line in an OpenAI log still loads
(as Anthropic), and a line that is neither becomes a :class:`LoadIssue` naming its line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

from tui.core.formats.anthropic import NotARecord, to_exchange as anthropic_exchange
from tui.core.formats.base import Format, Sniff, guarded, iter_jsonl, json_problem, load_document, parse_json
from tui.core.model import Exchange, LoadIssue, Source
from tui.core.redact import redact_headers

CHAT = "openai-chat"
RESPONSES = "openai-responses"

# -- telling OpenAI from Anthropic -----------------------------------------------------------------

OPENAI_ONLY_PARAMS = frozenset({
    "max_completion_tokens", "n", "response_format", "stream_options", "logprobs", "top_logprobs",
    "frequency_penalty", "presence_penalty", "seed", "logit_bias", "parallel_tool_calls", "functions",
    "function_call", "reasoning_effort", "modalities", "audio", "prediction", "store", "stop", "user",
    "web_search_options", "verbosity", "safety_identifier", "prompt_cache_key",
})
"""Top-level request keys only Chat Completions has (an Anthropic body with one is a leftover)."""

ANTHROPIC_ONLY_PARAMS = frozenset({
    "system", "stop_sequences", "top_k", "thinking", "anthropic_version", "anthropic_beta",
    "container", "mcp_servers", "context_management", "output_config",
})
ANTHROPIC_ONLY_BLOCKS = frozenset({
    "tool_use", "tool_result", "thinking", "redacted_thinking", "document", "server_tool_use",
    "web_search_tool_result", "web_fetch_tool_result", "code_execution_tool_result", "search_result",
    "mcp_tool_use", "mcp_tool_result", "container_upload",
})
OPENAI_ONLY_ROLES = frozenset({"system", "developer", "tool", "function"})
OPENAI_ONLY_PARTS = frozenset({"image_url", "input_audio", "file", "refusal"})
_OPENAI_MODEL_PREFIXES = ("gpt-", "gpt4", "o1", "o3", "o4", "chatgpt", "ft:gpt", "openai/", "codex-",
                          "computer-use")
_SCAN_LIMIT = 2000
"""Messages looked at when classifying one request (classification must stay cheap)."""


def is_claude_model(model: Any) -> bool:
    """A model name that only Anthropic (or a gateway routing to Anthropic) serves."""
    if not isinstance(model, str):
        return False
    m = model.lower()
    return "claude" in m or m.startswith(("anthropic", "us.anthropic", "eu.anthropic"))


def is_openai_model(model: Any) -> bool:
    return isinstance(model, str) and model.lower().startswith(_OPENAI_MODEL_PREFIXES)


_OTHER_VENDOR_FAMILIES = ("llama", "meta-llama", "mistral", "mixtral", "codestral", "gemini", "gemma", "qwen",
                          "deepseek", "grok", "x-ai/", "command-r", "phi-", "kimi", "moonshot", "glm-", "yi-")


def is_other_vendor_model(model: Any, body: dict[str, Any]) -> bool:
    """A model another vendor serves through an OpenAI-compatible ``chat/completions`` endpoint
    (OpenRouter, vLLM, Ollama, Together …): its family names it, or it is no Claude id and the body
    lacks the ``max_tokens`` every Messages request has.  Such a body is never an Anthropic request."""
    if not isinstance(model, str) or not model.strip() or is_claude_model(model) or model.startswith("arn:"):
        return False
    name = model.lower().rsplit("/", 1)[-1] if "/" in model and not model.lower().startswith("x-ai/") \
        else model.lower()
    return name.startswith(_OTHER_VENDOR_FAMILIES) or model.lower().startswith(_OTHER_VENDOR_FAMILIES) \
        or "max_tokens" not in body


def chat_signals(body: dict[str, Any]) -> tuple[bool, bool]:
    """``(has OpenAI signals, has Anthropic signals)`` of a body with a ``messages`` list."""
    openai = is_openai_model(body.get("model")) or any(k in body for k in OPENAI_ONLY_PARAMS) \
        or is_other_vendor_model(body.get("model"), body)
    anthropic = is_claude_model(body.get("model")) or any(k in body for k in ANTHROPIC_ONLY_PARAMS)
    tools = body.get("tools")
    if isinstance(tools, list):
        for t in tools[:_SCAN_LIMIT]:
            if isinstance(t, dict):
                openai |= "function" in t or t.get("type") == "function"
                anthropic |= "input_schema" in t
    messages = body.get("messages")
    for m in messages[:_SCAN_LIMIT] if isinstance(messages, list) else ():
        if not isinstance(m, dict):
            continue
        role = m.get("role")
        openai |= (isinstance(role, str) and role in OPENAI_ONLY_ROLES) or "tool_calls" in m or "tool_call_id" in m
        content = m.get("content")
        if isinstance(content, list):
            for part in content:
                if not isinstance(part, dict):
                    continue
                kind = part.get("type")
                if not isinstance(kind, str):  # a wrong-typed tag ({} or []) is the rules' to report
                    continue
                openai |= kind in OPENAI_ONLY_PARTS
                anthropic |= kind in ANTHROPIC_ONLY_BLOCKS or (kind == "image" and "source" in part)
    return openai, anthropic


def is_chat_request(v: Any, *, default: bool = False) -> bool:
    """An OpenAI Chat Completions request body.  ``default`` decides the ambiguous case (plain
    user/assistant strings, a model neither side claims): True inside a file known to be OpenAI."""
    if not isinstance(v, dict) or "messages" not in v or "input" in v:
        return False
    openai, anthropic = chat_signals(v)
    if anthropic:
        return False
    return openai or default


def is_responses_request(v: Any) -> bool:
    """An OpenAI Responses request: ``input`` items (or a string input with a model)."""
    if not isinstance(v, dict) or "messages" in v or "input" not in v:
        return False
    inp = v["input"]
    if isinstance(inp, list):
        return all(isinstance(item, dict) for item in inp[:_SCAN_LIMIT]) and (
            bool(inp) or "model" in v or "instructions" in v)
    if isinstance(inp, str):
        model = v.get("model")
        is_embedding = isinstance(model, str) and ("embed" in model.lower() or "moderation" in model.lower())
        return ("model" in v or "instructions" in v) and not is_embedding and \
            "encoding_format" not in v and "dimensions" not in v
    return False


def is_chat_response(v: Any) -> bool:
    if not isinstance(v, dict):
        return False
    if v.get("object") == "chat.completion":
        return True
    rid = v.get("id")
    return "choices" in v and isinstance(rid, str) and rid.startswith("chatcmpl")


def is_responses_response(v: Any) -> bool:
    if not isinstance(v, dict):
        return False
    rid = v.get("id")
    return v.get("object") == "response" or ("output" in v and isinstance(rid, str) and rid.startswith("resp_"))


def is_openai_error(v: Any) -> bool:
    """``{"error": {"message", "type", "param", "code"}}`` — OpenAI's error envelope."""
    err = v.get("error") if isinstance(v, dict) else None
    return isinstance(err, dict) and "message" in err and ("param" in err or "code" in err) \
        and v.get("type") != "error"


def request_dialect(v: Any, *, default: bool = False) -> str | None:
    if is_responses_request(v):
        return RESPONSES
    if is_chat_request(v, default=default):
        return CHAT
    return None


def response_dialect(v: Any) -> str | None:
    if is_chat_response(v):
        return CHAT
    if is_responses_response(v):
        return RESPONSES
    return None


def _batch_dialect(url: Any) -> str | None:
    if not isinstance(url, str):
        return None
    if "chat/completions" in url:
        return CHAT
    if url.rstrip("/").endswith("/responses"):
        return RESPONSES
    return None


def classify(v: Any, *, default: bool = False) -> str | None:
    """What kind of OpenAI record ``v`` is (``chat-request``, ``responses-response``, ``pair``,
    ``batch-input``, ``batch-output`` …), or None when it is not an OpenAI record."""
    if not isinstance(v, dict):
        return None
    explicit = v.get("dialect")
    if isinstance(explicit, str) and "request" in v:
        return "pair" if explicit in (CHAT, RESPONSES) else None
    if is_responses_request(v):
        return "responses-request"
    if is_chat_request(v, default=default):
        return "chat-request"
    if is_chat_response(v):
        return "chat-response"
    if is_responses_response(v):
        return "responses-response"
    if "request" in v and ("response" in v or "error" in v or "status" in v or "status_code" in v
                           or request_dialect(v["request"], default=default)):
        req, resp = v.get("request"), v.get("response")
        if request_dialect(req, default=default) or response_dialect(resp):
            return "pair"
        return None
    if {"custom_id", "method", "url", "body"} <= set(v) and _batch_dialect(v["url"]):
        return "batch-input"
    if "custom_id" in v and "response" in v and "error" in v:
        resp = v.get("response")
        body = resp.get("body") if isinstance(resp, dict) else None
        rid = v.get("id")
        if response_dialect(body) or is_openai_error(body) or (isinstance(rid, str) and rid.startswith("batch_req")):
            return "batch-output"
    return None


# -- building exchanges ----------------------------------------------------------------------------

class BadShape(NotARecord):
    """An OpenAI record whose shape cannot be used; ``path`` is a JSON Pointer inside the record."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


def _type_name(v: Any) -> str:
    return "null" if v is None else {"dict": "an object", "list": "a list", "str": "a string"}.get(
        type(v).__name__, type(v).__name__)


def check_chat_request(body: dict[str, Any], at: str = "") -> None:
    """Raise :class:`BadShape` if the body cannot be a Chat Completions request at all."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise BadShape(f"`messages` is {_type_name(messages)}, expected a list of messages", f"{at}/messages")
    for i, m in enumerate(messages):
        if not isinstance(m, dict):
            raise BadShape(f"messages[{i}] is {_type_name(m)}, expected a message object", f"{at}/messages/{i}")
        if not isinstance(m.get("role"), str):
            raise BadShape(f"messages[{i}] has no `role`", f"{at}/messages/{i}")


def check_responses_request(body: dict[str, Any], at: str = "") -> None:
    inp = body.get("input")
    if isinstance(inp, str):
        return
    if not isinstance(inp, list):
        raise BadShape(f"`input` is {_type_name(inp)}, expected a string or a list of items", f"{at}/input")
    for i, item in enumerate(inp):
        if not isinstance(item, dict):
            raise BadShape(f"input[{i}] is {_type_name(item)}, expected an item object", f"{at}/input/{i}")


def check_chat_response(body: dict[str, Any], at: str = "") -> None:
    choices = body.get("choices")
    if not isinstance(choices, list):
        raise BadShape(f"`choices` is {_type_name(choices)}, expected a list", f"{at}/choices")
    for i, c in enumerate(choices):
        if not isinstance(c, dict) or not isinstance(c.get("message", {}), dict):
            raise BadShape(f"choices[{i}] is not a choice with a `message` object", f"{at}/choices/{i}")


def check_responses_response(body: dict[str, Any], at: str = "") -> None:
    output = body.get("output", [])
    if not isinstance(output, list):
        raise BadShape(f"`output` is {_type_name(output)}, expected a list of items", f"{at}/output")


def _check_request(body: Any, dialect: str, at: str) -> None:
    if not isinstance(body, dict):
        raise BadShape(f"`request` is {_type_name(body)}, expected a request body object", at)
    if dialect == CHAT:
        check_chat_request(body, at)
    else:
        check_responses_request(body, at)


def _check_response(body: dict[str, Any], at: str) -> None:
    if is_chat_response(body):
        check_chat_response(body, at)
    elif is_responses_response(body):
        check_responses_response(body, at)


def iso_time(value: Any) -> str | None:
    """An ISO-8601 UTC time from epoch seconds/milliseconds (float or int) or an ISO string."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds
    try:
        dt = datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return dt.isoformat(timespec="milliseconds").replace("+00:00", "Z")


_STATUS_IN_TEXT = re.compile(r"\b(?:Error code|status(?: code)?|HTTP)[:= ]+([1-5]\d\d)\b", re.I)


def status_in_text(text: Any) -> int | None:
    """The HTTP status an SDK exception puts in its text (``Error code: 400 - {…}``), if any."""
    m = _STATUS_IN_TEXT.search(text) if isinstance(text, str) else None
    return int(m.group(1)) if m else None


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _status(v: dict[str, Any]) -> int | None:
    for key in ("status", "status_code"):
        s = v.get(key)
        if isinstance(s, int) and not isinstance(s, bool):
            return s
    return None


def _responses_error(resp: dict[str, Any]) -> dict[str, Any] | None:
    """A failed Responses object carries its error inside (``status: "failed"``, ``error``)."""
    err = resp.get("error")
    return {"error": err} if isinstance(err, dict) else None


_PAIR_KEYS = ("request", "response", "error", "status", "status_code", "headers", "started_at",
              "duration_ms", "request_id", "dialect", "source", "extra")


_TIME_KEYS = ("started_at", "timestamp", "ts", "time", "created_at")
"""Where app logs put a pair's start time (the value also stays in ``extra``)."""


def to_openai_exchange(v: Any, source: Source, *, default: bool = False) -> Exchange | None:
    """One OpenAI record → an Exchange; None if ``v`` is not OpenAI; :class:`BadShape` if it is but
    cannot be used."""
    kind = classify(v, default=default)
    if kind is None:
        return None
    assert isinstance(v, dict)
    if kind == "chat-request":
        check_chat_request(v)
        return Exchange(source=source, format="openai-chat-request", request=v, dialect=CHAT)
    if kind == "responses-request":
        check_responses_request(v)
        return Exchange(source=source, format="openai-responses-request", request=v, dialect=RESPONSES)
    if kind == "chat-response":
        check_chat_response(v)
        return Exchange(source=source, format="openai-chat-response", response=v, status=200, dialect=CHAT)
    if kind == "responses-response":
        check_responses_response(v)
        return Exchange(source=source, format="openai-responses-response", response=v, status=200,
                        error=_responses_error(v), dialect=RESPONSES)
    if kind == "batch-input":
        dialect = _batch_dialect(v["url"]) or CHAT
        _check_request(v.get("body"), dialect, "/body")
        return Exchange(source=source, format="openai-batch-input", request=v["body"], dialect=dialect,
                        extra={k: val for k, val in v.items() if k != "body"})
    if kind == "batch-output":
        return _batch_output(v, source)
    return _pair(v, source, default=default)


def _pair(v: dict[str, Any], source: Source, *, default: bool) -> Exchange:
    request, response, error = v.get("request"), v.get("response"), v.get("error")
    explicit = v.get("dialect")
    dialect = explicit if explicit in (CHAT, RESPONSES) else (
        request_dialect(request, default=True) or response_dialect(response) or CHAT)
    if request is not None:
        _check_request(request, dialect, "/request")
    if is_openai_error(response) or (isinstance(response, dict) and set(response) <= {"error"}):
        response, error = None, response
    if isinstance(response, str):
        # A body kept as text: JSON of a response, or a stream this loader does not rebuild.
        try:
            response = parse_json(response)
        except ValueError:
            raise BadShape("`response` is text that is not JSON (a streamed body?); save the parsed "
                           "response object instead", "/response") from None
    if response is not None and not isinstance(response, dict):
        raise BadShape(f"`response` is {_type_name(response)}, expected a response object", "/response")
    if response is not None:
        _check_response(response, "/response")
        if error is None and is_responses_response(response):
            error = _responses_error(response)
    if error is not None and not isinstance(error, dict):
        error = {"raw": error}
    status = _status(v)
    if status is None and response is not None:
        status = 200
    headers = v.get("headers")
    extra = {k: val for k, val in v.items() if k not in _PAIR_KEYS}
    if isinstance(v.get("extra"), dict):
        extra.update(v["extra"])
    rid = v.get("request_id")
    return Exchange(
        source=source,
        format="native" if "source" in v and "started_at" in v else "openai-pair",
        request=request,
        response=response,
        error=error,
        status=status,
        started_at=iso_time(next((v[k] for k in _TIME_KEYS if v.get(k) is not None), None)),
        duration_ms=_number(v.get("duration_ms")),
        headers=redact_headers({str(k): str(val) for k, val in headers.items()}) if isinstance(headers, dict) else {},
        request_id=rid if isinstance(rid, str) else None,
        extra=extra,
        dialect=dialect,
    )


def _batch_output(v: dict[str, Any], source: Source) -> Exchange:
    resp = v.get("response")
    body = resp.get("body") if isinstance(resp, dict) else None
    status = resp.get("status_code") if isinstance(resp, dict) else None
    error = v.get("error")
    response = None
    if is_openai_error(body):
        error = body
    elif isinstance(body, dict):
        _check_response(body, "/response/body")
        response = body
    dialect = response_dialect(response) or CHAT
    rid = resp.get("request_id") if isinstance(resp, dict) else None
    return Exchange(
        source=source, format="openai-batch-output", response=response,
        error=error if isinstance(error, dict) else None,
        status=status if isinstance(status, int) and not isinstance(status, bool) else None,
        request_id=rid if isinstance(rid, str) else None,
        extra={k: val for k, val in v.items() if k not in ("response", "error")},
        dialect=dialect,
    )


def describe(v: Any) -> str:
    """Why a value is not a record of this format (one phrase)."""
    if isinstance(v, dict):
        if v.get("object") == "chat.completion.chunk":
            return ("a streaming chunk (chat.completion.chunk): this loader reads whole requests and "
                    "responses, not streams")
        keys = ", ".join(list(v)[:8]) + (", …" if len(v) > 8 else "")
        return (f"an object with keys {{{keys}}} is neither an OpenAI request or response nor an "
                f"Anthropic one")
    return f"a JSON {type(v).__name__} is not a request, a response or a {{request, response}} pair"


def load_record(v: Any, source: Source, *, default: bool = True) -> Exchange | LoadIssue:
    """One record of an OpenAI log: OpenAI first, then Anthropic, else a LoadIssue naming it."""
    try:
        ex = to_openai_exchange(v, source, default=default)
        if ex is None:
            ex = anthropic_exchange(v, source)
        return ex
    except BadShape as exc:
        return LoadIssue(source.file, str(exc), record=source.record, line=source.line, path=exc.path)
    except NotARecord:
        return LoadIssue(source.file, describe(v), record=source.record, line=source.line)


# -- reading files ---------------------------------------------------------------------------------

RecordReader = Callable[[Any, Source], Iterator[Exchange | LoadIssue]]


def read_json_records(sniff: Sniff, one: RecordReader, *, array_items: bool = True) -> Iterator[Exchange | LoadIssue]:
    """Read a file that is one JSON document, a JSON array of records, or JSONL of records.

    ``one(value, source)`` turns a record into exchanges/issues.  A JSONL line that does not parse
    becomes a LoadIssue naming its line; the other lines still load.  Shared by the OpenAI,
    LiteLLM, Langfuse and OTLP loaders.
    """
    name = sniff.name
    if sniff.is_jsonl:
        for record, lineno, offset, value in iter_jsonl(sniff.opened):
            if isinstance(value, BaseException):
                yield LoadIssue(name, json_problem(value), record=record, line=lineno)
                continue
            yield from guarded(one, value, Source(name, record, lineno, offset))
        return
    doc = load_document(sniff)
    if array_items and isinstance(doc, list):
        for i, item in enumerate(doc):
            yield from guarded(one, item, Source(name, i))
        return
    yield from guarded(one, doc, Source(name, 0))


def first_values(sniff: Sniff, limit: int = 3) -> list[Any]:
    """The first records a detector should look at: JSONL lines, array items or the document."""
    if sniff.is_jsonl:
        return sniff.first_records
    if not sniff.is_json:
        return []
    doc = sniff.document_or_none()
    if isinstance(doc, list):
        return doc[:limit]
    return [] if doc is None else [doc]


def broken_document_starts_with(sniff: Sniff, pattern: re.Pattern[str]) -> bool:
    """A single JSON document that does not parse but whose head matches ``pattern``: claiming it
    lets the format's reader report the parse error (file and line) instead of a fallback reading
    a cut download line by line."""
    return (sniff.is_json and not sniff.is_jsonl and sniff.document_or_none() is None
            and bool(pattern.match(sniff.text_head)))


def _bare_messages(doc: Any) -> bool:
    """A JSON array of OpenAI chat messages (a saved conversation without the request around it)."""
    if not isinstance(doc, list) or not doc or not all(isinstance(m, dict) and "role" in m for m in doc):
        return False
    openai, anthropic = chat_signals({"messages": doc})
    return openai and not anthropic


def _one(value: Any, source: Source) -> Iterator[Exchange | LoadIssue]:
    yield load_record(value, source)


def _read(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    if not sniff.is_jsonl:
        doc = sniff.document_or_none()
        if _bare_messages(doc):
            yield Exchange(source=Source(sniff.name, 0), format="openai-messages",
                           request={"messages": doc}, dialect=CHAT, extra={"messages_only": True})
            return
    yield from read_json_records(sniff, _one)


def _detect_jsonl(sniff: Sniff) -> bool:
    return sniff.is_jsonl and any(classify(r) for r in sniff.first_records)


def _detect_json(sniff: Sniff) -> bool:
    if not sniff.is_json or sniff.is_jsonl:
        return False
    doc = sniff.document_or_none()
    if isinstance(doc, list):
        return _bare_messages(doc) or any(classify(item) for item in doc[:20])
    return classify(doc) is not None


OPENAI_JSON = Format("openai-json", "an OpenAI Chat Completions or Responses request, response or "
                     "{request, response} pair, or an array of them", _detect_json, _read)
OPENAI_JSONL = Format("openai-jsonl", "JSONL of OpenAI Chat Completions / Responses requests, responses, "
                      "pairs or batch lines", _detect_jsonl, _read)
