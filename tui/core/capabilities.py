"""The model capability table (data in ``data/models.json``) and model-id normalisation.

Model-dependent rules read this table rather than hard-coding model names, so updating a model's
limits is a data change.  Unknown models return None; the checker then skips those rules and says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class ModelCaps:
    key: str
    max_output: int
    context_window: int
    prefill: bool
    system_in_messages: bool
    thinking: tuple[str, ...]
    sampling: str
    retired: str | None
    input_plus_output_limit: bool
    # -- added for the API of 2026-10-21 (issue 16); defaults = the older models' behaviour --
    thinking_off: bool = True
    """``thinking: {"type": "disabled"}`` is accepted."""
    thinking_default: str = "off"
    """What a request with no ``thinking`` key gets: ``off`` or a thinking type (``adaptive``)."""
    effort: tuple[str, ...] = ()
    """Accepted ``output_config.effort`` levels; empty = the model takes no effort setting."""
    forced_tool_choice: bool = True
    """``tool_choice`` ``any`` / ``tool`` is accepted at all."""
    forced_tool_with_thinking: bool = False
    """A forced ``tool_choice`` is accepted while the model thinks."""
    interleaved_thinking: bool = False
    """The model returns thinking between tool calls (a turn may start with a tool block)."""
    successor: str | None = None
    """The id to move to when this one retires."""
    sources: tuple[str, ...] = ()
    """Where each fact comes from (a docs page or an SDK file)."""
    borrowed_from: str | None = None
    """Set when the id is not in the table and these are its family's newest known capabilities."""


@cache
def _table() -> dict[str, ModelCaps]:
    raw = json.loads(resources.files("tui.core").joinpath("data/models.json").read_text("utf-8"))
    return {
        key: ModelCaps(key=key, **{k: tuple(x) if isinstance(x, list) else x for k, x in v.items()})
        for key, v in raw["models"].items()
    }


_DECORATIONS = [
    re.compile(r"^(?:[a-z]{2,4}\.)?anthropic\."),  # Bedrock: us.anthropic.claude-… / anthropic.claude-…
    re.compile(r"-v\d+(?::\d+)?$"),                # Bedrock: …-v1:0
    re.compile(r"@\d{8}$"),                        # Vertex: claude-…@20250929
    re.compile(r"\[[^\]]*\]$"),                    # Claude Code: claude-opus-4-6[1m]
    re.compile(r"-latest$"),
    re.compile(r"-\d{8}$"),                        # dated snapshot
]


def normalize_model(model: str) -> str:
    """``us.anthropic.claude-sonnet-4-5-20250929-v1:0`` → ``claude-sonnet-4-5``."""
    m = model.strip().lower()
    for rx in _DECORATIONS:
        m = rx.sub("", m)
    return m


def lookup_model(model: str) -> ModelCaps | None:
    """Capabilities for a model id, or None when it is not in the table."""
    return _table().get(normalize_model(model))


def known_models() -> list[str]:
    return sorted(_table())
