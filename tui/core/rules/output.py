"""Y: model output vs schemas — logged responses and tool inputs.

These rules judge what the *model* produced (the logged response, and the `tool_use` blocks the
model produced earlier that now sit in the request history) against what the request declared.
The API accepts all of it, so nothing here is an error: the findings are the bugs an agent hits
*after* a 200 (a tool run with bad arguments, a call cut off by `max_tokens`, a tool that does
not exist).  No rule here offers a fix: the model's output is what it is; the cure is in the
tool definitions, the prompt or `max_tokens`, and a new call.

``jsonschema`` (~0.1 s) and ``anthropic`` (~2 s) are imported inside the rules that need them,
so a request-only check never pays for them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from tui.core.findings import Severity, Violation
from tui.core.paths import Path, get, to_dotted
from tui.core.rules.context import CheckContext
from tui.core.redact import redact_and_shorten
from tui.core.schemas import validator_for
from tui.core.rules.registry import rule

_MAX_SCHEMA_ERRORS = 20
"""Per tool call: a wrong type at the root would otherwise report every property."""
_MAX_MODEL_ERRORS = 10
_TRUNCATING_STOPS = ("max_tokens", "model_context_window_exceeded")


def _short(text: str, limit: int = 160) -> str:
    """One line of at most ``limit`` characters, masked before it is cut (a cut key is no longer
    recognised as one)."""
    return redact_and_shorten(" ".join(text.split()), limit)


def _response_blocks(ctx: CheckContext) -> list[tuple[int, dict[str, Any]]]:
    resp = ctx.response
    content = resp.get("content") if resp is not None else None
    if not isinstance(content, list):
        return []
    return [(j, b) for j, b in enumerate(content) if isinstance(b, dict)]


def _tool_calls(ctx: CheckContext) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    """``(scope, path, block)`` for every `tool_use` in the request history, then in the response."""
    for role, b in ctx.all_blocks():
        if b.type == "tool_use" and role == "assistant":
            yield "request", b.path, b.block
    for j, block in _response_blocks(ctx):
        if block.get("type") == "tool_use":
            yield "response", ("content", j), block


# -- Y001 ----------------------------------------------------------------------------------

class _Validators:
    """One compiled validator per tool name for the duration of one check (None = unusable schema)."""

    def __init__(self, ctx: CheckContext) -> None:
        self._ctx = ctx
        self._cache: dict[str, Any] = {}

    def get(self, name: str) -> Any:
        if name not in self._cache:
            self._cache[name] = self._build(self._ctx.tools_by_name.get(name))
        return self._cache[name]

    @staticmethod
    def _build(tool: dict[str, Any] | None) -> Any:
        schema = tool.get("input_schema") if isinstance(tool, dict) else None
        return validator_for(schema)  # None for an invalid schema: D003's business


def _schema_errors(validator: Any, instance: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """``(path inside input, message)`` for every violation, in document order (capped)."""
    try:
        errors = list(validator.iter_errors(instance))
    except Exception:  # unresolvable $ref, runaway recursion: no verdict rather than a crash
        return []

    def key(e: Any) -> tuple[Any, ...]:
        return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in e.absolute_path)

    return [(tuple(e.absolute_path), _short(str(e.message))) for e in sorted(errors, key=key)]


@rule("Y001", "tool-input-schema-mismatch", Severity.WARNING, needs="request")
def tool_input_schema_mismatch(ctx: CheckContext) -> Iterator[Violation]:
    """A `tool_use.input` does not validate against the declared tool's `input_schema`.

    ## What it does
    Validates the `input` of every `tool_use` block (in the logged response and in the request
    history) against the `input_schema` of the tool it names, with JSON Schema draft 2020-12
    (the draft the API requires for tool schemas).  Every violation is reported at its own
    instance path (`response.content.1.input.city`), up to 20 per call.  Calls to undeclared
    tools (Y004), inputs that are not objects (P008) and schemas that are themselves invalid
    (D003) are left to those rules.

    ## Why is this bad?
    The API does not validate tool inputs against the schema, neither in the response nor in
    past calls sent back in the history, so the request is accepted: a **warning** everywhere.
    But the model produced arguments your tool will reject (or, worse, misread): a missing
    required property, a string where a number was declared, a value outside an `enum`.  In
    history it explains an earlier tool failure; in a response it predicts the next one.
    Frequent causes: a schema that changed after the conversation started, a call cut off by
    `max_tokens` (Y003), or a schema too loose for the model to follow (add `strict: true`
    on the tool where supported).

    ## Example
    Tool `get_weather` requires `{"city": string}`; the response holds
    `{"type": "tool_use", "name": "get_weather", "input": {"town": "Paris"}}`.

    ## Fix
    None automatic: the model's output is what it is, and inventing arguments would be worse
    than failing.  Tighten the schema or the tool description and call the model again, or
    return the validation error to the model as a `tool_result` with `is_error: true`.
    """
    validators = _Validators(ctx)
    for scope, path, block in _tool_calls(ctx):
        name = block.get("name")
        inp = block.get("input")
        if not isinstance(name, str) or not isinstance(inp, dict):
            continue
        validator = validators.get(name)
        if validator is None:
            continue
        errors = _schema_errors(validator, inp)
        where = "the model produced input its tool will reject" if scope == "response" else \
            "this past call's input does not match the schema (the API does not check it)"
        for sub, message in errors[:_MAX_SCHEMA_ERRORS]:
            at = to_dotted(("input", *sub))
            yield Violation(
                (*path, "input", *sub),
                f"{name} {at}: {message}; {where}",
                scope=scope,
            )
        if len(errors) > _MAX_SCHEMA_ERRORS:
            yield Violation((*path, "input"),
                            f"{name} input: {len(errors) - _MAX_SCHEMA_ERRORS} more schema "
                            f"violations not listed", scope=scope)


# -- Y002 ----------------------------------------------------------------------------------

_Err = tuple[tuple[Any, ...], str, str, dict[str, Any]]
"""A pydantic error: (loc, type, msg, ctx)."""


def _looks_like_label(token: str) -> bool:
    """pydantic's union-member labels (``TextBlock``, ``list[...]``, ``str``), never JSON keys here."""
    return token[:1].isupper() or "[" in token or token in ("str", "int", "float", "bool", "none")


