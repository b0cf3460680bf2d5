"""P: tool_use / tool_result pairing and order (API_RULES.md §1, ORDER-01 … ORDER-08).

All checks run on *merged* turns: the API combines consecutive same-role messages before it pairs
tool calls with results (API_RULES.md §0), so a text-only user message followed by a tool_result
message is "text before tool_result", not two turns.
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Iterator
from typing import Any

from tui.core.findings import Violation, Severity, Applicability
from tui.core.paths import Path
from tui.core.repair import ops
from tui.core.rules.context import BlockRef, CheckContext, Turn
from tui.core.rules.registry import rule

TOOL_ID_RE = re.compile(r"^[a-zA-Z0-9_-]+$")


def order01_text(message_index: int, ids: list[str]) -> str:
    """The API's current wording for ORDER-01 (since about 2025-03)."""
    return (f"messages.{message_index}: `tool_use` ids were found without `tool_result` blocks "
            f"immediately after: {', '.join(ids)}. Each `tool_use` block must have a corresponding "
            f"`tool_result` block in the next message.")


def order02_text(path: Path, tool_use_id: str) -> str:
    return (f"{'.'.join(map(str, path))}: unexpected `tool_use_id` found in `tool_result` blocks: "
            f"{tool_use_id}. Each `tool_result` block must have a corresponding `tool_use` block "
            f"in the previous message.")


# -- views over turns ----------------------------------------------------------------------

def _tool_uses(turn: Turn) -> list[BlockRef]:
    return [b for b in turn.blocks if b.type == "tool_use" and isinstance(b.block.get("id"), str)]


def _results(turn: Turn) -> list[BlockRef]:
    return [b for b in turn.blocks if b.type == "tool_result"]


def _leading_results(turn: Turn) -> list[BlockRef]:
    lead: list[BlockRef] = []
    for b in turn.blocks:
        if b.type != "tool_result":
            break
        lead.append(b)
    return lead


def _result_id(b: BlockRef) -> str | None:
    rid = b.block.get("tool_use_id")
    return rid if isinstance(rid, str) else None


def _pairs(ctx: CheckContext) -> Iterator[tuple[int, Turn, Turn | None]]:
    """``(turn index, assistant turn with tool_use, the turn after it or None)``."""
    for t, turn in enumerate(ctx.turns):
        if turn.role == "assistant" and _tool_uses(turn):
            yield t, turn, ctx.turns[t + 1] if t + 1 < len(ctx.turns) else None


def _content_list(ctx: CheckContext, i: int) -> list[Any]:
    """Message ``i``'s content as a list of blocks (a string becomes one text block)."""
    content = ctx.request["messages"][i].get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    return list(content) if isinstance(content, list) else []


def rebuild_turn(ctx: CheckContext, turn: Turn, blocks: list[dict[str, Any]]) -> list[ops.Op]:
    """Ops that make ``turn`` hold exactly ``blocks``, in its first message.

    The other messages of the turn are removed: the API merges them anyway, and this is the
    only way to move blocks across message boundaries without index arithmetic.
    """
    first, rest = turn.messages[0], turn.messages[1:]
    out = [ops.replace(("messages", first, "content"), blocks)]
    out += ops.remove_many([("messages", i) for i in rest])
    return out


def _synthetic_result(tool_use_id: str) -> dict[str, Any]:
    return {
        "type": "tool_result",
        "tool_use_id": tool_use_id,
        "is_error": True,
        "content": "No result was recorded for this tool call (inserted by payload-doctor).",
    }


_RESULTS_MEMO: weakref.WeakKeyDictionary[CheckContext, dict[str, list[tuple[int, BlockRef]]]] = \
    weakref.WeakKeyDictionary()


def _results_by_id(ctx: CheckContext) -> dict[str, list[tuple[int, BlockRef]]]:
    """Every tool_result by id, with its turn, built once per check: looking a misplaced result
    up by scanning all later turns made P001 quadratic (20,000 messages with every second result
    missing took 42 s)."""
    got = _RESULTS_MEMO.get(ctx)
    if got is None:
        got = {}
        for t, turn in enumerate(ctx.turns):
            for b in _results(turn):
                rid = _result_id(b)
                if rid is not None:
                    got.setdefault(rid, []).append((t, b))
        _RESULTS_MEMO[ctx] = got
    return got


