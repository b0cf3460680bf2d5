"""`payload-doctor [open] FILE`: the terminal UI (falls back to `check` until the app exists)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.cli.common import UsageError



def demo_path() -> Path:
    """The bundled incident log the TUI opens with no argument."""
    return Path(__file__).resolve().parents[2] / "sample_payloads" / "incident.jsonl"


def cmd_open(args: argparse.Namespace) -> int:
    path = args.file or str(demo_path())
    follow = bool(getattr(args, "follow", False))
    if not Path(path).exists() and not (follow and Path(path).parent.is_dir()):
        # one line and exit 2, before the app takes the terminal (--follow waits for a file that a
        # proxy or a guard will create at its first call, in a folder that exists)
        raise UsageError(f"{path}: no such file")
    try:
        from tui.app.app import run  # type: ignore[import-not-found]
    except ModuleNotFoundError:
        print("payload-doctor: the interactive TUI is not built yet; showing `check` instead.",
              file=sys.stderr)
        ns = argparse.Namespace(paths=[path], format="text", select=None, ignore=None)
        from tui.cli.check import cmd_check

        return cmd_check(ns)
    return run(path, record=args.record, follow=follow)
