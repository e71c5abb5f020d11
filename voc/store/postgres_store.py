"""The shared store: the same tables on a PostgreSQL server, for Prefect workers on several machines."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd

from voc.schema import STAGE_TABLES, TABLES, Table
from voc.store import sql
from voc.store.base import Store, UpsertResult
from voc.store.frames import as_text

D = sql.POSTGRES
_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


def mask_url(url: str) -> str:
    """The URL with its password replaced by ***, safe for logs and error messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        # unparseable: still never echo what could be a secret after "user:"
        return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)


def _copy_column(series: pd.Series, sql_type: str) -> list:
    """Values of one column as the Python objects COPY writes (None for NULL)."""
    if sql_type in ("TIMESTAMPTZ", "TIMESTAMP"):
        ts = pd.to_datetime(series, utc=sql_type == "TIMESTAMPTZ")
        return [None if v is pd.NaT else v for v in ts.dt.to_pydatetime()]
    if sql_type == "DOUBLE":
        values = pd.to_numeric(series, errors="coerce").astype("float64")
        # floats go over as their shortest exact text, so a value read back compares equal
        return [None if math.isnan(v) else v for v in values.tolist()]
    cells = series.astype(object).where(series.notna(), None).tolist()
    if sql_type == "BIGINT":
        return [None if v is None or v != v else int(v) for v in cells]
    if sql_type == "BOOLEAN":
        return [None if v is None or v != v else bool(v) for v in cells]
    return [v if type(v) is str and "\x00" not in v else _pg_text(v) for v in cells]


def _pg_text(value) -> str | None:
    text = as_text(value)
    # PostgreSQL text cannot hold NUL (DuckDB can); dropping it is the only way to store the row
    return text.replace("\x00", "") if text is not None and "\x00" in text else text


