"""The one way voc writes a file atomically: a temporary file beside it, flushed, then moved into place.

A reader sees the old file or the new one, never half of one: a crash (or an exception in the writer)
leaves the old file as it was and no temporary file behind. Every file written here is mode 0644
(``mkstemp`` makes 0600; exports, tables and the model registry are meant to be read by others).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

FILE_MODE = 0o644


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; on success it replaces ``path``, on error it is removed.

    For writers that want a path (``DataFrame.to_parquet``, openpyxl's ``save``). The parent folder
    is created if missing.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _publish(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (mode 0644); returns the path."""
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (mode 0644, UTF-8 unless told); returns the path."""
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding)
    return target


def _publish(tmp: Path, target: Path) -> None:
    """fsync ``tmp``, make it 0644 and move it onto ``target``; then fsync the folder (the rename)."""
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.chmod(tmp, FILE_MODE)
    os.replace(tmp, target)
    try:
        dir_fd = os.open(target.parent, os.O_RDONLY)
    except OSError:  # a folder that cannot be opened for reading (some platforms): the rename still happened
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass  # not every file system can fsync a directory
    finally:
        os.close(dir_fd)
