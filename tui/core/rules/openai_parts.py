"""Q (continued): Chat Completions content parts — types, a missing `type`, parts the model refuses, `file_data`.

Q001–Q006 (:mod:`tui.core.rules.openai_payloads`) check pairing and cut responses;
:mod:`tui.core.rules.openai_requests` roles, parameters and Responses items.  The rules here check
the content parts the commonest OpenAI 400s are about: a part the endpoint does not have (an
Anthropic or Responses part replayed into Chat Completions), a part without ``type``, a part the
*model* refuses (``data/openai_models.json``, each fact sourced), and a ``file_data`` that is not a
base64 data URL.

A model-dependent rule here is silent for a model the OpenAI table does not list (the registry's
``model_dependent`` flag means the *Anthropic* table, so these rules look the model up
themselves), and reports a fact the table only assumes as a warning.  The error texts are OpenAI's
as public reports quote them (each rule's docs name the report); where none was found verbatim
the finding carries no ``api_error`` and the docs say so.  API_RULES.md covers only Anthropic, so
``references`` is empty.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any

from tui.core.findings import Applicability, Fix, Severity, Violation
from tui.core.openai_models import OpenAIModel, lookup_openai_model
from tui.core.paths import Path
from tui.core.repair import ops
from tui.core.rules.context import CheckContext
from tui.core.rules.openai_payloads import CHAT, RESPONSES
from tui.core.rules.registry import rule

CHAT_PART_TYPES: dict[str, frozenset[str]] = {
    "user": frozenset({"text", "image_url", "input_audio", "file"}),
    "assistant": frozenset({"text", "refusal"}),
    "system": frozenset({"text"}),
    "developer": frozenset({"text"}),
    "tool": frozenset({"text"}),
}
"""Content part types per role (openai 3.51.0 ``types/chat/chat_completion_*_message_param.py``)."""

ALL_CHAT_PART_TYPES = ("text", "image_url", "input_audio", "refusal", "audio", "file")
"""The list OpenAI's text names, in its order."""


def invalid_part_text(part_type: str) -> str:
    """OpenAI's text for a content part type Chat Completions does not have."""
    return (f"Invalid value: '{part_type}'. Supported values are: 'text', 'image_url', 'input_audio', "
            f"'refusal', 'audio', and 'file'.")


