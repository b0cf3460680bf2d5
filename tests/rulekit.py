"""Helpers for rule tests: build payloads tersely, check, apply a rule's fixes until clean."""

from __future__ import annotations

import copy
from typing import Any

from tui.core.check import check_request
from tui.core.findings import Applicability, Finding
from tui.core.repair.patch import apply_patch
from tui.core.rules.registry import select_rules

MODEL = "claude-haiku-4-5-20251001"  # a current model (no retirement date) that still allows prefill


def req(*messages: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A request body with sane defaults; keyword arguments override or add top-level keys."""
    body: dict[str, Any] = {"model": MODEL, "max_tokens": 1024, "messages": list(messages)}
    body.update(top)
    return body


def user(*content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content[0] if len(content) == 1 and isinstance(content[0], str) else list(content)}


def assistant(*content: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": content[0] if len(content) == 1 and isinstance(content[0], str) else list(content)}


def text(t: str) -> dict[str, Any]:
    return {"type": "text", "text": t}


def tool_use(tid: str, name: str = "get_weather", inp: Any = None) -> dict[str, Any]:
    return {"type": "tool_use", "id": tid, "name": name, "input": {"city": "Paris"} if inp is None else inp}


def tool_result(tid: str, content: Any = "sunny", **kw: Any) -> dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": tid, "content": content, **kw}


WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Weather for a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


def findings(payload: Any, code: str | None = None, **exchange_kw: Any) -> list[Finding]:
    """All findings (or those of one rule) for a request, optionally with a logged response/error."""
    from tui.core.model import Exchange, Source

    ex = Exchange(source=Source("t.json", 0), format="test", request=payload, **exchange_kw)
    out = check_request(payload, ex, select_rules())
    return [f for f in out if code is None or f.code == code]


OLD_API = {"anthropic-version": "2023-06-01"}
"""Headers of a request logged with the API version before 2026-10-21 (per-model sampling rules)."""


def codes(payload: Any, **exchange_kw: Any) -> set[str]:
    return {f.code for f in findings(payload, **exchange_kw)}


def fix_all(payload: Any, code: str, *, unsafe: bool = True, rounds: int = 50, **exchange_kw: Any) -> Any:
    """Apply the first fix of ``code`` repeatedly until the rule is silent; return the result.

    Asserts that every finding of the rule offers a fix and that the loop terminates, and that
    the input object itself is never mutated.  ``exchange_kw`` (``headers=…``) is the logged
    evidence each round is checked with.
    """
    original = copy.deepcopy(payload)
    current = payload
    for _ in range(rounds):
        fs = findings(current, code, **exchange_kw)
        if not fs:
            assert payload == original, "fixing mutated the input"
            return current
        f = fs[0]
        assert f.fix is not None, f"{code} finding without a fix: {f.message}"
        if f.fix.applicability is Applicability.UNSAFE:
            assert unsafe, f"{code} needed an unsafe fix"
        current = apply_patch(current, f.fix.ops)
    raise AssertionError(f"{code} still reported after {rounds} fixes")
