"""The app never shows Textual's traceback screen: its locals print the loaded request unmasked.

An unexpected exception ends the app with one masked line and exit code 1, and the traceback
(masked, without locals) goes to ``crash.log`` in the state directory.  A record the app cannot
show becomes a "Record skipped" issue and the other records still load.
"""

from __future__ import annotations

import json

import pytest

from tests.app.conftest import SAMPLES, open_app
from tui.app import app as app_module
from tui.app.app import PayloadDoctorApp

KEY = "sk-ant-api03-CRASHLEAK" + "q" * 80


async def test_an_unexpected_exception_ends_with_one_masked_line_and_a_masked_crash_log(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    app = PayloadDoctorApp(str(SAMPLES / "incident.jsonl"))

    def boom() -> None:
        request = {"headers": {"x-api-key": KEY}}  # a local holding a secret, as a loaded request would
        raise RuntimeError(f"cannot render {request}")

    with pytest.raises(RuntimeError):
        async with app.run_test() as pilot:
            await app.workers.wait_for_complete()
            app.call_later(boom)
            await pilot.pause()
            await pilot.pause()
    assert app.return_code == 1
    got = capfd.readouterr()
    shown = "".join((got.out + got.err).split())  # what the terminal shows once the app has closed, unwrapped
    assert "payload-doctor:internalerror:RuntimeError" in shown and "crash.log" in shown
    assert KEY not in shown and "Traceback" not in shown
    log = (tmp_path / "payload-doctor" / "crash.log").read_text()
    assert "Traceback" in log and "RuntimeError: cannot render" in log and KEY not in log


async def test_a_record_the_app_cannot_show_is_skipped_and_the_others_load(tmp_path, monkeypatch):
    monkeypatch.delenv("PAYLOAD_DOCTOR_STRICT", raising=False)
    body = {"model": "claude-haiku-4-5", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}
    src = tmp_path / "log.jsonl"
    src.write_text("".join(json.dumps({**body, "metadata": {"user_id": f"u{i}"}}) + "\n" for i in range(3)))
    real = app_module.summarize_state

    def flaky(st):
        if st.exchange.source.record == 1:
            raise TypeError(f"odd value near {KEY}")
        return real(st)

    monkeypatch.setattr(app_module, "summarize_state", flaky)
    async with open_app(src) as (app, pilot):
        assert len(app.session) == 2
        [issue] = app.session.issues
        assert "could not be shown (TypeError: odd value near" in str(issue) and KEY not in str(issue)


async def test_wrong_typed_role_and_block_type_open_as_findings_with_the_good_records(tmp_path):
    body = {"model": "claude-haiku-4-5", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}
    bad_role = {**body, "messages": [{"role": [], "content": "hi"}]}
    bad_type = {**body, "messages": [{"role": "user", "content": [{"type": {}, "text": "x"}]}]}
    src = tmp_path / "mixed.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in (body, bad_role, bad_type, body)))
    async with open_app(src) as (app, pilot):
        assert len(app.session) == 4 and app.session.issues == []
        assert [x.errors for x in app.session.summaries] == [0, 1, 1, 0]