def _misplaced_result(ctx: CheckContext, tool_use_id: str, after_turn: int) -> BlockRef | None:
    """A tool_result for ``tool_use_id`` that sits in a later turn than the one it answers."""
    for t, b in _results_by_id(ctx).get(tool_use_id, ()):
        if t >= after_turn + 2:
            return b
    return None


# -- rules ---------------------------------------------------------------------------------

@rule("P001", "tool-use-without-result", Severity.ERROR, references=("ORDER-01",),
      fix=Applicability.UNSAFE)
def tool_use_without_result(ctx: CheckContext) -> Iterator[Violation]:
    """A `tool_use` block has no `tool_result` in the next user turn.

    ## What it does
    For every assistant turn with `tool_use` blocks, looks for a `tool_result` with the same id
    anywhere in the next (merged) user turn.  A result that exists but does not lead the turn is
    reported by P003 instead.

    ## Why is this bad?
    The API requires every tool call to be answered in the very next message.  Context trimming,
    an interrupted tool and a lost parallel result are the usual causes (the most reported 400).
    The API answers, for the assistant message that holds the call:
    ``messages.33: `tool_use` ids were found without `tool_result` blocks immediately after:
    toolu_01…. Each `tool_use` block must have a corresponding `tool_result` block in the next
    message.``  (Before 2025-03 the text was ``Did not find 1 `tool_result` block(s) at the
    beginning of this message``.)

    ## Example
    ```json
    [{"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "ls", "input": {}}]},
     {"role": "user", "content": "and now?"}]
    ```

    ## Fix
    If the result exists in a later turn, *safe*: move it to the start of the next user turn.
    Otherwise *unsafe*: insert a synthetic `tool_result` with `is_error: true` saying the result
    was not recorded (the docs recommend this for calls you skip).  The alternative, deleting the
    call, is left to the user.
    """
    for t, turn, nxt in _pairs(ctx):
        answered = {_result_id(b) for b in _results(nxt)} if nxt and nxt.role == "user" else set()
        missing = [b for b in _tool_uses(turn) if b.block["id"] not in answered]
        by_message: dict[int, list[str]] = {}
        for b in missing:
            by_message.setdefault(b.message, []).append(b.block["id"])
        for b in missing:
            tid = b.block["id"]
            related: list[Path] = [("messages", nxt.messages[0])] if nxt else []
            moved = _misplaced_result(ctx, tid, t)
            if moved is not None:
                fix = _move_result_fix(ctx, turn, nxt, moved)
                related.append(moved.path)
            else:
                fix = _insert_result_fix(ctx, turn, nxt, tid)
            yield Violation(
                b.path,
                f"tool_use {tid} ({b.block.get('name', '?')}) has no tool_result in the next user turn",
                api_error=order01_text(b.message, by_message[b.message]),
                related=tuple(related),
                fix=fix,
            )


def _insert_result_fix(ctx: CheckContext, turn: Turn, nxt: Turn | None, tid: str):
    result = _synthetic_result(tid)
    title = f"insert a synthetic error tool_result for {tid}"
    if nxt is None or nxt.role != "user":
        at = turn.messages[-1] + 1
        return ops.unsafe(title, ops.add(("messages", at), {"role": "user", "content": [result]}))
    first = nxt.messages[0]
    content = _content_list(ctx, first)
    pos = 0
    while pos < len(content) and isinstance(content[pos], dict) and content[pos].get("type") == "tool_result":
        pos += 1
    if not isinstance(ctx.request["messages"][first].get("content"), list):  # a string, or a wrong type
        return ops.unsafe(title, ops.replace(("messages", first, "content"), [result, *content]))
    return ops.unsafe(title, ops.add(("messages", first, "content", pos), result))


def _move_result_fix(ctx: CheckContext, turn: Turn, nxt: Turn | None, moved: BlockRef):
    """Move a real result from a later turn to the front of the turn after ``turn`` (creating
    that user turn when something else, e.g. a system message, sits there)."""
    source = _content_list(ctx, moved.message)
    assert moved.index is not None
    del source[moved.index]
    title = f"move the tool_result for {_result_id(moved)} to follow its tool_use"
    # The source is later than the destination: change it first so indexes stay valid.
    out = [ops.replace(("messages", moved.message, "content"), source) if source
           else ops.remove(("messages", moved.message))]
    if nxt is not None and nxt.role == "user" and nxt.messages[0] != moved.message:
        first = nxt.messages[0]
        content = _content_list(ctx, first)
        pos = 0
        while pos < len(content) and isinstance(content[pos], dict) and content[pos].get("type") == "tool_result":
            pos += 1
        out.append(ops.replace(("messages", first, "content"), [*content[:pos], moved.block, *content[pos:]]))
    else:
        out.append(ops.add(("messages", turn.messages[-1] + 1), {"role": "user", "content": [moved.block]}))
    return ops.safe(title, *out)


