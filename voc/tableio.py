"""Read and write tables by file suffix (CSV, TSV, JSONL, JSON, Parquet, XLSX), atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

READABLE = (".csv", ".tsv", ".jsonl", ".json", ".parquet", ".xlsx")


def read_table(path: str | Path, **kwargs) -> pd.DataFrame:
    """A whole table file as a DataFrame, chosen by suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, encoding="utf-8-sig", **kwargs)
    if suffix == ".tsv":
        return pd.read_csv(path, sep="\t", encoding="utf-8-sig", **kwargs)
    if suffix == ".jsonl":
        return pd.read_json(path, lines=True, **kwargs)
    if suffix == ".json":
        return pd.read_json(path, **kwargs)
    if suffix == ".parquet":
        return pd.read_parquet(path, **kwargs)
    if suffix == ".xlsx":
        return pd.read_excel(path, **kwargs)
    raise ValueError(f"{path}: unsupported file type {suffix!r}; use one of {', '.join(READABLE)}")


def atomic_path(path: Path):
    """Context manager giving a temp path beside ``path``, moved into place on success."""
    return _AtomicPath(path)


class _AtomicPath:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def __enter__(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        self.tmp = Path(tmp)
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` by suffix; CSV/TSV in UTF-8 with BOM so Excel shows Thai. Atomic."""
    from voc.export.writers import escape_formulas, write_workbook

    path = Path(path)
    suffix = path.suffix.lower()
    with atomic_path(path) as tmp:
        if suffix == ".csv":  # spreadsheet formats: a cell that reads as a formula is written as text
            escape_formulas(df).to_csv(tmp, index=False, encoding="utf-8-sig")
        elif suffix == ".tsv":
            escape_formulas(df).to_csv(tmp, index=False, sep="\t", encoding="utf-8-sig")
        elif suffix == ".jsonl":
            df.to_json(tmp, orient="records", lines=True, force_ascii=False, date_format="iso")
        elif suffix == ".json":
            df.to_json(tmp, orient="records", force_ascii=False, date_format="iso", indent=1)
        elif suffix == ".parquet":
            df.to_parquet(tmp, index=False)
        elif suffix == ".xlsx":
            write_workbook(tmp, {"data": df})
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
            from voc.export.writers import escape_formulas

            escape_formulas(df).to_csv(tmp, index=False, encoding="utf-8-sig")
        elif fmt == "jsonl":
            df.to_json(tmp, orient="records", lines=True, force_ascii=False)
        else:
            df.to_parquet(tmp, index=False)
    return path
