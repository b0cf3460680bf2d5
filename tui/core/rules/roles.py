"""R: roles and turns (API_RULES.md §2)."""

from __future__ import annotations
