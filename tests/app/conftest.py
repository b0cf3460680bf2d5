"""Helpers for pilot tests: open the app on a file, wait for loading, read what is on screen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tui.app.app import PayloadDoctorApp

SAMPLES = Path(__file__).resolve().parents[2] / "sample_payloads"
SIZE = (160, 48)


@asynccontextmanager
async def open_app(path: Path | str, *, record: int | None = None, wait_loaded: bool = True,
                   size: tuple[int, int] = SIZE) -> AsyncIterator[tuple[PayloadDoctorApp, Any]]:
    app = PayloadDoctorApp(str(path), record=record)
    async with app.run_test(size=size) as pilot:
        if wait_loaded:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.session is not None, "the file did not load"
        yield app, pilot


def rendered(app: PayloadDoctorApp) -> str:
    """The text of the current screen, line by line, as a user sees it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def status(app: PayloadDoctorApp) -> str:
    return str(app.query_one("#status").render())


def exchange_errors(app: PayloadDoctorApp) -> int:
    """The error count of the current exchange, read from the status line as the user reads it
    (``exchange 3 of 9: 2 errors, … · file: …`` or, for a one-exchange file, ``2 errors, …``)."""
    import re

    here = status(app).split("  ·  ")[0]
    m = re.search(r"(\d[\d,]*) errors?\b", here)
    assert m is not None, f"no error count in the status line: {status(app)!r}"
    return int(m.group(1).replace(",", ""))
