"""Export a request body as a runnable Python snippet using the official ``anthropic`` SDK.

The snippet sends the body with the SDK's generic ``client.post("/v1/messages", body=...)``:
``messages.create(**body)`` raises ``TypeError`` on any logged key it has no parameter for
(``temperature``, ``top_k``, newer fields) and re-orders the body (TECH_NOTES.md §4.4), while the
generic call sends the dict verbatim with the SDK's auth, retries and typed errors.

The body is written as a Python literal that reproduces the JSON *exactly*: strings in JSON
spelling when that is also a valid Python literal, else through ``repr`` (so any quote,
backslash, control character, emoji or lone surrogate round-trips); floats through ``repr``
(shortest round-tripping form); ``true``/``false``/``null`` as ``True``/``False``/``None``.
Bodies nested deeper than Python's parser allows fall back to ``json.loads`` of the JSON text,
written as a concatenation of string literals, one per line.
"""

from __future__ import annotations

import json
import math
from typing import Any

from tui.core.export.curl import dump_json

_INDENT = "    "
_MAX_LITERAL_DEPTH = 80  # CPython's parser refuses ~200 nested brackets; stay well below


def _depth(value: Any) -> int:
    """Nesting depth, iteratively (a hostile body must not blow the Python stack)."""
    best = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            best = max(best, d)
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            best = max(best, d)
            stack.extend((x, d + 1) for x in v)
    return best


def str_literal(s: str) -> str:
    """A Python string literal equal to ``s``: JSON-style double quotes when every character is
    printable after JSON escaping (the usual case, and it reads like the JSON), else ``repr``
    (which also escapes lone surrogates, zero-width joiners and other invisible characters)."""
    as_json = json.dumps(s, ensure_ascii=False)
    return as_json if as_json.isprintable() else repr(s)


def _scalar(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        if math.isnan(value):
            return 'float("nan")'
        if math.isinf(value):
            return 'float("inf")' if value > 0 else 'float("-inf")'
        return repr(value)
    if isinstance(value, str):
        return str_literal(value)
    if isinstance(value, int):
        return repr(value)
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def py_literal(value: Any, level: int = 0) -> str:
    """A Python expression equal to the JSON value ``value``, laid out like ``json.dumps(indent=4)``."""
    pad, inner = _INDENT * level, _INDENT * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{_scalar(str(k))}: {py_literal(v, level + 1)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [f"{inner}{py_literal(v, level + 1)}," for v in value]
        return "[\n" + "\n".join(items) + "\n" + pad + "]"
    return _scalar(value)


def _json_fallback(body: Any) -> str:
    lines = dump_json(body).split("\n")
    parts = [f"    {str_literal(line + chr(10) if n < len(lines) - 1 else line)}"
             for n, line in enumerate(lines)]
    return "json.loads(\n" + "\n".join(parts) + "\n)"


def body_expression(body: Any) -> str:
    """The right-hand side of ``body = …`` in the snippet."""
    if _depth(body) > _MAX_LITERAL_DEPTH:
        return _json_fallback(body)
    return py_literal(body)


def _client_line(beta: list[str] | None, api_version: str | None) -> str:
    headers: dict[str, str] = {}
    if api_version:
        headers["anthropic-version"] = api_version
    betas = [b.strip() for b in beta or () if b and b.strip()]
    if betas:
        headers["anthropic-beta"] = ",".join(betas)
    if not headers:
        return "client = anthropic.Anthropic()  # reads ANTHROPIC_API_KEY"
    return (f"client = anthropic.Anthropic(default_headers={py_literal(headers)})  # reads ANTHROPIC_API_KEY; "
            f"the headers the request was logged with")


def to_python(body: dict[str, Any], *, beta: list[str] | None = None, api_version: str | None = None) -> str:
    """A self-contained script that sends ``body`` to the Messages API and prints the result.

    ``api_version`` (the logged ``anthropic-version``) and ``beta`` become the client's
    ``default_headers``: the body was judged by them.  Without a logged version the script sends
    the one of the SDK it runs with.

    The key comes from ``ANTHROPIC_API_KEY`` when the script runs (the SDK reads it); it is never
    written into the snippet.  A body with ``"stream": true`` gets a streaming loop instead.
    The caller redacts the body first if it should be (the exporter registry does).
    """
    expr = body_expression(body)
    uses_json = expr.startswith("json.loads(")
    head = [
        '"""Send a Messages API request exported by Payload Doctor.',
        "",
        "The body is sent verbatim through the SDK's generic post(): messages.create(**body) would",
        "reject logged keys it has no parameter for (temperature, top_k, newer fields).",
        '"""',
        "",
    ]
    if uses_json:
        head.append("import json")
        head.append("")
    head += [
        "import anthropic",
        "",
        _client_line(beta, api_version),
        "",
        f"body = {expr}",
        "",
    ]
    if isinstance(body, dict) and body.get("stream") is True:
        tail = [
            "stream = client.post(",
            '    "/v1/messages",',
            "    body=body,",
            "    cast_to=anthropic.types.Message,",
            "    stream=True,",
            "    stream_cls=anthropic.Stream[anthropic.types.RawMessageStreamEvent],",
            ")",
            "for event in stream:",
            "    print(event.to_json(indent=None))",
        ]
    else:
        tail = [
            'message = client.post("/v1/messages", body=body, cast_to=anthropic.types.Message)',
            "print(message.to_json())",
        ]
    return "\n".join(head + tail) + "\n"
