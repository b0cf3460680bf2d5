"""E: logged API errors, classified and mapped to the payload (API_RULES.md §0, §13)."""

from __future__ import annotations
