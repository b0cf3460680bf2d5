"""Fuzz the CLI entry points with mutations of every sample: never an ``internal error``.

Hypothesis picks a sample, a node in one of its records and a JSON value of any type to put
there (or a key to drop), writes the mutant, and runs ``check``, ``fix --unsafe-fixes`` and
``export``.  The suite runs strict (``PAYLOAD_DOCTOR_STRICT=1``), so a crash anywhere raises
here instead of being turned into a polite line.  Examples are bounded and derandomized, so
CI runs the same mutations every time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.hardening.conftest import SAMPLES, cli, fuzz_settings

FILES = [p for p in sorted(SAMPLES.rglob("*")) if p.is_file() and p.suffix in (".json", ".jsonl", ".har")]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _nodes(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _nodes(v, (*path, i))
    return out


def _records(path: Path) -> tuple[list[Any], bool]:
    text = path.read_text("utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()], True
    return [json.loads(text)], False


@st.composite
def mutants(draw: st.DrawFn) -> tuple[str, str]:
    path = draw(st.sampled_from(FILES))
    records, is_jsonl = _records(path)
    r = draw(st.integers(0, len(records) - 1))
    nodes = _nodes(records[r])
    if nodes:
        where = draw(st.sampled_from(nodes))
        parent: Any = records[r]
        for p in where[:-1]:
            parent = parent[p]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[where[-1]]
        else:
            parent[where[-1]] = draw(json_values)
    body = "".join(json.dumps(x) + "\n" for x in records) if is_jsonl else json.dumps(records[0])
    return path.suffix, body


@pytest.mark.deadline(600)
@fuzz_settings(400)
@given(mutant=mutants())
def test_no_mutation_of_a_sample_is_an_internal_error(capsys, tmp_path, mutant):
    suffix, body = mutant
    src = tmp_path / f"mutant{suffix}"
    src.write_text(body, "utf-8")
    for argv in (("check", src, "--format", "json"), ("fix", src, "--unsafe-fixes", "-o", tmp_path / f"out{suffix}",
                                                       "--force"), ("export", src, "--record", 0, "--as", "curl")):
        run = cli(capsys, *argv)
        assert run.rc in (0, 1, 2) and "internal error" not in run.err, (argv[0], run.err[-500:])


def test_a_reader_bug_on_one_record_is_a_load_issue_outside_the_test_suite(monkeypatch):
    from tui.core.formats.base import guarded
    from tui.core.model import LoadIssue, Source

    def reader(value, source):
        raise TypeError(f"'bool' object is not iterable near sk-ant-api03-{'k' * 90}")
        yield  # pragma: no cover

    monkeypatch.delenv("PAYLOAD_DOCTOR_STRICT", raising=False)
    [issue] = list(guarded(reader, {"events": True}, Source("trace.jsonl", 4, 5)))
    assert isinstance(issue, LoadIssue) and str(issue).startswith("trace.jsonl:5: could not be read")
    assert "sk-ant-api03-kkkk" not in str(issue)
    monkeypatch.setenv("PAYLOAD_DOCTOR_STRICT", "1")
    with pytest.raises(TypeError):
        list(guarded(reader, {}, Source("trace.jsonl", 4, 5)))
