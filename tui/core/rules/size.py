"""S: size and context limits (API_RULES.md §10, SIZE-01 … SIZE-05).

Two numbers are computed once per request and shared (memoised on the context):

* the **body size**: the compact UTF-8 JSON (``separators=(",", ":")``, ``ensure_ascii=False``,
  which is what httpx sends), built one message at a time so the body is serialised once and
  the largest messages can be named;
* the **token estimate**: characters of text / 3.5, plus 1,600 tokens per image (or
  width × height / 750 when the header gives the size), 2,000 tokens per PDF page, and 350 for
  the tool-use system prompt when tools are declared.  Thinking blocks are not counted (the API
  drops them from earlier turns).  This is an *estimate*: S002 and S003 are warnings and say
  to confirm with ``POST /v1/messages/count_tokens``.

SIZE-04 (the 413 "Request size exceeds model context window") is the same condition as SIZE-02
seen through another status; S002 covers it.
"""

from __future__ import annotations

import json
import math
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tui.core.findings import Applicability, Severity, Violation
from tui.core.paths import Path
from tui.core.repair import ops
from tui.core.rules.context import CheckContext
from tui.core.rules.media import cached_blocks, image_count, image_infos, pdf_page_counts
from tui.core.rules.registry import rule

MAX_BODY_BYTES = 32 * 1024 * 1024
"""32 MB read as MiB; between 32,000,000 and this, S001 only warns (the unit is not documented)."""
MAX_BODY_DECIMAL = 32_000_000
MAX_MESSAGES = 100_000
CHARS_PER_TOKEN = 3.5
TOKENS_PER_IMAGE = 1_600
TOKENS_PER_PDF_PAGE = 2_000
TOOL_PROMPT_TOKENS = 350
LONG_CONTEXT_WINDOW = 1_000_000


@dataclass(slots=True)
class BodySize:
    total: int
    messages: list[int] = field(default_factory=list)


def _dumps_len(value: Any) -> int:
    s = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return len(s.encode("utf-8", "surrogatepass"))


_SIZE_MEMO: weakref.WeakKeyDictionary[CheckContext, BodySize | None] = weakref.WeakKeyDictionary()
_TOKEN_MEMO: weakref.WeakKeyDictionary[CheckContext, int] = weakref.WeakKeyDictionary()


def body_size(ctx: CheckContext) -> BodySize | None:
    """The serialised size of the request, computed once per check (None if not serialisable)."""
    if ctx in _SIZE_MEMO:
        return _SIZE_MEMO[ctx]
    result: BodySize | None
    try:
        msgs = ctx.request.get("messages")
        if isinstance(msgs, list):
            sizes = [_dumps_len(m) for m in msgs]
            rest = _dumps_len({**ctx.request, "messages": []})
            result = BodySize(rest + sum(sizes) + max(0, len(sizes) - 1), sizes)
        else:
            result = BodySize(_dumps_len(ctx.request))
    except (TypeError, ValueError, RecursionError):
        result = None
    _SIZE_MEMO[ctx] = result
    return result


def _text_chars(value: Any) -> int:
    """Characters the model reads in a content value (string, block, or list of blocks).

    Iterative: a hostile payload nested 900 levels deep must not exhaust the Python stack."""
    total = 0
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            total += len(value)
            continue
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not isinstance(value, dict):
            continue
        t = value.get("type")
        if t == "text":
            stack.append(value.get("text"))
        elif t in ("thinking", "redacted_thinking", "image", "document"):
            continue  # thinking: dropped from earlier turns; media: counted separately
        elif t in ("tool_use", "server_tool_use"):
            stack.append(value.get("name"))
            total += _json_chars(value.get("input"))
        elif t == "tool_result":
            stack.append(value.get("content"))
        elif t == "search_result":
            stack.extend((value.get("title"), value.get("content")))
        else:
            total += _json_chars(value.get("content", value))
    return total


def _json_chars(value: Any) -> int:
    try:
        return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    except (TypeError, ValueError, RecursionError):
        return 0


def _document_chars(ctx: CheckContext) -> int:
    """Plain-text and content-block document sources are read as text."""
    n = 0
    for b in cached_blocks(ctx):
        blocks = [b.block]
        if b.type == "tool_result" and isinstance(b.block.get("content"), list):
            blocks = [x for x in b.block["content"] if isinstance(x, dict)]
        for blk in blocks:
            src = blk.get("source") if blk.get("type") == "document" else None
            if isinstance(src, dict) and src.get("type") == "text":
                n += _text_chars(src.get("data"))
            elif isinstance(src, dict) and src.get("type") == "content":
                n += _text_chars(src.get("content"))
    return n


