"""Q: OpenAI payloads — Chat Completions and Responses requests kept in their own dialect.

These rules run only on exchanges whose ``dialect`` is ``openai-chat`` or ``openai-responses``
(loaded by the OpenAI, LiteLLM, Langfuse and OTLP loaders).  They check OpenAI's *own* pairing
rules, which differ from Anthropic's: a Chat Completions call is answered by one ``role: "tool"``
message per ``tool_call_id``, all before the next non-tool message; a Responses ``function_call``
is answered by a ``function_call_output`` item with the same ``call_id`` (not ``id``).

API_RULES.md does not cover OpenAI, so ``references`` is empty; the error texts quoted are the
ones OpenAI's API returns as reported verbatim in public issue threads (FORMATS.md §3.12, §3.13,
and e.g. ``continuedev/continue#10092``, ``vercel/ai#8216``, ``router-for-me/CLIProxyAPI#2798``).
Fixes mirror the P family: moving a real result where it belongs is *safe*; inventing a result or
dropping an orphan is *unsafe*.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tui.core.findings import Applicability, Fix, Severity, Violation
from tui.core.redact import redact_and_shorten
from tui.core.repair import ops
from tui.core.rules.context import CheckContext
from tui.core.rules.registry import rule

CHAT = "openai-chat"
RESPONSES = "openai-responses"

SYNTHETIC_OUTPUT = "No result was recorded for this tool call (inserted by payload-doctor)."

CALL_OUTPUT_TYPES = {"function_call": "function_call_output", "custom_tool_call": "custom_tool_call_output"}
OUTPUT_TYPES = frozenset(CALL_OUTPUT_TYPES.values())


def chat_missing_text(ids: list[str]) -> str:
    """OpenAI's text when a `tool_calls` message is not followed by a tool message per call."""
    return ("An assistant message with 'tool_calls' must be followed by tool messages responding to "
            "each 'tool_call_id'. The following tool_call_ids did not have response messages: "
            + ", ".join(ids))


CHAT_ORPHAN_TEXT = ("Invalid parameter: messages with role 'tool' must be a response to a preceeding "
                    "message with 'tool_calls'.")
"""OpenAI's text for an unsolicited tool message (the misspelling is OpenAI's)."""


def responses_missing_text(call_id: str) -> str:
    return f"No tool output found for function call {call_id}."


def responses_orphan_text(call_id: str) -> str:
    return f"No tool call found for function call output with call_id {call_id}."


# -- chat views ------------------------------------------------------------------------------------

def _messages(ctx: CheckContext) -> list[Any]:
    msgs = ctx.request.get("messages")
    return msgs if isinstance(msgs, list) else []


def _role(msg: Any) -> str | None:
    return msg.get("role") if isinstance(msg, dict) and isinstance(msg.get("role"), str) else None


def _calls(msg: Any) -> list[tuple[int, str, dict[str, Any]]]:
    """``(index in tool_calls, id, call)`` for each call of an assistant message that has an id."""
    if _role(msg) != "assistant" or not isinstance(msg.get("tool_calls"), list):
        return []
    return [(k, c["id"], c) for k, c in enumerate(msg["tool_calls"])
            if isinstance(c, dict) and isinstance(c.get("id"), str)]


def _call_name(call: dict[str, Any]) -> str:
    fn = call.get("function")
    name = fn.get("name") if isinstance(fn, dict) else None
    return name if isinstance(name, str) else "?"


def _tool_run(msgs: list[Any], start: int) -> list[int]:
    """Indexes of the consecutive `role: "tool"` messages from ``start``."""
    run: list[int] = []
    j = start
    while j < len(msgs) and _role(msgs[j]) == "tool":
        run.append(j)
        j += 1
    return run


def _answer_id(msg: Any) -> str | None:
    tid = msg.get("tool_call_id") if isinstance(msg, dict) else None
    return tid if isinstance(tid, str) else None


def _synthetic_tool_message(call_id: str) -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": call_id, "content": SYNTHETIC_OUTPUT}


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict)]
        return "\n".join(p for p in parts if isinstance(p, str))
    return "" if content is None else json.dumps(content, ensure_ascii=False)


# -- Q001 ------------------------------------------------------------------------------------------

