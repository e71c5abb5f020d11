"""Read and write tables by file suffix (CSV, TSV, JSONL, JSON, Parquet, XLSX), atomically."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pandas as pd

from voc.fsutil import atomic_path

READABLE = (".csv", ".tsv", ".jsonl", ".json", ".parquet", ".xlsx")


def read_table(path: str | Path, text_columns: tuple[str, ...] = (), **kwargs) -> pd.DataFrame:
    """A whole table file as a DataFrame, chosen by suffix.

    ``text_columns`` are read as written: in CSV/TSV the words pandas takes for missing (``NULL``, ``N/A``,
    ``nan``, ``None``...) stay text, and in any format a number, date or boolean cell becomes its text;
    only a truly empty cell is empty (``""``). CSV/TSV in UTF-8, UTF-16 or Thai cp874 (TIS-620) are
    decoded as ingest decodes them.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        if text_columns:  # every column as written: predict passes them through (ids like 007 stay 007)
            kwargs.setdefault("dtype", str)
            kwargs.setdefault("keep_default_na", False)
        return _as_text(read_delimited(path, "," if suffix == ".csv" else "\t", **kwargs), text_columns)
    if text_columns and suffix in (".jsonl", ".json"):
        kwargs.setdefault("dtype", False)  # a string "00042" stays a string, not 42
    if suffix == ".jsonl":
        return _as_text(pd.read_json(path, lines=True, **kwargs), text_columns)
    if suffix == ".json":
        return _as_text(pd.read_json(path, **kwargs), text_columns)
    if suffix == ".parquet":
        return _as_text(pd.read_parquet(path, **kwargs), text_columns)
    if suffix == ".xlsx":
        if text_columns:
            kwargs.setdefault("keep_default_na", False)
        return _as_text(pd.read_excel(path, **kwargs), text_columns)
    raise ValueError(f"{path}: unsupported file type {suffix!r}; use one of {', '.join(READABLE)}")


def unread_sheets(path: str | Path) -> list[str]:
    """The sheets after the first of an XLSX workbook (which ``read_table`` leaves unread); ``[]`` for any
    other file, or a workbook that cannot be opened (reading it says why)."""
    if Path(path).suffix.lower() != ".xlsx":
        return []
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        try:
            return list(workbook.sheetnames[1:])
        finally:
            workbook.close()
    except Exception:  # not a workbook: the reader reports it
        return []


def read_delimited(path: str | Path, sep: str, quoting: Literal[0, 1, 2, 3] = 0, **kwargs) -> pd.DataFrame:
    """A CSV/TSV file, decoded as ingest decodes (UTF-8, UTF-16, Thai cp874); a row with more fields than the
    header is an error naming its line (pandas would otherwise take the extra fields as an index and shift
    every column)."""
    import io

    from voc.ingest.encoding import read_text_file

    text, _ = read_text_file(Path(path))
    text = text.removeprefix("\ufeff")
    if kwargs.get("header", "infer") is not None and "names" not in kwargs:
        reader = csv.reader(io.StringIO(text), delimiter=sep, quoting=quoting)
        header = next(reader, [])
        for row in reader:
            if len(row) > len(header):
                raise ValueError(f"{path}: line {reader.line_num}: {len(row)} fields, but the header has "
                                 f"{len(header)}")
    return pd.read_csv(io.StringIO(text), sep=sep, quoting=quoting, index_col=False, **kwargs)


