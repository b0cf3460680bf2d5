"""S: size and context limits (API_RULES.md §10)."""

from __future__ import annotations
