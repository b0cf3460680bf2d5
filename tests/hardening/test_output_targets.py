"""Where fix, export and convert write: never over a device, FIFO or directory; a missing
directory is one clear line; a symlink is written through; the default ``fix`` output is not
silently replaced; ``fix --in-place`` refuses when the log changed while it was being fixed."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.hardening.conftest import cli, jsonl, request

BROKEN = {**request(), "messages": [{"role": "user", "content": [{"type": "text", "text": ""},
                                                                   {"type": "text", "text": "hi"}]}]}


@pytest.fixture()
def src(tmp_path: Path) -> Path:
    p = tmp_path / "run.jsonl"
    p.write_text(jsonl(BROKEN, request("again")))
    return p


COMMANDS = {
    "export": lambda src, dest: ("export", src, "--record", 0, "-o", dest, "--force"),
    "fix": lambda src, dest: ("fix", src, "-o", dest, "--force"),
    "convert": lambda src, dest: ("convert", src, "--to", "native", "-o", dest, "--force"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_fifo_or_a_directory_is_never_replaced(capsys, tmp_path, src, command):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    for dest, kind in ((fifo, "a FIFO"), (folder, "a directory")):
        run = cli(capsys, *COMMANDS[command](src, dest))
        assert run.rc == 2 and "internal error" not in run.err, run.err
        assert run.err_lines[-1] == f"payload-doctor: {dest} is {kind}, not a regular file; refusing to replace it"
    assert stat.S_ISFIFO(fifo.stat().st_mode) and folder.is_dir()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_missing_directory_is_one_line(capsys, tmp_path, src, command):
    dest = tmp_path / "nope" / "out.json"
    run = cli(capsys, *COMMANDS[command](src, dest))
    assert run.rc == 2 and "internal error" not in run.err
    assert run.err_lines[-1] == f"payload-doctor: {dest}: cannot write: the directory {dest.parent} does not exist"


def test_a_symlink_is_written_through_and_a_dangling_one_refused(capsys, tmp_path, src):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    run = cli(capsys, "export", src, "--record", 1, "-o", link, "--force")
    assert run.rc == 0 and link.is_symlink() and json.loads(real.read_text())["messages"][0]["content"] == "again"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "missing.json")
    run = cli(capsys, "export", src, "--record", 1, "-o", dangling, "--force")
    assert run.rc == 2 and "symbolic link to a file that does not exist" in run.err
    assert not (tmp_path / "missing.json").exists()


def test_fix_does_not_silently_replace_its_default_output(capsys, src):
    default = src.with_name("run.fixed.jsonl")
    default.write_text("my earlier repair\n")
    run = cli(capsys, "fix", src)
    assert run.rc == 2 and "run.fixed.jsonl exists (the default output beside the input); add --force" in run.err
    assert default.read_text() == "my earlier repair\n"
    assert cli(capsys, "fix", src, "--force").rc == 0 and default.read_text() != "my earlier repair\n"


@pytest.mark.parametrize("how", ["append", "prepend"])
def test_fix_in_place_refuses_when_a_writer_changes_the_log_meanwhile(capsys, monkeypatch, src, how):
    from tui.core.repair import inplace

    real = inplace.rewrite_jsonl
    late = json.dumps(request("written while fixing")) + "\n"

    def racing(path, fixed, fh):
        if how == "append":
            with open(path, "a") as f:  # the agent is still logging
                f.write(late)
        else:  # a tool rewrote the log with a record in front (a new file renamed over it)
            tmp = path.with_name("new.tmp")
            tmp.write_text(late + path.read_text())
            os.replace(tmp, path)
        return real(path, fixed, fh)

    monkeypatch.setattr(inplace, "rewrite_jsonl", racing)
    original = src.read_text()
    run = cli(capsys, "fix", src, "--in-place")
    assert run.rc == 2 and "changed while it was being fixed" in run.err and "nothing was replaced" in run.err
    now = src.read_text()
    assert late in now and now.replace(late, "") == original  # the writer's record is there, ours not written
    assert not src.with_name("run.jsonl.bak").exists()


def test_a_full_disk_is_one_line_and_leaves_no_partial_file(capsys, monkeypatch, tmp_path, src):
    import errno

    from tui.core.export import atomic

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    dest = tmp_path / "out.json"
    run = cli(capsys, "export", src, "--record", 0, "-o", dest)
    assert run.rc == 2 and run.err_lines[-1] == f"payload-doctor: {dest}: cannot write: No space left on device"
    assert not dest.exists() and not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
