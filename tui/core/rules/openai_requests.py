"""Q (continued): roles, parameters and Responses items OpenAI refuses — per model where it depends.

The content-part rules are :mod:`tui.core.rules.openai_parts` (whose module docs say how the
model-dependent rules read ``data/openai_models.json``); these check a ``system`` / ``developer``
role, ``stop`` / ``max_tokens`` / ``temperature`` / ``web_search_options`` on models that refuse
them, ``temperature`` outside [0, 2], and a Responses ``reasoning`` item cut from the item it
belongs to.  API_RULES.md covers only Anthropic, so ``references`` is empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tui.core.findings import Applicability, Severity, Violation
from tui.core.repair import ops
from tui.core.rules.context import CheckContext
from tui.core.rules.openai_parts import _hedge, _is_openai, _messages, _model, _severity
from tui.core.rules.openai_payloads import CHAT, RESPONSES
from tui.core.rules.registry import rule


# -- Q010 ------------------------------------------------------------------------------------------

def role_text(i: int, role: str) -> str:
    return f"Unsupported value: 'messages[{i}].role' does not support '{role}' with this model."


@rule("Q010", "role-unsupported-by-model", Severity.ERROR, fix=Applicability.UNSAFE, dialect=CHAT)
def role_unsupported_by_model(ctx: CheckContext) -> Iterator[Violation]:
    """A `system` or `developer` message goes to a model that takes neither (o1-mini, o1-preview).

    ## What it does
    Reads `system_role` / `developer_role` from the OpenAI model table for the request's model
    and reports every message with a refused role.  Silent for models the table does not list.

    ## Why is this bad?
    The first o-series models took user and assistant messages only (the reasoning guide's
    "beta limitations"); a client with a default system prompt fails on every call.  OpenAI
    answers (BerriAI/litellm#5671, Lambdua/openai4j#62, CherryHQ/cherry-studio#1403; `param`
    `messages[0].role`, `code` `unsupported_value`): ``Unsupported value: 'messages[0].role'
    does not support 'system' with this model.``  (microsoft/agent-framework#1077 found o1-mini
    the only chat model still refusing it in 2025-10.)

    ## Example
    `{"model": "o1-mini", "messages": [{"role": "system", "content": "Be terse."}, {"role":
    "user", "content": "2+2?"}]}`

    ## Fix
    *Unsafe*: turn the message into a `user` message with the same content (what litellm does
    for these models): the model reads the instructions as the user's words.
    """
    caps = _model(ctx)
    if caps is None:
        return
    for i, msg in enumerate(_messages(ctx)):
        role = msg.get("role") if isinstance(msg, dict) else None
        if (role == "system" and not caps.system_role) or (role == "developer" and not caps.developer_role):
            field = f"{role}_role"
            yield Violation(
                ("messages", i, "role"),
                f"{ctx.request['model']} does not take {role} messages{_hedge(caps, field)}",
                api_error=role_text(i, role), severity=_severity(caps, field),
                fix=ops.unsafe(f"make messages[{i}] a user message", ops.replace(("messages", i, "role"), "user")))


# -- Q011 ------------------------------------------------------------------------------------------

STOP_TEXT = "Unsupported parameter: 'stop' is not supported with this model."
MAX_TOKENS_TEXT = ("Unsupported parameter: 'max_tokens' is not supported with this model. Use "
                   "'max_completion_tokens' instead.")


def temperature_default_text(value: Any) -> str:
    return (f"Unsupported value: 'temperature' does not support {json.dumps(value)} with this model. Only the "
            f"default (1) value is supported.")


@rule("Q011", "parameter-unsupported-by-model", Severity.ERROR, fix=Applicability.UNSAFE, dialect=CHAT)
def parameter_unsupported_by_model(ctx: CheckContext) -> Iterator[Violation]:
    """`stop`, `max_tokens` or a non-default `temperature` goes to a reasoning model that refuses it.

    ## What it does
    Reads `stop`, `max_tokens` and `temperature` from the OpenAI model table for the request's
    model: `stop` is refused by o3, o4-mini and the gpt-5 models up to 5.2 (the SDK's own
    docstring, public reports), `max_tokens` by the o-series (they want
    `max_completion_tokens`), any `temperature` other than 1 by the reasoning models.  A value
    the table does not know (gpt-5.1, gpt-6 …) gives no finding; an assumed one a warning.

    ## Why is this bad?
    Agent frameworks inject `stop: ["Observation:"]`; configs carry `temperature: 0` and
    `max_tokens` from the model before.  OpenAI answers (`code` `unsupported_parameter` /
    `unsupported_value`): ``Unsupported parameter: 'stop' is not supported with this model.``
    (huggingface/smolagents#1662, #1893; n8n-io/n8n#18149), ``Unsupported parameter:
    'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.``
    (CherryHQ/cherry-studio#1403), ``Unsupported value: 'temperature' does not support 0.5 with
    this model. Only the default (1) value is supported.`` (leafo/lua-openai#12; o3-mini words
    it ``Unsupported parameter: 'temperature' is not supported with this model.``,
    openai/openai-python#2104).

    ## Example
    `{"model": "gpt-5-mini", "stop": ["Observation:"], "messages": [...]}`

    ## Fix
    *Unsafe* each: remove `stop` (the output is no longer cut there) or `temperature` (the
    model's default applies); rename `max_tokens` to `max_completion_tokens` (on a reasoning
    model it also caps the hidden reasoning tokens, so raise it), or remove it when
    `max_completion_tokens` is set too.
    """
    caps = _model(ctx)
    if caps is None:
        return
    req, model = ctx.request, ctx.request.get("model")
    if caps.stop is False and req.get("stop") is not None:
        yield Violation(("stop",), f"{model} does not take `stop`{_hedge(caps, 'stop')}", api_error=STOP_TEXT,
                        severity=_severity(caps, "stop"),
                        fix=ops.unsafe("remove stop (the output is no longer cut at it)", ops.remove(("stop",))))
    if caps.max_tokens is False and req.get("max_tokens") is not None:
        if req.get("max_completion_tokens") is not None:
            fix = ops.unsafe("remove max_tokens (max_completion_tokens is set)", ops.remove(("max_tokens",)))
        else:
            fix = ops.unsafe("rename max_tokens to max_completion_tokens (it also caps reasoning tokens)",
                             ops.move(("max_tokens",), ("max_completion_tokens",)))
        yield Violation(("max_tokens",), f"{model} takes max_completion_tokens, not max_tokens"
                        f"{_hedge(caps, 'max_tokens')}", api_error=MAX_TOKENS_TEXT,
                        severity=_severity(caps, "max_tokens"), fix=fix)
    temp = req.get("temperature")
    if caps.temperature == "default-only" and isinstance(temp, (int, float)) and not isinstance(temp, bool) \
            and temp != 1:
        yield Violation(("temperature",), f"{model} takes only the default temperature (1), not {temp}"
                        f"{_hedge(caps, 'temperature')}", api_error=temperature_default_text(temp),
                        severity=_severity(caps, "temperature"),
                        fix=ops.unsafe("remove temperature (the default applies)", ops.remove(("temperature",))))


# -- Q012 ------------------------------------------------------------------------------------------

WEB_SEARCH_TEXT = "Web search options not supported with this model."


@rule("Q012", "web-search-options-unsupported", Severity.ERROR, fix=Applicability.UNSAFE, dialect=CHAT)
def web_search_options_unsupported(ctx: CheckContext) -> Iterator[Violation]:
    """`web_search_options` goes to a model that is not one of the Chat Completions search models.

    ## What it does
    Reports `web_search_options` when the OpenAI model table says the model does not take it:
    on Chat Completions only the dedicated search models (`gpt-4o-search-preview`,
    `gpt-4o-mini-search-preview`, `gpt-5-search-api`) do; the others search through the
    Responses API's `web_search` tool.  Silent for models the table does not list.

    ## Why is this bad?
    A client that always sends the search options (they are "optional" in the reference) fails
    on every ordinary model.  OpenAI answers (cpbotha/obsidian-ai-chat-as-md#5; `param`
    `web_search_options`): ``Web search options not supported with this model.``

    ## Example
    `{"model": "gpt-4.1", "web_search_options": {"search_context_size": "low"}, "messages": [...]}`

    ## Fix
    *Unsafe*: remove `web_search_options` (the answer is then not grounded in a search); to
    keep searching, use a search model or the Responses API's `web_search` tool.
    """
    caps = _model(ctx)
    if caps is None or caps.web_search_options or ctx.request.get("web_search_options") is None:
        return
    yield Violation(("web_search_options",), f"{ctx.request['model']} is not a search model: it does not take "
                    f"web_search_options{_hedge(caps, 'web_search_options')}", api_error=WEB_SEARCH_TEXT,
                    severity=_severity(caps, "web_search_options"),
                    fix=ops.unsafe("remove web_search_options (no web search then)", ops.remove(("web_search_options",))))


# -- Q013 ------------------------------------------------------------------------------------------

def temperature_range_text(value: float) -> str:
    if value > 2:
        return (f"Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got "
                f"{json.dumps(value)} instead.")
    return (f"Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got "
            f"{json.dumps(value)} instead.")


@rule("Q013", "openai-temperature-out-of-range", Severity.ERROR, fix=Applicability.UNSAFE, dialect="any")
def openai_temperature_out_of_range(ctx: CheckContext) -> Iterator[Violation]:
    """`temperature` in an OpenAI request is outside [0, 2].

    ## What it does
    Checks `temperature` of Chat Completions and Responses requests (both SDK docstrings: "between
    0 and 2"; Anthropic requests are A002's, whose range is [0, 1]).

    ## Why is this bad?
    A UI slider on the wrong scale, or a percentage (`temperature: 70`).  OpenAI answers (`param`
    `temperature`, `code` `decimal_above_max_value` / `decimal_below_min_value`, as quoted in
    public test fixtures and LiteLLM's error extraction): ``Invalid 'temperature': decimal above
    maximum value. Expected a value <= 2, but got 2.5 instead.`` and ``Invalid 'temperature':
    decimal below minimum value. Expected a value >= 0, but got -2.5 instead.``  The Responses
    API's wording was not found verbatim; it is taken to be the same.

    ## Example
    `{"model": "gpt-4.1", "temperature": 2.5, "messages": [...]}`

    ## Fix
    *Unsafe*: clamp to the nearest bound (0 or 2); the sampling changes from what was asked.
    """
    if not _is_openai(ctx):
        return
    temp = ctx.request.get("temperature")
    if not isinstance(temp, (int, float)) or isinstance(temp, bool) or 0 <= temp <= 2:
        return
    bound = 2 if temp > 2 else 0
    yield Violation(("temperature",), f"temperature {temp} is outside [0, 2]", api_error=temperature_range_text(temp),
                    fix=ops.unsafe(f"clamp temperature to {bound}", ops.replace(("temperature",), bound)))


# -- Q014 ------------------------------------------------------------------------------------------

def reasoning_text(item_id: str) -> str:
    return f"Item '{item_id}' of type 'reasoning' was provided without its required following item."


_NOT_A_FOLLOWER = frozenset({"reasoning", "function_call_output", "custom_tool_call_output",
                             "computer_call_output", "local_shell_call_output", "shell_call_output",
                             "apply_patch_call_output", "mcp_approval_response", "item_reference"})


def _follows_reasoning(item: Any) -> bool:
    """An output item the reasoning produced: an assistant message or a call (not a user turn)."""
    if not isinstance(item, dict):
        return False
    itype = item.get("type")
    if itype is None or itype == "message":
        return item.get("role") == "assistant"
    return isinstance(itype, str) and itype not in _NOT_A_FOLLOWER


@rule("Q014", "reasoning-item-without-following-item", Severity.ERROR, fix=Applicability.UNSAFE,
      dialect=RESPONSES)
def reasoning_item_without_following_item(ctx: CheckContext) -> Iterator[Violation]:
    """A Responses `reasoning` item with an `id` is not followed by the output item it belongs to.

    ## What it does
    For every `reasoning` item in `input` that carries an `id` (`rs_…`), checks that the next
    item is what the model produced after that reasoning: an assistant `message` or a call
    (`function_call`, `web_search_call`, …).  A reasoning item at the end of `input`, or followed
    by a user message, a tool output or another reasoning item, is reported.

    ## Why is this bad?
    Replayed history that kept the reasoning but dropped or reordered the assistant's answer
    (a client that filters items, a stream interrupted after the reasoning) is rejected
    (continuedev/continue#8933, openai/openai-node#1567, vercel/ai#7099; `param` `input`):
    ``Item 'rs_…' of type 'reasoning' was provided without its required following item.``

    ## Example
    ```json
    {"model": "gpt-5", "input": [{"role": "user", "content": "hi"},
      {"type": "reasoning", "id": "rs_1", "summary": []},
      {"role": "user", "content": "and now?"}]}
    ```

    ## Fix
    *Unsafe*: drop the reasoning item (the model loses that turn's reasoning; the openai-agents
    SDK's `reasoning_item_id_policy="omit"` is the other way out: it keeps the content, drops
    the id).  If the answer item exists later in `input`, move it back by hand.
    """
    inp = ctx.request.get("input")
    items = inp if isinstance(inp, list) else []
    for k, item in enumerate(items):
        if not isinstance(item, dict) or item.get("type") != "reasoning" or not isinstance(item.get("id"), str):
            continue
        nxt = items[k + 1] if k + 1 < len(items) else None
        if _follows_reasoning(nxt):
            continue
        what = "ends the input" if nxt is None else "is followed by " + (
            f"a {nxt.get('role')} message" if isinstance(nxt, dict) and nxt.get("role") else
            f"a {nxt.get('type')} item" if isinstance(nxt, dict) else "a non-item")
        yield Violation(("input", k), f"reasoning item {item['id']} {what}, not by the output it produced",
                        api_error=reasoning_text(item["id"]),
                        fix=ops.unsafe(f"drop the reasoning item {item['id']}", ops.remove(("input", k))))