def _frame(rows: list[tuple], columns: list[str], types: dict[str, str]) -> pd.DataFrame:
    """Rows fetched from PostgreSQL as the DataFrame DuckDB's ``.df()`` gives for the same table."""
    cols = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    data = {}
    for name, values in zip(columns, cols, strict=True):
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
        if schema and not _NAME_RE.match(schema):
            raise ValueError(f"invalid schema name {schema!r} (lower-case letters, digits and _)")
        self.schema = schema or None
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
                        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {sql.q(self.schema)}")
                for table in TABLES.values():
                    self._create_or_update(cur, table)
        except Exception as e:
            self.engine.dispose()
            raise RuntimeError(f"cannot open store {self.url}: {_reason(e)}") from None

    # -- helpers -------------------------------------------------------------------------------
    @contextmanager
    def _cursor(self) -> Iterator:
        """A psycopg cursor in one transaction: committed on success, rolled back on error."""
        conn = self.engine.raw_connection()
        try:
            cur = conn.cursor()  # the pool's DB-API view types no `with`: close it by hand
            try:
                yield cur
            finally:
                cur.close()
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.close()  # back to the pool

    def _lock(self, cur, name: str) -> None:
        """Serialise DDL and whole-week replacements on one table across all workers (until commit)."""
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"voc:{self.schema or ''}:{name}"])

    def _existing(self, cur, name: str) -> set[str]:
        cur.execute(sql.existing_columns(D), [name])
        return {c for c, _ in cur.fetchall()}

    def _create_or_update(self, cur, table: Table) -> None:
        """Create a declared table, or add the declared columns a store of an older version lacks."""
        existing = self._existing(cur, table.name)
        if existing and all(c in existing for c in table.columns):
            return
        self._lock(cur, table.name)
        existing = self._existing(cur, table.name)  # another worker may have made it meanwhile
        if not existing:
            cur.execute(sql.create_table(table, D))
            return
        for column in table.columns:
            if column not in existing:
                cur.execute(sql.add_column(table, column, D))

    def _copy(self, cur, target: str, table: Table, data: pd.DataFrame) -> None:
        """Bulk-load ``data`` (the declared columns of ``table``) into ``target`` with COPY."""
        if data.empty:
            return
        values = [_copy_column(data[c], t) for c, t in table.columns.items()]
        # write_row escapes in psycopg's C code: several times faster than building the text here
        with cur.copy(f"COPY {sql.q(target)} ({sql.column_list(table)}) FROM STDIN") as copy:
            for row in zip(*values, strict=True):
                copy.write_row(row)

    def _temp(self, cur, temp: str, table: Table, data: pd.DataFrame) -> None:
        """A temp table with ``table``'s declared columns (dropped at commit), filled with ``data``."""
        cur.execute(sql.create_table(table, D, name=temp).replace("CREATE TABLE", "CREATE TEMP TABLE", 1)
                    + " ON COMMIT DROP")
        self._copy(cur, temp, table, data)

    def _select(self, cur, statement: str, params: list | None, types: dict[str, str]) -> pd.DataFrame:
        cur.execute(statement, params or None)
        columns = [d.name for d in cur.description]
        return _frame(cur.fetchall(), columns, types)

    # -- records ---------------------------------------------------------------------------------
    def _upsert_records(self, data: pd.DataFrame) -> UpsertResult:
        with self._cursor() as cur:
            self._temp(cur, "_inc", TABLES["records"], data)
            cur.execute(f"CREATE TEMP TABLE _changed ON COMMIT DROP AS {sql.changed_records('_inc')}")
            changed = cur.rowcount
            if changed:
                for t in STAGE_TABLES:
                    cur.execute(sql.delete_stage_rows(t, "_changed"))
                cur.execute(sql.update_changed_records("_inc", "_changed"))
            cur.execute(sql.insert_new_records("_inc", D))
            new = cur.rowcount
        return UpsertResult(new=new, updated=changed, unchanged=len(data) - new - changed)

    def mark_duplicates(self, dedup_keys: Sequence[str]) -> None:
        keys = [str(k) for k in dict.fromkeys(dedup_keys)]
        if keys:
            with self._cursor() as cur:
                cur.execute(sql.mark_duplicates(D), [keys])

    def count_duplicates(self, record_ids: Sequence[str]) -> int:
        ids = [str(i) for i in dict.fromkeys(record_ids)]
        if not ids:
            return 0
        with self._cursor() as cur:
            cur.execute(sql.count_duplicates(D), [ids])
            return cur.fetchone()[0]

    def _add_quarantine(self, data: pd.DataFrame) -> None:
        table = TABLES["quarantine"]
        with self._cursor() as cur:
            # two workers quarantining the same row at once must still store it once
            self._lock(cur, "quarantine")
            self._temp(cur, "_q_in", table, data)
            cur.execute(sql.insert_new_quarantine(table, "_q_in"))

    def _append(self, table: Table, data: pd.DataFrame) -> None:
        with self._cursor() as cur:
            self._copy(cur, table.name, table, data)

    # -- stages ----------------------------------------------------------------------------------
    def _upsert_stage(self, table: Table, data: pd.DataFrame) -> None:
        with self._cursor() as cur:
            self._temp(cur, "_stage", table, data)
            updates = ", ".join(f"{sql.q(c)} = EXCLUDED.{sql.q(c)}" for c in table.columns if c != "record_id")
            cur.execute(f"{sql.insert_from(table, '_stage')} ON CONFLICT (record_id) DO UPDATE SET {updates}")

    def _records_missing(self, table: Table, weeks: list[str] | None) -> pd.DataFrame:
        cond, params = sql.week_filter(weeks, D)
        with self._cursor() as cur:
            return self._select(cur, sql.records_missing(table, D, cond), params, dict(TABLES["records"].columns))

    def _stage_rows(self, table: Table, weeks: list[str]) -> pd.DataFrame:
        cond, params = sql.week_filter(weeks, D)
        with self._cursor() as cur:
            return self._select(cur, sql.stage_of_weeks(table, D, cond), params, dict(table.columns))

    def enriched_records(self, weeks: Sequence[str]) -> pd.DataFrame:
        cond, params = sql.week_filter(list(weeks), D)
        with self._cursor() as cur:
            return self._select(cur, sql.enriched_records(D, cond), params, sql.enriched_types())

    # -- whole and weekly tables -------------------------------------------------------------------
    def _replace_all(self, table: Table, data: pd.DataFrame) -> None:
        with self._cursor() as cur:
            self._lock(cur, table.name)
            cur.execute(f"DELETE FROM {sql.q(table.name)}")
            self._copy(cur, table.name, table, data)

    def _replace_week(self, table: Table, week: str, data: pd.DataFrame) -> None:
        with self._cursor() as cur:
            # held to commit: a second worker's replacement of the same week waits, then replaces ours
            self._lock(cur, table.name)
            cur.execute(sql.delete_week(table, D), [week])
            self._copy(cur, table.name, table, data)

    def _read(self, table: Table, column: str | None = None, value: str | None = None) -> pd.DataFrame:
        with self._cursor() as cur:
            if column is None or value is None:
                return self._select(cur, sql.select(table, D), None, dict(table.columns))
            return self._select(cur, sql.select(table, D, column), [value], dict(table.columns))

    def status(self) -> dict:
        with self._cursor() as cur:
            got = {}
            for k, statement in sql.status_queries(D).items():
                cur.execute(statement)
                got[k] = cur.fetchall()
        return sql.status_from(got)

    def get_meta(self, key: str) -> str | None:
        with self._cursor() as cur:
            cur.execute(sql.get_meta(D), [key])
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


def _reason(e: Exception) -> str:
    """The first line of a driver error, without SQLAlchemy's statement dump or the URL."""
    orig = getattr(e, "orig", None) or e
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
