"""LiteLLM ``StandardLoggingPayload`` records and proxy SpendLogs rows (FORMATS.md §3.8).

What users have: the object LiteLLM hands every callback as ``kwargs["standard_logging_object"]``,
written one per line by custom/s3/gcs/generic loggers (or one per file), and rows of the proxy's
``LiteLLM_SpendLogs`` table / ``/spend/logs`` API.

Why it needs its own loader: ``messages`` and ``response`` are **LiteLLM's OpenAI shape** for
``completion()`` calls even when the provider is Anthropic (``role: "tool"``, JSON-string
``arguments``, ``toolu_`` ids inside OpenAI messages), so the exchange gets the ``openai-chat``
dialect and the Q rules; only ``call_type == "anthropic_messages"`` (the ``/v1/messages``
pass-through) is Anthropic-shaped.  The parameters live apart from the messages, in
``model_parameters`` (LiteLLM drops ``messages``/``prompt``/``input``/``system`` from it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tui.core.formats.anthropic import NotARecord, to_exchange as anthropic_exchange
from tui.core.formats.base import Format, Sniff, parse_json
from tui.core.formats.openai import (
    CHAT, RESPONSES, first_values, iso_time, read_json_records, request_dialect, response_dialect,
)
from tui.core.model import Exchange, LoadIssue, Source
from tui.core.redact import redact_headers, redact_value

REDACTED = "redacted-by-litellm"

CHAT_CALLS = frozenset({"completion", "acompletion"})
RESPONSES_CALLS = frozenset({"responses", "aresponses"})
ANTHROPIC_CALLS = frozenset({"anthropic_messages", "aanthropic_messages"})

_KEPT = ("id", "trace_id", "call_type", "custom_llm_provider", "model_id", "model_group", "api_base",
         "response_cost", "cache_hit", "request_tags", "end_user", "status", "stream", "prompt_tokens",
         "completion_tokens", "total_tokens", "spend", "user", "team_id")
"""Record fields copied into ``Exchange.extra`` (the rest is large or internal)."""


def is_standard_logging_payload(v: Any) -> bool:
    if not isinstance(v, dict):
        return False
    if isinstance(v.get("standard_logging_object"), dict):
        return is_standard_logging_payload(v["standard_logging_object"])
    if "call_type" not in v:
        return False
    if "spend" in v and "request_id" in v:
        return True  # a SpendLogs row
    return ("startTime" in v or "model_map_information" in v) and (
        "messages" in v or "response" in v or "model_parameters" in v or "proxy_server_request" in v)


def _maybe_json(v: Any) -> Any:
    """SpendLogs store ``messages``/``response`` as JSON text; standard payloads as values."""
    if isinstance(v, str) and v[:1] in ("{", "["):
        try:
            return parse_json(v)
        except ValueError:
            return v
    return v


def _seconds(v: Any) -> float | None:
    """startTime/endTime: epoch seconds (standard payload) or ISO text (SpendLogs)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, str):
        from datetime import datetime
        try:
            return datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


def _error(v: dict[str, Any]) -> tuple[dict[str, Any] | None, int | None]:
    info = v.get("error_information") if isinstance(v.get("error_information"), dict) else {}
    message = info.get("error_message") or v.get("error_str") or ""
    if not message and v.get("status") != "failure":
        return None, None  # success records carry an error_information of empty strings
    error: dict[str, Any] = {"error": {"message": message}}
    if info.get("error_class"):
        error["error"]["type"] = info["error_class"]
    if info.get("llm_provider"):
        error["error"]["llm_provider"] = info["llm_provider"]
    code = info.get("error_code")
    status = int(code) if isinstance(code, str) and code.isdigit() else code if isinstance(code, int) else None
    return error, status


_NOT_CHAT = ("embed", "image", "transcri", "speech", "rerank", "moderation", "text_completion", "file",
             "batch", "fine_tun", "realtime", "ocr", "search", "vector", "video", "audio")
"""Substrings of call types that are not conversations (``aembedding``, ``image_generation`` …)."""


def _dialect(call_type: Any, messages: Any, proxy_request: Any) -> str | None:
    if not isinstance(call_type, str):
        call_type = None  # a mutated or foreign record: decide by the body alone
    elif any(part in call_type for part in _NOT_CHAT):
        return None
    if call_type in ANTHROPIC_CALLS:
        return "anthropic"
    if call_type in RESPONSES_CALLS:
        return RESPONSES
    if call_type in CHAT_CALLS:
        return CHAT
    if isinstance(proxy_request, dict):
        return request_dialect(proxy_request) or ("anthropic" if "messages" in proxy_request else None)
    return CHAT if isinstance(messages, list) else None


