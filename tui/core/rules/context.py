"""What a rule sees: the request, defensive views over it, and the model's capabilities.

Logs are untrusted: ``messages`` may be a string, a block may be a number.  The views here skip
what is not the expected shape (the ``B`` family reports those), so family rules can be written
for well-shaped data without each one re-checking types.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import datetime

from tui.core import apishapes, clock
from tui.core.capabilities import ModelCaps, lookup_model
from tui.core.model import Exchange
from tui.core.paths import Path


@dataclass(frozen=True, slots=True)
class BlockRef:
    """A content block and where it is.  A string ``content`` is shown as one text block whose
    ``index`` is None and whose path is the ``content`` key itself."""

    message: int
    index: int | None
    block: dict[str, Any]
    type: str | None = field(init=False, compare=False)
    """The block's ``type`` when it is a string.  Read once: rules ask it ~50 times per block
    (a quarter of the check of a 5,000-message request went into that lookup)."""

    def __post_init__(self) -> None:
        t = self.block.get("type")
        object.__setattr__(self, "type", t if isinstance(t, str) else None)

    @property
    def path(self) -> Path:
        if self.index is None:
            return ("messages", self.message, "content")
        return ("messages", self.message, "content", self.index)


@dataclass(slots=True)
class Turn:
    """Consecutive messages of one role, merged as the API merges them (API_RULES.md ROLE-02)."""

    role: str
    messages: list[int] = field(default_factory=list)
    blocks: list[BlockRef] = field(default_factory=list)


class CheckContext:
    """Everything a rule may read.  Build one per request; views are computed once, on demand."""

    def __init__(self, request: Any, exchange: Exchange | None = None) -> None:
        self.request: dict[str, Any] = request if isinstance(request, dict) else {}
        self.exchange = exchange
        self._blocks: dict[int, list[BlockRef]] = {}

    # -- top level -------------------------------------------------------------------------
    @property
    def partial(self) -> bool:
        """The log kept only part of the request (a bare messages array, a transcript, a trace
        without the prompt): rules about what is *missing* at the top or the start stay quiet."""
        extra = self.exchange.extra if self.exchange is not None else {}
        return bool(extra.get("messages_only") or extra.get("partial_request") or extra.get("prompt_not_logged"))

    # -- the logged evidence: headers, API version, outcome, time ---------------------------
    @cached_property
    def headers(self) -> dict[str, str]:
        """The logged request headers with lower-case names (``{}`` when none were logged)."""
        raw = self.exchange.headers if self.exchange is not None else None
        if not isinstance(raw, dict):
            return {}
        return {k.lower(): v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}

    @property
    def headers_logged(self) -> bool:
        """The log kept the request's headers (so a missing ``anthropic-beta`` really was missing)."""
        return bool(self.headers)

    @cached_property
    def betas(self) -> frozenset[str]:
        """Every ``anthropic-beta`` value the request was sent with: the header (comma-separated)
        and, for Bedrock / Vertex bodies, the body's ``anthropic_beta`` list."""
        out: set[str] = set()
        header = self.headers.get("anthropic-beta", "")
        out.update(b.strip() for b in header.split(",") if b.strip())
        body_beta = self.request.get("anthropic_beta")
        if isinstance(body_beta, list):
            out.update(b.strip() for b in body_beta if isinstance(b, str) and b.strip())
        return frozenset(out)

    @property
    def api_version_logged(self) -> str | None:
        """The ``anthropic-version`` header the request was logged with, if the log kept it."""
        v = self.headers.get("anthropic-version", "").strip()
        return v or None

    @property
    def api_version(self) -> str:
        """The API version the request is judged by: the logged one, else the one the pinned SDK
        sends (which is what a replay or an export sends when the log does not say)."""
        return self.api_version_logged or apishapes.sdk_api_version()

    def version_verdict(self, since: datetime.date) -> str | None:
        """How a rule that starts at API version ``since`` judges this request.

        None: the version it is judged by is older (or not a date), the rule does not apply.
        ``"rejected"``: judged by ``since`` or later: an error.  (If the log shows it accepted
        with such a version logged, the check's generic step marks that error as contradicted by
        the logged response, as for any rule.)
        ``"accepted-unversioned"``: the log shows it accepted but kept no version, so it was sent
        with an older one; a replay with the SDK's fails: a warning the rule words itself."""
        day = clock.parse_iso(self.api_version)
        if day is None or day < since:
            return None
        if self.accepted and self.api_version_logged is None:
            return "accepted-unversioned"
        return "rejected"

    @cached_property
    def accepted(self) -> bool:
        """The log shows the API accepted this request: HTTP 200, or (no status logged) a
        Message response and no error."""
        ex = self.exchange
        if ex is None or ex.error is not None:
            return False
        if ex.status is not None:
            return ex.status == 200
        r = ex.response
        return isinstance(r, dict) and r.get("type") == "message"

    @cached_property
    def logged_date(self) -> datetime.date | None:
        """The date the request was logged, when the log says."""
        ex = self.exchange
        if ex is None:
            return None
        for value in (ex.started_at, ex.extra.get("recorded_at") if isinstance(ex.extra, dict) else None,
                      ex.extra.get("timestamp") if isinstance(ex.extra, dict) else None):
            d = clock.parse_date(value)
            if d is not None:
                return d
        return None

    @property
    def judged_on(self) -> datetime.date | None:
        """The date time-dependent rules judge the request at: the logged date when known, else
        today.  None for a request the log shows *accepted* with no time logged: the 200 itself
        dates it before any change that would have rejected it."""
        if self.logged_date is not None:
            return self.logged_date
        if self.accepted:
            return None
        return clock.today()

    @property
    def model(self) -> str | None:
        m = self.request.get("model")
        return m if isinstance(m, str) else None

    @cached_property
    def caps(self) -> ModelCaps | None:
        """Capabilities of the requested model, or None when the model is not in the table."""
        return lookup_model(self.model) if self.model else None

    @property
    def response(self) -> dict[str, Any] | None:
        r = self.exchange.response if self.exchange else None
        return r if isinstance(r, dict) else None

    @property
    def error(self) -> dict[str, Any] | None:
        e = self.exchange.error if self.exchange else None
        return e if isinstance(e, dict) else None

    # -- messages and blocks ---------------------------------------------------------------
    @cached_property
    def message_list(self) -> list[tuple[int, dict[str, Any]]]:
        msgs = self.request.get("messages")
        if not isinstance(msgs, list):
            return []
        return [(i, m) for i, m in enumerate(msgs) if isinstance(m, dict)]

    def messages(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """``(index, message)`` for every message that is an object."""
        return iter(self.message_list)

    def role(self, index: int) -> str | None:
        msgs = self.request.get("messages")
        if isinstance(msgs, list) and 0 <= index < len(msgs) and isinstance(msgs[index], dict):
            r = msgs[index].get("role")
            return r if isinstance(r, str) else None
        return None

    def blocks(self, index: int) -> list[BlockRef]:
        """The content blocks of message ``index`` that are objects (string content = one text block).

        Computed once per message: every family walks the blocks, and the lists are read-only.
        """
        cached = self._blocks.get(index)
        if cached is None:
            cached = self._blocks[index] = self._compute_blocks(index)
        return cached

    def _compute_blocks(self, index: int) -> list[BlockRef]:
        msgs = self.request.get("messages")
        if not isinstance(msgs, list) or not (0 <= index < len(msgs)):
            return []
        msg = msgs[index]
        if not isinstance(msg, dict):
            return []
        content = msg.get("content")
        if isinstance(content, str):
            return [BlockRef(index, None, {"type": "text", "text": content})]
        if isinstance(content, list):
            return [BlockRef(index, j, b) for j, b in enumerate(content) if isinstance(b, dict)]
        return []

    def all_blocks(self) -> Iterator[tuple[str | None, BlockRef]]:
        """``(role, block)`` for every block of every message, in order."""
        return iter(self._all_blocks)

    @cached_property
    def _all_blocks(self) -> list[tuple[str | None, BlockRef]]:
        out: list[tuple[str | None, BlockRef]] = []
        for i, msg in self.message_list:
            role = msg.get("role") if isinstance(msg.get("role"), str) else None
            out.extend((role, b) for b in self.blocks(i))
        return out

    @cached_property
    def turns(self) -> list[Turn]:
        """Messages merged by role; messages with an unknown role start their own turn."""
        turns: list[Turn] = []
        for i, msg in self.message_list:
            role = msg.get("role")
            role = role if isinstance(role, str) else "?"
            if turns and turns[-1].role == role and role in ("user", "assistant"):
                turns[-1].messages.append(i)
            else:
                turns.append(Turn(role, [i]))
            turns[-1].blocks.extend(self.blocks(i))
        return turns

    @cached_property
    def final_message(self) -> tuple[int, dict[str, Any]] | None:
        return self.message_list[-1] if self.message_list else None

    # -- tools -----------------------------------------------------------------------------
    @cached_property
    def tools(self) -> list[tuple[int, dict[str, Any]]]:
        tools = self.request.get("tools")
        if not isinstance(tools, list):
            return []
        return [(i, t) for i, t in enumerate(tools) if isinstance(t, dict)]

    @cached_property
    def tools_by_name(self) -> dict[str, dict[str, Any]]:
        """Declared tools by name (the first wins when names collide; D002 reports that)."""
        out: dict[str, dict[str, Any]] = {}
        for _, t in self.tools:
            name = t.get("name")
            if isinstance(name, str) and name not in out:
                out[name] = t
        return out

    # -- thinking --------------------------------------------------------------------------
    @property
    def thinking_type(self) -> str | None:
        """``enabled`` / ``adaptive`` / ``disabled`` or None when the request has no ``thinking``."""
        t = self.request.get("thinking")
        if isinstance(t, dict) and isinstance(t.get("type"), str):
            return t["type"]
        return None

    @property
    def thinking_on(self) -> bool:
        return self.thinking_type in ("enabled", "adaptive")
