"""Replay tests: a clean SDK environment with a planted key, and a sleep that records waits."""

from __future__ import annotations

import pytest

KEY = "sk-ant-api03-PLANTEDtestKEY0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH-QQQQ"


@pytest.fixture(autouse=True)
def sdk_env(monkeypatch, tmp_path):
    for var in ("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_LOG", "ANTHROPIC_PROFILE",
                "ANTHROPIC_CUSTOM_HEADERS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(tmp_path / "no-anthropic-config"))
    monkeypatch.setenv("HOME", str(tmp_path))


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()
