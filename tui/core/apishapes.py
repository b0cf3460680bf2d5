"""The Messages API's request shapes, as generated from the pinned ``anthropic`` SDK.

``data/api_shapes.json`` is written by ``python -m tui.core.apigen`` from the installed SDK's
request TypedDicts (a test fails when it is stale).  This module only reads it: the checker never
imports the SDK (2 s) to know what a request may hold.
"""

from __future__ import annotations

import datetime

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def shapes() -> dict[str, Any]:
    """The whole generated shape file."""
    text = resources.files("tui.core").joinpath("data/api_shapes.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def sdk_api_version() -> str:
    """The ``anthropic-version`` the pinned SDK sends (what a replay sends by default)."""
    return str(shapes()["api_version"])


def sdk_version() -> str:
    """The ``anthropic`` package version the shapes were generated from."""
    return str(shapes()["sdk_version"])


# -- views over the expressions (see tui/core/apigen.py for their forms) -----------------------

Expr = Any
"""One type expression of the shape file."""


def defs() -> dict[str, dict[str, Any]]:
    defs_: dict[str, dict[str, Any]] = shapes()["defs"]
    return defs_


def defn(name: str) -> dict[str, Any]:
    """One object definition: ``keys`` (name → ``{type, required, beta?}``), ``open``, ``beta``."""
    return defs()[name]


def root() -> dict[str, Any]:
    """The request body's definition (stable and beta keys merged)."""
    return defn(shapes()["root"])


def members(expr: Expr) -> list[Expr]:
    """The alternatives of a union; any other expression is its own one alternative."""
    if isinstance(expr, dict) and "union" in expr:
        return list(expr["union"])
    return [expr]


def scalar(expr: Expr) -> str | None:
    """``str`` / ``int`` / ``float`` / ``bool`` / ``null`` / ``any`` for a scalar expression."""
    if isinstance(expr, str):
        return expr
    if isinstance(expr, dict) and "scalar" in expr:
        return str(expr["scalar"])
    return None


def is_beta(expr: Expr) -> bool:
    return isinstance(expr, dict) and bool(expr.get("beta"))


def accepts_null(expr: Expr) -> bool:
    return any(scalar(m) in ("null", "any") for m in members(expr))


def without_null(expr: Expr) -> Expr:
    """The expression with its ``null`` alternative removed (``Optional[X]`` → ``X``)."""
    rest = [m for m in members(expr) if scalar(m) != "null"]
    if not rest:
        return "null"
    return rest[0] if len(rest) == 1 else {"union": rest}


def shallow_match(expr: Expr, value: Any) -> bool:
    """Whether ``value`` has the JSON kind of one alternative of ``expr`` (objects are not
    looked into: the walk does that, alternative by alternative)."""
    return any(_kind_match(m, value) for m in members(expr))


def _kind_match(expr: Expr, value: Any) -> bool:
    s = scalar(expr)
    if s is not None:
        if s == "any":
            return True
        if s == "null":
            return value is None
        if s == "str":
            return isinstance(value, str)
        if s == "bool":
            return isinstance(value, bool)
        if s == "int":
            return isinstance(value, int) and not isinstance(value, bool)
        if s == "float":
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        return False
    if "lit" in expr:
        return any(value == v and type(value) is type(v) for v in expr["lit"])
    if "list" in expr:
        return isinstance(value, list)
    if "map" in expr or "ref" in expr or "tagged" in expr:
        return isinstance(value, dict)
    return False


def kind_word(expr: Expr) -> str:
    """What a value of this expression is, in words: ``a string``, ``a list`` …"""
    words = []
    for m in members(expr):
        s = scalar(m)
        w = {"str": "a string", "int": "an integer", "float": "a number", "bool": "a boolean",
             "null": "", "any": "any value"}.get(s or "") if s is not None else \
            "one of " + ", ".join(repr(v) for v in m["lit"]) if "lit" in m else \
            "a list" if "list" in m else "an object"
        if w and w not in words:
            words.append(w)
    return " or ".join(words) or "null"


def literal_text(values: list[Any]) -> str:
    """pydantic's ``literal_error`` wording: ``Input should be 'a', 'b' or 'c'``."""
    shown = [f"'{v}'" if isinstance(v, str) else repr(v) for v in values]
    if len(shown) == 1:
        return f"Input should be {shown[0]}"
    return f"Input should be {', '.join(shown[:-1])} or {shown[-1]}"


_BLOCK_CASES: dict[int, tuple[Expr, tuple[dict[str, dict[str, Any]], bool] | None]] = {}


def block_cases(expr: Expr) -> tuple[dict[str, dict[str, Any]], bool] | None:
    """Memoised :func:`_block_cases` (the walk asks it for every value it meets).  Keyed by
    identity, with the expression kept so a recycled id can never answer for another one."""
    hit = _BLOCK_CASES.get(id(expr))
    if hit is not None and hit[0] is expr:
        return hit[1]
    result = _block_cases(expr)
    _BLOCK_CASES[id(expr)] = (expr, result)
    return result


def _block_cases(expr: Expr) -> tuple[dict[str, dict[str, Any]], bool] | None:
    """For a list of content blocks (``Iterable[Union[TextBlockParam, …]]`` or a list of one
    block type), ``(cases, tagged)``: tag → ``{"ref", "beta"}``, and whether the API's error
    locations carry the tag (a tagged union does; a list of one type does not)."""
    for m in members(expr):
        if not (isinstance(m, dict) and "list" in m):
            continue
        item = m["list"]
        if isinstance(item, dict) and item.get("tagged") == "type" and \
                all(c["ref"].endswith("BlockParam") for c in item["cases"].values()):
            return dict(item["cases"]), True
        if isinstance(item, dict) and "ref" in item and item["ref"].endswith("BlockParam"):
            tag = defn(item["ref"])["keys"].get("type", {}).get("type", {})
            if isinstance(tag, dict) and len(tag.get("lit", ())) == 1:
                return {tag["lit"][0]: {"ref": item["ref"], "beta": False}}, False
    return None


@cache
def message_cases(role: str) -> dict[str, dict[str, Any]]:
    """The block types a message of ``role`` may hold (``user`` for an unknown role)."""
    msgs = root()["keys"]["messages"]["type"]["list"]
    case = msgs["cases"].get(role) or msgs["cases"]["user"]
    content = defn(case["ref"])["keys"]["content"]["type"]
    got = block_cases(content)
    return got[0] if got else {}


@cache
def all_block_tags() -> frozenset[str]:
    """Every content block type accepted in some position (message, tool_result, system …)."""
    tags: set[str] = set()
    for d in defs().values():
        for spec in d["keys"].values():
            got = block_cases(spec["type"])
            if got:
                tags.update(got[0])
    return frozenset(tags)


def top_level_keys() -> dict[str, dict[str, Any]]:
    """The request body's keys (``type``, ``required``, ``beta``)."""
    keys: dict[str, dict[str, Any]] = root()["keys"]
    return keys


def beta_header_names() -> frozenset[str]:
    """The ``anthropic-beta`` values the SDK knows (``AnthropicBetaParam``)."""
    return frozenset(shapes()["beta_headers"])


@cache
def _beta_features() -> dict[str, dict[str, Any]]:
    text = resources.files("tui.core").joinpath("data/beta_features.json").read_text("utf-8")
    features: dict[str, dict[str, Any]] = json.loads(text)["features"]
    return features


def beta_headers_for(feature: str) -> tuple[str, ...] | None:
    """The ``anthropic-beta`` values that turn on a beta-only shape (see
    ``data/beta_features.json`` for the feature ids), or None when the table does not say."""
    entry = _beta_features().get(feature)
    return tuple(entry["headers"]) if entry else None


def beta_features() -> dict[str, dict[str, Any]]:
    """The whole feature → header table."""
    return dict(_beta_features())


LEGACY_SAMPLING = ("temperature", "top_p", "top_k")
"""Sampling parameters: in no request type of the SDK; the API took them before 2026-10-21."""

API_2026_10_21 = datetime.date(2026, 10, 21)
"""The API version whose migration guide (shared/API_UPDATES.md, "From the docs") rejects every
sampling parameter even at its default, a ``document`` block directly in an assistant message,
and non-empty ``citations`` on user text
(https://platform.claude.com/docs/en/api/migration-2026-10-21); it is also the version the pinned SDK
sends.  The rules for those three (A011, M007, C006) judge by this one date."""


def sampling_removed_at(version: str | None) -> bool:
    """``anthropic-version`` ``version`` rejects every sampling parameter.  A version that is not
    a date is left to the API (False)."""
    from tui.core import clock

    day = clock.parse_iso(version)
    return day is not None and day >= API_2026_10_21


@cache
def message_keys(role: str) -> frozenset[str]:
    """The keys a message of ``role`` may carry (``role`` and ``content``; a system message's
    beta ``output_config`` and ``clear_at``); ``user``'s for an unknown role."""
    msgs = root()["keys"]["messages"]["type"]["list"]
    case = msgs["cases"].get(role) or msgs["cases"]["user"]
    return frozenset(defn(case["ref"])["keys"])
