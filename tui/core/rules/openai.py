"""O: OpenAI-format leftovers (API_RULES.md §4)."""

from __future__ import annotations
