"""The log of calls the guard and the proxy write: one native JSONL exchange per call.

Both front ends see a call as it happens — the body about to be sent, the headers it goes with,
the answer — and write it the same way, so the file opens in ``payload-doctor`` and ``check``
like any native log, and the same secrets rules hold: bodies and headers are redacted here, on
write, whoever calls.  Each call is one complete line, appended under a lock, so the file can be
read (``--follow``) while it grows and concurrent calls never interleave.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tui.core.findings import Finding
from tui.core.formats.claude_trace import header_dict
from tui.core.formats.sse_text import apply_outcome
from tui.core.model import Exchange, Source
from tui.core.redact import redact_value

__all__ = ["CallLog", "finding_refs"]

JUDGED_REQUEST_HEADERS = ("anthropic-version", "anthropic-beta")
"""Request headers kept beside the response's: the rules judge a request by what it was sent with."""


def finding_refs(findings: list[Finding]) -> list[dict[str, str]]:
    """What a call log keeps of each finding found before sending (``check`` finds them again)."""
    return [{"code": f.code, "severity": f.severity.value, "path": f.dotted} for f in findings]


class CallLog:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, *, request: Any, request_headers: dict[str, Any], status: int | None = None,
               response_headers: dict[str, Any] | None = None, body: Any = None, duration_ms: float | None = None,
               request_id: str | None = None, extra: dict[str, Any] | None = None) -> None:
        """One call: ``body`` is the answer as received (a parsed value, or text: JSON, an SSE
        stream, which is reassembled, or an error page), None when there was none."""
        sent = header_dict({k: v for k, v in request_headers.items() if isinstance(v, str)})
        got = header_dict({k: v for k, v in (response_headers or {}).items() if isinstance(v, str)})
        ex = Exchange(source=Source(str(self.path), 0), format="anthropic-jsonl",
                      request=request if isinstance(request, dict) else None, status=status, duration_ms=duration_ms,
                      started_at=datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                      headers={**got, **{k: v for k, v in sent.items() if k.lower() in JUDGED_REQUEST_HEADERS}})
        ex.request_id = request_id or got.get("request-id")
        if body is not None:
            apply_outcome(ex, body)
        ex.request, ex.response, ex.error = redact_value(ex.request), redact_value(ex.response), redact_value(ex.error)
        ex.extra.update(extra or {})
        if sent:
            ex.extra["request_headers"] = sent
        record = ex.to_native()
        record.pop("source", None)
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as f:
            f.write(line)