def _split(loc: tuple[Any, ...], data: Any) -> tuple[tuple[Any, ...], str | None, tuple[Any, ...]]:
    """Split ``loc`` at its first union-member label: ``(prefix, label, rest)`` (label None if none)."""
    cur = data
    for k, token in enumerate(loc):
        if isinstance(token, int):
            cur = cur[token] if isinstance(cur, list) and 0 <= token < len(cur) else None
            continue
        if isinstance(cur, dict) and token in cur:
            cur = cur[token]
            continue
        last = k == len(loc) - 1
        if isinstance(token, str) and (_looks_like_label(token) or not last):
            return loc[:k], token, loc[k + 1:]
        return loc, None, ()
    return loc, None, ()


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    return get(data, path)


def collapse_errors(errors: list[_Err], data: Any) -> list[tuple[tuple[Any, ...], str]]:
    """Turn pydantic's per-union-member error lists into the few errors a user needs.

    ``Message.model_validate`` reports one error set per union member (35 errors for one
    unknown block).  For each union: when the value's ``type`` selects a member, keep only that
    member's errors; when it selects none, say so once; when the union is not discriminated by
    ``type``, keep the member with the fewest errors.  Applied recursively, so nested unions
    collapse too.
    """
    direct: list[tuple[tuple[Any, ...], str]] = []
    groups: dict[tuple[Any, ...], dict[str, list[_Err]]] = {}
    for loc, etype, msg, ectx in errors:
        prefix, label, rest = _split(loc, data)
        if label is None:
            direct.append((loc, msg))
        else:
            groups.setdefault(prefix, {}).setdefault(label, []).append((rest, etype, msg, ectx))
    for prefix, branches in groups.items():
        def rejected(errs: list[_Err]) -> bool:
            return any(rest == ("type",) and etype in ("literal_error", "missing")
                       for rest, etype, _, _ in errs)

        candidates = {lab: errs for lab, errs in branches.items() if not rejected(errs)}
        value = _at(data, prefix)
        if not candidates:
            tag = value.get("type") if isinstance(value, dict) else None
            expected = sorted({str(e[3].get("expected", "")).strip("'") for errs in branches.values()
                               for e in errs if e[0] == ("type",) and e[3].get("expected")})
            if tag is None:
                direct.append((prefix, "the block has no `type`"))
            else:
                direct.append((prefix, f"Input tag {tag!r} found using 'type' does not match any "
                                       f"of the expected tags: {', '.join(map(repr, expected))}"))
            continue
        if all(rest == () for errs in candidates.values() for rest, *_ in errs):
            if len(candidates) > 1:
                kinds = " or ".join(sorted({lab.split("[")[0] for lab in candidates}))
                direct.append((prefix, f"Input should be {kinds}"))
                continue
        # A member whose errors are all at the union's own level did not even match the
        # value's shape (a dict given to a list member); prefer one that failed inside.
        label = min(candidates, key=lambda lab: (all(e[0] == () for e in candidates[lab]),
                                                 len(candidates[lab]), lab))
        inner = [((*prefix, *rest), etype, msg, ectx) for rest, etype, msg, ectx in candidates[label]]
        direct.extend(collapse_errors(inner, data))
    seen: set[tuple[tuple[Any, ...], str]] = set()
    out = []
    for item in direct:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