@rule("P002", "orphan-tool-result", Severity.ERROR, references=("ORDER-02",),
      fix=Applicability.UNSAFE)
def orphan_tool_result(ctx: CheckContext) -> Iterator[Violation]:
    """A `tool_result` answers no `tool_use` of the immediately preceding assistant turn.

    ## What it does
    Checks every `tool_result` in a user turn against the `tool_use` ids of the assistant turn
    right before it.

    ## Why is this bad?
    History truncated at the front (the result lands in `messages.0`), ids rewritten by a proxy,
    a stale duplicate, or a result for a call two turns back.  The API answers:
    ``messages.12.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_01….
    Each `tool_result` block must have a corresponding `tool_use` block in the previous message.``

    ## Example
    ```json
    [{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_gone", "content": "42"}]}]
    ```

    ## Fix
    If the call it answers is an earlier, unanswered `tool_use`, P001 offers the *safe* move.
    Otherwise *unsafe*: drop the orphan; when it carries content, keep that content as a text
    block so nothing the model saw is lost.
    """
    prev_ids: set[str] = set()
    prev_role: str | None = None
    for turn in ctx.turns:
        if turn.role == "user":
            ids = prev_ids if prev_role == "assistant" else set()
            for b in _results(turn):
                rid = _result_id(b)
                if rid is None or rid in ids:
                    continue
                yield Violation(
                    b.path,
                    f"tool_result for {rid} answers no tool_use in the previous assistant turn",
                    api_error=order02_text(b.path, rid),
                    fix=_drop_orphan_fix(ctx, b),
                )
        prev_ids = {b.block["id"] for b in _tool_uses(turn)}
        prev_role = turn.role


def _result_text(block: dict[str, Any]) -> str:
    content = block.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [c.get("text", "") for c in content if isinstance(c, dict) and c.get("type") == "text"]
        return "\n".join(p for p in parts if isinstance(p, str))
    return ""


def _drop_orphan_fix(ctx: CheckContext, b: BlockRef):
    rid = _result_id(b)
    text = _result_text(b.block)
    if b.index is None:  # cannot happen: a string content is a text block
        return None
    if text.strip():
        keep = {"type": "text", "text": f"[tool result for {rid}]\n{text}"}
        return ops.unsafe(f"turn the orphan tool_result for {rid} into a text block",
                          ops.replace(b.path, keep))
    content = _content_list(ctx, b.message)
    if len(content) == 1:
        return ops.unsafe(f"drop the empty orphan tool_result for {rid} (and its empty message)",
                          ops.remove(("messages", b.message)))
    return ops.unsafe(f"drop the empty orphan tool_result for {rid}", ops.remove(b.path))


@rule("P003", "tool-result-not-leading", Severity.ERROR, references=("ORDER-03",),
      fix=Applicability.SAFE)
def tool_result_not_leading(ctx: CheckContext) -> Iterator[Violation]:
    """`tool_result` blocks do not form a contiguous run at the start of the user turn.

    ## What it does
    In the (merged) user turn that answers a tool call, finds `tool_result` blocks that come
    after a text, image or document block.

    ## Why is this bad?
    The API does not scan past a leading non-`tool_result` block: it reports the calls whose
    results are not in the leading run as unanswered (the P001 text).  Probes:
    `[tool_result, text]` → 200; `[text, tool_result]` → 400; `[tool_result, text, tool_result]`
    → 400.  A text-only user message followed by a tool_result message is the same fault once
    the API merges the two.

    ## Example
    ```json
    {"role": "user", "content": [{"type": "text", "text": "here:"},
                                 {"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}]}
    ```

    ## Fix
    *Safe*: move every `tool_result` to the front of the turn, keeping the other blocks after
    them in their order (a multi-message turn becomes one message, as the API would merge it).
    """
    for _, turn, nxt in _pairs(ctx):
        if nxt is None or nxt.role != "user":
            continue
        lead = _leading_results(nxt)
        late = [b for b in _results(nxt)[len(lead):]]
        if not late:
            continue
        results = [b.block for b in _results(nxt)]
        others = [b.block for b in nxt.blocks if b.type != "tool_result"]
        fix = ops.safe("move the tool_result blocks to the front of the user turn",
                       *rebuild_turn(ctx, nxt, [*results, *others]))
        lead_ids = {_result_id(b) for b in lead}
        for b in late:
            rid = _result_id(b) or "?"
            msg = _use_message(turn, rid)
            unread = [u.block["id"] for u in _tool_uses(turn)
                      if u.message == msg and u.block["id"] not in lead_ids]
            yield Violation(
                b.path,
                f"tool_result for {rid} comes after a non-tool_result block; the API only reads "
                f"the leading run of tool_result blocks",
                api_error=order01_text(msg, unread or [rid]),
                related=(nxt.blocks[0].path,),
                fix=fix,
            )


