"""The unit every log format turns into: an :class:`Exchange`.

An exchange is one request to the Messages API with whatever the log kept of its outcome.  The
request body is kept *untouched* (a plain dict, unknown keys and key order included) so that an
unmodified export is JSON-identical to the input and a replay sends exactly what was logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = Any
"""A parsed JSON value (dict, list, str, int, float, bool or None)."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record came from, so every message can name file, record and line."""

    file: str
    record: int
    """0-based index of the exchange in its file."""
    line: int | None = None
    """1-based line number for line-oriented formats (JSONL, SSE), else None."""
    offset: int | None = None
    """Byte offset of the record in the (decompressed) file, when known."""

    def where(self) -> str:
        """``file:line`` for line formats, ``file#record`` otherwise: what a user can open."""
        if self.line is not None:
            return f"{self.file}:{self.line}"
        return f"{self.file}#{self.record}"


@dataclass(slots=True)
class Exchange:
    """One request/outcome pair, whatever format it was read from.

    ``extra`` keeps the record's fields that are not part of the model (ids, session ids, custom
    fields of a log) so that the native export loses nothing.
    """

    source: Source
    format: str
    request: dict[str, JSON] | None = None
    response: dict[str, JSON] | None = None
    error: dict[str, JSON] | None = None
    status: int | None = None
    started_at: str | None = None
    duration_ms: float | None = None
    headers: dict[str, str] = field(default_factory=dict)
    request_id: str | None = None
    extra: dict[str, JSON] = field(default_factory=dict)
    dialect: str = "anthropic"
    """The API shape of ``request``/``response``: ``anthropic``, ``openai-chat`` or
    ``openai-responses``.  Rules declare which dialect they check."""

    @property
    def model(self) -> str | None:
        """The model the request asked for (None for Bedrock/Vertex bodies, where it is in the URL)."""
        if isinstance(self.request, dict):
            model = self.request.get("model")
            return model if isinstance(model, str) else None
        return None

    @property
    def message_count(self) -> int:
        if isinstance(self.request, dict) and isinstance(self.request.get("messages"), list):
            return len(self.request["messages"])
        return 0

    def to_native(self) -> dict[str, JSON]:
        """The native JSONL record (DESIGN.md §2): one exchange per line, nothing dropped."""
        record: dict[str, JSON] = {
            "request": self.request,
            "response": self.response,
            "error": self.error,
            "status": self.status,
            "started_at": self.started_at,
            "duration_ms": self.duration_ms,
            "headers": self.headers,
            "request_id": self.request_id,
            "dialect": self.dialect,
            "source": {
                "file": self.source.file,
                "record": self.source.record,
                "line": self.source.line,
                "format": self.format,
            },
        }
        if self.extra:
            record["extra"] = self.extra
        return record


@dataclass(frozen=True, slots=True)
class LoadIssue:
    """A record that could not be read: the other records still load.

    ``message`` is one sentence a user can act on; ``where`` names file and line/record and
    ``path`` the JSON path inside the record when the problem is there.
    """

    file: str
    message: str
    record: int | None = None
    line: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        loc = self.file
        if self.line is not None:
            loc += f":{self.line}"
        elif self.record is not None:
            loc += f"#{self.record}"
        if self.path:
            loc += f" at {self.path}"
        from tui.core.redact import redact_text  # loaders quote URLs, keys and values: mask once, here

        return redact_text(f"{loc}: {self.message}")
