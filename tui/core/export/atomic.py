"""Atomic file writes: a reader (or a crash) never sees half an export.

The data goes to a temporary file in the *same directory* (so the final rename cannot cross a
filesystem), is flushed and fsync'ed, then renamed over the target with :func:`os.replace`.  An
existing file is replaced only when the caller asks for it, and on any error the temporary file is
removed, so a failed export leaves the directory as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def _umask() -> int:
    """The process umask, read without changing it (``os.umask`` is not thread-safe)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); best effort elsewhere."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class NotARegularFile(OSError):
    """The target exists and is not a regular file (a device, a FIFO, a socket, a directory):
    replacing it with a file would destroy it (``-o /dev/null --force`` as root)."""


_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))


def writable_target(path: Path) -> Path:
    """The path to write for ``path``, by one stated rule: a symlink is written *through* (the
    link stays, the regular file it points to is replaced), and nothing but a regular file, or a
    name that does not exist yet, is ever replaced (:class:`NotARegularFile` otherwise; a
    dangling link too, since where it points is not a choice the user made here)."""
    try:
        if path.is_symlink():
            target = path.resolve(strict=True)
        else:
            target = path
        st = os.stat(target)
    except FileNotFoundError:
        if path.is_symlink():
            raise NotARegularFile(errno.ENOENT, "is a symbolic link to a file that does not exist; "
                                                "refusing to create it", str(path)) from None
        return path
    except OSError:
        return path  # unreadable metadata: the write itself will say what is wrong
    for test, kind in _KINDS:
        if test(st.st_mode):
            raise NotARegularFile(errno.EEXIST, f"is {kind}, not a regular file; refusing to replace it",
                                  str(path))
    return target


def write_atomic(path: Path, data: str | bytes, *, overwrite: bool = False,
                 mode: int | None = None) -> Path:
    """Write ``data`` (``str`` is encoded as UTF-8) to ``path`` atomically and return the path.

    Refuses to replace an existing file unless ``overwrite=True`` (:class:`FileExistsError`).
    Without ``overwrite`` the final step is a hard link, which fails if another process created
    the file in the meantime (no check-then-write race); filesystems without hard links fall back
    to a check plus :func:`os.replace`.  ``mode`` defaults to the mode of the file being replaced,
    else to ``0o666`` minus the umask, like a plain ``open(path, "w")``.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    with atomic_writer(Path(path), overwrite=overwrite, mode=mode) as fh:
        fh.write(payload)
    return Path(path)


@contextlib.contextmanager
def atomic_writer(path: Path, *, overwrite: bool = False, mode: int | None = None) -> Iterator[BinaryIO]:
    """``with atomic_writer(path) as fh: fh.write(...)``: the streaming form of
    :func:`write_atomic`, for outputs too large to hold in memory (a log rewritten in place).

    The file appears at ``path`` only when the block ends without an exception, under the same
    rules as :func:`write_atomic` (no replacing unless ``overwrite``; the replaced file's mode is
    kept); on any error the temporary file is removed and ``path`` is untouched.
    """
    path = writable_target(Path(path))
    directory = path.parent if str(path.parent) else Path(".")
    if not overwrite and path.exists():
        raise FileExistsError(f"{path} already exists; refusing to overwrite it "
                              "(pass overwrite=True to replace it)")
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777 if overwrite else None
        except OSError:
            mode = None
        if mode is None:
            mode = 0o666 & ~_umask()
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise FileExistsError(f"{path} already exists; refusing to overwrite it "
                                      "(pass overwrite=True to replace it)") from None
            except OSError:
                if path.exists():
                    raise FileExistsError(f"{path} already exists; refusing to overwrite it "
                                          "(pass overwrite=True to replace it)") from None
                os.replace(tmp, path)
            else:
                tmp.unlink()
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(directory)


def copy_atomic(src: Path, dest: Path, *, overwrite: bool = False) -> Path:
    """Copy ``src`` to ``dest`` byte for byte (streamed, atomically, keeping ``src``'s mode)."""
    with open(src, "rb") as fin, atomic_writer(dest, overwrite=overwrite,
                                               mode=os.stat(src).st_mode & 0o777) as fout:
        shutil.copyfileobj(fin, fout, 8 << 20)
    return Path(dest)
