"""R: roles and turns (API_RULES.md §2, ROLE-01 … ROLE-06).

What the API enforces about roles changed over time: "first message must be user" and "roles
must alternate" were errors in 2024 and are now only warnings (the first-party API merges
consecutive same-role messages; Bedrock and older gateways still reject them).  ``role: "system"``
inside ``messages`` is model-dependent: rejected before Claude Opus 4.8, accepted there with
placement rules (R003 for models that reject it or are unknown, R006 for models that accept it).

OpenAI's ``role: "tool"`` is reported by O002 (which converts it), not by R004, so a tool message
is reported once.  The message-level helpers at the top (``content_blocks``, ``drop_message_ops``
…) are shared with the C and O families.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tui.core import apishapes
from tui.core.findings import Applicability, Fix, Severity, Violation
from tui.core.paths import Path
from tui.core.repair import ops
from tui.core.rules.context import CheckContext
from tui.core.rules.registry import rule

ROLE03_TEXT = ('messages: Unexpected role "system". The Messages API accepts a top-level `system` '
               'parameter, not "system" as an input message role.')
ROLE05_TEXT = ("This model does not support assistant message prefill. The conversation must end "
               "with a user message.")
ALTERNATE_TEXT = ('messages: roles must alternate between "user" and "assistant", but found multiple '
                  '"{role}" roles in a row')
PLACEHOLDER_USER_TEXT = "(conversation start: placeholder user turn inserted by payload-doctor)"

SYSTEM_LIKE = ("system", "developer")
"""Roles whose messages are instructions that belong in the top-level ``system``."""

ROLE_ALIASES: dict[str, str] = {
    "human": "user", "ai": "assistant", "model": "assistant", "bot": "assistant",
    "chatbot": "assistant",
}
"""Other libraries' names for the two roles (LangChain, Gemini, Cohere): renaming is lossless."""


# -- message helpers (shared with content.py and openai.py) --------------------------------

def raw_messages(ctx: CheckContext) -> list[Any]:
    """The request's ``messages`` list as it is (empty when it is not a list)."""
    msgs = ctx.request.get("messages")
    return msgs if isinstance(msgs, list) else []


def role_of(msg: Any) -> str | None:
    """The role of a message, or None when the message is not an object or has no string role."""
    if isinstance(msg, dict) and isinstance(msg.get("role"), str):
        return msg["role"]
    return None


