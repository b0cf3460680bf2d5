"""What a replay or an export sends besides the body, and the check of that outgoing request.

A logged request was sent with some ``anthropic-version`` and ``anthropic-beta`` headers; the API
judged it by them.  Re-sending the body with other headers is a different request: an old log
re-sent with the SDK's ``2026-10-21`` loses its sampling parameters, a beta body without its
header is rejected.  So replay and every export send the logged headers when the log kept them,
and otherwise the SDK's version (what a plain ``client.messages.create`` would send), and the
pre-send check judges the body by exactly those headers, as of today (a replay happens now).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.core import apishapes
from tui.core.findings import Finding, Severity
from tui.core.model import Exchange


def _logged(ex: Exchange | None, name: str) -> list[str]:
    if ex is None:
        return []
    return [v for k, v in ex.headers.items() if k.lower() == name and isinstance(v, str)]


def beta_values(ex: Exchange | None) -> list[str]:
    """``anthropic-beta`` values from the logged request headers, in order, each once."""
    out: list[str] = []
    for value in _logged(ex, "anthropic-beta"):
        for b in value.split(","):
            b = b.strip()
            if b and b not in out:
                out.append(b)
    return out


def logged_api_version(ex: Exchange | None) -> str | None:
    """The ``anthropic-version`` the request was logged with, when the log kept it."""
    for value in _logged(ex, "anthropic-version"):
        if value.strip():
            return value.strip()
    return None


def api_version(ex: Exchange | None) -> str:
    """The ``anthropic-version`` to send: the logged one, else the pinned SDK's."""
    return logged_api_version(ex) or apishapes.sdk_api_version()


def send_headers(ex: Exchange | None) -> dict[str, str]:
    """The API headers a replay or export sends: ``anthropic-version`` always, ``anthropic-beta``
    when the logged request carried any (never the key: the SDK or the shell supplies it)."""
    headers = {"anthropic-version": api_version(ex)}
    betas = beta_values(ex)
    if betas:
        headers["anthropic-beta"] = ",".join(betas)
    return headers


def logged_api_error(ex: Exchange) -> str | None:
    """The message of the API error the exchange logged, for a reproduction."""
    from tui.core.errors import parse_error_body

    if ex.error is None:
        return None
    err = parse_error_body(ex.error, ex.status)
    return err.message if err is not None else None


def outgoing_exchange(ex: Exchange | None, body: Any) -> Exchange:
    """``body`` as it will be sent: the headers of :func:`send_headers`, no logged outcome and
    no logged time, so every rule judges it as of today by the version it is sent with."""
    if ex is None:
        from tui.core.model import Source

        return Exchange(source=Source("<memory>", 0), format="anthropic-request", request=body,
                        headers=send_headers(None))
    return Exchange(source=ex.source, format=ex.format, request=body, headers=send_headers(ex),
                    dialect=ex.dialect)


def errors_note(findings: list[Finding]) -> str | None:
    """``exported with 2 errors (P001, B003)``: an export of a body the API would still reject is
    written (a user may want to reproduce the 400), and says so."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if not errors:
        return None
    n, codes = len(errors), sorted({f.code for f in errors})
    return f"exported with {n} error{'s' * (n != 1)} ({', '.join(codes)}): the API would reject this body as it is"


def check_outgoing(ex: Exchange | None, body: Any) -> list[Finding]:
    """Every finding for ``body`` as a replay or export of ``ex`` would send it."""
    from tui.core.check import check_request

    return check_request(body, outgoing_exchange(ex, body))


DIALECT_NAMES = {"openai-chat": "an OpenAI Chat Completions request",
                 "openai-responses": "an OpenAI Responses request"}


def dialect_refusal(ex: Exchange) -> str | None:
    """Why ``ex``'s request cannot go to the Messages API as it is (None: it can).

    An OpenAI body sent as an Anthropic call would only earn a 400 that says nothing about the
    user's real problem; it is converted first (the conversion says what it changed) or not sent.
    """
    what = DIALECT_NAMES.get(ex.dialect)
    if what is None:
        return None
    return f"record {ex.source.record} is {what}: this tool sends Anthropic Messages requests only"


def converted(ex: Exchange, body: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``body`` (of ``ex``'s dialect) as an Anthropic request, and what the conversion changed."""
    from tui.core.convert.openai import to_anthropic

    if ex.dialect not in DIALECT_NAMES:
        return body, []
    result = to_anthropic(body, ex.dialect)
    return result.body, list(result.notes)


@dataclass(frozen=True, slots=True)
class Exported:
    """An export's text, what it is, and the note to show when the body still has errors."""

    text: str
    description: str
    redacted: bool
    note: str | None


class NotExportable(ValueError):
    """This export cannot be made of this exchange as it is (``str()`` says why and what to do)."""


def export_exchange(ex: Exchange, body: dict[str, Any], fmt: str, *, redact: bool = True,
                    convert: bool = False) -> Exported:
    """``body`` (the logged or repaired request of ``ex``) in export format ``fmt``.

    The JSON of an OpenAI request is that OpenAI request; the curl, Python and Markdown exports
    are Anthropic calls, so an OpenAI body is converted first when ``convert`` says so, and
    refused otherwise (an Anthropic call with an OpenAI body reproduces nothing).
    """
    from tui.core.export import get_exporter

    exporter = get_exporter(fmt)
    refusal = dialect_refusal(ex)
    if refusal and convert:
        body, _notes = converted(ex, body)
        ex = Exchange(source=ex.source, format=ex.format, request=body, headers=ex.headers)
    elif refusal and fmt != "json":
        raise NotExportable(f"{refusal}; a {fmt} export makes an Anthropic call: convert it first")
    findings = check_outgoing(ex, body)
    text = exporter(body, findings=findings, api_error=logged_api_error(ex), redact=redact,
                    beta=beta_values(ex), api_version=logged_api_version(ex))
    return Exported(text, exporter.description, redact or exporter.always_redacted, errors_note(findings))
