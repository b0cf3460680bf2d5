"""Benchmark: the app's first screen and key latency on a 5,000-message conversation, and its first
rows on a large log, each as a ratio to a baseline measured in the same run (pilot-driven, headless).

Generates its own data, in a temporary directory:
  * conversation: one request of ``--messages`` messages (default 5,000, ~1.2 MB) against the
    same request cut to 10 messages: time until the conversation is drawn (a long one is drawn
    before its check ends), time to the first screen with its findings, then the median latency of
    ``down`` in the tree, of ``n`` (next finding) and of selecting the ``messages`` node;
  * log: ``--size`` MB of native JSONL (default 200; ``--size 1024`` for 1 GB) written with
    bench/gen_log.py: time until the exchange list shows its first rows and an exchange is open,
    against ``json.loads`` of every line of the same file (what a viewer that parses first pays).
Machines are noisy (and shared): read the ratios, not the absolute times.  Usage:
    python bench/app_speed.py [--messages 5000] [--size 200] [--skip-log]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PAYLOAD_DOCTOR_TODAY", "2026-12-07")

SECRET = "sk-ant-api03-" + "BENCHLEAK" + "q" * 80 + "AAAA"
"""Planted in the last message: tests check it is never drawn, however the list is cut."""
SIZE = (160, 48)


def conversation(n: int, *, secret: str = SECRET) -> dict[str, Any]:
    """A request of ``n`` messages: user text, assistant text + tool_use, and tool_results that
    answer every other call (so there are findings to jump to); ``secret`` sits in the last one."""
    msgs: list[dict[str, Any]] = []
    for i in range(n):
        if i % 2 == 1:
            msgs.append({"role": "assistant", "content": [
                {"type": "text", "text": f"Turn {i}: I will read the file. " * 4},
                {"type": "tool_use", "id": f"toolu_{i:08d}", "name": "read_file",
                 "input": {"path": f"src/module_{i}.py"}}]})
        elif i and i % 4 == 0:
            msgs.append({"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": f"toolu_{i - 1:08d}", "content": "def f():\n    return 1\n" * 8}]})
        else:
            msgs.append({"role": "user", "content": f"message {i}: please look at the invoice total " * 5})
    last = msgs[-1]
    if isinstance(last["content"], str):
        last["content"] += f" my key is {secret}"
    else:
        last["content"].append({"type": "text", "text": f"my key is {secret}"})
    return {"model": "claude-haiku-4-5-20251001", "max_tokens": 1024, "messages": msgs}


async def _conversation_times(path: Path, repeat: int) -> dict[str, float]:
    from tui.app.app import PayloadDoctorApp
    from tui.app.widgets.conversation import ConversationTree

    app = PayloadDoctorApp(str(path))
    t0 = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        tree = app.query_one(ConversationTree)
        while not tree.root.children:  # the conversation is drawn (a long one before its check ends)
            await pilot.pause(0.005)
        drawn = time.perf_counter() - t0
        await app.workers.wait_for_complete()
        await pilot.pause()
        out = {"conversation drawn": drawn, "first screen": time.perf_counter() - t0}

        async def timed(action: Any) -> float:
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                await action()
                await pilot.pause()
                times.append(time.perf_counter() - t)
            return statistics.median(times)

        out["down (tree)"] = await timed(lambda: pilot.press("down"))
        out["n (next finding)"] = await timed(lambda: pilot.press("n"))

        async def select_messages() -> None:
            tree.reveal(("request", "messages", 0))
            await pilot.pause()
            await pilot.press("up")  # onto `messages`: the detail pane draws the whole list

        out["select messages"] = await timed(select_messages)
    return out


def _first_rows(path: Path) -> float:
    from tui.app.app import PayloadDoctorApp

    async def run() -> float:
        app = PayloadDoctorApp(str(path))
        t0 = time.perf_counter()
        async with app.run_test(size=SIZE) as pilot:
            while app.index is None or app.session is None or not app.session.summaries:
                await pilot.pause(0.005)
            await pilot.pause()
            took = time.perf_counter() - t0
            for w in list(app.workers):
                w.cancel()
            return took

    return asyncio.run(run())


def _parse_all(path: Path) -> float:
    t0 = time.perf_counter()
    with path.open("rb") as f:
        for line in f:
            if line.strip():
                json.loads(line)
    return time.perf_counter() - t0


def _report(title: str, base_name: str, base: dict[str, float], big: dict[str, float]) -> None:
    print(title)
    print(f"  {'':22} {base_name:>12} {'measured':>12} {'ratio':>7}")
    for key, value in big.items():
        b = base[key]
        print(f"  {key:22} {b * 1000:10.0f}ms {value * 1000:10.0f}ms {value / b:6.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=5000)
    ap.add_argument("--size", type=float, default=200, help="log size in MB (1024 for 1 GB)")
    ap.add_argument("--repeat", type=int, default=5, help="key presses per median")
    ap.add_argument("--skip-log", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp) / "small.json", Path(tmp) / "big.json"
        small.write_text(json.dumps(conversation(10)))
        big.write_text(json.dumps(conversation(a.messages)))
        asyncio.run(_conversation_times(small, 1))  # warm imports and caches for both runs
        base = asyncio.run(_conversation_times(small, a.repeat))
        measured = asyncio.run(_conversation_times(big, a.repeat))
        _report(f"conversation: {a.messages:,} messages ({big.stat().st_size / 2**20:.1f} MB) vs 10 messages",
                "10 msgs", base, measured)
        if a.skip_log:
            return
        from bench.gen_log import write_log

        log = Path(tmp) / "log.jsonl"
        t = time.perf_counter()
        n = write_log(log, a.size)
        print(f"log: {n:,} records, {log.stat().st_size / 2**20:,.0f} MB (generated in {time.perf_counter() - t:.0f} s)")
        parse = _parse_all(log)
        rows = _first_rows(log)
        _report("", "json.loads", {"first rows": parse}, {"first rows": rows})


if __name__ == "__main__":
    main()
