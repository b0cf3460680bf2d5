"""Copy text to a clipboard, whatever the terminal and machine allow, and say which way worked.

Order (TECH_NOTES.md §5.4 and §6, DESIGN.md §3):

1. **OSC 52** — the terminal's own clipboard, the only one that works over SSH.  In the app the
   caller passes its ``App.copy_to_clipboard`` as ``osc52_writer``.  From the CLI the escape
   sequence is written to ``/dev/tty``, and only when stdout is a terminal (a redirected
   ``payload-doctor … > file`` must not receive escape codes).  Inside tmux the sequence is wrapped
   in a DCS passthrough (``ESC P tmux; … ESC \\`` with every ESC doubled); inside GNU screen in
   DCS chunks (screen drops DCS strings longer than 768 bytes).  A terminal cannot confirm an
   OSC 52 copy, so this step is "sent", never "verified".
2. **pyperclip** (xclip / xsel / wl-clipboard / pbcopy / Windows) when ``is_available()``.  With a
   ``DISPLAY`` that points at no X server, ``copy()`` returns normally and copies nothing
   (TECH_NOTES.md §6), so the copy is verified by a ``paste()`` round-trip.  On Linux without
   ``DISPLAY`` or ``WAYLAND_DISPLAY`` it is not tried at all (it would fail anyway, and xclip
   would print to the terminal the TUI draws on).
3. **A file** in a private temp directory (``fallback_dir`` or
   ``$TMPDIR/payload-doctor/clipboard-<timestamp>.txt``, mode 0600), whose path is returned.

The result names the method a user can rely on: ``system`` when the round-trip verified it,
else ``osc52`` when the sequence was sent, else ``file``.

Redaction is the CALLER's job: this module copies exactly the text it is given.
"""

from __future__ import annotations

import base64
import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, TextIO

from tui.core.export.atomic import write_atomic

ESC = "\x1b"
ST = ESC + "\\"
_SCREEN_CHUNK = 76  # bytes of the OSC sequence per DCS string for GNU screen


@dataclass(frozen=True, slots=True)
class CopyResult:
    """How the text left: ``detail`` is the sentence the UI shows ("saved to /tmp/…")."""

    method: Literal["osc52", "system", "file"]
    detail: str


# -- OSC 52 ------------------------------------------------------------------------------------------


def osc52(text: str) -> str:
    """The bare OSC 52 "set clipboard" sequence for ``text`` (UTF-8, base64)."""
    data = base64.b64encode(text.encode("utf-8", "surrogatepass")).decode("ascii")
    return f"{ESC}]52;c;{data}\a"


def multiplexer(env: Mapping[str, str]) -> Literal["tmux", "screen"] | None:
    """``tmux`` when ``TMUX`` is set; ``screen`` when ``TERM`` starts with ``screen`` outside tmux
    (tmux also sets ``TERM=screen…`` by default, hence the order)."""
    if env.get("TMUX"):
        return "tmux"
    if env.get("TERM", "").startswith("screen"):
        return "screen"
    return None


def wrap_osc52(sequence: str, env: Mapping[str, str]) -> str:
    """``sequence`` as the terminal multiplexer in ``env`` will pass it through to the terminal."""
    mux = multiplexer(env)
    if mux == "tmux":
        return f"{ESC}Ptmux;" + sequence.replace(ESC, ESC + ESC) + ST
    if mux == "screen":
        chunks = [sequence[i:i + _SCREEN_CHUNK] for i in range(0, len(sequence), _SCREEN_CHUNK)]
        return "".join(f"{ESC}P{chunk}{ST}" for chunk in chunks)
    return sequence


def _stdout_is_tty() -> bool:
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except (ValueError, OSError):
        return False


def _open_tty() -> TextIO:
    return open("/dev/tty", "w", encoding="ascii")  # noqa: SIM115 - closed by the caller


def _send_osc52_to_tty(text: str, env: Mapping[str, str]) -> bool:
    """Write the (wrapped) sequence to the controlling terminal; False if there is none."""
    if not _stdout_is_tty():
        return False
    try:
        tty = _open_tty()
    except OSError:
        return False
    try:
        tty.write(wrap_osc52(osc52(text), env))
        tty.flush()
    except OSError:
        return False
    finally:
        with contextlib.suppress(OSError):
            tty.close()
    return True


# -- system clipboard ------------------------------------------------------------------------------------


def _display_possible(env: Mapping[str, str]) -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def _system_copy(text: str, env: Mapping[str, str]) -> bool:
    """Copy with pyperclip and verify by pasting back; False on any failure."""
    if not _display_possible(env):
        return False
    try:
        import pyperclip  # local: only the copy path needs it
    except ImportError:
        return False
    try:
        if not pyperclip.is_available():
            return False
        pyperclip.copy(text)
        pasted = pyperclip.paste()
    except (pyperclip.PyperclipException, OSError):
        return False
    if not isinstance(pasted, str):
        return False
    return pasted.replace("\r\n", "\n") == text.replace("\r\n", "\n")


# -- file fallback --------------------------------------------------------------------------------------


def _save(text: str, fallback_dir: Path | None) -> Path:
    directory = fallback_dir or Path(tempfile.gettempdir()) / "payload-doctor"
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    for n in range(1000):
        path = directory / (f"clipboard-{stamp}.txt" if n == 0 else f"clipboard-{stamp}-{n}.txt")
        try:
            return write_atomic(path, text, mode=0o600)
        except FileExistsError:
            continue
    raise FileExistsError(f"could not find a free file name in {directory}")


# -- entry point -------------------------------------------------------------------------------------------


TMUX_HINT = ("; inside tmux it reaches your clipboard only with `set -g set-clipboard on` "
             "(and `set -g allow-passthrough on`) in ~/.tmux.conf")
"""OSC 52 under tmux is dropped unless tmux is told to pass it on: say how, where it happens."""


def copy_text(text: str, *, osc52_writer: Callable[[str], None] | None = None,
              env: Mapping[str, str] | None = None,
              fallback_dir: Path | None = None) -> CopyResult:
    """Copy ``text`` by every available means and report the most reliable one that worked.

    ``osc52_writer`` receives the plain text (the app's ``copy_to_clipboard`` builds the escape
    sequence itself); without it the sequence goes to ``/dev/tty`` when stdout is a terminal.
    ``env`` defaults to ``os.environ``.  Raises :class:`OSError` only if even the file fallback
    cannot be written.  The caller redacts ``text`` first when it should be redacted.
    """
    env = os.environ if env is None else env
    osc_detail: str | None = None
    if osc52_writer is not None:
        try:
            osc52_writer(text)
            osc_detail = "copied via OSC 52"
        except Exception:  # a broken writer must not lose the user's copy  # noqa: BLE001
            osc_detail = None
    elif _send_osc52_to_tty(text, env):
        mux = multiplexer(env)
        osc_detail = f"copied via OSC 52 ({mux} passthrough)" if mux else "copied via OSC 52"
    if _system_copy(text, env):
        also = f" and {osc_detail.removeprefix('copied ')}" if osc_detail else ""
        return CopyResult("system", f"copied to the system clipboard{also}")
    if osc_detail:
        return CopyResult("osc52", osc_detail + TMUX_HINT if multiplexer(env) == "tmux" else osc_detail)
    path = _save(text, fallback_dir)
    return CopyResult("file", f"no clipboard available; saved to {path}")
