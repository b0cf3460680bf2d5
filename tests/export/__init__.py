"""Export tests: the realistic agent request the golden files are made from, and golden helpers.

Set ``UPDATE_GOLDEN=1`` to rewrite the golden files from the current output (then review the diff).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tui.core.findings import Finding, Severity

GOLDEN = Path(__file__).parent / "golden"

# Secrets planted in golden/agent_request.json: one in a header-like field (an MCP server's
# authorization_token), the rest inside message text (a tool result that printed `env`).
PLANTED_HEADER_KEY = ("sk-ant-api03-Pl4nt3dH34d3rK3y_0123456789abcdefghijklmnopqrstuvwxyz"
                      "ABCDEFGHIJ-xyzQAA")
PLANTED_TEXT_KEY = ("sk-ant-api03-Pl4nt3dT3xtK3y_9876543210zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQP"
                    "ONMLK-abcQAA")
PLANTED = (PLANTED_HEADER_KEY, PLANTED_TEXT_KEY, "AKIAIOSFODNN7EXAMPLE",
           "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

API_ERROR = ("messages.5: `tool_use` ids were found without `tool_result` blocks immediately after: "
             "toolu_01Mn4bVc7xZa1sDq9wEr3tYu. Each `tool_use` block must have a corresponding "
             "`tool_result` block in the next message.")


def agent_request() -> dict[str, Any]:
    """A coding agent's request with an unanswered tool call and credentials in a tool result."""
    return json.loads((GOLDEN / "agent_request.json").read_text("utf-8"))


def agent_findings() -> list[Finding]:
    """Findings written by hand (not produced by the live catalog, so goldens do not move when
    rule wording changes elsewhere)."""
    return [
        Finding(
            code="P001", name="tool-use-without-result", severity=Severity.ERROR,
            message="tool_use toolu_01Mn4bVc7xZa1sDq9wEr3tYu (read_file) has no tool_result in the "
                    "next user turn",
            path=("messages", 5, "content", 1), related=(("messages", 6),), api_error=API_ERROR,
            reference=("ORDER-01",),
        ),
        Finding(
            code="C004", name="final-assistant-trailing-whitespace", severity=Severity.ERROR,
            message="the final assistant message ends with whitespace",
            path=("messages", 7, "content"),
            api_error="messages: final assistant content cannot end with trailing whitespace",
        ),
    ]


def check_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with ``golden/<name>``; rewrite it instead when UPDATE_GOLDEN=1."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(actual.encode("utf-8"))
        return
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1 to create it"
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, f"{name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it)"
