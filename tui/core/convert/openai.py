"""OpenAI Chat Completions / Responses ⇄ Anthropic Messages request conversion (pure functions).

Why it exists: an OpenAI payload can only be replayed against Claude, or checked by the Anthropic
rule catalog, once it says the same thing in Anthropic's vocabulary.  The mapping:

* ``system`` / ``developer`` messages (and Responses ``instructions``) → top-level ``system``;
* assistant ``tool_calls`` (Responses ``function_call`` items) → ``tool_use`` blocks whose
  ``input`` is the parsed ``arguments`` string; ids are kept, so the results still pair;
* ``role: "tool"`` messages (``function_call_output`` items) → ``tool_result`` blocks in one user
  message, consecutive ones merged;
* ``image_url`` data URIs → base64 ``image`` blocks with the media type read from the bytes;
  ``http(s)`` URLs → URL image sources; PDF ``file`` parts → ``document`` blocks;
* ``tools[].function.parameters`` → ``input_schema``; ``tool_choice`` and
  ``parallel_tool_calls`` → ``tool_choice`` (with ``disable_parallel_tool_use``);
* ``max_completion_tokens`` / ``max_tokens`` / ``max_output_tokens`` → ``max_tokens``;
  ``stop`` → ``stop_sequences``; ``user`` → ``metadata.user_id``.

Whatever does not map (``n``, ``logprobs``, ``response_format``, reasoning items, hosted tools …)
is dropped and named in :attr:`Converted.notes` — never silently.  Inputs are never mutated.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from tui.core import apishapes
from tui.core.redact import redact_and_shorten
from tui.core.media_types import image_block_from_url, parse_data_uri

DEFAULT_MAX_TOKENS = 4096
"""Used when the OpenAI request sets no output limit: the Messages API requires ``max_tokens``."""


@dataclass(slots=True)
class Converted:
    """A converted request body and one sentence per thing that did not carry over."""

    body: dict[str, Any]
    notes: list[str] = field(default_factory=list)


class Notes:
    """Collects notes once each, in order (the same loss in 40 messages is one note)."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, text: str) -> None:
        if text not in self.items:
            self.items.append(text)


_WHY_DROPPED: dict[str, str] = {
    "n": "Anthropic returns one completion",
    "logprobs": "Anthropic returns no log probabilities",
    "top_logprobs": "Anthropic returns no log probabilities",
    "logit_bias": "Anthropic has no token biasing",
    "frequency_penalty": "Anthropic has no frequency penalty",
    "presence_penalty": "Anthropic has no presence penalty",
    "seed": "Anthropic has no sampling seed",
    "response_format": "use Anthropic structured outputs or a tool to constrain the format",
    "stream_options": "Anthropic streams always report usage",
    "modalities": "Anthropic answers in text",
    "audio": "Anthropic has no audio output",
    "prediction": "Anthropic has no predicted outputs",
    "reasoning_effort": "Anthropic configures reasoning with `thinking`",
    "reasoning": "Anthropic configures reasoning with `thinking`",
    "store": "OpenAI-only storage flag",
    "metadata": "OpenAI metadata is for stored completions; Anthropic's `metadata` only takes `user_id`",
    "web_search_options": "add Anthropic's web search server tool instead",
    "verbosity": "OpenAI-only",
    "safety_identifier": "OpenAI-only",
    "prompt_cache_key": "Anthropic caches with `cache_control` breakpoints",
    "prompt_cache_retention": "Anthropic caches with `cache_control` breakpoints",
    "service_tier": "the tiers differ between the APIs",
    "previous_response_id": "the history stored by OpenAI is not in the log: the converted request "
                            "holds only this request's input",
    "include": "OpenAI-only",
    "text": "OpenAI's text format options have no Anthropic equivalent",
    "truncation": "OpenAI-only",
    "background": "OpenAI-only",
    "conversation": "the history stored by OpenAI is not in the log",
    "prompt": "OpenAI stored prompts are not in the log",
    "max_tool_calls": "OpenAI-only",
    "top_k": "OpenAI has no top_k",
    "thinking": "Chat Completions configures reasoning with `reasoning_effort`",
    "container": "Anthropic-only",
    "mcp_servers": "Anthropic-only",
    "context_management": "Anthropic-only",
    "output_config": "Anthropic-only",
    "anthropic_version": "Anthropic platform body field",
    "anthropic_beta": "Anthropic platform body field",
}


