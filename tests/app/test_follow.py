"""`payload-doctor FILE --follow` (issue 12 §2): exchanges appended to a JSONL log appear as they
are written, with their findings, without moving the user's selection."""

from __future__ import annotations

import json
from pathlib import Path

from tests.app.conftest import SAMPLES, open_app, rendered, status
from tui.app.app import PayloadDoctorApp
from tui.core.index import LogIndex


def _lines(n: int, start: int = 0) -> str:
    out = []
    for i in range(start, start + n):
        msgs = [{"role": "user", "content": f"question {i}"}]
        if i % 2:  # every other one is broken: an empty text block (C002) and an orphan result (P002)
            msgs.append({"role": "assistant", "content": [{"type": "text", "text": "ok"}]})
            msgs.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": f"toolu_{i:04d}",
                                                      "content": "x"}]})
        out.append(json.dumps({"request": {"model": "claude-haiku-4-5-20251001", "max_tokens": 64, "messages": msgs}}))
    return "\n".join(out) + "\n"


async def wait_until(pilot, done, tries: int = 300) -> None:  # type: ignore[no-untyped-def]
    """Pause until ``done()`` (the loader thread posts as it reads), at most ``tries`` x 20 ms."""
    for _ in range(tries):
        if done():
            return
        await pilot.pause(0.02)


def test_the_index_follows_appends_and_waits_for_a_line_being_written(tmp_path: Path):
    p = tmp_path / "calls.jsonl"
    p.write_text(_lines(2) + _lines(1, 2)[:30])  # the third line is still being written
    index = LogIndex.open(p)
    index.follow = True
    index.build()
    assert len(index) == 2
    assert not index.grow()
    with p.open("a") as f:
        f.write(_lines(1, 2)[30:] + _lines(2, 3))
    assert index.grow() and len(index) == 5
    assert index.record(2).request["messages"][0]["content"] == "question 2"
    p.write_text("")
    assert not index.grow() and "shrank" in (index.problem or "")


async def test_new_exchanges_appear_without_moving_the_selection(tmp_path: Path):
    p = tmp_path / "calls.jsonl"
    p.write_text(_lines(3))
    app = PayloadDoctorApp(str(p), follow=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: app.session is not None and len(app.session) == 3 and app.index is not None, 200)
        assert "following the file" in status(app)
        app.query_one("#exchanges").select_index(0)
        await pilot.pause()
        assert app.index == 0
        with p.open("a") as f:
            f.write(_lines(4, 3))
        await wait_until(pilot, lambda: len(app.session) == 7, 300)
        assert len(app.session) == 7 and app.index == 0  # the selection stayed
        assert "of 7" in status(app)
        assert sum(s.errors > 0 for s in app.session.summaries) == 3  # records 1, 3, 5 have errors
        for w in list(app.workers):
            w.cancel()


async def test_an_empty_followed_file_waits_instead_of_failing(tmp_path: Path):
    p = tmp_path / "calls.jsonl"
    p.write_text("")
    app = PayloadDoctorApp(str(p), follow=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: "following" in status(app), 100)
        assert "no exchange yet" in status(app)
        p.write_text(_lines(1))
        await wait_until(pilot, lambda: app.session is not None and len(app.session) == 1 and app.index is not None, 300)
        assert app.index == 0 and "question 0" in rendered(app)
        for w in list(app.workers):
            w.cancel()


async def test_follow_on_a_log_that_is_not_jsonl_says_it_is_read_once() -> None:
    async with open_app(SAMPLES / "clean_tool_conversation.json") as (app, pilot):
        assert not app.follow
    app = PayloadDoctorApp(str(SAMPLES / "clean_tool_conversation.json"), follow=True)
    said: list[str] = []
    app.notify = lambda message, **kw: said.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("read once, not followed" in m for m in said)
        assert app.current is not None  # and it is shown


async def test_follow_waits_for_a_file_not_created_yet(tmp_path: Path, capsys):
    from tui.cli.main import main

    p = tmp_path / "later.jsonl"
    assert main([str(tmp_path / "nowhere" / "x.jsonl"), "--follow"]) == 2  # no such folder: one line
    assert "no such file" in capsys.readouterr().err
    app = PayloadDoctorApp(str(p), follow=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: "no exchange yet" in status(app), 100)
        assert "no exchange yet" in status(app)
        p.write_text(_lines(2))
        await wait_until(pilot, lambda: app.session is not None and len(app.session) == 2, 300)
        assert len(app.session) == 2
        for w in list(app.workers):
            w.cancel()


async def test_a_followed_log_of_one_line_is_followed(tmp_path: Path):
    """The proxy's log after its first call: one JSON object line.  Unfollowed, such a file is one
    document; followed, it is the start of a JSONL log."""
    p = tmp_path / "calls.jsonl"
    p.write_text(_lines(1))
    app = PayloadDoctorApp(str(p), follow=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.session is not None and len(app.session) == 1 and app.index is not None, 200)
        with p.open("a") as f:
            f.write(_lines(1, 1))
        await wait_until(pilot, lambda: len(app.session) == 2, 300)
        assert len(app.session) == 2 and app.index == 0
        for w in list(app.workers):
            w.cancel()
