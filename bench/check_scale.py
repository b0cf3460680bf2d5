"""Benchmark: `check` of one request against its length, for the shapes that used to be quadratic.

Three generated conversations of N messages: clean tool use, every second tool result missing
(P001 once rescanned all later turns per missing result), and every tool id malformed (P007 once
scanned every block per bad id to build its rename fix).  Each size runs in a fresh process; the
CPU time is printed with its ratio to the smallest size of the same shape, measured in the same
run.  Linear work grows like N / N0.  Usage:
    python bench/check_scale.py [--sizes 2000,4000,8000,16000] [--ref REV] [--limit 120]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, time
shape, n = sys.argv[1], int(sys.argv[2])
msgs = [{"role": "user", "content": "start"}]
for i in range(n // 2):
    tid = f"call:{i}" if shape == "bad-ids" else f"toolu_{i:08d}"
    msgs.append({"role": "assistant", "content": [{"type": "tool_use", "id": tid, "name": "w", "input": {}}]})
    if shape == "missing" and i % 2:
        msgs.append({"role": "user", "content": f"no result {i}"})
    else:
        msgs.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": tid, "content": "ok"}]})
body = {"model": "claude-haiku-4-5", "max_tokens": 64, "messages": msgs,
        "tools": [{"name": "w", "input_schema": {"type": "object"}}]}
from tui.core.check import check_request
t = time.process_time()
fs = check_request(body)
print(f"{time.process_time() - t:.4f} {len(fs)}")
"""

SHAPES = ("clean", "missing", "bad-ids")


def run(tree: Path, shape: str, n: int, limit: float) -> tuple[float, int] | None:
    env = {**os.environ, "PYTHONPATH": str(tree), "PAYLOAD_DOCTOR_TODAY": "2026-12-07"}
    try:
        out = subprocess.run([sys.executable, "-c", CHILD, shape, str(n)], capture_output=True, text=True,
                             check=True, env=env, cwd=tree, timeout=limit)
    except subprocess.TimeoutExpired:
        return None
    secs, found = out.stdout.split()
    return float(secs), int(found)


def report(label: str, tree: Path, sizes: list[int], limit: float) -> None:
    for shape in SHAPES:
        base: float | None = None
        for n in sizes:
            got = run(tree, shape, n, limit)
            if got is None:
                print(f"{label:>10} {shape:>8} N={n:>6}: over {limit:g} s (stopped)")
                break
            secs, found = got
            base = base if base is not None else max(secs, 1e-4)
            print(f"{label:>10} {shape:>8} N={n:>6}: {secs:7.2f} s CPU, {found:>6} findings, "
                  f"{secs / base:6.1f}x the N={sizes[0]} time (linear would be {n / sizes[0]:.0f}x)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="2000,4000,8000,16000")
    ap.add_argument("--ref", help="a git revision to run the same sizes on")
    ap.add_argument("--limit", type=float, default=120.0, help="seconds one size may take")
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")]
    report("this tree", HERE, sizes, a.limit)
    if a.ref:
        with tempfile.TemporaryDirectory() as tmp:
            ref = Path(tmp) / "ref"
            subprocess.run(["git", "-C", str(HERE), "worktree", "add", "--detach", str(ref), a.ref],
                           check=True, capture_output=True)
            try:
                report(a.ref, ref, sizes, a.limit)
            finally:
                subprocess.run(["git", "-C", str(HERE), "worktree", "remove", "--force", str(ref)],
                               capture_output=True)


if __name__ == "__main__":
    main()
