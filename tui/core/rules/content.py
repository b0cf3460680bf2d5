"""C: empty and whitespace content (API_RULES.md §3)."""

from __future__ import annotations
