"""M: images and documents (API_RULES.md §9)."""

from __future__ import annotations