def _use_message(turn: Turn, tid: str) -> int:
    for b in _tool_uses(turn):
        if b.block["id"] == tid:
            return b.message
    return turn.messages[-1]


@rule("P004", "tool-result-order", Severity.WARNING, references=("ORDER-04",),
      fix=Applicability.SAFE)
def tool_result_order(ctx: CheckContext) -> Iterator[Violation]:
    """Leading `tool_result` blocks are in a different order from their `tool_use` blocks.

    ## What it does
    Compares the order of the leading results with the order of the calls they answer, when
    every call is answered and the results lead the turn.

    ## Why is this bad?
    The first-party Messages API accepts any order (a probe with reversed results got 200; the
    docs say to match results "with `tool_use_id`").  **Bedrock Converse** does enforce the order
    (`Expected toolResult blocks at messages.X.content for the following Ids: …, but found: …`),
    and so may gateways that translate to it.  A warning, never an error.

    ## Example
    Calls `toolu_A`, `toolu_B`; results `toolu_B`, `toolu_A`.

    ## Fix
    *Safe*: sort the results into `tool_use` order.  Harmless on every endpoint.
    """
    for _, turn, nxt in _pairs(ctx):
        if nxt is None or nxt.role != "user":
            continue
        use_ids = [b.block["id"] for b in _tool_uses(turn)]
        lead = _leading_results(nxt)
        lead_ids = [_result_id(b) for b in lead]
        if set(use_ids) - set(lead_ids) or len(lead) != len(_results(nxt)):
            continue  # missing or not-leading results: P001/P003 speak first
        known = [i for i in lead_ids if i in use_ids]
        expected = [i for i in use_ids if i in known]
        if known == expected:
            continue
        rank = {tid: n for n, tid in enumerate(use_ids)}
        ordered = sorted(lead, key=lambda b: rank.get(_result_id(b) or "", len(rank)))
        rest = [b.block for b in nxt.blocks[len(lead):]]
        yield Violation(
            lead[0].path,
            f"tool_result order {', '.join(known)} differs from tool_use order "
            f"{', '.join(expected)}; the Messages API accepts this, Bedrock Converse rejects it",
            related=tuple(b.path for b in _tool_uses(turn)),
            fix=ops.safe("sort the tool_result blocks into tool_use order",
                         *rebuild_turn(ctx, nxt, [*(b.block for b in ordered), *rest])),
        )


@rule("P005", "duplicate-tool-use-id", Severity.ERROR, references=("ORDER-05",),
      fix=Applicability.SAFE)
