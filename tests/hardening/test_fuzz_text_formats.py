"""Fuzz the text formats (SDK debug logs, SSE text, YAML cassettes, httprr) with line-level damage:
a slice cut out, a line repeated, a line cut short, a bracket or quote flipped.  ``check`` and
``fix`` must answer with findings or one-line issues, never an internal error or a hang.  The suite
runs strict, so a reader bug raises here.  Derandomized and bounded, like test_fuzz_cli.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.hardening.conftest import SAMPLES, cli, fuzz_settings

TEXT = (".log", ".txt", ".yaml", ".yml", ".httprr")
FILES = [p for p in sorted(SAMPLES.rglob("*")) if p.is_file() and p.suffix in TEXT]


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, str]:
    path = draw(st.sampled_from(FILES))
    lines = path.read_text("utf-8").splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["drop", "repeat", "cut", "flip", "slice"]))
        if how == "drop":
            del lines[i]
        elif how == "repeat":
            lines.insert(i, lines[i])
        elif how == "cut":
            lines[i] = lines[i][: draw(st.integers(0, max(0, len(lines[i]) - 1)))] + "\n"
        elif how == "flip" and lines[i].strip():
            j = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:j] + draw(st.sampled_from(list("{}[]'\"`:,\\"))) + lines[i][j + 1:]
        else:
            del lines[i: i + draw(st.integers(1, 40))]
    return path.name, "".join(lines)


def test_there_is_a_text_sample_of_each_kind():
    assert {p.suffix for p in FILES} >= {".log", ".txt", ".yaml", ".yml", ".httprr"}


@pytest.mark.deadline(600)
@fuzz_settings(300)
@given(mutant=damaged())
def test_no_line_damage_of_a_text_sample_is_an_internal_error(capsys, tmp_path, mutant):
    name, text = mutant
    src = tmp_path / name
    src.write_text(text, "utf-8")
    for argv in (("check", src, "--format", "json"), ("fix", src, "--unsafe-fixes", "-o", tmp_path / "out.jsonl",
                                                       "--force")):
        run = cli(capsys, *argv)
        assert run.rc in (0, 1, 2) and "internal error" not in run.err, (argv[0], run.err[-500:])
