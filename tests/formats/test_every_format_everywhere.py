"""Every format sample opens in every command (issue 15 "Done when"): ``check``, ``fix``,
``convert --to native`` and ``export`` answer with a report or a file, never an internal error, and
the native conversion gives the same findings.  (The TUI side is tests/app/test_agreement.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli.main import main
from tui.core.formats import load_all

FORMATS = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats"
SAMPLES = sorted(p for p in FORMATS.iterdir() if p.is_file())


def _findings(path: Path, capsys: pytest.CaptureFixture[str]) -> list[set[tuple[str, str]]]:
    """The findings of each exchange, in file order (the native form numbers its records anew)."""
    capsys.readouterr()
    assert main(["check", "--format", "json", str(path)]) in (0, 1, 2)  # 2: a sample's deliberate bad record
    by_record: dict[int, set[tuple[str, str]]] = {}
    for f in json.loads(capsys.readouterr().out)["findings"]:
        by_record.setdefault(f["record"], set()).add((f["code"], f["path"]))
    return [by_record[r] for r in sorted(by_record)]


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_check_fix_convert_and_export_all_open_the_sample(sample: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    found = _findings(sample, capsys)
    native = tmp_path / "native.jsonl"
    assert main(["convert", str(sample), "--to", "native", "-o", str(native)]) in (0, 2) and native.exists()
    assert _findings(native, capsys) == found
    _, exchanges, _ = load_all(sample)
    fixed = tmp_path / "fixed.jsonl"
    rc = main(["fix", str(sample), "--unsafe-fixes", "-o", str(fixed)])
    if any(ex.request is not None for ex in exchanges):
        assert rc in (0, 1, 2) and fixed.exists()  # 2: the sample's bad records are named
    else:  # responses only, or bodies the logger cut: one line saying so
        assert rc == 2 and "no request body to fix" in capsys.readouterr().err
    with_body = next((i for i, ex in enumerate(exchanges) if ex.request is not None), None)
    if with_body is None:  # a log that kept no body (Node's default depth): nothing to export, said so
        assert main(["export", str(sample), "--record", "0", "-o", str(tmp_path / "x.json")]) == 2
        assert "internal error" not in capsys.readouterr().err
        return
    out = tmp_path / "exported.json"
    assert main(["export", str(sample), "--record", str(exchanges[with_body].source.record), "-o", str(out)]) in (0, 1)
    assert isinstance(json.loads(out.read_text()), dict)