def duplicate_tool_use_id(ctx: CheckContext) -> Iterator[Violation]:
    """The same `tool_use` id is used where the API cannot tell its results apart.

    ## What it does
    Finds a `tool_use` whose id an earlier `tool_use` already has, in the cases the API rejects:
    twice in one assistant turn, or reused in a later assistant turn where the earlier use or
    this one has no `tool_result` of that id in the user turn right after it.  An id reused in
    a later assistant turn with each use answered in its own next user turn is *not* reported:
    the Messages API accepts it (recorded traffic: a logged 200 on Haiku 4.5 for a
    tool_use id reused in a later assistant turn, each with its own result), since each result is paired with the call right before it.

    ## Why is this bad?
    The API pairs a `tool_result` with a `tool_use` by id; with two calls of one id in a turn,
    or a call whose result sits elsewhere, the pairing is ambiguous and the request is rejected:
    ``messages.3.content.1: `tool_use` ids must be unique`` (seen on
    Anthropic, Bedrock, Vertex and Azure).  Per-response counters (`call_0`) and clients that
    re-merge earlier turns produce them.

    ## Example
    ```json
    {"role": "assistant", "content": [{"type": "tool_use", "id": "call_0", "name": "a", "input": {}},
                                      {"type": "tool_use", "id": "call_0", "name": "b", "input": {}}]}
    ```

    ## Fix
    *Safe*: give the duplicate a fresh id (`call_0_2`) and rename its `tool_result` in the
    user turn right after it the same way (within one turn, the result in the same position
    among that id's results: the second `call_0` result for the second `call_0` call).
    """
    last_use: dict[str, tuple[int, Path]] = {}  # id → (assistant turn, path) of its latest use
    taken = {b.block["id"] for _, b in ctx.all_blocks()
             if b.type == "tool_use" and isinstance(b.block.get("id"), str)}
    for t, turn in enumerate(ctx.turns):
        if turn.role != "assistant":
            continue
        in_turn: dict[str, int] = {}  # id → uses so far in this turn
        for b in _tool_uses(turn):
            tid = b.block["id"]
            k = in_turn.get(tid, 0)
            in_turn[tid] = k + 1
            earlier = last_use.get(tid)
            last_use[tid] = (t, b.path)
            if earlier is None or (k == 0 and _answered_next(ctx, earlier[0], tid) and _answered_next(ctx, t, tid)):
                continue  # first use, or a reuse in a later turn with each use answered in its own next turn
            n = 2
            while f"{tid}_{n}" in taken:
                n += 1
            new = f"{tid}_{n}"
            taken.add(new)
            fix_ops = [ops.replace((*b.path, "id"), new)]
            nxt = ctx.turns[t + 1] if t + 1 < len(ctx.turns) else None
            if nxt is not None and nxt.role == "user":
                same = [r for r in _results(nxt) if _result_id(r) == tid]
                if k < len(same):
                    fix_ops.append(ops.replace((*same[k].path, "tool_use_id"), new))
            first = ".".join(map(str, earlier[1]))
            where = (f"already used in this assistant turn (at {first})" if k else
                     f"reused from {first}, and the results cannot be told apart: each use needs its own "
                     f"tool_result in the user turn right after it")
            yield Violation(
                b.path,
                f"tool_use id {tid} is {where}",
                api_error=f"{'.'.join(map(str, b.path))}: `tool_use` ids must be unique",
                related=(earlier[1],),
                fix=ops.safe(f"rename the duplicate {tid} to {new} (and its tool_result)", *fix_ops),
            )


def _answered_next(ctx: CheckContext, t: int, tid: str) -> bool:
    """The user turn right after assistant turn ``t`` holds a tool_result for ``tid``."""
    nxt = ctx.turns[t + 1] if t + 1 < len(ctx.turns) else None
    return nxt is not None and nxt.role == "user" and any(_result_id(r) == tid for r in _results(nxt))


@rule("P006", "tool-block-in-wrong-role", Severity.ERROR, references=("ORDER-06",),
      fix=Applicability.UNSAFE)
def tool_block_in_wrong_role(ctx: CheckContext) -> Iterator[Violation]:
    """A `tool_result` in an assistant message, or a `tool_use` in a user message.

    ## What it does
    Checks the role of the message that holds each `tool_use` and `tool_result` block.

    ## Why is this bad?
    Adapters that put tool output into the assistant message (or echo calls back as user
    content) get ``messages.N: `tool_result` blocks can only be in `user` messages`` (or the
    `tool_use` … `assistant` converse).

    ## Example
    `{"role": "assistant", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}]}`

    ## Fix
    *Unsafe*: turn the misplaced block into a text block that keeps its content, since its
    pairing cannot be recovered automatically.
    """
    for role, b in ctx.all_blocks():
        if b.index is None:
            continue
        if b.type == "tool_result" and role == "assistant":
            text = _result_text(b.block)
            yield Violation(
                b.path, "tool_result block in an assistant message",
                api_error=f"messages.{b.message}: `tool_result` blocks can only be in `user` messages",
                fix=ops.unsafe("turn the misplaced tool_result into a text block",
                               ops.replace(b.path, {"type": "text", "text": f"[tool result for "
                                           f"{_result_id(b)}]\n{text}".rstrip()})),
            )
        elif b.type == "tool_use" and role == "user":
            call = json.dumps(b.block.get("input"), ensure_ascii=False)
            yield Violation(
                b.path, "tool_use block in a user message",
                api_error=f"messages.{b.message}: `tool_use` blocks can only be in `assistant` messages",
                fix=ops.unsafe("turn the misplaced tool_use into a text block",
                               ops.replace(b.path, {"type": "text", "text": f"[tool call "
                                           f"{b.block.get('name', '?')}({call})]"})),
            )


