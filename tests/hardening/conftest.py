"""Hardening tests (issue 7): hostile inputs, terminal safety, secrets, nothing lost, bounds.

Every hostile input is generated here, never checked in.  Every test runs under a deadline
(``signal.setitimer``: no plugin), so a hang fails the test instead of the suite; the big inputs
run the real CLI in a subprocess with its address space capped (``RLIMIT_AS``), so reading a
2 GB file into memory fails the test instead of the machine.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tui.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_payloads"
MODEL = "claude-haiku-4-5-20251001"
DEFAULT_DEADLINE = 60.0
MEMORY_CAP = 1 << 30
"""Address space of a CLI run on a big input: half of the 2 GB file, so reading it whole fails."""


def fuzz_settings(examples: int):  # type: ignore[no-untyped-def]
    """Hypothesis settings of the CLI fuzzers: bounded, derandomized (CI runs the same inputs
    every time), no example database, no per-example deadline (the test has its own)."""
    from hypothesis import HealthCheck, settings

    return settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])


def request(text: str = "What is the weather in Paris?", **extra: Any) -> dict[str, Any]:
    return {"model": MODEL, "max_tokens": 256, "messages": [{"role": "user", "content": text}], **extra}


class DeadlineExceeded(Exception):
    pass


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "deadline(seconds): fail the test if it runs longer")


@pytest.fixture(autouse=True)
def deadline(request: pytest.FixtureRequest):
    """Fail (do not hang) after the test's deadline: ``@pytest.mark.deadline(s)`` or 60 s."""
    mark = request.node.get_closest_marker("deadline")
    seconds = float(mark.args[0]) if mark else DEFAULT_DEADLINE

    def expired(signum: int, frame: Any) -> None:
        raise DeadlineExceeded(f"{request.node.name} ran longer than its {seconds:g} s deadline")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield seconds
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@dataclass
class Run:
    rc: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [ln for ln in self.err.splitlines() if ln.strip()]


def cli(capsys: pytest.CaptureFixture[str], *argv: Any) -> Run:
    """The CLI in-process (fast): exit code, stdout, stderr.  An exception is a test failure."""
    rc = main([str(a) for a in argv])
    got = capsys.readouterr()
    return Run(rc, got.out, got.err)


def _cap_memory() -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def cli_subprocess(*argv: Any, timeout: float = 60, cwd: Path | None = None,
                   env: dict[str, str] | None = None, memory_cap: bool = True) -> Run:
    """The real CLI in a child process, memory-capped and time-bounded (``timeout=``)."""
    proc = subprocess.run([sys.executable, "-m", "tui", *map(str, argv)], capture_output=True,
                          timeout=timeout, cwd=cwd, env={**os.environ, **(env or {})},
                          preexec_fn=_cap_memory if memory_cap else None)
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


def assert_clear_failure(run: Run, name: str, *, code: int = 2) -> None:
    """Exit ``code``; stderr is one line per problem, each naming the file; never a traceback."""
    assert run.rc == code, (run.rc, run.err[-2000:])
    assert "Traceback" not in run.err and "Traceback" not in run.out, run.err[-3000:]
    assert run.err_lines, "no message at all"
    problems = [ln for ln in run.err_lines if name in ln]
    assert problems, f"no stderr line names {name}: {run.err_lines}"


def jsonl(*values: Any) -> str:
    return "".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values)
