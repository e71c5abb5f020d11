"""The SQL both backends run, written once; a ``Dialect`` holds the few parts that differ.

Statements are built from the declarations in ``voc.schema.TABLES`` only, so no caller's text
reaches SQL: table and column names come from the declaration, values go as parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from voc.schema import ENRICHED_COLUMNS, RECORD_COLUMNS, TABLES, Table


@dataclass(frozen=True)
class Dialect:
    """What differs between DuckDB and PostgreSQL in the statements below."""

    name: str
    types: Mapping[str, str]
    """Declared type (voc.schema.SQL_TYPES) -> this database's spelling."""
    param: str
    """The parameter placeholder: ``?`` or ``%s``."""
    text_order: str
    """Appended to a text column in ORDER BY so both sort by code point (PostgreSQL's locale would not)."""
    primary_keys: bool
    """Whether tables get their declared key as PRIMARY KEY (what INSERT ... ON CONFLICT needs)."""
    list_param: str
    """``column {list_param}`` keeps rows whose column is in a list given as one parameter."""


DUCKDB = Dialect(
    name="duckdb",
    types={"VARCHAR": "VARCHAR", "BIGINT": "BIGINT", "DOUBLE": "DOUBLE", "BOOLEAN": "BOOLEAN",
           "TIMESTAMPTZ": "TIMESTAMPTZ"},
    param="?",
    text_order="",
    # DuckDB checks a key on UPDATE of an indexed table eagerly; the stores it created never had keys
    primary_keys=False,
    list_param="IN (SELECT unnest(?))",  # twice as fast as = ANY(?) on 100k keys
)
POSTGRES = Dialect(
    name="postgres",
    types={"VARCHAR": "TEXT", "BIGINT": "BIGINT", "DOUBLE": "DOUBLE PRECISION", "BOOLEAN": "BOOLEAN",
           "TIMESTAMPTZ": "TIMESTAMPTZ"},
    param="%s",
    text_order=' COLLATE "C"',
    primary_keys=True,
    list_param="= ANY(%s)",
)

