"""A: sampling and top-level parameters (API_RULES.md §7)."""

from __future__ import annotations
