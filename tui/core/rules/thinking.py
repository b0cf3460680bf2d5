"""T: extended thinking (API_RULES.md §5, THINK-01 … THINK-11).

What can be checked offline, and what cannot:

* THINK-01, -02, -03, -06, -07, -08, -09, -10 and -11 are properties of the request alone
  (T001 … T009 below).
* **THINK-04** (forged, foreign or cross-account signature) is *not* checked.  A signature is
  verified with keys only the API holds; a string that looks like a real signature may still be
  bound to another conversation, model or account, and a placeholder may look like base64.
  Anything we said would be a guess, so no rule claims it.  A *missing* signature is THINK-03
  (T003).  When the API has already answered with the THINK-04 text, the logged-error family
  (E) explains it.
* **THINK-05** (the latest assistant message's thinking blocks edited, reordered or dropped) is
  *not* checked either.  It needs the original response that produced that assistant message,
  i.e. the response of the *previous* exchange of the session.  A rule here sees one exchange:
  its logged ``response`` is the answer to *this* request, which comes after the message in
  question, so comparing against it proves nothing.  What we do instead is avoid *causing*
  THINK-05: fixes that would reorder or drop blocks of the latest assistant message are marked
  unsafe (T002, T003, T009) and say why.

"Thinking on" means ``thinking.type`` is ``enabled`` or ``adaptive`` (``CheckContext.thinking_on``).
Models of the 5.x generation think when the request has no ``thinking`` key at all (the capability
table's ``thinking_default``); T007 takes that into account.  ``between_tools`` (Sonnet 5.5) is
thinking off, with the short progress notes between tool calls returned as thinking blocks
(anthropic/types/thinking_types.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from tui.core.capabilities import EFFORT_LEVELS, ModelCaps
from tui.core.findings import Applicability, Fix, Severity, Violation
from tui.core.repair import ops
from tui.core.rules.context import BlockRef, CheckContext, Turn
from tui.core.rules.params import effective_effort, sampling_removed
from tui.core.rules.registry import rule

THINKING_TYPES = ("thinking", "redacted_thinking")
SERVER_TOOL_CALLS = ("server_tool_use", "mcp_tool_use")
MIN_BUDGET = 1024
DOCS = "https://docs.claude.com/en/docs/build-with-claude/extended-thinking"

# THINK-08: the docs allow top_p in [0.95, 1] with thinking ("you can set top_p to values between
# 1 and 0.95"); anything lower is a modification the API refuses.
MIN_TOP_P_WITH_THINKING = 0.95


def think01_text(message: int, index: int, found: str) -> str:
    """THINK-01 as the API prints it (the API's own spelling: "preceeding", "lastmost")."""
    return (f"messages.{message}.content.{index}.type: Expected `thinking` or `redacted_thinking`, "
            f"but found `{found}`. When `thinking` is enabled, a final `assistant` message must "
            f"start with a thinking block (preceeding the lastmost set of `tool_use` and "
            f"`tool_result` blocks). We recommend you include thinking blocks from previous turns. "
            f"To avoid this requirement, disable `thinking`. Please consult our documentation at "
            f"{DOCS}")


def think02_text(message: int, found: str) -> str:
    return (f"messages.{message}.content.0: If an assistant message contains any thinking blocks, "
            f"the first block must be thinking or redacted_thinking. Found {found}.")


# -- small helpers -------------------------------------------------------------------------

def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_thinking(b: BlockRef) -> bool:
    return b.type in THINKING_TYPES


def _thinking_config(ctx: CheckContext) -> dict[str, Any]:
    t = ctx.request.get("thinking")
    return t if isinstance(t, dict) else {}


def _beta_header(ctx: CheckContext) -> str:
    """The logged ``anthropic-beta`` header (case-insensitive key), or ``""``."""
    headers = ctx.exchange.headers if ctx.exchange else None
    if not isinstance(headers, dict):
        return ""
    for k, v in headers.items():
        if isinstance(k, str) and k.lower() == "anthropic-beta" and isinstance(v, str):
            return v
    return ""


def _disable_thinking(title: str) -> Fix:
    return ops.unsafe(title, ops.remove(("thinking",)))


def unsupported_type_text(ttype: str) -> str:
    """The API's text for a ``thinking.type`` the model refuses, on models with adaptive thinking
    (seen for ``enabled`` and, on Opus 5.5, ``disabled``)."""
    return (f'"thinking.type.{ttype}" is not supported for this model. Use "thinking.type.adaptive" '
            f'and "output_config.effort" to control thinking behavior.')


def _set_effort_ops(ctx: CheckContext, level: str) -> list[ops.Op]:
    oc = ctx.request.get("output_config")
    if isinstance(oc, dict):
        return [ops.add(("output_config", "effort"), level)]
    return [ops.add(("output_config",), {"effort": level})]


def _interleaved(ctx: CheckContext) -> bool:
    """The model returns thinking between tool calls: by itself (capability table) or through the
    interleaved-thinking beta header."""
    if ctx.caps is not None and ctx.caps.interleaved_thinking:
        return True
    return any(b.startswith("interleaved-thinking") for b in ctx.betas)


def _latest_assistant_message(ctx: CheckContext) -> int | None:
    latest = None
    for i, msg in ctx.messages():
        if msg.get("role") == "assistant":
            latest = i
    return latest


def _content_list(ctx: CheckContext, i: int) -> list[Any]:
    content = ctx.request["messages"][i].get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    return list(content) if isinstance(content, list) else []


def _drop_block_ops(ctx: CheckContext, b: BlockRef) -> list[ops.Op]:
    """Remove one block; remove its message instead when it would be left empty (CONTENT-01)."""
    if b.index is None:
        return [ops.remove(("messages", b.message))]
    others = [x for j, x in enumerate(_content_list(ctx, b.message)) if j != b.index]
    if not others:
        return [ops.remove(("messages", b.message))]
    return [ops.remove(b.path)]


# -- the current tool loop (THINK-01) ------------------------------------------------------

def _starts_with_results(turn: Turn) -> bool:
    return bool(turn.blocks) and turn.blocks[0].type == "tool_result"


def _has_tool_use(turn: Turn) -> bool:
    return any(b.type == "tool_use" for b in turn.blocks)


def _current_tool_loop(ctx: CheckContext) -> list[Turn]:
    """The assistant turns of the tool loop the request is in the middle of, oldest first.

    The request is inside a loop when it ends with a user turn that holds `tool_result` blocks
    answering an assistant turn with `tool_use`.  Walking back, the loop continues through
    user turns that *start* with tool results; it ends at a user turn that starts with
    anything else (a genuine user message).  Empty when the request is not inside a loop.
    """
    turns = ctx.turns
    if len(turns) < 2:
        return []
    last = turns[-1]
    if last.role != "user" or not any(b.type == "tool_result" for b in last.blocks):
        return []
    loop: list[Turn] = []
    t = len(turns) - 2
    while t >= 0 and turns[t].role == "assistant" and _has_tool_use(turns[t]):
        loop.append(turns[t])
        if t - 1 >= 0 and turns[t - 1].role == "user" and _starts_with_results(turns[t - 1]):
            t -= 2
            continue
        break
    return list(reversed(loop))


# -- rules ---------------------------------------------------------------------------------

@rule("T001", "final-turn-missing-thinking", Severity.ERROR, references=("THINK-01",),
      fix=Applicability.UNSAFE)
def final_turn_missing_thinking(ctx: CheckContext) -> Iterator[Violation]:
    """With thinking on, the assistant turn of the current tool loop has no thinking block.

    ## What it does
    When thinking is on (`enabled` or `adaptive`) and the request ends with `tool_result`
    blocks, looks at the assistant turns of that tool loop (back to the last genuine user
    message).  If none of them holds a `thinking` or `redacted_thinking` block, the final one,
    the assistant turn right before the last `tool_result` set, is reported.  Assistant turns
    before the current tool loop may lack thinking: the API only needs the current loop's
    reasoning.  A loop whose first turn starts with thinking and whose later turns do not is
    what the model itself returns without interleaved thinking (it thinks once per turn), so it
    is not reported.  An assistant turn that *contains* thinking but not first is T002.

    ## Why is this bad?
    Proxies, compaction and provider switches strip thinking blocks; the API then refuses the
    tool loop:
    ``messages.47.content.0.type: Expected `thinking` or `redacted_thinking`, but found `text`.
    When `thinking` is enabled, a final `assistant` message must start with a thinking block
    (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you
    include thinking blocks from previous turns. To avoid this requirement, disable `thinking`.
    Please consult our documentation at
    https://docs.claude.com/en/docs/build-with-claude/extended-thinking``
    (older reports show the `docs.anthropic.com` host).

    ## Example
    ```json
    {"thinking": {"type": "enabled", "budget_tokens": 2048},
     "messages": [{"role": "user", "content": "Weather in Paris?"},
                  {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}]},
                  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"}]}]}
    ```

    ## Fix
    *Unsafe*: disable thinking (remove `thinking`), as the API error itself suggests.  The
    thinking blocks that were stripped cannot be re-created: a signature cannot be forged, so
    the only other repair is restoring the original blocks from the logged response by hand.
    """
    if not ctx.thinking_on:
        return
    loop = _current_tool_loop(ctx)
    if not loop:
        return
    if any(_is_thinking(b) for turn in loop for b in turn.blocks):
        return  # thinking somewhere in the loop: fine, or T002's case
    final = loop[-1]
    first = final.blocks[0]
    found = first.type or "unknown"
    yield Violation(
        first.path,
        f"thinking is {ctx.thinking_type}, but the assistant turn before the last tool_result set "
        f"starts with {found}, and no assistant turn of this tool loop has a thinking block",
        api_error=think01_text(first.message, first.index or 0, found),
        related=(ctx.turns[-1].blocks[0].path, *(t.blocks[0].path for t in loop[:-1])),
        fix=_disable_thinking("disable extended thinking (remove `thinking`)"),
    )


@rule("T002", "thinking-not-first", Severity.ERROR, references=("THINK-02",),
      fix=Applicability.UNSAFE)
def thinking_not_first(ctx: CheckContext) -> Iterator[Violation]:
    """An assistant turn contains thinking blocks, but its first block is something else.

    ## What it does
    For every (merged) assistant turn that holds a `thinking` or `redacted_thinking` block,
    checks that the first block is one.  Checked whether or not thinking is on: the block
    order is part of the message schema (with thinking off the finding is a warning, since the
    API may then ignore old thinking blocks).

    ## Why is this bad?
    Clients that rebuild messages (text first, then reasoning) or merge two assistant messages
    get ``messages.51.content.0: If an assistant message contains any thinking blocks, the
    first block must be thinking or redacted_thinking. Found text.``

    ## Example
    ```json
    {"role": "assistant", "content": [{"type": "text", "text": "Let me check."},
                                      {"type": "thinking", "thinking": "…", "signature": "EqQB…"}]}
    ```

    ## Fix
    Move the thinking blocks to the front, keeping every block and the order within each
    group.  *Safe* for older assistant turns (nothing is lost or changed).  *Unsafe* when the
    turn holds the latest assistant message: the API refuses edits to that message's thinking
    blocks (the API: "These blocks must remain as they were in the original response"), so
    the reorder may trade this error for that one.
    """
    latest = _latest_assistant_message(ctx)
    interleaved = _interleaved(ctx)
    for turn in ctx.turns:
        if turn.role != "assistant" or not turn.blocks:
            continue
        if not any(_is_thinking(b) for b in turn.blocks) or _is_thinking(turn.blocks[0]):
            continue
        first = turn.blocks[0]
        if interleaved and first.type in SERVER_TOOL_CALLS:
            continue  # the API's own order: the server tool ran, then the model thought
        found = first.type or "unknown"
        thinking = [b.block for b in turn.blocks if _is_thinking(b)]
        others = [b.block for b in turn.blocks if not _is_thinking(b)]
        reorder = [ops.replace(("messages", turn.messages[0], "content"), [*thinking, *others])]
        reorder += ops.remove_many([("messages", i) for i in turn.messages[1:]])
        title = "move the thinking blocks to the front of the assistant turn"
        if latest is not None and latest in turn.messages:
            fix = ops.unsafe(title + " (latest assistant message: the API may reject the edited thinking blocks)", *reorder)
        else:
            fix = ops.safe(title, *reorder)
        yield Violation(
            first.path,
            f"assistant turn contains thinking blocks but starts with {found}",
            api_error=think02_text(turn.messages[0], found),
            related=tuple(b.path for b in turn.blocks if _is_thinking(b)),
            fix=fix,
            severity=None if ctx.thinking_on else Severity.WARNING,
        )


@rule("T003", "thinking-missing-signature", Severity.ERROR, references=("THINK-03",),
      fix=Applicability.UNSAFE)
def thinking_missing_signature(ctx: CheckContext) -> Iterator[Violation]:
    """A `thinking` block has no `signature`.

    ## What it does
    Finds `thinking` blocks whose `signature` is missing, null, empty or not a string.

    ## Why is this bad?
    Proxies that translate from other providers (or synthesize reasoning) drop or never had
    the signature.  The API requires it:
    ``messages.1.content.0.thinking.signature: Field required``.  An empty or non-string
    signature cannot be valid either (the API's ``Invalid `signature` in `thinking` block``).

    ## Example
    `{"type": "thinking", "thinking": "The user wants…"}`

    ## Fix
    *Unsafe*: drop the block (its message too, if it held nothing else).  A signature cannot
    be made up.  Dropping the thinking of the current tool loop can then raise T001 (fixed by
    disabling thinking).
    """
    for _, b in ctx.all_blocks():
        if b.type != "thinking":
            continue
        sig = b.block.get("signature")
        if isinstance(sig, str) and sig:
            continue
        j = b.index if b.index is not None else 0
        if "signature" not in b.block:
            what, api = "has no signature", f"messages.{b.message}.content.{j}.thinking.signature: Field required"
        else:
            what, api = f"has an unusable signature ({sig!r})", None
        yield Violation(
            (*b.path, "signature") if "signature" in b.block else b.path,
            f"thinking block {what}; the API only accepts thinking it signed",
            api_error=api,
            fix=ops.unsafe("drop the unsigned thinking block", *_drop_block_ops(ctx, b)),
        )


@rule("T004", "thinking-budget-too-small", Severity.ERROR, references=("THINK-06",),
      fix=Applicability.UNSAFE)
def thinking_budget_too_small(ctx: CheckContext) -> Iterator[Violation]:
    """`thinking.budget_tokens` is below the minimum of 1024.

    ## What it does
    Checks `budget_tokens` of `{"type": "enabled"}` thinking.

    ## Why is this bad?
    The minimum budget is 1024 tokens:
    ``thinking.enabled.budget_tokens: Input should be greater than or equal to 1024``.
    Gateways that map an OpenAI `reasoning_effort: "low"` to a small number hit it.

    ## Example
    `{"thinking": {"type": "enabled", "budget_tokens": 512}, "max_tokens": 4096}`

    ## Fix
    *Unsafe*: raise the budget to 1024 (it changes how much the model may think).  When
    `max_tokens` is not above 1024, it is raised to 2048 too, so the new budget fits (the budget must be below `max_tokens`).
    """
    cfg = _thinking_config(ctx)
    budget = cfg.get("budget_tokens")
    if ctx.thinking_type != "enabled" or not _is_int(budget) or budget >= MIN_BUDGET:
        return
    fix_ops = [ops.replace(("thinking", "budget_tokens"), MIN_BUDGET)]
    title = f"raise thinking.budget_tokens to {MIN_BUDGET}"
    max_tokens = ctx.request.get("max_tokens")
    if _is_int(max_tokens) and max_tokens <= MIN_BUDGET:
        fix_ops.append(ops.replace(("max_tokens",), 2 * MIN_BUDGET))
        title += f" and max_tokens to {2 * MIN_BUDGET}"
    yield Violation(
        ("thinking", "budget_tokens"),
        f"thinking budget {budget} is below the minimum of {MIN_BUDGET}",
        api_error="thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
        fix=ops.unsafe(title, *fix_ops),
    )


@rule("T005", "thinking-budget-exceeds-max-tokens", Severity.ERROR, references=("THINK-07",),
      fix=Applicability.UNSAFE)
def thinking_budget_exceeds_max_tokens(ctx: CheckContext) -> Iterator[Violation]:
    """`thinking.budget_tokens` is not below `max_tokens`.

    ## What it does
    Compares `budget_tokens` of `{"type": "enabled"}` thinking with `max_tokens`.  Skipped when
    the request has tools and the logged `anthropic-beta` header turns on interleaved thinking:
    the docs allow the budget to exceed `max_tokens` then.

    ## Why is this bad?
    The budget is part of the output: `max_tokens` must leave room for it.  Proxies that lower
    `max_tokens` without touching the budget get
    ``` `max_tokens` must be greater than `thinking.budget_tokens`. Please consult our
    documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size ```

    ## Example
    `{"max_tokens": 4096, "thinking": {"type": "enabled", "budget_tokens": 8000}}`

    ## Fix
    *Unsafe*: lower the budget to `max_tokens - 1` (the model may think less).  When that would
    fall below the 1024 minimum, raise `max_tokens` to `budget_tokens + 1` instead (a longer,
    costlier answer is allowed).
    """
    cfg = _thinking_config(ctx)
    budget, max_tokens = cfg.get("budget_tokens"), ctx.request.get("max_tokens")
    if ctx.thinking_type != "enabled" or not _is_int(budget) or not _is_int(max_tokens):
        return
    if budget < max_tokens or budget < MIN_BUDGET:
        return  # below the minimum: T004 speaks first
    if ctx.tools and "interleaved-thinking" in _beta_header(ctx):
        return
    if max_tokens - 1 >= MIN_BUDGET:
        fix = ops.unsafe(f"lower thinking.budget_tokens to {max_tokens - 1} (max_tokens - 1)",
                         ops.replace(("thinking", "budget_tokens"), max_tokens - 1))
    else:
        fix = ops.unsafe(f"raise max_tokens to {budget + 1} (budget_tokens + 1)",
                         ops.replace(("max_tokens",), budget + 1))
    yield Violation(
        ("thinking", "budget_tokens"),
        f"thinking budget {budget} is not below max_tokens {max_tokens}",
        api_error=("`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our "
                   f"documentation at {DOCS}#max-tokens-and-context-window-size"),
        related=(("max_tokens",),),
        fix=fix,
    )


@rule("T006", "thinking-with-sampling-params", Severity.ERROR, references=("THINK-08",),
      fix=Applicability.UNSAFE)
def thinking_with_sampling_params(ctx: CheckContext) -> Iterator[Violation]:
    """Thinking is on and `temperature` is not 1, or `top_p`/`top_k` are modified.

    ## What it does
    With thinking `enabled` or `adaptive`, reports `temperature` other than 1, `top_p` below
    0.95 (the docs allow 0.95–1 with thinking) and any `top_k`.  Skipped for models that
    refuse sampling parameters altogether (A004 reports those), and for API versions from
    2026-10-21 on, which refuse every sampling parameter (A011).

    ## Why is this bad?
    Thinking samples at temperature 1.  The API answers
    ``temperature may only be set to 1 when thinking is enabled or in adaptive mode`` (2026
    wording; before: `` `temperature` may only be set to 1 when thinking is enabled. Please
    consult our documentation at …``).  The docs also say thinking "isn't compatible with
    `temperature`, `top_p`, or `top_k` modifications"; no exact error text is known for
    `top_p` and `top_k`.

    ## Example
    `{"thinking": {"type": "enabled", "budget_tokens": 2048}, "temperature": 0.2}`

    ## Fix
    *Unsafe*: set `temperature` to 1, and drop `top_p`/`top_k` (the requested sampling is
    given up).  The other way out, disabling thinking, gives up the reasoning instead.
    """
    if not ctx.thinking_on:
        return
    if ctx.caps is not None and ctx.caps.sampling == "deprecated":
        return
    if sampling_removed(ctx):
        return
    req = ctx.request
    temp = req.get("temperature")
    if _is_number(temp) and temp != 1:
        yield Violation(
            ("temperature",),
            f"temperature {temp} with thinking {ctx.thinking_type}: only 1 is allowed",
            api_error="temperature may only be set to 1 when thinking is enabled or in adaptive mode",
            related=(("thinking",),),
            fix=ops.unsafe("set temperature to 1", ops.replace(("temperature",), 1)),
        )
    top_p = req.get("top_p")
    if _is_number(top_p) and top_p < MIN_TOP_P_WITH_THINKING:
        yield Violation(
            ("top_p",),
            f"top_p {top_p} with thinking {ctx.thinking_type}: thinking allows only 0.95 to 1",
            related=(("thinking",),),
            fix=ops.unsafe("drop top_p", ops.remove(("top_p",))),
        )
    if "top_k" in req and req["top_k"] is not None:
        yield Violation(
            ("top_k",),
            f"top_k with thinking {ctx.thinking_type}: thinking is not compatible with top_k",
            related=(("thinking",),),
            fix=ops.unsafe("drop top_k", ops.remove(("top_k",))),
        )


def _auto_choice(choice: dict[str, Any]) -> dict[str, Any]:
    """``tool_choice`` relaxed to ``auto``, keeping ``disable_parallel_tool_use``."""
    out: dict[str, Any] = {"type": "auto"}
    if "disable_parallel_tool_use" in choice:
        out["disable_parallel_tool_use"] = choice["disable_parallel_tool_use"]
    return out


def _thinking_off_fix(ctx: CheckContext, caps: ModelCaps, title: str) -> Fix:
    """Turn thinking off on a model that thinks by default: ``disabled``, with the effort lowered
    when the model allows thinking off only up to some level."""
    fix_ops = [ops.add(("thinking",), {"type": "disabled"})]
    limit = caps.thinking_off_max_effort
    effort = effective_effort(ctx)
    if limit in EFFORT_LEVELS and effort in EFFORT_LEVELS and EFFORT_LEVELS.index(effort) > EFFORT_LEVELS.index(limit):
        fix_ops += _set_effort_ops(ctx, limit)
        title += f" and lower output_config.effort to {limit}"
    return ops.unsafe(title, *fix_ops)


@rule("T007", "thinking-with-forced-tool", Severity.ERROR, references=("THINK-09",),
      fix=Applicability.UNSAFE)
def thinking_with_forced_tool(ctx: CheckContext) -> Iterator[Violation]:
    """`tool_choice` forces tool use (`any` or `tool`) while the model thinks, or on a model that refuses forced tool use.

    ## What it does
    Reports `tool_choice` of type `any` or `tool` when:
    * the model refuses forced tool use altogether (capability table `forced_tool_choice`:
      Opus 5.5, Sonnet 5.5, Fable 5.1 and 5.2, Mythos 5.1 and 5.2), whatever the thinking;
    * manual thinking is on (`thinking.type: "enabled"` with a budget), on any model;
    * the model thinks adaptively (`thinking.type: "adaptive"`, or no `thinking` key on a model
      that thinks by default: no `thinking` key does not mean "off" on the 5.x models) and the
      table says the model does not take a forced tool while thinking adaptively.  Adaptive
      thinking with a forced tool is accepted on Opus 4.6 (a logged 200 shows it) and, by the
      table, on the other adaptive models that take forced tool use at all, so it is not
      reported there.  For a model the table does not know, adaptive thinking is reported as
      before.

    ## Why is this bad?
    Forced tool use prefills the assistant turn with the call, leaving no room to think:
    ``Thinking may not be enabled when tool_choice forces tool use.``  (OpenRouter silently
    drops thinking instead, so a request that worked there fails on the first-party API.)  On
    Opus 5.5, Sonnet 5.5 and Fable 5.1 "forced tool use returns an error" (their migration
    guides; the exact text is not in our sources).

    ## Example
    `{"thinking": {"type": "enabled", "budget_tokens": 2048}, "tool_choice": {"type": "any"}}`

    ## Fix
    *Unsafe* in every case.  Manual thinking on a model that takes a forced tool while thinking
    adaptively: switch to adaptive thinking (the budget is dropped), which keeps both.
    Otherwise, where thinking can be turned off: turn it off (remove `thinking`, or send
    `{"type": "disabled"}` on a model that thinks by default, lowering the effort when the model
    allows thinking off only up to `high`), which keeps the forced call the application relies
    on (often structured output).  On a model that cannot stop thinking or refuses forced tool
    use: relax `tool_choice` to `auto` (the model may then answer without calling the tool).
    """
    choice = ctx.request.get("tool_choice")
    if not isinstance(choice, dict) or choice.get("type") not in ("any", "tool"):
        return
    forced = choice["type"]
    caps = ctx.caps
    model = ctx.model or "?"
    relax = ops.unsafe("relax tool_choice to auto (the model may answer without the tool)",
                       ops.replace(("tool_choice",), _auto_choice(choice)))
    if caps is not None and not caps.forced_tool_choice:
        yield Violation(
            ("tool_choice", "type"),
            f"{model} refuses forced tool use (tool_choice {forced!r}); it picks its tools itself",
            related=(("thinking",),) if "thinking" in ctx.request else (),
            fix=relax,
        )
        return
    explicit = ctx.thinking_type
    by_default = explicit is None and caps is not None and caps.thinks_by_default
    mode = caps.thinking_default if by_default and caps is not None else explicit
    if mode not in ("enabled", "adaptive"):
        return
    if mode == "adaptive" and caps is not None and caps.forced_tool_with_thinking:
        return
    if by_default:
        assert caps is not None
        what = f"{model} thinks by default ({mode}; the request has no `thinking` key)"
    else:
        what = f"thinking is {mode}"
    if caps is not None and mode == "enabled" and caps.forced_tool_with_thinking and "adaptive" in caps.thinking:
        cfg = {k: v for k, v in _thinking_config(ctx).items() if k != "budget_tokens"}
        fix = ops.unsafe("switch to adaptive thinking (drops budget_tokens), which takes the forced tool",
                         ops.replace(("thinking",), {**cfg, "type": "adaptive"}))
    elif caps is None or not caps.thinks_by_default:
        fix = _disable_thinking("disable extended thinking (remove `thinking`), keep the forced tool")
    elif caps.thinking_off:
        fix = _thinking_off_fix(ctx, caps, "turn thinking off (thinking.type disabled), keep the forced tool")
    else:
        fix = relax
    yield Violation(
        ("tool_choice", "type"),
        f"tool_choice {forced!r} forces tool use while {what}",
        api_error="Thinking may not be enabled when tool_choice forces tool use.",
        related=(("thinking",),) if not by_default else (("model",),),
        fix=fix,
    )


@rule("T008", "thinking-type-unsupported", Severity.ERROR, references=("THINK-10",),
      fix=Applicability.UNSAFE, model_dependent=True)
def thinking_type_unsupported(ctx: CheckContext) -> Iterator[Violation]:
    """The model does not accept this `thinking.type` (or no thinking at all), or not at this effort.

    ## What it does
    Looks the model up in the capability table (`thinking` and `thinking_off`, from the thinking
    troubleshooting page and each model's migration guide):
    * `enabled` (manual budget): only models before the 4.7 generation and Mythos Preview;
    * `adaptive`: Opus 4.6 / Sonnet 4.6 and later, Mythos Preview;
    * `disabled`: refused by the models that always think (Opus 5.5, Fable 5 and later, the
      Mythos 5 models) and by Sonnet 5.5, which takes `between_tools` instead;
    * `between_tools`: Sonnet 5.5 only;
    * some older models take no thinking at all (`disabled` is accepted there: the SDK's
      `ThinkingTypes` says so).
    It also reports thinking off (`disabled` / `between_tools`) with an effort above the one the
    model allows with thinking off: Opus 5 and Haiku 5.5 take `disabled`, and Sonnet 5.5
    `between_tools`, only at effort `high` or below (the effort sent, else the model's default).

    ## Why is this bad?
    Switching models without switching the thinking config fails:
    ``"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive"
    and "output_config.effort" to control thinking behavior.`` (the same text names `disabled`
    on Opus 5.5), or ``adaptive thinking is not supported on this model``.  No exact text is
    known for `between_tools`, for a model without thinking support, or for thinking off at too
    high an effort.

    ## Example
    `{"model": "claude-opus-5-5", "thinking": {"type": "disabled"}}`

    ## Fix
    *Unsafe* in every case: `enabled` → `adaptive` (the fixed budget is dropped; the model
    decides how much to think); `adaptive` → `enabled` with `budget_tokens` =
    max(1024, max_tokens / 2) (a budget we chose); `disabled` → `between_tools` on Sonnet 5.5,
    else remove `thinking` (the model thinks adaptively; lower `output_config.effort` to make it
    think less); `between_tools` → `disabled` where that is accepted, else remove `thinking`;
    too high an effort with thinking off → lower the effort to the highest allowed; on a model
    without thinking, or when `max_tokens` leaves no room for a budget, remove `thinking`.
    """
    caps = ctx.caps
    ttype = ctx.thinking_type
    if caps is None or ttype not in ("enabled", "adaptive", "disabled", "between_tools"):
        return
    model = ctx.model or "?"
    accepted = caps.thinking_off if ttype == "disabled" else ttype in caps.thinking
    if accepted:
        yield from _thinking_off_effort(ctx, caps, ttype)
        return
    cfg = _thinking_config(ctx)
    if not caps.thinking:
        yield Violation(("thinking", "type"), f"{model} does not support extended thinking",
                        fix=_disable_thinking("remove `thinking` (the model cannot think)"))
        return
    accepts = [*caps.thinking, *(["disabled"] if caps.thinking_off else [])]
    api: str | None
    if ttype == "enabled":
        api = unsupported_type_text("enabled")
        if "adaptive" in caps.thinking:
            new = {**{k: v for k, v in cfg.items() if k != "budget_tokens"}, "type": "adaptive"}
            fix = ops.unsafe("switch to adaptive thinking (drops budget_tokens)",
                             ops.replace(("thinking",), new))
        else:
            fix = _disable_thinking("remove `thinking`")
    elif ttype == "adaptive":
        api = "adaptive thinking is not supported on this model"
        max_tokens = ctx.request.get("max_tokens")
        if "enabled" in caps.thinking and _is_int(max_tokens) and max_tokens > MIN_BUDGET:
            budget = max(MIN_BUDGET, max_tokens // 2)
            new = {**cfg, "type": "enabled", "budget_tokens": budget}
            fix = ops.unsafe(f"switch to enabled thinking with budget_tokens {budget}",
                             ops.replace(("thinking",), new))
        else:
            fix = _disable_thinking("remove `thinking` (no room for a thinking budget)")
    elif ttype == "disabled":
        api = unsupported_type_text("disabled") if "adaptive" in caps.thinking else None
        if "between_tools" in caps.thinking:
            fix = ops.unsafe("use thinking between_tools, this model's way to turn up-front thinking off",
                             ops.replace(("thinking",), {"type": "between_tools"}))
        else:
            fix = _disable_thinking("remove `thinking` (the model then thinks adaptively; lower "
                                    "output_config.effort to make it think less)")
    else:  # between_tools
        api = None
        if caps.thinking_off:
            fix = ops.unsafe("use thinking disabled (between_tools is Sonnet 5.5's)",
                             ops.replace(("thinking",), {"type": "disabled"}))
        else:
            fix = _disable_thinking("remove `thinking` (the model then thinks adaptively)")
    yield Violation(
        ("thinking", "type"),
        f"{model} accepts thinking type {' or '.join(accepts)}, not {ttype}",
        api_error=api,
        fix=fix,
    )


def _thinking_off_effort(ctx: CheckContext, caps: ModelCaps, ttype: str) -> Iterator[Violation]:
    """Thinking off at an effort above what the model allows with thinking off (T008)."""
    limit = caps.thinking_off_max_effort
    if ttype not in ("disabled", "between_tools") or limit not in EFFORT_LEVELS:
        return
    effort = effective_effort(ctx)
    if effort not in EFFORT_LEVELS or EFFORT_LEVELS.index(effort) <= EFFORT_LEVELS.index(limit):
        return
    oc = ctx.request.get("output_config")
    sent = isinstance(oc, dict) and oc.get("effort") == effort
    yield Violation(
        ("output_config", "effort") if sent else ("thinking", "type"),
        f"{ctx.model or '?'} accepts thinking {ttype} only at effort {limit} or below, not {effort}",
        related=(("thinking", "type"),) if sent else (),
        fix=ops.unsafe(f"lower output_config.effort to {limit} (keeps thinking {ttype})",
                       *_set_effort_ops(ctx, limit)),
    )


@rule("T009", "thinking-text-omitted", Severity.ERROR, references=("THINK-11",),
      fix=Applicability.UNSAFE)
def thinking_text_omitted(ctx: CheckContext) -> Iterator[Violation]:
    """A signed `thinking` block has no `thinking` text field.

    ## What it does
    Finds `thinking` blocks that carry a `signature` but no `thinking` key.  (A block with
    neither is T003's.)

    ## Why is this bad?
    With thinking display `omitted` the API returns the text empty; clients that drop empty
    fields send the block back without it:
    ``messages.N.content.M.thinking.thinking: Field required``.

    ## Example
    `{"type": "thinking", "signature": "EqQBCkYIBxgCKkB…"}`

    ## Fix
    *Unsafe* either way.  When the request asks for `thinking.display: "omitted"`, restore
    `"thinking": ""`, which is most likely what the API sent; if it sent text, the signature
    will not match.  Otherwise drop the block (its message too, if it held nothing else).
    """
    omitted = _thinking_config(ctx).get("display") == "omitted"
    for _, b in ctx.all_blocks():
        if b.type != "thinking" or "thinking" in b.block:
            continue
        sig = b.block.get("signature")
        if not (isinstance(sig, str) and sig):
            continue
        j = b.index if b.index is not None else 0
        if omitted and b.index is not None:
            fix = ops.unsafe('restore the omitted thinking text as ""', ops.add((*b.path, "thinking"), ""))
        else:
            fix = ops.unsafe("drop the thinking block without text", *_drop_block_ops(ctx, b))
        yield Violation(
            b.path,
            "signed thinking block without its `thinking` text field",
            api_error=f"messages.{b.message}.content.{j}.thinking.thinking: Field required",
            fix=fix,
        )

