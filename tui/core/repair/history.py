"""Undo/redo for a payload under repair: a plain data structure the app renders.

Each entry is a full snapshot.  Payloads are at most a few MB and edits are human-paced, so
snapshots cost little and make undo exact, whatever produced the change (fix, hand edit, revert).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Entry:
    title: str
    payload: Any
    dialect: str = "anthropic"
    """The API the payload is a request for: a conversion from OpenAI changes it, undo brings
    the old one back with the old body."""


class History:
    """A linear history: a new edit after some undos drops the redo branch (like every editor)."""

    def __init__(self, original: Any, dialect: str = "anthropic") -> None:
        self._entries: list[Entry] = [Entry("original", original, dialect)]
        self._pos = 0

    @property
    def original(self) -> Any:
        return self._entries[0].payload

    @property
    def current(self) -> Any:
        return self._entries[self._pos].payload

    @property
    def dialect(self) -> str:
        return self._entries[self._pos].dialect

    @property
    def modified(self) -> bool:
        return self.current != self.original

    @property
    def can_undo(self) -> bool:
        return self._pos > 0

    @property
    def can_redo(self) -> bool:
        return self._pos < len(self._entries) - 1

    @property
    def entries(self) -> list[Entry]:
        return list(self._entries)

    @property
    def position(self) -> int:
        return self._pos

    def push(self, title: str, payload: Any, dialect: str | None = None) -> None:
        """Record a new state (in ``dialect``, else the current one); a no-op change is not recorded."""
        dialect = dialect or self.dialect
        if payload == self.current and dialect == self.dialect:
            return
        del self._entries[self._pos + 1:]
        self._entries.append(Entry(title, payload, dialect))
        self._pos += 1

    def undo(self) -> Entry | None:
        """Step back; returns the entry that was undone, or None at the start."""
        if not self.can_undo:
            return None
        self._pos -= 1
        return self._entries[self._pos + 1]

    def redo(self) -> Entry | None:
        if not self.can_redo:
            return None
        self._pos += 1
        return self._entries[self._pos]

    def revert(self) -> None:
        """Back to the original as one more undoable step."""
        self.push("revert to original", self.original, self._entries[0].dialect)
