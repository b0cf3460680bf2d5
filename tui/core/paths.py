"""Locations inside a payload, in the three spellings users meet.

* a tuple of keys and indexes (``("messages", 3, "content", 0)``) — what the code uses;
* the API's dotted form (``messages.3.content.0``) — what error messages and our findings print;
* an RFC 6901 JSON Pointer (``/messages/3/content/0``) — what JSON Patch and other tools use.

API error paths also carry *discriminator tags* that are not JSON keys
(``messages.1.content.1.tool_use.id``); :func:`api_error_location` strips them (API_RULES.md §0).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

Path = tuple[str | int, ...]

# Tags the API's pydantic-style locations insert after a union member was chosen.  They are never
# JSON keys of a request body at that position, so stripping them is safe.
_BLOCK_TAGS = frozenset(
    {
        "text", "image", "document", "tool_use", "tool_result", "thinking", "redacted_thinking",
        "server_tool_use", "web_search_tool_result", "web_fetch_tool_result",
        "code_execution_tool_result", "advisor_tool_result", "search_result", "container_upload",
        "mid_conv_system", "custom", "base64", "url", "file", "content", "enabled", "disabled",
        "adaptive", "auto", "any", "tool", "none", "ephemeral",
    }
)
# `content` *is* a JSON key (messages.N.content); it is only a tag where it follows a source.
_SOURCE_PARENT_TAGS = frozenset({"base64", "url", "file", "text", "content"})

_API_PATH_RE = re.compile(r"^\s*((?:messages|system|tools|tool_choice|thinking|metadata|max_tokens|"
                          r"temperature|top_p|top_k|stop_sequences|model|output_config|"
                          r"cache_control|[a-z_]+)(?:\.[A-Za-z0-9_]+)*)\s*:\s")


def _index(token: str) -> str | int:
    """A list index when the token is a canonical non-negative integer (``0``, ``12``; not ``01``
    or ``²``), else the token itself as a key."""
    if token.isascii() and token.isdigit() and (token == "0" or not token.startswith("0")):
        return int(token)
    return token


def to_dotted(path: Sequence[str | int]) -> str:
    """``("messages", 3, "content")`` → ``messages.3.content``; the root is the empty string."""
    return ".".join(str(p) for p in path)


def to_pointer(path: Sequence[str | int]) -> str:
    """RFC 6901: ``~`` → ``~0`` and ``/`` → ``~1`` in each token."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def from_pointer(pointer: str) -> Path:
    """Parse a JSON Pointer; numeric tokens become ints (list indexes)."""
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON Pointer: {pointer!r}")
    out: list[str | int] = []
    for token in pointer[1:].split("/"):
        out.append(_index(token.replace("~1", "/").replace("~0", "~")))
    return tuple(out)


def from_dotted(dotted: str) -> Path:
    """``messages.3.content`` → ``("messages", 3, "content")``."""
    if not dotted:
        return ()
    return tuple(_index(p) for p in dotted.split("."))


def resolve(doc: Any, path: Sequence[str | int]) -> Any:
    """The value at ``path``; raises ``KeyError``/``IndexError``/``TypeError`` if it is not there."""
    cur = doc
    for p in path:
        if isinstance(cur, list):
            if not isinstance(p, int):
                raise TypeError(f"list index expected, got {p!r}")
            cur = cur[p]
        elif isinstance(cur, dict):
            cur = cur[p if isinstance(p, str) else str(p)]
        else:
            raise TypeError(f"cannot index {type(cur).__name__} with {p!r}")
    return cur


def get(doc: Any, path: Sequence[str | int], default: Any = None) -> Any:
    """The value at ``path``, or ``default`` when it is not there (never raises)."""
    cur = doc
    for p in path:
        if isinstance(cur, list) and isinstance(p, int) and 0 <= p < len(cur):
            cur = cur[p]
        elif isinstance(cur, dict) and p in cur:
            cur = cur[p]
        else:
            return default
    return cur


def exists(doc: Any, path: Sequence[str | int]) -> bool:
    try:
        resolve(doc, path)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def strip_tags(dotted: str, body: Any | None = None) -> Path:
    """Map an API location (with discriminator tags) to a real path in ``body``.

    Tags are dropped only where the token is not an actual key of the JSON at that point, so a
    real key named ``content`` or ``text`` is kept.  Without a body, known tags are dropped.
    """
    out: list[str | int] = []
    cur: Any = body
    for raw in from_dotted(dotted):
        if isinstance(raw, int):
            out.append(raw)
            cur = cur[raw] if isinstance(cur, list) and -len(cur) <= raw < len(cur) else None
            continue
        if body is not None:
            if isinstance(cur, dict) and raw in cur:
                out.append(raw)
                cur = cur[raw]
                continue
            if raw in _BLOCK_TAGS or raw in _SOURCE_PARENT_TAGS:
                continue
            out.append(raw)
            cur = None
            continue
        if raw in _BLOCK_TAGS and raw != "content":
            continue
        out.append(raw)
    return tuple(out)


def api_error_location(message: str, body: Any | None = None) -> tuple[Path | None, str]:
    """Split an API error message into (JSON path, rest of the message).

    ``"messages.1.content.1.tool_use.id: String should match"`` → ``(("messages", 1, "content",
    1, "id"), "String should match")``.  Messages without a location prefix (``A maximum of 4
    blocks with cache_control ...``) give ``(None, message)``.
    """
    m = _API_PATH_RE.match(message)
    if not m:
        return None, message
    dotted = m.group(1)
    rest = message[m.end():]
    path = strip_tags(dotted, body)
    # The deepest prefix that really exists is what a user can be shown.
    if body is not None:
        while path and not exists(body, path):
            path = path[:-1]
    return path, rest
