"""The ordered list of formats the loaders know, and detection over it (FORMATS.md §2).

To add a format: write a module with a :class:`~tui.core.formats.base.Format` and insert it
here before the raw-Anthropic fallbacks.  Order matters: the first detector that says yes wins.
"""

from __future__ import annotations

from tui.core.formats.base import Format, Sniff
from tui.core.formats.batch import BATCH_JSON, BATCH_JSONL
from tui.core.formats.bedrock_log import BEDROCK_LOG_JSON, BEDROCK_LOG_JSONL
from tui.core.formats.claude_code import CLAUDE_CODE, CLAUDE_CODE_STREAM_JSON
from tui.core.formats.claude_trace import CLAUDE_TRACE, CLAUDE_TRACE_JSON
from tui.core.formats.go_vcr import GO_VCR
from tui.core.formats.har import HAR
from tui.core.formats.httprr import HTTPRR
from tui.core.formats.sdk_debug import SDK_DEBUG_LOG
from tui.core.formats.sdk_snapshot import SDK_SNAPSHOT
from tui.core.formats.ts_sdk_debug import TS_SDK_DEBUG_LOG
from tui.core.formats.sse_text import EVENTS_JSONL, SSE_TEXT
from tui.core.formats.jsonish import ANTHROPIC_JSON, ANTHROPIC_JSONL
from tui.core.formats.langfuse import LANGFUSE
from tui.core.formats.litellm import LITELLM
from tui.core.formats.openai import OPENAI_JSON, OPENAI_JSONL
from tui.core.formats.otlp import OTLP_JSON
from tui.core.formats.pydantic_ai import PYDANTIC_AI
from tui.core.formats.vcr_yaml import RUBY_VCR, VCRPY
from tui.core.formats.reader import READABLE, LoadError
from tui.core.redact import redact_text

FORMATS: list[Format] = [
    # Specific formats go here, most distinctive first.
    # Recorded HTTP: test cassettes and traces (issue 15); each has a key no other format has.
    HTTPRR,
    VCRPY,
    GO_VCR,
    RUBY_VCR,
    SDK_SNAPSHOT,
    # Anthropic-side captures and logs (FORMATS.md §3.2-§3.7, §3.14).
    HAR,
    BEDROCK_LOG_JSON,
    BEDROCK_LOG_JSONL,
    CLAUDE_TRACE,
    CLAUDE_TRACE_JSON,
    CLAUDE_CODE,
    CLAUDE_CODE_STREAM_JSON,
    BATCH_JSONL,
    BATCH_JSON,
    SDK_DEBUG_LOG,
    TS_SDK_DEBUG_LOG,
    SSE_TEXT,
    EVENTS_JSONL,
    LITELLM,
    LANGFUSE,
    OTLP_JSON,
    PYDANTIC_AI,
    # OpenAI before the raw-Anthropic fallbacks: it claims only bodies without Anthropic signals.
    OPENAI_JSON,
    OPENAI_JSONL,
    ANTHROPIC_JSON,
    ANTHROPIC_JSONL,
]


def detect(sniff: Sniff) -> Format:
    """The first format whose detector accepts the file; LoadError with one clear sentence if none."""
    for fmt in FORMATS:
        if fmt.detect(sniff):
            return fmt
    snippet = redact_text(sniff.first_lines[0])[:40] if sniff.first_lines else ""  # may start with a key
    raise LoadError(f"{sniff.name}: not a log format this tool reads (starts with {snippet!r}); "
                    f"the closest it reads: {closest(sniff)}")


TEXT_FORMATS = {
    "anthropic-sse": "raw SSE text (`event:` / `data:` lines)",
    "sdk-debug-log": "a Python or TypeScript SDK debug log (ANTHROPIC_LOG=debug)",
}


def closest(sniff: Sniff) -> str:
    """The formats nearest to what the file looks like: text logs for text, JSON formats for
    JSON-looking data (named with what they are), everything otherwise."""
    if sniff.is_json:
        return f"{READABLE}; or claude-trace, Claude Code, HAR, batch, Bedrock, OpenAI, LiteLLM, " \
               f"Langfuse or OTLP JSON (`payload-doctor` detects them)"
    head = sniff.text_head.lstrip()[:200]
    if head.startswith(("event:", "data:", ":")) or "data:" in head:
        return f"{TEXT_FORMATS['anthropic-sse']} from the Anthropic API (this one is not: OpenAI streams are not read)"
    if head.startswith("[") or " - DEBUG]" in head or "Request options" in head:
        return f"{TEXT_FORMATS['sdk-debug-log']}, or JSON / JSONL logs"
    return f"JSON or JSONL logs ({READABLE}), {TEXT_FORMATS['anthropic-sse']}, or {TEXT_FORMATS['sdk-debug-log']}"
