"""Showing untrusted payload text safely, in the CLI and the app alike.

Payload text can hold terminal escapes, OSC sequences, carriage returns and bidi overrides that
would rewrite the screen or hide text.  Everything shown passes through :func:`printable`, and is
put into ``rich.text.Text`` objects (never markup strings), so ``[bold]`` stays literal.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(s: str) -> str:
    """Control, escape and bidi characters (and lone surrogates, which no terminal encoding can
    carry) as ``\\xNN`` / ``\\uNNNN``; newlines as ``\\n``."""
    def esc(m: re.Match[str]) -> str:
        c = ord(m.group())
        return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"

    return _CONTROL.sub(esc, s.replace("\n", "\\n").replace("\t", " "))


def one_line(s: str, limit: int = 80) -> str:
    """A printable preview of at most ``limit`` characters; a line break shows as ``↵`` (a
    preview in a label or a status line is read by people, not parsed like an escaped string)."""
    s = printable(s.replace("\r\n", "\n").replace("\n", "↵ "))
    return s if len(s) <= limit else s[: limit - 1] + "…"


# Characters that are legal inside a JSON string but act on a terminal or hide text when the JSON
# is shown: DEL and the C1 controls (U+009B is a one-byte CSI on some terminals), bidi overrides
# and isolates (Trojan Source), zero-width and line/paragraph separators, the BOM.  json.dumps
# already escapes C0 controls; these are escaped as \uXXXX too, which keeps the JSON equal.
_INVISIBLE_IN_JSON = re.compile(r"[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


def escape_invisible_json(text: str) -> str:
    """JSON text (from ``json.dumps``) with every invisible or terminal-active character in its
    strings written as a ``\\uXXXX`` escape: the same JSON value, safe to print and to read."""
    return _INVISIBLE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def size_text(n: int) -> str:
    """``64 MB`` for whole megabytes and more, else ``4,000 bytes`` (limits in messages)."""
    return f"{n / 2**20:,.0f} MB" if n >= 1 << 20 else f"{n:,} bytes"