def estimate_tokens(ctx: CheckContext) -> int:
    """Input tokens, estimated once per check (see the module docstring for the formula)."""
    got = _TOKEN_MEMO.get(ctx)
    if got is not None:
        return got
    chars = _text_chars(ctx.request.get("system"))
    tools = ctx.request.get("tools")
    extra = 0
    if isinstance(tools, list) and tools:
        chars += _json_chars(tools)
        extra += TOOL_PROMPT_TOKENS
    for _, msg in ctx.messages():
        chars += _text_chars(msg.get("content"))
    chars += _document_chars(ctx)
    measured = [i.dims for i in image_infos(ctx) if i.dims]
    for w, h in measured:
        extra += min(TOKENS_PER_IMAGE, math.ceil(w * h / 750))
    extra += max(0, image_count(ctx) - len(measured)) * TOKENS_PER_IMAGE
    extra += sum(pages for _, pages in pdf_page_counts(ctx)) * TOKENS_PER_PDF_PAGE
    got = math.ceil(chars / CHARS_PER_TOKEN) + extra
    _TOKEN_MEMO[ctx] = got
    return got


def context_window(ctx: CheckContext) -> int:
    """The model's window, or 1M when the request opts into the long-context beta."""
    assert ctx.caps is not None
    model = ctx.model or ""
    if model.lower().endswith("[1m]"):
        return LONG_CONTEXT_WINDOW
    betas: list[str] = []
    body_beta = ctx.request.get("anthropic_beta")
    if isinstance(body_beta, list):
        betas += [b for b in body_beta if isinstance(b, str)]
    headers = ctx.exchange.headers if ctx.exchange is not None else {}
    if isinstance(headers, dict):
        betas += [v for k, v in headers.items() if isinstance(k, str) and k.lower() == "anthropic-beta"
                  and isinstance(v, str)]
    if any("context-1m" in b for b in betas):
        return LONG_CONTEXT_WINDOW
    return ctx.caps.context_window


def _largest_messages(sizes: list[int], n: int = 3) -> tuple[Path, ...]:
    order = sorted(range(len(sizes)), key=lambda i: sizes[i], reverse=True)[:n]
    return tuple(("messages", i) for i in order)


# -- rules ---------------------------------------------------------------------------------


@rule("S001", "request-too-large", Severity.ERROR, references=("SIZE-01",))
def request_too_large(ctx: CheckContext) -> Iterator[Violation]:
    """The serialised request body is over the 32 MB limit.

    ## What it does
    Measures the body as compact UTF-8 JSON and compares it with 32 MB (33,554,432 bytes).
    Bodies between 32,000,000 and 33,554,432 bytes get a *warning*: whether "32 MB" means 10⁶ or
    2²⁰ bytes is not documented.  The three largest messages are listed as related locations.
    (The limit is 256 MB for Message Batches, which this rule does not know about.)

    ## Why is this bad?
    Cloudflare rejects it before the API sees it: HTTP 413
    ``{"error":{"type":"request_too_large","message":"Request exceeds the maximum size"}}`` —
    no request id, no location.  The same limit applies to `count_tokens`.  Many base64 images
    or PDFs in a long agent history are the usual cause.

    ## Example
    A conversation carrying 40 screenshots of 1 MB each.

    ## Fix
    None automatic: drop or shrink old images and documents, upload files once with the Files
    API and refer to them by `file_id`, or trim the history.  Which content may go is the
    user's decision.
    """
    size = body_size(ctx)
    if size is None or size.total <= MAX_BODY_DECIMAL:
        return
    over = size.total > MAX_BODY_BYTES
    yield Violation(
        (), f"the request body is {size.total:,} bytes of JSON; the limit is 32 MB "
            f"({MAX_BODY_BYTES:,} bytes)" + ("" if over else "; it may be over, depending on the unit"),
        api_error="Request exceeds the maximum size",
        related=_largest_messages(size.messages),
        severity=None if over else Severity.WARNING,
    )


@rule("S002", "prompt-too-long-estimate", Severity.WARNING, references=("SIZE-02", "SIZE-04"),
      model_dependent=True)
