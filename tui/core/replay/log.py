"""The replay log: every replay is appended as a native Exchange, so the tool can open it,
diff it against the logged response, and replay it again."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tui.core.model import Exchange, Source
from tui.core.redact import redact_headers, redact_value
from tui.core.replay.engine import Attempt, ReplayResult


def default_log_path(source: Path) -> Path:
    """``run.jsonl`` → ``run.replays.jsonl`` beside the input."""
    name = source.name.removesuffix(".gz")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return source.with_name(f"{stem}.replays.jsonl")


def to_exchange(result: ReplayResult, attempt: Attempt, *, origin: Source | None, index: int) -> Exchange:
    """One attempt as an Exchange (redacted): the request sent, what came back, and timing."""
    error: dict[str, Any] | None = None
    if attempt.outcome != "success":
        raw = attempt.error.raw if attempt.error is not None else None
        error = raw if isinstance(raw, dict) else {"type": "error", "error": {
            "type": attempt.error.type if attempt.error else attempt.outcome,
            "message": attempt.message}}
    extra: dict[str, Any] = {"replay": {
        "attempt": attempt.number, "outcome": attempt.outcome,
        "class": attempt.error_class.value if attempt.error_class else None,
        "wait_s": attempt.wait, "wait_reason": attempt.wait_reason or None,
        "result": result.outcome}}
    if origin is not None:
        extra["replay"]["of"] = {"file": origin.file, "record": origin.record, "line": origin.line}
    return Exchange(
        source=Source(str(origin.file) if origin else "<replay>", index),
        format="native",
        request=redact_value(result.body),
        response=redact_value(attempt.response) if attempt.response is not None else None,
        error=redact_value(error) if error is not None else None,
        status=attempt.status,
        started_at=attempt.started_at,
        duration_ms=attempt.latency_ms,
        headers=redact_headers(attempt.headers),
        request_id=attempt.request_id,
        extra=extra,
    )


def append_replay(path: Path, result: ReplayResult, origin: Source | None = None) -> int:
    """Append every attempt of ``result`` to ``path`` (JSONL); return how many lines were added.

    Appending is line-atomic enough for a log: each record is written with one ``write`` call of a
    complete line and flushed to disk.
    """
    lines = [json.dumps(to_exchange(result, a, origin=origin, index=i).to_native(), ensure_ascii=False)
             for i, a in enumerate(result.attempts)]
    if not lines:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))
        f.flush()
        os.fsync(f.fileno())
    return len(lines)
