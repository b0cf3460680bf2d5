"""Compare a replayed response with the one in the log: did the repair change the outcome?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Difference:
    field: str
    logged: Any
    replayed: Any


def _blocks(msg: dict[str, Any]) -> list[str]:
    content = msg.get("content")
    if not isinstance(content, list):
        return []
    out = []
    for b in content:
        if isinstance(b, dict):
            name = b.get("name")
            out.append(f"{b.get('type')}({name})" if isinstance(name, str) else str(b.get("type")))
    return out


def _text(msg: dict[str, Any]) -> str:
    content = msg.get("content")
    if not isinstance(content, list):
        return ""
    return "".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"
                   and isinstance(b.get("text"), str))


def compare_responses(logged: dict[str, Any] | None, replayed: dict[str, Any] | None) -> list[Difference]:
    """Stop reason, block structure, text (equal or not) and usage; empty when they agree."""
    if not isinstance(logged, dict) or not isinstance(replayed, dict):
        return []
    diffs: list[Difference] = []
    if logged.get("stop_reason") != replayed.get("stop_reason"):
        diffs.append(Difference("stop_reason", logged.get("stop_reason"), replayed.get("stop_reason")))
    if _blocks(logged) != _blocks(replayed):
        diffs.append(Difference("content blocks", _blocks(logged), _blocks(replayed)))
    elif _text(logged) != _text(replayed):
        diffs.append(Difference("text", len(_text(logged)), len(_text(replayed))))
    lu, ru = logged.get("usage"), replayed.get("usage")
    if isinstance(lu, dict) and isinstance(ru, dict):
        for key in ("input_tokens", "output_tokens"):
            if lu.get(key) != ru.get(key):
                diffs.append(Difference(f"usage.{key}", lu.get(key), ru.get(key)))
    return diffs
