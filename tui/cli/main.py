"""``payload-doctor``: the command line.  Each subcommand is a thin module over ``tui.core``.

Exit codes: 0 = no error-severity finding, 1 = at least one, 2 = usage error or unreadable input;
replay adds 3 (structural), 4 (transient budget exhausted) and 5 (client: key/permission/billing).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from tui.cli.common import Exit, UsageError
from tui.cli.output import printable

COMMANDS = ("check", "fix", "replay", "export", "convert", "rules", "rule", "open", "proxy")


def build_parser() -> argparse.ArgumentParser:
    from tui.cli import check, convert, export, fix, open as open_cmd, proxy, replay, rules

    p = argparse.ArgumentParser(
        prog="payload-doctor",
        description="Find, explain, repair and replay broken Anthropic Messages API payloads.",
        epilog="`payload-doctor FILE` opens FILE in the terminal UI; with no arguments, a demo.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("check", help="report every rule violation in logged payloads")
    c.add_argument("paths", nargs="+", metavar="PATH", help="log files or directories")
    c.add_argument("--format", choices=("text", "json", "github"), default="text")
    c.add_argument("--select", action="append", metavar="CODES",
                   help="only these rules (codes, prefixes or names; comma-separated)")
    c.add_argument("--ignore", action="append", metavar="CODES", help="skip these rules")
    c.set_defaults(func=check.cmd_check)

    f = sub.add_parser("fix", help="repair the request bodies of a log (the input is modified only "
                                   "with --in-place, after a .bak copy)")
    f.add_argument("file", metavar="FILE")
    f.add_argument("--record", type=int, default=None, help="only this record (0-based)")
    f.add_argument("--unsafe-fixes", action="store_true",
                   help="also apply fixes that drop or invent content")
    f.add_argument("--diff", action="store_true", help="print the structural diff; write nothing")
    f.add_argument("-o", "--output", metavar="OUT", help="where to write (default: <name>.fixed.json[l])")
    f.add_argument("--in-place", action="store_true",
                   help="write the repaired log over FILE (raw Anthropic JSON/JSONL), after copying the "
                        "original to FILE.bak; every record that needed no fix stays byte for byte")
    f.add_argument("--force", action="store_true", help="replace OUT (or, with --in-place, FILE.bak) if it exists")
    f.add_argument("--no-redact", action="store_true", help="keep secrets found in the payload")
    f.add_argument("--select", action="append", metavar="CODES", help="only fix these rules")
    f.add_argument("--ignore", action="append", metavar="CODES", help="never fix these rules")
    f.set_defaults(func=fix.cmd_fix)

    replay.add_parser(sub)
    export.add_parser(sub)
    convert.add_parser(sub)
    proxy.add_parser(sub)

    r = sub.add_parser("rules", help="list every rule")
    r.add_argument("--format", choices=("text", "json"), default="text")
    r.set_defaults(func=rules.cmd_rules)

    d = sub.add_parser("rule", help="explain one rule")
    d.add_argument("code", help="a rule code (P001) or name (tool-use-without-result)")
    d.set_defaults(func=rules.cmd_rule)

    o = sub.add_parser("open", help="open a log in the terminal UI")
    o.add_argument("file", nargs="?", help="the log (default: the bundled demo)")
    o.add_argument("--record", type=int, default=None, help="select this record first")
    o.add_argument("--follow", action="store_true",
                   help="keep reading a growing JSONL log (the proxy's, a guard's): new exchanges appear as written")
    o.set_defaults(func=open_cmd.cmd_open)
    return p


def version() -> str:
    from importlib.metadata import PackageNotFoundError, version as dist_version

    try:
        return dist_version("payload-doctor")
    except PackageNotFoundError:  # run from a checkout that was not installed
        return "unknown (not installed)"


def _unknown_command(word: str) -> str | None:
    """``payload-doctor WORD`` where WORD is no file and reads like a mistyped command (no path
    separator, no suffix): the one line to print instead of opening the app.  A missing file is
    ``open``'s own usage error."""
    import difflib
    from pathlib import Path

    if Path(word).exists() or "/" in word or "." in word or word.startswith("-"):
        return None
    near = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    hint = f" (did you mean {near[0]!r}?)" if near else f"; the commands are {', '.join(COMMANDS)}"
    return f"unknown command {word!r}{hint}; to open a file, give its path"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (["--version"], ["-V"]):
        print(f"payload-doctor {version()}")
        return Exit.OK
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        # `payload-doctor FILE` and bare `payload-doctor` open the TUI, but a typo is one line and
        # exit 2, not an app showing an error (a missing file likewise: see `open`).
        why = _unknown_command(argv[0]) if argv else None
        if why is not None:
            print(f"payload-doctor: {printable(why)}", file=sys.stderr)
            return Exit.USAGE
        argv = ["open", *argv]
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except UsageError as exc:
        print(f"payload-doctor: {printable(str(exc))}", file=sys.stderr)
        return Exit.USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return Exit.OK
    except (MemoryError, RecursionError, Exception) as exc:  # noqa: BLE001 - the last line of defence
        # Hostile input must never end in a traceback: one line, exit code 2.  The test-suite
        # (PAYLOAD_DOCTOR_STRICT=1) and PAYLOAD_DOCTOR_DEBUG=1 re-raise, so a bug stays visible.
        if os.environ.get("PAYLOAD_DOCTOR_STRICT") == "1" or os.environ.get("PAYLOAD_DOCTOR_DEBUG") == "1":
            raise
        print(f"payload-doctor: {printable(_crash_line(exc, argv))}", file=sys.stderr)
        return Exit.USAGE


def _crash_line(exc: BaseException, argv: Sequence[str]) -> str:
    from tui.core.redact import redact_text

    what = " ".join(argv[:2])
    if isinstance(exc, MemoryError):
        return f"{what}: out of memory (the input is too large to process here)"
    if isinstance(exc, RecursionError):
        return f"{what}: the input is nested too deeply to process"
    detail = redact_text(str(exc))[:300]
    return (f"{what}: internal error: {type(exc).__name__}: {detail} — please report it; "
            f"PAYLOAD_DOCTOR_DEBUG=1 shows the traceback")


if __name__ == "__main__":
    sys.exit(main())
