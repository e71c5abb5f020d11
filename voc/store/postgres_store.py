"""The shared store: the same tables on a PostgreSQL server, for Prefect workers on several machines."""

from __future__ import annotations

import math
import re
from contextlib import contextmanager
from typing import Iterator, Sequence

import numpy as np
import pandas as pd

from voc.privacy import redact_frame
from voc.schema import QUARANTINE_COLUMNS, RECORD_COLUMNS
from voc.store.base import Store, UpsertResult, stores

# The table list, name check and dtype -> type rules are the DuckDB store's, so both backends
# hold the same tables; importing the module does not import duckdb.
from voc.store.duckdb_store import FIXED_TABLES, STAGE_TABLES, _as_text, _check_name, _sql_type

PG_TYPES = {
    "VARCHAR": "TEXT",
    "DOUBLE": "DOUBLE PRECISION",
    "BIGINT": "BIGINT",
    "BOOLEAN": "BOOLEAN",
    "TIMESTAMPTZ": "TIMESTAMPTZ",
    "TIMESTAMP": "TIMESTAMP",
}
# information_schema.columns.data_type -> the schema's spelling, so callers see one vocabulary.
_FROM_PG = {
    "text": "VARCHAR",
    "character varying": "VARCHAR",
    "double precision": "DOUBLE",
    "real": "DOUBLE",
    "numeric": "DOUBLE",
    "bigint": "BIGINT",
    "integer": "BIGINT",
    "smallint": "BIGINT",
    "boolean": "BOOLEAN",
    "timestamp with time zone": "TIMESTAMPTZ",
    "timestamp without time zone": "TIMESTAMP",
}
# A primary key on record_id: one row per record in the record and stage tables, and what
# INSERT ... ON CONFLICT resolves against.
_KEYS = {"records": "record_id", "meta": "key", **{t: "record_id" for t in STAGE_TABLES}}
_RECORD_CHANGED = (
    "r.text IS DISTINCT FROM i.text OR r.created_at IS DISTINCT FROM i.created_at "
    "OR r.rating IS DISTINCT FROM i.rating OR r.segments IS DISTINCT FROM i.segments"
)


def mask_url(url: str) -> str:
    """The URL with its password replaced by ***, safe for logs and error messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        # unparseable: still never echo what could be a secret after "user:"
        return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _placeholders(sql: str) -> str:
    """DuckDB-style ``?`` parameters (what callers of read_table write) as psycopg's ``%s``."""
    out, quote = [], None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            out.append("%s")
            continue
        # psycopg reads % everywhere once parameters are passed, inside literals too
        out.append("%%" if ch == "%" else ch)
    return "".join(out)


def _copy_column(series: pd.Series, sql_type: str) -> list:
    """Values of one column as the Python objects COPY writes (None for NULL)."""
    if sql_type in ("TIMESTAMPTZ", "TIMESTAMP"):
        ts = pd.to_datetime(series, utc=sql_type == "TIMESTAMPTZ")
        return [None if v is pd.NaT else v for v in ts.dt.to_pydatetime()]
    if sql_type == "DOUBLE":
        values = pd.to_numeric(series, errors="coerce").astype("float64")
        # floats go over as their shortest exact text, so a value read back compares equal
        return [None if math.isnan(v) else v for v in values.tolist()]
    values = series.to_numpy(dtype=object, na_value=None)
    if sql_type == "BIGINT":
        return [None if v is None or v != v else int(v) for v in values]
    if sql_type == "BOOLEAN":
        return [None if v is None or v != v else bool(v) for v in values]
    return [v if type(v) is str and "\x00" not in v else _pg_text(v) for v in values]


def _pg_text(value) -> str | None:
    text = _as_text(value)
    # PostgreSQL text cannot hold NUL (DuckDB can); dropping it is the only way to store the row
    return text.replace("\x00", "") if text is not None and "\x00" in text else text


