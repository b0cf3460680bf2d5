"""The model capability table (data in ``data/models.json``) and model-id normalisation.

Model-dependent rules read this table rather than hard-coding model names, so updating a model's
limits is a data change.  Ids arrive in many spellings (Bedrock, Vertex, OpenRouter, LiteLLM,
dated snapshots, aliases): :func:`normalize_model` reduces them to a table key.  An id that is not
in the table but is shaped like a Claude id of a known family (``claude-sonnet-5-7``,
``claude-opus-6``) borrows that family's capabilities (``borrowed_from`` says from which model,
and I003 says so in the report); any other unknown id returns None, the checker then skips the
model-dependent rules and says so (I001).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from tui.core import clock


@dataclass(frozen=True, slots=True)
class ModelCaps:
    key: str
    max_output: int
    context_window: int
    prefill: bool
    system_in_messages: bool
    thinking: tuple[str, ...]
    """Accepted ``thinking.type`` values other than ``disabled`` (enabled / adaptive / between_tools)."""
    sampling: str
    retired: str | None
    input_plus_output_limit: bool
    # -- added for the API of 2026-10-21 (issue 16); defaults = the older models' behaviour --
    thinking_off: bool = True
    """``thinking: {"type": "disabled"}`` is accepted."""
    thinking_default: str = "off"
    """What a request with no ``thinking`` key gets: ``off`` or a thinking type (``adaptive``)."""
    thinking_off_max_effort: str | None = None
    """With thinking off (``disabled`` / ``between_tools``), the highest accepted effort; None = any."""
    effort: tuple[str, ...] = ()
    """Accepted ``output_config.effort`` levels; empty = the model takes no effort setting."""
    effort_default: str | None = None
    """The effort level used when the request sends none (None when the model has no effort)."""
    forced_tool_choice: bool = True
    """``tool_choice`` ``any`` / ``tool`` is accepted at all."""
    forced_tool_with_thinking: bool = False
    """A forced ``tool_choice`` is accepted while the model thinks adaptively (manual ``enabled``
    thinking never combines with forced tool use)."""
    interleaved_thinking: bool = False
    """The model returns thinking between tool calls (a turn may start with a tool block)."""
    successor: str | None = None
    """The id to move to when this one retires."""
    sources: tuple[str, ...] = ()
    """Where each fact comes from (``field, field: source``, the source spelled out)."""
    borrowed_from: str | None = None
    """Set when the id is not in the table and these are its family's newest known capabilities."""

    @property
    def thinks_by_default(self) -> bool:
        """A request without ``thinking`` still thinks (``thinking_default`` is a thinking type)."""
        return self.thinking_default not in ("off", "disabled", "")


EFFORT_LEVELS: tuple[str, ...] = ("low", "medium", "high", "xhigh", "max")
"""``output_config.effort`` values in increasing order (anthropic/types/output_config_param.py)."""

FAMILIES: tuple[str, ...] = ("opus", "sonnet", "haiku", "fable", "mythos")
"""Claude model lines (anthropic/types/model_line.py ``ModelLine``)."""


def _raw() -> dict[str, Any]:
    return json.loads(resources.files("tui.core").joinpath("data/models.json").read_text("utf-8"))


def _spell_sources(entries: list[str], named: dict[str, str]) -> tuple[str, ...]:
    """``"retired: sdk_eol"`` → ``"retired: anthropic 2.14.0: anthropic/_data/…"``."""
    out = []
    for entry in entries:
        fields, sep, src = entry.partition(": ")
        if not sep:
            out.append(entry)
            continue
        words = re.split(r"(\b[a-z0-9_]+\b)", src)
        out.append(fields + ": " + "".join(named.get(w, w) for w in words))
    return tuple(out)


@cache
def _data() -> tuple[dict[str, ModelCaps], dict[str, str]]:
    raw = _raw()
    named = raw.get("_sources", {})
    table: dict[str, ModelCaps] = {}
    for key, v in raw["models"].items():
        fields = {k: tuple(x) if isinstance(x, list) else x for k, x in v.items()}
        fields["sources"] = _spell_sources(list(v.get("sources", ())), named)
        table[key] = ModelCaps(key=key, **fields)
    return table, dict(raw.get("aliases", {}))


def _table() -> dict[str, ModelCaps]:
    return _data()[0]


_ARN = re.compile(r"^arn:aws[\w-]*:bedrock:[^/]*/")                          # Bedrock ARN prefix
_VERTEX = re.compile(r"^.*?publishers/anthropic/models/")                    # Vertex resource path
_VERTEX_METHOD = re.compile(r":(?:stream)?rawpredict$")                      # …:streamRawPredict
_PROVIDER = re.compile(r"^(?:openrouter|litellm_proxy|litellm|bedrock|converse|invoke|vertex_ai|vertex"
                       r"|anthropic)/")                               # anthropic/claude-…