@rule("Q001", "tool-call-without-tool-message", Severity.ERROR, fix=Applicability.UNSAFE, dialect=CHAT)
def tool_call_without_tool_message(ctx: CheckContext) -> Iterator[Violation]:
    """An assistant `tool_calls` entry has no `role: "tool"` message before the next non-tool message.

    ## What it does
    For every assistant message with `tool_calls`, collects the `tool_call_id` of the tool
    messages that directly follow it and reports each call id that is not among them.

    ## Why is this bad?
    Chat Completions requires every call to be answered right after the message that made it.
    Trimmed history, an interrupted tool, or a user message typed while a tool ran all produce
    this.  OpenAI answers (text from public reports of the API's 400, see the module docs):
    ``An assistant message with 'tool_calls' must be followed by tool messages responding to each
    'tool_call_id'. The following tool_call_ids did not have response messages: call_…``.

    ## Example
    ```json
    [{"role": "assistant", "content": null, "tool_calls": [{"id": "call_A", "type": "function",
      "function": {"name": "ls", "arguments": "{}"}}]},
     {"role": "user", "content": "and now?"}]
    ```

    ## Fix
    If the tool message exists later in the conversation, *safe*: move it right after the run of
    tool messages that follows the call.  Otherwise *unsafe*: insert a synthetic tool message
    saying no result was recorded (it invents a result the model never saw).
    """
    msgs = _messages(ctx)
    for i, msg in enumerate(msgs):
        calls = _calls(msg)
        if not calls:
            continue
        run = _tool_run(msgs, i + 1)
        answered = {_answer_id(msgs[j]) for j in run}
        missing = [(k, cid, call) for k, cid, call in calls if cid not in answered]
        if not missing:
            continue
        end = run[-1] + 1 if run else i + 1
        text = chat_missing_text([cid for _, cid, _ in missing])
        for k, cid, call in missing:
            later = next((j for j in range(end, len(msgs))
                          if _role(msgs[j]) == "tool" and _answer_id(msgs[j]) == cid), None)
            related: tuple[Any, ...] = ()
            if later is not None:
                fix = ops.safe(f"move the tool message for {cid} to follow its call",
                               ops.move(("messages", later), ("messages", end)))
                related = (("messages", later),)
            else:
                fix = ops.unsafe(f"insert a synthetic tool message for {cid}",
                                 ops.add(("messages", end), _synthetic_tool_message(cid)))
            yield Violation(
                ("messages", i, "tool_calls", k),
                f"tool call {cid} ({_call_name(call)}) is answered only later, after a non-tool message"
                if later is not None else
                f"tool call {cid} ({_call_name(call)}) has no tool message answering it",
                api_error=text,
                related=related,
                fix=fix,
            )


# -- Q002 ------------------------------------------------------------------------------------------

def _earlier_unanswered_call(msgs: list[Any], tid: str, before: int) -> int | None:
    """The end of the tool run after an earlier assistant message that calls ``tid`` without
    answering it there: where a misplaced tool message belongs."""
    for i in range(before - 1, -1, -1):
        if any(cid == tid for _, cid, _ in _calls(msgs[i])):
            run = _tool_run(msgs, i + 1)
            if any(_answer_id(msgs[j]) == tid for j in run):
                return None
            return run[-1] + 1 if run else i + 1
    return None


