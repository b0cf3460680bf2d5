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
    from tui.core.check import check_exchange, summarize
    from tui.core.loglevel import LogChecker
    from tui.core.rules.registry import select_rules

    try:
        rules = select_rules(csv(args.select), csv(args.ignore))
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
            if args.format == "github":
                print(output.github_problem(str(path), None, str(exc)))
            unreadable = True
            continue
        report.format = log.format

        def emit(source: Source, f: Finding) -> None:
            counts[f.severity.value] += 1
            if f.fix is not None:
                fixable[f.fix.applicability.value] += 1
            item = output.Located(source, f)
            if args.format == "json":
                items.append(item)
            elif args.format == "github":
                print(output.github_line(item))
            else:
                out.print(output.render_text_line(item))

        whole_log = LogChecker(rules)  # retry loops, backoff: findings only the whole log shows
        for rec in log:
            if isinstance(rec, LoadIssue):
                report.issues.append(str(rec))
                err.print(output.printable(str(rec)), style="red")
                if args.format == "github":
                    print(output.github_problem(str(path), rec.line, str(rec)))
                unreadable = True
                continue
            report.records += 1
            for f in check_exchange(rec, rules):
                emit(rec.source, f)
            for ex, f in whole_log.feed(rec):
                emit(ex.source, f)
        for ex, f in whole_log.finish():
            emit(ex.source, f)
    if args.format == "json":
        print(output.json_report(files, items, counts))
    elif args.format == "text":
        out.print(output.text_summary(counts, files, fixable))
    if unreadable:
        return Exit.USAGE
    return Exit.FINDINGS if counts["error"] else Exit.OK
