"""`payload-doctor replay`: send one logged request (optionally repaired) and show every attempt.

Stdout gets the final response Message as JSON (pipe it to ``jq``); attempts, waits and the
summary go to stderr as they happen.  Exit codes: 0 success, 2 usage/input, 3 structural,
4 transient errors exhausted the budget, 5 client (key, permission, billing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tui.cli import output
from tui.cli.common import Exit, UsageError, load_requests, positive_int
from tui.core.findings import Finding
from tui.core.model import Exchange
from tui.core.outgoing import converted, dialect_refusal, logged_api_version, send_headers
from tui.core.replay.send import default_log, save

if TYPE_CHECKING:  # both lazy at run time (the SDK and rich cost start-up time)
    from rich.console import Console

    from tui.core.replay.engine import ReplayResult


MAX_SECONDS = 3600.0
"""The largest --timeout / --max-wait: an hour is longer than any one API response."""


def _seconds(option: str, text: str, *, zero_ok: bool) -> float:
    """A finite number of seconds for ``option``, else a one-line UsageError (exit 2) naming it:
    0, a negative number, nan or inf would make a replay end at once or never."""
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{option} {text!r}: not a number of seconds") from None
    if math.isnan(value) or math.isinf(value):
        raise UsageError(f"{option} {text}: give a finite number of seconds")
    if value < 0 or (value == 0 and not zero_ok):
        raise UsageError(f"{option} {text}: must be {'at least 0' if zero_ok else 'more than 0'} seconds")
    if value > MAX_SECONDS:
        raise UsageError(f"{option} {text}: at most {MAX_SECONDS:g} seconds")
    return value


def _pick(args: argparse.Namespace) -> Exchange:
    exchanges, issues = load_requests(args.file, args.record)
    if args.record is None and len(exchanges) != 1:
        with_errors = [e.source.record for e in exchanges if e.error is not None][:10]
        hint = f" (records with a logged error: {', '.join(map(str, with_errors))})" if with_errors else ""
        raise UsageError(f"{args.file} holds {len(exchanges)} requests; choose one with --record N{hint}")
    if not exchanges:
        raise UsageError(f"{args.file}: {issues[0] if issues else 'no request'}")
    return exchanges[0]


def _attempt_line(a: object) -> str:
    from tui.core.replay.engine import Attempt

    assert isinstance(a, Attempt)
    cls = f" [{a.error_class.value}]" if a.error_class else ""
    rid = f" {a.request_id}" if a.request_id else ""
    line = f"attempt {a.number}: {output.printable(a.message)}{cls} · {a.latency_ms:.0f} ms{rid}"
    if a.wait is not None:
        line += f"\n  waiting {a.wait:.2f} s ({a.wait_reason})"
    return line


def cmd_replay(args: argparse.Namespace) -> int:
    from tui.core.repair.planner import fix_payload
    from tui.core.replay.engine import ReplayOptions, count_tokens, quiet_sdk_logging
    from tui.core.replay.send import Preflight, offered_fix, send
    from tui.core.replay.policy import RetryPolicy

    err = output.console(sys.stderr)
    timeout = None if args.timeout is None else _seconds("--timeout", args.timeout, zero_ok=False)
    max_wait = _seconds("--max-wait", args.max_wait, zero_ok=True)
    ex = _pick(args)
    body = ex.request
    assert isinstance(body, dict)
    refusal = dialect_refusal(ex)
    if refusal and not args.convert:
        raise UsageError(f"{refusal}; add --convert to send it converted to an Anthropic request "
                         f"(`payload-doctor convert {args.file} --to anthropic` shows the result)")
    if refusal:
        body, notes = converted(ex, body)
        err.print(f"converted from {ex.dialect} to an Anthropic request"
                  + "".join(f"\n  {output.printable(n)}" for n in notes), style="yellow")
        ex = Exchange(source=ex.source, format=ex.format, request=body, headers=ex.headers)
    if args.fix or args.unsafe_fixes:
        res = fix_payload(body, unsafe=args.unsafe_fixes)
        body = res.fixed
        for a in res.applied:
            err.print(f"fixed {a.code} {output.printable(a.path)}: {output.printable(a.title)} "
                      f"[{a.applicability.value}]")
    pre = Preflight.of(ex, body)
    for line in pre.lines(_hint):
        err.print(output.printable(line), style="red")
    if pre.blocks(force=args.force, dry_run=args.dry_run):
        n = len(pre.errors)
        err.print(f"not sent: {n} error{'s' * (n != 1)} the API would reject "
                  f"(repair with --fix / --unsafe-fixes, or send anyway with --force)", style="bold red")
        return Exit.STRUCTURAL

    headers = send_headers(ex)
    err.print(f"sending with anthropic-version {headers['anthropic-version']}"
              + ("" if logged_api_version(ex) else " (the SDK's; the log has none)")
              + (f", anthropic-beta {output.printable(headers['anthropic-beta'])}" if "anthropic-beta" in headers
                 else ""), style="dim")
    opts = ReplayOptions(base_url=args.base_url, model=args.model, stream=args.stream,
                         policy=RetryPolicy(max_attempts=args.max_attempts, max_wait=max_wait),
                         timeout=timeout, headers=headers)
    quiet_sdk_logging()
    if args.dry_run:
        tokens, attempt = asyncio.run(count_tokens(body, opts))
        err.print(_attempt_line(attempt))
        if tokens is None:
            return {"structural": Exit.STRUCTURAL, "client": Exit.CLIENT}.get(
                attempt.error_class.value if attempt.error_class else "", Exit.TRANSIENT)
        err.print(pre.dry_run_summary(tokens), style="bold")
        print(json.dumps({"input_tokens": tokens}))
        return Exit.STRUCTURAL if pre.errors else Exit.OK

    from tui.core.redact import StreamRedactor

    def show(text: str) -> None:
        sys.stderr.write(output.printable(text))
        sys.stderr.flush()

    progress = StreamRedactor(show)  # a key can arrive split over two deltas

    def on_progress(text: str) -> None:
        progress.feed(text)

    from tui.core.replay.engine import ReplayResult

    result = ReplayResult(body)  # filled as attempts end, so Ctrl-C still has them to save
    try:
        asyncio.run(send(body, opts, on_attempt=lambda a: err.print(_attempt_line(a))
                           if a.wait is None else err.print(f"  waiting {a.wait:.2f} s ({a.wait_reason})"),
                           on_progress=on_progress if args.stream else None, result=result))
    except KeyboardInterrupt:
        # Every attempt sent may have been billed: keep the record, then exit as Ctrl-C does.
        if args.stream:
            sys.stderr.write("\n")
        if result.outcome != "cancelled":
            result.outcome, result.summary = "cancelled", "cancelled before the first attempt"
        err.print(f"cancelled: {output.printable(result.summary)}", style="bold red")
        _save(args, err, result, ex)
        return 130
    if args.stream:
        progress.close()
        sys.stderr.write("\n")
    style = "bold green" if result.outcome == "success" else "bold red"
    err.print(f"{result.outcome}: {output.printable(result.summary)}", style=style)
    if result.advice:
        err.print(output.printable(result.advice))
    fix = offered_fix(ex, body, result)
    if fix is not None and fix.fix is not None:
        err.print(f"offered fix: {fix.code} {output.printable(fix.dotted)}: {fix.fix.title} "
                  f"({fix.fix.applicability.value}; `payload-doctor fix {args.file}`)")
    _save(args, err, result, ex)
    if result.response is not None:
        from tui.core.display import escape_invisible_json
        from tui.core.redact import redact_text, redact_value
        from tui.core.replay.compare import compare_responses

        for d in compare_responses(ex.response, result.response):
            err.print(f"vs logged response: {d.field}: {output.printable(redact_text(str(d.logged)))} → "
                      f"{output.printable(redact_text(str(d.replayed)))}")
        response = result.response if args.no_redact else redact_value(result.response)
        print(escape_invisible_json(json.dumps(response, ensure_ascii=False, indent=2)))
    return result.exit_code


def _hint(f: Finding) -> str:
    """What the CLI user can do about a local error."""
    if f.fix is None:
        return f"no automatic fix; see `payload-doctor rule {f.code}`"
    return f"fix: {f.fix.title} ({'--fix' if f.fix.applicability.value == 'safe' else '--unsafe-fixes'})"


def _save(args: argparse.Namespace, err: Console, result: ReplayResult, ex: Exchange) -> None:
    """Append the attempts to the replay log (unless ``--save -``) and say so on stderr."""
    if args.save == "-":
        return
    log = Path(args.save) if args.save else default_log(args.file)
    err.print(output.printable(save(log, result, ex)))


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    r = sub.add_parser("replay", help="send a logged request to the API and show every attempt")
    r.add_argument("file", metavar="FILE")
    r.add_argument("--record", type=int, default=None, help="which record (0-based)")
    r.add_argument("--fix", action="store_true", help="apply safe fixes before sending")
    r.add_argument("--unsafe-fixes", action="store_true", help="apply all fixes before sending")
    r.add_argument("--force", action="store_true", help="send even if local checks find errors")
    r.add_argument("--convert", action="store_true",
                   help="an OpenAI request: convert it to an Anthropic request first (says what changed)")
    r.add_argument("--dry-run", action="store_true",
                   help="local checks + count_tokens (validates server-side without generating)")
    r.add_argument("--stream", action="store_true", help="stream the response (SSE) and show progress")
    r.add_argument("--model", help="send with this model instead of the logged one")
    r.add_argument("--max-attempts", type=positive_int, default=3, metavar="N", help="attempts in total (default 3)")
    # Parsed in cmd_replay (not by argparse), so a bad value is one line naming the option.
    r.add_argument("--max-wait", default="60", metavar="S",
                   help="total seconds to wait between attempts (default 60; 0 = never wait, so never retry)")
    r.add_argument("--timeout", default=None, metavar="S",
                   help="seconds one attempt may take, the whole response included, streamed or not "
                        "(default 60; for a large max_tokens, 28 s per 1,000 tokens, the SDK's estimate "
                        "of the worst case, up to 600)")
    r.add_argument("--base-url", help="API base URL (default: $ANTHROPIC_BASE_URL or the official one)")
    r.add_argument("--save", metavar="LOG", default=None,
                   help="append attempts to this JSONL log (default: <name>.replays.jsonl; '-' = none)")
    r.add_argument("--no-redact", action="store_true",
                   help="print the response with its secrets (the replay log is always redacted)")
    r.set_defaults(func=cmd_replay)