def q(name: str) -> str:
    """A quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


def column_list(table: Table, alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + q(c) for c in table.columns)


def has_primary_key(table: Table, d: Dialect) -> bool:
    # a weekly table's key may hold NULLs (a roll-up row), which a PRIMARY KEY refuses
    return d.primary_keys and bool(table.key) and table.kind in ("records", "stage", "meta", "registry")


def create_table(table: Table, d: Dialect, name: str | None = None) -> str:
    body = [f"{q(c)} {d.types[t]}" for c, t in table.columns.items()]
    if has_primary_key(table, d) and name is None:
        body.append(f"PRIMARY KEY ({', '.join(map(q, table.key))})")
    return f"CREATE TABLE IF NOT EXISTS {q(name or table.name)} ({', '.join(body)})"


def add_column(table: Table, column: str, d: Dialect) -> str:
    return f"ALTER TABLE {q(table.name)} ADD COLUMN IF NOT EXISTS {q(column)} {d.types[table.columns[column]]}"


def existing_columns(d: Dialect) -> str:
    """Columns and types of one table (parameter: its name) in the current schema."""
    return (
        "SELECT column_name, data_type FROM information_schema.columns "
        f"WHERE table_schema = current_schema() AND table_name = {d.param} ORDER BY ordinal_position"
    )


def select(table: Table, d: Dialect, column: str | None = None) -> str:
    sql = f"SELECT {column_list(table)} FROM {q(table.name)}"
    return sql + (f" WHERE {q(column)} = {d.param}" if column else "")


def delete_week(table: Table, d: Dialect) -> str:
    if table.week is None:
        raise ValueError(f"table {table.name} has no week column")
    return f"DELETE FROM {q(table.name)} WHERE {q(table.week)} = {d.param}"


def insert_from(table: Table, source: str) -> str:
    return f"INSERT INTO {q(table.name)} ({column_list(table)}) SELECT {column_list(table)} FROM {source}"


# -- records ---------------------------------------------------------------------------------------
_RECORD_CHANGED = (
    "r.text IS DISTINCT FROM i.text OR r.created_at IS DISTINCT FROM i.created_at "
    "OR r.rating IS DISTINCT FROM i.rating OR r.segments IS DISTINCT FROM i.segments "
    "OR r.rating_scale IS DISTINCT FROM i.rating_scale"
)
_RECORD_UPDATED = ("text", "created_at", "iso_week", "rating", "segments", "metadata", "dedup_key", "rating_scale")


def changed_records(incoming: str) -> str:
    """record_ids of ``incoming`` already stored with another text, time, rating, scale or segments."""
    return f"SELECT i.record_id FROM {incoming} i JOIN records r USING (record_id) WHERE {_RECORD_CHANGED}"


def delete_stage_rows(table: str, changed: str) -> str:
    return f"DELETE FROM {q(table)} WHERE record_id IN (SELECT record_id FROM {changed})"


def update_changed_records(incoming: str, changed: str) -> str:
    sets = ", ".join(f"{q(c)} = i.{q(c)}" for c in _RECORD_UPDATED)
    return (
        f"UPDATE records SET {sets} FROM {incoming} i WHERE records.record_id = i.record_id "
        f"AND records.record_id IN (SELECT record_id FROM {changed})"
    )


def insert_new_records(incoming: str, d: Dialect) -> str:
    cols = ", ".join(map(q, RECORD_COLUMNS))
    sql = f"INSERT INTO records ({cols}) SELECT {cols} FROM {incoming}"
    if d.primary_keys:
        # a record another worker stored meanwhile counts as known, not an error
        return sql + " ON CONFLICT (record_id) DO NOTHING"
    return sql + " WHERE record_id NOT IN (SELECT record_id FROM records)"


def mark_duplicates(d: Dialect) -> str:
    """Set duplicate_of among records whose dedup_key is in the list parameter (earliest stays original)."""
    first = "CASE WHEN f.first_id = records.record_id THEN NULL ELSE f.first_id END"
    return (
        f"UPDATE records SET duplicate_of = {first} FROM ("
        "  SELECT record_id, first_value(record_id) OVER "
        f"    (PARTITION BY dedup_key ORDER BY created_at, record_id{d.text_order}) AS first_id"
        f"  FROM records WHERE dedup_key {d.list_param}"
        f") f WHERE records.record_id = f.record_id AND records.duplicate_of IS DISTINCT FROM ({first})"
    )


def count_duplicates(d: Dialect) -> str:
    return f"SELECT count(*) FROM records WHERE duplicate_of IS NOT NULL AND record_id {d.list_param}"


def week_filter(weeks: list[str] | None, d: Dialect) -> tuple[str, list]:
    """`` AND ...`` keeping records (alias r) of ``weeks``, and its parameters; None keeps every week."""
    if weeks is None:
        return "", []
    if not weeks:
        return " AND false", []
    # one placeholder per week (a handful): both databases plan a plain IN list best
    return f" AND r.iso_week IN ({', '.join([d.param] * len(weeks))})", [str(w) for w in weeks]


def records_missing(table: Table, d: Dialect, week_cond: str) -> str:
    return (
        f"SELECT {column_list(TABLES['records'], 'r')} FROM records r "
        f"WHERE NOT EXISTS (SELECT 1 FROM {q(table.name)} x WHERE x.record_id = r.record_id){week_cond} "
        f"ORDER BY r.created_at, r.record_id{d.text_order}"
    )


def enriched_types() -> dict[str, str]:
    """Declared type of each column ``enriched_records`` returns (``voc.schema.ENRICHED_COLUMNS``)."""
    types: dict[str, str] = {}
    for name in ("records", "record_text", "record_sentiment", "record_topics"):
        for c, t in TABLES[name].columns.items():
            types.setdefault(c, t)
    return {c: types[c] for c in ENRICHED_COLUMNS}


def stage_of_weeks(table: Table, d: Dialect, week_cond: str) -> str:
    """Rows of stage ``table`` whose record is of the weeks ``week_cond`` keeps (records alias r)."""
    return (
        f"SELECT {column_list(table, 'x')} FROM {q(table.name)} x JOIN records r ON r.record_id = x.record_id "
        f"WHERE true{week_cond} ORDER BY x.record_id{d.text_order}"
    )


def enriched_records(d: Dialect, week_cond: str) -> str:
    sources = {"records": "r", "record_text": "t", "record_sentiment": "s", "record_topics": "tp"}
    owner: dict[str, str] = {}
    for name, alias in sources.items():
        for c in TABLES[name].columns:
            owner.setdefault(c, alias)
    select_list = ", ".join(f"{owner[c]}.{q(c)}" for c in ENRICHED_COLUMNS)
    return (
        f"SELECT {select_list} FROM records r "
        "LEFT JOIN record_text t USING (record_id) "
        "LEFT JOIN record_sentiment s USING (record_id) "
        "LEFT JOIN record_topics tp USING (record_id) "
        f"WHERE true{week_cond} ORDER BY r.created_at, r.record_id{d.text_order}"
    )


# -- quarantine, meta, status ------------------------------------------------------------------------
def insert_new_quarantine(table: Table, incoming: str) -> str:
    """Rows of ``incoming`` not already quarantined (same source, location, reason and raw row)."""
    return (
        f"INSERT INTO quarantine ({column_list(table)}) SELECT {column_list(table, '_q')} FROM {incoming} _q "
        "WHERE NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.source = _q.source AND q.location = _q.location "
        "AND q.reason = _q.reason AND q.raw IS NOT DISTINCT FROM _q.raw)"
    )


def get_meta(d: Dialect) -> str:
    return f"SELECT value FROM meta WHERE key = {d.param}"


def status_queries(d: Dialect) -> dict[str, str]:
    return {
        "records": "SELECT count(*) FROM records",
        "by_channel": f"SELECT channel, count(*) FROM records GROUP BY 1 ORDER BY channel{d.text_order}",
        "by_week": f"SELECT iso_week, count(*) FROM records GROUP BY 1 ORDER BY iso_week{d.text_order}",
        "quarantined": "SELECT count(*) FROM quarantine",
        "duplicates": "SELECT count(*) FROM records WHERE duplicate_of IS NOT NULL",
    }


def status_from(rows: dict[str, list[tuple]]) -> dict:
    """The ``status()`` dict from the rows of ``status_queries``."""
    return {
        "records": rows["records"][0][0],
        "by_channel": dict(rows["by_channel"]),
        "by_week": dict(rows["by_week"]),
        "quarantined": rows["quarantined"][0][0],
        "duplicates": rows["duplicates"][0][0],
    }
