"""O: OpenAI-format leftovers (API_RULES.md §4, OAI-01 … OAI-04).

Requests built for OpenAI Chat Completions (or converted by a gateway such as LiteLLM) and sent to
the Messages API: `tool_calls` on assistant messages, `role: "tool"` results, `image_url` blocks,
`name` on messages, OpenAI-only top-level parameters.  Every schema in the Messages API is closed,
so each leftover is a 400 (``… Extra inputs are not permitted``).

Most of these convert losslessly, which is why the fixes here are mostly *safe*: the conversion
says the same thing in Anthropic's vocabulary.  The conversions are written so that each rule's
output passes the other families (ids are kept, so O001's `tool_use` blocks and O002's
`tool_result` blocks pair up; a data URI's media type is read from the bytes, so M002 stays quiet).

Two rules go beyond API_RULES.md's table because nothing else reports them: O006 (any other
unknown key on a message: `refusal`, `function_call`, `reasoning_content`, a stored `id` …) and
O007 (OpenAI-shaped tool definitions in `tools`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tui.core import apishapes
from tui.core.findings import Applicability, Fix, Severity, Violation
from tui.core.media_types import image_block_from_url
from tui.core.paths import Path
from tui.core.repair import ops
from tui.core.rules.context import CheckContext
from tui.core.rules.registry import rule
from tui.core.rules.roles import content_blocks, raw_messages, role_of

EXPECTED_BLOCK_TAGS = ("'document', 'image', 'redacted_thinking', 'search_result', 'server_tool_use', "
                       "'text', 'thinking', 'tool_result', 'tool_use', 'web_search_tool_result'")


def extra_inputs(path: str) -> str:
    """The API's text for a key its closed schemas do not know."""
    return f"{path}: Extra inputs are not permitted"


def _parse_arguments(args: Any) -> tuple[dict[str, Any], bool]:
    """OpenAI `function.arguments` → (`tool_use.input`, lossless?).

    A JSON string holding an object is parsed; `""`/null mean "no arguments" (`{}`); anything
    else (truncated JSON, a list) is kept under `"value"`, which invents a key: not lossless.
    """
    if isinstance(args, dict):
        return args, True
    if args is None or (isinstance(args, str) and not args.strip()):
        return {}, True
    if isinstance(args, str):
        try:
            parsed = json.loads(args)
        except ValueError:
            return {"value": args}, False
        if isinstance(parsed, dict):
            return parsed, True
        return {"value": parsed}, False
    return {"value": args}, False


# -- O001 ----------------------------------------------------------------------------------

def _tool_calls_fix(i: int, msg: dict[str, Any]) -> Fix | None:
    calls = msg.get("tool_calls")
    path: Path = ("messages", i, "tool_calls")
    if calls is None or calls == []:
        return ops.safe("drop the empty tool_calls", ops.remove(path))
    if msg.get("role") != "assistant" or not isinstance(calls, list):
        return None
    content = msg.get("content")
    # OpenAI sends "" or null (or stray whitespace) next to tool calls: nothing worth a text block
    blocks = [] if content is None or isinstance(content, str) and not content.strip() \
        else content_blocks(content)
    if blocks is None:
        return None
    lossless = True
    for k, call in enumerate(calls):
        fn = call.get("function") if isinstance(call, dict) else None
        if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
            return None
        tid = call.get("id")
        if not isinstance(tid, str) or not tid:
            tid, lossless = f"call_{i}_{k}", False  # made up: nothing can answer it yet
        inp, exact = _parse_arguments(fn.get("arguments"))
        lossless &= exact
        blocks.append({"type": "tool_use", "id": tid, "name": fn["name"], "input": inp})
    content_op = (ops.replace if "content" in msg else ops.add)(("messages", i, "content"), blocks)
    title = f"convert {len(calls)} tool_calls into tool_use blocks"
    return (ops.safe if lossless else ops.unsafe)(title, content_op, ops.remove(path))


