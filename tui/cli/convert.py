"""`payload-doctor convert FILE --to native|anthropic [-o OUT]`: any readable log as JSONL.

* ``--to native``: one exchange per line (:meth:`Exchange.to_native`: request, response, error,
  status, timing, headers, request id, dialect, source) -- the format every other command and the
  replay log read back, whatever the input format was.
* ``--to anthropic``: one Anthropic Messages request body per line, ready for ``check``, ``fix``
  or ``replay``.  OpenAI Chat Completions and Responses requests are converted by
  :func:`tui.core.convert.openai.to_anthropic`; what did not carry over is printed on stderr, one
  line per record, never dropped silently.  Exchanges that logged no request (a response or an
  error alone) have nothing to write and are named on stderr.

Records that cannot be read or converted are named on stderr (file:line and why), the rest are
still written, and the exit code is 2.  Secrets are redacted (headers by name, any string by
shape) unless ``--no-redact``.  Without ``-o`` the lines go to stdout as they are produced; with it
the file is written atomically (:mod:`tui.core.export.atomic`), gzip-compressed when OUT ends in
``.gz``, never over the input, and over an existing file only with ``--force``.  The atomic write
holds the converted output in memory until the rename: for logs larger than memory, write to
stdout and redirect.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tui.cli import output
from tui.cli.common import Exit, UsageError, write_output
from tui.core.formats import LoadError, open_log
from tui.core.model import Exchange, LoadIssue

TARGETS = {
    "native": "native JSONL exchanges (request, response, error, status, timing, headers, source)",
    "anthropic": "JSONL of Anthropic Messages request bodies (OpenAI requests converted)",
}
DIALECTS = ("anthropic", "openai-chat", "openai-responses")


def _line(value: Any) -> bytes:
    """One JSONL line: UTF-8, with ``\\uXXXX`` escapes for lone surrogates (which UTF-8 cannot
    hold: the line must load again) and for characters that act on a terminal."""
    from tui.core.display import escape_invisible_json

    text = json.dumps(value, ensure_ascii=False)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = json.dumps(value, ensure_ascii=True).encode("ascii")
        return data + b"\n"
    return escape_invisible_json(text).encode("utf-8") + b"\n"


def _native(ex: Exchange, redact: bool) -> tuple[Any, list[str]]:
    from tui.core.redact import redact_value

    record = ex.to_native()
    return (redact_value(record) if redact else record), []


def _anthropic(ex: Exchange, redact: bool) -> tuple[Any, list[str]]:
    """The request as an Anthropic body and the conversion notes.

    Raises LookupError when the exchange logged no request (nothing to write) and ValueError
    when its dialect has no converter.
    """
    from tui.core.redact import redact_value

    if not isinstance(ex.request, dict):
        raise LookupError("no request body was logged for this exchange (a response or error only)")
    if ex.dialect not in DIALECTS:
        raise ValueError(f"cannot convert yet: requests in the {ex.dialect!r} dialect")
    if ex.dialect == "anthropic":
        body, notes = ex.request, []
    else:
        from tui.core.convert.openai import to_anthropic

        converted = to_anthropic(ex.request, ex.dialect)
        from tui.core.redact import redact_text

        body, notes = converted.body, [f"converted from {ex.dialect}: {redact_text(n) if redact else n}"
                                       for n in converted.notes]
    return (redact_value(body) if redact else body), notes


def convert_records(path: str, to: str, redact: bool = True) -> Iterator[bytes | LoadIssue | str]:
    """The lines of the converted log, interleaved with problems (LoadIssue: the record is left
    out) and notes (str, ``file:line: text``: the record is written, or had nothing to write).

    Raises :class:`LoadError` when the file cannot be read at all.
    """
    make = _native if to == "native" else _anthropic
    for rec in open_log(path):
        if isinstance(rec, LoadIssue):
            yield rec
            continue
        where = rec.source.where()
        try:
            value, notes = make(rec, redact)
        except LookupError as exc:
            yield f"{where}: skipped: {exc}"
            continue
        except Exception as exc:  # a converter failing on odd input must not end the run
            yield LoadIssue(rec.source.file, f"cannot convert: {exc}" if isinstance(exc, ValueError)
                            else f"cannot convert ({type(exc).__name__}: {exc})",
                            record=rec.source.record, line=rec.source.line)
            continue
        yield _line(value)
        for note in notes:
            yield f"{where}: {note}"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


def cmd_convert(args: argparse.Namespace) -> int:

    err = output.console(sys.stderr)
    to_stdout = not args.output or args.output == "-"
    dest = None if to_stdout else Path(args.output)
    if dest is not None:
        if _same_file(dest, Path(args.file)):
            raise UsageError(f"{dest}: refusing to overwrite the input; choose another -o")
        if dest.exists() and not args.force:
            raise UsageError(f"{dest} exists; add --force to replace it")
    try:
        items = convert_records(args.file, args.to, redact=not args.no_redact)
        first = next(items, None)  # a file-level failure surfaces here, before any output
    except LoadError as exc:
        raise UsageError(str(exc)) from exc
    chunks: list[bytes] = []
    written = problems = 0
    stream = sys.stdout.buffer if to_stdout else None
    for item in itertools.chain([first] if first is not None else [], items):
        if isinstance(item, bytes):
            written += 1
            if stream is not None:
                stream.write(item)
            else:
                chunks.append(item)
        elif isinstance(item, LoadIssue):
            problems += 1
            err.print(output.printable(str(item)), style="red")
        else:
            err.print(output.printable(item), style="yellow")
    if stream is not None:
        stream.flush()
    what = "exchange" if args.to == "native" else "request"
    if not written:
        raise UsageError(f"{args.file}: nothing to write (no {what} could be converted)"
                         + (f"; {dest} was not created" if dest is not None else ""))
    if dest is not None:
        data = b"".join(chunks)
        del chunks
        if dest.name.endswith(".gz"):
            data = gzip.compress(data, mtime=0)
        write_output(dest, data, force=args.force)
        err.print(f"wrote {written} {what}{'s' * (written != 1)} to {output.printable(str(dest))} "
                  f"({TARGETS[args.to]}{'' if args.no_redact else ', secrets redacted'})"
                  + (f"; {problems} record{'s' * (problems != 1)} left out (see above)" if problems else ""))
    elif problems:
        err.print(f"{problems} record{'s' * (problems != 1)} left out (see above)", style="red")
    return Exit.USAGE if problems else Exit.OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser("convert", help="write any readable log as native JSONL exchanges or as "
                                       "Anthropic request bodies")
    c.add_argument("file", metavar="FILE")
    c.add_argument("--to", required=True, choices=list(TARGETS),
                   help="; ".join(f"{k}: {v}" for k, v in TARGETS.items()))
    c.add_argument("-o", "--output", metavar="OUT",
                   help="write here, atomically (default: stdout; OUT.gz is gzip-compressed)")
    c.add_argument("--force", action="store_true", help="replace OUT if it exists")
    c.add_argument("--no-redact", action="store_true", help="keep secrets (headers and payload text)")
    c.set_defaults(func=cmd_convert)
