"""Today's date, in one place, so every time-dependent rule agrees and tests can pin it.

Retirement dates, API-version cut-overs and capability changes are judged against a date: the
logged time of the request when the log has one, otherwise today.  ``PAYLOAD_DOCTOR_TODAY``
(ISO date) pins "today" for tests and for reproducible CI reports.
"""

from __future__ import annotations

import datetime
import os
import re

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def today() -> datetime.date:
    """Today's date (UTC), or the date pinned by ``PAYLOAD_DOCTOR_TODAY``."""
    pinned = os.environ.get("PAYLOAD_DOCTOR_TODAY", "").strip()
    if pinned:
        try:
            return datetime.date.fromisoformat(pinned)
        except ValueError:
            pass
    return datetime.datetime.now(datetime.timezone.utc).date()


def parse_date(value: object) -> datetime.date | None:
    """The calendar date at the start of an ISO-8601 timestamp (``2025-01-14T09:30:00Z``), an
    HTTP ``Date`` header (``Tue, 14 Jan 2025 09:30:00 GMT``) or an epoch number; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds
        try:
            return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    m = _ISO_DATE.match(value.strip())
    if m:
        try:
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


def parse_iso(value: object) -> datetime.date | None:
    """A plain ``YYYY-MM-DD`` (as in the data tables), or None."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None
