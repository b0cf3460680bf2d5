"""What the scaling benchmarks share: run a child script on this tree or on a git revision (in a
temporary worktree), one size per fresh process, and print each time as a ratio to the smallest."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def tree_at(ref: str) -> Iterator[Path]:
    """A checkout of ``ref`` in a temporary git worktree, removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ref"
        subprocess.run(["git", "-C", str(HERE), "worktree", "add", "--detach", str(path), ref],
                       check=True, capture_output=True)
        try:
            yield path
        finally:
            subprocess.run(["git", "-C", str(HERE), "worktree", "remove", "--force", str(path)],
                           capture_output=True)


def run_child(child: str, tree: Path, args: Sequence[str], limit: float) -> list[str] | None:
    """The child's printed words, or None when it ran past ``limit`` seconds."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PAYLOAD_DOCTOR_TODAY": "2026-12-07"}
    try:
        out = subprocess.run([sys.executable, "-c", child, *args], capture_output=True, text=True,
                             check=True, env=env, cwd=tree, timeout=limit)
    except subprocess.TimeoutExpired:
        return None
    return out.stdout.split()


def report(label: str, child: str, tree: Path, sizes: Sequence[int], limit: float, *,
           prefix: Sequence[str] = (), what: str = "findings") -> None:
    """One line per size: CPU seconds (the child's first word), its count (the second), and the
    ratio to the first size's time; stops at the first size over ``limit``."""
    base: float | None = None
    tag = " ".join(prefix)
    for n in sizes:
        got = run_child(child, tree, [*prefix, str(n)], limit)
        if got is None:
            print(f"{label:>10} {tag:>8} N={n:>6}: over {limit:g} s (stopped)")
            break
        secs, count = float(got[0]), int(got[1])
        base = base if base is not None else max(secs, 1e-4)
        print(f"{label:>10} {tag:>8} N={n:>6}: {secs:7.2f} s CPU, {count:>6} {what}, "
              f"{secs / base:6.1f}x the N={sizes[0]} time (linear would be {n / sizes[0]:.0f}x)")


def main(doc: str, child: str, default_sizes: str, shapes: Sequence[str] = ("",), what: str = "findings") -> None:
    """The command line both scaling benchmarks share: ``--sizes``, ``--ref``, ``--limit``."""
    import argparse

    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default=default_sizes)
    ap.add_argument("--ref", help="a git revision to run the same sizes on")
    ap.add_argument("--limit", type=float, default=120.0, help="seconds one size may take")
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")]

    def all_shapes(label: str, tree: Path) -> None:
        for shape in shapes:
            report(label, child, tree, sizes, a.limit, prefix=[shape] if shape else [], what=what)

    all_shapes("this tree", HERE)
    if a.ref:
        with tree_at(a.ref) as ref:
            all_shapes(a.ref, ref)