def _drop_note(notes: Notes, key: str, value: Any) -> None:
    why = _WHY_DROPPED.get(key, "no equivalent in the target API")
    shown = redact_and_shorten(json.dumps(value, ensure_ascii=False, default=str), 40)
    notes.add(f"dropped `{key}` ({shown}): {why}")


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


# -- content: OpenAI → Anthropic -------------------------------------------------------------------

def _document_from_data_uri(uri: Any, title: Any = None) -> dict[str, Any] | None:
    parsed = parse_data_uri(uri) if isinstance(uri, str) else None
    if parsed is None or parsed[0] != "application/pdf":
        return None
    block: dict[str, Any] = {"type": "document",
                             "source": {"type": "base64", "media_type": "application/pdf", "data": parsed[1]}}
    if isinstance(title, str) and title:
        block["title"] = title
    return block


def _with_cache_control(block: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    if "cache_control" in part:  # LiteLLM passes Anthropic breakpoints through OpenAI parts
        block["cache_control"] = part["cache_control"]
    return block


def _part_to_block(part: Any, notes: Notes, where: str) -> dict[str, Any] | None:
    """One OpenAI content part (Chat or Responses flavour) → an Anthropic block, or None (noted)."""
    if isinstance(part, str):
        return {"type": "text", "text": part} if part else None
    if not isinstance(part, dict):
        notes.add(f"dropped a content part of {where} that is not an object")
        return None
    kind = part.get("type")
    if kind in ("text", "input_text", "output_text"):
        text = part.get("text")
        if not isinstance(text, str) or not text:
            return None
        block: dict[str, Any] = {"type": "text", "text": text}
        if kind == "output_text" and part.get("annotations"):
            notes.add("dropped the annotations (citations) of output_text parts")
        return _with_cache_control(block, part)
    if kind == "refusal":
        text = part.get("refusal")
        notes.add("kept assistant refusals as text")
        return {"type": "text", "text": text} if isinstance(text, str) and text else None
    if kind in ("image_url", "input_image"):
        url = part.get("image_url")
        image = image_block_from_url(url)
        if image is None:
            if part.get("file_id"):
                notes.add(f"dropped an image of {where} given as an OpenAI file_id (upload it to Anthropic instead)")
            else:
                notes.add(f"dropped an image of {where} that is not a JPEG/PNG/GIF/WebP data URI or an http(s) URL")
            return None
        detail = url.get("detail") if isinstance(url, dict) else part.get("detail")
        if detail not in (None, "auto"):
            notes.add("dropped the image `detail` hint (Anthropic has none)")
        return _with_cache_control(image, part)
    if kind in ("file", "input_file"):
        spec = part.get("file") if kind == "file" and isinstance(part.get("file"), dict) else part
        doc = _document_from_data_uri(spec.get("file_data"), spec.get("filename"))
        if doc is None:
            notes.add(f"dropped a file part of {where} (only inline PDF data converts to a document block)")
            return None
        return _with_cache_control(doc, part)
    if kind in ("input_audio",):
        notes.add(f"dropped an audio part of {where} (the Messages API takes no audio)")
        return None
    notes.add(f"dropped a `{kind}` content part of {where}")
    return None


def _content_to_blocks(content: Any, notes: Notes, where: str) -> list[dict[str, Any]]:
    if content is None:
        return []
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    if isinstance(content, list):
        return [b for b in (_part_to_block(p, notes, where) for p in content) if b is not None]
    notes.add(f"dropped the content of {where}: it is neither a string nor a list of parts")
    return []


def _user_content(content: Any, notes: Notes, where: str) -> str | list[dict[str, Any]]:
    """A string stays a string (nothing to convert); a part list becomes a block list."""
    if isinstance(content, str):
        return content
    return _content_to_blocks(content, notes, where)


def parse_arguments(args: Any, notes: Notes | None = None, call_id: str = "?") -> dict[str, Any]:
    """OpenAI ``arguments`` (a JSON string) → ``tool_use.input`` (an object).

    ``""``/null mean no arguments.  Anything that is not a JSON object (truncated output) is kept
    under ``"value"`` so nothing is lost, and noted.
    """
    if isinstance(args, dict):
        return copy.deepcopy(args)
    if args is None or (isinstance(args, str) and not args.strip()):
        return {}
    parsed: Any = args
    if isinstance(args, str):
        try:
            parsed = json.loads(args)
        except ValueError:
            parsed = args
    if isinstance(parsed, dict):
        return parsed
    if notes is not None:
        notes.add(f"the arguments of call {call_id} are not a JSON object; kept under \"value\"")
    return {"value": parsed}


def _system_blocks(content: Any, notes: Notes, where: str) -> list[dict[str, Any]]:
    blocks = _content_to_blocks(content, notes, where)
    texts = [b for b in blocks if b.get("type") == "text"]
    if len(texts) != len(blocks):
        notes.add("dropped non-text parts of system messages (Anthropic's system prompt is text only)")
    return texts


def _system_value(blocks: list[dict[str, Any]]) -> str | list[dict[str, Any]]:
    """One plain text block → a string; several (or with cache_control) → a block list."""
    if len(blocks) == 1 and set(blocks[0]) == {"type", "text"}:
        return blocks[0]["text"]
    return blocks


def _tool_result(call_id: Any, content: Any, notes: Notes, where: str) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "tool_result", "tool_use_id": call_id if isinstance(call_id, str) else ""}
    if isinstance(content, str):
        if content:
            block["content"] = content
    elif isinstance(content, list):
        inner = _content_to_blocks(content, notes, where)
        inner = [b for b in inner if b.get("type") in ("text", "image", "document", "search_result")]
        if inner:
            block["content"] = inner
    elif content is not None:
        block["content"] = json.dumps(content, ensure_ascii=False)
    return block


