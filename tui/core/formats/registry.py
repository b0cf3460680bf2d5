"""The ordered list of formats the loaders know, and detection over it (FORMATS.md §2).

To add a format: write a module with a :class:`~tui.core.formats.base.Format` and insert it
here before the raw-Anthropic fallbacks.  Order matters: the first detector that says yes wins.
"""

from __future__ import annotations

from tui.core.formats.base import Format, Sniff
from tui.core.formats.jsonish import ANTHROPIC_JSON, ANTHROPIC_JSONL
from tui.core.formats.reader import READABLE, LoadError

FORMATS: list[Format] = [
    # Specific formats go here, most distinctive first.
    ANTHROPIC_JSON,
    ANTHROPIC_JSONL,
]


def detect(sniff: Sniff) -> Format:
    """The first format whose detector accepts the file; LoadError with one clear sentence if none."""
    for fmt in FORMATS:
        if fmt.detect(sniff):
            return fmt
    snippet = sniff.first_lines[0][:40] if sniff.first_lines else ""
    known = ", ".join(f.name for f in FORMATS)
    raise LoadError(f"{sniff.name}: not a log format this tool reads (starts with {snippet!r}); "
                    f"it reads {known} — that is, {READABLE}")
