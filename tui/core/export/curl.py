"""Export a request body as a ``curl`` command a user can paste into any POSIX shell.

The body travels through a *quoted* heredoc (``--data-binary @- <<'JSON'``): the shell expands
nothing inside it, so quotes, backslashes, ``$HOME``, backticks, newlines (already escaped by JSON),
unicode and emoji reach the API byte for byte.  The API key is never written out: the header is
``"x-api-key: $ANTHROPIC_API_KEY"`` in double quotes, expanded by the shell when the command runs.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from tui.core import apishapes
from tui.core.display import escape_invisible_json

_PLAIN = re.compile(r"^[A-Za-z0-9._,:/ -]*$")  # safe inside double quotes as it is


def dump_json(body: Any) -> str:
    """``json.dumps(body, ensure_ascii=False, indent=2)`` — the same JSON in every case, but with
    ``\\uXXXX`` escapes for lone surrogates (legal in JSON text, not encodable as UTF-8) and for
    characters that act on a terminal or hide text (C1 controls, bidi overrides: see
    :func:`tui.core.display.escape_invisible_json`), and on one line when it is nested too deeply
    for the indenting encoder."""
    ascii_only = False
    while True:
        try:
            text = json.dumps(body, ensure_ascii=ascii_only, indent=2)
        except RecursionError:
            text = json.dumps(body, ensure_ascii=ascii_only)  # the C encoder: no Python recursion
        text = escape_invisible_json(text)  # lone surrogates and terminal controls as \uXXXX
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            if not ascii_only:
                ascii_only = True
                continue
        return text


def heredoc_delimiter(body: str) -> str:
    """``JSON``, or the first of ``JSON_BODY``, ``JSON_BODY_1``, … that does not occur in ``body``."""
    for candidate in ("JSON", "JSON_BODY"):
        if candidate not in body:
            return candidate
    n = 1
    while f"JSON_BODY_{n}" in body:
        n += 1
    return f"JSON_BODY_{n}"


def _header(value: str) -> str:
    return f'"{value}"' if _PLAIN.match(value) else shlex.quote(value)


def to_curl(body: dict[str, Any], *, base_url: str = "https://api.anthropic.com",
            beta: list[str] | None = None, api_version: str | None = None) -> str:
    """A ``curl`` command that POSTs ``body`` to ``{base_url}/v1/messages``.

    ``api_version`` is the ``anthropic-version`` the request was logged with; without one, the
    pinned SDK's (the API judges a body by its version: an old hard-coded version would make the
    command behave unlike a replay).  ``beta`` adds an ``anthropic-beta`` header (comma-separated,
    as the API expects).  The caller redacts the body first if it should be (the exporter
    registry does).
    """
    version = api_version or apishapes.sdk_api_version()
    data = dump_json(body)
    delim = heredoc_delimiter(data)
    url = base_url.rstrip("/") + "/v1/messages"
    lines = [
        f"curl {shlex.quote(url)} \\",
        '  --header "content-type: application/json" \\',
        f"  --header {_header('anthropic-version: ' + version)} \\",
        '  --header "x-api-key: $ANTHROPIC_API_KEY" \\',
    ]
    betas = [b.strip() for b in beta or () if b and b.strip()]
    if betas:
        lines.append(f"  --header {_header('anthropic-beta: ' + ','.join(betas))} \\")
    lines.append(f"  --data-binary @- <<'{delim}'")
    return "\n".join(lines) + "\n" + data + "\n" + delim + "\n"
