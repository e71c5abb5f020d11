"""voc.fsutil: the one atomic file write (temporary file beside the target, 0644, replaced in one step)."""

from __future__ import annotations

import json
import os
import stat

import pandas as pd
import pytest

from voc.fsutil import atomic_path, atomic_write_bytes, atomic_write_text
from voc.sentiment.catalog import read_registry, write_registry
from voc.tableio import write_table

MESSAGE = "แอปเด้งออกตอน login อีกแล้วค่ะ 😡 โทร 081-234-5678 ด่วน!!"


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def private_umask():
    """A umask that would make new files 0600: the helper's 0644 must not depend on the caller's."""
    old = os.umask(0o077)
    yield
    os.umask(old)


def test_text_is_written_whole_with_mode_0644(tmp_path, private_umask):
    target = tmp_path / "out" / "report.html"  # the folder does not exist yet
    assert atomic_write_text(target, MESSAGE) == target
    assert target.read_text(encoding="utf-8") == MESSAGE
    assert _mode(target) == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]


def test_a_rewrite_replaces_the_old_content(tmp_path):
    target = tmp_path / "t.bin"
    atomic_write_bytes(target, b"old week\n" * 1000)
    atomic_write_bytes(target, "ใหม่".encode("cp874"))
    assert target.read_bytes() == "ใหม่".encode("cp874")
    assert _mode(target) == 0o644


def test_an_error_while_writing_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "topic_week.csv"
    atomic_write_text(target, "topic_id,volume\nT1,3\n")
    with pytest.raises(RuntimeError, match="disk full"):
        with atomic_path(target) as tmp:
            assert tmp.parent == target.parent and tmp != target
            tmp.write_text("topic_id,volume\nT1,", encoding="utf-8")  # half a file...
            raise RuntimeError("disk full")  # ...then the writer fails
    assert target.read_text(encoding="utf-8") == "topic_id,volume\nT1,3\n"
    assert [p.name for p in tmp_path.iterdir()] == ["topic_week.csv"]


def test_an_error_before_any_file_existed_leaves_nothing(tmp_path):
    target = tmp_path / "new.parquet"
    with pytest.raises(ValueError):
        with atomic_path(target):
            raise ValueError("bad frame")
    assert list(tmp_path.iterdir()) == []


def test_tables_and_the_model_registry_come_out_0644(tmp_path, private_umask):
    df = pd.DataFrame({"text": [MESSAGE, "=HYPERLINK(\"x\")", "ok 555"], "n": [1, 2, 3]})
    for suffix in (".csv", ".parquet", ".jsonl", ".xlsx"):
        path = write_table(df, tmp_path / f"t{suffix}")
        assert _mode(path) == 0o644, suffix
    registry = {"default": "th-v1", "history": [{"name": "th-v1", "note": MESSAGE}]}
    path = write_registry(registry, tmp_path / "models")
    assert _mode(path) == 0o644
    assert read_registry(tmp_path / "models") == registry
    assert json.loads(path.read_text(encoding="utf-8"))["history"][0]["note"] == MESSAGE
    leftovers = [p.name for p in tmp_path.rglob("*.tmp")]
    assert leftovers == []
