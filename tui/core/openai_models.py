"""The OpenAI model capability table (``data/openai_models.json``) and OpenAI model-id normalisation.

The Q rules that depend on the model read this table, as the Anthropic rules read
``data/models.json``: which roles, parameters and content parts a model refuses is data, and each
fact names its source.  A fact the table marks *assumed* is reported as a warning, not an error
(nothing public confirms the API rejects it); a fact it does not know (``null``) is never reported.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["OpenAIModel", "closest_openai_model", "known_openai_models", "lookup_openai_model",
           "normalize_openai_model"]


@dataclass(frozen=True, slots=True)
class OpenAIModel:
    key: str
    reasoning: bool
    system_role: bool
    developer_role: bool
    stop: bool | None
    max_tokens: bool | None
    temperature: str | None
    """``range`` (any value in [0, 2]), ``default-only`` (only 1) or None (not known)."""
    web_search_options: bool
    rejected_parts: tuple[str, ...]
    sources: tuple[str, ...] = ()

    assumed_fields: frozenset[str] = frozenset()
    """Fields (and ``rejected_parts.PART``) whose value the table assumes rather than sources."""

    def assumed(self, field: str) -> bool:
        """Whether the value of ``field`` (``stop``, ``rejected_parts.input_audio`` …) is an assumption."""
        return field in self.assumed_fields or field.split(".", 1)[0] in self.assumed_fields


@cache
def _data() -> tuple[dict[str, OpenAIModel], dict[str, str]]:
    raw: dict[str, Any] = json.loads(
        resources.files("tui.core").joinpath("data/openai_models.json").read_text("utf-8"))
    table: dict[str, OpenAIModel] = {}
    for key, v in raw["models"].items():
        table[key] = OpenAIModel(
            key=key, reasoning=v["reasoning"], system_role=v["system_role"], developer_role=v["developer_role"],
            stop=v["stop"], max_tokens=v["max_tokens"], temperature=v["temperature"],
            web_search_options=v["web_search_options"], rejected_parts=tuple(v["rejected_parts"]),
            sources=tuple(v.get("sources", ())), assumed_fields=frozenset(v.get("assumed", ())))
    return table, dict(raw.get("aliases", {}))


_PROVIDER = re.compile(r"^(?:openai|azure|azure_ai|litellm_proxy|litellm|openrouter)/")
_FINE_TUNE = re.compile(r"^ft:([^:]+):.*$")
_SNAPSHOT = re.compile(r"-(?:\d{4}-\d{2}-\d{2}|\d{4})$")


def normalize_openai_model(model: str) -> str:
    """``openai/gpt-4o-2024-08-06`` → ``gpt-4o``; ``ft:gpt-4o-mini-2024-07-18:acme::x1`` → ``gpt-4o-mini``."""
    aliases = _data()[1]
    m = model.strip().lower()
    while (stripped := _PROVIDER.sub("", m)) != m:
        m = stripped
    m = _FINE_TUNE.sub(r"\1", m)
    if m in _data()[0] or m in aliases:
        return aliases.get(m, m)
    m = _SNAPSHOT.sub("", m)
    return aliases.get(m, m)


def lookup_openai_model(model: Any) -> OpenAIModel | None:
    """The table's entry for an OpenAI model id, or None when the table does not know it."""
    if not isinstance(model, str) or not model.strip():
        return None
    return _data()[0].get(normalize_openai_model(model))


def known_openai_models() -> list[str]:
    return sorted(_data()[0])


def closest_openai_model(model: str) -> str | None:
    """The known id nearest to ``model`` (a typo's likely intent), or None when none is close."""
    got = difflib.get_close_matches(normalize_openai_model(model), known_openai_models(), n=1, cutoff=0.6)
    return got[0] if got else None
