"""The hostile corpus opened in the app (pilot): it shows the message, keeps the good records, and
never crashes or hangs.  The big files run in-process here (the app reads JSONL through the
byte-offset index: bounded reads, nothing held whole)."""

from __future__ import annotations

import json

import pytest

from tests.app.conftest import open_app, rendered
from tests.hardening.conftest import MODEL, request
from tests.hardening.corpus import CASES
from tests.hardening.test_big_inputs import GOOD, PREFIX, TWO_GB, sparse


def told(app) -> str:
    notes = "\n".join(str(n.message) for n in app._notifications)
    return "\n".join([rendered(app), str(app.query_one("#status").render()), notes])


@pytest.mark.deadline(60)
@pytest.mark.parametrize("name", list(CASES))
async def test_the_app_shows_what_is_wrong_and_keeps_the_good_records(tmp_path, name):
    case = CASES[name]
    path = case.make(tmp_path)
    async with open_app(path, wait_loaded=False) as (app, pilot):
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        text = told(app)
        for word in case.says:
            assert word in text, f"{word!r} not shown: {text[-1500:]}"
        if case.readable:
            assert app.session is not None and len(app.session) == case.readable
            assert app.session.issues
            await pilot.press("n", "F", "d", "escape")  # the good records are usable
        else:
            assert app.session is None or len(app.session) == 0
        await pilot.press("x", "escape", "c", "question_mark", "escape")  # keys on a failed load do not crash
    assert app.return_code in (None, 0)


@pytest.mark.deadline(60)
async def test_the_app_opens_duplicate_keys_and_wrong_types(tmp_path):
    from tests.hardening.test_wrong_types import MUTATIONS

    dup = tmp_path / "dup.json"
    dup.write_text(f'{{"model": "{MODEL}", "max_tokens": "x", "max_tokens": 64, '
                   '"messages": [{"role": "user", "content": "hi"}]}')
    async with open_app(dup) as (app, pilot):
        assert "F004" in rendered(app)
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text("".join(json.dumps(b) + "\n" for _, b in MUTATIONS[::29]))
    async with open_app(wrong) as (app, pilot):
        await pilot.pause(0.5)
        n = len(app.session)
        assert n >= len(MUTATIONS[::29]) - 1
        for i in range(0, n, max(1, n // 4)):  # show, fix, diff and undo a sample of them
            app.select(i)
            await pilot.pause()
            await pilot.press("F")
            await pilot.pause()
            if app.screen is not app.screen_stack[0]:
                await pilot.press("escape")
            await pilot.press("d", "escape", "u")
    assert app.return_code in (None, 0)


@pytest.mark.deadline(90)
async def test_the_app_on_2_gb_files(tmp_path):
    doc = sparse(tmp_path / "one-line.json", PREFIX, TWO_GB, b'"}]}\n')
    async with open_app(doc, wait_loaded=False) as (app, pilot):
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert "2,048 MB" in told(app) and "not read whole" in told(app)
    mid = sparse(tmp_path / "log.jsonl", GOOD + b"\n" + PREFIX, TWO_GB, b'"}]}\n' + GOOD + b"\n")
    async with open_app(mid, wait_loaded=False) as (app, pilot):
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert app.session is not None and len(app.session) == 2
        assert "log.jsonl:2" in told(app) and "512 MB" in told(app)


@pytest.mark.deadline(60)
async def test_the_app_on_a_50_mb_string(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(request("y" * (50 << 20))))
    async with open_app(path) as (app, pilot):
        assert "S001" in rendered(app)
        app.query_one("ConversationTree").reveal(("request", "messages", 0, "content"))
        await pilot.pause()
        assert "52,428,800 chars; z shows all" in rendered(app)  # elided, not drawn whole
    assert app.return_code in (None, 0)


@pytest.mark.deadline(60)
async def test_z_on_a_1_mb_string_does_not_freeze_the_app(tmp_path):
    import time

    path = tmp_path / "mb.json"
    path.write_text(json.dumps(request("y" * (1 << 20))))
    async with open_app(path) as (app, pilot):
        app.query_one("ConversationTree").reveal(("request", "messages", 0, "content"))
        await pilot.pause()
        t0 = time.monotonic()
        await pilot.press("z")
        await pilot.pause()
        assert time.monotonic() - t0 < 10.0  # a hang guard (it took minutes), not a benchmark