@rule("Q002", "orphan-tool-message", Severity.ERROR, fix=Applicability.UNSAFE, dialect=CHAT)
def orphan_tool_message(ctx: CheckContext) -> Iterator[Violation]:
    """A `role: "tool"` message answers no `tool_calls` entry of the assistant message before it.

    ## What it does
    For every tool message, finds the assistant message right before its run of tool messages
    and checks that one of that message's `tool_calls` has the same id as its `tool_call_id`.
    A tool message without `tool_call_id` is reported too.

    ## Why is this bad?
    History cut at the front, a tool message moved behind a user message, or ids rewritten by a
    gateway.  OpenAI answers (text from public reports of the API's 400; the misspelling is
    OpenAI's): ``Invalid parameter: messages with role 'tool' must be a response to a preceeding
    message with 'tool_calls'.``  A missing id is ``Missing required parameter:
    'messages[N].tool_call_id'.``

    ## Example
    ```json
    [{"role": "user", "content": "go on"},
     {"role": "tool", "tool_call_id": "call_gone", "content": "42"}]
    ```

    ## Fix
    If it answers an earlier call that went unanswered, *safe*: move it after that call (Q001
    offers the same move).  Otherwise *unsafe*: inside a valid run of tool messages it is
    dropped; elsewhere it becomes a user message that keeps its content as text (an empty one is
    dropped).
    """
    msgs = _messages(ctx)
    for j, msg in enumerate(msgs):
        if _role(msg) != "tool":
            continue
        start = j
        while start > 0 and _role(msgs[start - 1]) == "tool":
            start -= 1
        owner = msgs[start - 1] if start > 0 else None
        owner_ids = {cid for _, cid, _ in _calls(owner)}
        tid = _answer_id(msg)
        if tid is not None and tid in owner_ids:
            continue
        fix: Fix | None = None
        if tid is not None:
            dest = _earlier_unanswered_call(msgs, tid, start)
            if dest is not None:
                fix = ops.safe(f"move the tool message for {tid} to follow its call",
                               ops.move(("messages", j), ("messages", dest)))
        if fix is None:
            text = _text_of(msg.get("content"))
            label = tid or "an unknown call"
            if owner_ids or not text.strip():
                fix = ops.unsafe(f"drop the orphan tool message for {label}", ops.remove(("messages", j)))
            else:
                fix = ops.unsafe(f"turn the orphan tool message for {label} into a user message",
                                 ops.replace(("messages", j),
                                             {"role": "user", "content": f"[tool result for {label}]\n{text}"}))
        if tid is None:
            yield Violation(("messages", j), "tool message without a tool_call_id",
                            api_error=f"Missing required parameter: 'messages[{j}].tool_call_id'.", fix=fix)
            continue
        yield Violation(
            ("messages", j),
            f"tool message for {tid} answers no tool_calls entry of the assistant message before it",
            api_error=CHAT_ORPHAN_TEXT,
            related=(("messages", start - 1),) if owner is not None else (),
            fix=fix,
        )


# -- Responses views -------------------------------------------------------------------------------

def _items(ctx: CheckContext) -> list[Any]:
    inp = ctx.request.get("input")
    return inp if isinstance(inp, list) else []


def _item_type(item: Any) -> str | None:
    t = item.get("type") if isinstance(item, dict) else None
    return t if isinstance(t, str) else None


def _call_id(item: Any) -> str | None:
    cid = item.get("call_id") if isinstance(item, dict) else None
    return cid if isinstance(cid, str) else None


def _group_end(items: list[Any], k: int) -> int:
    """The index just past the run of call/output items that contains item ``k``."""
    end = k + 1
    while end < len(items) and (_item_type(items[end]) in CALL_OUTPUT_TYPES or _item_type(items[end]) in OUTPUT_TYPES):
        end += 1
    return end


# -- Q003 ------------------------------------------------------------------------------------------

@rule("Q003", "function-call-without-output", Severity.ERROR, fix=Applicability.UNSAFE, dialect=RESPONSES)
def function_call_without_output(ctx: CheckContext) -> Iterator[Violation]:
    """A Responses `function_call` item has no `function_call_output` with its `call_id` after it.

    ## What it does
    For every `function_call` (and `custom_tool_call`) item in `input`, looks for a
    `function_call_output` (`custom_tool_call_output`) item with the same `call_id` later in
    `input`.  Pairing is by `call_id` (`call_…`), not by the item `id` (`fc_…`).

    ## Why is this bad?
    Replayed history that kept a call but lost its output (an interrupted tool, a client that
    filters items) is rejected.  OpenAI answers (text from public reports of the API's 400):
    ``No tool output found for function call call_….``

    ## Example
    ```json
    {"model": "gpt-4.1", "input": [{"type": "message", "role": "user", "content": "list files"},
      {"type": "function_call", "id": "fc_1", "call_id": "call_A", "name": "ls", "arguments": "{}"}]}
    ```

    ## Fix
    If the output sits *before* its call, *safe*: move it right after the call.  Otherwise
    *unsafe*: insert a synthetic `function_call_output` saying no result was recorded, after the
    call's group of call/output items.
    """
    items = _items(ctx)
    for k, item in enumerate(items):
        kind = _item_type(item)
        cid = _call_id(item)
        if kind not in CALL_OUTPUT_TYPES or cid is None:
            continue
        out_type = CALL_OUTPUT_TYPES[kind]
        if any(_item_type(o) == out_type and _call_id(o) == cid for o in items[k + 1:]):
            continue
        early = next((j for j in range(k) if _item_type(items[j]) == out_type and _call_id(items[j]) == cid), None)
        if early is not None:
            fix = ops.safe(f"move the {out_type} for {cid} after its call",
                           ops.move(("input", early), ("input", k)))
        else:
            fix = ops.unsafe(f"insert a synthetic {out_type} for {cid}",
                             ops.add(("input", _group_end(items, k)),
                                     {"type": out_type, "call_id": cid, "output": SYNTHETIC_OUTPUT}))
        name = item.get("name") if isinstance(item.get("name"), str) else "?"
        yield Violation(
            ("input", k),
            f"{kind} {cid} ({name}) has no {out_type} after it",
            api_error=responses_missing_text(cid),
            related=(("input", early),) if early is not None else (),
            fix=fix,
        )


