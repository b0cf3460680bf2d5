"""`payload-doctor proxy`: argument parsing and start-up for :mod:`tui.proxy`."""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from tui.cli.common import Exit, UsageError

MODE_HELP = ("record: log only (default); warn: check and log the findings; block: answer a request with "
             "error findings with the API's 400 envelope, never sending it; repair: send it with its safe fixes")


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("proxy", help="a recording, pre-flight proxy: ANTHROPIC_BASE_URL=http://127.0.0.1:8788")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8788)
    p.add_argument("--upstream", default="https://api.anthropic.com", help="where calls go (default: %(default)s)")
    p.add_argument("--log", metavar="FILE.jsonl", type=Path, help="append one native JSONL exchange per call")
    p.add_argument("--mode", default="record", choices=("record", "warn", "block", "repair"), help=MODE_HELP)
    p.set_defaults(func=cmd_proxy)


def cmd_proxy(args: argparse.Namespace) -> int:
    try:
        from tui.proxy import ProxyConfig, serve
    except ImportError as exc:  # the server stack is the optional `proxy` extra
        raise UsageError(f"the proxy needs aiohttp: pip install 'payload-doctor[proxy]' ({exc})") from exc
    if args.log is not None and args.log.is_dir():
        raise UsageError(f"--log {args.log}: is a directory; give a .jsonl file to append to")
    try:
        serve(args.host, args.port, ProxyConfig(upstream=args.upstream, mode=args.mode, log=args.log))
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES) or "address already in use" in str(exc).lower():
            raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc} "
                             f"(another proxy running? choose one with --port)") from exc
        raise
    print("payload-doctor proxy: stopped", file=sys.stderr)
    return Exit.OK