@rule("Y002", "response-invalid-message", Severity.WARNING, needs="response")
def response_invalid_message(ctx: CheckContext) -> Iterator[Violation]:
    """The logged response does not parse as the SDK's `anthropic.types.Message`.

    ## What it does
    Validates the logged response with the official SDK's `Message` model (pydantic; unknown
    extra keys are allowed, as the SDK allows them) and reports each problem at its path in the
    response, e.g. `response.usage.output_tokens`.  The SDK's union errors (35 for one unknown
    block type) are collapsed to the one that applies.

    ## Why is this bad?
    The API's own responses parse, so a response that does not was changed on the way: a
    gateway that translates from another provider (`stop_reason: "length"`), a stream
    accumulator that never saw `message_delta` (`output_tokens: null`), a logger that
    truncated the body, or a block type newer than the installed SDK.  Code that reads it with
    the SDK raises, and the turn cannot be sent back as history as it is.

    ## Example
    `{"type": "message", "role": "assistant", "content": [...], "stop_reason": "length", ...}`

    ## Fix
    None automatic: the log is a record of what was received; rewriting it would hide the fault.
    Fix the gateway or logger that produced it (or upgrade the SDK for a new block type).
    """
    resp = ctx.response
    if resp is None:
        return
    try:
        from anthropic.types import Message
        from pydantic import ValidationError
    except ImportError:  # the SDK is a dependency; without it there is nothing to compare with
        return
    try:
        Message.model_validate(resp)
        return
    except ValidationError as exc:
        raw = [(tuple(e["loc"]), e["type"], e["msg"], dict(e.get("ctx") or {})) for e in exc.errors()]
    cleaned = collapse_errors(raw, resp)
    for loc, msg in cleaned[:_MAX_MODEL_ERRORS]:
        yield Violation(tuple(loc), f"the SDK's Message model rejects this: {_short(msg, 240)}",
                        scope="response")
    if len(cleaned) > _MAX_MODEL_ERRORS:
        yield Violation((), f"{len(cleaned) - _MAX_MODEL_ERRORS} more Message model errors not listed",
                        scope="response")


# -- Y003 ----------------------------------------------------------------------------------

@rule("Y003", "truncated-tool-use", Severity.WARNING, needs="response")
def truncated_tool_use(ctx: CheckContext) -> Iterator[Violation]:
    """The response hit `max_tokens` while writing a `tool_use` block, so its input is probably cut off.

    ## What it does
    Reports a logged response whose `stop_reason` is `max_tokens` (or
    `model_context_window_exceeded`) and whose last content block is a `tool_use` or
    `server_tool_use`.

    ## Why is this bad?
    Generation stopped at the token limit: the call's JSON input ends wherever the limit fell
    (the SDK parses the partial JSON it got), so a file write may carry half its content and a
    required argument may be missing (Y001 then reports it).  The API accepted the request and
    will accept this call in the history, so this is a **warning**, not an error; but running
    the tool with this input is a bug.  Agents that only look for `stop_reason == "tool_use"`
    silently skip the call; agents that look for `tool_use` blocks run it truncated.

    ## Example
    `{"stop_reason": "max_tokens", "content": [{"type": "text", …}, {"type": "tool_use",
    "name": "write_file", "input": {"path": "app.py"}}]}`

    ## Fix
    None automatic on the log (the response cannot be completed offline).  Raise `max_tokens`
    in the request and call again; do not execute the cut call.
    """
    resp = ctx.response
    blocks = _response_blocks(ctx)
    if resp is None or not blocks or resp.get("stop_reason") not in _TRUNCATING_STOPS:
        return
    j, last = blocks[-1]
    if last.get("type") not in ("tool_use", "server_tool_use") or j != len(resp["content"]) - 1:
        return
    max_tokens = ctx.request.get("max_tokens")
    limit = f" (limit {max_tokens})" if isinstance(max_tokens, int) else ""
    yield Violation(
        ("content", j),
        f"the response stopped at {resp['stop_reason']}{limit} inside {last.get('type')} "
        f"{last.get('id', '?')} ({last.get('name', '?')}): its input is probably cut off; do not "
        f"run it, raise max_tokens and call again",
        related=(("max_tokens",),) if "max_tokens" in ctx.request else (),
        scope="response",
    )