def to_litellm_exchange(record: Any, source: Source) -> Exchange:
    """One StandardLoggingPayload (or SpendLogs row) → an Exchange; NotARecord with a reason if the
    record holds no request to check."""
    v = record.get("standard_logging_object") if isinstance(record, dict) and \
        isinstance(record.get("standard_logging_object"), dict) else record
    if not is_standard_logging_payload(v):
        raise NotARecord("not a LiteLLM StandardLoggingPayload (no call_type/startTime/messages)")
    call_type = v.get("call_type")
    messages = _maybe_json(v.get("messages"))
    proxy_request = _maybe_json(v.get("proxy_server_request"))
    dialect = _dialect(call_type, messages, proxy_request)
    if dialect is None:
        raise NotARecord(f"call_type {call_type!r} is not a chat call (nothing to check)")
    if messages == REDACTED or (isinstance(messages, list) and messages and all(
            isinstance(m, dict) and m.get("content") == REDACTED for m in messages)):
        raise NotARecord("the messages were redacted by LiteLLM (turn_off_message_logging): only "
                         "metadata was logged")
    params = v.get("model_parameters") if isinstance(v.get("model_parameters"), dict) else {}
    if isinstance(proxy_request, dict) and (proxy_request.get("messages") or proxy_request.get("input")):
        request = proxy_request  # the raw incoming body, when the proxy kept it
    elif messages in (None, "", {}, []):
        raise NotARecord("no messages were logged (SpendLogs keep prompts only with "
                         "store_prompts_in_spend_logs)")
    elif dialect == RESPONSES:
        request = {"model": v.get("model"), "input": messages, **params}
    elif isinstance(messages, list):
        request = {"model": v.get("model"), "messages": messages, **params}
    else:
        raise NotARecord(f"`messages` is {type(messages).__name__}, expected a list of messages")
    if request.get("model") is None:
        request.pop("model", None)

    response = _maybe_json(v.get("response"))
    if not isinstance(response, dict) or not response:
        response = None
    elif dialect == "anthropic":
        if response.get("type") != "message":
            response = None  # not a Message: nothing the Y rules could check
    elif response_dialect(response) is None and "choices" in response:
        response = {"object": "chat.completion", **response}
    error, status = _error(v)
    if status is None and v.get("status") == "success" and response is not None:
        status = 200

    start, end = _seconds(v.get("startTime")), _seconds(v.get("endTime"))
    first = _seconds(v.get("completionStartTime"))
    extra: dict[str, Any] = {k: v[k] for k in _KEPT if k in v}
    if isinstance(v.get("metadata"), (dict, str)):
        extra["metadata"] = redact_value(_maybe_json(v["metadata"]))
    if start is not None and first is not None and first >= start:
        extra["ttft_ms"] = round((first - start) * 1000, 3)
    if dialect == "anthropic" and "system" not in request:
        extra["partial_request"] = True  # LiteLLM does not log the system prompt of /v1/messages calls
    hidden = v.get("hidden_params") if isinstance(v.get("hidden_params"), dict) else {}
    raw_headers = hidden.get("additional_headers")
    headers = redact_headers({str(k): str(val) for k, val in raw_headers.items() if val is not None}) \
        if isinstance(raw_headers, dict) else {}
    rid = next((headers[k] for k in ("llm_provider-request-id", "llm_provider-x-request-id", "request-id")
                if k in headers), None)
    if rid is None and isinstance(v.get("request_id"), str):
        rid = v["request_id"]
    return Exchange(
        source=source,
        format=f"litellm-{call_type}",
        request=request,
        response=response,
        error=error,
        status=status,
        started_at=iso_time(v.get("startTime")),
        duration_ms=round((end - start) * 1000, 3) if start is not None and end is not None else None,
        headers=headers,
        request_id=rid,
        extra=extra,
        dialect=dialect,
    )


def _one(value: Any, source: Source) -> Iterator[Exchange | LoadIssue]:
    try:
        yield to_litellm_exchange(value, source)
    except NotARecord as exc:
        if not is_standard_logging_payload(value):
            # A foreign line in a LiteLLM log: read it as a plain record if it is one.
            try:
                yield anthropic_exchange(value, source)
                return
            except NotARecord:
                pass
        yield LoadIssue(source.file, str(exc), record=source.record, line=source.line)


def _read(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    yield from read_json_records(sniff, _one)


def _detect(sniff: Sniff) -> bool:
    return any(is_standard_logging_payload(v) for v in first_values(sniff))


LITELLM = Format("litellm", "LiteLLM StandardLoggingPayload records (callback/s3/gcs logs) or SpendLogs rows",
                 _detect, _read)
