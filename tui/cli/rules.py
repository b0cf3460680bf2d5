"""`payload-doctor rules` and `payload-doctor rule CODE`: the catalog from the rule docstrings."""

from __future__ import annotations

import argparse
import json

from tui.cli import output
from tui.cli.common import Exit, UsageError


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
        summary = r.summary + (" (time-dependent)" if r.time_dependent else "")
        table.add_row(r.code, r.name, r.severity.value, r.fix.value if r.fix else "—", summary)
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
              + ("   model-dependent" if r.model_dependent else "")
              + ("   time-dependent (judged at the logged time; words the logged evidence itself)"
                 if r.time_dependent else ""))
    con.print()
    con.print(Markdown(r.docs))
    return Exit.OK