def _convert_tool(tool: Any, notes: Notes, index: int) -> dict[str, Any] | None:
    """A Chat (`{type, function: {…}}`) or Responses (flat) function tool → an Anthropic tool."""
    if not isinstance(tool, dict):
        notes.add(f"dropped tools[{index}]: not an object")
        return None
    spec = tool.get("function") if isinstance(tool.get("function"), dict) else tool
    kind = tool.get("type", "function")
    if kind != "function" or not isinstance(spec.get("name"), str):
        notes.add(f"dropped the `{kind}` tool (hosted or custom OpenAI tools have no Anthropic "
                  f"equivalent here)")
        return None
    out: dict[str, Any] = {"name": spec["name"]}
    if isinstance(spec.get("description"), str) and spec["description"]:
        out["description"] = spec["description"]
    params = spec.get("parameters")
    out["input_schema"] = copy.deepcopy(params) if isinstance(params, dict) and params else \
        {"type": "object", "properties": {}}
    if "strict" in spec:
        notes.add("dropped the tools' `strict` flag")
    if "cache_control" in tool:
        out["cache_control"] = tool["cache_control"]
    return out


def _convert_tool_choice(choice: Any, notes: Notes) -> dict[str, Any] | None:
    if choice == "auto":
        return {"type": "auto"}
    if choice == "required":
        return {"type": "any"}
    if choice == "none":
        return {"type": "none"}
    if isinstance(choice, dict):
        fn = choice.get("function") if isinstance(choice.get("function"), dict) else choice
        if choice.get("type") == "function" and isinstance(fn.get("name"), str):
            return {"type": "tool", "name": fn["name"]}
    _drop_note(notes, "tool_choice", choice)
    return None


