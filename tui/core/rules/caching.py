"""K: prompt caching (API_RULES.md §8)."""

from __future__ import annotations