def content_blocks(content: Any) -> list[Any] | None:
    """A message's content as a block list: a string becomes one text block (``""`` → ``[]``),
    a list is copied, anything else is None (the B family reports it)."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    if isinstance(content, list):
        return list(content)
    return None


def is_plain_message(msg: Any) -> bool:
    """Only ``role`` and ``content`` (str or list): merging it into a neighbour loses nothing."""
    return (isinstance(msg, dict) and set(msg) <= {"role", "content"}
            and isinstance(msg.get("content"), (str, list)))


def leading_tool_results(blocks: list[Any]) -> int:
    """How many ``tool_result`` blocks lead ``blocks`` (new text must go after them: ORDER-03)."""
    n = 0
    while n < len(blocks) and isinstance(blocks[n], dict) and blocks[n].get("type") == "tool_result":
        n += 1
    return n


def _is_blank_content(content: Any) -> bool:
    """Content that holds nothing but empty or whitespace-only text."""
    blocks = content_blocks(content)
    if blocks is None:
        return False
    return all(isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
               and not b["text"].strip() for b in blocks)


def drop_message_ops(ctx: CheckContext, i: int) -> tuple[list[ops.Op], Applicability] | None:
    """Ops that delete message ``i`` and keep the turn structure valid; None if it must stay.

    When the two neighbours have the same role they are merged (as the API would merge them), so
    no gateway sees two consecutive same-role turns.  Removing the last message when an
    assistant message precedes it makes the request end with that assistant message (a
    prefill): that changes what is asked, so it is *unsafe*.  The only message of a request is never removed.
    """
    msgs = raw_messages(ctx)
    if not (0 <= i < len(msgs)) or len([m for m in msgs if isinstance(m, dict)]) <= 1:
        return None
    prev = msgs[i - 1] if i > 0 else None
    nxt = msgs[i + 1] if i + 1 < len(msgs) else None
    applicability = Applicability.SAFE
    if nxt is None and role_of(prev) == "assistant":
        applicability = Applicability.UNSAFE  # the request would end with a prefill
    prole = role_of(prev)
    if (prole in ("user", "assistant") and prole == role_of(nxt) and is_plain_message(nxt)
            and isinstance(prev, dict) and content_blocks(prev.get("content")) is not None):
        merged = [*content_blocks(prev["content"]), *content_blocks(nxt["content"])]  # type: ignore[misc]
        return ([ops.replace(("messages", i - 1, "content"), merged),
                 ops.remove(("messages", i + 1)), ops.remove(("messages", i))], applicability)
    return [ops.remove(("messages", i))], applicability


def _split_text(blocks: list[Any]) -> tuple[list[Any], bool]:
    """(text blocks worth keeping, whether anything other than empty text is dropped)."""
    keep: list[Any] = []
    lossy = False
    for b in blocks:
        if isinstance(b, dict) and b.get("type") == "text":
            if b.get("text") == "":
                continue  # an empty block carries nothing (and the API rejects it)
            keep.append(b)
        else:
            lossy = True
    return keep, lossy


def leading_system_run(ctx: CheckContext) -> list[int]:
    """Indexes of the messages with a system-like role at the very start of ``messages``."""
    run: list[int] = []
    for i, m in enumerate(raw_messages(ctx)):
        if role_of(m) not in SYSTEM_LIKE:
            break
        run.append(i)
    return run


def move_to_system_fix(ctx: CheckContext, indexes: list[int]) -> Fix | None:
    """Move the text of the given (leading) messages into the top-level ``system``.

    An absent ``system`` takes the content as it is (a string stays a string); an existing one
    gets the new text blocks appended (a string ``system`` becomes a block list, so no separator
    has to be invented).  *Safe* unless a message holds non-text blocks, which the top-level
    ``system`` cannot carry (then *unsafe*: they are dropped).
    """
    msgs = raw_messages(ctx)
    texts: list[Any] = []
    lossy = False
    single_string: str | None = None
    for i in indexes:
        content = msgs[i].get("content") if isinstance(msgs[i], dict) else None
        blocks = content_blocks(content)
        if blocks is None:
            return None
        keep, dropped = _split_text(blocks)
        texts += keep
        lossy |= dropped
        if len(indexes) == 1 and isinstance(content, str) and content:
            single_string = content
    system = ctx.request.get("system")
    new: Any = None
    if not texts:
        pass  # nothing to move: the messages only go away
    elif system is None or system == "" or system == []:
        new = single_string if single_string is not None else texts
    elif isinstance(system, str):
        new = [{"type": "text", "text": system}, *texts]
    elif isinstance(system, list):
        new = [*system, *texts]
    else:
        return None  # a malformed `system` is the B family's business
    what = "message" if len(indexes) == 1 else f"{len(indexes)} messages"
    fix_ops: list[ops.Op] = []
    if new is not None:
        fix_ops.append(ops.add(("system",), new))
    fix_ops += ops.remove_many([("messages", i) for i in indexes])
    if lossy:
        return ops.unsafe(f"move the leading system {what} into the top-level system "
                          f"(dropping non-text blocks)", *fix_ops)
    return ops.safe(f"move the leading system {what} into the top-level system", *fix_ops)


def fold_into_user_ops(ctx: CheckContext, i: int, blocks: list[Any], *,
                       whole: bool = False) -> list[ops.Op]:
    """Ops that replace message ``i`` by putting ``blocks`` into a neighbouring user message.

    The next user message gets them after its leading ``tool_result`` blocks (never before: that
    would break ORDER-03); failing that the previous user message gets them at its end; failing
    that message ``i`` itself becomes a user message (its other keys kept, unless ``whole``).
    """
    msgs = raw_messages(ctx)
    if not blocks:
        return [ops.remove(("messages", i))]
    nxt = msgs[i + 1] if i + 1 < len(msgs) else None
    prev = msgs[i - 1] if i > 0 else None
    if role_of(nxt) == "user":
        content = content_blocks(nxt.get("content"))
        if content is not None:
            pos = leading_tool_results(content)
            return [ops.replace(("messages", i + 1, "content"), [*content[:pos], *blocks, *content[pos:]]),
                    ops.remove(("messages", i))]
    if role_of(prev) == "user":
        content = content_blocks(prev.get("content"))
        if content is not None:
            return [ops.replace(("messages", i - 1, "content"), [*content, *blocks]),
                    ops.remove(("messages", i))]
    if whole:
        return [ops.replace(("messages", i), {"role": "user", "content": blocks})]
    return [ops.replace(("messages", i, "role"), "user"), ops.replace(("messages", i, "content"), blocks)]


def _system_like_fix(ctx: CheckContext, i: int) -> Fix | None:
    """Leading system/developer messages → top-level ``system``; a later one → the user turn."""
    run = leading_system_run(ctx)
    if i in run:
        return move_to_system_fix(ctx, run) if len(run) < len(raw_messages(ctx)) else None
    msg = raw_messages(ctx)[i]
    blocks = content_blocks(msg.get("content"))
    if blocks is None:
        return None
    texts, _ = _split_text(blocks)
    return ops.unsafe(f"merge the text of this {msg.get('role')} message into the neighbouring user turn",
                      *fold_into_user_ops(ctx, i, texts))


# -- rules ---------------------------------------------------------------------------------

@rule("R001", "first-message-not-user", Severity.WARNING, references=("ROLE-01",),
      fix=Applicability.UNSAFE)
def first_message_not_user(ctx: CheckContext) -> Iterator[Violation]:
    """The conversation starts with an assistant message.

    ## What it does
    Looks at the first message after any leading `system`/`developer` messages (R003, R004 and
    R006 deal with those) and reports it when its role is `assistant`.

    ## Why is this bad?
    Until late 2024 the API rejected it with ``messages: first message must use the "user"
    role``.  The SDK dropped that requirement from its docs on 2024-10-22 and no recent
    first-party report of the error exists, so this is a warning: the first-party API is
    believed to accept it (not verified live).  Bedrock paths still pad assistant-first history,
    and gateways that translate to other providers may reject it.  It is also the usual trace of
    history trimming that cut the conversation's opening user turn.

    ## Example
    ```json
    [{"role": "assistant", "content": "Hi! How can I help?"}, {"role": "user", "content": "Fix the build."}]
    ```

    ## Fix
    *Unsafe*: insert a short placeholder user message before it (the text says it was inserted
    by payload-doctor).  Any fix has to invent or drop something: a placeholder keeps every real
    message, while dropping the assistant turn would lose content and could orphan the
    `tool_result` blocks answering it.  The placeholder is not whitespace, since Bedrock rejects
    `" "`.
    """
    if ctx.exchange is not None and ctx.exchange.extra.get("prompt_not_logged"):
        return  # the log dropped the opening user prompt: the conversation did start with it
    msgs = raw_messages(ctx)
    for i, m in enumerate(msgs):
        role = role_of(m)
        if role in SYSTEM_LIKE:
            continue
        if role == "assistant":
            yield Violation(
                ("messages", i),
                f"the conversation starts with an assistant message (messages.{i}); the first-party "
                f"API accepts this today, Bedrock and older gateways may not",
                fix=ops.unsafe("insert a placeholder user message before it",
                               ops.add(("messages", i), {"role": "user", "content": PLACEHOLDER_USER_TEXT})),
            )
        return


def _same_role_runs(ctx: CheckContext) -> Iterator[list[int]]:
    """Runs of two or more *adjacent* user (or assistant) messages in the raw list."""
    run: list[int] = []
    for i, m in enumerate(raw_messages(ctx)):
        role = role_of(m)
        if run and role in ("user", "assistant") and role == role_of(raw_messages(ctx)[run[-1]]):
            run.append(i)
            continue
        if len(run) > 1:
            yield run
        run = [i] if role in ("user", "assistant") else []
    if len(run) > 1:
        yield run


@rule("R002", "consecutive-same-role", Severity.WARNING, references=("ROLE-02",),
      fix=Applicability.SAFE)
def consecutive_same_role(ctx: CheckContext) -> Iterator[Violation]:
    """Two or more consecutive messages have the same role.

    ## What it does
    Finds runs of adjacent `user` (or `assistant`) messages and reports each run once, at its
    second message.

    ## Why is this bad?
    The first-party API combines them into one turn ("Consecutive `user` or `assistant` turns
    in your request will be combined into a single turn"), so it is a warning, not an error.
    But Bedrock (as late as 2025-03) and older gateways reject them with ``messages: roles must
    alternate between "user" and "assistant", but found multiple "user" roles in a row``, and
    the merge can silently create other faults: a text-only user message followed by a
    `tool_result` message is "text before tool_result" (P003).

    ## Example
    ```json
    [{"role": "user", "content": "Here is the log:"}, {"role": "user", "content": "ERROR at line 3"}]
    ```

    ## Fix
    *Safe*: merge the run into its first message, exactly as the API merges it (a string
    content becomes a text block; block order is kept).  Not offered when a later message of the
    run carries keys other than `role` and `content` (e.g. OpenAI `tool_calls`): fix those
    first (O001, O004), since merging would lose them.
    """
    msgs = raw_messages(ctx)
    for run in _same_role_runs(ctx):
        role = role_of(msgs[run[0]])
        first = msgs[run[0]]
        fix = None
        if all(is_plain_message(msgs[j]) for j in run[1:]) and content_blocks(first.get("content")) is not None:
            merged: list[Any] = []
            for j in run:
                merged += content_blocks(msgs[j].get("content")) or []
            fix = ops.safe(f"merge the {len(run)} consecutive {role} messages into one",
                           ops.replace(("messages", run[0], "content"), merged),
                           *ops.remove_many([("messages", j) for j in run[1:]]))
        yield Violation(
            ("messages", run[1]),
            f"{len(run)} consecutive {role} messages (messages.{run[0]}–{run[-1]}); the first-party "
            f"API merges them into one turn, Bedrock and older gateways reject them",
            related=tuple(("messages", j) for j in run if j != run[1]),
            fix=fix,
        )


@rule("R003", "system-role-in-messages", Severity.ERROR, references=("ROLE-03",),
      fix=Applicability.UNSAFE)
def system_role_in_messages(ctx: CheckContext) -> Iterator[Violation]:
    """A `role: "system"` message inside `messages`, for a model that does not accept it.

    ## What it does
    Reports every message whose role is `system` when the model is known not to accept system
    messages (an error) or is not in the capability table (a warning: it depends on the model).
    For models that accept them (Claude Opus 4.8 and later), R006 checks their placement instead.

    ## Why is this bad?
    Before Claude Opus 4.8 (2026-05-28) every `system` message is rejected:
    ``messages: Unexpected role "system". The Messages API accepts a top-level `system`
    parameter, not "system" as an input message role.``  Newer models that do not support it
    answer ``role 'system' is not supported on this model``.  It is the classic leftover of
    OpenAI-style histories, where the system prompt is `messages[0]`.

    ## Example
    ```json
    {"messages": [{"role": "system", "content": "You are a terse assistant."},
                  {"role": "user", "content": "Weather in Paris?"}]}
    ```

    ## Fix
    Leading system messages: *safe*, move their text into the top-level `system` (appended after
    an existing one, so the order the model reads is unchanged).  Unsafe only when a message holds
    non-text blocks, which `system` cannot carry.  A system message in the middle of the
    conversation: *unsafe*, merge its text into the next user turn (after any `tool_result`
    blocks), because the model will then read it as user text.  No fix when system messages are
    the whole conversation: moving them would leave no message at all.
    """
    caps = ctx.caps
    if caps is not None and caps.system_in_messages:
        return  # accepted by this model: R006 checks the placement
    for i, m in ctx.messages():
        if m.get("role") != "system":
            continue
        unknown = caps is None
        where = "the first message" if i == 0 else f"messages.{i}"
        yield Violation(
            ("messages", i, "role"),
            f"role \"system\" in {where}: " + (
                f"model {ctx.model!r} is not in the capability table; models before Claude Opus 4.8 "
                f"reject system messages" if unknown else
                f"model {ctx.model!r} does not accept system messages; use the top-level `system`"),
            api_error=ROLE03_TEXT,
            severity=Severity.WARNING if unknown else None,
            fix=_system_like_fix(ctx, i),
        )


@rule("R004", "invalid-role", Severity.ERROR, references=("ROLE-04",), fix=Applicability.UNSAFE)
def invalid_role(ctx: CheckContext) -> Iterator[Violation]:
    """A message role other than `user`, `assistant` (or `system`).

    ## What it does
    Reports roles such as `developer`, `function`, `human`, `model` or `User`.  OpenAI's `tool`
    role is reported (and converted) by O002 instead; a missing or non-string role is B003's.

    ## Why is this bad?
    The API only knows `user` and `assistant` (plus `system` on Claude Opus 4.8+):
    ``messages.2.role: Input should be 'user' or 'assistant'``.  `developer` and `function`
    come from OpenAI histories, `human`/`ai` from LangChain, `model` from Gemini.

    ## Example
    ```json
    {"role": "developer", "content": "Answer in French."}
    ```

    ## Fix
    `developer` is OpenAI's new name for `system`: like R003, *safe* when leading (moved into the
    top-level `system`), *unsafe* otherwise (merged into the next user turn).  A known alias
    (`human` → `user`; `ai`, `model`, `bot` → `assistant`) or a case variant (`User`) is renamed:
    *safe*, nothing is lost.  A legacy OpenAI `function` result becomes a user text message that
    names the function: *unsafe*, it cannot be paired with a call.  Other roles: no automatic
    fix, since the intended role cannot be guessed.
    """
    for i, m in ctx.messages():
        role = m.get("role")
        if not isinstance(role, str) or role in ("user", "assistant", "system", "tool"):
            continue
        path: Path = ("messages", i, "role")
        fix: Fix | None = None
        low = role.strip().lower()
        if low in ("user", "assistant", "system"):
            fix = ops.safe(f"rename the role {role!r} to {low!r}", ops.replace(path, low))
        elif low in ROLE_ALIASES:
            fix = ops.safe(f"rename the role {role!r} to {ROLE_ALIASES[low]!r}",
                           ops.replace(path, ROLE_ALIASES[low]))
        elif low == "developer":
            fix = _system_like_fix(ctx, i)
        elif low == "function":
            fix = _function_message_fix(ctx, i, m)
        yield Violation(
            path,
            f"role {role!r} is not a Messages API role",
            api_error=f"messages.{i}.role: Input should be 'user' or 'assistant'",
            fix=fix,
        )


def _function_message_fix(ctx: CheckContext, i: int, msg: dict[str, Any]) -> Fix | None:
    blocks = content_blocks(msg.get("content"))
    if blocks is None:
        return None
    name = msg.get("name") if isinstance(msg.get("name"), str) else "function"
    body = "\n".join(b["text"] for b in blocks
                     if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str))
    text = {"type": "text", "text": f"[result of {name}]\n{body}".rstrip()}
    return ops.unsafe(f"turn the {name} function result into user text",
                      *fold_into_user_ops(ctx, i, [text], whole=True))


@rule("R005", "prefill-not-supported", Severity.ERROR, references=("ROLE-05",),
      fix=Applicability.UNSAFE, model_dependent=True)
def prefill_not_supported(ctx: CheckContext) -> Iterator[Violation]:
    """The conversation ends with an assistant message (a prefill) on a model without prefill.

    ## What it does
    When the capability table says the model does not support prefill (Claude Opus 4.6 and
    later, Sonnet 4.6), reports a request whose last message is an assistant message.

    ## Why is this bad?
    Prefill was removed on these models; Anthropic, Bedrock and Vertex all answer
    ``This model does not support assistant message prefill. The conversation must end with a
    user message.``  Typical after switching an agent that prefilled `{` to get JSON onto a new
    model.

    ## Example
    ```json
    [{"role": "user", "content": "List the files as JSON."}, {"role": "assistant", "content": "{"}]
    ```

    ## Fix
    *Unsafe*: drop the final assistant message(s).  The prefill steered the answer; ask for the
    format in the user turn or use structured output instead.  The fix is *safe* when the
    dropped messages hold only empty or whitespace text.  Not offered when the conversation has
    no earlier message to end on.
    """
    caps = ctx.caps
    msgs = raw_messages(ctx)
    if caps is None or caps.prefill or not msgs or role_of(msgs[-1]) != "assistant":
        return
    start = len(msgs) - 1
    while start > 0 and role_of(msgs[start - 1]) == "assistant":
        start -= 1
    run = list(range(start, len(msgs)))
    fix = None
    if start > 0:
        blank = all(_is_blank_content(msgs[j].get("content")) for j in run)
        title = "drop the final assistant message" + ("s" if len(run) > 1 else "")
        build = ops.safe if blank else ops.unsafe
        fix = build(title, *ops.remove_many([("messages", j) for j in run]))
    yield Violation(
        ("messages", len(msgs) - 1),
        f"the request ends with an assistant message (prefill), which {ctx.model} does not support",
        api_error=ROLE05_TEXT,
        related=tuple(("messages", j) for j in run[:-1]),
        fix=fix,
    )


def _ends_in_server_tool_use(msg: Any) -> bool:
    """An assistant message whose last block is server tool use (or a server tool's result)."""
    blocks = content_blocks(msg.get("content")) if isinstance(msg, dict) else None
    if not blocks or not isinstance(blocks[-1], dict):
        return False
    t = blocks[-1].get("type")
    return isinstance(t, str) and (t == "server_tool_use" or (t.endswith("_tool_result") and t != "tool_result"))


def _article(word: str) -> str:
    return ("an " if word[:1] in "aeio" else "a ") + word  # "a user", "an assistant"


SYSTEM_MESSAGE_BLOCKS = frozenset({"text", "tool_addition", "tool_removal"})
"""What a system message's content may hold: text (``anthropic/types/system_message_param.py``),
plus the beta mid-conversation tool changes (``anthropic/types/beta/beta_system_message_param.py``
``ContentBlock``).  The beta header those two need is B009's business, not R006's."""


def mid_conversation_betas() -> frozenset[str]:
    """The ``anthropic-beta`` values of the mid-conversation system-message features (tool
    changes, per-message ``output_config``, ``clear_at``), read from ``data/beta_features.json``."""
    out: set[str] = set()
    for feature in ("block:tool_addition", "block:tool_removal", "SystemMessageParam.output_config",
                    "SystemMessageParam.clear_at"):
        out.update(apishapes.beta_headers_for(feature) or ())
    return frozenset(out)


def _system_runs(msgs: list[Any]) -> list[list[int]]:
    """Runs of adjacent ``role: "system"`` messages, in order."""
    runs: list[list[int]] = []
    for i, m in enumerate(msgs):
        if role_of(m) != "system":
            continue
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _prev_ok(msgs: list[Any], i: int) -> bool:
    prev = msgs[i - 1] if i > 0 else None
    return role_of(prev) == "user" or (role_of(prev) == "assistant" and _ends_in_server_tool_use(prev))


def _placement_problems(msgs: list[Any], run: list[int], i: int) -> list[str]:
    """What breaks the placement rules at system message ``i`` of ``run`` (adjacent system
    messages placed as one unit: its first message must follow a user message or an assistant
    message ending in server tool use, its last must end the request or be followed by an
    assistant message).  Adjacency itself is the caller's: it depends on the beta headers."""
    problems: list[str] = []
    if i == run[0]:
        if i == 0:
            problems.append("it is the first message")
        elif not _prev_ok(msgs, i):
            prev = msgs[i - 1]
            problems.append(f"it follows {_article(role_of(prev) or 'malformed')} message, not a user message "
                            f"(or an assistant message ending in server tool use)")
    if i == run[-1] and i + 1 < len(msgs) and role_of(msgs[i + 1]) != "assistant":
        problems.append(f"it is followed by {_article(role_of(msgs[i + 1]) or 'malformed')} message; it "
                        f"must be last or be followed by an assistant message")
    blocks = content_blocks(msgs[i].get("content")) or []
    other = sorted({str(b.get("type")) if isinstance(b, dict) else type(b).__name__
                    for b in blocks if not (isinstance(b, dict) and b.get("type") in SYSTEM_MESSAGE_BLOCKS)})
    if other:
        problems.append(f"it holds {', '.join(other)} blocks; system messages may hold text (and, with the "
                        f"mid-conversation tool-changes beta, tool_addition / tool_removal) blocks only")
    return problems


def _split_system(blocks: list[Any]) -> tuple[list[Any], bool]:
    """(blocks a system message may keep, whether anything else is dropped)."""
    keep = [b for b in blocks if isinstance(b, dict) and b.get("type") in SYSTEM_MESSAGE_BLOCKS
            and b.get("text") != ""]
    return keep, len(keep) != len(blocks)


def _merge_system_pair_fix(msgs: list[Any], a: int) -> Fix | None:
    """Merge system message ``a + 1`` into system message ``a`` (nothing is lost).

    Only when both carry the same other keys (``clear_at``, ``output_config``): merging a
    message that clears at the next user message into one that never clears changes what the
    model is shown."""
    first, second = msgs[a], msgs[a + 1]
    blocks_a = content_blocks(first.get("content"))
    blocks_b = content_blocks(second.get("content"))
    if blocks_a is None or blocks_b is None:
        return None
    if {k: v for k, v in first.items() if k != "content"} != {k: v for k, v in second.items() if k != "content"}:
        return None
    return ops.safe(f"merge the adjacent system messages messages.{a} and messages.{a + 1}",
                    ops.replace(("messages", a, "content"), [*blocks_a, *blocks_b]),
                    ops.remove(("messages", a + 1)))


def _placement_fix(ctx: CheckContext, msgs: list[Any], run: list[int], i: int, adjacent: bool) -> Fix | None:
    """The fix for system message ``i``; ``adjacent``: its being next to the previous system
    message is one of its problems (then merging the two comes first)."""
    lead = leading_system_run(ctx)
    if i in lead:
        return move_to_system_fix(ctx, lead) if len(lead) < len(msgs) else None
    if adjacent:
        return _merge_system_pair_fix(msgs, i - 1)
    blocks = content_blocks(msgs[i].get("content")) or []
    keep, lossy = _split_system(blocks)
    prev_ok = _prev_ok(msgs, run[0])
    next_ok = run[-1] + 1 >= len(msgs) or role_of(msgs[run[-1] + 1]) == "assistant"
    if prev_ok and next_ok and lossy:
        if not keep:
            return ops.unsafe("drop the system message (it holds nothing a system message may hold)",
                              ops.remove(("messages", i)))
        return ops.unsafe("drop the blocks a system message may not hold",
                          ops.replace(("messages", i, "content"), keep))
    texts, _ = _split_text(blocks)
    dropped = len([b for b in keep if b.get("type") != "text"])
    note = f" (dropping {dropped} tool change block{'s' if dropped > 1 else ''})" if dropped else ""
    return ops.unsafe(f"merge the text of the misplaced system message into the neighbouring user turn{note}",
                      *fold_into_user_ops(ctx, i, texts))


@rule("R006", "system-message-placement", Severity.ERROR, references=("ROLE-06",),
      fix=Applicability.UNSAFE, model_dependent=True)
def system_message_placement(ctx: CheckContext) -> Iterator[Violation]:
    """A mid-conversation `system` message breaks the placement rules of models that accept it.

    ## What it does
    For models whose capability table entry accepts `role: "system"` inside `messages` (Claude
    Opus 4.8 and the 5.x models), checks each such message against the placement rules.  Adjacent
    system messages are placed as one unit: the first must immediately follow a user message (or
    an assistant message that ends in server tool use), none may be the first message, and the
    last must end the request or be followed by an assistant message.  Content may be text
    blocks and the beta `tool_addition` / `tool_removal` blocks (the SDK's
    `BetaSystemMessageParam` content; whether their `anthropic-beta` header was sent is B009's
    check, as are the beta `output_config` / `clear_at` keys).  All problems of one message are
    reported in one finding.  Models with `system_in_messages: false` get R003 instead.

    Two system messages in a row: accepted when the request carries a mid-conversation beta
    (`mid-conversation-tool-changes-2026-07-01`, `mid-conversation-output-config-2026-07-01` or
    `mid-conversation-system-clear-at-2026-08-21`): recorded Opus 4.8 traffic with the beta
    header got HTTP 200 for a system message holding `tool_addition` blocks followed by a text
    one (recorded traffic: logged 200s).  Without any
    of those headers the docs' rule "cannot be next to another system message" stands: an error
    when the log kept the request headers, a warning when it kept none (the header may have
    been sent).

    ## Why is this bad?
    The docs (https://platform.claude.com/docs/en/build-with-claude/mid-conversation-system-messages)
    say "Requests that violate these placement rules return a 400 invalid_request_error"; the
    exact text has not been seen in a public report, so the finding carries no API text.
    A system message holding an image or a `tool_result` is rejected by the schema: the SDK's
    system message content is text (plus the two beta tool-change blocks) only.

    ## Example
    ```json
    [{"role": "user", "content": "Summarise the diff."}, {"role": "system", "content": "Be brief."},
     {"role": "user", "content": "Go."}]
    ```

    ## Fix
    Leading system messages: *safe*, move them into the top-level `system`.  Two adjacent system
    messages (without the beta): *safe*, merge them into one (not offered when their
    `clear_at` / `output_config` differ: merging would change what the model is shown).  A
    misplaced one: *unsafe*, merge its text into the neighbouring user turn (the model then reads
    it as user text; tool changes cannot go there and are dropped).  Blocks a system message may
    not hold: *unsafe*, drop them.  No fix when system messages are the whole conversation.
    """
    caps = ctx.caps
    if caps is None or not caps.system_in_messages:
        return  # R003 reports system messages for these models
    msgs = raw_messages(ctx)
    runs = _system_runs(msgs)
    if not runs:
        return
    if ctx.betas & mid_conversation_betas():
        adjacency = None  # accepted (recorded traffic with the beta header)
    elif ctx.headers_logged or ctx.betas:
        adjacency = "it directly follows another system message"
    else:
        adjacency = ("it directly follows another system message (accepted with a mid-conversation beta "
                     "header; the log kept no request headers, so whether one was sent is unknown)")
    for run in runs:
        for i in run:
            problems = _placement_problems(msgs, run, i)
            adjacent = i != run[0] and adjacency is not None
            if adjacent:
                problems.append(adjacency)  # type: ignore[arg-type]
            if not problems:
                continue
            header_unknown = adjacent and len(problems) == 1 and not (ctx.headers_logged or ctx.betas)
            yield Violation(
                ("messages", i),
                f"misplaced system message: {'; '.join(problems)}",
                related=tuple(("messages", j) for j in (i - 1, i + 1) if 0 <= j < len(msgs)),
                severity=Severity.WARNING if header_unknown else None,
                fix=_placement_fix(ctx, msgs, run, i, adjacent),
            )