# -- Q004 ------------------------------------------------------------------------------------------

@rule("Q004", "orphan-function-call-output", Severity.ERROR, fix=Applicability.UNSAFE, dialect=RESPONSES)
def orphan_function_call_output(ctx: CheckContext) -> Iterator[Violation]:
    """A Responses `function_call_output` has no `function_call` with its `call_id` before it.

    ## What it does
    For every `function_call_output` (and `custom_tool_call_output`) item in `input`, looks for
    the call with the same `call_id` earlier in `input`.  Skipped when the request has a
    `previous_response_id`: the call may then be in the history OpenAI stores server-side, which
    the log does not show.

    ## Why is this bad?
    An output whose call was trimmed away, or whose `call_id` was rewritten (or copied from the
    item `id` `fc_…` instead of `call_id`), is rejected.  OpenAI answers (text from public reports
    of the API's 400, ``param: "input"``): ``No tool call found for function call output with
    call_id call_….``

    ## Example
    ```json
    {"model": "gpt-4.1", "input": [{"type": "function_call_output", "call_id": "call_gone",
      "output": "42"}, {"type": "message", "role": "user", "content": "go on"}]}
    ```

    ## Fix
    If the call comes later, *safe*: move the output right after it.  Otherwise *unsafe*: the
    output becomes a user message that keeps its text (an empty one is dropped).
    """
    if ctx.request.get("previous_response_id"):
        return
    items = _items(ctx)
    call_types = {v: k for k, v in CALL_OUTPUT_TYPES.items()}
    for j, item in enumerate(items):
        kind = _item_type(item)
        if kind not in OUTPUT_TYPES:
            continue
        cid = _call_id(item)
        call_type = call_types[kind]
        if cid is not None and any(_item_type(c) == call_type and _call_id(c) == cid for c in items[:j]):
            continue
        label = cid or "an unknown call"
        late = next((c for c in range(j + 1, len(items))
                     if _item_type(items[c]) == call_type and _call_id(items[c]) == cid), None) \
            if cid is not None else None
        if late is not None:
            fix = ops.safe(f"move the {kind} for {label} after its call", ops.move(("input", j), ("input", late)))
        else:
            text = _text_of(item.get("output"))
            if text.strip():
                fix = ops.unsafe(f"turn the orphan {kind} for {label} into a user message",
                                 ops.replace(("input", j), {"type": "message", "role": "user", "content": [
                                     {"type": "input_text", "text": f"[tool result for {label}]\n{text}"}]}))
            else:
                fix = ops.unsafe(f"drop the empty orphan {kind} for {label}", ops.remove(("input", j)))
        yield Violation(
            ("input", j),
            f"{kind} for {label} has no {call_type} before it",
            api_error=responses_orphan_text(label) if cid else None,
            related=(("input", late),) if late is not None else (),
            fix=fix,
        )


# -- Q005 / Q006: logged responses -----------------------------------------------------------------

def _bad_arguments(args: Any) -> bool:
    """Function-call arguments that are not a JSON object (what a cut generation leaves)."""
    if not isinstance(args, str) or not args.strip():
        return False
    try:
        return not isinstance(json.loads(args), dict)
    except ValueError:
        return True