# -- Y004 ----------------------------------------------------------------------------------

@rule("Y004", "undeclared-tool", Severity.WARNING, needs="request")
def undeclared_tool(ctx: CheckContext) -> Iterator[Violation]:
    """A `tool_use` names a tool that the request's `tools` does not declare.

    ## What it does
    When the request declares tools, checks the `name` of every `tool_use` block in the logged
    response and in the history against them.  Requests without any `tools` are skipped: many
    logs (Claude Code transcripts, trimmed gateway logs) do not record tool definitions, so a
    name cannot be judged there.

    ## Why is this bad?
    The model can only call what it was offered, so a response that calls an undeclared tool
    means the log lost or changed the `tools` list (a proxy, a tool removed mid-conversation,
    an MCP server that went away) or the model followed an old call from the history.  Your
    dispatcher has nothing to run for it.  In history, a call to a tool that is no longer
    declared confuses the model and fails on gateways that require every called tool to be
    defined (Bedrock Converse: `The toolConfig field must be defined …`).  The first-party API
    accepts both, so this is a **warning**.

    ## Example
    `tools: [{"name": "get_weather", …}]` and a response block
    `{"type": "tool_use", "name": "get_wether", …}`.

    ## Fix
    None automatic: inventing a definition or deleting the call (and its result) would change
    what the model saw.  Declare the tool again, or answer the call with an `is_error`
    `tool_result` that says it no longer exists.
    """
    declared = ctx.tools_by_name
    if not declared:
        return
    names = sorted(declared)
    for scope, path, block in _tool_calls(ctx):
        name = block.get("name")
        if not isinstance(name, str) or name in declared:
            continue
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listed = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
        who = "the model called" if scope == "response" else f"tool_use {block.get('id', '?')} calls"
        yield Violation(
            (*path, "name"),
            f"{who} {name!r}, which the request's tools do not declare (declared: {listed}){hint}",
            scope=scope,
        )


# -- Y005 ----------------------------------------------------------------------------------

@rule("Y005", "response-stopped-early", Severity.INFO, needs="response")
def response_stopped_early(ctx: CheckContext) -> Iterator[Violation]:
    """The logged response did not end its turn normally (refusal, pause or token limit).

    ## What it does
    Reports the response's `stop_reason` when it is `refusal`, `pause_turn`, or `max_tokens` /
    `model_context_window_exceeded` outside a tool call (Y003 covers a cut tool call).

    ## Why is this bad?
    It is not an error, but agents often handle only `end_turn` and `tool_use`:
    `pause_turn` means a server tool paused a long turn and the response must be sent back as
    the last assistant message to let it continue; `refusal` means the model declined (the
    content may be partial); a token-limit stop means the answer is cut off.

    ## Example
    `{"stop_reason": "pause_turn", "content": [{"type": "server_tool_use", …}]}`

    ## Fix
    None needed in the payload: handle the stop reason in the agent (continue after
    `pause_turn`, raise `max_tokens`, or rephrase after a refusal).
    """
    resp = ctx.response
    reason = resp.get("stop_reason") if resp is not None else None
    if not isinstance(reason, str):
        return
    blocks = _response_blocks(ctx)
    last_type = blocks[-1][1].get("type") if blocks else None
    if reason == "refusal":
        text = "the model refused (stop_reason refusal); the content may be partial"
    elif reason == "pause_turn":
        text = ("the server paused a long-running turn (stop_reason pause_turn): send this "
                "response back as the last assistant message to let it continue")
    elif reason in _TRUNCATING_STOPS and last_type not in ("tool_use", "server_tool_use"):
        max_tokens = ctx.request.get("max_tokens")
        limit = f" of {max_tokens} tokens" if isinstance(max_tokens, int) else ""
        text = f"the answer was cut off at the limit{limit} (stop_reason {reason})"
    else:
        return
    yield Violation(("stop_reason",), text, scope="response")
