"""Extra payload builders for the T, D, A and K rule tests (rulekit.py stays shared and untouched)."""

from __future__ import annotations

from typing import Any

SIG = "EqQBCkYIBxgCKkBPcQv3u1k9XyZ0aXQ2c2lnbmF0dXJlLWZvci10ZXN0cw=="


def thinking(text: str = "The user wants the weather; call the tool.", sig: str | None = SIG,
             **kw: Any) -> dict[str, Any]:
    """A thinking block; ``sig=None`` leaves the signature out."""
    block: dict[str, Any] = {"type": "thinking", "thinking": text}
    if sig is not None:
        block["signature"] = sig
    block.update(kw)
    return block


def redacted(data: str = "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr") -> dict[str, Any]:
    return {"type": "redacted_thinking", "data": data}


def enabled(budget: int = 2048) -> dict[str, Any]:
    return {"type": "enabled", "budget_tokens": budget}


ADAPTIVE: dict[str, Any] = {"type": "adaptive"}


def tool(name: str, **kw: Any) -> dict[str, Any]:
    """A custom tool definition with a minimal valid schema."""
    return {"name": name, "description": f"{name} tool",
            "input_schema": {"type": "object", "properties": {}}, **kw}


def cc(ttl: str | None = None, **extra: Any) -> dict[str, Any]:
    """A cache_control value."""
    out: dict[str, Any] = {"type": "ephemeral"}
    if ttl is not None:
        out["ttl"] = ttl
    out.update(extra)
    return out


def server_search(tid: str = "srvtoolu_01A", query: str = "weather Paris") -> list[dict[str, Any]]:
    """A web search the API ran: its ``server_tool_use`` call and the result block."""
    return [
        {"type": "server_tool_use", "id": tid, "name": "web_search", "input": {"query": query}},
        {"type": "web_search_tool_result", "tool_use_id": tid,
         "content": [{"type": "web_search_result", "url": "https://example.com/paris", "title": "Paris weather",
                      "encrypted_content": "EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5LTQ1NGUtODgxNC1kNjNjNTk1ZWI3Y2Y",
                      "page_age": "1 day ago"}]},
    ]
