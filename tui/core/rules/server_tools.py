"""V: server tools (API_RULES.md §11, SRV-01 … SRV-03).

Server tools (web search, web fetch, code execution, advisor, tool search …) run on Anthropic's
side: the assistant turn holds both the ``server_tool_use`` call and its ``*_tool_result``, and
clients must send both back unchanged.

Not checked, because it cannot be offline: **SRV-03** — web-search results must be replayed
unmodified (``Invalid `encrypted_content` in `search_result` block``).  ``encrypted_content`` is
opaque and signed by the API; only the API can tell whether it was altered.  Likewise
``mcp_tool_use`` / ``mcp_tool_result`` pairing is left alone (no error text is on record).

Gateways that reject ``server_tool_use`` outright (API_RULES.md §11, sub2api) are not Anthropic
behaviour and are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tui.core.findings import Applicability, Fix, Severity, Violation
from tui.core.paths import to_dotted
from tui.core.repair import ops
from tui.core.rules.context import BlockRef, CheckContext, Turn
from tui.core.rules.pairing import rebuild_turn
from tui.core.rules.media import cached_blocks
from tui.core.rules.registry import rule

SERVER_ID_RE = re.compile(r"^srvtoolu_[a-zA-Z0-9_]+$")
_NOT_SERVER_RESULTS = frozenset({"tool_result", "mcp_tool_result"})


def is_server_result(block_type: str | None) -> bool:
    """``web_search_tool_result``, ``advisor_tool_result`` … — any ``*_tool_result`` but the client ones."""
    return bool(block_type) and block_type.endswith("_tool_result") and block_type not in _NOT_SERVER_RESULTS


def sanitize_server_id(tid: str) -> str:
    """Map an id to ``^srvtoolu_[a-zA-Z0-9_]+$`` deterministically (``srvtoolu_01-ab`` → ``srvtoolu_01_ab``)."""
    body = tid[len("srvtoolu_"):] if tid.startswith("srvtoolu_") else re.sub(r"^(?:srv)?toolu_", "", tid)
    body = re.sub(r"[^a-zA-Z0-9_]", "_", body)
    return "srvtoolu_" + (body or "empty")


@rule("V001", "invalid-server-tool-use-id", Severity.ERROR, references=("SRV-01", "ORDER-07"),
      fix=Applicability.SAFE)
def invalid_server_tool_use_id(ctx: CheckContext) -> Iterator[Violation]:
    """A `server_tool_use` id does not match `^srvtoolu_[a-zA-Z0-9_]+$`.

    ## What it does
    Checks the id of every `server_tool_use` block.  Note the pattern is stricter than the one
    for client `tool_use` ids: it needs the `srvtoolu_` prefix and allows no `-`.

    ## Why is this bad?
    The API rejects it: ``messages.1.content.2.server_tool_use.id: String should match pattern
    '^srvtoolu_[a-zA-Z0-9_]+$'``.  Gateways and format converters that mint their own ids
    (`toolu_…`, UUIDs with dashes) for server tool calls cause it.

    ## Example
    ```json
    {"type": "server_tool_use", "id": "srvtoolu-7f3a", "name": "web_search", "input": {"query": "paris weather"}}
    ```

    ## Fix
    *Safe*: rewrite the id to the pattern (`srvtoolu_` prefix, other characters → `_`, a suffix
    if that id is taken) and apply the same rename to every server tool result whose
    `tool_use_id` refers to it, so the pair stays matched.
    """
    bad = [b for b in cached_blocks(ctx) if b.type == "server_tool_use" and isinstance(b.block.get("id"), str)
           and not SERVER_ID_RE.match(b.block["id"])]
    if not bad:
        return
    taken = {b.block.get("id") for b in cached_blocks(ctx) if b.type in ("server_tool_use", "tool_use")}
    for b in bad:
        tid = b.block["id"]
        base = new = sanitize_server_id(tid)
        n = 2
        while new in taken:
            new, n = f"{base}_{n}", n + 1
        taken.add(new)
        fix_ops = [ops.replace((*b.path, "id"), new)]
        related = []
        for r in cached_blocks(ctx):
            if is_server_result(r.type) and r.block.get("tool_use_id") == tid:
                fix_ops.append(ops.replace((*r.path, "tool_use_id"), new))
                related.append(r.path)
        yield Violation(
            (*b.path, "id"),
            f"server_tool_use id {tid!r} does not match ^srvtoolu_[a-zA-Z0-9_]+$",
            api_error=f"{to_dotted(b.path)}.server_tool_use.id: String should match pattern "
                      f"'^srvtoolu_[a-zA-Z0-9_]+$'",
            related=tuple(related),
            fix=ops.safe(f"rename {tid!r} to {new!r} (and its result)", *fix_ops),
        )


def srv02_text(path: tuple[str | int, ...], block_type: str, tool_use_id: str) -> str:
    return (f"{to_dotted(path)}: unexpected `tool_use_id` found in `{block_type}` blocks: {tool_use_id}. "
            f"Each `{block_type}` block must have a corresponding `server_tool_use` block before it.")


@rule("V002", "server-tool-result-without-use", Severity.ERROR, references=("SRV-02", "ORDER-02"),
      fix=Applicability.UNSAFE)
def server_tool_result_without_use(ctx: CheckContext) -> Iterator[Violation]:
    """A server tool result has no matching `server_tool_use` earlier in the same assistant turn.

    ## What it does
    For every `*_tool_result` block of a server tool (web_search, web_fetch, code_execution,
    bash_code_execution, text_editor_code_execution, tool_search, advisor, and any newer
    `*_tool_result` other than the client `tool_result` / `mcp_tool_result`), looks for a
    `server_tool_use` with the same id *before* it in the same (merged) turn.

    ## Why is this bad?
    The API rejects it: ``messages.7.content.0: unexpected `tool_use_id` found in
    `advisor_tool_result` blocks: srvtoolu_01JjfQsdhSJkT7qLCL7Pj9jc. Each
    `advisor_tool_result` block must have a corresponding `server_tool_use` block before it.``
    History compaction or a proxy that drops `server_tool_use` blocks (but keeps the results)
    causes it; so does splitting one assistant turn into separate turns.

    ## Example
    ```json
    {"role": "assistant", "content": [
      {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01", "content": []},
      {"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_search", "input": {"query": "x"}}]}
    ```

    ## Fix
    When the `server_tool_use` is later in the same turn: *safe*, move the result right after
    it.  Otherwise the call is gone and cannot be rebuilt (its input is unknown): *unsafe*, drop
    the orphan result (and its message if nothing else is left in it).
    """
    for turn in ctx.turns:
        seen: set[str] = set()
        uses: dict[str, BlockRef] = {}
        for b in turn.blocks:
            if b.type == "server_tool_use" and isinstance(b.block.get("id"), str):
                uses.setdefault(b.block["id"], b)
        for b in turn.blocks:
            if b.type == "server_tool_use" and isinstance(b.block.get("id"), str):
                seen.add(b.block["id"])
                continue
            rid = b.block.get("tool_use_id")
            if not is_server_result(b.type) or not isinstance(rid, str) or rid in seen:
                continue
            later = uses.get(rid)
            yield Violation(
                b.path,
                f"{b.type} for {rid} has no server_tool_use before it in this turn"
                + (" (the call comes after it)" if later else ""),
                api_error=srv02_text(b.path, b.type or "?", rid),
                related=(later.path,) if later else (),
                fix=_move_after_use(ctx, turn, b, later) if later else _drop_result(ctx, b),
            )


def _move_after_use(ctx: CheckContext, turn: Turn, result: BlockRef, use: BlockRef) -> Fix:
    blocks = [x.block for x in turn.blocks if x is not result]
    pos = next(i for i, x in enumerate(blocks) if x is use.block) + 1
    # results of the same call already following the use stay first
    blocks.insert(pos, result.block)
    return ops.safe(f"move the {result.type} after its server_tool_use",
                    *rebuild_turn(ctx, turn, blocks))


def _drop_result(ctx: CheckContext, b: BlockRef) -> Fix | None:
    if b.index is None:
        return None
    msgs = ctx.request["messages"]
    content = msgs[b.message].get("content")
    if isinstance(content, list) and len(content) == 1:
        return ops.unsafe(f"drop the orphan {b.type} (and its now empty message)",
                          ops.remove(("messages", b.message)))
    return ops.unsafe(f"drop the orphan {b.type}", ops.remove(b.path))
