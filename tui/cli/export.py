"""`payload-doctor export`: one record's request as JSON, curl, a Python snippet or a Markdown repro.

Without ``-o`` the export goes to stdout; with it, the file is written atomically and an existing
file (never the input) is replaced only with ``--force``.  Secrets are redacted unless
``--no-redact`` (the Markdown repro is always redacted: it is meant to be shared).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.cli import output
from tui.cli.common import Exit, UsageError, load_requests, write_output
from tui.core.model import Exchange
from tui.core.outgoing import NotExportable, dialect_refusal, export_exchange


def _one(args: argparse.Namespace) -> Exchange:
    exchanges, issues = load_requests(args.file, args.record)
    if not exchanges:
        raise UsageError(str(issues[0]) if issues else f"{args.file}: no request body")
    if args.record is None and len(exchanges) > 1:
        raise UsageError(f"{args.file} holds {len(exchanges)} requests; choose one with --record N")
    return exchanges[0]


def cmd_export(args: argparse.Namespace) -> int:
    from tui.core.repair.planner import fix_payload

    ex = _one(args)
    body = ex.request
    assert isinstance(body, dict)
    err = output.console(sys.stderr)
    if args.fix or args.unsafe_fixes:
        res = fix_payload(body, unsafe=args.unsafe_fixes)
        body = res.fixed
        err.print(f"applied {len(res.applied)} fix{'es' * (len(res.applied) != 1)} before exporting")
    try:
        exported = export_exchange(ex, body, args.format, redact=not args.no_redact, convert=args.convert)
    except NotExportable as exc:
        raise UsageError(f"{exc} (add --convert, or export --as json for the OpenAI request itself)") from None
    if args.convert and dialect_refusal(ex):
        err.print(f"converted from {ex.dialect} to an Anthropic request before exporting", style="yellow")
    text, note = exported.text, exported.note
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        if note:
            err.print(note, style="yellow")
        return Exit.OK
    dest = Path(args.output)
    if dest.exists() and dest.resolve() == Path(args.file).resolve():
        raise UsageError(f"{dest}: refusing to overwrite the input; choose another -o")
    write_output(dest, text, force=args.force)
    err.print(f"wrote {output.printable(str(dest))} ({exported.description}"
              + (", secrets redacted" if exported.redacted else "") + ")")
    if note:
        err.print(note, style="yellow")
    return Exit.OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from tui.core.export import EXPORTERS

    e = sub.add_parser("export", help="export a request as JSON, curl, Python or a Markdown repro")
    e.add_argument("file", metavar="FILE")
    e.add_argument("--record", type=int, default=None, help="which record (0-based)")
    e.add_argument("--as", dest="format", choices=list(EXPORTERS), default="json",
                   help="; ".join(f"{n}: {x.description}" for n, x in EXPORTERS.items()))
    e.add_argument("-o", "--output", metavar="OUT", help="write here (default: stdout)")
    e.add_argument("--force", action="store_true", help="replace OUT if it exists")
    e.add_argument("--fix", action="store_true", help="apply safe fixes first")
    e.add_argument("--unsafe-fixes", action="store_true", help="apply all fixes first")
    e.add_argument("--convert", action="store_true",
                   help="an OpenAI request: convert it to an Anthropic request first")
    e.add_argument("--no-redact", action="store_true", help="keep secrets (never for markdown)")
    e.set_defaults(func=cmd_export)
