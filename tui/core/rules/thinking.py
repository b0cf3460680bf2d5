"""T: extended thinking (API_RULES.md §5)."""

from __future__ import annotations
