"""Frames made to fit a declared table: exactly its columns, each holding its declared type."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from voc.privacy import redact_frame
from voc.schema import TABLES, Table, TableKind
from voc.store.errors import StoreError, UndeclaredColumnError, UndeclaredTableError


def declared_table(name: str, *kinds: TableKind) -> Table:
    """The declaration of table ``name``; with ``kinds``, it must be one of them."""
    table = TABLES.get(name) if isinstance(name, str) else None
    if table is None:
        raise UndeclaredTableError(
            f"table {name!r} is not declared in voc/schema.py TABLES (declared: {', '.join(TABLES)})"
        )
    if kinds and table.kind not in kinds:
        allowed = ", ".join(n for n, t in TABLES.items() if t.kind in kinds)
        raise UndeclaredTableError(f"table {name!r} is a {table.kind} table; this call takes: {allowed}")
    return table


def as_text(value: object) -> str | None:
    """A cell as stored text: lists and dicts as JSON (Thai kept readable), missing as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, np.ndarray):
        return json.dumps(value.tolist(), ensure_ascii=False, default=str)
    return str(value)


def conform(table: Table, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with exactly the declared columns of ``table``, in order, as their declared types.

    A declared column the frame lacks becomes NULL; a column the declaration lacks is an error
    (add it to the table's dict in voc/schema.py), as is a value that is not of its column's type.
    """
    extra = [str(c) for c in rows.columns if c not in table.columns]
    rows = redact_frame(rows)  # the one PII guard on every stored string (voc.privacy)
    if extra:
        raise UndeclaredColumnError(
            f"table {table.name!r} has no column {', '.join(map(repr, extra))}: "
            f"declare it in voc/schema.py (declared: {', '.join(table.columns)})"
        )
    n = len(rows)
    out = {}
    for col, sql_type in table.columns.items():
        if col in rows.columns:
            series = rows[col].reset_index(drop=True)
        else:
            series = pd.Series([None] * n, dtype=object)
        out[col] = _typed(table.name, col, sql_type, series)
    return pd.DataFrame(out, columns=list(table.columns))


def check_key(table: Table, data: pd.DataFrame) -> None:
    """Refuse rows that repeat a key of ``table`` (they would count twice)."""
    if not table.key or data.empty:
        return
    repeated = data.duplicated(list(table.key), keep=False)
    if repeated.any():
        first = data.loc[repeated, list(table.key)].iloc[0].tolist()
        raise StoreError(
            f"table {table.name!r}: {int(repeated.sum())} rows share a key {tuple(table.key)}, e.g. {first}"
        )


def _typed(table: str, col: str, sql_type: str, s: pd.Series) -> pd.Series:
    where = f"table {table!r} column {col!r} ({sql_type})"
    if sql_type == "VARCHAR":
        if pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype):
            return s  # pandas' own text dtype: already text, and what DuckDB scans fastest
        if pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
            return s
        return pd.Series([as_text(v) for v in s], dtype=object)
    if sql_type in ("DOUBLE", "BIGINT"):
        if pd.api.types.is_bool_dtype(s.dtype) and sql_type == "BIGINT":
            s = s.astype("Int64")
        try:
            values = pd.to_numeric(s.astype(object).where(s.notna(), None), errors="raise")
        except (ValueError, TypeError):
            raise StoreError(f"{where} holds a value that is not a number") from None
        values = pd.Series(values, dtype="float64") if not len(values) else values
        if sql_type == "DOUBLE":
            return values.astype("float64")
        floats = values.astype("float64")
        whole = floats.isna() | (np.isfinite(floats) & (floats == np.round(floats)))
        if not whole.all():
            raise StoreError(f"{where} holds a value that is not a whole number")
        if pd.api.types.is_integer_dtype(values.dtype):
            return values.astype("Int64")
        return floats.astype("Int64")
    if sql_type == "BOOLEAN":
        if pd.api.types.is_bool_dtype(s.dtype):
            return s.astype("boolean")
        cells = [None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v for v in s]
        if any(not isinstance(v, (bool, np.bool_)) for v in cells if v is not None):
            raise StoreError(f"{where} holds a value that is not true/false")
        return pd.Series(cells, dtype="boolean")
    if sql_type == "TIMESTAMPTZ":
        try:
            return pd.to_datetime(s, utc=True).astype("datetime64[us, UTC]")
        except (ValueError, TypeError):
            raise StoreError(f"{where} holds a value that is not a time") from None
    raise StoreError(f"{where}: unknown type")  # schema.Table refuses other types; kept for safety
