"""An OpenAI exchange in the app is never replayed as an Anthropic call with an OpenAI body: r
offers the conversion first (an edit u undoes), and x exports the OpenAI body as JSON or says
that the curl / Python exports need the conversion."""

from __future__ import annotations

from tests.app.conftest import SAMPLES, open_app, rendered
from tui.app.screens.confirm import ConfirmScreen
from tui.app.screens.export import ExportScreen
from tui.app.screens.replay import ReplayScreen

CHAT = SAMPLES / "formats" / "openai-chat-log.jsonl"


async def test_r_on_an_openai_request_offers_the_conversion_and_u_undoes_it(monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    async with open_app(CHAT) as (app, pilot):
        original = app.current.request
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmScreen)
        assert "OpenAI Chat Completions request" in rendered(app) and "Convert it" in rendered(app)
        await pilot.press("n")
        assert not isinstance(app.screen, ReplayScreen) and app.current.request == original
        await pilot.press("r", "y")
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen)
        body = app.current.request
        assert app.current.history.dialect == "anthropic" and "max_completion_tokens" not in body
        assert all(m["role"] in ("user", "assistant") for m in body["messages"])
        await pilot.press("escape", "u")
        assert app.current.request == original and app.current.history.dialect == "openai-chat"


async def test_x_on_an_openai_request_exports_json_and_refuses_curl():
    async with open_app(CHAT) as (app, pilot):
        await pilot.press("x")
        assert isinstance(app.screen, ExportScreen)
        screen = app.screen
        screen.fmt = "curl"
        await pilot.click("#copy")
        await pilot.pause()
        assert "convert it first" in rendered(app) and isinstance(app.screen, ExportScreen)
