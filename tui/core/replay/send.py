"""Sending a logged exchange again, as both front ends do it: the pre-send decision, the
replay itself, the append to the replay log, and the fix to offer when the API said no.

``payload-doctor replay`` and the app's replay dialog call these, so a request the CLI refuses
to send the app refuses too, with the same reasons, and both leave the same replay log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.findings import Finding, Severity
from tui.core.model import Exchange
from tui.core.outgoing import check_outgoing
from tui.core.replay.engine import Attempt, ReplayOptions, ReplayResult

@dataclass(frozen=True, slots=True)
class Preflight:
    """The local check of a body about to be sent: the errors the API would reject it for."""

    errors: list[Finding]

    @classmethod
    def of(cls, ex: Exchange | None, body: Any) -> Preflight:
        return cls([f for f in check_outgoing(ex, body) if f.severity is Severity.ERROR])

    def blocks(self, *, force: bool, dry_run: bool) -> bool:
        """Local errors block sending, unless the user forces it; a dry run (count_tokens)
        is always allowed: it is how a user asks the API's own opinion without generating."""
        return bool(self.errors) and not force and not dry_run

    def lines(self, fix_hint: Callable[[Finding], str]) -> list[str]:
        """One line per local error, ``local check: P001 messages.3.content.2: … — <hint>``."""
        return [f"local check: {f.code} {f.dotted}: {f.message} — {fix_hint(f)}" for f in self.errors]

    @property
    def codes(self) -> str:
        return ", ".join(sorted({f.code for f in self.errors}))

    def dry_run_summary(self, tokens: int | None) -> str:
        """What a dry run found: the local errors and count_tokens' verdict."""
        n = len(self.errors)
        local = f"{n} local error{'s' * (n != 1)}" + (f" ({self.codes})" if n else "")
        if tokens is None:
            return f"dry run: {local}; count_tokens did not accept the payload (see the attempt)"
        return f"dry run: {local}; count_tokens accepted the payload: {tokens} input tokens"


def default_log(source: str | Path) -> Path:
    """``run.jsonl`` → ``run.replays.jsonl`` beside the input."""
    from tui.core.replay.log import default_log_path

    return default_log_path(Path(source))


def save(log: Path, result: ReplayResult, ex: Exchange) -> str:
    """Append the attempts to ``log`` and say so: ``appended 2 attempts to run.replays.jsonl``.

    Every attempt sent may have been billed, so the record is kept even for a cancelled replay.
    An unwritable log is one sentence, never an exception: the response is still shown.
    """
    from tui.core.replay.log import append_replay

    try:
        n = append_replay(log, result, ex.source)
    except OSError as exc:
        return f"could not append to {log}: {exc.strerror or exc}"
    return f"appended {n} attempt{'s' * (n != 1)} to {log}"


async def send(body: dict[str, Any], opts: ReplayOptions, *,
               on_attempt: Callable[[Attempt], None] | None = None,
               on_progress: Callable[[str], None] | None = None,
               result: ReplayResult | None = None) -> ReplayResult:
    """Replay ``body`` with the retry policy of ``opts``; ``result`` is filled as attempts end
    (so an interrupted caller still has them to :func:`save`)."""
    from tui.core.replay.engine import replay

    return await replay(body, opts, on_attempt=on_attempt, on_progress=on_progress, result=result)


def offered_fix(ex: Exchange, body: dict[str, Any], result: ReplayResult) -> Finding | None:
    """After a structural 400: the local finding that explains it and has a fix, if any."""
    if result.outcome != "structural" or not result.rule:
        return None
    from tui.core.errors import explain_message

    for f in check_outgoing(ex, body):
        same = f.code == result.rule or (
            f.api_error is not None and explain_message(f.api_error, body)[1] == result.rule)
        if same and f.fix is not None:
            return f
    return None
