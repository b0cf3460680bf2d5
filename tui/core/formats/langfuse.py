"""Langfuse trace downloads: ``{trace, observations}`` and the public API's ``TraceWithFullDetails``
(FORMATS.md §3.9).

One exchange per ``GENERATION`` observation (spans, events, tools and agents are not model calls).
A generation's ``input``/``output`` are free-form JSON — whatever the integration passed — so the
inner shape is sniffed: the OpenAI wrapper stores a messages list (or ``{messages, tools}``) and
the choice's message; Anthropic instrumentations store Anthropic messages; ``@observe`` stores
``{"args": […], "kwargs": {…}}``.  The request is rebuilt as ``{model, messages, …}`` plus the
``modelParameters`` that belong to that API, and marked ``partial_request`` (Langfuse does not
keep every top-level field).  A generation whose input is missing (the server omits IO of large
traces from downloads) or is not a conversation becomes a LoadIssue saying so.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from tui.core.formats.anthropic import NotARecord
from tui.core.formats.base import Format, Sniff
from tui.core.formats.openai import (
    CHAT, RESPONSES, broken_document_starts_with, chat_signals, first_values, is_chat_response,
    is_claude_model, iso_time, read_json_records, status_in_text,
)
from tui.core.model import Exchange, LoadIssue, Source

CHAT_PARAMS = frozenset({"max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "n",
                         "frequency_penalty", "presence_penalty", "seed", "response_format",
                         "tool_choice", "parallel_tool_calls", "reasoning_effort", "stream"})
ANTHROPIC_PARAMS = frozenset({"max_tokens", "temperature", "top_p", "top_k", "stop_sequences",
                              "tool_choice", "thinking", "stream"})
RESPONSES_PARAMS = frozenset({"max_output_tokens", "temperature", "top_p", "tool_choice",
                              "parallel_tool_calls", "reasoning", "stream", "store"})
_RESPONSES_ITEMS = frozenset({"function_call", "function_call_output", "reasoning", "custom_tool_call",
                              "custom_tool_call_output", "item_reference"})


def is_langfuse_trace(v: Any) -> bool:
    if not isinstance(v, dict) or not isinstance(v.get("observations"), list):
        return False
    if isinstance(v.get("trace"), dict):
        return True  # UI download
    return any(k in v for k in ("htmlPath", "latency", "totalCost", "projectId"))  # public API


def _param_value(v: Any) -> Any:
    """Langfuse stores parameter values as strings, numbers or booleans: "1024" → 1024; "inf" and
    other non-values are not parameters anyone sent."""
    if isinstance(v, str):
        text = v.strip()
        if text.lower() in ("inf", "infinity", "-inf", "nan", "none", "null", ""):
            return None
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return v
    return v


def _timestamp(v: Any) -> float | None:
    if not isinstance(v, str):
        return None
    try:
        return datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _is_messages(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(m, dict) and "role" in m for m in v)


def _is_responses_items(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(m, dict) for m in v) and any(
        (isinstance(m.get("type"), str) and m["type"] in _RESPONSES_ITEMS) or (m.get("type") == "message" and "role" in m) for m in v)


def _unwrap(inp: Any) -> Any:
    """``@observe`` wraps call arguments as ``{"args": [...], "kwargs": {...}}``."""
    if isinstance(inp, dict) and "kwargs" in inp and isinstance(inp["kwargs"], dict) and set(inp) <= {"args", "kwargs"}:
        kwargs = inp["kwargs"]
        if "messages" in kwargs or "input" in kwargs:
            return kwargs
        args = inp.get("args")
        if isinstance(args, list) and args and (_is_messages(args[0]) or isinstance(args[0], dict)):
            return args[0]
    return inp


def _request_and_dialect(inp: Any, model: Any) -> tuple[dict[str, Any], str]:
    """The request body the input describes and its dialect; NotARecord when it is no conversation."""
    inp = _unwrap(inp)
    if inp is None:
        raise NotARecord("the generation's input was not stored (Langfuse omits the input/output of "
                         "large traces from downloads); download it with IO or use the API")
    if isinstance(inp, str):
        raise NotARecord("the generation's input is plain text (a prompt), not a chat request")
    body: dict[str, Any]
    if _is_responses_items(inp):
        return {"input": copy.deepcopy(inp)}, RESPONSES
    if _is_messages(inp):
        body = {"messages": copy.deepcopy(inp)}
    elif isinstance(inp, dict) and isinstance(inp.get("messages"), list):
        body = copy.deepcopy(inp)
    elif isinstance(inp, dict) and "input" in inp:
        return copy.deepcopy(inp), RESPONSES
    else:
        kind = type(inp).__name__ if not isinstance(inp, dict) else "an object with keys {" + \
            ", ".join(list(inp)[:6]) + "}"
        raise NotARecord(f"the generation's input is {kind}, not a list of chat messages")
    openai, anthropic = chat_signals({**body, "model": model})
    if anthropic:
        return body, "anthropic"
    if openai:
        return body, CHAT
    return body, "anthropic" if is_claude_model(model) else CHAT


def _hoist_system(body: dict[str, Any]) -> bool:
    """Anthropic instrumentations log the system prompt as a leading ``role: "system"`` message;
    the API takes it at the top level.  Move it back (True if something moved)."""
    msgs = body["messages"]
    lead = 0
    while lead < len(msgs) and isinstance(msgs[lead], dict) and msgs[lead].get("role") == "system":
        lead += 1
    if not lead or "system" in body:
        return False
    parts = [m.get("content") for m in msgs[:lead]]
    body["system"] = parts[0] if lead == 1 and isinstance(parts[0], (str, list)) else \
        "\n\n".join(p if isinstance(p, str) else str(p) for p in parts)
    body["messages"] = msgs[lead:]
    return True


def _response(output: Any, dialect: str, model: Any, usage: Any) -> dict[str, Any] | None:
    """The logged response when the output is one; for OpenAI chat, a choice message is wrapped in
    a ``chat.completion`` so the Q rules can read it."""
    if not isinstance(output, dict):
        return None
    if dialect == "anthropic":
        return output if output.get("type") == "message" else None
    if dialect == RESPONSES:
        return output if output.get("object") == "response" else None
    if is_chat_response(output):
        return output
    if output.get("role") == "assistant":
        wrapped: dict[str, Any] = {"object": "chat.completion", "model": model,
                                   "choices": [{"index": 0, "message": output, "finish_reason": None}]}
        if isinstance(usage, dict):
            wrapped["usage"] = {"prompt_tokens": usage.get("input"), "completion_tokens": usage.get("output"),
                                "total_tokens": usage.get("total")}
        return wrapped
    return None


def generation_exchange(obs: dict[str, Any], trace: dict[str, Any], source: Source, index: int) -> Exchange:
    """One GENERATION observation → an Exchange (NotARecord with a reason when it has no request)."""
    model = obs.get("model")
    body, dialect = _request_and_dialect(obs.get("input"), model)
    notes: list[str] = []
    if isinstance(model, str) and model and "model" not in body:
        body = {"model": model, **body}
    params = obs.get("modelParameters")
    allowed = {CHAT: CHAT_PARAMS, RESPONSES: RESPONSES_PARAMS}.get(dialect, ANTHROPIC_PARAMS)
    if isinstance(params, dict):
        for key, raw in params.items():
            value = _param_value(raw)
            if key in allowed and key not in body and value is not None:
                body[key] = value
    if dialect == "anthropic" and _hoist_system(body):
        notes.append("moved the leading system message(s) to the top-level `system`")
    response = _response(obs.get("output"), dialect, model, obs.get("usageDetails") or obs.get("usage"))
    if response is not None and response is not obs.get("output"):
        notes.append("the response is the logged assistant message wrapped in a chat.completion")
    start, end = _timestamp(obs.get("startTime")), _timestamp(obs.get("endTime"))
    first = _timestamp(obs.get("completionStartTime"))
    error = None
    # Output logged for a generation is the API's answer: the call was accepted, even when the
    # output is only the assistant message (no full response to rebuild).
    status = 200 if response is not None or obs.get("output") is not None else None
    if obs.get("level") == "ERROR":
        message = obs.get("statusMessage") or "the generation was logged at level ERROR"
        error = {"error": {"message": message}}
        status = status_in_text(message)
    lf: dict[str, Any] = {
        "trace_id": obs.get("traceId") or trace.get("id"),
        "trace_name": trace.get("name"),
        "observation_id": obs.get("id"),
        "observation_index": index,
        "name": obs.get("name"),
        "session_id": trace.get("sessionId"),
        "user_id": trace.get("userId"),
        "level": obs.get("level"),
        "status_message": obs.get("statusMessage"),
        "usage": obs.get("usageDetails") or obs.get("usage"),
        "cost": obs.get("costDetails"),
        "model_parameters": params,
    }
    extra: dict[str, Any] = {"langfuse": {k: v for k, v in lf.items() if v is not None}, "partial_request": True}
    if response is None and obs.get("output") is not None:
        extra["output"] = obs["output"]
    if start is not None and first is not None and first >= start:
        extra["ttft_ms"] = round((first - start) * 1000, 3)
    if notes:
        extra["notes"] = notes
    return Exchange(
        source=source,
        format="langfuse-generation",
        request=body,
        response=response,
        error=error,
        status=status,
        started_at=iso_time(obs.get("startTime")),
        duration_ms=round((end - start) * 1000, 3) if start is not None and end is not None else None,
        extra=extra,
        dialect=dialect,
    )


def _one_trace(value: Any, source: Source, counter: list[int]) -> Iterator[Exchange | LoadIssue]:
    """Every GENERATION of one trace document.  ``source`` locates the document (its line in
    JSONL); each exchange gets the next record number of the file (``counter``) and keeps the
    observation's index in ``extra`` (issues name it as a path)."""
    name = source.file
    prefix = f"/{source.record}" if counter[1] else ""
    if not is_langfuse_trace(value):
        yield LoadIssue(name, "not a Langfuse trace (expected {trace, observations})", record=source.record,
                        line=source.line)
        return
    trace = value.get("trace") if isinstance(value.get("trace"), dict) else value
    observations = value["observations"]
    generations = 0
    for k, obs in enumerate(observations):
        path = f"{prefix}/observations/{k}"
        if not isinstance(obs, dict):
            yield LoadIssue(name, f"observation {k} is not an object", record=counter[0], line=source.line,
                            path=path)
            counter[0] += 1
            continue
        if obs.get("type") != "GENERATION":
            continue  # spans, events, tools, agents: structure, not model calls
        generations += 1
        where = Source(name, counter[0], source.line, source.offset)
        counter[0] += 1
        try:
            yield generation_exchange(obs, trace, where, k)
        except NotARecord as exc:
            label = obs.get("name") or obs.get("id") or k
            yield LoadIssue(name, f"generation {label!r}: {exc}", record=where.record, line=source.line,
                            path=f"{path}/input")
    if not generations:
        kinds = sorted({str(o.get("type")) for o in observations if isinstance(o, dict)})
        yield LoadIssue(name, f"the trace has no GENERATION observation (only {', '.join(kinds) or 'none'}); "
                              f"there is no model call to check", record=source.record, line=source.line)


def _read(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    doc = None if sniff.is_jsonl else sniff.document_or_none()
    counter = [0, int(isinstance(doc, list))]  # next record number; whether the file is an array
    yield from read_json_records(sniff, lambda value, source: _one_trace(value, source, counter))


_CUT_DOWNLOAD = re.compile(r'\s*\{\s*"trace"\s*:\s*\{\s*"(?:id|projectId|name|timestamp)"')
"""The start of a UI download (``JSON.stringify({trace, observations})``), to name a cut one."""


def _detect(sniff: Sniff) -> bool:
    return any(is_langfuse_trace(v) for v in first_values(sniff)) or \
        broken_document_starts_with(sniff, _CUT_DOWNLOAD)


LANGFUSE = Format("langfuse", "a Langfuse trace download ({trace, observations}) or API trace with details",
                  _detect, _read)