def _common_params(src: dict[str, Any], body: dict[str, Any], notes: Notes, handled: set[str],
                   max_keys: tuple[str, ...]) -> None:
    """The parameters Chat and Responses share: limits, sampling, stop, stream, user, tools."""
    limits = [(k, src[k]) for k in max_keys if _int(src.get(k)) is not None and src[k] > 0]
    if limits:
        body["max_tokens"] = limits[0][1]
        if len({v for _, v in limits}) > 1:
            notes.add(f"both {' and '.join(k for k, _ in limits)} were set; used {limits[0][0]}")
    else:
        body["max_tokens"] = DEFAULT_MAX_TOKENS
        notes.add(f"the request set no output limit; max_tokens set to {DEFAULT_MAX_TOKENS} (required by "
                  f"the Messages API)")
    handled.update(max_keys)
    # The converted body is sent by the SDK, whose anthropic-version (2026-10-21 and later)
    # accepts no sampling parameter at all, even at its default.
    version = apishapes.sdk_api_version()
    for key in ("temperature", "top_p"):
        if src.get(key) is not None:
            shown = redact_and_shorten(json.dumps(src[key], ensure_ascii=False, default=str), 40)
            notes.add(f"dropped `{key}` ({shown}): anthropic-version {version}, which the SDK sends, "
                      f"accepts no sampling parameter")
    stop = src.get("stop")
    if isinstance(stop, str) and stop:
        body["stop_sequences"] = [stop]
    elif isinstance(stop, list) and stop:
        body["stop_sequences"] = [s for s in stop if isinstance(s, str)]
    if isinstance(src.get("stream"), bool):
        body["stream"] = src["stream"]
    if isinstance(src.get("user"), str) and src["user"]:
        body["metadata"] = {"user_id": src["user"]}
    handled.update({"temperature", "top_p", "stop", "stream", "user", "model"})

    raw_tools = src.get("tools")
    legacy = src.get("functions")
    tools: list[dict[str, Any]] = []
    for i, t in enumerate(raw_tools if isinstance(raw_tools, list) else []):
        converted = _convert_tool(t, notes, i)
        if converted is not None:
            tools.append(converted)
    for i, f in enumerate(legacy if isinstance(legacy, list) else []):
        converted = _convert_tool({"type": "function", "function": f}, notes, i)
        if converted is not None:
            tools.append(converted)
    if tools:
        body["tools"] = tools
    handled.update({"tools", "functions"})
    choice_src = src.get("tool_choice", src.get("function_call"))
    if isinstance(choice_src, dict) and "name" in choice_src and "type" not in choice_src:
        choice_src = {"type": "function", "name": choice_src["name"]}  # legacy function_call
    choice = _convert_tool_choice(choice_src, notes) if choice_src is not None else None
    if src.get("parallel_tool_calls") is False and tools:
        choice = choice or {"type": "auto"}
        if choice["type"] != "none":
            choice["disable_parallel_tool_use"] = True
    if choice is not None:
        if tools:
            body["tool_choice"] = choice
        else:
            notes.add("dropped `tool_choice`: the request declares no tools")
    handled.update({"tool_choice", "function_call", "parallel_tool_calls"})


def _drop_rest(src: dict[str, Any], handled: set[str], notes: Notes) -> None:
    for key, value in src.items():
        if key not in handled:
            _drop_note(notes, key, value)


