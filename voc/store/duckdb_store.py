"""The embedded default store: one DuckDB file, nothing to install or serve."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pandas as pd

from voc.errors import StoreError
from voc.schema import STAGE_TABLES, TABLES, Table
from voc.store import sql
from voc.store.base import Store, UpsertResult

T = TypeVar("T")

D = sql.DUCKDB


class StoreOpenError(StoreError):
    """The store file cannot be opened: not a DuckDB database, or in use (the message is one line)."""


class StoreInUseError(StoreOpenError):
    """Another process (a running ``voc run`` or ``voc ingest``) holds the store's write lock."""


_DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file
_PID_RE = re.compile(r"\(PID (\d+)\)")


def check_store_file(path: Path) -> None:
    """Refuse a store path that exists and is not a DuckDB database (never open, let alone change, it)."""
    if path.is_dir():
        raise StoreOpenError(f"store {path} is a folder, not a DuckDB database file; give a file path")
    if path.exists() and path.stat().st_size > 0:
        with open(path, "rb") as f:
            head = f.read(12)
        if head[8:12] != _DUCKDB_MAGIC:
            raise StoreOpenError(
                f"store {path} exists but is not a DuckDB database; give another store path or move the file away"
            )


def _open_error(path: Path, e: Exception) -> StoreOpenError:
    msg = str(e)
    if "lock" in msg.lower():
        pid = _PID_RE.search(msg)
        by = f" (PID {pid.group(1)})" if pid else ""
        return StoreInUseError(
            f"store {path} is in use by another process{by}, such as a voc run in progress; "
            "wait for it to finish and try again"
        )
    if "not a valid DuckDB database" in msg:
        return StoreOpenError(f"store {path} exists but is not a DuckDB database; give another store path")
    return StoreOpenError(f"cannot open store {path}: {msg.splitlines()[0] if msg else type(e).__name__}")


_TEMP_FILE_RE = re.compile(r"^duckdb_temp_(\d+)_")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def remove_stale_temp_files(path: Path) -> int:
    """Delete the spill files a killed process left in ``<store>.tmp/`` (DuckDB does not; they can be GBs).

    Called once this process holds the store's lock, so no live process can own them; a file whose
    owner PID is still alive is kept all the same. Returns how many files were removed.
    """
    tmp = Path(f"{path}.tmp")
    if not tmp.is_dir():
        return 0
    removed = 0
    for f in tmp.iterdir():
        m = _TEMP_FILE_RE.match(f.name)
        if m and int(m.group(1)) != os.getpid() and not _pid_alive(int(m.group(1))):
            try:
                f.unlink()
                removed += 1
            except OSError:
                pass
    try:
        tmp.rmdir()  # only when nothing is left in it
    except OSError:
        pass
    return removed


SNAPSHOT_PREFIX = "voc-status-"


def _remove_stale_snapshots(max_age_s: float = 3600) -> None:
    """Delete snapshot folders a killed ``voc status`` left in the temp folder."""
    tmp = Path(tempfile.gettempdir())
    for d in tmp.glob(SNAPSHOT_PREFIX + "*"):
        try:
            if time.time() - d.stat().st_mtime > max_age_s:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            pass


def status_or_snapshot(path: str | Path) -> tuple[dict, str | None]:
    """The store's status, and None; or, while another process holds the store, the status of a copy
    taken now and a one-line notice saying so. Raises StoreInUseError if even a copy cannot be read."""
    return read_or_snapshot(path, lambda st: st.status())


def read_or_snapshot(path: str | Path, read: Callable[[Store], T]) -> tuple[T, str | None]:
    """``read(store)``, and None; or, while another process holds the store, ``read`` on a copy taken now
    and a one-line notice saying so. Raises StoreInUseError if even a copy cannot be read."""
    path = Path(path)
    try:
        with DuckDBStore(path) as st:
            return read(st), None
    except StoreInUseError as e:
        notice = str(e)
    _remove_stale_snapshots()
    with tempfile.TemporaryDirectory(prefix=SNAPSHOT_PREFIX) as d:
        copy = Path(d) / "snapshot.duckdb"
        try:
            shutil.copyfile(path, copy)
            wal = Path(f"{path}.wal")
            if wal.exists():
                shutil.copyfile(wal, Path(f"{copy}.wal"))
            with DuckDBStore(copy) as st:
                result = read(st)
        except Exception:  # noqa: BLE001 - a copy torn by a checkpoint in progress
            raise StoreInUseError(f"{notice} (and no consistent snapshot could be read right now)") from None
    return result, f"{notice.split(', such as')[0]}; these figures are from a snapshot of it taken now"


def ensure_store_free(path: str | Path) -> None:
    """Raise StoreInUseError / StoreOpenError now, before a long run starts, if the store cannot be opened."""
    path = Path(path)
    if path.exists():
        DuckDBStore(path).close()


