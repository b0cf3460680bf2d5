"""A: sampling and top-level parameters (API_RULES.md §7, PARAM-01 … PARAM-07; effort and the
2026-10-21 API version from shared/API_UPDATES.md).

Values of the wrong JSON type (``"temperature": "0.7"``) are the body-shape family's (B); the
rules here check the values of well-typed parameters.  Model-dependent rules (A001, A003, A004,
A007, A008, A010) read the capability table and never name a model themselves.

From ``anthropic-version: 2026-10-21`` on, no sampling parameter is accepted on any model (A011);
the per-model sampling rules (A002, A003, A004, and T006 in the thinking family) then stay quiet,
since removing the parameter is the one fix.  The version is the logged ``anthropic-version``,
else the one the pinned SDK sends (what a replay sends).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator
from typing import Any

from tui.core import apishapes, clock
from tui.core.capabilities import EFFORT_LEVELS, ModelCaps, successor_of
from tui.core.findings import Applicability, Fix, Severity, Violation
from tui.core.paths import Path
from tui.core.repair import ops
from tui.core.rules.context import CheckContext
from tui.core.rules.registry import rule

SAMPLING_PARAMS = ("temperature", "top_p", "top_k")
USER_ID_MAX = 256

# PARAM-06.  Email: the confirmed case.  Phone: only formatted numbers (a leading "+", or
# groups separated by spaces, dots or dashes), so numeric database ids and hex hashes pass.
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE_RE = re.compile(r"(?<![\w+])(?:\+\d[\d ().-]{8,18}\d|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4})(?!\w)")
EMAIL_TEXT = ("metadata.user_id: user_id appears to contain an email address. "
              "Please send a uuid or hash value in")
"""Known only up to here: the one public report (BerriAI/litellm#10106) truncates the text."""


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _set(ctx: CheckContext, key: str) -> bool:
    """The parameter is sent with a value (``null`` counts as not sent)."""
    return ctx.request.get(key) is not None


def sampling_removed(ctx: CheckContext) -> bool:
    """The request is judged by an API version that rejects every sampling parameter.

    The logged ``anthropic-version``, else the SDK's (a replay sends that one).  A version that is
    not a date is left to the API (the per-model rules apply)."""
    return ctx.version_verdict(apishapes.API_2026_10_21) is not None


# -- rules ---------------------------------------------------------------------------------

@rule("A001", "max-tokens-over-cap", Severity.ERROR, references=("PARAM-01",),
      fix=Applicability.UNSAFE, model_dependent=True)
def max_tokens_over_cap(ctx: CheckContext) -> Iterator[Violation]:
    """`max_tokens` is above the model's maximum output.

    ## What it does
    Compares `max_tokens` with the model's output cap from the capability table.
    `max_tokens: 0` is valid (a cache pre-warm, documented since 2026-04-29).

    ## Why is this bad?
    A client configured for one model and pointed at another, or a "max it out" setting:
    ``max_tokens: 128001 > 64000, which is the maximum allowed number of output tokens for
    claude-opus-4-5-20251101``.

    ## Example
    `{"model": "claude-sonnet-4-5", "max_tokens": 100000}`

    ## Fix
    *Unsafe*: lower `max_tokens` to the cap (a long answer may now stop early with
    `max_tokens`).  Beta headers that raise a model's cap are not taken into account.
    """
    caps, n = ctx.caps, ctx.request.get("max_tokens")
    if caps is None or not _is_int(n) or n <= caps.max_output:
        return
    model = ctx.model or "?"
    yield Violation(
        ("max_tokens",),
        f"max_tokens {n} is above {caps.max_output}, the output cap of {model}",
        api_error=f"max_tokens: {n} > {caps.max_output}, which is the maximum allowed number of "
                  f"output tokens for {model}",
        fix=ops.unsafe(f"lower max_tokens to {caps.max_output}", ops.replace(("max_tokens",), caps.max_output)),
    )


@rule("A002", "sampling-out-of-range", Severity.ERROR, references=("PARAM-02",),
      fix=Applicability.UNSAFE)
def sampling_out_of_range(ctx: CheckContext) -> Iterator[Violation]:
    """`temperature` or `top_p` is outside [0, 1], or `top_k` is negative.

    ## What it does
    Checks the ranges of the sampling parameters, for API versions before 2026-10-21 (from that
    version on A011 reports every sampling parameter, whatever its value).

    ## Why is this bad?
    OpenAI accepts `temperature` up to 2; the Messages API only to 1:
    ``temperature: Input should be less than or equal to 1``.  The same validator guards the
    other bounds; their exact texts are not in public reports, so those findings carry none.

    ## Example
    `{"temperature": 1.3}`

    ## Fix
    *Unsafe*: clamp `temperature`/`top_p` into [0, 1] (the requested randomness changes);
    drop a negative `top_k`.
    """
    if sampling_removed(ctx):
        return  # A011: the parameter itself is rejected
    for key in ("temperature", "top_p"):
        v = ctx.request.get(key)
        if not _is_number(v) or 0 <= v <= 1:
            continue
        bound = 1 if v > 1 else 0
        known = key == "temperature" and v > 1
        yield Violation(
            (key,),
            f"{key} {v} is outside [0, 1]",
            api_error="temperature: Input should be less than or equal to 1" if known else None,
            fix=ops.unsafe(f"clamp {key} to {bound}", ops.replace((key,), bound)),
        )
    k = ctx.request.get("top_k")
    if _is_int(k) and k < 0:
        yield Violation(("top_k",), f"top_k {k} is negative",
                        fix=ops.unsafe("drop top_k", ops.remove(("top_k",))))


@rule("A003", "temperature-and-top-p", Severity.ERROR, references=("PARAM-03",),
      fix=Applicability.UNSAFE, model_dependent=True)
def temperature_and_top_p(ctx: CheckContext) -> Iterator[Violation]:
    """Both `temperature` and `top_p` are set on a model that accepts only one of them.

    ## What it does
    Reports `top_p` when `temperature` is also set and the capability table says the model
    takes only one (Opus 4.1 and later, Sonnet 4.5 and later, Haiku 4.5).  Only for API versions
    before 2026-10-21: from that version on A011 reports both parameters.

    ## Why is this bad?
    Frameworks that always send both (LangChain and many UIs) fail on newer models:
    ``` `temperature` and `top_p` cannot both be specified for this model. Please use only
    one. ```

    ## Example
    `{"model": "claude-sonnet-4-5", "temperature": 0.7, "top_p": 0.9}`

    ## Fix
    *Unsafe*: drop `top_p` and keep `temperature` (the nucleus cut-off is given up).
    """
    if ctx.caps is None or ctx.caps.sampling != "exclusive" or sampling_removed(ctx):
        return
    if not (_set(ctx, "temperature") and _set(ctx, "top_p")):
        return
    yield Violation(
        ("top_p",),
        f"{ctx.model} takes temperature or top_p, not both",
        api_error="`temperature` and `top_p` cannot both be specified for this model. Please use only one.",
        related=(("temperature",),),
        fix=ops.unsafe("drop top_p (keep temperature)", ops.remove(("top_p",))),
    )


@rule("A004", "sampling-deprecated", Severity.ERROR, references=("PARAM-04",),
      fix=Applicability.SAFE, model_dependent=True)
def sampling_deprecated(ctx: CheckContext) -> Iterator[Violation]:
    """`temperature`, `top_p` or `top_k` is sent to a model that no longer accepts them.

    ## What it does
    Reports each sampling parameter when the capability table marks the model's sampling as
    deprecated (Opus 4.7 and later, the 5.x models).  `temperature: 1`, the default, is a
    warning: the docs say only non-default values fail.  Only for API versions before
    2026-10-21: from that version on A011 reports every sampling parameter on every model.

    ## Why is this bad?
    ``temperature is deprecated for this model.`` (likewise `top_p`, `top_k`).  Clients that
    always send a temperature break when the model is upgraded.

    ## Example
    `{"model": "claude-opus-4-7", "temperature": 0.3}`

    ## Fix
    *Safe*: remove the parameter.  The model cannot honour custom sampling, so the request
    never had a working behaviour to lose; the content is untouched.
    """
    if ctx.caps is None or ctx.caps.sampling != "deprecated" or sampling_removed(ctx):
        return
    for key in SAMPLING_PARAMS:
        if not _set(ctx, key):
            continue
        default = key == "temperature" and ctx.request[key] == 1
        yield Violation(
            (key,),
            f"{ctx.model} no longer accepts {key}"
            + (" (1 is the default, which the docs say passes before 2026-10-21)" if default else ""),
            api_error=f"{key} is deprecated for this model.",
            severity=Severity.WARNING if default else None,
            fix=ops.safe(f"remove {key}", ops.remove((key,))),
        )


@rule("A005", "empty-stop-sequence", Severity.ERROR, references=("PARAM-05",),
      fix=Applicability.UNSAFE)
def empty_stop_sequence(ctx: CheckContext) -> Iterator[Violation]:
    """A stop sequence is empty or whitespace only.

    ## What it does
    Checks every string in `stop_sequences`.

    ## Why is this bad?
    OpenAI's `stop: ["\\n"]` passed through a proxy:
    ``stop_sequences: each stop sequence must contain non-whitespace``.

    ## Example
    `{"stop_sequences": ["\\n", "END"]}`

    ## Fix
    Remove the entry.  *Safe* for an empty string (it never matched anything); *unsafe* for
    whitespace such as `"\\n"`, which the user meant to stop at.
    """
    seqs = ctx.request.get("stop_sequences")
    if not isinstance(seqs, list):
        return
    for i, s in enumerate(seqs):
        if not isinstance(s, str) or s.strip():
            continue
        build = ops.safe if s == "" else ops.unsafe
        yield Violation(
            ("stop_sequences", i),
            f"stop sequence {s!r} has no non-whitespace character",
            api_error="stop_sequences: each stop sequence must contain non-whitespace",
            fix=build(f"remove the stop sequence {s!r}", ops.remove(("stop_sequences", i))),
        )


def _hashed(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


@rule("A006", "user-id-pii", Severity.ERROR, references=("PARAM-06",),
      fix=Applicability.UNSAFE)
def user_id_pii(ctx: CheckContext) -> Iterator[Violation]:
    """`metadata.user_id` holds an email address or phone number, is too long, or `metadata` has other keys.

    ## What it does
    Checks `metadata`: only `user_id` is accepted; it must be at most 256 characters and must
    not contain an email address.  A formatted phone number (`+33 6 12 34 56 78`,
    `555-123-4567`) is a warning: the docs forbid PII, but only the email check is confirmed.

    ## Why is this bad?
    The API refuses identifying data:
    ``metadata.user_id: user_id appears to contain an email address. Please send a uuid or
    hash value in…`` (the only public report truncates the text there).  Other keys get the
    schema's ``metadata.<key>: Extra inputs are not permitted``.  No public text is known for
    the length limit (`maxLength 256` in the docs).

    ## Example
    `{"metadata": {"user_id": "jane.doe@example.com", "session": "abc"}}`

    ## Fix
    * An email, a phone number or an over-long id: *unsafe*, replace `user_id` with its
      SHA-256 hex digest (stable, so the same user keeps the same id, but the raw value is
      gone).
    * Another key in `metadata`: *safe*, remove it: the API never accepted it and the model
      never sees metadata.
    """
    meta = ctx.request.get("metadata")
    if not isinstance(meta, dict):
        return
    for key in meta:
        if key != "user_id":
            yield Violation(
                ("metadata", key),
                f"metadata accepts only user_id, not {key!r}",
                api_error=f"metadata.{key}: Extra inputs are not permitted",
                fix=ops.safe(f"remove metadata.{key}", ops.remove(("metadata", key))),
            )
    uid = meta.get("user_id")
    if not isinstance(uid, str):
        return
    path = ("metadata", "user_id")
    hash_fix = ops.unsafe("replace user_id with its SHA-256 hash", ops.replace(path, _hashed(uid)))
    if EMAIL_RE.search(uid):
        yield Violation(path, "user_id contains an email address; send a uuid or a hash",
                        api_error=EMAIL_TEXT, fix=hash_fix)
    elif PHONE_RE.search(uid):
        yield Violation(path, "user_id seems to contain a phone number; send a uuid or a hash",
                        severity=Severity.WARNING, fix=hash_fix)
    if len(uid) > USER_ID_MAX:
        yield Violation(path, f"user_id is {len(uid)} characters; at most {USER_ID_MAX} are accepted",
                        fix=hash_fix)



_BARE_ID = re.compile(r"^claude-[a-z0-9.-]+$")
"""A first-party Claude API id (no Bedrock / Vertex / gateway decoration), which the successor
id from the table can replace as it is."""


@rule("A007", "retired-model", Severity.ERROR, references=("PARAM-07",),
      fix=Applicability.UNSAFE, model_dependent=True, time_dependent=True)
def retired_model(ctx: CheckContext) -> Iterator[Violation]:
    """The model id has been retired.

    ## What it does
    Compares the model's retirement date in the capability table (from the SDK's
    `_data/deprecated_models.py` and the deprecations page) with today.  The log is evidence: a
    request the log shows *accepted* (HTTP 200) when it was logged before the retirement, or
    accepted with no logged time (the 200 itself dates it before the retirement), is a
    *warning*: it worked then, a replay now gets 404.  A logged 200 *after* the retirement date
    is a warning too (the dates are the Claude API's; Bedrock and Vertex keep their own).
    Every other request naming a retired id is an error, even one logged before the retirement
    that failed for another reason: what a user does next with a failed request is replay it,
    and the replay is judged as of today.  An id the table does not list but
    whose capabilities are borrowed from its family (I003) has no retirement date.

    ## Why is this bad?
    A retired id is answered with HTTP 404 `not_found_error` whose message is just the id,
    e.g. ``model: claude-sonnet-4-20250514``.  Old configs and pinned snapshots keep sending it
    long after the deprecation notice.

    ## Example
    `{"model": "claude-3-5-sonnet-20241022", …}`

    ## Fix
    *Unsafe*: replace the model with the table's successor (the recommended replacement,
    followed on while that one is retired too: `claude-3-5-sonnet` → `claude-sonnet-4-6`).  A
    new model brings other limits, capabilities and prices, so re-check the result (the fixed
    request may now break a rule the old model allowed, such as prefill).  No fix when the table
    names no successor, or when the id is a Bedrock, Vertex or gateway id: that platform's id for
    the successor is not in the table.
    """
    caps, model = ctx.caps, ctx.model
    if caps is None or model is None:
        return
    retired = clock.parse_iso(caps.retired)
    today = clock.today()
    if retired is None or retired > today:
        return
    successor = successor_of(caps.key, today)
    fix = None
    if successor is not None and _BARE_ID.match(model.strip()):
        fix = ops.unsafe(f"replace the model with {successor} (its successor; limits and prices change)",
                         ops.replace(("model",), successor))
    advice = f"; move to {successor}" if successor else ""
    if ctx.accepted:
        logged = ctx.logged_date
        if ctx.judged_on is None or logged is None:
            when = "accepted (the log shows a 200 but no time, so before the retirement)"
        elif logged < retired:
            when = f"accepted when logged on {logged.isoformat()}"
        else:
            when = (f"accepted when logged on {logged.isoformat()}, after the Claude API's retirement "
                    f"date (partner platforms keep their own)")
        yield Violation(
            ("model",),
            f"{when}; the model retired on {caps.retired}, a replay now gets 404{advice}",
            api_error=f"model: {model}",
            severity=Severity.WARNING,
            fix=fix,
        )
        return
    yield Violation(
        ("model",),
        f"{model} was retired on {caps.retired} (404 not_found_error){advice}",
        api_error=f"model: {model}",
        fix=fix,
    )


# -- effort (output_config.effort) -----------------------------------------------------------

EFFORT_ALIASES: dict[str, str | None] = {
    "minimal": "low", "none": "low", "lowest": "low", "min": "low",
    "normal": "medium", "med": "medium", "moderate": "medium",
    "extra_high": "xhigh", "extra-high": "xhigh", "x-high": "xhigh", "x_high": "xhigh",
    "very_high": "xhigh", "very-high": "xhigh", "higher": "xhigh",
    "maximum": "max", "highest": "max",
    "default": None, "auto": None,
}
"""What other clients call the levels (OpenAI's ``reasoning_effort: minimal``, UI labels);
None = "the model's default", i.e. no effort at all."""


def _efforts(ctx: CheckContext) -> Iterator[tuple[Path, str]]:
    """``(path, value)`` of every effort the request sets: the top-level ``output_config.effort``
    and the per-message one of system messages (beta)."""
    oc = ctx.request.get("output_config")
    if isinstance(oc, dict) and isinstance(oc.get("effort"), str):
        yield ("output_config", "effort"), oc["effort"]
    for i, msg in ctx.messages():
        moc = msg.get("output_config")
        if msg.get("role") == "system" and isinstance(moc, dict) and isinstance(moc.get("effort"), str):
            yield ("messages", i, "output_config", "effort"), moc["effort"]


def nearest_effort(level: str, supported: tuple[str, ...]) -> str | None:
    """The supported level closest to ``level`` in the low … max order; the lower one on a tie
    (xhigh on a model with high and max → high: cheaper, and what other SDKs fall back to)."""
    if level not in EFFORT_LEVELS:
        return None
    order = [x for x in EFFORT_LEVELS if x in supported]
    if not order:
        return None
    want = EFFORT_LEVELS.index(level)
    return min(order, key=lambda x: (abs(EFFORT_LEVELS.index(x) - want), EFFORT_LEVELS.index(x)))


def effective_effort(ctx: CheckContext) -> str | None:
    """The top-level effort the request runs at: the one it sends, else the model's default."""
    oc = ctx.request.get("output_config")
    sent = oc.get("effort") if isinstance(oc, dict) else None
    if isinstance(sent, str) and sent in EFFORT_LEVELS:
        return sent
    return ctx.caps.effort_default if ctx.caps is not None else None


def _drop_effort(ctx: CheckContext, path: Path) -> list[ops.Op]:
    """Remove an effort; remove its ``output_config`` too when nothing else is left in it."""
    parent = path[:-1]
    holder: Any = ctx.request
    for p in parent:
        holder = holder[p]
    if isinstance(holder, dict) and set(holder) == {"effort"}:
        return [ops.remove(parent)]
    return [ops.remove(path)]


def supported_levels_text(caps: ModelCaps) -> str:
    """The API lists the supported levels alphabetically: ``high, low, max, medium``."""
    return ", ".join(sorted(caps.effort))


@rule("A008", "effort-level-unsupported", Severity.ERROR, fix=Applicability.UNSAFE, model_dependent=True)
def effort_level_unsupported(ctx: CheckContext) -> Iterator[Violation]:
    """`output_config.effort` is a level this model does not support.

    ## What it does
    Compares each effort the request sets (top level, and per system message in the beta) with
    the levels the capability table lists for the model (from the effort docs): `xhigh` exists
    only on Opus 4.7 and later and the 5.x models, `max` on Opus 4.6 and later, Sonnet 4.6 and
    later and Mythos Preview; Opus 4.5 has `low` / `medium` / `high` only.  A model without any
    effort is A010's; an unknown level is A009's.

    ## Why is this bad?
    A shared config (`effort: "xhigh"` for the main agent) reaches a model that lacks the level:
    ``This model does not support effort level 'xhigh'. Supported levels: high, low, max,
    medium`` (the levels are listed alphabetically).

    ## Example
    `{"model": "claude-opus-4-6", "output_config": {"effort": "xhigh"}}`

    ## Fix
    *Unsafe*: use the nearest supported level (the lower one on a tie: `xhigh` → `high` on Opus
    4.6); the model spends a different amount of effort than asked.
    """
    caps = ctx.caps
    if caps is None or not caps.effort:
        return
    for path, level in _efforts(ctx):
        if level not in EFFORT_LEVELS or level in caps.effort:
            continue
        near = nearest_effort(level, caps.effort)
        fix = ops.unsafe(f"use effort {near!r} (the nearest level {ctx.model} supports)",
                         ops.replace(path, near)) if near else None
        yield Violation(
            path,
            f"{ctx.model} does not support effort {level!r}; it supports {', '.join(caps.effort)}",
            api_error=f"This model does not support effort level '{level}'. Supported levels: "
                      f"{supported_levels_text(caps)}",
            fix=fix,
        )


@rule("A009", "effort-level-unknown", Severity.ERROR, fix=Applicability.UNSAFE)
def effort_level_unknown(ctx: CheckContext) -> Iterator[Violation]:
    """`output_config.effort` is not one of `low`, `medium`, `high`, `xhigh`, `max`.

    ## What it does
    Checks the value of each effort the request sets (top level, and per system message in the
    beta) against the SDK's `OutputConfigParam.effort` literal.

    ## Why is this bad?
    Values from other APIs (OpenAI's `reasoning_effort: "minimal"`), UI labels (`"Extra
    High"`) or a different case (`"HIGH"`) are refused by the request schema.  The exact text is
    not in a public report (the schema's usual form is ``output_config.effort: Input should be
    'low', 'medium', 'high', 'xhigh' or 'max'``), so the finding carries none.

    ## Example
    `{"output_config": {"effort": "minimal"}}`

    ## Fix
    A different case or spacing of a real level (`"HIGH"`, `" high"`): *safe*, spell it as the
    API does.  A known synonym (`minimal` → `low`, `maximum` → `max`, `extra_high` → `xhigh`):
    *unsafe*, use that level (the nearest one the model supports when the table knows the
    model).  Anything else (`default`, `auto`, made-up values): *unsafe*, drop the effort so the
    model's default applies.
    """
    for path, level in _efforts(ctx):
        if level in EFFORT_LEVELS:
            continue
        key = level.strip().lower().replace(" ", "_")
        caps = ctx.caps
        if key in EFFORT_LEVELS:
            target: str | None = key
            if caps is not None and caps.effort and key not in caps.effort:
                target = nearest_effort(key, caps.effort)
            build = ops.safe if target == key else ops.unsafe
            fix: Fix = build(f"spell the effort {target!r}", ops.replace(path, target))
        elif EFFORT_ALIASES.get(key) is not None:
            target = EFFORT_ALIASES[key]
            assert target is not None
            if caps is not None and caps.effort and target not in caps.effort:
                target = nearest_effort(target, caps.effort) or target
            fix = ops.unsafe(f"use effort {target!r} for {level!r}", ops.replace(path, target))
        else:
            fix = ops.unsafe("drop the effort (the model's default applies)", *_drop_effort(ctx, path))
        yield Violation(
            path,
            f"effort {level!r} is not one of {', '.join(EFFORT_LEVELS)}",
            fix=fix,
        )


@rule("A010", "effort-not-supported", Severity.ERROR, fix=Applicability.SAFE, model_dependent=True)
def effort_not_supported(ctx: CheckContext) -> Iterator[Violation]:
    """`output_config.effort` is sent to a model that takes no effort setting.

    ## What it does
    Reports each effort the request sets when the capability table lists no effort levels for
    the model (Sonnet 4.5, Haiku 4.5, and every model before Opus 4.5: the effort docs' list
    of supported models).

    ## Why is this bad?
    A client that sets effort for every model fails on the ones without it (Sonnet 4.5 "rejects
    effort entirely").  The exact text is not in our sources, so the finding carries none.

    ## Example
    `{"model": "claude-haiku-4-5", "output_config": {"effort": "low"}}`

    ## Fix
    *Safe*: remove the effort (and `output_config` when nothing else is in it).  The model
    cannot honour it, so no working behaviour is lost.
    """
    caps = ctx.caps
    if caps is None or caps.effort:
        return
    for path, level in _efforts(ctx):
        yield Violation(
            path,
            f"{ctx.model} takes no effort setting (effort {level!r})",
            fix=ops.safe("remove the effort", *_drop_effort(ctx, path)),
        )


# -- the API version ---------------------------------------------------------------------------

@rule("A011", "sampling-rejected-by-api-version", Severity.ERROR, fix=Applicability.UNSAFE,
      time_dependent=True)
def sampling_rejected_by_api_version(ctx: CheckContext) -> Iterator[Violation]:
    """A sampling parameter is sent with `anthropic-version` 2026-10-21 or later.

    ## What it does
    Judges the request by the API version it is (or will be) sent with: the logged
    `anthropic-version` header, else the one the pinned SDK sends (`2026-10-21`), which is what
    a replay or an export sends.  From 2026-10-21 on, every `temperature`, `top_p` and `top_k`
    is reported, on every model, even at its default value.  Older logged versions keep the
    per-model rules (A002, A003, A004, T006), which stay quiet here.  The log is evidence: a
    request the log shows accepted with no version logged was sent with an earlier version, so
    it is a warning (a replay with the SDK's version is what fails).

    ## Why is this bad?
    The 2026-10-21 migration guide: any sampling parameter is rejected, even at its default.
    Public reports give the API's text as the schema's ``temperature: Extra inputs are not
    permitted`` (the `temperature` key is gone from the request type: the SDK's
    `MessageCreateParams` has no sampling parameter at all).  A routine SDK upgrade turns every
    request that still sets `temperature` into a 400.

    ## Example
    `{"model": "claude-sonnet-4-6", "temperature": 0.2, …}` sent by `anthropic` 2.x.

    ## Fix
    Remove the parameter: *safe* when the request would fail as sent (the API ignores no
    sampling at this version, so nothing that worked is lost); *unsafe* for a request the log
    shows accepted with an earlier version, whose sampling did take effect.  The other way out,
    sending `anthropic-version: 2023-06-01`, is a client setting, not part of the body.
    """
    verdict = ctx.version_verdict(apishapes.API_2026_10_21)
    if verdict is None:
        return
    version = ctx.api_version
    for key in SAMPLING_PARAMS:
        if not _set(ctx, key):
            continue
        if verdict == "accepted-unversioned":
            yield Violation(
                (key,),
                f"accepted when logged, so sent with an anthropic-version before 2026-10-21 (the log "
                f"has none); a replay with {version}, which the SDK sends, rejects {key}",
                api_error=f"{key}: Extra inputs are not permitted",
                severity=Severity.WARNING,
                fix=ops.unsafe(f"remove {key} (the logged request's sampling is given up)",
                               ops.remove((key,))),
            )
        else:
            source = "" if ctx.api_version_logged else " (the SDK's; the log has no anthropic-version)"
            yield Violation(
                (key,),
                f"anthropic-version {version}{source} rejects {key}, even at its default value",
                api_error=f"{key}: Extra inputs are not permitted",
                fix=ops.safe(f"remove {key}", ops.remove((key,))),
            )
