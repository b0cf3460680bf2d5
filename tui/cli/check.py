"""`payload-doctor check`: every finding in every record, as text, JSON or GitHub annotations."""

from __future__ import annotations

import argparse
import sys

from tui.cli import output
from tui.cli.common import Exit, UsageError, csv, expand_paths
from tui.core.formats import LoadError, open_log
from tui.core.findings import Finding
from tui.core.model import LoadIssue, Source


def cmd_check(args: argparse.Namespace) -> int:
    from tui.core.filecheck import Checked, LogFinding, Totals, check_records
    from tui.core.rules.registry import select_rules

    try:
        rules = select_rules(csv(args.select), csv(args.ignore))
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    out = output.console()
    err = output.console(sys.stderr)
    files: list[output.FileReport] = []
    as_json = output.JsonReport(sys.stdout) if args.format == "json" else None
    totals = Totals()
    unreadable = False

    def emit(source: Source, f: Finding) -> None:
        item = output.Located(source, f)
        if as_json is not None:
            as_json.add(item)
        elif args.format == "github":
            print(output.github_line(item))
        else:
            out.print(output.render_text_line(item))

    for path in expand_paths(args.paths):
        report = output.FileReport(str(path))
        files.append(report)
        try:
            log = open_log(path)
        except LoadError as exc:
            report.error = str(exc)
            err.print(output.printable(str(exc)), style="red")
            if args.format == "github":
                print(output.github_problem(str(path), None, str(exc)))
            unreadable = True
            continue
        report.format = log.format
        for event in check_records(log, rules, totals=totals):
            if isinstance(event, LoadIssue):
                report.issues.append(str(event))
                err.print(output.printable(str(event)), style="red")
                if args.format == "github":
                    print(output.github_problem(str(path), event.line, str(event)))
                unreadable = True
            elif isinstance(event, Checked):
                report.records += 1
                for f in event.findings:
                    emit(event.exchange.source, f)
            elif isinstance(event, LogFinding):
                emit(event.exchange.source, event.finding)
    if as_json is not None:
        as_json.close(files, totals.severities)
    elif args.format == "text":
        out.print(output.text_summary(totals.severities, files, totals.fixable))
    if unreadable:
        return Exit.USAGE
    return Exit.FINDINGS if totals.errors else Exit.OK