class _Builder:
    """Anthropic messages under construction: appends blocks, merging where the API would."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def add(self, role: str, content: str | list[dict[str, Any]]) -> None:
        self.messages.append({"role": role, "content": content})

    def _blocks_of_last(self, role: str, only: str | None = None) -> list[dict[str, Any]] | None:
        if not self.messages or self.messages[-1]["role"] != role:
            return None
        content = self.messages[-1]["content"]
        if isinstance(content, str):
            if only is not None:
                return None
            content = self.messages[-1]["content"] = [{"type": "text", "text": content}] if content else []
        if only is not None and any(b.get("type") != only for b in content):
            return None
        return content

    def add_user(self, content: str | list[dict[str, Any]]) -> None:
        """A user message; right after tool results it joins their message (the API merges
        consecutive user turns anyway, and the results must lead that turn)."""
        results = self._blocks_of_last("user", only="tool_result")
        if results is None:
            self.add("user", content)
        elif isinstance(content, str):
            if content:
                results.append({"type": "text", "text": content})
        else:
            results.extend(content)

    def add_tool_use(self, block: dict[str, Any], *, new_message: bool) -> None:
        blocks = None if new_message else self._blocks_of_last("assistant")
        if blocks is None:
            self.add("assistant", [block])
        else:
            blocks.append(block)

    def add_tool_result(self, block: dict[str, Any]) -> None:
        blocks = self._blocks_of_last("user", only="tool_result")
        if blocks is None:
            self.add("user", [block])
        else:
            blocks.append(block)


# -- Chat Completions → Anthropic ------------------------------------------------------------------

def openai_chat_to_anthropic(request: dict[str, Any]) -> Converted:
    """A Chat Completions request body → an Anthropic Messages request body (and notes)."""
    src = request if isinstance(request, dict) else {}
    notes = Notes()
    body: dict[str, Any] = {}
    if "model" in src:
        body["model"] = src["model"]
    handled: set[str] = {"messages"}
    _common_params(src, body, notes, handled, ("max_completion_tokens", "max_tokens"))

    system: list[dict[str, Any]] = []
    out = _Builder()
    legacy_call: str | None = None
    msgs = src.get("messages")
    for i, m in enumerate(msgs if isinstance(msgs, list) else []):
        where = f"messages[{i}]"
        if not isinstance(m, dict):
            notes.add(f"dropped {where}: not a message object")
            continue
        role = m.get("role")
        if "name" in m and role != "function":
            notes.add("dropped the `name` field of messages (Anthropic messages have no participant names)")
        if role in ("system", "developer"):
            if out.messages:
                notes.add(f"moved the {role} message {where} to the top-level system prompt (Anthropic "
                          f"has no system messages inside the conversation)")
            system.extend(_system_blocks(m.get("content"), notes, where))
        elif role == "user":
            out.add_user(_user_content(m.get("content"), notes, where))
        elif role == "assistant":
            legacy_call = _assistant(m, out, notes, where, i) or legacy_call
        elif role == "tool":
            out.add_tool_result(_tool_result(m.get("tool_call_id"), m.get("content"), notes, where))
        elif role == "function":
            # Legacy function results carry no id: they answer the last legacy function_call.
            out.add_tool_result(_tool_result(legacy_call or f"function_call_{i}", m.get("content"), notes, where))
            notes.add("converted legacy `function` messages into tool_result blocks with generated ids")
        else:
            notes.add(f"dropped {where}: unknown role {role!r}")
    if system:
        body["system"] = _system_value(system)
    body["messages"] = out.messages
    _drop_rest(src, handled, notes)
    return Converted(_ordered(body), notes.items)


def _assistant(m: dict[str, Any], out: _Builder, notes: Notes, where: str, i: int) -> str | None:
    """Append an assistant message; return the id made up for a legacy ``function_call``, if any."""
    blocks: list[dict[str, Any]] = []
    thinking = m.get("thinking_blocks")
    if isinstance(thinking, list):  # LiteLLM keeps Claude's signed thinking blocks here
        blocks.extend(copy.deepcopy(b) for b in thinking
                      if isinstance(b, dict) and b.get("type") in ("thinking", "redacted_thinking"))
    elif m.get("reasoning_content"):
        notes.add("dropped `reasoning_content` (unsigned reasoning cannot be sent back as a thinking block)")
    content = m.get("content")
    tool_calls = m.get("tool_calls")
    if isinstance(content, str) and not blocks and not tool_calls and not m.get("function_call"):
        if content:
            out.add("assistant", content)
        else:
            notes.add(f"dropped the empty assistant message {where}")
        return None
    blocks.extend(b for b in _content_to_blocks(content, notes, where)
                  if not (b.get("type") == "text" and not b["text"].strip() and tool_calls))
    if isinstance(m.get("refusal"), str) and m["refusal"]:
        blocks.append({"type": "text", "text": m["refusal"]})
        notes.add("kept assistant refusals as text")
    if m.get("audio"):
        notes.add("dropped the audio of assistant messages")
    for k, call in enumerate(tool_calls if isinstance(tool_calls, list) else []):
        fn = call.get("function") if isinstance(call, dict) else None
        if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
            notes.add(f"dropped tool call {where}.tool_calls[{k}]: not a function call")
            continue
        cid = call.get("id") if isinstance(call.get("id"), str) and call.get("id") else f"call_{i}_{k}"
        blocks.append({"type": "tool_use", "id": cid, "name": fn["name"],
                       "input": parse_arguments(fn.get("arguments"), notes, cid)})
    made_up = None
    legacy = m.get("function_call")
    if isinstance(legacy, dict) and isinstance(legacy.get("name"), str):
        made_up = f"function_call_{i}"
        blocks.append({"type": "tool_use", "id": made_up, "name": legacy["name"],
                       "input": parse_arguments(legacy.get("arguments"), notes, made_up)})
    if blocks:
        out.add("assistant", blocks)
    else:
        notes.add(f"dropped the empty assistant message {where}")
    return made_up


def _ordered(body: dict[str, Any]) -> dict[str, Any]:
    """Keys in the order the Anthropic docs show them (easier to read in a diff)."""
    order = ("model", "max_tokens", "system", "messages", "tools", "tool_choice", "temperature", "top_p",
             "stop_sequences", "stream", "metadata")
    return {k: body[k] for k in order if k in body} | {k: v for k, v in body.items() if k not in order}


# -- Responses → Anthropic -------------------------------------------------------------------------

def openai_responses_to_anthropic(request: dict[str, Any]) -> Converted:
    """An OpenAI Responses request body → an Anthropic Messages request body (and notes).

    ``function_call`` items join the assistant message before them; ``function_call_output``
    items become ``tool_result`` blocks (consecutive ones in one user message); ``reasoning``
    items are dropped (their encrypted content only means something to OpenAI).
    """
    src = request if isinstance(request, dict) else {}
    notes = Notes()
    body: dict[str, Any] = {}
    if "model" in src:
        body["model"] = src["model"]
    handled: set[str] = {"input", "instructions"}
    _common_params(src, body, notes, handled, ("max_output_tokens",))
    system: list[dict[str, Any]] = []
    if isinstance(src.get("instructions"), str) and src["instructions"]:
        system.append({"type": "text", "text": src["instructions"]})
    out = _Builder()
    inp = src.get("input")
    if isinstance(inp, str):
        out.add("user", inp)
    last_kind: str | None = None
    for i, item in enumerate(inp if isinstance(inp, list) else []):
        where = f"input[{i}]"
        if not isinstance(item, dict):
            notes.add(f"dropped {where}: not an item object")
            continue
        kind = item.get("type") or ("message" if "role" in item else None)
        if kind == "message":
            role = item.get("role")
            if role in ("system", "developer"):
                if out.messages:
                    notes.add(f"moved the {role} message {where} to the top-level system prompt")
                system.extend(_system_blocks(item.get("content"), notes, where))
            elif role in ("user", "assistant"):
                content = _user_content(item.get("content"), notes, where)
                if not content:
                    notes.add(f"dropped the empty {role} message {where}")
                elif role == "user":
                    out.add_user(content)
                else:
                    out.add(role, content)
            else:
                notes.add(f"dropped {where}: unknown role {role!r}")
        elif kind in ("function_call", "custom_tool_call"):
            cid = item.get("call_id") or item.get("id") or f"call_{i}"
            args = item.get("arguments") if kind == "function_call" else {"input": item.get("input")}
            out.add_tool_use({"type": "tool_use", "id": cid, "name": item.get("name", "?"),
                              "input": parse_arguments(args, notes, cid)},
                             new_message=last_kind in ("function_call_output", "custom_tool_call_output"))
            if kind == "custom_tool_call":
                notes.add("converted custom tool calls into tool_use blocks with their text under \"input\"")
        elif kind in ("function_call_output", "custom_tool_call_output"):
            out.add_tool_result(_tool_result(item.get("call_id"), item.get("output"), notes, where))
        elif kind == "reasoning":
            notes.add("dropped reasoning items (OpenAI's encrypted reasoning cannot be sent to Claude)")
        else:
            notes.add(f"dropped `{kind}` items (no Anthropic equivalent)")
        last_kind = kind
    if system:
        body["system"] = _system_value(system)
    body["messages"] = out.messages
    _drop_rest(src, handled, notes)
    return Converted(_ordered(body), notes.items)


# -- Anthropic → Chat Completions ------------------------------------------------------------------

def _block_to_part(block: Any, notes: Notes, where: str) -> dict[str, Any] | None:
    if not isinstance(block, dict):
        return None
    kind = block.get("type")
    if kind == "text":
        return {"type": "text", "text": block.get("text", "")}
    if kind == "image":
        source = block.get("source") if isinstance(block.get("source"), dict) else {}
        if source.get("type") == "base64":
            return {"type": "image_url",
                    "image_url": {"url": f"data:{source.get('media_type')};base64,{source.get('data', '')}"}}
        if source.get("type") == "url":
            return {"type": "image_url", "image_url": {"url": source.get("url")}}
    if kind == "document":
        source = block.get("source") if isinstance(block.get("source"), dict) else {}
        if source.get("type") == "base64" and source.get("media_type") == "application/pdf":
            return {"type": "file", "file": {"filename": block.get("title") or "document.pdf",
                                             "file_data": f"data:application/pdf;base64,{source.get('data', '')}"}}
        if source.get("type") == "text":
            return {"type": "text", "text": source.get("data", "")}
    notes.add(f"dropped `{kind}` blocks of {where.split('[')[0]} (no Chat Completions equivalent)")
    return None


def _parts_value(parts: list[dict[str, Any]], was_string: bool) -> str | list[dict[str, Any]]:
    if was_string and len(parts) == 1 and parts[0].get("type") == "text":
        return parts[0]["text"]
    return parts


def _tool_message(block: dict[str, Any], notes: Notes) -> dict[str, Any]:
    content = block.get("content")
    if isinstance(content, list):
        parts = [{"type": "text", "text": b.get("text", "")} for b in content
                 if isinstance(b, dict) and b.get("type") == "text"]
        if len(parts) != len(content):
            notes.add("dropped non-text content of tool results (OpenAI tool messages take text only)")
        value: Any = parts
    else:
        value = content if isinstance(content, str) else ""
    if block.get("is_error"):
        notes.add("dropped `is_error` of tool results (OpenAI tool messages have no error flag)")
    return {"role": "tool", "tool_call_id": block.get("tool_use_id"), "content": value}


def anthropic_to_openai_chat(request: dict[str, Any]) -> Converted:
    """An Anthropic Messages request body → a Chat Completions request body (and notes).

    The inverse of :func:`openai_chat_to_anthropic` for everything that function produces, so a
    conversation survives the round trip; Anthropic-only content (thinking blocks, server tools,
    cache breakpoints) is dropped and noted.
    """
    src = request if isinstance(request, dict) else {}
    notes = Notes()
    body: dict[str, Any] = {}
    if "model" in src:
        body["model"] = src["model"]
    messages: list[dict[str, Any]] = []
    system = src.get("system")
    if isinstance(system, str) and system:
        messages.append({"role": "system", "content": system})
    elif isinstance(system, list):
        for b in system:
            if isinstance(b, dict) and b.get("type") == "text":
                messages.append({"role": "system", "content": b.get("text", "")})
                if "cache_control" in b:
                    notes.add("dropped `cache_control` breakpoints (OpenAI caches automatically)")
    msgs = src.get("messages")
    for i, m in enumerate(msgs if isinstance(msgs, list) else []):
        where = f"messages[{i}]"
        if not isinstance(m, dict):
            notes.add(f"dropped {where}: not a message object")
            continue
        role, content = m.get("role"), m.get("content")
        if role not in ("user", "assistant"):
            notes.add(f"dropped {where}: role {role!r} is not an Anthropic role")
            continue
        if isinstance(content, str):
            messages.append({"role": role, "content": content})
            continue
        blocks = [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []
        if any("cache_control" in b for b in blocks):
            notes.add("dropped `cache_control` breakpoints (OpenAI caches automatically)")
        if role == "user":
            results = [_tool_message(b, notes) for b in blocks if b.get("type") == "tool_result"]
            messages.extend(results)
            rest = [b for b in blocks if b.get("type") != "tool_result"]
            parts = [p for p in (_block_to_part(b, notes, where) for b in rest) if p is not None]
            if results and len(parts) == 1 and parts[0]["type"] == "text":
                messages.append({"role": "user", "content": parts[0]["text"]})  # a follow-up after results
            elif parts:
                messages.append({"role": "user", "content": parts})
            continue
        texts = [b.get("text", "") for b in blocks if b.get("type") == "text"]
        calls = [{"id": b.get("id"), "type": "function",
                  "function": {"name": b.get("name"), "arguments": json.dumps(b.get("input", {}), ensure_ascii=False)}}
                 for b in blocks if b.get("type") == "tool_use"]
        for b in blocks:
            if b.get("type") in ("thinking", "redacted_thinking"):
                notes.add("dropped thinking blocks (Chat Completions cannot take them back)")
            elif b.get("type") not in ("text", "tool_use"):
                notes.add(f"dropped `{b.get('type')}` blocks of assistant messages (no Chat Completions equivalent)")
        out: dict[str, Any] = {"role": "assistant", "content": "".join(texts) if texts else None}
        if calls:
            out["tool_calls"] = calls
        if out["content"] is None and not calls:
            notes.add(f"dropped {where}: nothing in it carries over")
            continue
        messages.append(out)
    body["messages"] = messages
    if _int(src.get("max_tokens")) is not None:
        body["max_completion_tokens"] = src["max_tokens"]
    for key in ("temperature", "top_p", "stream"):
        if key in src:
            body[key] = src[key]
    if isinstance(src.get("stop_sequences"), list) and src["stop_sequences"]:
        body["stop"] = src["stop_sequences"]
    meta = src.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("user_id"), str):
        body["user"] = meta["user_id"]
    tools = []
    for t in src.get("tools") if isinstance(src.get("tools"), list) else []:
        if not isinstance(t, dict):
            continue
        if "input_schema" not in t or t.get("type") not in (None, "custom"):
            notes.add(f"dropped the server tool {t.get('name', t.get('type'))!r} (OpenAI cannot run Anthropic server tools)")
            continue
        fn: dict[str, Any] = {"name": t.get("name")}
        if t.get("description"):
            fn["description"] = t["description"]
        fn["parameters"] = t["input_schema"]
        tools.append({"type": "function", "function": fn})
    if tools:
        body["tools"] = tools
    choice = src.get("tool_choice")
    if isinstance(choice, dict):
        mapped = {"auto": "auto", "any": "required", "none": "none"}.get(choice.get("type"))
        if choice.get("type") == "tool":
            body["tool_choice"] = {"type": "function", "function": {"name": choice.get("name")}}
        elif mapped:
            body["tool_choice"] = mapped
        if choice.get("disable_parallel_tool_use"):
            body["parallel_tool_calls"] = False
    handled = {"model", "system", "messages", "max_tokens", "temperature", "top_p", "stream",
               "stop_sequences", "metadata", "tools", "tool_choice"}
    if isinstance(meta, dict) and set(meta) - {"user_id"}:
        notes.add("dropped metadata other than user_id")
    _drop_rest(src, handled, notes)
    return Converted(body, notes.items)


def to_anthropic(request: dict[str, Any], dialect: str) -> Converted:
    """Dispatch on ``Exchange.dialect``: an Anthropic body comes back unchanged (deep-copied)."""
    if dialect == "openai-chat":
        return openai_chat_to_anthropic(request)
    if dialect == "openai-responses":
        return openai_responses_to_anthropic(request)
    return Converted(copy.deepcopy(request) if isinstance(request, dict) else {}, [])
