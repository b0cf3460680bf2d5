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


@cache
def _table() -> dict[str, ModelCaps]:
    raw = json.loads(resources.files("tui.core").joinpath("data/models.json").read_text("utf-8"))
    return {
        key: ModelCaps(key=key, **{**v, "thinking": tuple(v["thinking"])})
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
