"""A store another process holds: every command says so in one line; status reads a snapshot."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from voc.cli import app
from voc.store import open_store

HOLD = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    print("holding", flush=True)
    sys.stdin.readline()
""")


@pytest.fixture
def held_store(tmp_path):
    """A store with one record, whose write lock another process holds until the test ends."""
    (tmp_path / "r.csv").write_text("id,text,time\n1,บริการดีมาก,2026-11-20 10:00\n", encoding="utf-8")
    cfg = tmp_path / "p.yaml"
    cfg.write_text("sources:\n  - {name: r, path: r.csv, channel: review, columns: {text: text, created_at: time,"
                   " id: id}}\n", encoding="utf-8")
    assert CliRunner().invoke(app, ["ingest", "--config", str(cfg)]).exit_code == 0
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "voc.duckdb")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    yield cfg, holder.pid
    holder.communicate("\n", timeout=30)


def test_a_second_ingest_or_run_on_a_held_store_says_it_is_in_use(held_store):
    from voc.store.duckdb_store import StoreInUseError  # a ValueError: voc's main prints it as one line

    cfg, pid = held_store
    for args in (["ingest", "--config", str(cfg)], ["run", "--config", str(cfg)],
                 ["ingest", str(cfg.parent / "r.csv"), "--channel", "review", "--text-column", "text", "--time-column", "time",
                  "--store", str(cfg.parent / "voc.duckdb")]):
        result = CliRunner().invoke(app, args)
        assert isinstance(result.exception, StoreInUseError), (args, result.output)
        msg = str(result.exception)
        assert "\n" not in msg and f"is in use by another process (PID {pid})" in msg and "try again" in msg


def test_status_during_a_run_reads_a_snapshot_and_says_so(held_store):
    cfg, pid = held_store
    result = CliRunner().invoke(app, ["status", "--config", str(cfg), "--json"])
    assert result.exit_code == 0, result.output
    notice, figures = result.output.strip().split("\n", 1)
    assert f"in use by another process (PID {pid})" in notice and "snapshot" in notice
    assert '"records": 1' in figures


def test_status_snapshot_leaves_no_temp_files(held_store, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    cfg, _ = held_store
    assert CliRunner().invoke(app, ["status", "--config", str(cfg)]).exit_code == 0
    assert list((tmp_path / "tmp").iterdir()) == []


def test_store_is_readable_after_the_holder_exits(tmp_path):
    path = tmp_path / "s.duckdb"
    with open_store("duckdb", path) as st:
        st.set_meta("k", "v")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    holder.kill()  # SIGKILL: the lock dies with the process
    holder.wait(timeout=30)
    with open_store("duckdb", path) as st:
        assert st.get_meta("k") == "v"


def test_spill_files_a_killed_run_left_are_removed_when_the_store_opens(tmp_path):
    path = tmp_path / "s.duckdb"
    with open_store("duckdb", path):
        pass
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=30)
    spill = tmp_path / "s.duckdb.tmp"
    spill.mkdir()
    stale = spill / f"duckdb_temp_{dead.pid}_0_storage_DEFAULT-0.tmp"
    stale.write_bytes(b"\0" * 4096)
    live = spill / f"duckdb_temp_{os.getppid()}_0_storage_DEFAULT-0.tmp"  # a running process's: kept
    live.write_bytes(b"\0" * 4096)
    with open_store("duckdb", path):
        pass
    assert not stale.exists() and live.exists()