@rule("O001", "openai-tool-calls", Severity.ERROR, references=("OAI-01",), fix=Applicability.UNSAFE)
def openai_tool_calls(ctx: CheckContext) -> Iterator[Violation]:
    """A message carries OpenAI `tool_calls` instead of `tool_use` blocks.

    ## What it does
    Reports every message with a `tool_calls` key (even `null` or `[]`: the key itself is what
    the API rejects).

    ## Why is this bad?
    OpenAI-style history sent to the Messages API, often by a gateway or an agent framework that
    switched providers: ``messages.0.tool_calls: Extra inputs are not permitted``.  The calls
    are invisible to the model and their results (O002) pair with nothing.

    ## Example
    ```json
    {"role": "assistant", "content": null, "tool_calls": [{"id": "call_8Hq2", "type": "function",
      "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]}
    ```

    ## Fix
    *Safe*: each call becomes `{"type": "tool_use", "id", "name", "input"}` with `input` parsed
    from the `arguments` JSON string (`""` → `{}`); any text content is kept first (a `null`,
    empty or whitespace-only string content is dropped), then `tool_calls` is removed.  The ids
    are kept, so converted `role: "tool"` results (O002) still pair.  *Unsafe* when an `arguments` string is not a JSON object (truncated output): it is
    kept as `{"value": …}`; or when a call has no id and one must be made up.  An empty
    `tool_calls` is simply removed (safe).
    """
    for i, m in ctx.messages():
        if "tool_calls" not in m:
            continue
        calls = m["tool_calls"]
        n = len(calls) if isinstance(calls, list) else 0
        yield Violation(
            ("messages", i, "tool_calls"),
            f"OpenAI tool_calls on messages.{i} ({n} call{'s' if n != 1 else ''}); the Messages API "
            f"expects tool_use blocks in the content",
            api_error=extra_inputs(f"messages.{i}.tool_calls"),
            fix=_tool_calls_fix(i, m),
        )


# -- O002 ----------------------------------------------------------------------------------

def _tool_runs(ctx: CheckContext) -> Iterator[list[int]]:
    """Runs of adjacent `role: "tool"` messages (OpenAI sends one per call)."""
    run: list[int] = []
    for i, m in enumerate(raw_messages(ctx)):
        if role_of(m) == "tool":
            if run and run[-1] != i - 1:
                yield run
                run = []
            run.append(i)
        elif run:
            yield run
            run = []
    if run:
        yield run


