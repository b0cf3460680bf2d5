"""The package installs beside its users' own pins (issue 12, "Installable next to the user's own
code"): runtime dependencies are ranges, CI's exact versions live in a lock file, and the lowest
versions the ranges allow are written down and kept true."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["proxy"]]
SPEC = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)>=(?P<low>[\d.]+),<(?P<high>[\d.]+)$")


def _pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            out[name.lower().replace("_", "-")] = version.strip()
    return out


def _version(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def test_runtime_dependencies_are_ranges_with_both_bounds():
    for dep in RUNTIME:
        assert SPEC.match(dep), f"{dep!r}: a runtime dependency is a range '>=low,<next-major', not a pin"


def test_lowest_txt_holds_exactly_the_lower_bounds():
    lowest = _pins(ROOT / "requirements" / "lowest.txt")
    bounds = {m["name"].lower(): m["low"] for m in map(SPEC.match, RUNTIME) if m}
    assert lowest == bounds


def test_the_lock_satisfies_every_range():
    lock = _pins(ROOT / "requirements" / "lock.txt")
    for m in map(SPEC.match, RUNTIME):
        assert m is not None
        got = lock.get(m["name"].lower())
        assert got is not None, f"{m['name']} is not in requirements/lock.txt"
        assert _version(m["low"]) <= _version(got) < _version(m["high"]), (m["name"], got)
