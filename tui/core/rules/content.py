"""C: empty and whitespace content (API_RULES.md §3, CONTENT-01 … CONTENT-05).

The usual source is the model itself: an empty `end_turn` response or an empty text block the SDK
returned is stored in history and sent back.  CONTENT-02 and CONTENT-03 carry no index in the API's
text (``messages: text content blocks must be non-empty``), which is exactly why a checker that
points at the block is useful.

The one exemption the API makes is the *final* assistant message (a prefill), which may be empty;
its text may not end in whitespace (C004).  Whitespace-only text of that final block is left to
C004, whose fix (strip it) also clears the whitespace, so one fault gives one finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from tui.core import apishapes
from tui.core.findings import Applicability, Fix, Severity, Violation
from tui.core.paths import Path
from tui.core.repair import ops
from tui.core.rules.context import BlockRef, CheckContext
from tui.core.rules.registry import rule
from tui.core.rules.roles import drop_message_ops, raw_messages, role_of

CONTENT01_TEXT = ("messages.{i}: all messages must have non-empty content except for the optional "
                  "final assistant message")
CONTENT02_TEXT = "messages: text content blocks must be non-empty"
CONTENT03_TEXT = "messages: text content blocks must contain non-whitespace text"
CONTENT04_TEXT = "messages: final assistant content cannot end with trailing whitespace"
CONTENT05_TEXT = "messages: at least one message is required"


def _is_final_assistant(ctx: CheckContext, i: int) -> bool:
    msgs = raw_messages(ctx)
    return i == len(msgs) - 1 and role_of(msgs[i]) == "assistant"


def _text_blocks(ctx: CheckContext) -> Iterator[tuple[Path, str, BlockRef, int | None]]:
    """``(path, text, top-level block, nested index)`` for every text block in ``messages``.

    Covers top-level text blocks (a string content shows as one, with index None) and the text
    blocks inside a `tool_result`'s list content (nested index set).
    """
    for _, b in ctx.all_blocks():
        if b.type == "text" and isinstance(b.block.get("text"), str):
            yield b.path, b.block["text"], b, None
        elif b.type == "tool_result" and isinstance(b.block.get("content"), list):
            for k, inner in enumerate(b.block["content"]):
                if isinstance(inner, dict) and inner.get("type") == "text" and isinstance(inner.get("text"), str):
                    yield (*b.path, "content", k), inner["text"], b, k


def _drop_text_fix(ctx: CheckContext, b: BlockRef, nested: int | None, what: str) -> Fix | None:
    """Remove an empty/whitespace text block; remove its message if nothing else is left in it.

    Only whitespace or nothing is lost, so the fix is safe, except where dropping the whole
    message changes how the request ends (see ``drop_message_ops``).
    """
    if nested is not None:
        inner = b.block["content"]
        if len(inner) == 1:  # no empty list left behind: `content` is optional on a tool_result
            return ops.safe(f"drop the {what} text block (and the empty tool_result content)",
                            ops.remove((*b.path, "content")))
        return ops.safe(f"drop the {what} text block", ops.remove((*b.path, "content", nested)))
    content = raw_messages(ctx)[b.message].get("content")
    if b.index is not None and isinstance(content, list):
        rest = [x for j, x in enumerate(content) if j != b.index]
        if rest or _is_final_assistant(ctx, b.message):
            return ops.safe(f"drop the {what} text block", ops.remove(b.path))
    dropped = drop_message_ops(ctx, b.message)
    if dropped is None:
        return None
    fix_ops, applicability = dropped
    title = f"drop messages.{b.message}: its only content is the {what} text"
    return Fix(title, tuple(fix_ops), applicability)


@rule("C001", "empty-message-content", Severity.ERROR, references=("CONTENT-01",),
      fix=Applicability.UNSAFE)
def empty_message_content(ctx: CheckContext) -> Iterator[Violation]:
    """A message has empty content (`""` or `[]`) and is not the final assistant message.

    ## What it does
    Reports every message whose `content` is the empty string or the empty list, except the
    last message when it is an assistant message (the API exempts that one).

    ## Why is this bad?
    The API answers ``messages.0: all messages must have non-empty content except for the
    optional final assistant message``.  The usual cause is an empty `end_turn` response (or a
    cancelled stream) stored in history and sent back on the next turn.

    ## Example
    ```json
    [{"role": "user", "content": "Run the tests"}, {"role": "assistant", "content": ""},
     {"role": "user", "content": "Well?"}]
    ```

    ## Fix
    Drop the empty message; if its neighbours then have the same role they are merged, as the
    API would merge them, so gateways that require alternation stay happy.  *Safe*: nothing is
    lost.  *Unsafe* when the message is the last one and a user message: the request would then
    end with the assistant message, which turns it into a prefill.  Not offered when it is the
    only message.
    """
    for i, m in ctx.messages():
        content = m.get("content")
        if content not in ("", []) or _is_final_assistant(ctx, i) or \
                m.get("role") not in ("user", "assistant", "system"):
            continue  # other roles are R004/O002's (a converted tool message may have no content)
        dropped = drop_message_ops(ctx, i)
        fix = None
        if dropped is not None:
            fix = Fix(f"drop the empty messages.{i}", tuple(dropped[0]), dropped[1])
        yield Violation(
            ("messages", i),
            f"messages.{i} ({m.get('role', '?')}) has empty content",
            api_error=CONTENT01_TEXT.format(i=i),
            fix=fix,
        )


@rule("C002", "empty-text-block", Severity.ERROR, references=("CONTENT-02",), fix=Applicability.UNSAFE)
def empty_text_block(ctx: CheckContext) -> Iterator[Violation]:
    """A text block with `text: ""`.

    ## What it does
    Finds every text block whose text is the empty string, in message content and inside
    `tool_result` content.  (A string `content: ""` is C001.)

    ## Why is this bad?
    ``messages: text content blocks must be non-empty``.  The text has no index, so the API does
    not say which block; the SDK itself can *return* empty text blocks (e.g. next to a
    `tool_use`), which then fail when the history is sent back.  The final assistant message is
    not exempt here.

    ## Example
    ```json
    {"role": "assistant", "content": [{"type": "text", "text": ""},
                                      {"type": "tool_use", "id": "toolu_01", "name": "ls", "input": {}}]}
    ```

    ## Fix
    *Safe*: drop the block (nothing is lost).  When it is the message's only content, the message
    goes too (see C001 for when that is unsafe); an emptied `tool_result` loses its `content`
    key, which is optional.
    """
    for path, text, b, nested in _text_blocks(ctx):
        if text != "" or (b.index is None and nested is None):
            continue  # a string content "" is C001's
        yield Violation(path, "empty text block", api_error=CONTENT02_TEXT,
                        fix=_drop_text_fix(ctx, b, nested, "empty"))


@rule("C003", "whitespace-text-block", Severity.ERROR, references=("CONTENT-03",),
      fix=Applicability.UNSAFE)
def whitespace_text_block(ctx: CheckContext) -> Iterator[Violation]:
    """A text block (or string content) that holds only whitespace.

    ## What it does
    Finds text whose characters are all whitespace (spaces, newlines, tabs), in message content
    (including a string `content`) and inside `tool_result` content.  The last block of a final
    assistant message is left to C004.  A whitespace-only block beside other content in an
    assistant message that is not the last message is a *warning*, not an error: the Messages
    API accepted it there (a logged 200 on Haiku 4.5: models return `"\n\n"` before a tool
    call, and clients send it back), but Bedrock rejects whitespace-only
    text (NousResearch/hermes-agent#41985), so the same history fails
    there.  Everywhere else the API's documented rejection stands and it is an error: user
    turns, `tool_result` content, a message of nothing but whitespace (string content or only
    whitespace blocks), and any block of the final assistant message (its last block is C004's).

    ## Why is this bad?
    ``messages: text content blocks must contain non-whitespace text``.  Placeholders such as
    `" "` or `"\\n"` inserted to avoid the empty-content error hit this one instead (Bedrock
    rejects them too).

    ## Example
    ```json
    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01", "content": "ok"},
                                 {"type": "text", "text": "\\n\\n"}]}
    ```

    ## Fix
    *Safe*: drop the block; only whitespace is lost.  When it is the message's only content the
    message goes too (see C001 for when that is unsafe).
    """
    for path, text, b, nested in _text_blocks(ctx):
        if text == "" or text.strip():
            continue
        if nested is None and _is_final_assistant(ctx, b.message) and _is_last_block(ctx, b):
            continue  # C004 reports (and strips) the end of the final assistant message
        shown = f"text block holds only whitespace ({text!r})"[:120]
        fix = _drop_text_fix(ctx, b, nested, "whitespace-only")
        if nested is None and _beside_content_in_earlier_assistant_turn(ctx, b):
            yield Violation(path, shown + "; accepted beside other blocks in an earlier assistant turn, "
                                          "but Bedrock rejects whitespace-only text", severity=Severity.WARNING,
                            fix=fix)
            continue
        yield Violation(path, shown, api_error=CONTENT03_TEXT, fix=fix)


def _beside_content_in_earlier_assistant_turn(ctx: CheckContext, b: BlockRef) -> bool:
    """The block is in an assistant message that is not the last message and holds some other
    block that is not whitespace-only text: what the API returned (text before a tool call) and
    accepted back (a logged 200 on Haiku 4.5)."""
    msgs = raw_messages(ctx)
    if b.index is None or b.message >= len(msgs) - 1:
        return False
    msg = msgs[b.message]
    content = msg.get("content") if isinstance(msg, dict) else None
    if not isinstance(msg, dict) or msg.get("role") != "assistant" or not isinstance(content, list):
        return False
    for i, other in enumerate(content):
        if i == b.index or not isinstance(other, dict):
            continue
        if other.get("type") != "text" or (isinstance(other.get("text"), str) and other["text"].strip()):
            return True
    return False


def _is_last_block(ctx: CheckContext, b: BlockRef) -> bool:
    content = raw_messages(ctx)[b.message].get("content")
    return b.index is None or (isinstance(content, list) and b.index == len(content) - 1)


@rule("C004", "final-assistant-trailing-whitespace", Severity.ERROR, references=("CONTENT-04",),
      fix=Applicability.SAFE)
def final_assistant_trailing_whitespace(ctx: CheckContext) -> Iterator[Violation]:
    """The final assistant message (a prefill) ends with whitespace.

    ## What it does
    When the request ends with an assistant message, checks whether its last content (a string,
    or a final text block) ends in whitespace.  Only the final assistant message is checked:
    earlier assistant turns may end however they like.

    ## Why is this bad?
    ``messages: final assistant content cannot end with trailing whitespace``.  Prefills such as
    `"Here is the JSON:\\n"` or a response that ended in a newline re-sent as the last turn.

    ## Example
    ```json
    [{"role": "user", "content": "Write a haiku."}, {"role": "assistant", "content": "Here it is: "}]
    ```

    ## Fix
    *Safe*: strip the trailing whitespace of that final text only (`rstrip`), never of earlier
    turns.  A block that was only whitespace is dropped; an empty final assistant message is
    allowed.
    """
    msgs = raw_messages(ctx)
    if not msgs or role_of(msgs[-1]) != "assistant":
        return
    i = len(msgs) - 1
    content = msgs[i].get("content")
    if isinstance(content, str):
        path: Path = ("messages", i, "content")
        text = content
    elif isinstance(content, list) and content and isinstance(content[-1], dict) \
            and content[-1].get("type") == "text" and isinstance(content[-1].get("text"), str):
        path = ("messages", i, "content", len(content) - 1)
        text = content[-1]["text"]
    else:
        return
    stripped = text.rstrip()
    if not text or stripped == text:
        return
    if isinstance(content, list) and not stripped:
        fix = ops.safe("drop the whitespace-only final text block", ops.remove(path))
    else:
        fix = ops.safe("strip the trailing whitespace", ops.replace(path if isinstance(content, str)
                                                                     else (*path, "text"), stripped))
    yield Violation(path, f"the final assistant text ends with whitespace ({text[len(stripped):]!r})",
                    api_error=CONTENT04_TEXT, fix=fix)


@rule("C005", "no-messages", Severity.ERROR, references=("CONTENT-05",))
def no_messages(ctx: CheckContext) -> Iterator[Violation]:
    """The request has `messages: []`.

    ## What it does
    Reports an empty `messages` list (a missing or non-list `messages` is B-family business).

    ## Why is this bad?
    ``messages: at least one message is required``.  Usually a context-trimming step that
    removed everything, or a request builder called before the first user input.

    ## Example
    ```json
    {"model": "claude-sonnet-4-5", "max_tokens": 1024, "messages": []}
    ```

    ## Fix
    None: a conversation cannot be made up.  Check the trimming or the caller.
    """
    if ctx.request.get("messages") == [] and not ctx.partial:
        yield Violation(("messages",), "the request has no messages", api_error=CONTENT05_TEXT)



@rule("C006", "citations-on-user-text", Severity.ERROR, fix=Applicability.UNSAFE, time_dependent=True)
def citations_on_user_text(ctx: CheckContext) -> Iterator[Violation]:
    """A text block in a user message carries non-empty `citations`, judged by `anthropic-version` 2026-10-21 or later.

    ## What it does
    Judges the request by the API version it is (or will be) sent with: the logged
    `anthropic-version`, else the pinned SDK's (`2026-10-21`).  From that version on, reports a
    top-level text block of a user message whose `citations` is a non-empty list.  Text inside a
    `tool_result` is left alone (the guide names user-message text blocks; a tool result's
    citations are not documented either way).  Older logged versions (`2023-06-01`) and a
    logged version that is not a `YYYY-MM-DD` date are not judged.  The log is evidence: a
    request the log shows accepted with no version logged is a warning (it was sent with an
    older one; a replay fails), and one accepted *with* 2026-10-21 or later is reported as
    contradicted by the logged response (the rule's data may be stale).

    ## Why is this bad?
    The 2026-10-21 migration guide (platform.claude.com/docs/en/api/migration-2026-10-21, also
    in token counting and in batches created with that version): non-empty `citations` on a
    text block in a user message are rejected.  Clients that copy an assistant answer, citations and all, into the next user turn
    (quote-and-reply UIs, agents that re-feed a sub-agent's answer) start failing after an SDK
    upgrade.  The API's exact error text is not in our sources, so the finding carries no
    `api_error` (and no logged error maps to it).

    ## Example
    `{"role": "user", "content": [{"type": "text", "text": "You said: …", "citations": [{"type": "char_location", …}]}]}`

    ## Fix
    *Unsafe*: remove the `citations` key.  The text is kept, but the citation metadata (which
    document and span the quote came from) is lost; to keep it, put the quoted passage in the
    text itself or send the cited document again.  No fix when the log shows the citations
    accepted at 2026-10-21 or later (the finding then questions this rule, not the request).
    """
    verdict = ctx.version_verdict(apishapes.API_2026_10_21)
    if verdict is None:
        return
    for role, b in ctx.all_blocks():
        cites = b.block.get("citations")
        if b.index is None or b.type != "text" or role != "user" or not (
                isinstance(cites, list) and cites):
            continue
        path = (*b.path, "citations")
        n = f"{len(cites)} citation{'s' * (len(cites) != 1)}"
        if verdict == "rejected":
            yield Violation(path, f"anthropic-version {ctx.api_version} rejects citations on user text ({n})",
                            fix=ops.unsafe("remove the citations (the text is kept)", ops.remove(path)))
        else:  # accepted-unversioned
            yield Violation(path, f"accepted when logged, so sent with an anthropic-version before 2026-10-21 (the "
                                  f"log has none); a replay with {ctx.api_version} rejects citations on user text",
                            severity=Severity.WARNING,
                            fix=ops.unsafe("remove the citations (the text is kept)", ops.remove(path)))