def sanitize_id(tid: str) -> str:
    """Map an id to ``^[a-zA-Z0-9_-]+$`` deterministically (``functions.read:0`` → ``functions_read_0``)."""
    out = re.sub(r"[^a-zA-Z0-9_-]", "_", tid)
    return out or "toolu_empty"


@rule("P007", "invalid-tool-use-id", Severity.ERROR, references=("ORDER-07",),
      fix=Applicability.SAFE)
def invalid_tool_use_id(ctx: CheckContext) -> Iterator[Violation]:
    """A `tool_use` id does not match `^[a-zA-Z0-9_-]+$`.

    ## What it does
    Checks each `tool_use.id` against the API's pattern.

    ## Why is this bad?
    Ids from other providers (`functions.read_file:0`) or MCP ids with `.`, `:`, `/`, `|` are
    rejected: ``messages.1.content.1.tool_use.id: String should match pattern
    '^[a-zA-Z0-9_-]+$'``.

    ## Example
    `{"type": "tool_use", "id": "functions.read_file:0", "name": "read_file", "input": {}}`

    ## Fix
    *Safe*: replace every invalid character with `_`, consistently in the `tool_use` and in every
    `tool_result.tool_use_id` that references it (a suffix keeps the new id unique).
    """
    taken = {b.block["id"] for _, b in ctx.all_blocks()
             if b.type == "tool_use" and isinstance(b.block.get("id"), str)}
    for _, b in ctx.all_blocks():
        tid = b.block.get("id")
        if b.type != "tool_use" or not isinstance(tid, str) or TOOL_ID_RE.match(tid):
            continue
        new = sanitize_id(tid)
        n = 2
        base = new
        while new in taken:
            new, n = f"{base}_{n}", n + 1
        taken.add(new)  # two bad ids that sanitize alike get distinct new ids
        fix_ops = [ops.replace((*b.path, "id"), new)]
        for _, r in _results_by_id(ctx).get(tid, ()):  # an index, not a scan of every block per id
            fix_ops.append(ops.replace((*r.path, "tool_use_id"), new))
        yield Violation(
            (*b.path, "id"),
            f"tool_use id {tid!r} has characters outside [a-zA-Z0-9_-]",
            api_error=f"{'.'.join(map(str, b.path))}.tool_use.id: String should match pattern "
                      f"'^[a-zA-Z0-9_-]+$'",
            fix=ops.safe(f"rename {tid!r} to {new!r} everywhere", *fix_ops),
        )


@rule("P008", "tool-input-not-object", Severity.ERROR, references=("ORDER-08",),
      fix=Applicability.SAFE)
def tool_input_not_object(ctx: CheckContext) -> Iterator[Violation]:
    """A `tool_use.input` is not a JSON object.

    ## What it does
    Checks that every `tool_use` (and `server_tool_use`) block's `input` is an object.

    ## Why is this bad?
    A PHP empty array serialised as `[]`, a `null`, or arguments kept as a JSON string (OpenAI
    style) are rejected: ``messages.3.content.1.tool_use.input: Input should be a valid
    dictionary``.

    ## Example
    `{"type": "tool_use", "id": "toolu_1", "name": "ls", "input": "{\\"path\\": \\".\\"}"}`

    ## Fix
    *Safe*: `[]` or `null` → `{}`; a JSON string holding an object → that object.  Anything else
    (a number, a non-empty list, a string that is not an object) is wrapped as
    `{"value": …}` — *unsafe*, since it invents a key.
    """
    for _, b in ctx.all_blocks():
        if b.type not in ("tool_use", "server_tool_use") or "input" not in b.block:
            continue
        value = b.block["input"]
        if isinstance(value, dict):
            continue
        path = (*b.path, "input")
        fix = None
        if value is None or value == []:
            fix = ops.safe("replace the input with {}", ops.replace(path, {}))
        elif isinstance(value, str):
            try:
                parsed = json.loads(value)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict):
                fix = ops.safe("parse the JSON string into an object", ops.replace(path, parsed))
        if fix is None:
            fix = ops.unsafe('wrap the input as {"value": …}', ops.replace(path, {"value": value}))
        yield Violation(
            path,
            f"{b.type} input is {type(value).__name__ if value is not None else 'null'}, "
            f"not an object",
            api_error=f"{'.'.join(map(str, b.path))}.{b.type}.input: Input should be a valid dictionary",
            fix=fix,
        )
