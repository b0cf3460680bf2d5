"""`payload-doctor WORD`: a typo or a missing file is one line and exit 2, never the app."""

from __future__ import annotations

import pytest

from tui.cli import main as cli_main


@pytest.fixture()
def no_app(monkeypatch):
    """Records what the app would have opened, without opening it."""
    opened = []
    monkeypatch.setattr("tui.app.app.run", lambda path, record=None, follow=False: opened.append(path) or 0)
    return opened


def run(capsys, *argv):
    rc = cli_main.main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_a_mistyped_command_suggests_the_right_one(capsys, no_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rc, _, err = run(capsys, "chek", "log.jsonl")
    assert rc == 2 and err == "payload-doctor: unknown command 'chek' (did you mean 'check'?); to open a file, give its path\n"
    rc, _, err = run(capsys, "frobnicate")
    assert rc == 2 and "unknown command 'frobnicate'; the commands are check, fix" in err
    assert no_app == []


def test_a_missing_file_is_one_line_with_or_without_open(capsys, no_app, tmp_path):
    for argv in ((str(tmp_path / "gone.jsonl"),), ("open", str(tmp_path / "gone.jsonl"))):
        rc, _, err = run(capsys, *argv)
        assert rc == 2 and err == f"payload-doctor: {tmp_path / 'gone.jsonl'}: no such file\n"
    assert no_app == []


def test_an_existing_file_and_no_argument_open_the_app(capsys, no_app, tmp_path, monkeypatch):
    log = tmp_path / "frobnicate"  # a file whose name looks like a word still opens
    log.write_text("{}")
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "frobnicate")[0] == 0 and run(capsys)[0] == 0
    assert no_app[0] == "frobnicate" and no_app[1].endswith("sample_payloads/incident.jsonl")


def test_version(capsys):
    rc, out, _ = run(capsys, "--version")
    assert rc == 0 and out.startswith("payload-doctor ") and out.strip() != "payload-doctor"
