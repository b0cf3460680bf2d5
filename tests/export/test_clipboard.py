"""Clipboard: OSC 52 (with tmux/screen passthrough), verified pyperclip, file fallback."""

from __future__ import annotations

import io
import stat
from pathlib import Path
from typing import Any

import pyperclip
import pytest

from tui.core.export import clipboard
from tui.core.export.clipboard import CopyResult, copy_text, osc52, wrap_osc52

TEXT = "curl https://api.anthropic.com/v1/messages \\\n  --header \"x-api-key: $ANTHROPIC_API_KEY\" 🌧"
NO_DISPLAY: dict[str, str] = {"TERM": "xterm-256color"}
X11 = {"TERM": "xterm-256color", "DISPLAY": ":0"}


class FakeTTY(io.StringIO):
    def close(self) -> None:  # keep the value readable after the module closes it
        self.closed_by_module = True


@pytest.fixture()
def tty(monkeypatch: pytest.MonkeyPatch) -> FakeTTY:
    fake = FakeTTY()
    monkeypatch.setattr(clipboard, "_stdout_is_tty", lambda: True)
    monkeypatch.setattr(clipboard, "_open_tty", lambda: fake)
    return fake


@pytest.fixture(autouse=True)
def no_real_terminal_or_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never write to the real /dev/tty or the real system clipboard."""
    monkeypatch.setattr(clipboard, "_stdout_is_tty", lambda: False)
    monkeypatch.setattr(pyperclip, "is_available", lambda: False)


def fake_pyperclip(monkeypatch: pytest.MonkeyPatch, *, works: bool = True,
                   raises: bool = False) -> dict[str, Any]:
    store: dict[str, Any] = {"copied": None}

    def copy(text: str) -> None:
        if raises:
            raise pyperclip.PyperclipException("could not find a copy/paste mechanism")
        store["copied"] = text

    def paste() -> str:
        return store["copied"] if works and store["copied"] is not None else ""

    monkeypatch.setattr(pyperclip, "is_available", lambda: True)
    monkeypatch.setattr(pyperclip, "copy", copy)
    monkeypatch.setattr(pyperclip, "paste", paste)
    return store


def test_osc52_sequence_is_base64_of_utf8():
    assert osc52("hi") == "\x1b]52;c;aGk=\x07"
    assert osc52("é") == "\x1b]52;c;w6k=\x07"


def test_wrap_osc52_for_tmux_doubles_esc_inside_a_dcs_passthrough():
    wrapped = wrap_osc52(osc52("hi"), {"TMUX": "/tmp/tmux-1000/default,123,0", "TERM": "screen-256color"})
    assert wrapped == "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"


def test_wrap_osc52_for_screen_uses_short_dcs_chunks():
    seq = osc52("x" * 500)
    wrapped = wrap_osc52(seq, {"TERM": "screen.xterm-256color"})
    chunks = wrapped.split("\x1b\\")[:-1]
    assert all(c.startswith("\x1bP") and len(c) <= 2 + 76 for c in chunks)
    assert "".join(c[2:] for c in chunks) == seq
    assert wrap_osc52(seq, {"TERM": "xterm"}) == seq


def test_copy_text_uses_the_apps_writer_for_osc52(monkeypatch, tmp_path: Path):
    got: list[str] = []
    result = copy_text(TEXT, osc52_writer=got.append, env=NO_DISPLAY, fallback_dir=tmp_path)
    assert result == CopyResult("osc52", "copied via OSC 52")
    assert got == [TEXT]
    assert list(tmp_path.iterdir()) == []


def test_copy_text_from_the_cli_writes_a_tmux_wrapped_sequence_to_the_tty(tty: FakeTTY, tmp_path: Path):
    env = {"TMUX": "/tmp/tmux-1000/default,1,0", "TERM": "screen"}
    result = copy_text(TEXT, env=env, fallback_dir=tmp_path)
    assert result.method == "osc52"
    assert result.detail.startswith("copied via OSC 52 (tmux passthrough); inside tmux")
    assert "set -g set-clipboard on" in result.detail  # tmux drops OSC 52 without it: say how
    assert tty.getvalue() == wrap_osc52(osc52(TEXT), env)
    assert tty.getvalue().startswith("\x1bPtmux;\x1b\x1b]52;c;")


def test_copy_in_the_app_under_tmux_says_how_to_let_it_through(tmp_path: Path):
    env = {"TMUX": "/tmp/tmux-1000/default,1,0", "TERM": "screen"}
    result = copy_text(TEXT, osc52_writer=lambda _t: None, env=env, fallback_dir=tmp_path)
    assert result.detail.startswith("copied via OSC 52; inside tmux") and "set-clipboard on" in result.detail
    assert "tmux" not in copy_text(TEXT, osc52_writer=lambda _t: None, env=NO_DISPLAY,
                                   fallback_dir=tmp_path).detail


def test_copy_text_in_screen_says_so(tty: FakeTTY, tmp_path: Path):
    result = copy_text("abc", env={"TERM": "screen"}, fallback_dir=tmp_path)
    assert result.detail == "copied via OSC 52 (screen passthrough)"


def test_copy_text_never_writes_escape_codes_when_stdout_is_not_a_terminal(monkeypatch, tmp_path: Path):
    opened: list[bool] = []
    monkeypatch.setattr(clipboard, "_open_tty", lambda: opened.append(True))
    result = copy_text(TEXT, env=NO_DISPLAY, fallback_dir=tmp_path)
    assert opened == []
    assert result.method == "file"


def test_copy_text_falls_back_to_a_private_file_and_says_where(tmp_path: Path):
    result = copy_text(TEXT, env=NO_DISPLAY, fallback_dir=tmp_path / "clips")
    assert result.method == "file"
    [saved] = list((tmp_path / "clips").iterdir())
    assert saved.name.startswith("clipboard-") and saved.suffix == ".txt"
    assert saved.read_text("utf-8") == TEXT
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert result.detail == f"no clipboard available; saved to {saved}"
    again = copy_text("second", env=NO_DISPLAY, fallback_dir=tmp_path / "clips")
    assert again.method == "file" and len(list((tmp_path / "clips").iterdir())) == 2


def test_copy_text_default_fallback_dir_is_under_the_temp_dir(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(clipboard.tempfile, "gettempdir", lambda: str(tmp_path))
    result = copy_text("x", env=NO_DISPLAY)
    assert result.detail.startswith(f"no clipboard available; saved to {tmp_path / 'payload-doctor'}/")


def test_copy_text_uses_a_verified_system_clipboard(monkeypatch, tmp_path: Path):
    store = fake_pyperclip(monkeypatch)
    result = copy_text(TEXT, env=X11, fallback_dir=tmp_path)
    assert result == CopyResult("system", "copied to the system clipboard")
    assert store["copied"] == TEXT
    both = copy_text(TEXT, osc52_writer=lambda t: None, env=X11, fallback_dir=tmp_path)
    assert both == CopyResult("system", "copied to the system clipboard and via OSC 52")


def test_copy_text_detects_the_silent_failure_of_a_dead_display(monkeypatch, tmp_path: Path):
    fake_pyperclip(monkeypatch, works=False)  # copy() returns normally, paste() gives ''
    result = copy_text(TEXT, env={"DISPLAY": ":99"}, fallback_dir=tmp_path)
    assert result.method == "file"
    with_osc = copy_text(TEXT, osc52_writer=lambda t: None, env={"DISPLAY": ":99"}, fallback_dir=tmp_path)
    assert with_osc.method == "osc52"


def test_copy_text_survives_pyperclip_exceptions(monkeypatch, tmp_path: Path):
    fake_pyperclip(monkeypatch, raises=True)
    assert copy_text(TEXT, env=X11, fallback_dir=tmp_path).method == "file"


def test_copy_text_skips_pyperclip_on_linux_without_a_display(monkeypatch, tmp_path: Path):
    store = fake_pyperclip(monkeypatch)
    monkeypatch.setattr(clipboard.sys, "platform", "linux")
    assert copy_text(TEXT, env=NO_DISPLAY, fallback_dir=tmp_path).method == "file"
    assert store["copied"] is None


def test_copy_text_survives_a_broken_writer_and_an_unopenable_tty(monkeypatch, tmp_path: Path):
    def broken(text: str) -> None:
        raise RuntimeError("app is shutting down")

    assert copy_text(TEXT, osc52_writer=broken, env=NO_DISPLAY, fallback_dir=tmp_path).method == "file"

    def no_tty() -> Any:
        raise OSError(6, "No such device or address: '/dev/tty'")

    monkeypatch.setattr(clipboard, "_stdout_is_tty", lambda: True)
    monkeypatch.setattr(clipboard, "_open_tty", no_tty)
    assert copy_text(TEXT, env=NO_DISPLAY, fallback_dir=tmp_path).method == "file"
