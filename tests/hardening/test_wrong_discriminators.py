"""Wrong-typed discriminators in every sample: a ``role`` or ``type`` that is a list or an object.

Format detection and loaders read ``role`` and ``type`` before any rule does; an unhashable value
there (``{"role": []}``) once made detection raise, so every command died with ``internal error``
and the good records of the same file were not checked.  Here each sample gets one such mutation
at a time, at the first discriminators of each file, and ``check``, ``fix`` and ``export`` must
answer with findings or a one-line load error (the suite runs strict: a crash fails the test).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hardening.conftest import SAMPLES, cli, request

KEYS = ("role", "type")
WRONG = ([], {})
PER_FILE = 6


def _discriminators(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k in KEYS and isinstance(v, str):
                yield (*path, k)
            yield from _discriminators(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _discriminators(v, (*path, i))


def _set(doc: Any, path: tuple[Any, ...], new: Any) -> None:
    for p in path[:-1]:
        doc = doc[p]
    doc[path[-1]] = new


def _samples() -> Iterator[Path]:
    for p in sorted(SAMPLES.rglob("*")):
        if p.is_file() and p.suffix in (".json", ".jsonl", ".har"):
            yield p


def mutants(path: Path) -> Iterator[tuple[str, str]]:
    """``(label, text)`` of the sample with one discriminator made wrong-typed."""
    text = path.read_text("utf-8")
    if path.suffix == ".jsonl":
        lines = text.splitlines()
        docs = [(i, json.loads(line)) for i, line in enumerate(lines) if line.strip()]
        found = [(i, p) for i, doc in docs for p in _discriminators(doc)][:PER_FILE]
        for i, p in found:
            for wrong in WRONG:
                doc = json.loads(lines[i])
                _set(doc, p, wrong)
                out = [*lines[:i], json.dumps(doc), *lines[i + 1:]]
                yield f"{path.name}:{i + 1}:{'.'.join(map(str, p))}={wrong!r}", "\n".join(out) + "\n"
    else:
        for p in list(_discriminators(json.loads(text)))[:PER_FILE]:
            for wrong in WRONG:
                doc = json.loads(text)
                _set(doc, p, wrong)
                yield f"{path.name}:{'.'.join(map(str, p))}={wrong!r}", json.dumps(doc)


CASES = [(label, path.suffix, body) for path in _samples() for label, body in mutants(path)]


def test_every_sample_is_mutated():
    assert len({label.split(":")[0] for label, _, _ in CASES}) >= 20 and len(CASES) > 200


@pytest.mark.deadline(300)
def test_check_fix_and_export_answer_every_wrong_typed_discriminator(capsys, tmp_path):
    for n, (label, suffix, body) in enumerate(CASES):
        src = tmp_path / f"m{n}{suffix}"
        src.write_text(body, "utf-8")
        for argv in (("check", src, "--format", "json"), ("fix", src, "--unsafe-fixes", "-o", tmp_path / f"f{n}{suffix}")):
            run = cli(capsys, *argv)
            assert run.rc in (0, 1, 2), (label, argv[0], run.rc, run.err)
            assert "internal error" not in run.err and "Traceback" not in run.err, (label, argv[0], run.err)
        run = cli(capsys, "export", src, "--record", 0)
        assert "internal error" not in run.err, (label, run.err)


def test_a_wrong_typed_role_is_one_finding_and_the_other_records_are_checked(capsys, tmp_path):
    good = request()
    bad_role = {**good, "messages": [{"role": [], "content": "hi"}]}
    bad_type = {**good, "messages": [{"role": "user", "content": [{"type": {}, "text": "x"}]}]}
    src = tmp_path / "mixed.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in (good, bad_role, bad_type, good)))
    run = cli(capsys, "check", src, "--format", "json")
    report = json.loads(run.out)
    assert run.rc == 1 and report["files"][0]["records"] == 4
    assert {(f["record"], f["code"], f["path"]) for f in report["findings"]} == {
        (1, "B003", "messages.0.role"), (2, "B004", "messages.0.content.0")}
    single = tmp_path / "one.json"
    single.write_text(json.dumps(bad_role))
    run = cli(capsys, "check", single)
    assert run.rc == 1 and "messages.0.role: B003 [error]" in run.out