@rule("Q005", "chat-completion-cut", Severity.WARNING, needs="response", dialect=CHAT)
def chat_completion_cut(ctx: CheckContext) -> Iterator[Violation]:
    """A logged Chat Completions response stopped early or holds tool-call arguments that do not parse.

    ## What it does
    Looks at every choice of the logged `chat.completion`: `finish_reason` `length` (the token
    limit) or `content_filter`, and `tool_calls[].function.arguments` that are not a JSON object.

    ## Why is this bad?
    The API accepted the request, so this is a **warning**: but the answer is incomplete.  A
    call cut at the token limit carries half its arguments; an agent that runs it acts on
    truncated input, and one that parses it crashes.

    ## Example
    `{"object": "chat.completion", "choices": [{"finish_reason": "length", "message":
    {"role": "assistant", "tool_calls": [{"function": {"name": "write_file", "arguments":
    "{\\"path\\": \\"app.py\\", \\"content\\": \\"imp"}}]}}]}`

    ## Fix
    None automatic (a logged response cannot be completed offline): raise
    `max_completion_tokens` and call again, and do not run the cut call.
    """
    resp = ctx.response
    choices = resp.get("choices") if resp else None
    if not isinstance(choices, list):
        return
    for c, choice in enumerate(choices):
        if not isinstance(choice, dict):
            continue
        finish = choice.get("finish_reason")
        if finish == "length":
            yield Violation(("choices", c, "finish_reason"),
                            "the completion stopped at the token limit (finish_reason 'length'): the "
                            "answer is cut", scope="response")
        elif finish == "content_filter":
            yield Violation(("choices", c, "finish_reason"),
                            "the completion was stopped by the content filter", scope="response")
        msg = choice.get("message")
        calls = msg.get("tool_calls") if isinstance(msg, dict) else None
        for k, call in enumerate(calls if isinstance(calls, list) else []):
            fn = call.get("function") if isinstance(call, dict) else None
            if isinstance(fn, dict) and _bad_arguments(fn.get("arguments")):
                yield Violation(("choices", c, "message", "tool_calls", k, "function", "arguments"),
                                f"arguments of tool call {call.get('id', '?')} ({fn.get('name', '?')}) are "
                                f"not a JSON object (cut output?): {redact_and_shorten(str(fn['arguments']), 60)!r}",
                                scope="response")


@rule("Q006", "response-not-completed", Severity.WARNING, needs="response", dialect=RESPONSES)
def response_not_completed(ctx: CheckContext) -> Iterator[Violation]:
    """A logged Responses object is not `completed`, or holds function-call arguments that do not parse.

    ## What it does
    Reports a logged `response` whose `status` is `incomplete`, `failed`, `cancelled` or
    `in_progress` (with `incomplete_details.reason` or `error.message` when present), and every
    `function_call` output item whose `arguments` are not a JSON object.

    ## Why is this bad?
    An `incomplete` response hit `max_output_tokens` (or a content filter): its last item is cut.
    A `failed` one carries an `error` instead of output; `in_progress` means the log caught a
    stream before its end.  A **warning**: the request itself was accepted.

    ## Example
    `{"object": "response", "status": "incomplete", "incomplete_details": {"reason":
    "max_output_tokens"}, "output": [{"type": "function_call", "arguments": "{\\"path\\": \\"a"}]}`

    ## Fix
    None automatic (a logged response cannot be completed offline): raise `max_output_tokens`
    and call again, and do not run a cut call.
    """
    resp = ctx.response
    if resp is None:
        return
    status = resp.get("status")
    if status in ("incomplete", "failed", "cancelled", "in_progress"):
        details = resp.get("incomplete_details")
        err = resp.get("error")
        why = details.get("reason") if isinstance(details, dict) else None
        if why is None and isinstance(err, dict):
            why = err.get("message") or err.get("code")
        yield Violation(("status",), f"the response is {status}" + (f" ({why})" if why else ""),
                        scope="response")
    output = resp.get("output")
    for k, item in enumerate(output if isinstance(output, list) else []):
        if _item_type(item) == "function_call" and _bad_arguments(item.get("arguments")):
            yield Violation(("output", k, "arguments"),
                            f"arguments of function_call {item.get('call_id', '?')} ({item.get('name', '?')}) "
                            f"are not a JSON object (cut output?): {str(item['arguments'])[:60]!r}",
                            scope="response")