class DuckDBStore(Store):
    """A single-file DuckDB store. Thread-safe within one process (one connection, one lock)."""

    def __init__(self, path: str | Path) -> None:
        import duckdb

        self.path = Path(path)
        check_store_file(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path))
        except (duckdb.IOException, duckdb.Error) as e:
            raise _open_error(self.path, e) from None
        remove_stale_temp_files(self.path)
        self.lock = threading.RLock()
        with self.lock:
            self.con.execute("SET TimeZone='UTC'")
            self.con.execute("SET enable_progress_bar = false")
            for table in TABLES.values():
                self._create_or_update(table)

    # -- helpers -------------------------------------------------------------------------------
    def _create_or_update(self, table: Table) -> None:
        """Create a declared table, or add the declared columns a store of an older version lacks."""
        existing = {r[0] for r in self.con.execute(sql.existing_columns(D), [table.name]).fetchall()}
        if not existing:
            self.con.execute(sql.create_table(table, D))
            return
        for column in table.columns:
            if column not in existing:
                self.con.execute(sql.add_column(table, column, D))

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self.lock:
            self.con.execute("BEGIN")
            try:
                yield
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise

    @contextmanager
    def _registered(self, name: str, df: pd.DataFrame) -> Iterator[str]:
        self.con.register(name, df)
        try:
            yield name
        finally:
            self.con.unregister(name)

    def _insert(self, table: Table, data: pd.DataFrame) -> None:
        if data.empty:
            return
        with self._registered("_incoming", data) as incoming:
            self.con.execute(sql.insert_from(table, incoming))

    def _query(self, statement: str, params: list | None = None) -> pd.DataFrame:
        with self.lock:
            return self.con.execute(statement, params or []).df()

    # -- records ---------------------------------------------------------------------------------
    def _upsert_records(self, data: pd.DataFrame) -> UpsertResult:
        with self._transaction(), self._registered("_inc", data) as inc:
            changed = [r[0] for r in self.con.execute(sql.changed_records(inc)).fetchall()]
            known = self.con.execute(
                f"SELECT count(*) FROM {inc} WHERE record_id IN (SELECT record_id FROM records)"
            ).fetchall()[0][0]
            if changed:
                self.con.execute("CREATE OR REPLACE TEMP TABLE _changed (record_id VARCHAR)")
                self.con.executemany("INSERT INTO _changed VALUES (?)", [[c] for c in changed])
                for t in STAGE_TABLES:
                    self.con.execute(sql.delete_stage_rows(t, "_changed"))
                self.con.execute(sql.update_changed_records(inc, "_changed"))
            self.con.execute(sql.insert_new_records(inc, D))
        return UpsertResult(new=len(data) - known, updated=len(changed), unchanged=known - len(changed))

    def mark_duplicates(self, dedup_keys: Sequence[str]) -> None:
        keys = [str(k) for k in dict.fromkeys(dedup_keys)]
        if keys:
            with self.lock:
                self.con.execute(sql.mark_duplicates(D), [keys])

    def count_duplicates(self, record_ids: Sequence[str]) -> int:
        ids = [str(i) for i in dict.fromkeys(record_ids)]
        if not ids:
            return 0
        with self.lock:
            return self.con.execute(sql.count_duplicates(D), [ids]).fetchall()[0][0]

    def _add_quarantine(self, data: pd.DataFrame) -> None:
        with self.lock, self._registered("_q_in", data) as incoming:
            self.con.execute(sql.insert_new_quarantine(TABLES["quarantine"], incoming))

    def _append(self, table: Table, data: pd.DataFrame) -> None:
        with self.lock:
            self._insert(table, data)

    # -- stages ----------------------------------------------------------------------------------
    def _upsert_stage(self, table: Table, data: pd.DataFrame) -> None:
        with self._transaction():
            with self._registered("_ids", data[["record_id"]]) as ids:
                self.con.execute(f"DELETE FROM {sql.q(table.name)} WHERE record_id IN (SELECT record_id FROM {ids})")
            self._insert(table, data)

    def _records_missing(self, table: Table, weeks: list[str] | None) -> pd.DataFrame:
        cond, params = sql.week_filter(weeks, D)
        return self._query(sql.records_missing(table, D, cond), params)

    def _stage_rows(self, table: Table, weeks: list[str]) -> pd.DataFrame:
        cond, params = sql.week_filter(weeks, D)
        return self._query(sql.stage_of_weeks(table, D, cond), params)

    def enriched_records(self, weeks: Sequence[str]) -> pd.DataFrame:
        cond, params = sql.week_filter(list(weeks), D)
        return self._query(sql.enriched_records(D, cond), params)

    # -- whole and weekly tables -------------------------------------------------------------------
    def _replace_all(self, table: Table, data: pd.DataFrame) -> None:
        with self._transaction():
            self.con.execute(f"DELETE FROM {sql.q(table.name)}")
            self._insert(table, data)

    def _replace_week(self, table: Table, week: str, data: pd.DataFrame) -> None:
        with self._transaction():
            self.con.execute(sql.delete_week(table, D), [week])
            self._insert(table, data)

    def _read(self, table: Table, column: str | None = None, value: str | None = None) -> pd.DataFrame:
        if column is None or value is None:
            return self._query(sql.select(table, D))
        return self._query(sql.select(table, D, column), [value])

    def status(self) -> dict:
        with self.lock:
            got = {k: self.con.execute(s).fetchall() for k, s in sql.status_queries(D).items()}
        return sql.status_from(got)

    def get_meta(self, key: str) -> str | None:
        with self.lock:
            rows = self.con.execute(sql.get_meta(D), [key]).fetchall()
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction():
            self.con.execute("DELETE FROM meta WHERE key = ?", [key])
            self.con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])

    def close(self) -> None:
        with self.lock:
            try:
                self.con.close()
            except Exception:
                pass
