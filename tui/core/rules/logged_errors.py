"""E: logged API errors, classified and mapped to the payload (API_RULES.md §0, §13).

An exchange that logged an error gets exactly one E finding, chosen by :func:`tui.core.errors.classify`:
E001 (structural: repair, do not retry), E002 (transient: retry with backoff) or E003 (client:
key, permission or billing).  The finding sits on the logged error (scope ``error``, path ``()``)
and its ``related`` path points into the request when the error text names a location.

They run on every dialect: an OpenAI exchange's error (``{"error": {"message", "type", "param",
"code"}}``) is classified the same way, located through its ``param`` and mapped to the Q rule
whose text it is.
"""

from __future__ import annotations

from collections.abc import Iterator

from tui.core.errors import ApiError, ErrorClass, advice, classify, explain, explain_message, parse_error_body
from tui.core.redact import redact_text
from tui.core.findings import Severity, Violation
from tui.core.paths import Path, to_dotted
from tui.core.rules.context import CheckContext
from tui.core.rules.registry import all_rules, get_rule, rule

_RELAYS = {"vertex": "Vertex", "openrouter": "OpenRouter", "bedrock": "Bedrock",
           "cloudflare": "Cloudflare, before the API", "batch": "a batch result", "html": "an HTML page"}


_GATEWAY_TWINS: dict[str, dict[str, str]] = {
    "openai-chat": {"P001": "Q001", "P002": "Q002"},
    "openai-responses": {"P001": "Q003", "P002": "Q004"},
}
"""The OpenAI-shape rule for the same fault, when an OpenAI request logs Anthropic's pairing text."""


def logged_error(ctx: CheckContext) -> tuple[ApiError, ErrorClass] | None:
    """The exchange's logged error, parsed and classified (the raw body, not ``ctx.error``, so a
    logged string or ``{"raw": "..."}`` works too)."""
    ex = ctx.exchange
    if ex is None or ex.error is None:
        return None
    err = parse_error_body(ex.error, ex.status)
    if err is None:
        return None
    return err, classify(err.status, err.type, err.message, err.code)


def _label(err: ApiError) -> str:
    parts = [str(err.status)] if err.status is not None else []
    if err.type:
        parts.append(err.type)
    if err.code and err.code != err.type:
        parts.append(err.code)
    label = " ".join(parts) or "no status"
    if err.param:
        label += f", param {err.param}"
    if err.envelope in _RELAYS:
        label += f", via {_RELAYS[err.envelope]}"
    if err.request_id:
        label += f", request_id {err.request_id}"
    return label


def _header(ctx: CheckContext, name: str) -> str | None:
    headers = ctx.exchange.headers if ctx.exchange is not None else None
    if not isinstance(headers, dict):
        return None
    for k, v in headers.items():
        if isinstance(k, str) and k.lower() == name:
            return str(v).strip() if v is not None else None
    return None


def _reproduced(ctx: CheckContext, code: str) -> str | bool | None:
    """Whether this check finds the logged error on the logged request (None: cannot tell).

    True when the explaining rule fires; the code of another request rule whose API text maps to
    that rule (P003's misplaced results produce the P001 text, as the API does); False when none
    does.  None when the log kept no request body to look at.
    """
    if ctx.exchange is not None and ctx.exchange.request is None:
        return None
    r = get_rule(code)
    dialect = ctx.exchange.dialect if ctx.exchange is not None else "anthropic"
    if r is None or r.needs not in ("request", "any") or (r.model_dependent and ctx.caps is None) \
            or r.dialect not in ("any", dialect):
        return None
    for other in all_rules():
        if other.needs != "request" or other.family in ("E", "I") or (
                other.model_dependent and ctx.caps is None) or other.dialect not in ("any", dialect):
            continue
        try:
            for v in other.check(ctx):
                if other.code == code:
                    return True
                if v.api_error and explain_message(v.api_error, ctx.request)[1] == code:
                    return other.code
        except Exception:  # that rule's own failure is reported by the engine when it runs
            continue
    return False


