"""Benchmark: `check` of one request against its length, for the shapes that used to be quadratic.

Three generated conversations of N messages: clean tool use, every second tool result missing
(P001 once rescanned all later turns per missing result), and every tool id malformed (P007 once
scanned every block per bad id to build its rename fix).  Each size runs in a fresh process; the
CPU time is printed with its ratio to the smallest size of the same shape, measured in the same
run.  Linear work grows like N / N0.  Usage:
    python bench/check_scale.py [--sizes 2000,4000,8000,16000] [--ref REV] [--limit 120]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import scaling  # noqa: E402

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


def main() -> None:
    scaling.main(__doc__, CHILD, "2000,4000,8000,16000", SHAPES)

if __name__ == "__main__":
    main()
