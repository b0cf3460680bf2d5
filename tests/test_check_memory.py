"""`check --format json` streams its findings (issue 13 §1): peak memory does not grow with the
number of findings.  Measured as a ratio in one run (peak RSS of the real CLI on a log 8x larger,
with 8x the findings), never as an absolute size."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

WRAPPER = ("import resource, subprocess, sys\n"
           "with open(sys.argv[1], 'w') as out:\n"
           "    rc = subprocess.run([sys.executable, '-m', 'tui', 'check', '--format', 'json', sys.argv[2]],\n"
           "                        stdout=out, stderr=subprocess.DEVNULL).returncode\n"
           "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")


def _log(path: Path, mb: float) -> int:
    """Records of 40 messages, each with an empty-looking text block: 20 C002 findings a record."""
    n = size = 0
    with path.open("w") as f:
        while size < mb * 2**20:
            msgs = [{"role": "user" if j % 2 == 0 else "assistant",
                     "content": [{"type": "text", "text": f"turn {n}.{j} " + "x" * 40}, {"type": "text", "text": " "}]}
                    for j in range(40)]
            line = json.dumps({"request": {"model": "claude-haiku-4-5-20251001", "max_tokens": 256,
                                           "messages": msgs}}) + "\n"
            f.write(line)
            size += len(line)
            n += 1
    return n


def _peak_kib(log: Path, out: Path) -> int:
    """Peak RSS of one `check --format json` run, measured by a fresh parent that has no other child."""
    env = {**os.environ, "PAYLOAD_DOCTOR_TODAY": "2026-12-07"}
    got = subprocess.run([sys.executable, "-c", WRAPPER, str(out), str(log)], capture_output=True, text=True,
                         timeout=300, env=env, check=True).stdout.split()
    assert got[0] == "1"  # findings were found
    return int(got[1])


def test_json_report_memory_stays_flat_as_findings_grow(tmp_path: Path) -> None:
    small, big = tmp_path / "small.jsonl", tmp_path / "big.jsonl"
    n_small, n_big = _log(small, 1), _log(big, 8)
    small_kib = _peak_kib(small, tmp_path / "small.json")
    big_kib = _peak_kib(big, tmp_path / "big.json")
    doc = json.loads((tmp_path / "big.json").read_text())
    assert len(doc["findings"]) >= 20 * n_big > 8 * 20 * n_small * 0.9  # 8x the findings, all written
    assert sum(doc["summary"].values()) == len(doc["findings"]) and doc["files"][0]["records"] == n_big
    # Keeping every finding until the end grew about 4 KiB per finding (5.7x here); streaming stays flat.
    assert big_kib <= 1.3 * small_kib, (small_kib, big_kib)