def _again(reproduced: str | bool | None, *, quiet_if_false: bool = False) -> str:
    """What the message adds about the check finding the same problem on the logged request."""
    if reproduced is True:
        return "; this check reports it too"
    if isinstance(reproduced, str):
        return f"; this check reports it as {reproduced}"
    if reproduced is False and not quiet_if_false:
        return ("; but this check does not reproduce it on the logged request (was the request changed "
                "after it was logged, or by a proxy?)")
    return ""


@rule("E001", "logged-structural-error", Severity.ERROR, references=(), needs="error", dialect="any")
def logged_structural_error(ctx: CheckContext) -> Iterator[Violation]:
    """The logged request was rejected because the payload is wrong; sending it again fails again.

    ## What it does
    Reads the logged error in any envelope (Anthropic, Cloudflare 413, Vertex, OpenRouter,
    Bedrock, a batch result, an `API Error: 400 {…}` line), classifies it as structural (400
    `invalid_request_error`, 404 `not_found_error`, 413, 422), maps the text to the rule that
    reports the same problem (e.g. ``messages.33: `tool_use` ids were found without …`` →
    P001) and to the JSON path it names (discriminator tags such as `tool_use` stripped), and
    says whether that rule reproduces it on the logged request.  OpenAI's envelope
    (`{"error": {"message", "type", "param", "code"}}`) is read too: classified by its type and
    code, located through `param` (`messages[1].content[0].type` → `messages.1.content.0.type`)
    and mapped to the Q rule of its text.  Some texts get a note the rule would not give: a
    document `file` source or a container object refused for a missing beta header, a server
    tool call without its result, and a 404 model id: A007 only for a known, retired id; an id
    the model table does not know is an "unknown model id", with the closest known id.

    ## Why is this bad?
    A structural error is deterministic: the API rejects the same bytes the
    same way every time, so a retry loop only burns time and money.  The API reports one
    violation per response; the checker's other findings show the rest.  When the explaining
    rule does not fire on the logged request, the request that was sent differs from the one
    that was logged (a proxy, a later edit) or the rule has a gap.

    ## Example
    A request logged with HTTP 400 and the error
    ``{"type":"error","error":{"type":"invalid_request_error","message":"messages.1: `tool_use`
    ids were found without `tool_result` blocks immediately after: toolu_01…"}}``.

    ## Fix
    None here: the finding of the explaining rule (named in the message, at the related path)
    carries the repair.  Apply it, then replay.
    """
    got = logged_error(ctx)
    if got is None or got[1] is not ErrorClass.STRUCTURAL:
        return
    err, _ = got
    why = explain(err.message, ctx.request, err.param)
    path, code = why.path, why.code
    dialect = ctx.exchange.dialect if ctx.exchange is not None else "anthropic"
    if code in _GATEWAY_TWINS.get(dialect, {}):
        # Anthropic's text on an OpenAI-shaped request: a gateway converted it before sending.  The
        # text's indexes count the converted messages, so only the rule carries over, not the path.
        code, path = _GATEWAY_TWINS[dialect][code], None
    related: tuple[Path, ...] = (path,) if path else ()
    where = f" at {to_dotted(path)}" if path else ""
    if code is not None and why.note:
        r = get_rule(code)
        explained = f"rule {code}" + (f" ({r.name})" if r else "") + f" explains it{where}: {why.note}"
        explained += _again(_reproduced(ctx, code), quiet_if_false=True)
    elif why.note:
        explained = why.note + where
    elif code is not None:
        r = get_rule(code)
        explained = f"rule {code}" + (f" ({r.name})" if r else "") + f" explains it{where}"
        explained += _again(_reproduced(ctx, code))
        if ctx.exchange is not None and ctx.exchange.request is None:
            explained += "; the log kept no whole request body, so this check cannot look for it"
    elif path:
        explained = f"no rule matches this text; it points{where}"
    elif not err.message.strip() or (ctx.exchange is not None and ctx.exchange.extra.get("error_body_not_logged")):
        explained = "the log kept only the status, not the error text; see the other findings"
    else:
        explained = "no rule matches this text; compare it with the request by hand"
    yield Violation(
        (),
        f"the API rejected this payload ({_label(err)}): {explained}. Re-sending it unchanged "
        f"will fail again; repair it first",
        api_error=redact_text(err.message) or None,
        related=related,
        scope="error",
    )


