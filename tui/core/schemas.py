"""JSON Schema (draft 2020-12) checks shared by the rules, cached across records.

Agent logs send the same tool definitions with every request, and checking a schema against the
meta-schema costs milliseconds: caching by the schema's canonical JSON makes a 100 MB log pay for
each distinct schema once.  jsonschema is imported lazily (only requests with tools need it).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

Problem = tuple[tuple[str | int, ...], str]


def _canon(schema: Any) -> str | None:
    try:
        return json.dumps(schema, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return None


@lru_cache(maxsize=1)
def _meta() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=None)


@lru_cache(maxsize=1024)
def _problem(canon: str) -> Problem | None:
    from jsonschema.exceptions import best_match

    try:
        err = best_match(_meta().iter_errors(json.loads(canon)))
    except (RecursionError, ValueError, TypeError, KeyError):
        return None  # hostile nesting or shapes: the other rules still run
    if err is None:
        return None
    where = tuple(p for p in err.absolute_path if isinstance(p, (str, int)))
    return where, err.message


SCHEMA_NODE_LIMIT = 50_000
"""Schemas larger than this (objects, arrays and values counted) are not handed to jsonschema:
its meta-schema walk is far from linear (a 1,000,000-item ``anyOf`` ran for minutes, a
1,000,000-name ``required`` took 22 s and 2.7 GB).  Real tool schemas have hundreds of nodes."""


def schema_size(schema: Any, limit: int = SCHEMA_NODE_LIMIT) -> int:
    """How many JSON nodes ``schema`` has, counting stops just past ``limit`` (one linear pass,
    no recursion, so depth cannot blow the stack)."""
    count, stack = 0, [schema]
    while stack and count <= limit:
        v = stack.pop()
        count += 1
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            if count + len(v) > limit:
                return count + len(v)
            stack.extend(v)
    return count


def too_large(schema: Any) -> bool:
    """The schema is over :data:`SCHEMA_NODE_LIMIT`: the rules say so instead of validating."""
    return schema_size(schema) > SCHEMA_NODE_LIMIT


def schema_problem(schema: Any) -> Problem | None:
    """The most relevant meta-schema violation in ``schema`` as ``(path, message)``, or None.

    Regex ``pattern`` values are not checked: Python's ``re`` rejects valid ECMA-262 syntax
    (``(?<name>…)``), and a false alarm is worse than a miss here.
    """
    if too_large(schema):
        return None  # D003 reports the size instead
    canon = _canon(schema)
    return _problem(canon) if canon is not None else None


@lru_cache(maxsize=1024)
def _validator(canon: str) -> Any:
    from jsonschema import Draft202012Validator

    if _problem(canon) is not None:
        return None
    try:
        return Draft202012Validator(json.loads(canon))
    except Exception:  # a schema hostile enough to break the constructor
        return None


def validator_for(schema: Any) -> Any:
    """A compiled validator for a *valid* schema, or None (invalid schemas are D003's business)."""
    if not isinstance(schema, dict) or too_large(schema):
        return None
    canon = _canon(schema)
    return _validator(canon) if canon is not None else None