def _as_text(df: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    for col in columns:
        if col in df.columns:
            df[col] = [_cell_text(v) for v in df[col].tolist()]
    return df


def _cell_text(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as a spreadsheet shows it
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat(sep=" ") if (value.hour, value.minute, value.second) != (0, 0, 0) else str(value.date())
    return str(value)


def write_csv(df: pd.DataFrame, path: str | Path, sep: str = ",") -> None:
    r"""The one way voc writes CSV/TSV: UTF-8 with BOM (Excel shows Thai), every non-numeric field quoted.

    pandas 3.1 on Python 3.11 leaves a field holding a bare ``\r`` unquoted, and every reader then splits
    the row there; quoting every text field (``csv.QUOTE_NONNUMERIC``) keeps ``\r``, ``\r\n``, ``\n`` and
    U+2028 inside their field, so the file reads back with the same rows. A text cell that a spreadsheet
    would run as a formula gets a leading ``'`` (:func:`escape_formulas`, OWASP).
    """
    escape_formulas(df).to_csv(path, index=False, sep=sep, encoding="utf-8-sig", quoting=csv.QUOTE_NONNUMERIC)


def _write_jsonl(df: pd.DataFrame, path: Path) -> None:
    """JSON lines with U+2028/U+2029 escaped: line readers that split on them (str.splitlines) keep the row."""
    text = df.to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
    Path(path).write_text(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"), encoding="utf-8")


def _write_xlsx(df: pd.DataFrame, path: Path) -> None:
    """One plain sheet; a text cell that reads as a formula is a string cell, never run.

    Excel has no time zones: a zone-aware time is written as its UTC wall time (the store keeps UTC).
    Characters that the XLSX format cannot hold (``\x00``-``\x1f`` except tab and newlines, U+FFFE, U+FFFF,
    lone surrogates) are dropped from text cells; CSV, JSONL and Parquet keep them.
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    df = df.copy()
    for col in df.columns:
        if isinstance(df[col].dtype, pd.DatetimeTZDtype):
            df[col] = df[col].dt.tz_convert("UTC").dt.tz_localize(None)
        elif df[col].dtype == object:
            df[col] = df[col].map(_naive_utc)
    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append([str(c) for c in df.columns])
    for row in df.itertuples(index=False):
        ws.append([None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else
                   _XML_ILLEGAL.sub("", ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else
                   (v.item() if hasattr(v, "item") else v) for v in row])
    for cells in ws.iter_rows():
        for cell in cells:
            if cell.data_type == "f" or is_formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
    wb.save(path)


_XML_ILLEGAL = re.compile("[\ufffe\uffff\ud800-\udfff]")
"""What XML 1.0 cannot hold beyond openpyxl's control characters: U+FFFE, U+FFFF and lone surrogates."""


def _naive_utc(v: object) -> object:
    if isinstance(v, datetime) and v.tzinfo is not None:
        return v.astimezone(UTC).replace(tzinfo=None)
    return v


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` by suffix; CSV/TSV in UTF-8 with BOM so Excel shows Thai. Atomic."""
    path = Path(path)
    suffix = path.suffix.lower()
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            write_csv(df, tmp)
        elif suffix == ".tsv":
            write_csv(df, tmp, sep="\t")
        elif suffix == ".jsonl":
            _write_jsonl(df, tmp)
        elif suffix == ".json":
            df.to_json(tmp, orient="records", force_ascii=False, date_format="iso", indent=1)
        elif suffix == ".parquet":
            df.to_parquet(tmp, index=False)
        elif suffix == ".xlsx":
            _write_xlsx(df, tmp)
        else:
            raise ValueError(f"{path}: unsupported file type {suffix!r}; use one of {', '.join(READABLE)}")
    return path


TEXT_FILE_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet"}
"""Files the text-oriented commands read and write (`voc text inspect`, `voc topics fit`)."""


def text_file_format(path: str | Path) -> str:
    """csv, jsonl or parquet for ``path``; ValueError naming the file otherwise."""
    path = Path(path)
    fmt = TEXT_FILE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"{path}: unknown file type {path.suffix or '(none)'!r}; use .csv, .jsonl or .parquet")
    return fmt


def read_text_file_table(path: str | Path) -> pd.DataFrame:
    """A CSV (every cell kept as written: no NA guessing), JSONL or Parquet table of texts."""
    fmt = text_file_format(path)
    try:
        if fmt == "csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if fmt == "jsonl":
            return pd.read_json(path, lines=True, dtype=False)
        return pd.read_parquet(path)
    except Exception as exc:  # any parser error is the user's file, not a voc bug
        raise ValueError(f"cannot read {path} as {fmt}: {exc}") from None


def write_text_file_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as CSV (UTF-8 with BOM), JSONL or Parquet by suffix, atomically."""
    path = Path(path)
    fmt = text_file_format(path)
    with atomic_path(path) as tmp:
        if fmt == "csv":
            write_csv(df, tmp)
        elif fmt == "jsonl":
            _write_jsonl(df, tmp)
        else:
            df.to_parquet(tmp, index=False)
    return path


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula (OWASP CSV injection)."""


def is_formula_like(value: object) -> bool:
    """Whether a text cell would be read as a formula: it starts with a formula character and is no number."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False  # "-12.5", "+3": a number written as text is not a formula


def escape_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every formula-like text cell prefixed by ``'`` (OWASP), for CSV; numbers stay numbers."""
    out = None
    for col in df.columns:
        values = df[col]
        if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(values.dtype):
            continue
        escaped = ["'" + v if is_formula_like(v) else v for v in values]
        if any(a is not b for a, b in zip(escaped, values, strict=True)):
            if out is None:
                out = df.copy()
            out[col] = pd.Series(escaped, index=df.index, dtype=object)
    renamed = {c: "'" + c for c in df.columns if is_formula_like(c)}
    if renamed:
        out = (df if out is None else out).rename(columns=renamed)
    return df if out is None else out
