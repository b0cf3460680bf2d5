"""Atomic writes: all or nothing, no surprise overwrites, no temp files left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tui.core.export import atomic
from tui.core.export.atomic import write_atomic


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_write_atomic_writes_text_as_utf8_and_bytes_as_is(tmp_path: Path):
    out = write_atomic(tmp_path / "fixed.json", '{"text": "café ☕ 🌧"}\n')
    assert out == tmp_path / "fixed.json"
    assert out.read_bytes() == '{"text": "café ☕ 🌧"}\n'.encode()
    raw = write_atomic(tmp_path / "blob.bin", b"\x00\xffbinary")
    assert raw.read_bytes() == b"\x00\xffbinary"
    assert _leftovers(tmp_path) == []


def test_write_atomic_refuses_to_replace_an_existing_file(tmp_path: Path):
    target = tmp_path / "run.fixed.json"
    target.write_text("original")
    with pytest.raises(FileExistsError, match=r"run\.fixed\.json already exists.*overwrite=True"):
        write_atomic(target, "new")
    assert target.read_text() == "original"
    assert _leftovers(tmp_path) == []


def test_write_atomic_replaces_when_asked_and_keeps_the_old_mode(tmp_path: Path):
    target = tmp_path / "export.sh"
    target.write_text("old")
    target.chmod(0o750)
    write_atomic(target, "new", overwrite=True)
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    assert _leftovers(tmp_path) == []


def test_write_atomic_new_files_follow_the_umask_and_an_explicit_mode(tmp_path: Path):
    old = os.umask(0o027)
    try:
        made = write_atomic(tmp_path / "a.md", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(made.stat().st_mode) == 0o640
    private = write_atomic(tmp_path / "b.txt", "x", mode=0o600)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_write_atomic_leaves_nothing_behind_when_the_write_fails(tmp_path: Path, monkeypatch):
    def boom(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", boom)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(tmp_path / "big.json", "x" * 10_000)
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_keeps_the_old_file_when_replacing_fails(tmp_path: Path, monkeypatch):
    target = tmp_path / "keep.json"
    target.write_text("precious")

    def fail(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(PermissionError):
        write_atomic(target, "new", overwrite=True)
    assert target.read_text() == "precious"
    assert _leftovers(tmp_path) == []


def test_write_atomic_without_hard_links_still_refuses_and_writes(tmp_path: Path, monkeypatch):
    def no_links(src: object, dst: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", no_links)
    out = write_atomic(tmp_path / "a.json", "one")
    assert out.read_text() == "one"
    with pytest.raises(FileExistsError):
        write_atomic(tmp_path / "a.json", "two")
    assert out.read_text() == "one"
    assert _leftovers(tmp_path) == []


def test_write_atomic_loses_a_race_without_clobbering(tmp_path: Path, monkeypatch):
    """Another process creates the file between our check and our rename: theirs survives."""
    target = tmp_path / "race.json"
    real_link = os.link

    def link_after_rival(src: str, dst: str) -> None:
        Path(dst).write_text("rival")
        real_link(src, dst)

    monkeypatch.setattr(atomic.os, "link", link_after_rival)
    with pytest.raises(FileExistsError):
        write_atomic(target, "ours")
    assert target.read_text() == "rival"
    assert _leftovers(tmp_path) == []


def test_write_atomic_in_a_missing_directory_fails_cleanly(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "nope" / "out.json", "x")
    assert list(tmp_path.iterdir()) == []
