"""Benchmark: the latency the proxy adds, as ratios in one run.

A minimal upstream on 127.0.0.1 (aiohttp, answering a canned Message at once: the test suite's
fake API sits on a 40 ms delayed-ACK floor that would hide everything) answers ``--calls``
requests (default 500) sent straight to it, then the same through ``payload-doctor proxy`` in
record mode and in block mode (a clean 20-message body: checked, then forwarded), all from one
keep-alive client.
Prints p50 and p99 of each and the proxy's added time.  Machines are noisy: read the ratios.
Usage: python bench/proxy_overhead.py [--calls 500]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PAYLOAD_DOCTOR_TODAY", "2026-12-07")


def body() -> bytes:
    msgs: list[dict[str, Any]] = [{"role": "user", "content": "Fix the failing test."}]
    for i in range(10):
        msgs.append({"role": "assistant", "content": [{"type": "tool_use", "id": f"toolu_{i:020d}", "name": "read_file",
                                                       "input": {"path": f"src/m{i}.py"}}]})
        msgs.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": f"toolu_{i:020d}",
                                                  "content": "def f():\n    return 1\n"}]})
    return json.dumps({"model": "claude-haiku-4-5-20251001", "max_tokens": 64, "messages": msgs[:-1] + [
        {"role": "user", "content": [msgs[-1]["content"][0], {"type": "text", "text": "go on"}]}]}).encode()


@contextmanager
def upstream(reply: bytes) -> Iterator[str]:
    import asyncio
    import threading

    from aiohttp import web

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=reply, content_type="application/json", headers={"request-id": "req_bench"})

    app = web.Application()
    app.router.add_post("/v1/messages", answer)
    loop = asyncio.new_event_loop()
    box: dict[str, Any] = {}
    ready = threading.Event()

    async def start() -> None:
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        box["runner"] = runner
        box["url"] = "http://%s:%d" % runner.addresses[0][:2]

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        ready.set()
        loop.run_forever()

    threading.Thread(target=run, daemon=True).start()
    ready.wait(10)
    try:
        yield box["url"]
    finally:
        asyncio.run_coroutine_threadsafe(box["runner"].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def main() -> None:
    import httpx2

    from tests.fakeapi import message
    from tui.proxy import ProxyConfig, running

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=500)
    args = ap.parse_args()
    raw = body()
    headers = {"content-type": "application/json", "x-api-key": "sk-ant-bench", "anthropic-version": "2023-06-01"}

    def timed(client: Any, url: str) -> list[float]:
        out = []
        for _ in range(args.calls):
            t = time.perf_counter()
            r = client.post(f"{url}/v1/messages", content=raw, headers=headers)
            r.read()
            out.append(time.perf_counter() - t)
            assert r.status_code == 200, r.text[:200]
        return out

    with upstream(json.dumps(message()).encode()) as api_url:
        rows = []
        with httpx2.Client(timeout=30) as c:
            timed(c, api_url)  # warm up
            rows.append(("direct to the upstream", percentiles(timed(c, api_url))))
            for mode in ("record", "block"):
                with running(ProxyConfig(upstream=api_url, mode=mode, stderr=io.StringIO())) as url:
                    timed(c, url)
                    rows.append((f"through the proxy, --mode {mode}", percentiles(timed(c, url))))
    base50, base99 = rows[0][1]
    print(f"{args.calls} calls of a {len(raw) / 1024:.1f} KB Messages request, one keep-alive client:")
    print(f"  {'':34} {'p50':>9} {'p99':>9}  {'added p50':>10}")
    for name, (p50, p99) in rows:
        print(f"  {name:34} {p50 * 1000:7.2f}ms {p99 * 1000:7.2f}ms  {(p50 - base50) * 1000:8.2f}ms")


if __name__ == "__main__":
    main()
