"""D: tool definitions and tool_choice (API_RULES.md §6)."""

from __future__ import annotations
