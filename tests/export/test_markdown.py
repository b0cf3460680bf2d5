"""The Markdown reproduction: only the messages around the findings, shortened and redacted."""

from __future__ import annotations

import re
from typing import Any

from tests.export import PLANTED, agent_findings, agent_request
from tui.core.export.markdown import code_span, fenced, to_markdown
from tui.core.findings import Finding, Severity


def finding(path: tuple[Any, ...], *, code: str = "P002", scope: str = "request",
            related: tuple[tuple[Any, ...], ...] = (), message: str = "orphan tool_result",
            api_error: str | None = None) -> Finding:
    return Finding(code=code, name="orphan-tool-result", severity=Severity.ERROR, message=message,
                   path=path, scope=scope, related=related, api_error=api_error)


def long_body(n: int = 30) -> dict[str, Any]:
    msgs = [{"role": "user" if i % 2 == 0 else "assistant", "content": f"turn number {i}"}
            for i in range(n)]
    return {"model": "claude-haiku-4-5", "max_tokens": 100, "messages": msgs}


def shown(md: str) -> list[int]:
    return [int(i) for i in re.findall(r"^### messages\.(\d+)", md, re.M)]


def test_to_markdown_shows_only_the_messages_around_each_finding():
    md = to_markdown(long_body(), [finding(("messages", 15, "content"))], api_error=None)
    assert shown(md) == [14, 15, 16]
    assert "*… 14 messages omitted …*" in md
    assert "*… 13 messages omitted …*" in md
    assert "turn number 13" not in md and "turn number 17" not in md


def test_to_markdown_context_widens_and_merges_windows():
    findings = [finding(("messages", 5)), finding(("messages", 8, "content", 0))]
    assert shown(to_markdown(long_body(), findings, api_error=None, context=0)) == [5, 8]
    md = to_markdown(long_body(), findings, api_error=None, context=2)
    assert shown(md) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "*… 3 messages omitted …*" in md and "*… 19 messages omitted …*" in md


def test_to_markdown_includes_related_messages_and_the_message_named_by_the_api_error():
    md = to_markdown(long_body(), [finding(("messages", 20), related=(("messages", 2, "content", 0),))],
                     api_error="messages.27.content.0: unexpected `tool_use_id` found", context=0)
    assert shown(md) == [2, 20, 27]


def test_to_markdown_without_a_focus_shows_the_last_message_and_ignores_response_findings():
    md = to_markdown(long_body(), [finding(("content", 0), scope="response")], api_error=None,
                     context=1)
    assert shown(md) == [28, 29]
    assert "at `response.content.0`" in md
    assert "*… 28 messages omitted …*" in md


def test_to_markdown_lists_params_and_tool_names_but_not_their_bodies():
    md = to_markdown(agent_request(), [], api_error=None)
    assert "Model: `claude-sonnet-4-5-20250929`" in md
    assert "| max_tokens | `2048` |" in md
    assert "| temperature | `0.2` |" in md
    assert "| system | 1 block, 151 chars, 1 with cache_control (omitted) |" in md
    assert "| tools | 3: `read_file`, `run_shell`, `web_search` (web_search_20250305) |" in md
    assert "| messages | 8 |" in md
    assert "never print credentials" not in md  # the system prompt text
    assert "input_schema" not in md
    assert "No findings." in md


def test_to_markdown_shortens_long_strings_and_elides_base64():
    body = {"model": "m", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "HEAD" + "x" * 5000 + "TAIL\n  "},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "A" * 9000}},
        {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "B" * 20}},
    ]}, {"role": "assistant", "content": [
        {"type": "thinking", "thinking": "hmm", "signature": "S" * 500},
        {"type": "redacted_thinking", "data": "R" * 700},
    ]}]}
    md = to_markdown(body, [finding(("messages", 0, "content", 0)),
                            finding(("messages", 1, "content", 0))], api_error=None)
    assert "xxxx… [4,751 chars omitted] …" in md
    assert "TAIL\\n  " in md  # the tail (and its trailing whitespace) is kept
    assert '"data": "<base64 data, 9,000 chars elided>"' in md
    assert '"data": "<base64 data, 20 chars elided>"' in md
    assert '"data": "<redacted_thinking data, 700 chars elided>"' in md
    assert '"signature": "' + "S" * 24 + '… [476 chars elided]"' in md
    assert "A" * 100 not in md and "R" * 100 not in md
    assert len(md) < 3000


def test_to_markdown_fences_survive_backticks_in_the_payload_and_the_error():
    md = to_markdown(agent_request(), agent_findings(), api_error="bad ```` fence")
    assert "`````\nbad ```` fence\n`````" in md
    assert '````json\n{\n  "role": "user",\n  "content": "Sorry, I interrupted that.' in md
    assert fenced("a ``` b") == "````\na ``` b\n````"
    assert code_span("uses `x`") == "`` uses `x` ``"
    assert code_span("a\nb") == "`a b`"


def test_to_markdown_is_always_redacted():
    findings = [finding(("messages", 4), message=f"key {PLANTED[1]} leaked",
                        api_error=f"invalid x-api-key: {PLANTED[0]}")]
    md = to_markdown(agent_request(), findings, api_error=f"401: invalid key {PLANTED[0]}",
                     title=f"leak of {PLANTED[1]}", context=3)
    for secret in PLANTED:
        assert secret not in md
    assert "[REDACTED]" in md and "AWS_SECRET_ACCESS_KEY=…[REDACTED]…EKEY" in md


def test_to_markdown_shows_system_blocks_and_tools_that_findings_point_at():
    body = agent_request()
    findings = [finding(("system", 0, "cache_control"), code="K001"),
                finding(("tools", 1, "input_schema"), code="U001"),
                finding(("tools", 9), code="U002")]  # out of range: listed, not shown
    md = to_markdown(body, findings, api_error=None)
    assert "## Referenced system blocks and tools" in md
    assert "### system.0" in md and "### tools.1" in md and "### tools.9" not in md
    assert '"name": "run_shell"' in md


def test_to_markdown_never_fails_on_hostile_bodies():
    for body in ({}, {"messages": "nope"}, {"messages": [None, 5, "x"], "tools": 3, "system": 7},
                 {"model": 42, "messages": [{"role": None}]}):
        md = to_markdown(body, [finding(("messages", 1)), finding(("messages", 99)),
                                finding(("messages", True))], api_error="messages.x: ???")
        assert md.startswith("# Payload Doctor reproduction\n") and md.endswith("\n")