def prompt_too_long_estimate(ctx: CheckContext) -> Iterator[Violation]:
    """The estimated input is larger than the model's context window.

    ## What it does
    Estimates the input tokens (text characters / 3.5, 1,600 per image or width × height / 750,
    2,000 per PDF page, 350 for the tool prompt; thinking not counted) and compares them with
    the model's context window from the capability table (1,000,000 when the `context-1m` beta
    is requested).  It is an estimate, hence a *warning*; confirm with
    `POST /v1/messages/count_tokens`, which returns the exact count.

    ## Why is this bad?
    The API rejects it: ``prompt is too long: 219898 tokens > 200000 maximum`` (the finding's
    `api_error` shows the estimate in place of the real count).  Some deployments answer HTTP
    413 ``Request size exceeds model context window`` instead.  Agents that never
    compact their history reach it after long sessions.

    ## Example
    A 900,000-character codebase dump in one user message to a 200k-token model.

    ## Fix
    None automatic: compact or summarise older turns, drop stale tool results, or move to the
    1M-token beta where available.  What to drop is the user's decision.
    """
    window = context_window(ctx)
    tokens = estimate_tokens(ctx)
    if tokens <= window:
        return
    yield Violation(
        ("messages",),
        f"estimated ~{tokens:,} input tokens > the {window:,}-token context window of {ctx.caps.key} "
        f"(estimate: characters / 3.5 plus images and PDF pages; confirm with count_tokens)",
        api_error=f"prompt is too long: {tokens} tokens > {window} maximum",
    )


@rule("S003", "input-plus-max-tokens", Severity.WARNING, references=("SIZE-03",),
      fix=Applicability.UNSAFE, model_dependent=True)
def input_plus_max_tokens(ctx: CheckContext) -> Iterator[Violation]:
    """The estimated input plus `max_tokens` exceeds the context window (older models).

    ## What it does
    For models whose capability entry says input and output share the window
    (`input_plus_output_limit`: Claude 3.x, Claude 4 and 4.1), adds `max_tokens` to the input
    estimate of S002 and compares the sum with the window.  When the input alone is too long,
    S002 reports it instead.  A *warning*, since the input side is an estimate.

    ## Why is this bad?
    These models reject the request: ``input length and `max_tokens` exceed context limit:
    199759 + 8192 > 200000, decrease input length or `max_tokens` and try again``.  Newer
    models stop with `model_context_window_exceeded` instead, so the rule does not apply to them.

    ## Example
    `claude-opus-4-1` with ~170k tokens of history and `max_tokens: 32000`.

    ## Fix
    *Unsafe*: lower `max_tokens` to what the window leaves (window − estimated input).  The
    output may then be cut short, and the estimate may be off; compacting the history is the
    better repair when a long answer is needed.
    """
    assert ctx.caps is not None
    if not ctx.caps.input_plus_output_limit:
        return
    max_tokens = ctx.request.get("max_tokens")
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens <= 0:
        return
    window = context_window(ctx)
    tokens = estimate_tokens(ctx)
    if tokens > window or tokens + max_tokens <= window:
        return
    room = window - tokens
    fix = ops.unsafe(f"lower max_tokens to {room:,}", ops.replace(("max_tokens",), room)) if room >= 1 else None
    yield Violation(
        ("max_tokens",),
        f"estimated ~{tokens:,} input tokens + max_tokens {max_tokens:,} > the {window:,}-token window of "
        f"{ctx.caps.key} (input is an estimate; confirm with count_tokens)",
        api_error=(f"input length and `max_tokens` exceed context limit: {tokens} + {max_tokens} > {window}, "
                   f"decrease input length or `max_tokens` and try again"),
        related=(("messages",),),
        fix=fix,
    )


@rule("S004", "too-many-messages", Severity.ERROR, references=("SIZE-05",))
def too_many_messages(ctx: CheckContext) -> Iterator[Violation]:
    """The request has more than 100,000 messages.

    ## What it does
    Counts the items of `messages`.

    ## Why is this bad?
    The API documents "a limit of 100,000 messages in a single request" (SDK docstring since
    2025-07).  The exact error text is not on record, so none is quoted.  Only runaway loops
    that append without ever compacting get there.

    ## Example
    An agent loop that appended a user/assistant pair per polling tick for days.

    ## Fix
    None automatic: which messages to drop or summarise is the user's decision.
    """
    msgs = ctx.request.get("messages")
    if isinstance(msgs, list) and len(msgs) > MAX_MESSAGES:
        yield Violation(("messages",), f"{len(msgs):,} messages; the limit is {MAX_MESSAGES:,}",
                        related=(("messages", MAX_MESSAGES),))