def _frame(rows: list[tuple], columns: list[str], types: dict[str, str]) -> pd.DataFrame:
    """Rows fetched from PostgreSQL as the DataFrame DuckDB's ``.df()`` gives for the same table."""
    cols = list(zip(*rows)) if rows else [()] * len(columns)
    data = {}
    for name, values in zip(columns, cols):
        t = types.get(name, "VARCHAR")
        if t == "DOUBLE":
            data[name] = pd.Series(np.array([np.nan if v is None else v for v in values], dtype="float64"))
        elif t == "BIGINT":
            data[name] = pd.Series(list(values), dtype="Int64" if None in values else "int64")
        elif t == "BOOLEAN":
            data[name] = pd.Series(list(values), dtype="boolean" if None in values else "bool")
        elif t == "TIMESTAMPTZ":
            data[name] = pd.Series(pd.to_datetime(list(values), utc=True), dtype="datetime64[us, UTC]")
        elif t == "TIMESTAMP":
            data[name] = pd.Series(pd.to_datetime(list(values)), dtype="datetime64[us]")
        else:
            # object with None for NULL (pandas 3 would otherwise infer str with NaN)
            data[name] = pd.Series(list(values), dtype=object)
    return pd.DataFrame(data, columns=columns)


@stores.register("postgres")
class PostgresStore(Store):
    """A store on a PostgreSQL server. Safe to share between threads, processes and machines.

    Args:
        url: SQLAlchemy URL, ``postgresql+psycopg://user:password@host:port/db``. Read it from an
            environment variable; it is never logged or shown unmasked.
        schema: PostgreSQL schema holding the tables (created if missing), so several pipelines
            can share one database; the connection's default (usually ``public``) if None.
    """

    def __init__(self, url: str, schema: str | None = None) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        url = str(url)
        self.url = mask_url(url)
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ValueError(f"not a database URL: {self.url}") from None
        if parsed.get_backend_name() != "postgresql":
            raise ValueError(f"not a PostgreSQL URL: {self.url} (expected postgresql+psycopg://...)")
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, not SQLAlchemy's psycopg2 default
        self.schema = _check_name(schema) if schema else None
        options = "-c timezone=UTC"
        if self.schema:
            options += f" -c search_path={self.schema}"
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ImportError('the postgres store needs psycopg 3: pip install "psycopg[binary]"') from None
        self.engine = create_engine(parsed, pool_pre_ping=True, connect_args={"options": options})
        try:
            with self._cursor() as cur:
                if self.schema:
                    # only create when missing: CREATE SCHEMA needs a privilege that using one does not
                    cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [self.schema])
                    if cur.fetchone() is None:
                        self._lock(cur, "schema")
                        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {_q(self.schema)}")
                for name, cols in FIXED_TABLES.items():
                    if not self._columns(cur, name):
                        self._lock(cur, name)
                        self._create(cur, name, cols)
        except Exception as e:
            self.engine.dispose()
            raise RuntimeError(f"cannot open store {self.url}: {_reason(e)}") from None

    # -- helpers -------------------------------------------------------------------------------
    @contextmanager
    def _cursor(self) -> Iterator:
        """A psycopg cursor in one transaction: committed on success, rolled back on error."""
        conn = self.engine.raw_connection()
        try:
            with conn.cursor() as cur:
                yield cur
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.close()  # back to the pool

    def _lock(self, cur, name: str) -> None:
        """Serialise DDL and whole-week replacements on one table across all workers (until commit)."""
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"voc:{self.schema or ''}:{name}"])

    def _create(self, cur, name: str, cols: dict[str, str]) -> None:
        body = [f"{_q(c)} {PG_TYPES.get(t, 'TEXT')}" for c, t in cols.items()]
        if name in _KEYS and _KEYS[name] in cols:
            body.append(f"PRIMARY KEY ({_q(_KEYS[name])})")
        cur.execute(f"CREATE TABLE IF NOT EXISTS {_check_name(name)} ({', '.join(body)})")

    def _columns(self, cur, name: str) -> dict[str, str]:
        cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
            [name],
        )
        return {c: _FROM_PG.get(t, "VARCHAR") for c, t in cur.fetchall()}

    def _ensure_table(self, cur, name: str, df: pd.DataFrame) -> dict[str, str]:
        _check_name(name)
        existing = self._columns(cur, name)
        if existing and all(c in existing for c in df.columns):
            return existing
        self._lock(cur, name)
        existing = self._columns(cur, name)  # another worker may have made it meanwhile
        if not existing:
            wanted = FIXED_TABLES.get(name) or {c: _sql_type(df[c]) for c in df.columns}
            self._create(cur, name, wanted)
            return dict(wanted)
        for c in df.columns:
            if c not in existing:
                _check_column(c)
                cur.execute(f"ALTER TABLE {name} ADD COLUMN IF NOT EXISTS {_q(c)} {PG_TYPES[_sql_type(df[c])]}")
                existing[c] = _sql_type(df[c])
        return existing

    def _copy(self, cur, table: str, df: pd.DataFrame, types: dict[str, str]) -> None:
        """Bulk-load ``df`` into ``table`` with COPY (100k records take about a second)."""
        if df.empty:
            return
        cols = [str(c) for c in df.columns]
        for c in cols:
            _check_column(c)
        values = [_copy_column(df[c], types.get(c) or _sql_type(df[c])) for c in cols]
        # write_row escapes in psycopg's C code: several times faster than building the text here
        with cur.copy(f"COPY {table} ({', '.join(map(_q, cols))}) FROM STDIN") as copy:
            for row in zip(*values):
                copy.write_row(row)

    def _temp_like(self, cur, temp: str, table: str, df: pd.DataFrame) -> None:
        """A temp table shaped like ``table`` (dropped at commit), filled with ``df``."""
        cur.execute(f"CREATE TEMP TABLE {temp} (LIKE {table}) ON COMMIT DROP")
        self._copy(cur, temp, df, self._columns(cur, table))

    def _insert(self, cur, name: str, df: pd.DataFrame) -> None:
        if df.empty:
            return
        types = self._ensure_table(cur, name, df)
        self._copy(cur, name, df, types)

    def _select(self, cur, sql: str, params: Sequence | None, types: dict[str, str]) -> pd.DataFrame:
        cur.execute(sql, list(params) if params is not None else None)
        columns = [d.name for d in cur.description]
        return _frame(cur.fetchall(), columns, types)

    # -- records ---------------------------------------------------------------------------------
    def upsert_records(self, records: pd.DataFrame) -> UpsertResult:
        records = redact_frame(records)  # the one PII guard on every stored string (voc.privacy)
        if records.empty:
            return UpsertResult(0, 0, 0)
        # the primary key allows one row per record_id; ingest keeps the first too
        data = records[list(RECORD_COLUMNS)].drop_duplicates("record_id", keep="first")
        with self._cursor() as cur:
            self._temp_like(cur, "_inc", "records", data)
            cur.execute(
                "CREATE TEMP TABLE _changed ON COMMIT DROP AS "
                f"SELECT i.record_id FROM _inc i JOIN records r USING (record_id) WHERE {_RECORD_CHANGED}"
            )
            changed = cur.rowcount
            if changed:
                for t in STAGE_TABLES:
                    cur.execute(f"DELETE FROM {t} WHERE record_id IN (SELECT record_id FROM _changed)")
                cur.execute(
                    "UPDATE records SET text = i.text, created_at = i.created_at, iso_week = i.iso_week, "
                    "rating = i.rating, segments = i.segments, metadata = i.metadata, dedup_key = i.dedup_key "
                    "FROM _inc i WHERE records.record_id = i.record_id "
                    "AND records.record_id IN (SELECT record_id FROM _changed)"
                )
            cols = ", ".join(map(_q, RECORD_COLUMNS))
            # ON CONFLICT: a record another worker stored meanwhile counts as known, not an error
            cur.execute(f"INSERT INTO records ({cols}) SELECT {cols} FROM _inc ON CONFLICT (record_id) DO NOTHING")
            new = cur.rowcount
        return UpsertResult(new=new, updated=changed, unchanged=len(data) - new - changed)

    def mark_duplicates(self, dedup_keys: Sequence[str]) -> None:
        keys = [str(k) for k in dict.fromkeys(dedup_keys)]
        if not keys:
            return
        with self._cursor() as cur:
            cur.execute(
                "UPDATE records SET duplicate_of = CASE WHEN f.first_id = records.record_id "
                "THEN NULL ELSE f.first_id END FROM ("
                "  SELECT record_id, first_value(record_id) OVER "
                '    (PARTITION BY dedup_key ORDER BY created_at, record_id COLLATE "C") AS first_id'
                "  FROM records WHERE dedup_key = ANY(%s)"
                ") f WHERE records.record_id = f.record_id "
                "AND records.duplicate_of IS DISTINCT FROM (CASE WHEN f.first_id = records.record_id "
                "THEN NULL ELSE f.first_id END)",
                [keys],
            )

    def count_duplicates(self, record_ids: Sequence[str]) -> int:
        ids = [str(i) for i in dict.fromkeys(record_ids)]
        if not ids:
            return 0
        with self._cursor() as cur:
            cur.execute("SELECT count(*) FROM records WHERE duplicate_of IS NOT NULL AND record_id = ANY(%s)", [ids])
            return cur.fetchone()[0]

    def add_quarantine(self, rows: pd.DataFrame) -> None:
        """Add quarantine rows; a row already quarantined (same source, location, reason, raw) is kept once."""
        rows = redact_frame(rows)  # the one PII guard on every stored string (voc.privacy)
        if rows.empty:
            return
        rows = rows.drop_duplicates(["source", "location", "reason", "raw"])
        with self._cursor() as cur:
            # two workers quarantining the same row at once must still store it once
            self._lock(cur, "quarantine")
            self._temp_like(cur, "_q", "quarantine", rows[list(QUARANTINE_COLUMNS)])
            cols = ", ".join(map(_q, QUARANTINE_COLUMNS))
            cur.execute(
                f"INSERT INTO quarantine ({cols}) SELECT {cols} FROM _q WHERE NOT EXISTS (SELECT 1 FROM quarantine q "
                "WHERE q.source = _q.source AND q.location = _q.location AND q.reason = _q.reason "
                "AND q.raw IS NOT DISTINCT FROM _q.raw)"
            )

    def log_run(self, rows: pd.DataFrame) -> None:
        rows = redact_frame(rows)  # the one PII guard on every stored string (voc.privacy)
        with self._cursor() as cur:
            self._insert(cur, "run_log", rows)

    # -- stages ----------------------------------------------------------------------------------
    def upsert_stage(self, table: str, rows: pd.DataFrame) -> None:
        rows = redact_frame(rows)  # the one PII guard on every stored string (voc.privacy)
        if table not in STAGE_TABLES:
            raise ValueError(f"not a stage table: {table}")
        if rows.empty:
            return
        cols = list(FIXED_TABLES[table])
        data = rows[cols].drop_duplicates("record_id", keep="last")
        with self._cursor() as cur:
            self._temp_like(cur, "_stage", table, data)
            names = ", ".join(map(_q, cols))
            updates = ", ".join(f"{_q(c)} = EXCLUDED.{_q(c)}" for c in cols if c != "record_id")
            cur.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM _stage "
                f"ON CONFLICT (record_id) DO UPDATE SET {updates}"
            )

    def _week_filter(self, weeks: Sequence[str] | None) -> tuple[str, list]:
        if weeks is None:
            return "", []
        weeks = [str(w) for w in weeks]
        if not weeks:
            return " AND false", []
        return " AND r.iso_week = ANY(%s)", [weeks]

    def records_missing(self, table: str, weeks: Sequence[str] | None = None) -> pd.DataFrame:
        if table not in STAGE_TABLES:
            raise ValueError(f"not a stage table: {table}")
        cond, params = self._week_filter(weeks)
        with self._cursor() as cur:
            types = self._columns(cur, "records")
            return self._select(
                cur,
                f"SELECT r.* FROM records r WHERE NOT EXISTS (SELECT 1 FROM {table} x WHERE x.record_id = r.record_id)"
                f'{cond} ORDER BY r.created_at, r.record_id COLLATE "C"',
                params,
                types,
            )

    def enriched_records(self, weeks: Sequence[str]) -> pd.DataFrame:
        cond, params = self._week_filter(weeks)
        with self._cursor() as cur:
            types: dict[str, str] = {}
            select = []
            # r.*, then t.* and s.* without record_id, then the topic columns: DuckDB's column order
            for alias, table in (("r", "records"), ("t", "record_text"), ("s", "record_sentiment")):
                for c, t in self._columns(cur, table).items():
                    if alias == "r" or (c != "record_id" and c not in types):
                        select.append(f"{alias}.{_q(c)}")
                        types[c] = t
            topics = self._columns(cur, "record_topics")
            for c in ("topic_id", "topic_label", "topic_probability"):
                select.append(f"tp.{_q(c)}")
                types[c] = topics[c]
            return self._select(
                cur,
                f"SELECT {', '.join(select)} FROM records r "
                "LEFT JOIN record_text t USING (record_id) "
                "LEFT JOIN record_sentiment s USING (record_id) "
                "LEFT JOIN record_topics tp USING (record_id) "
                f'WHERE true{cond} ORDER BY r.created_at, r.record_id COLLATE "C"',
                params,
                types,
            )

    # -- generic tables ----------------------------------------------------------------------------
    def replace_week_rows(self, table: str, week: str, rows: pd.DataFrame) -> None:
        rows = redact_frame(rows)  # the one PII guard on every stored string (voc.privacy)
        _check_name(table)
        with self._cursor() as cur:
            # held to commit: a second worker's replacement of the same week waits, then replaces ours
            self._lock(cur, table)
            if self._columns(cur, table):
                cur.execute(f"DELETE FROM {table} WHERE iso_week = %s", [week])
            if not rows.empty:
                self._insert(cur, table, rows)
            elif not self._columns(cur, table) and len(rows.columns):
                self._create(cur, table, {c: _sql_type(rows[c]) for c in rows.columns})

    def replace_table(self, table: str, rows: pd.DataFrame) -> None:
        rows = redact_frame(rows)  # the one PII guard on every stored string (voc.privacy)
        _check_name(table)
        if table in FIXED_TABLES:
            raise ValueError(f"{table} is a core table; use its own method")
        for c in rows.columns:
            _check_column(str(c))
        with self._cursor() as cur:
            self._lock(cur, table)
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            self._create(cur, table, {c: _sql_type(rows[c]) for c in rows.columns})
            self._insert(cur, table, rows)

    def append_rows(self, table: str, rows: pd.DataFrame) -> None:
        rows = redact_frame(rows)  # the one PII guard on every stored string (voc.privacy)
        with self._cursor() as cur:
            self._insert(cur, _check_name(table), rows)

    def read_table(self, table: str, where: str | None = None, params: Sequence | None = None) -> pd.DataFrame:
        _check_name(table)
        with self._cursor() as cur:
            types = self._columns(cur, table)
            if not types:
                return pd.DataFrame()
            if where:
                return self._select(cur, f"SELECT * FROM {table} WHERE {_placeholders(where)}", list(params or []), types)
            return self._select(cur, f"SELECT * FROM {table}", None, types)

    def status(self) -> dict:
        with self._cursor() as cur:

            def q(sql: str) -> list[tuple]:
                cur.execute(sql)
                return cur.fetchall()

            return {
                "records": q("SELECT count(*) FROM records")[0][0],
                "by_channel": dict(q('SELECT channel, count(*) FROM records GROUP BY 1 ORDER BY channel COLLATE "C"')),
                "by_week": dict(q('SELECT iso_week, count(*) FROM records GROUP BY 1 ORDER BY iso_week COLLATE "C"')),
                "quarantined": q("SELECT count(*) FROM quarantine")[0][0],
                "duplicates": q("SELECT count(*) FROM records WHERE duplicate_of IS NOT NULL")[0][0],
            }

    def get_meta(self, key: str) -> str | None:
        with self._cursor() as cur:
            cur.execute("SELECT value FROM meta WHERE key = %s", [key])
            row = cur.fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._cursor() as cur:
            cur.execute(
                "INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [key, value],
            )

    def close(self) -> None:
        self.engine.dispose()


def _check_column(name: str) -> str:
    # quoted identifiers could hold anything; refuse what would be surprising as a column name
    if not name or '"' in name or "\x00" in name or len(name) > 63:
        raise ValueError(f"invalid column name {name!r}")
    return name


def _reason(e: Exception) -> str:
    """The first line of a driver error, without SQLAlchemy's statement dump or the URL."""
    orig = getattr(e, "orig", None) or e
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
