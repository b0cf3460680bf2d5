"""Benchmark: what the in-process guard (tui.guard) adds to a call, as ratios in one run.

A 100-message request (tool calls and results, ~60 KB) is sent 200 times through the real
`anthropic` client to an in-process transport that answers at once (no network, so the numbers
are the client's own work): unguarded, then guarded in `block` mode (the check, nothing to fix).
Prints the medians and the ratio of the guard's added time to the SDK's own per-call time, and
the check alone.  Machines are noisy: read the ratios.  Usage: python bench/guard_overhead.py [--calls 200]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PAYLOAD_DOCTOR_TODAY", "2026-12-07")

MODEL = "claude-haiku-4-5-20251001"
REPLY = {"id": "msg_01Bench", "type": "message", "role": "assistant", "model": MODEL,
         "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn", "stop_sequence": None,
         "usage": {"input_tokens": 10, "output_tokens": 1}}


def messages(n: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"role": "user", "content": "Fix the failing test in src/invoice.py."}]
    for i in range((n - 1) // 2):
        out.append({"role": "assistant", "content": [{"type": "text", "text": f"Step {i}: reading a file. " * 8},
                                                     {"type": "tool_use", "id": f"toolu_{i:020d}", "name": "read_file",
                                                      "input": {"path": f"src/module_{i}.py"}}]})
        out.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": f"toolu_{i:020d}",
                                                 "content": "def f():\n    return 1\n" * 10}]})
    return out


def main() -> None:
    import anthropic
    import httpx2

    from tui.guard import check_request, guard

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=200)
    args = ap.parse_args()
    body = json.dumps(REPLY).encode()
    transport = httpx2.MockTransport(lambda request: httpx2.Response(200, content=body,
                                                                     headers={"content-type": "application/json"}))
    plain = anthropic.Anthropic(api_key="sk-ant-bench", http_client=httpx2.Client(transport=transport), max_retries=0)
    guarded = guard(plain, mode="block")
    tools = [{"name": "read_file", "description": "Read a file", "input_schema": {
        "type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}}]
    msgs = messages(101)
    params = {"model": MODEL, "max_tokens": 256, "tools": tools, "messages": msgs}

    def timed(fn: Any) -> float:
        times = []
        for _ in range(args.calls):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    for c in (plain, guarded):  # warm up imports and caches
        c.messages.create(**params)
    sdk = timed(lambda: plain.messages.create(**params))
    with_guard = timed(lambda: guarded.messages.create(**params))
    check = timed(lambda: check_request(params))
    print(f"a {len(msgs)}-message request ({len(json.dumps(params)) / 1024:.0f} KB), {args.calls} calls, median:")
    print(f"  SDK call (request building, sending, parsing): {sdk * 1000:8.2f} ms")
    print(f"  the same call through guard(mode='block'):      {with_guard * 1000:8.2f} ms")
    print(f"  check_request alone:                            {check * 1000:8.2f} ms")
    print(f"  guard's added time / SDK's own time:            {(with_guard - sdk) / sdk:8.2f}x")


if __name__ == "__main__":
    main()
