"""Benchmark: `check` of this tree against the same check of an earlier revision, same data.

A rule change (issue 16 rewrote the shape rules to read generated data) must not make ``check``
slower.  This script generates one log (bench/gen_log.py), checks it with every rule in fresh
processes — once with this working tree, once with ``--ref`` (a git revision, checked out into a
temporary worktree) — alternating the two ``--rounds`` times, and prints the best time of each
and their ratio, with the json.loads time of the same file as the usual baseline.  Machines are
noisy: read the ratio, not the absolute times.  Usage:
    python bench/check_vs_ref.py --ref 30f5e17 [--mb 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))
from bench.check_throughput import CHILD, baseline  # noqa: E402
from bench.gen_log import write_log  # noqa: E402


def run(tree: Path, log: Path) -> tuple[int, int, float]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PAYLOAD_DOCTOR_TODAY": "2026-12-07"}
    out = subprocess.run([sys.executable, "-c", CHILD, str(log)], capture_output=True, text=True,
                         check=True, env=env, cwd=tree)
    n, f, secs, _ = out.stdout.split()
    return int(n), int(f), float(secs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", required=True, help="the git revision to compare with (e.g. 30f5e17)")
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ref_tree = Path(tmp) / "ref"
        subprocess.run(["git", "-C", str(HERE), "worktree", "add", "--detach", "-q", str(ref_tree), a.ref],
                       check=True)
        try:
            log = Path(tmp) / "log.jsonl"
            records = write_log(log, a.mb)
            mb = log.stat().st_size / 1e6
            base = min(baseline(log) for _ in range(2))
            now_t: list[float] = []
            ref_t: list[float] = []
            for _ in range(a.rounds):
                n_ref, f_ref, t = run(ref_tree, log)
                ref_t.append(t)
                n_now, f_now, t = run(HERE, log)
                now_t.append(t)
        finally:
            subprocess.run(["git", "-C", str(HERE), "worktree", "remove", "--force", str(ref_tree)], check=False)
    print(f"log: {mb:.1f} MB, {records} records; json.loads {base:.2f} s")
    print(f"ref {a.ref}: {min(ref_t):6.2f} s best of {a.rounds} ({min(ref_t) / base:.1f}x json.loads), "
          f"{n_ref} exchanges, {f_ref} findings")
    print(f"this tree:   {min(now_t):6.2f} s best of {a.rounds} ({min(now_t) / base:.1f}x json.loads), "
          f"{n_now} exchanges, {f_now} findings")
    print(f"ratio this/ref: {min(now_t) / min(ref_t):.2f} (below 1.00 = faster)")


if __name__ == "__main__":
    main()
