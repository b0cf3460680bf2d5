"""Benchmark: `check` streams a large JSONL log; throughput as a ratio to plain json.loads.

Generates its own data (bench/gen_log.py), measures in the same run:
  * baseline — ``json.loads`` of every line (result discarded);
  * check    — ``payload-doctor check`` core path: load + every rule, findings discarded;
  * peak RSS of ``check`` in a fresh process on a small and on a 4x larger file, to show memory
    does not grow with the file.
Machines are noisy: read the ratios, not the absolute times.  Usage:
    python bench/check_throughput.py [--mb 100]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.gen_log import write_log  # noqa: E402

CHILD = """
import resource, sys, time
from tui.core.check import check_exchange
from tui.core.formats import open_log
from tui.core.model import LoadIssue
from tui.core.rules.registry import select_rules
rules = select_rules()
t = time.perf_counter(); n = f = 0
for rec in open_log(sys.argv[1]):
    if isinstance(rec, LoadIssue): continue
    n += 1; f += len(check_exchange(rec, rules))
print(n, f, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def baseline(path: Path) -> float:
    t = time.perf_counter()
    with path.open("rb") as fh:
        for line in fh:
            if line.strip():
                json.loads(line)
    return time.perf_counter() - t


def check_run(path: Path) -> tuple[int, int, float, int]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
    n, f, secs, rss = out.stdout.split()
    return int(n), int(f), float(secs), int(rss)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=100.0)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "big.jsonl", Path(tmp) / "small.jsonl"
        records = write_log(big, a.mb)
        write_log(small, a.mb / 4)
        mb = big.stat().st_size / 1e6
        base = min(baseline(big) for _ in range(2))
        n, findings, secs, rss_big = check_run(big)
        _, _, _, rss_small = check_run(small)
    print(f"log: {mb:.1f} MB, {records} records, {findings} findings")
    print(f"json.loads baseline: {mb / base:8.1f} MB/s")
    print(f"check (all rules):   {mb / secs:8.1f} MB/s   = {base / secs:.2f}x the baseline throughput "
          f"({secs / base:.1f}x its time)")
    print(f"peak RSS: {rss_small / 1024:.0f} MiB on {mb / 4:.0f} MB, {rss_big / 1024:.0f} MiB on {mb:.0f} MB "
          f"(ratio {rss_big / rss_small:.2f} for a 4x larger file)")


if __name__ == "__main__":
    main()