@rule("E002", "logged-transient-error", Severity.WARNING, references=(), needs="error", dialect="any")
def logged_transient_error(ctx: CheckContext) -> Iterator[Violation]:
    """The logged request failed for a transient reason; the payload itself is fine.

    ## What it does
    Reports a logged 429 `rate_limit_error`, 529 `overloaded_error`, 500 `api_error`,
    502/503/504, 408, 409 or `timeout_error` (also an SSE `error` event after a 200), and
    repeats the `retry-after` / `retry-after-ms` / `x-should-retry` headers when the log kept
    them.

    ## Why is this bad?
    It is not the payload's fault: these are transient errors.  The right
    reaction is a retry with exponential backoff and jitter, honouring `retry-after`, with a cap
    on attempts and total time (the SDK retries 408, 409, 429 and every 5xx twice by default).
    Repairing the payload will not help.

    ## Example
    `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011…"}`
    with HTTP 529.

    ## Fix
    None: nothing in the payload is wrong.  Replay it (with backoff) as it is.
    """
    got = logged_error(ctx)
    if got is None or got[1] is not ErrorClass.TRANSIENT:
        return
    err, cls = got
    hints: list[str] = []
    retry_ms = _header(ctx, "retry-after-ms")
    retry_after = _header(ctx, "retry-after")
    if retry_ms:
        hints.append(f"the response asked to wait retry-after-ms: {retry_ms}")
    elif retry_after:
        hints.append(f"the response asked to wait retry-after: {retry_after}"
                     + (" s" if retry_after.replace(".", "", 1).isdigit() else ""))
    if (_header(ctx, "x-should-retry") or "").lower() == "false":
        hints.append("but it also sent x-should-retry: false, so the SDK would not retry it")
    yield Violation(
        (),
        f"the API returned a transient error ({_label(err)}). {advice(cls, err)}"
        + (f" ({'; '.join(hints)})" if hints else ""),
        api_error=redact_text(err.message) or None,
        scope="error",
    )


@rule("E003", "logged-client-error", Severity.WARNING, references=(), needs="error", dialect="any")
def logged_client_error(ctx: CheckContext) -> Iterator[Violation]:
    """The logged request was refused because of the API key, its permissions or the account's credit.

    ## What it does
    Reports a logged 401 `authentication_error`, 403 `permission_error`, 402 `billing_error`, or
    the 400 `Your credit balance is too low to access the Anthropic API. Please go to Plans &
    Billing to upgrade or purchase credits.` (a billing problem sent as an
    `invalid_request_error`).  Any key-like string in the logged text is masked.

    ## Why is this bad?
    The payload was never judged: these are client errors, which
    neither a repair nor a retry fixes.  Retrying only repeats the refusal.

    ## Example
    `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`
    with HTTP 401.

    ## Fix
    None: the payload is not at fault.  Check the key (set, valid, for this workspace and
    endpoint), its permissions, and the account's credit, then replay.
    """
    got = logged_error(ctx)
    if got is None or got[1] is not ErrorClass.CLIENT:
        return
    err, cls = got
    yield Violation(
        (),
        f"the API refused the caller, not the payload ({_label(err)}). {advice(cls, err)}",
        api_error=redact_text(err.message) or None,
        scope="error",
    )
