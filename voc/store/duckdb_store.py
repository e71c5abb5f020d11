"""The embedded default store: one DuckDB file, nothing to install or serve."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from voc.privacy import redact_frame
from voc.schema import (
    QUARANTINE_COLUMNS,
    RECORD_COLUMNS,
    RUN_LOG_COLUMNS,
    SENTIMENT_COLUMNS,
    TEXT_COLUMNS,
    TOPIC_ASSIGNMENT_COLUMNS,
)
from voc.store.base import Store, UpsertResult, stores

_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
FIXED_TABLES = {
    "records": RECORD_COLUMNS,
    "quarantine": QUARANTINE_COLUMNS,
    "run_log": RUN_LOG_COLUMNS,
    "record_text": TEXT_COLUMNS,
    "record_sentiment": SENTIMENT_COLUMNS,
    "record_topics": TOPIC_ASSIGNMENT_COLUMNS,
    "meta": {"key": "VARCHAR", "value": "VARCHAR"},
}
STAGE_TABLES = ("record_text", "record_sentiment", "record_topics")


def _check_name(name: str) -> str:
    if not _NAME_RE.match(name):
        raise ValueError(f"invalid table name {name!r}")
    return name


def _sql_type(series: pd.Series) -> str:
    dt = series.dtype
    if pd.api.types.is_bool_dtype(dt):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(dt):
        return "BIGINT"
    if pd.api.types.is_float_dtype(dt):
        return "DOUBLE"
    if isinstance(dt, pd.DatetimeTZDtype):
        return "TIMESTAMPTZ"
    if pd.api.types.is_datetime64_any_dtype(dt):
        return "TIMESTAMP"
    return "VARCHAR"


def _as_text(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, (list, dict, tuple)):
        return json.dumps(v, ensure_ascii=False, default=str)
    if isinstance(v, np.ndarray):
        return json.dumps(v.tolist(), ensure_ascii=False, default=str)
    return str(v)


def _prepare(df: pd.DataFrame, types: dict[str, str] | None = None) -> pd.DataFrame:
    """Copy of ``df`` whose text-typed columns hold str/None only (DuckDB infers types from data)."""
    out = df.copy()
    for c in out.columns:
        t = (types or {}).get(c) or _sql_type(out[c])
        if t == "VARCHAR":
            if pd.api.types.infer_dtype(out[c], skipna=True) in ("string", "empty"):
                continue  # already text (or all null): nothing to convert
            out[c] = pd.Series([_as_text(v) for v in out[c]], index=out.index, dtype=object)
        elif t == "DOUBLE":
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
        elif t == "TIMESTAMPTZ":
            out[c] = pd.to_datetime(out[c], utc=True)
    return out


@stores.register("duckdb")
class DuckDBStore(Store):
    """A single-file DuckDB store. Thread-safe within one process (one connection, one lock)."""

    def __init__(self, path: str | Path) -> None:
        import duckdb

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path))
        except duckdb.IOException as e:
            raise RuntimeError(f"cannot open store {self.path}: {e}") from None
        self.lock = threading.RLock()
        with self.lock:
            self.con.execute("SET TimeZone='UTC'")
            self.con.execute("SET enable_progress_bar = false")
            for name, cols in FIXED_TABLES.items():
                self._create(name, cols)

    # -- helpers -------------------------------------------------------------------------------
    def _create(self, name: str, cols: dict[str, str]) -> None:
        body = ", ".join(f'"{c}" {t}' for c, t in cols.items())
        self.con.execute(f"CREATE TABLE IF NOT EXISTS {_check_name(name)} ({body})")

    def _columns(self, name: str) -> dict[str, str]:
        rows = self.con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [name],
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def _ensure_table(self, name: str, df: pd.DataFrame) -> dict[str, str]:
        _check_name(name)
        existing = self._columns(name)
        wanted = FIXED_TABLES.get(name) or {c: _sql_type(df[c]) for c in df.columns}
        if not existing:
            self._create(name, wanted)
            return wanted
        for c in df.columns:
            if c not in existing:
                self.con.execute(f'ALTER TABLE {name} ADD COLUMN "{c}" {_sql_type(df[c])}')
                existing[c] = _sql_type(df[c])
        return existing

    def _insert(self, name: str, df: pd.DataFrame) -> None:
        if df.empty:
            return
        types = self._ensure_table(name, df)
        data = _prepare(df, types)
        self.con.register("_incoming", data)
        try:
            cols = ", ".join(f'"{c}"' for c in data.columns)
            self.con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _incoming")
        finally:
            self.con.unregister("_incoming")

    # -- records ---------------------------------------------------------------------------------
    def upsert_records(self, records: pd.DataFrame) -> UpsertResult:
        records = redact_frame(records)  # the one PII guard on every stored string (voc.privacy)
        if records.empty:
            return UpsertResult(0, 0, 0)
        data = _prepare(records[list(RECORD_COLUMNS)], RECORD_COLUMNS)
        with self.lock:
            self.con.execute("BEGIN")
            try:
                self.con.register("_inc", data)
                changed = [
                    r[0]
                    for r in self.con.execute(
                        "SELECT i.record_id FROM _inc i JOIN records r USING (record_id) "
                        "WHERE r.text IS DISTINCT FROM i.text OR r.created_at IS DISTINCT FROM i.created_at "
                        "OR r.rating IS DISTINCT FROM i.rating OR r.segments IS DISTINCT FROM i.segments"
                    ).fetchall()
                ]
                known = self.con.execute(
                    "SELECT count(*) FROM _inc WHERE record_id IN (SELECT record_id FROM records)"
                ).fetchall()[0][0]
                if changed:
                    self.con.execute("CREATE OR REPLACE TEMP TABLE _changed (record_id VARCHAR)")
                    self.con.executemany("INSERT INTO _changed VALUES (?)", [[c] for c in changed])
                    for t in STAGE_TABLES:
                        self.con.execute(f"DELETE FROM {t} WHERE record_id IN (SELECT record_id FROM _changed)")
                    self.con.execute(
                        "UPDATE records SET text = i.text, created_at = i.created_at, iso_week = i.iso_week, "
                        "rating = i.rating, segments = i.segments, metadata = i.metadata, "
                        "dedup_key = i.dedup_key FROM _inc i "
                        "WHERE records.record_id = i.record_id "
                        "AND records.record_id IN (SELECT record_id FROM _changed)"
                    )
                cols = ", ".join(f'"{c}"' for c in RECORD_COLUMNS)
                self.con.execute(
                    f"INSERT INTO records ({cols}) SELECT {cols} FROM _inc "
                    "WHERE record_id NOT IN (SELECT record_id FROM records)"
                )
                self.con.unregister("_inc")
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
        return UpsertResult(new=len(data) - known, updated=len(changed), unchanged=known - len(changed))

    def mark_duplicates(self, dedup_keys: Sequence[str]) -> None:
        keys = pd.DataFrame({"k": pd.Series(list(dict.fromkeys(dedup_keys)), dtype=object)})
        if keys.empty:
            return
        with self.lock:
            self.con.register("_keys", keys)
            try:
                self.con.execute(
                    "UPDATE records SET duplicate_of = CASE WHEN f.first_id = records.record_id "
                    "THEN NULL ELSE f.first_id END FROM ("
                    "  SELECT record_id, first_value(record_id) OVER "
                    "    (PARTITION BY dedup_key ORDER BY created_at, record_id) AS first_id"
                    "  FROM records WHERE dedup_key IN (SELECT k FROM _keys)"
                    ") f WHERE records.record_id = f.record_id"
                )
            finally:
                self.con.unregister("_keys")

    def count_duplicates(self, record_ids: Sequence[str]) -> int:
        ids = pd.DataFrame({"i": pd.Series(list(dict.fromkeys(record_ids)), dtype=object)})
        if ids.empty:
            return 0
        with self.lock:
            self.con.register("_ids", ids)
            try:
                return self.con.execute(
                    "SELECT count(*) FROM records WHERE duplicate_of IS NOT NULL AND record_id IN (SELECT i FROM _ids)"
                ).fetchall()[0][0]
            finally:
                self.con.unregister("_ids")

    def add_quarantine(self, rows: pd.DataFrame) -> None:
        """Add quarantine rows; a row already quarantined (same source, location, reason, raw) is kept once."""
        rows = redact_frame(rows)  # the one PII guard on every stored string (voc.privacy)
        if rows.empty:
            return
        rows = rows.drop_duplicates(["source", "location", "reason", "raw"])
        with self.lock:
            data = _prepare(rows[list(QUARANTINE_COLUMNS)], QUARANTINE_COLUMNS)
            self.con.register("_q", data)
            try:
                self.con.execute(
                    "INSERT INTO quarantine SELECT * FROM _q WHERE NOT EXISTS (SELECT 1 FROM quarantine q "
                    "WHERE q.source = _q.source AND q.location = _q.location AND q.reason = _q.reason "
                    "AND q.raw IS NOT DISTINCT FROM _q.raw)"
                )
            finally:
                self.con.unregister("_q")

    def log_run(self, rows: pd.DataFrame) -> None:
        rows = redact_frame(rows)  # the one PII guard on every stored string (voc.privacy)
        with self.lock:
            self._insert("run_log", rows)

    # -- stages ----------------------------------------------------------------------------------
    def upsert_stage(self, table: str, rows: pd.DataFrame) -> None:
        rows = redact_frame(rows)  # the one PII guard on every stored string (voc.privacy)
        if table not in STAGE_TABLES:
            raise ValueError(f"not a stage table: {table}")
        if rows.empty:
            return
        with self.lock:
            self.con.execute("BEGIN")
            try:
                ids = pd.DataFrame({"i": rows["record_id"].astype(str)})
                self.con.register("_ids", ids)
                self.con.execute(f"DELETE FROM {table} WHERE record_id IN (SELECT i FROM _ids)")
                self.con.unregister("_ids")
                self._insert(table, rows[list(FIXED_TABLES[table])])
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise

    def _week_filter(self, weeks: Sequence[str] | None) -> tuple[str, list]:
        if weeks is None:
            return "", []
        weeks = list(weeks)
        if not weeks:
            return " AND false", []
        return f" AND r.iso_week IN ({', '.join('?' * len(weeks))})", weeks

    def records_missing(self, table: str, weeks: Sequence[str] | None = None) -> pd.DataFrame:
        if table not in STAGE_TABLES:
            raise ValueError(f"not a stage table: {table}")
        cond, params = self._week_filter(weeks)
        with self.lock:
            return self.con.execute(
                f"SELECT r.* FROM records r WHERE r.record_id NOT IN (SELECT record_id FROM {table}){cond} "
                "ORDER BY r.created_at, r.record_id",
                params,
            ).df()

    def enriched_records(self, weeks: Sequence[str]) -> pd.DataFrame:
        cond, params = self._week_filter(weeks)
        with self.lock:
            return self.con.execute(
                "SELECT r.*, t.* EXCLUDE (record_id), s.* EXCLUDE (record_id), "
                "tp.topic_id, tp.topic_label, tp.topic_probability "
                "FROM records r LEFT JOIN record_text t USING (record_id) "
                "LEFT JOIN record_sentiment s USING (record_id) "
                "LEFT JOIN record_topics tp USING (record_id) "
                f"WHERE true{cond} ORDER BY r.created_at, r.record_id",
                params,
            ).df()

    # -- generic tables ----------------------------------------------------------------------------
    def replace_week_rows(self, table: str, week: str, rows: pd.DataFrame) -> None:
        rows = redact_frame(rows)  # the one PII guard on every stored string (voc.privacy)
        _check_name(table)
        with self.lock:
            self.con.execute("BEGIN")
            try:
                if self._columns(table):
                    self.con.execute(f"DELETE FROM {table} WHERE iso_week = ?", [week])
                if not rows.empty:
                    self._insert(table, rows)
                elif not self._columns(table) and len(rows.columns):
                    self._create(table, {c: _sql_type(rows[c]) for c in rows.columns})
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise

    def replace_table(self, table: str, rows: pd.DataFrame) -> None:
        rows = redact_frame(rows)  # the one PII guard on every stored string (voc.privacy)
        _check_name(table)
        if table in FIXED_TABLES:
            raise ValueError(f"{table} is a core table; use its own method")
        with self.lock:
            self.con.execute("BEGIN")
            try:
                self.con.execute(f"DROP TABLE IF EXISTS {table}")
                self._create(table, {c: _sql_type(rows[c]) for c in rows.columns})
                self._insert(table, rows)
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise

    def append_rows(self, table: str, rows: pd.DataFrame) -> None:
        rows = redact_frame(rows)  # the one PII guard on every stored string (voc.privacy)
        with self.lock:
            self._insert(_check_name(table), rows)

    def read_table(self, table: str, where: str | None = None, params: Sequence | None = None) -> pd.DataFrame:
        _check_name(table)
        with self.lock:
            if not self._columns(table):
                return pd.DataFrame()
            sql = f"SELECT * FROM {table}" + (f" WHERE {where}" if where else "")
            return self.con.execute(sql, list(params or [])).df()

    def status(self) -> dict:
        with self.lock:
            q = lambda sql: self.con.execute(sql).fetchall()  # noqa: E731
            return {
                "records": q("SELECT count(*) FROM records")[0][0],
                "by_channel": dict(q("SELECT channel, count(*) FROM records GROUP BY 1 ORDER BY 1")),
                "by_week": dict(q("SELECT iso_week, count(*) FROM records GROUP BY 1 ORDER BY 1")),
                "quarantined": q("SELECT count(*) FROM quarantine")[0][0],
                "duplicates": q("SELECT count(*) FROM records WHERE duplicate_of IS NOT NULL")[0][0],
            }

    def get_meta(self, key: str) -> str | None:
        with self.lock:
            rows = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.lock:
            self.con.execute("DELETE FROM meta WHERE key = ?", [key])
            self.con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])

    def close(self) -> None:
        with self.lock:
            try:
                self.con.close()
            except Exception:
                pass
