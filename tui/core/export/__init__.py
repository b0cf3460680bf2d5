"""Export formats as a registry (like mitmproxy's): one common signature, one default suffix each.

Every exporter takes ``(body, *, findings=(), api_error=None, redact=True) -> str`` and redacts the
body (:func:`tui.core.redact.redact_value`) unless called with ``redact=False``; the Markdown
reproduction is *always* redacted, because it is written to be shared.  File writing is not an
exporter's business: callers use :func:`tui.core.export.atomic.write_atomic`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tui.core.export.curl import dump_json, to_curl
from tui.core.export.markdown import to_markdown
from tui.core.export.python import to_python
from tui.core.findings import Finding
from tui.core.redact import redact_value

@dataclass(frozen=True, slots=True)
class ExportContext:
    """What an exporter may use besides the body: the findings, the logged API error, and the
    ``anthropic-beta`` values and ``anthropic-version`` the logged request was sent with (None:
    the SDK's version, :func:`tui.core.apishapes.sdk_api_version`)."""

    findings: tuple[Finding, ...] = ()
    api_error: str | None = None
    beta: tuple[str, ...] = ()
    api_version: str | None = None


Render = Callable[[dict[str, Any], ExportContext], str]


@dataclass(frozen=True, slots=True)
class Exporter:
    """A named export format: call it like a function; ``suffix`` is the default file suffix."""

    name: str
    suffix: str
    description: str
    render: Render
    always_redacted: bool = False

    def __call__(self, body: dict[str, Any], *, findings: Sequence[Finding] = (),
                 api_error: str | None = None, redact: bool = True, beta: Sequence[str] = (),
                 api_version: str | None = None) -> str:
        if redact or self.always_redacted:
            body = redact_value(body)
        return self.render(body, ExportContext(tuple(findings), api_error, tuple(beta), api_version))


def _json(body: dict[str, Any], ctx: ExportContext) -> str:
    return dump_json(body) + "\n"


def _curl(body: dict[str, Any], ctx: ExportContext) -> str:
    return to_curl(body, beta=list(ctx.beta), api_version=ctx.api_version)


def _python(body: dict[str, Any], ctx: ExportContext) -> str:
    return to_python(body, beta=list(ctx.beta), api_version=ctx.api_version)


def _markdown(body: dict[str, Any], ctx: ExportContext) -> str:
    return to_markdown(body, list(ctx.findings), api_error=ctx.api_error, beta=list(ctx.beta),
                       api_version=ctx.api_version)


EXPORTERS: dict[str, Exporter] = {
    e.name: e
    for e in (
        Exporter("json", ".json", "the request body as JSON", _json),
        Exporter("curl", ".sh", "a curl command (key read from $ANTHROPIC_API_KEY)", _curl),
        Exporter("python", ".py", "a Python snippet using the anthropic SDK", _python),
        Exporter("markdown", ".md", "a redacted Markdown reproduction for a bug report", _markdown,
                 always_redacted=True),
    )
}

SUFFIXES: dict[str, str] = {name: e.suffix for name, e in EXPORTERS.items()}


def get_exporter(name: str) -> Exporter:
    """The exporter called ``name``; ``KeyError`` naming the known formats otherwise."""
    try:
        return EXPORTERS[name]
    except KeyError:
        raise KeyError(f"unknown export format {name!r}; choose one of: "
                       + ", ".join(EXPORTERS)) from None


__all__ = ["EXPORTERS", "SUFFIXES", "ExportContext", "Exporter", "get_exporter"]
