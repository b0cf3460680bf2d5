"""Benchmark: `fix --unsafe-fixes` against the number of unanswered tool calls (issue 14).

Generates requests with N assistant tool calls that each lack their result (the P001 fix inserts
a synthetic one for every call), runs the planner on each in a fresh process, and prints the CPU
time per size with the ratio to the smallest size measured in the same run.  Linear work doubles
when N doubles (ratio ≈ N / N0); quadratic work quadruples.  Machines are noisy: read the ratios.
Usage:
    python bench/fix_scale.py [--sizes 250,500,1000,2000] [--ref REV]
With ``--ref`` the same sizes also run on a git revision (checked out in a temporary worktree),
bounded by ``--limit`` seconds a size.
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
n = int(sys.argv[1])
msgs = [{"role": "user", "content": "start"}]
for i in range(n):
    msgs.append({"role": "assistant", "content": [{"type": "tool_use", "id": f"toolu_{i:06d}", "name": "w", "input": {}}]})
    msgs.append({"role": "user", "content": f"no result {i}"})
body = {"model": "claude-haiku-4-5", "max_tokens": 64, "messages": msgs,
        "tools": [{"name": "w", "input_schema": {"type": "object"}}]}
from tui.core.repair.planner import fix_payload
t = time.process_time()
r = fix_payload(body, unsafe=True, max_rounds=10**6)
print(f"{time.process_time() - t:.4f} {len(r.applied)}")
"""


def run(tree: Path, n: int, limit: float) -> tuple[float, int] | None:
    env = {**os.environ, "PYTHONPATH": str(tree), "PAYLOAD_DOCTOR_TODAY": "2026-12-07"}
    try:
        out = subprocess.run([sys.executable, "-c", CHILD, str(n)], capture_output=True, text=True, check=True,
                             env=env, cwd=tree, timeout=limit)
    except subprocess.TimeoutExpired:
        return None
    secs, applied = out.stdout.split()
    return float(secs), int(applied)


def report(label: str, tree: Path, sizes: list[int], limit: float) -> None:
    base: float | None = None
    for n in sizes:
        got = run(tree, n, limit)
        if got is None:
            print(f"{label:>10}  N={n:>6}: over {limit:g} s (stopped)")
            continue
        secs, applied = got
        base = base if base is not None else max(secs, 1e-4)
        print(f"{label:>10}  N={n:>6}: {secs:7.2f} s CPU, {applied} fixes, {secs / base:6.1f}x the N={sizes[0]} time "
              f"(linear would be {n / sizes[0]:.0f}x)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="250,500,1000,2000")
    ap.add_argument("--ref", help="a git revision to run the same sizes on")
    ap.add_argument("--limit", type=float, default=120.0, help="seconds a size may take")
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
