"""K: prompt caching (API_RULES.md §8, CACHE-01 … CACHE-03).

A *breakpoint* is a ``cache_control`` object on a tool, a system block, a message block, or a
block nested in a ``tool_result``'s content.  The API processes them in the order ``tools`` →
``system`` → ``messages`` (its own wording in CACHE-02), which is the order used here.

Not counted: the top-level ``cache_control`` (automatic caching).  Whether it takes one of the
four slots is not documented in our sources; K003 still checks its keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tui.core.findings import Applicability, Severity, Violation
from tui.core.paths import Path, to_dotted
from tui.core.repair import ops
from tui.core.rules.context import CheckContext
from tui.core.rules.registry import rule

MAX_BREAKPOINTS = 4
STANDARD_KEYS = frozenset({"type", "ttl"})


@dataclass(frozen=True, slots=True)
class Breakpoint:
    owner: Path
    """The tool or block that holds the ``cache_control``."""
    value: dict[str, Any]

    @property
    def path(self) -> Path:
        return (*self.owner, "cache_control")

    @property
    def ttl(self) -> str | None:
        """``5m`` or ``1h`` (a missing ttl is 5m); None for a value the API would refuse."""
        ttl = self.value.get("ttl", "5m")
        return ttl if ttl in ("5m", "1h") else None


def _mark(owner: Path, item: Any) -> Breakpoint | None:
    if isinstance(item, dict) and isinstance(item.get("cache_control"), dict):
        return Breakpoint(owner, item["cache_control"])
    return None


def breakpoints(ctx: CheckContext) -> list[Breakpoint]:
    """Every breakpoint in processing order: tools, system, messages (nested results in place)."""
    found: list[Breakpoint | None] = []
    for i, t in ctx.tools:
        found.append(_mark(("tools", i), t))
    system = ctx.request.get("system")
    if isinstance(system, list):
        found += [_mark(("system", i), b) for i, b in enumerate(system)]
    for _, b in ctx.all_blocks():
        if b.index is None:
            continue
        found.append(_mark(b.path, b.block))
        inner = b.block.get("content") if b.type == "tool_result" else None
        if isinstance(inner, list):
            found += [_mark((*b.path, "content", k), c) for k, c in enumerate(inner)]
    return [bp for bp in found if bp is not None]


@rule("K001", "too-many-cache-breakpoints", Severity.ERROR, references=("CACHE-01",),
      fix=Applicability.UNSAFE)
def too_many_cache_breakpoints(ctx: CheckContext) -> Iterator[Violation]:
    """More than 4 `cache_control` breakpoints across tools, system and messages.

    ## What it does
    Counts `cache_control` objects on tools, system blocks, message blocks and blocks inside
    `tool_result` content, and reports the fifth one (the first over the limit), listing every
    breakpoint as related.

    ## Why is this bad?
    Relays and SDK helpers inject their own breakpoints on top of the client's:
    ``A maximum of 4 blocks with cache_control may be provided. Found 5.``  (no path in the
    text).

    ## Example
    A system prompt with 2 breakpoints, a tool with 1, and the last two user messages with 1
    each.

    ## Fix
    *Unsafe*: keep the last 4 breakpoints (the longest cached prefixes) and remove the earlier
    ones.  No content changes, but what is cached, and so the cost and latency of later
    requests, does.
    """
    bps = breakpoints(ctx)
    if len(bps) <= MAX_BREAKPOINTS:
        return
    drop = bps[: len(bps) - MAX_BREAKPOINTS]
    over = bps[MAX_BREAKPOINTS]
    yield Violation(
        over.path,
        f"{len(bps)} cache_control breakpoints; the API accepts at most {MAX_BREAKPOINTS}",
        api_error=f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided. "
                  f"Found {len(bps)}.",
        related=tuple(bp.path for bp in bps if bp is not over),
        fix=ops.unsafe(f"keep the last {MAX_BREAKPOINTS} breakpoints (remove {len(drop)})",
                       *[ops.remove(bp.path) for bp in drop]),
    )


@rule("K002", "cache-ttl-order", Severity.ERROR, references=("CACHE-02",),
      fix=Applicability.UNSAFE)
def cache_ttl_order(ctx: CheckContext) -> Iterator[Violation]:
    """A `ttl: "1h"` breakpoint comes after a 5-minute one.

    ## What it does
    Walks the breakpoints in the API's order (tools → system → messages) and reports every
    `1h` breakpoint after a `5m` one; a breakpoint without `ttl` is `5m`.

    ## Why is this bad?
    A longer-lived cache entry cannot extend a shorter-lived prefix.  Typical cause: a relay
    adds a default (5m) breakpoint to the tools while the client marks its messages `1h`:
    ``messages.0.content.4.cache_control.ttl: a ttl='1h' cache_control block must not come
    after a ttl='5m' cache_control block. Note that blocks are processed in the following
    order: `tools`, `system`, `messages`.``

    ## Example
    A tool with `{"type": "ephemeral"}` and a system block with
    `{"type": "ephemeral", "ttl": "1h"}`.

    ## Fix
    *Unsafe*: set the offending breakpoint's `ttl` to `"5m"`.  Content is untouched, but TTLs
    are billing: 1h cache writes cost more and live longer, so any change alters what later
    requests pay, and must not happen silently with the safe fixes.  Shortening the late
    breakpoint was chosen over lengthening the early ones because it never raises the cost of
    a write.
    """
    first_5m: Breakpoint | None = None
    for bp in breakpoints(ctx):
        if bp.ttl == "5m" and first_5m is None:
            first_5m = bp
        elif bp.ttl == "1h" and first_5m is not None:
            yield Violation(
                (*bp.path, "ttl"),
                f"ttl='1h' breakpoint after the ttl='5m' breakpoint at {to_dotted(first_5m.path)}",
                api_error=f"{to_dotted(bp.path)}.ttl: a ttl='1h' cache_control block must not come "
                          f"after a ttl='5m' cache_control block. Note that blocks are processed in "
                          f"the following order: `tools`, `system`, `messages`.",
                related=(first_5m.path,),
                fix=ops.unsafe("shorten this breakpoint's ttl to 5m", ops.replace((*bp.path, "ttl"), "5m")),
            )


@rule("K003", "cache-control-extra-fields", Severity.WARNING, references=("CACHE-03",),
      fix=Applicability.UNSAFE)
def cache_control_extra_fields(ctx: CheckContext) -> Iterator[Violation]:
    """A `cache_control` has fields other than `type` and `ttl`.

    ## What it does
    Reports every key other than `type` and `ttl` in any `cache_control` (including the
    top-level one).

    ## Why is this bad?
    Newer or beta fields (`scope`, …) are refused by relays and older endpoints:
    ``system.1.cache_control.ephemeral.scope: Extra inputs are not permitted`` (a Copilot
    relay), ``tools.3.cache_control: Extra inputs are not permitted`` (OpenRouter).  The
    first-party API may accept them with the right beta header, hence a warning.

    ## Example
    `{"type": "ephemeral", "scope": "global"}`

    ## Fix
    *Unsafe*: remove the field.  It only affects caching, but on an endpoint that honours it
    caching changes.
    """
    marks = list(breakpoints(ctx))
    top = ctx.request.get("cache_control")
    if isinstance(top, dict):
        marks.insert(0, Breakpoint((), top))
    for bp in marks:
        for key in bp.value:
            if key in STANDARD_KEYS:
                continue
            yield Violation(
                (*bp.path, key),
                f"cache_control field {key!r} is not standard (only type and ttl); relays reject it",
                fix=ops.unsafe(f"remove cache_control.{key}", ops.remove((*bp.path, key))),
            )
