"""``payload-doctor``: the command line.  Subcommands are thin layers over ``tui.core``.

Exit codes (ruff style, plus replay's): 0 = no error-severity finding, 1 = at least one,
2 = usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from enum import IntEnum
from pathlib import Path

from tui.cli import output
from tui.core.formats import LoadError, open_log
from tui.core.model import LoadIssue

LOG_SUFFIXES = (".json", ".jsonl", ".ndjson", ".gz", ".har", ".log", ".txt", ".sse")


class Exit(IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2


class UsageError(Exception):
    """Bad arguments: printed as one line, exit code 2."""


def _csv(values: Sequence[str] | None) -> list[str]:
    return [v for item in values or () for v in item.split(",") if v.strip()]


def expand_paths(paths: Sequence[str]) -> Iterator[Path]:
    """Files as given; directories recursively, keeping files that look like logs, sorted."""
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.name.endswith(LOG_SUFFIXES))
            if not found:
                raise UsageError(f"{p}: no log files (*{', *'.join(LOG_SUFFIXES)}) in this directory")
            yield from found
        else:
            yield p


# -- check ---------------------------------------------------------------------------------

def cmd_check(args: argparse.Namespace) -> int:
    from tui.core.check import check_exchange, summarize
    from tui.core.rules.registry import select_rules

    try:
        rules = select_rules(_csv(args.select), _csv(args.ignore))
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    out = output.console()
    err = output.console(sys.stderr)
    files: list[output.FileReport] = []
    items: list[output.Located] = []
    counts = {"error": 0, "warning": 0, "info": 0}
    fixable = {"safe": 0, "unsafe": 0}
    unreadable = False
    for path in expand_paths(args.paths):
        report = output.FileReport(str(path))
        files.append(report)
        try:
            log = open_log(path)
        except LoadError as exc:
            report.error = str(exc)
            err.print(output.printable(str(exc)), style="red")
            unreadable = True
            continue
        report.format = log.format
        for rec in log:
            if isinstance(rec, LoadIssue):
                report.issues.append(str(rec))
                err.print(output.printable(str(rec)), style="red")
                unreadable = True
                continue
            report.records += 1
            for f in check_exchange(rec, rules):
                counts[f.severity.value] += 1
                if f.fix is not None:
                    fixable[f.fix.applicability.value] += 1
                item = output.Located(rec.source, f)
                if args.format == "json":
                    items.append(item)
                elif args.format == "github":
                    print(output.github_line(item))
                else:
                    out.print(output.render_text_line(item))
    if args.format == "json":
        print(output.json_report(files, items, counts))
    elif args.format == "text":
        out.print(output.text_summary(counts, files, fixable))
    if unreadable:
        return Exit.USAGE
    return Exit.FINDINGS if counts["error"] else Exit.OK


# -- rules / rule --------------------------------------------------------------------------

def cmd_rules(args: argparse.Namespace) -> int:
    from rich.table import Table

    from tui.core.rules.registry import FAMILIES, all_rules

    rules = all_rules()
    if args.format == "json":
        print(json.dumps([r.to_json() for r in rules], ensure_ascii=False, indent=2))
        return Exit.OK
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for col in ("code", "name", "severity", "fix", "summary"):
        table.add_column(col, overflow="fold")
    family = None
    for r in rules:
        if r.family != family:
            family = r.family
            table.add_row(f"{family}", FAMILIES[family], "", "", "", style="bold cyan")
        table.add_row(r.code, r.name, r.severity.value, r.fix.value if r.fix else "—", r.summary)
    output.console().print(table)
    return Exit.OK


def cmd_rule(args: argparse.Namespace) -> int:
    from rich.markdown import Markdown

    from tui.core.rules.registry import get_rule

    r = get_rule(args.code)
    if r is None:
        raise UsageError(f"unknown rule {args.code!r} (see `payload-doctor rules`)")
    con = output.console()
    con.print(f"{r.code} {r.name}", style="bold")
    con.print(f"severity: {r.severity.value}   fix: {r.fix.value if r.fix else 'none'}   "
              f"references (shared/API_RULES.md): {', '.join(r.references) or '—'}"
              + ("   model-dependent" if r.model_dependent else ""))
    con.print()
    con.print(Markdown(r.docs))
    return Exit.OK


# -- open (the TUI) ------------------------------------------------------------------------

def demo_path() -> Path:
    """The bundled incident log the TUI opens with no argument."""
    return Path(__file__).resolve().parents[2] / "sample_payloads" / "incident.jsonl"


def cmd_open(args: argparse.Namespace) -> int:
    path = args.file or str(demo_path())
    try:
        from tui.app.app import run  # type: ignore[import-not-found]
    except ModuleNotFoundError:
        print("payload-doctor: the interactive TUI is not built yet; showing `check` instead.",
              file=sys.stderr)
        ns = argparse.Namespace(paths=[path], format="text", select=None, ignore=None)
        return cmd_check(ns)
    return run(path, record=args.record)


# -- parser --------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
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
    c.set_defaults(func=cmd_check)

    r = sub.add_parser("rules", help="list every rule")
    r.add_argument("--format", choices=("text", "json"), default="text")
    r.set_defaults(func=cmd_rules)

    d = sub.add_parser("rule", help="explain one rule")
    d.add_argument("code", help="a rule code (P001) or name (tool-use-without-result)")
    d.set_defaults(func=cmd_rule)

    o = sub.add_parser("open", help="open a log in the terminal UI")
    o.add_argument("file", nargs="?", help="the log (default: the bundled demo)")
    o.add_argument("--record", type=int, default=None, help="select this record first")
    o.set_defaults(func=cmd_open)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = {"check", "rules", "rule", "open", "-h", "--help"}
    if not argv or argv[0] not in commands:
        argv = ["open", *argv]  # `payload-doctor FILE` and bare `payload-doctor` open the TUI
    try:
        args = parser.parse_args(argv)
        return int(args.func(args))
    except UsageError as exc:
        print(f"payload-doctor: {output.printable(str(exc))}", file=sys.stderr)
        return Exit.USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return Exit.OK


if __name__ == "__main__":
    sys.exit(main())