def _loc(*path: str | int) -> str:
    """``("messages", 1, "content", 0)`` → ``messages[1].content[0]`` (OpenAI's ``param`` form)."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def _messages(ctx: CheckContext) -> list[Any]:
    msgs = ctx.request.get("messages")
    return msgs if isinstance(msgs, list) else []


def _parts(ctx: CheckContext) -> Iterator[tuple[int, str | None, int, Any]]:
    """``(message index, role, part index, part)`` of every list content in a Chat request."""
    for i, msg in enumerate(_messages(ctx)):
        if not isinstance(msg, dict) or not isinstance(msg.get("content"), list):
            continue
        role = msg.get("role") if isinstance(msg.get("role"), str) else None
        for j, part in enumerate(msg["content"]):
            yield i, role, j, part


def _model(ctx: CheckContext) -> OpenAIModel | None:
    return lookup_openai_model(ctx.request.get("model"))


def _severity(caps: OpenAIModel, field: str) -> Severity | None:
    """A fact the table only assumes is a warning: nothing public confirms the API rejects it."""
    return Severity.WARNING if caps.assumed(field) else None


def _hedge(caps: OpenAIModel, field: str) -> str:
    return " (the model table assumes this; no public report confirms it)" if caps.assumed(field) else ""


def _is_openai(ctx: CheckContext) -> bool:
    return ctx.exchange is not None and ctx.exchange.dialect in (CHAT, RESPONSES)


# -- Q007 ------------------------------------------------------------------------------------------

def _text_of_part(part: dict[str, Any]) -> str | None:
    for key in ("text", "thinking", "refusal"):
        if isinstance(part.get(key), str):
            return part[key]
    return None


def _convert_part(part: dict[str, Any], path: Path) -> Fix | None:
    """A replayed Responses or Anthropic part rewritten as the Chat Completions part it means."""
    ptype = part.get("type")
    if ptype in ("input_text", "output_text") and isinstance(part.get("text"), str):
        return ops.safe(f"turn the {ptype} part into a text part", ops.replace(path, {"type": "text", "text": part["text"]}))
    if ptype == "input_image" and isinstance(part.get("image_url"), str):
        new: dict[str, Any] = {"type": "image_url", "image_url": {"url": part["image_url"]}}
        if isinstance(part.get("detail"), str):
            new["image_url"]["detail"] = part["detail"]
        return ops.safe("turn the input_image part into an image_url part", ops.replace(path, new))
    src = part.get("source")
    if ptype == "image" and isinstance(src, dict):
        if src.get("type") == "base64" and isinstance(src.get("data"), str) and isinstance(src.get("media_type"), str):
            url = f"data:{src['media_type']};base64,{src['data']}"
            return ops.safe("turn the Anthropic image block into an image_url part with a data URL",
                            ops.replace(path, {"type": "image_url", "image_url": {"url": url}}))
        if src.get("type") == "url" and isinstance(src.get("url"), str):
            return ops.safe("turn the Anthropic image block into an image_url part",
                            ops.replace(path, {"type": "image_url", "image_url": {"url": src["url"]}}))
    if ptype in ("thinking", "redacted_thinking", "reasoning"):
        return ops.unsafe(f"drop the {ptype} part (Chat Completions takes no reasoning input)", ops.remove(path))
    text = _text_of_part(part)
    if ptype in ("refusal",) and text is not None:
        return ops.safe("turn the refusal part into a text part", ops.replace(path, {"type": "text", "text": text}))
    return None


@rule("Q007", "chat-content-part-type-invalid", Severity.ERROR, fix=Applicability.UNSAFE, dialect=CHAT)
def chat_content_part_type_invalid(ctx: CheckContext) -> Iterator[Violation]:
    """A Chat Completions content part has a type the endpoint, or that message's role, does not take.

    ## What it does
    Checks the `type` of every part of a list `content` against the part types of its role
    (openai 3.51.0 message params): `user` takes `text`, `image_url`, `input_audio` and `file`;
    `assistant` takes `text` and `refusal`; `system`, `developer` and `tool` take `text` only.

    ## Why is this bad?
    History built for another API and replayed into Chat Completions: Responses parts
    (`input_text`, `output_text`, `input_image`), Anthropic blocks (`image`, `thinking`,
    `tool_use`, `tool_result`), a framework's own (`functionCall`).  OpenAI answers (text from
    public reports, e.g. the `Invalid value: 'image'` / `'thinking'` / `'tool_result'` reports
    collected in openai-kotlin#320 (older wording `Supported values are: 'text' and
    'image_url'.`) and in LangChain and agent-SDK issue threads), with `param`
    `messages[N].content[M].type` and `code` `invalid_value`:
    ``Invalid value: 'thinking'. Supported values are: 'text', 'image_url', 'input_audio',
    'refusal', 'audio', and 'file'.``  A type the endpoint has but in the wrong role (an
    `image_url` part in a system message) is refused too; no public report quotes that text, so
    the finding carries none.

    ## Example
    `{"role": "user", "content": [{"type": "input_text", "text": "Summarise this"}]}`

    ## Fix
    *Safe* where the part has a Chat Completions equivalent: `input_text` / `output_text` →
    `text`, `input_image` → `image_url`, an Anthropic `image` (base64 or URL source) →
    `image_url` (a data URL), `refusal` in a non-assistant message → `text`.  *Unsafe*: drop a
    `thinking` / `reasoning` part.  No automatic fix for the rest (`tool_use`, `tool_result`:
    convert the whole message with `payload-doctor convert`).
    """
    for i, role, j, part in _parts(ctx):
        if not isinstance(part, dict) or not isinstance(part.get("type"), str) or role not in CHAT_PART_TYPES:
            continue
        ptype = part["type"]
        allowed = CHAT_PART_TYPES[role]
        if ptype in allowed:
            continue
        path: Path = ("messages", i, "content", j)
        known = ptype in ALL_CHAT_PART_TYPES
        where = f"a {role} message" if known else "Chat Completions"
        yield Violation(
            (*path, "type"),
            f"content part type {ptype!r} is not accepted in {where} (accepted: {', '.join(sorted(allowed))})",
            api_error=None if known else invalid_part_text(ptype),
            fix=_convert_part(part, path),
        )


# -- Q008 ------------------------------------------------------------------------------------------

_INFER_TYPE = ("text", "image_url", "input_audio", "file", "refusal")


@rule("Q008", "chat-content-part-missing-type", Severity.ERROR, fix=Applicability.SAFE, dialect=CHAT)
def chat_content_part_missing_type(ctx: CheckContext) -> Iterator[Violation]:
    """A Chat Completions content part is an object without `type`.

    ## What it does
    Reports every object in a list `content` that has no `type` key (a part that is not an
    object at all is left to OpenAI's schema: no public report quotes its text).

    ## Why is this bad?
    Frameworks that pass a tool's structured result straight through as the tool message's
    content (`[{"name": …, "score": …}]`), or build parts as `{"text": "…"}`, get (text from
    neuron-core/neuron-ai#292 and langchain-ai/langgraphjs#506, `param` the same path):
    ``Missing required parameter: 'messages[2].content[0].type'.``

    ## Example
    `{"role": "tool", "tool_call_id": "call_1", "content": [{"text": "3 passed"}]}`

    ## Fix
    *Safe* when the part's keys say its type (`text`, `image_url`, `input_audio`, `file`,
    `refusal`): add that `type`.  Otherwise none automatic: serialise the object into a `text`
    part yourself (what the tool returned is the model's input; its form is yours to choose).
    """
    for i, _role, j, part in _parts(ctx):
        if not isinstance(part, dict) or "type" in part:
            continue
        path: Path = ("messages", i, "content", j)
        guess = next((k for k in _INFER_TYPE if k in part), None)
        fix = ops.safe(f"add type {guess!r} (the part has a {guess!r} key)", ops.add((*path, "type"), guess)) \
            if guess else None
        yield Violation(path, "content part without a `type`",
                        api_error=f"Missing required parameter: '{_loc(*path, 'type')}'.", fix=fix)


# -- Q009 ------------------------------------------------------------------------------------------

_PART_TEXT = {"image_url": "Invalid content type. image_url is only supported by certain models."}
"""The texts found verbatim (roboflow/awesome-openai-vision-api-experiments#11, browser-use/web-ui#274)."""


@rule("Q009", "content-part-unsupported-by-model", Severity.ERROR, fix=Applicability.UNSAFE, dialect=CHAT)
def content_part_unsupported_by_model(ctx: CheckContext) -> Iterator[Violation]:
    """A user message holds an image, audio or file part the model does not take.

    ## What it does
    Looks the model up in the OpenAI model table (`data/openai_models.json`) and reports each
    `image_url`, `input_audio` or `file` part the table lists as refused by that model (text-only
    models refuse images; only the `-audio-` models take `input_audio`; o1-mini, o1-preview and
    o3-mini take no images).  A refusal the table only assumes is a warning.  Silent for models
    the table does not list.

    ## Why is this bad?
    Switching a vision conversation to a cheaper or a reasoning model keeps its screenshots.  For
    images OpenAI answers (roboflow/awesome-openai-vision-api-experiments#11; via Azure in
    browser-use/web-ui#274 with `param` `messages.[1].content.[1].type`): ``Invalid content
    type. image_url is only supported by certain models.``  No public report quotes the text for
    audio or file parts, so those findings carry none.

    ## Example
    `{"model": "o1-mini", "messages": [{"role": "user", "content": [{"type": "image_url",
    "image_url": {"url": "https://example.com/a.png"}}]}]}`

    ## Fix
    *Unsafe*: drop the part (the model no longer sees it).  Better: pick a model that takes it.
    """
    caps = _model(ctx)
    if caps is None:
        return
    for i, role, j, part in _parts(ctx):
        if role != "user" or not isinstance(part, dict) or part.get("type") not in caps.rejected_parts:
            continue
        ptype = part["type"]
        field = f"rejected_parts.{ptype}"
        path: Path = ("messages", i, "content", j)
        yield Violation(
            path, f"{ctx.request['model']} does not take {ptype} parts{_hedge(caps, field)}",
            api_error=_PART_TEXT.get(ptype), severity=_severity(caps, field),
            fix=ops.unsafe(f"drop the {ptype} part", ops.remove(path)))


# -- Q015 ------------------------------------------------------------------------------------------

_DATA_URL = re.compile(r"^data:(?P<mime>[\w.+-]+/[\w.+-]+);base64,(?P<data>.*)$", re.S)


def file_data_text(loc: str, mime: str | None = None) -> str:
    got = f"unsupported MIME type '{mime}'" if mime else "an invalid base64-encoded value"
    return (f"Invalid file data: '{loc}'. Expected a base64-encoded data URL with an application/pdf MIME type "
            f"(e.g. 'data:application/pdf;base64,SGVsbG8sIFdvcmxkIQ=='), but got {got}.")


def _b64(data: str) -> bytes | None:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None


@rule("Q015", "file-data-not-data-url", Severity.ERROR, fix=Applicability.SAFE, dialect=CHAT)
def file_data_not_data_url(ctx: CheckContext) -> Iterator[Violation]:
    """A Chat Completions `file` part's `file_data` is not a base64 `data:application/pdf` URL.

    ## What it does
    Checks `file.file_data` of every `file` part: it must be `data:application/pdf;base64,`
    followed by valid base64.  Raw base64, a URL, a data URL of another MIME type or broken
    base64 are reported.  (Responses `input_file` parts are not checked: no public report
    quotes what that endpoint answers.)

    ## Why is this bad?
    The SDK's docstring says only "the base64 encoded file data", so clients send the bare
    base64 or the file's URL.  OpenAI answers (vercel/ai#7266, vercel/ai#6575):
    ``Invalid file data: 'messages[1].content[0].file.file_data'. Expected a base64-encoded data
    URL with an application/pdf MIME type (e.g. 'data:application/pdf;base64,SGVsbG8sIFdvcmxkIQ=='),
    but got an invalid base64-encoded value.``  For a data URL of another type it ends
    ``but got unsupported MIME type 'text/plain'.``

    ## Example
    `{"type": "file", "file": {"filename": "spec.pdf", "file_data": "JVBERi0xLjcK..."}}`

    ## Fix
    *Safe* when the value is bare base64 of a PDF (it decodes and starts with `%PDF`): prefix it
    with `data:application/pdf;base64,`.  Otherwise none automatic: a URL must be downloaded (or
    the file uploaded and sent as `file_id`), another type converted or sent as text.
    """
    for i, _role, j, part in _parts(ctx):
        if not isinstance(part, dict) or part.get("type") != "file" or not isinstance(part.get("file"), dict):
            continue
        data = part["file"].get("file_data")
        if not isinstance(data, str):
            continue
        path: Path = ("messages", i, "content", j, "file", "file_data")
        loc = _loc(*path)
        m = _DATA_URL.match(data)
        if m and m["mime"] == "application/pdf" and _b64(m["data"]) is not None:
            continue
        fix = None
        if m and m["mime"] != "application/pdf":
            why, text = f"a data URL of type {m['mime']}, not application/pdf", file_data_text(loc, m["mime"])
        elif m:
            why, text = "a PDF data URL whose base64 does not decode", file_data_text(loc)
        else:
            raw = _b64(data.strip())
            why = "a URL, not a data URL" if re.match(r"^https?://", data) else "bare base64, not a data URL" \
                if raw is not None else "neither a data URL nor base64"
            text = file_data_text(loc)
            if raw is not None and raw.startswith(b"%PDF"):
                fix = ops.safe("prefix file_data with data:application/pdf;base64,",
                               ops.replace(path, "data:application/pdf;base64," + data.strip()))
        yield Violation(path, f"file_data is {why}", api_error=text, fix=fix)
