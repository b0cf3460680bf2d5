"""`payload-doctor fix`: repaired request bodies, or a structural diff.

The input is never touched, except with ``--in-place``: then the repaired log is written over it
(atomically) only after the original was copied to ``<input>.bak`` (refused if that exists,
unless ``--force``), and every record that needed no repair stays byte for byte.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tui.cli import output
from tui.cli.common import Exit, UsageError, csv, load_requests, write_output
from tui.core.model import Exchange
from tui.core.repair.inplace import default_output
from tui.core.repair.planner import FixResult, fix_payload
from tui.core.rules.registry import select_rules


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
    from tui.core.redact import redact_value

    try:
        rules = select_rules(csv(args.select), csv(args.ignore))
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    src = Path(args.file)
    if args.in_place and (args.diff or args.output):
        raise UsageError("--in-place writes over FILE: it cannot be combined with "
                         + ("--diff" if args.diff else "-o"))
    before = file_identity(src)  # what fix --in-place checks again just before it replaces FILE
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

    if args.in_place:
        _in_place(src, results, err, args.force, before)
    elif args.diff:
        from tui.core.diff import diff_payloads, render_diff

        out = output.console()
        for ex, res in results:
            out.print(f"record {ex.source.record} ({output.printable(ex.source.where())})", style="bold")
            changes = diff_payloads(res.original, res.fixed)
            out.print(render_diff(changes) if changes else "  (no change)")
    else:
        many = len(results) != 1 or args.record is None and _is_multi(src)
        dest = Path(args.output) if args.output else default_output(src, many)
        if dest.resolve() == src.resolve() or same_file(dest, src):
            raise UsageError(f"{dest}: refusing to overwrite the input; choose another -o "
                             f"(or --in-place, which keeps a .bak)")
        if dest.exists() and not args.force:
            chosen = "" if args.output else " (the default output beside the input)"
            raise UsageError(f"{dest} exists{chosen}; add --force to replace it, or choose another -o")
        bodies = [res.fixed if args.no_redact else redact_value(res.fixed) for _, res in results]
        if many:
            data = "".join(_dumps(b) + "\n" for b in bodies)
        else:
            data = _dumps(bodies[0], indent=2) + "\n"
        write_output(dest, data, force=args.force)
        err.print(f"wrote {output.printable(str(dest))} ({len(bodies)} request "
                  f"bod{'ies' if len(bodies) != 1 else 'y'}"
                  + ("" if args.no_redact else ", secrets redacted") + ")")
    if issues:
        return Exit.USAGE
    return Exit.FINDINGS if errors_left else Exit.OK


def _dumps(body: object, indent: int | None = None) -> str:
    """JSON text that UTF-8 can hold: ``\\uXXXX`` escapes when the body has lone surrogates."""
    text = json.dumps(body, ensure_ascii=False, indent=indent)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(body, ensure_ascii=True, indent=indent)
    return text


def same_file(a: Path, b: Path) -> bool:
    """Both exist and are the same file (a symlink or hard link to the input counts)."""
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


class ChangedWhileFixing(Exception):
    """FILE is not the file that was read: a writer appended to it or replaced it meanwhile."""


def file_identity(path: Path) -> tuple[int, int, int, int] | None:
    """(device, inode, size, mtime in ns): a log appended to, rewritten or replaced differs."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _in_place(src: Path, results: list[tuple[Exchange, FixResult]], err: object, force: bool,
              before: tuple[int, int, int, int] | None = None) -> None:
    """``fix --in-place``: FILE.bak first (refused if it exists, unless --force), then the
    repaired log over FILE, atomically; nothing is written when nothing changed.  If FILE
    changed after it was read (a writer still appending, a record prepended), nothing is
    replaced: the repaired copy would lose or misplace the new records."""
    from tui.core.export.atomic import atomic_writer, copy_atomic
    from tui.core.formats import LoadError, open_log
    from tui.core.repair.inplace import REWRITABLE, CannotRewrite, rewrite_document, rewrite_jsonl

    con = err  # a rich Console
    try:
        fmt = open_log(src).format
    except LoadError as exc:  # pragma: no cover - load_requests read it a moment ago
        raise UsageError(str(exc)) from exc
    if fmt not in REWRITABLE:
        why = "it is gzip-compressed" if fmt.endswith(".gz") else f"it is a {fmt} log"
        raise UsageError(f"{src}: cannot fix in place: {why}; --in-place rewrites raw Anthropic "
                         f"JSON/JSONL logs only (write the repaired bodies with -o instead)")
    if not src.is_file() or src.is_symlink():
        raise UsageError(f"{src}: cannot fix in place: not a regular file")
    fixed = {ex.source.record: res.fixed for ex, res in results if res.changed}
    if not fixed:
        con.print(f"nothing to change; {output.printable(str(src))} left as it is")  # type: ignore[attr-defined]
        return
    bak = src.with_name(src.name + ".bak")
    if bak.exists() and not force:
        raise UsageError(f"{bak} exists; add --force to replace it (it may be the only copy of an "
                         f"earlier original)")
    try:
        # The repaired log is complete in a temporary file before FILE.bak is made, and FILE is
        # replaced (one rename) only once FILE.bak is on disk: a failure at any step leaves FILE
        # as it was.
        with atomic_writer(src, overwrite=True) as fh:
            if fmt == "anthropic-json":
                fh.write(rewrite_document(src, fixed))
            else:
                rewrite_jsonl(src, fixed, fh)
            if before is not None and file_identity(src) != before:
                raise ChangedWhileFixing
            copy_atomic(src, bak, overwrite=force)
            if before is not None and file_identity(src) != before:
                raise ChangedWhileFixing
    except ChangedWhileFixing:
        raise UsageError(f"{src} changed while it was being fixed (another process wrote to it); "
                         f"nothing was replaced: run fix again once the writer is done") from None
    except CannotRewrite as exc:
        raise UsageError(f"cannot fix in place: {exc}; {src} is unchanged") from exc
    except FileExistsError as exc:
        raise UsageError(f"{bak} exists; add --force to replace it; {src} is unchanged") from exc
    except OSError as exc:
        raise UsageError(f"{src}: cannot fix in place: {exc.strerror or exc}; the file is unchanged") from exc
    n = len(fixed)
    con.print(f"fixed {n} record{'s' * (n != 1)} in place in {output.printable(str(src))}; "  # type: ignore[attr-defined]
              f"the original is in {output.printable(str(bak))}")


def _is_multi(path: Path) -> bool:
    """A JSONL/array input stays JSONL even when it holds a single request."""
    return path.name.removesuffix(".gz").endswith((".jsonl", ".ndjson"))
