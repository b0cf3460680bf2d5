"""Benchmark: opening a large JSONL log with LogIndex, as ratios to baselines measured in this run.

Generates two logs with bench/gen_log.py (``--mb``, default 1024, and a quarter of it), then runs
every measurement in a fresh child process, so each peak RSS is its own:

  * baseline ``line count`` -- read the file in 8 MB chunks and count ``b"\\n"`` in Python (the
    floor for any scan of the file from Python), and ``wc -l`` itself, for reference;
  * baseline ``json.loads`` -- parse every line (what loading the whole log costs);
  * ``first records`` -- ``LogIndex.open`` + the first scan step + parsing the first 20 records:
    what the TUI needs before it can show the first screen;
  * ``full index`` -- the scan to the end (offsets only, no parsing);
  * peak RSS of the index child on the small and on the big file.

Targets (issue 6): first records < 1 s, full index <= 2x the line count, memory independent of
file size.  Each time is the best of ``--repeat`` runs (the file is in the page cache after the
first); machines are noisy, so read the ratios.  ``--gzip`` adds the index of a gzip copy of the
small file, against its own baseline: decompressing and counting lines (``zcat | wc -l``).  Usage:
    python bench/index_throughput.py [--mb 1024] [--repeat 2] [--gzip]
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.gen_log import write_log  # noqa: E402

LINE_COUNT = """
import json, resource, sys, time
t = time.perf_counter(); n = 0
with open(sys.argv[1], "rb", buffering=0) as f:
    buf = bytearray(8 << 20)
    while (k := f.readinto(buf)):
        n += buf.count(b"\\n", 0, k)
secs = time.perf_counter() - t
print(json.dumps({"lines": n, "secs": secs, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

GZ_LINE_COUNT = """
import json, resource, sys, time, zlib
t = time.perf_counter(); n = 0
d = zlib.decompressobj(31)
with open(sys.argv[1], "rb", buffering=0) as f:
    while (data := f.read(256 << 10)):
        while data:
            n += d.decompress(data, 8 << 20).count(b"\\n")
            data = d.unconsumed_tail
secs = time.perf_counter() - t
print(json.dumps({"lines": n, "secs": secs, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

JSON_LOADS = """
import json, resource, sys, time
t = time.perf_counter(); n = 0
with open(sys.argv[1], "rb") as f:
    for line in f:
        if line.strip():
            json.loads(line); n += 1
secs = time.perf_counter() - t
print(json.dumps({"records": n, "secs": secs, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

INDEX = """
import json, resource, sys, time
from tui.core.index import LogIndex
from tui.core.model import Exchange
import tui.core.formats.registry  # imports are not part of the measurement
t0 = time.perf_counter()
idx = LogIndex.open(sys.argv[1])
steps = idx.scan()
next(steps)
first = [idx.record(i) for i in range(min(20, len(idx)))]
assert first and all(isinstance(r, Exchange) for r in first), first[:1]
t_first = time.perf_counter() - t0
t1 = time.perf_counter()
for _ in steps:
    pass
t_rest = time.perf_counter() - t1
t_full = time.perf_counter() - t0
last = idx.record(len(idx) - 1)
assert isinstance(last, Exchange), last
print(json.dumps({"records": len(idx), "first": t_first, "full": t_full, "rest": t_rest,
                  "offsets_bytes": len(idx) * 8,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def child(code: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return json.loads(out.stdout)


def best(code: str, path: Path, repeat: int, key: str) -> dict:
    runs = [child(code, path) for _ in range(repeat)]
    return min(runs, key=lambda r: r[key])


def wc(path: Path, repeat: int) -> float | None:
    """Seconds ``wc -l`` takes (best of ``repeat``), or None where there is no ``wc``."""
    import time

    if shutil.which("wc") is None:
        return None
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(["wc", "-l", str(path)], capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return min(times)


def measure(path: Path, repeat: int) -> dict:
    return {"count": best(LINE_COUNT, path, repeat, "secs"), "wc": wc(path, repeat),
            "loads": best(JSON_LOADS, path, repeat, "secs"),
            "index": best(INDEX, path, repeat, "full")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=1024.0, help="size of the big log (default 1024)")
    ap.add_argument("--repeat", type=int, default=2, help="runs per measurement (best is kept)")
    ap.add_argument("--gzip", action="store_true", help="also index a gzip copy of the small log")
    ap.add_argument("--dir", type=Path, default=None, help="where to write the logs (default: a temp dir)")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pd-bench-", dir=a.dir))
    try:
        big, small = tmp / "big.jsonl", tmp / "small.jsonl"
        n_big = write_log(big, a.mb)
        n_small = write_log(small, a.mb / 4)
        results = {"small": measure(small, a.repeat), "big": measure(big, a.repeat)}
        gz = None
        if a.gzip:
            gz_path = tmp / "small.jsonl.gz"
            with small.open("rb") as src, gzip.open(gz_path, "wb", compresslevel=6) as dst:
                shutil.copyfileobj(src, dst, 8 << 20)
            gz = best(INDEX, gz_path, a.repeat, "full")
            gz_count = best(GZ_LINE_COUNT, gz_path, a.repeat, "secs")
            gz_mb = gz_path.stat().st_size / 1e6
        mb_big, mb_small = big.stat().st_size / 1e6, small.stat().st_size / 1e6
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    for label, mb, n in (("small", mb_small, n_small), ("big", mb_big, n_big)):
        r = results[label]
        c, j, i = r["count"], r["loads"], r["index"]
        print(f"{label} log: {mb:.0f} MB, {n} records")
        print(f"  baseline line count: {c['secs']:7.2f} s  ({mb / c['secs']:7.0f} MB/s)")
        if r["wc"] is not None:
            print(f"  `wc -l` (reference): {r['wc']:7.2f} s  ({mb / r['wc']:7.0f} MB/s)")
        print(f"  baseline json.loads: {j['secs']:7.2f} s  ({mb / j['secs']:7.0f} MB/s)")
        print(f"  first records:       {i['first']:7.3f} s  = {i['first'] / c['secs']:.4f}x the line count "
              f"(target < 1 s)")
        print(f"  full index:          {i['full']:7.2f} s  = {i['full'] / c['secs']:.2f}x the line count, "
              f"{i['full'] / j['secs']:.2f}x json.loads (target <= 2x the line count)"
              + (f"; {i['full'] / r['wc']:.2f}x `wc -l`" if r["wc"] else ""))
    rb, rs = results["big"]["index"]["rss"], results["small"]["index"]["rss"]
    cb = results["big"]["count"]["rss"]
    print(f"peak RSS of the index: {rs / 1024:.0f} MiB on {mb_small:.0f} MB, {rb / 1024:.0f} MiB on "
          f"{mb_big:.0f} MB: ratio {rb / rs:.2f} for a {mb_big / mb_small:.1f}x larger file "
          f"(line-count child: {cb / 1024:.0f} MiB; offsets: {results['big']['index']['offsets_bytes'] / 1024:.0f} KiB)")
    if gz is not None:
        print(f"gzip ({gz_mb:.0f} MB compressed, {mb_small:.0f} MB of text): first records {gz['first']:.3f} s, "
              f"full index {gz['full']:.2f} s = {gz['full'] / gz_count['secs']:.2f}x decompressing and "
              f"counting lines ({gz_count['secs']:.2f} s), peak RSS {gz['rss'] / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
