"""A: sampling and top-level parameters (API_RULES.md §7, PARAM-01 … PARAM-07).

Values of the wrong JSON type (``"temperature": "0.7"``) are the body-shape family's (B); the
rules here check the values of well-typed parameters.  Model-dependent rules (A001, A003, A004,
A007) read the capability table and never name a model themselves.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import re
from collections.abc import Iterator
from typing import Any

from tui.core.findings import Applicability, Severity, Violation
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


def _today() -> datetime.date:
    """Today's date; a function so tests can pin it."""
    return datetime.date.today()


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
    Checks the ranges of the sampling parameters.

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
    takes only one (Opus 4.1 and later, Sonnet 4.5 and later, Haiku 4.5).

    ## Why is this bad?
    Frameworks that always send both (LangChain and many UIs) fail on newer models:
    ``` `temperature` and `top_p` cannot both be specified for this model. Please use only
    one. ```

    ## Example
    `{"model": "claude-sonnet-4-5", "temperature": 0.7, "top_p": 0.9}`

    ## Fix
    *Unsafe*: drop `top_p` and keep `temperature` (the nucleus cut-off is given up).
    """
    if ctx.caps is None or ctx.caps.sampling != "exclusive":
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
    deprecated (Opus 4.7 and 4.8).  `temperature: 1`, the default, is a warning: one report
    says only non-default values fail (unverified).

    ## Why is this bad?
    ``temperature is deprecated for this model.`` (likewise `top_p`, `top_k`).  Clients that
    always send a temperature break when the model is upgraded.

    ## Example
    `{"model": "claude-opus-4-7", "temperature": 0.3}`

    ## Fix
    *Safe*: remove the parameter.  The model cannot honour custom sampling, so the request
    never had a working behaviour to lose; the content is untouched.
    """
    if ctx.caps is None or ctx.caps.sampling != "deprecated":
        return
    for key in SAMPLING_PARAMS:
        if not _set(ctx, key):
            continue
        default = key == "temperature" and ctx.request[key] == 1
        yield Violation(
            (key,),
            f"{ctx.model} no longer accepts {key}"
            + (" (1 is the default; one report says defaults pass)" if default else ""),
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


@rule("A007", "retired-model", Severity.ERROR, references=("PARAM-07",),
      model_dependent=True)
def retired_model(ctx: CheckContext) -> Iterator[Violation]:
    """The model id has been retired.

    ## What it does
    Compares the model's retirement date in the capability table with today's date.

    ## Why is this bad?
    A retired id is answered with HTTP 404 `not_found_error` whose message is just the id,
    e.g. ``model: claude-sonnet-4-20250514``.  Old configs and pinned snapshots keep sending it
    long after the deprecation notice.

    ## Example
    `{"model": "claude-3-5-sonnet-20241022", …}`

    ## Fix
    None automatic: choosing a successor changes capabilities, limits and prices (and other
    rules' results), so it is the user's decision.  Pick a current model and re-check.
    """
    caps, model = ctx.caps, ctx.model
    if caps is None or model is None or not isinstance(caps.retired, str):
        return
    try:
        retired = datetime.date.fromisoformat(caps.retired)
    except ValueError:
        return
    if retired > _today():
        return
    yield Violation(
        ("model",),
        f"{model} was retired on {caps.retired} (404 not_found_error)",
        api_error=f"model: {model}",
    )
