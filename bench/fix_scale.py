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

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import scaling  # noqa: E402

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


def main() -> None:
    scaling.main(__doc__, CHILD, "250,500,1000,2000", what="fixes")

if __name__ == "__main__":
    main()
