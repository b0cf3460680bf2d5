"""Showing untrusted payload text safely, in the CLI and the app alike.

Payload text can hold terminal escapes, OSC sequences, carriage returns and bidi overrides that
would rewrite the screen or hide text.  Everything shown passes through :func:`printable`, and is
put into ``rich.text.Text`` objects (never markup strings), so ``[bold]`` stays literal.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(s: str) -> str:
    """Control, escape and bidi characters as ``\\xNN`` / ``\\uNNNN``; newlines as ``\\n``."""
    def esc(m: re.Match[str]) -> str:
        c = ord(m.group())
        return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"

    return _CONTROL.sub(esc, s.replace("\n", "\\n").replace("\t", " "))


def one_line(s: str, limit: int = 80) -> str:
    """A printable preview of at most ``limit`` characters."""
    s = printable(s)
    return s if len(s) <= limit else s[: limit - 1] + "…"