_OPENROUTER_VARIANT = re.compile(r":(?:thinking|beta|extended|free|nitro|floor|online)$")
_BEDROCK_REGION = re.compile(r"^(?:[a-z]{2,}(?:-[a-z]+)*\.)?anthropic\.")    # global. / us-gov. / eu. …
_SUFFIXES = [
    re.compile(r"@(?:\d{8}|latest)$"),                                       # Vertex: claude-…@20250929
    re.compile(r"-v\d+(?::\d+)?$"),                                          # Bedrock: …-v1:0
    re.compile(r"\[[^\]]*\]$"),                                              # Claude Code: claude-opus-4-6[1m]
    re.compile(r"-latest$"),
    re.compile(r"-\d{8}$"),                                                  # dated snapshot
]
_VERSION_DOTS = re.compile(r"(?<=\d)\.(?=\d)")                               # claude-sonnet-4.6


def normalize_model(model: str) -> str:
    """Reduce a model id to its table key where the table knows one.

    ``us.anthropic.claude-sonnet-4-5-20250929-v1:0``,
    ``projects/p/locations/global/publishers/anthropic/models/claude-sonnet-4-5@20250929`` and
    ``anthropic/claude-sonnet-4.5`` all become ``claude-sonnet-4-5``.  An id the table does not
    know comes back stripped of the same decorations.
    """
    aliases = _data()[1]
    m = model.strip().lower()
    m = _ARN.sub("", m)
    m = _VERTEX.sub("", m)
    m = _VERTEX_METHOD.sub("", m)
    while True:
        stripped = _PROVIDER.sub("", m)
        if stripped == m:
            break
        m = stripped
    m = _OPENROUTER_VARIANT.sub("", m)
    m = _BEDROCK_REGION.sub("", m)
    if m in aliases:  # before the suffixes: anthropic.claude-v2:1 would lose its version
        return aliases[m]
    for rx in _SUFFIXES:
        m = rx.sub("", m)
    m = _VERSION_DOTS.sub("-", m)
    return aliases.get(m, m)


_NEW_STYLE = re.compile(rf"^claude-({'|'.join(FAMILIES)})-(\d+)(?:-(\d+))?$")   # claude-opus-4-8
_OLD_STYLE = re.compile(rf"^claude-(\d+)(?:-(\d+))?-({'|'.join(FAMILIES)})$")   # claude-3-5-sonnet


def family_version(key: str) -> tuple[str, tuple[int, int]] | None:
    """``claude-opus-4-8`` → ``("opus", (4, 8))``; ``claude-3-5-sonnet`` → ``("sonnet", (3, 5))``."""
    m = _NEW_STYLE.match(key)
    if m:
        return m[1], (int(m[2]), int(m[3] or 0))
    m = _OLD_STYLE.match(key)
    if m:
        return m[3], (int(m[1]), int(m[2] or 0))
    return None


def _borrow(key: str) -> ModelCaps | None:
    """Capabilities for a Claude-shaped id of a known family that the table does not list.

    The newest known model of the family that is not newer than the id (for an id newer than
    every known one, the family's newest); an id older than all of them takes the oldest.  The
    retirement date and successor are not borrowed: they belong to the other id.
    """
    fv = family_version(key)
    if fv is None:
        return None
    family, version = fv
    known: list[tuple[tuple[int, int], str]] = []
    for k in _table():
        fvk = family_version(k)
        if fvk is not None and fvk[0] == family:
            known.append((fvk[1], k))
    known.sort()
    if not known:
        return None
    older = [k for v, k in known if v <= version]
    source = older[-1] if older else known[0][1]
    return dataclasses.replace(_table()[source], key=key, borrowed_from=source, retired=None, successor=None)


@cache
def lookup_model(model: str) -> ModelCaps | None:
    """Capabilities for a model id; borrowed ones for an unknown id of a known family; else None.

    Cached: a log names a handful of ids thousands of times."""
    key = normalize_model(model)
    caps = _table().get(key)
    return caps if caps is not None else _borrow(key)


def known_models() -> list[str]:
    return sorted(_table())


def successor_of(key: str, on: datetime.date | None = None) -> str | None:
    """The id to move to from ``key``: its successor, followed on while that one is itself retired
    on the date ``on`` (no date: the direct successor); None when the table names none."""
    table = _table()
    caps = table.get(key)
    nxt = caps.successor if caps is not None else None
    seen = {key}
    while nxt is not None and nxt in table and nxt not in seen:
        seen.add(nxt)
        n = table[nxt]
        retired = clock.parse_iso(n.retired)
        if on is None or retired is None or retired > on or n.successor is None:
            return nxt
        nxt = n.successor
    return nxt
