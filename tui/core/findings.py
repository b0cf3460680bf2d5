"""What a check reports: :class:`Finding`, with an optional :class:`Fix` made of JSON Patch ops."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from tui.core.paths import Path, to_dotted, to_pointer


class Severity(str, Enum):
    """``error``: the API rejects the payload.  ``warning``: accepted, but a likely bug or
    rejected by some gateways.  ``info``: worth knowing (e.g. a rule was skipped)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Applicability(str, Enum):
    """Like ruff: a *safe* fix loses and invents nothing; an *unsafe* one drops or makes up content."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Fix:
    """A repair as RFC 6902 operations on the *request body*, with a one-line title."""

    title: str
    ops: tuple[dict[str, Any], ...]
    applicability: Applicability = Applicability.SAFE

    def to_json(self) -> dict[str, str]:
        return {"title": self.title, "applicability": self.applicability.value}


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule function yields; the registry turns it into a :class:`Finding`.

    Keeping code, name and default severity out of the rule body means a rule cannot misreport
    its own identity.  ``path`` is relative to the request body unless ``scope`` says otherwise.
    """

    path: Path
    message: str
    api_error: str | None = None
    related: tuple[Path, ...] = ()
    fix: Fix | None = None
    severity: Severity | None = None
    scope: str = "request"
    """``request`` (path in the request body), ``response`` or ``error`` (path in the logged one)."""


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    name: str
    severity: Severity
    message: str
    path: Path
    scope: str = "request"
    related: tuple[Path, ...] = ()
    api_error: str | None = None
    fix: Fix | None = None
    reference: tuple[str, ...] = field(default=())
    contradicted: bool = False
    """An error the logged response contradicts: the API accepted this very request (HTTP 200).
    Shown as a warning that says so; a rule's data is stale or the rule is wrong."""

    @property
    def full_path(self) -> Path:
        """The path with its scope prefix: ``("response", "content", 0)`` for a response finding."""
        return self.path if self.scope == "request" else (self.scope, *self.path)

    @property
    def dotted(self) -> str:
        return to_dotted(self.full_path)

    @property
    def pointer(self) -> str:
        return to_pointer(self.full_path)

    def to_json(self, file: str, record: int) -> dict[str, Any]:
        """The shape of ``check --format json`` (issue #2; other tools depend on it)."""
        return {
            "file": file,
            "record": record,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.dotted,
            "pointer": self.pointer,
            "related": [to_dotted(r) for r in self.related],
            "api_error": self.api_error,
            "fix": self.fix.to_json() if self.fix else None,
            "contradicted": self.contradicted,
        }
