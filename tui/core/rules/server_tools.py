"""V: server tools (API_RULES.md §11)."""

from __future__ import annotations