def _tool_message_block(msg: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """One OpenAI tool message → (a `tool_result` block, lossless?)."""
    tid = msg.get("tool_call_id")
    content = msg.get("content")
    if isinstance(tid, str) and tid:
        block: dict[str, Any] = {"type": "tool_result", "tool_use_id": tid}
        if isinstance(content, list) and content or isinstance(content, str) and content:
            block["content"] = content
        return block, content is None or isinstance(content, (str, list))
    body = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    return {"type": "text", "text": f"[tool result]\n{body}".rstrip()}, False


@rule("O002", "openai-tool-message", Severity.ERROR, references=("OAI-01", "ROLE-04"),
      fix=Applicability.UNSAFE)
def openai_tool_message(ctx: CheckContext) -> Iterator[Violation]:
    """A `role: "tool"` message (an OpenAI tool result) instead of a `tool_result` block.

    ## What it does
    Reports every message whose role is `tool`.  (R004 leaves this role to this rule, so it is
    reported once.)

    ## Why is this bad?
    The Messages API has no `tool` role: ``messages.2.role: Input should be 'user' or
    'assistant'``.  Tool output belongs in a `tool_result` block at the start of the next user
    message, matched by `tool_use_id`.

    ## Example
    ```json
    {"role": "tool", "tool_call_id": "call_8Hq2", "content": "18°C, light rain"}
    ```

    ## Fix
    *Safe*: each run of adjacent tool messages becomes one user message holding a `tool_result`
    per message, in order (`tool_call_id` → `tool_use_id`, the content kept as it is; an empty
    content is omitted, which the API allows).  OpenAI's optional `name` is dropped: the id
    already names the call.  *Unsafe* when a message has no `tool_call_id`: its content is kept
    as a user text block, since it cannot be paired.
    """
    msgs = raw_messages(ctx)
    for run in _tool_runs(ctx):
        blocks: list[dict[str, Any]] = []
        lossless = True
        for j in run:
            block, exact = _tool_message_block(msgs[j])
            blocks.append(block)
            lossless &= exact
        title = (f"convert the tool message{'s' if len(run) > 1 else ''} into tool_result blocks "
                 f"in one user message")
        fix = (ops.safe if lossless else ops.unsafe)(
            title, ops.replace(("messages", run[0]), {"role": "user", "content": blocks}),
            *ops.remove_many([("messages", j) for j in run[1:]]))
        for j in run:
            tid = msgs[j].get("tool_call_id")
            yield Violation(
                ("messages", j),
                "OpenAI tool message" + (f" for {tid}" if isinstance(tid, str) else " without tool_call_id")
                + "; the Messages API expects a tool_result block in a user message",
                api_error=f"messages.{j}.role: Input should be 'user' or 'assistant'",
                related=tuple(("messages", k) for k in run if k != j),
                fix=fix,
            )


# -- O003 ----------------------------------------------------------------------------------

def _image_url_fix(block: dict[str, Any], path: Path) -> Fix | None:
    new = image_block_from_url(block.get("image_url"))
    if new is None:
        return None
    if new["source"]["type"] == "base64":
        title = f"convert the data URI into a base64 image block ({new['source']['media_type']})"
    else:
        title = "convert the image_url into an image block with a URL source"
    if "cache_control" in block:
        new["cache_control"] = block["cache_control"]
    return ops.safe(title, ops.replace(path, new))


@rule("O003", "image-url-block", Severity.ERROR, references=("OAI-02",), fix=Applicability.SAFE)
def image_url_block(ctx: CheckContext) -> Iterator[Violation]:
    """An OpenAI `image_url` content block instead of an `image` block.

    ## What it does
    Finds `{"type": "image_url", …}` blocks in message content and inside `tool_result`
    content.  (B004, unknown block types, leaves this type to this rule.)

    ## Why is this bad?
    ``messages.0.content.2: Input tag 'image_url' found using 'type' does not match any of the
    expected tags: 'document', 'image', 'redacted_thinking', 'search_result', 'server_tool_use',
    'text', 'thinking', 'tool_result', 'tool_use', 'web_search_tool_result'``.  (The list of
    tags grows with new block types; inside a `tool_result` the list differs and no exact text is
    known, so those findings carry none.)  Gateways that half-convert it produce image source
    errors instead (M001, M002).

    ## Example
    ```json
    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo…", "detail": "high"}}
    ```

    ## Fix
    *Safe*: a `data:` URI becomes an `image` block with a base64 source whose `media_type` is read
    from the image's magic bytes (the declared one is often wrong); an `http(s)` URL becomes an
    `image` block with `source: {"type": "url", "url": …}`.  OpenAI's `detail` hint has no
    Anthropic equivalent and is dropped.  No fix when the data is not valid base64 or is not a
    JPEG/PNG/GIF/WebP image (convert it first), or for other URL schemes.
    """
    for _, b in ctx.all_blocks():
        if b.index is None:
            continue
        if b.type == "image_url":
            yield Violation(
                b.path, "OpenAI image_url block; the Messages API expects an image block",
                api_error=f"{'.'.join(map(str, b.path))}: Input tag 'image_url' found using 'type' does "
                          f"not match any of the expected tags: {EXPECTED_BLOCK_TAGS}",
                fix=_image_url_fix(b.block, b.path),
            )
        elif b.type == "tool_result" and isinstance(b.block.get("content"), list):
            for k, inner in enumerate(b.block["content"]):
                if isinstance(inner, dict) and inner.get("type") == "image_url":
                    path = (*b.path, "content", k)
                    yield Violation(path, "OpenAI image_url block inside a tool_result; the Messages "
                                          "API expects an image block",
                                    fix=_image_url_fix(inner, path))


# -- O004 ----------------------------------------------------------------------------------

@rule("O004", "message-name-field", Severity.ERROR, references=("OAI-03",), fix=Applicability.SAFE)
def message_name_field(ctx: CheckContext) -> Iterator[Violation]:
    """A message has an OpenAI `name` field.

    ## What it does
    Reports the `name` key on any message (tool messages are left to O002, which drops it while
    converting them).

    ## Why is this bad?
    OpenAI lets a message name its participant; the Messages API's message schema is closed:
    ``messages.0.name: Extra inputs are not permitted`` (multi-agent frameworks such as AutoGen
    hit it).

    ## Example
    ```json
    {"role": "user", "name": "planner", "content": "Split the task in three."}
    ```

    ## Fix
    *Safe*: remove `name`.  The Messages API has nowhere to put it and never showed it to the
    model; if the names mattered (several speakers in one role), write them into the text.
    """
    for i, m in ctx.messages():
        if "name" not in m or m.get("role") == "tool":
            continue
        yield Violation(
            ("messages", i, "name"),
            f"messages.{i} has an OpenAI `name` field ({str(m['name'])[:40]!r})",
            api_error=extra_inputs(f"messages.{i}.name"),
            fix=ops.safe("remove the name field", ops.remove(("messages", i, "name"))),
        )


# -- O005 ----------------------------------------------------------------------------------

ANTHROPIC_TOP_LEVEL = frozenset({
    *apishapes.top_level_keys(),  # generated from the SDK's request types, beta included
    *apishapes.LEGACY_SAMPLING,   # older API versions take them (A004 judges by version)
    # Bedrock and Vertex bodies carry these instead of headers:
    "anthropic_version", "anthropic_beta",
})
"""Top-level keys a Messages API body may carry (beta ones need their `anthropic-beta` header)."""

FOREIGN_TOP_LEVEL: dict[str, str] = {
    # Keys the Messages API had and no longer has (not in the SDK's request types)
    "output_format": "the structured-outputs beta's name, replaced by `output_config.format`",
    # SDK keyword arguments sent as headers (resources/messages/messages.py)
    "user_profile_id": "an SDK option sent as the `anthropic-user-profile-id` header",
    "workspace_id": "an SDK option sent as the `anthropic-workspace-id` header",
    # OpenAI Chat Completions
    "response_format": "OpenAI structured output; Anthropic uses `output_config.format`",
    "frequency_penalty": "OpenAI-only sampling penalty", "presence_penalty": "OpenAI-only sampling penalty",
    "n": "OpenAI's number of choices; Anthropic returns one", "logit_bias": "OpenAI-only",
    "seed": "OpenAI-only; the Messages API has no seed",
    "user": "OpenAI's end-user id; Anthropic uses `metadata.user_id`",
    "stop": "OpenAI's name for `stop_sequences`", "functions": "OpenAI's legacy function definitions",
    "function_call": "OpenAI's legacy `tool_choice`", "logprobs": "OpenAI-only",
    "top_logprobs": "OpenAI-only",
    "max_completion_tokens": "OpenAI's name for `max_tokens`",
    "parallel_tool_calls": "OpenAI's switch; Anthropic uses `tool_choice.disable_parallel_tool_use`",
    "stream_options": "OpenAI-only; Anthropic streams always report usage", "modalities": "OpenAI-only",
    "audio": "OpenAI-only", "prediction": "OpenAI-only", "reasoning_effort": "OpenAI-only",
    "store": "OpenAI-only", "web_search_options": "OpenAI-only", "verbosity": "OpenAI-only",
    "safety_identifier": "OpenAI-only", "prompt_cache_key": "OpenAI-only",
    "prompt_cache_retention": "OpenAI-only",
    # OpenAI Responses API
    "instructions": "OpenAI Responses' system prompt; Anthropic uses `system`",
    "input": "OpenAI Responses' input items; Anthropic uses `messages`",
    "max_output_tokens": "OpenAI Responses' name for `max_tokens`", "previous_response_id": "OpenAI-only",
    "reasoning": "OpenAI-only", "text": "OpenAI-only", "truncation": "OpenAI-only", "include": "OpenAI-only",
    # the legacy Anthropic Text Completions API
    "max_tokens_to_sample": "the legacy Text Completions name for `max_tokens`",
    "prompt": "the legacy Text Completions prompt; the Messages API uses `messages`",
    # SDK request options that were serialised into the body
    "extra_body": "an SDK option whose keys belong at the top level of the body",
    "extra_headers": "an SDK option: these are HTTP headers, not body fields",
    "extra_query": "an SDK option: these are query parameters", "timeout": "an SDK option",
    "max_retries": "an SDK option", "betas": "an SDK option: send it as the `anthropic-beta` header",
}
"""Keys known to belong to another API or to an SDK, with what they are."""

_DEFAULTS: dict[str, Any] = {"n": 1, "frequency_penalty": 0, "presence_penalty": 0, "logprobs": False,
                             "top_logprobs": 0, "logit_bias": {}, "parallel_tool_calls": True,
                             "store": False}
"""Values that ask for nothing beyond Anthropic's behaviour: dropping them loses nothing."""



def _is_default(key: str, value: Any) -> bool:
    """``value`` is the documented default of ``key`` (``0.0`` counts as ``0``, ``True`` not as ``1``)."""
    if key not in _DEFAULTS:
        return False
    default = _DEFAULTS[key]
    if isinstance(default, bool) or isinstance(value, bool):
        return value is default
    return value == default and type(value) in (type(default), int, float)


_RENAMED_MAX = ("max_completion_tokens", "max_output_tokens", "max_tokens_to_sample")


def _param_fix(ctx: CheckContext, key: str, value: Any) -> Fix:
    req = ctx.request
    drop = ops.remove((key,))
    if value is None:
        return ops.safe(f"remove {key} (null)", drop)
    if _is_default(key, value):
        return ops.safe(f"remove {key} (its value asks for nothing the Messages API does not do)", drop)
    if key in ("timeout", "max_retries", "stream_options"):
        return ops.safe(f"remove {key} (it never affects the response body)", drop)
    if key == "stop":
        seqs = [value] if isinstance(value, str) else value
        current = req.get("stop_sequences")
        if isinstance(seqs, list) and all(isinstance(s, str) for s in seqs) and \
                (current is None or isinstance(current, list)):
            merged = list(current or [])
            merged += [s for s in seqs if s not in merged]
            return ops.safe("move stop into stop_sequences", ops.add(("stop_sequences",), merged), drop)
    if key in _RENAMED_MAX and isinstance(value, int) and not isinstance(value, bool):
        if "max_tokens" not in req:
            return ops.safe(f"rename {key} to max_tokens", ops.move((key,), ("max_tokens",)))
        if req.get("max_tokens") == value:
            return ops.safe(f"remove {key} (max_tokens already has the same value)", drop)
        return ops.unsafe(f"remove {key} and keep max_tokens={req.get('max_tokens')!r}", drop)
    if key == "user" and isinstance(value, str):
        meta = req.get("metadata")
        if meta is None:
            return ops.safe("move user into metadata.user_id",
                            ops.add(("metadata",), {"user_id": value}), drop)
        if isinstance(meta, dict) and "user_id" not in meta:
            return ops.safe("move user into metadata.user_id",
                            ops.add(("metadata", "user_id"), value), drop)
    if key == "output_format" and isinstance(value, dict):
        config = req.get("output_config")
        if config is None or (isinstance(config, dict) and "format" not in config):
            new = {**(config or {}), "format": value}
            return ops.safe("move output_format into output_config.format",
                            ops.add(("output_config",), new) if config is None
                            else ops.replace(("output_config",), new), drop)
    if key == "instructions" and isinstance(value, str) and req.get("system") in (None, ""):
        return ops.safe("move instructions into system", ops.add(("system",), value), drop)
    if key == "parallel_tool_calls" and value is False:
        return _parallel_fix(req, drop)
    if key == "function_call":
        choice = _function_call_choice(value)
        if choice is not None and "tool_choice" not in req:
            return ops.safe("convert function_call into tool_choice",
                            ops.add(("tool_choice",), choice), drop)
    if key == "functions":
        fix = _functions_fix(req, value, drop)
        if fix is not None:
            return fix
    if key == "extra_body" and isinstance(value, dict):
        add = [ops.add((k,), v) for k, v in value.items() if k not in req]
        conflicts = [k for k, v in value.items() if k in req and req[k] != v]
        title = f"merge extra_body's keys ({', '.join(map(str, value)) or 'none'}) into the body"
        if conflicts:
            return ops.unsafe(title + f", keeping the top-level {', '.join(conflicts)}", *add, drop)
        return ops.safe(title, *add, drop)
    what = ("send it as the `anthropic-beta` header instead" if key == "betas"
            else "it has no Messages API equivalent")
    return ops.unsafe(f"remove {key} ({what})", drop)


def _parallel_fix(req: dict[str, Any], drop: ops.Op) -> Fix:
    if not req.get("tools"):
        return ops.safe("remove parallel_tool_calls (the request declares no tools)", drop)
    tc = req.get("tool_choice")
    if tc is None:
        return ops.safe("convert parallel_tool_calls=false into tool_choice.disable_parallel_tool_use",
                        ops.add(("tool_choice",), {"type": "auto", "disable_parallel_tool_use": True}), drop)
    if isinstance(tc, dict) and tc.get("type") in ("auto", "any", "tool"):
        return ops.safe("convert parallel_tool_calls=false into tool_choice.disable_parallel_tool_use",
                        ops.add(("tool_choice", "disable_parallel_tool_use"), True), drop)
    return ops.unsafe("remove parallel_tool_calls", drop)


def _function_call_choice(value: Any) -> dict[str, Any] | None:
    if value == "auto":
        return {"type": "auto"}
    if value == "none":
        return {"type": "none"}
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return {"type": "tool", "name": value["name"]}
    return None


def openai_function_to_tool(fn: Any) -> dict[str, Any] | None:
    """An OpenAI function definition → an Anthropic tool, or None if it has no name."""
    if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
        return None
    tool: dict[str, Any] = {"name": fn["name"]}
    if isinstance(fn.get("description"), str):
        tool["description"] = fn["description"]
    params = fn.get("parameters")
    tool["input_schema"] = params if isinstance(params, dict) else {"type": "object", "properties": {}}
    if isinstance(fn.get("strict"), bool):
        tool["strict"] = fn["strict"]
    return tool


def _functions_fix(req: dict[str, Any], value: Any, drop: ops.Op) -> Fix | None:
    tools = req.get("tools")
    if not isinstance(value, list) or not (tools is None or isinstance(tools, list)):
        return None
    converted = [openai_function_to_tool(f) for f in value]
    if any(t is None for t in converted):
        return None
    names = {t.get("name") for t in tools or [] if isinstance(t, dict)}
    new = [t for t in converted if t and t["name"] not in names]
    build = ops.safe if len(new) == len(converted) else ops.unsafe
    return build("convert functions into tools", ops.add(("tools",), [*(tools or []), *new]), drop)


@rule("O005", "unknown-top-level-param", Severity.ERROR, references=("OAI-04",), fix=Applicability.UNSAFE)
def unknown_top_level_param(ctx: CheckContext) -> Iterator[Violation]:
    """A top-level key the Messages API does not accept.

    ## What it does
    Compares every top-level key with the request keys generated from the pinned SDK's types,
    beta included (`data/api_shapes.json`; a beta key without its header is B009's), plus the
    sampling parameters older API versions took and `anthropic_version` / `anthropic_beta`,
    which Bedrock and Vertex bodies carry.  Keys known to belong to OpenAI's APIs, the legacy Text
    Completions API, a retired beta (`output_format`) or an SDK's request options (`extra_body`,
    `timeout`, `betas`, `workspace_id` …) are named as such; any other key is unknown to every
    request type of the SDK.

    ## Why is this bad?
    The request schema is closed: ``response_format: Extra inputs are not permitted``,
    ``extra_body: Extra inputs are not permitted`` (an SDK option serialised into the body), and
    ``context_management: Extra inputs are not permitted`` for a beta field sent without its
    beta header.

    ## Example
    ```json
    {"model": "claude-sonnet-4-5", "max_tokens": 1024, "messages": [...],
     "max_completion_tokens": 2048, "stop": ["\\n\\nUser:"], "frequency_penalty": 0}
    ```

    ## Fix
    *Safe* where the key converts or carries nothing: `stop` → `stop_sequences`;
    `max_completion_tokens`/`max_output_tokens`/`max_tokens_to_sample` → `max_tokens` (or dropped
    when `max_tokens` already has that value); `user` → `metadata.user_id`; `instructions` →
    `system`; `output_format` → `output_config.format`; `function_call` → `tool_choice`;
    `functions` → `tools`; `parallel_tool_calls:
    false` → `tool_choice.disable_parallel_tool_use`; `extra_body` → its keys merged into the body
    (what the SDK would have done); a `null` or default value (`n: 1`, `frequency_penalty: 0` …),
    `stream_options` and SDK-only `timeout`/`max_retries` are removed.  Otherwise *unsafe*: the
    key is removed and what it asked for (a seed, a penalty, a response format, a beta) is lost.
    """
    for key, value in ctx.request.items():
        if key in ANTHROPIC_TOP_LEVEL:
            continue
        known = FOREIGN_TOP_LEVEL.get(key)
        if known is not None:
            message = f"top-level {key!r} is not a Messages API parameter ({known})"
        else:
            message = (f"unknown top-level {key!r}: it is in none of the request types of the "
                       f"pinned SDK (anthropic {apishapes.sdk_version()}, beta included)")
        yield Violation((key,), message, api_error=extra_inputs(key), fix=_param_fix(ctx, key, value))


# -- O006 ----------------------------------------------------------------------------------

_MESSAGE_KEYS_ELSEWHERE = {"role", "content", "tool_calls", "name"}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or value is False


def _message_key_fix(msg: dict[str, Any], i: int, key: str) -> Fix:
    path: Path = ("messages", i, key)
    value = msg[key]
    if key == "cache_control" and isinstance(value, dict):
        content = msg.get("content")
        if isinstance(content, str) and content:
            return ops.safe("move cache_control onto the message's text block",
                            ops.replace(("messages", i, "content"),
                                        [{"type": "text", "text": content, "cache_control": value}]),
                            ops.remove(path))
        if isinstance(content, list) and content and isinstance(content[-1], dict) \
                and "cache_control" not in content[-1]:
            return ops.safe("move cache_control onto the message's last block",
                            ops.add(("messages", i, "content", len(content) - 1, "cache_control"), value),
                            ops.remove(path))
    if _empty(value):
        return ops.safe(f"remove the empty {key} field", ops.remove(path))
    return ops.unsafe(f"remove the {key} field", ops.remove(path))


@rule("O006", "message-extra-field", Severity.ERROR, references=("OAI-01", "OAI-03"),
      fix=Applicability.UNSAFE)
def message_extra_field(ctx: CheckContext) -> Iterator[Violation]:
    """A message carries a key other than `role` and `content`.

    ## What it does
    Reports unknown keys on messages: OpenAI's `refusal`, `function_call`, `audio`,
    `annotations`, LiteLLM/DeepSeek `reasoning_content`, a stored `id` or `timestamp`, a
    message-level `cache_control`.  (`tool_calls` is O001, `name` is O004, and tool messages are
    O002.)  A system message's beta fields `output_config` and `clear_at` are in the SDK's beta
    types and are not unknown (B009 checks their `anthropic-beta` header).

    ## Why is this bad?
    A message is exactly `{role, content}`; anything else is rejected, null or not:
    ``messages.1.refusal: Extra inputs are not permitted``.  The OpenAI SDK serialises
    `"refusal": null` and `"function_call": null` on every assistant message it returns, so
    these leak into histories that were stored from OpenAI responses.

    ## Example
    ```json
    {"role": "assistant", "content": "Done.", "refusal": null, "annotations": []}
    ```

    ## Fix
    A message-level `cache_control` moves onto the message's last content block, where the API
    reads it: *safe*.  An empty value (`null`, `[]`, `""`, `false`) is removed: *safe*.  Any other
    value is removed: *unsafe* (e.g. `reasoning_content` cannot become a thinking block, since it
    has no signature).
    """
    for i, m in ctx.messages():
        role = m.get("role")
        if role == "tool":
            continue
        allowed = apishapes.message_keys(role) if isinstance(role, str) else frozenset()
        for key in m:
            if key in _MESSAGE_KEYS_ELSEWHERE or key in allowed:
                continue  # a system message's beta fields: B009 checks their header
            yield Violation(
                ("messages", i, key),
                f"messages.{i} has an unknown field {key!r}",
                api_error=extra_inputs(f"messages.{i}.{key}"),
                fix=_message_key_fix(m, i, key),
            )


# -- O007 ----------------------------------------------------------------------------------

@rule("O007", "openai-tool-definition", Severity.ERROR, references=("OAI-01",), fix=Applicability.SAFE)
def openai_tool_definition(ctx: CheckContext) -> Iterator[Violation]:
    """A tool is defined in OpenAI's format (`{"type": "function", "function": {...}}`).

    ## What it does
    Finds `tools` entries with `type: "function"`: the Chat Completions shape (the definition
    nested under `function`) and the Responses shape (`name` and `parameters` at the top).

    ## Why is this bad?
    The Messages API expects `{"name", "description", "input_schema"}`; `"function"` is not a
    tool type, so the request is rejected (the exact text depends on which union member the API
    tries; none is on record, so the finding carries no API text).

    ## Example
    ```json
    {"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
      "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}
    ```

    ## Fix
    *Safe*: `name` and `description` are kept, `parameters` becomes `input_schema` (a missing
    one means "no arguments": `{"type": "object", "properties": {}}`), `strict` is kept, and so
    is a `cache_control` on the tool.  No fix when the definition has no name.
    """
    for k, tool in ctx.tools:
        if tool.get("type") != "function":
            continue
        fn = tool.get("function") if isinstance(tool.get("function"), dict) else tool
        converted = openai_function_to_tool(fn)
        fix = None
        if converted is not None:
            if "cache_control" in tool:
                converted["cache_control"] = tool["cache_control"]
            fix = ops.safe(f"convert {converted['name']!r} into an Anthropic tool definition",
                           ops.replace(("tools", k), converted))
        yield Violation(
            ("tools", k),
            f"tools.{k} is an OpenAI function definition; the Messages API expects name, "
            f"description and input_schema",
            fix=fix,
        )
