"""`payload-doctor fix`: repaired request bodies, or a structural diff; the input is never touched."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tui.cli import output
from tui.cli.common import Exit, UsageError, csv, load_requests
from tui.core.model import Exchange
from tui.core.repair.planner import FixResult, fix_payload
from tui.core.rules.registry import select_rules


def default_output(path: Path, many: bool) -> Path:
    """``run.jsonl`` → ``run.fixed.jsonl``; ``req.json.gz`` → ``req.fixed.json``."""
    name = path.name.removesuffix(".gz")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return path.with_name(f"{stem}.fixed.{'jsonl' if many else 'json'}")


def _report(err: object, ex: Exchange, res: FixResult) -> None:
    con = err  # a rich Console
    head = f"record {ex.source.record} ({output.printable(ex.source.where())})"
    if res.applied:
        con.print(f"{head}: applied {len(res.applied)} fix{'es' * (len(res.applied) != 1)}")
        for a in res.applied:
            con.print(f"  {a.code} {output.printable(a.path)}: {output.printable(a.title)} "
                      f"[{a.applicability.value}]")
    else:
        con.print(f"{head}: nothing to fix")
    for f in res.remaining:
        if f.severity.value == "info":
            continue
        why = (f"needs --unsafe-fixes ({f.fix.title})" if f.fix is not None
               else f"no automatic fix: see `payload-doctor rule {f.code}`")
        con.print(f"  remains: {f.code} [{f.severity.value}] {output.printable(f.dotted)}: "
                  f"{output.printable(f.message)} — {why}")
    if res.stopped:
        con.print(f"  note: {output.printable(res.stopped)}")


def cmd_fix(args: argparse.Namespace) -> int:
    from tui.core.export.atomic import write_atomic
    from tui.core.redact import redact_value

    try:
        rules = select_rules(csv(args.select), csv(args.ignore))
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    src = Path(args.file)
    exchanges, issues = load_requests(args.file, args.record)
    err = output.console(sys.stderr)
    for issue in issues:
        err.print(output.printable(str(issue)), style="red")
    if not exchanges:
        return Exit.USAGE
    results = [(ex, fix_payload(ex.request, unsafe=args.unsafe_fixes, rules=rules)) for ex in exchanges]
    for ex, res in results:
        _report(err, ex, res)
    errors_left = sum(len(res.errors_left) for _, res in results)

    if args.diff:
        from tui.core.diff import diff_payloads, render_diff

        out = output.console()
        for ex, res in results:
            out.print(f"record {ex.source.record} ({output.printable(ex.source.where())})", style="bold")
            changes = diff_payloads(res.original, res.fixed)
            out.print(render_diff(changes) if changes else "  (no change)")
    else:
        many = len(results) != 1 or args.record is None and _is_multi(src)
        dest = Path(args.output) if args.output else default_output(src, many)
        if dest.resolve() == src.resolve():
            raise UsageError(f"{dest}: refusing to overwrite the input; choose another -o")
        if args.output and dest.exists() and not args.force:
            raise UsageError(f"{dest} exists; add --force to replace it")
        bodies = [res.fixed if args.no_redact else redact_value(res.fixed) for _, res in results]
        if many:
            data = "".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bodies)
        else:
            data = json.dumps(bodies[0], ensure_ascii=False, indent=2) + "\n"
        write_atomic(dest, data, overwrite=True)
        err.print(f"wrote {output.printable(str(dest))} ({len(bodies)} request "
                  f"bod{'ies' if len(bodies) != 1 else 'y'}"
                  + ("" if args.no_redact else ", secrets redacted") + ")")
    if issues:
        return Exit.USAGE
    return Exit.FINDINGS if errors_left else Exit.OK


def _is_multi(path: Path) -> bool:
    """A JSONL/array input stays JSONL even when it holds a single request."""
    return path.name.removesuffix(".gz").endswith((".jsonl", ".ndjson"))
