"""Read tabular source files into raw rows (dict per row, with its location); bad rows are reported."""

from __future__ import annotations

import csv
import glob
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from voc.errors import SourceError  # re-exported: `from voc.ingest.files import SourceError` keeps working
from voc.ingest.encoding import CONTROL_RE, read_text_file

csv.field_size_limit(64 * 1024 * 1024)

SUFFIX_FORMATS = {
    ".csv": "csv", ".tsv": "tsv", ".txt": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".json": "json", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx",
}


@dataclass
class RawRows:
    """Rows as read, before mapping: values by column name, a location per row, and rejects."""

    rows: list[dict] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    rejects: list[tuple[str, str, str]] = field(default_factory=list)  # (location, reason, raw)
    files: list[str] = field(default_factory=list)

    def extend(self, other: "RawRows") -> None:
        self.rows.extend(other.rows)
        self.locations.extend(other.locations)
        self.rejects.extend(other.rejects)
        self.files.extend(other.files)

    @property
    def read(self) -> int:
        return len(self.rows) + len(self.rejects)


def expand_paths(pattern: Path) -> list[Path]:
    """The files a source path names: one file, or every match of a glob, sorted."""
    s = str(pattern)
    if any(ch in s for ch in "*?["):
        files = sorted(Path(p) for p in glob.glob(s, recursive=True) if Path(p).is_file())
        if not files:
            raise SourceError(f"no files match {s}")
        return files
    if not pattern.exists():
        raise SourceError(f"file not found: {s}")
    if pattern.is_dir():
        raise SourceError(f"{s} is a folder; give a glob such as {s}/*.csv")
    return [pattern]


def detect_format(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    try:
        return SUFFIX_FORMATS[path.suffix.lower()]
    except KeyError:
        raise SourceError(
            f"{path}: cannot tell the format from the suffix {path.suffix!r}; set `format:`"
        ) from None


def read_file(path: Path, fmt: str | None = None, encoding: str = "auto", sheet=None) -> RawRows:
    """Raw rows of one file. Raises SourceError when the file as a whole is unreadable."""
    fmt = detect_format(path, fmt)
    if path.stat().st_size == 0:
        return RawRows(files=[str(path)])
    if fmt in ("csv", "tsv"):
        out = _read_delimited(path, "\t" if fmt == "tsv" else ",", encoding)
    elif fmt == "jsonl":
        out = _read_jsonl(path, encoding)
    elif fmt == "json":
        out = _read_json(path, encoding)
    elif fmt == "parquet":
        out = _read_frame(path, lambda: pd.read_parquet(path), "row", first=0)
    elif fmt == "xlsx":
        out = _read_frame(
            path, lambda: pd.read_excel(path, sheet_name=sheet or 0, dtype=object), "row", first=2
        )
    else:  # pragma: no cover - config validation restricts formats
        raise SourceError(f"{path}: unsupported format {fmt}")
    out.files.append(str(path))
    return out


def _read_delimited(path: Path, delimiter: str, encoding: str) -> RawRows:
    text, _ = read_text_file(path, encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    out = RawRows()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return out
    except csv.Error as e:
        raise SourceError(f"{path}: cannot read the header row: {e}") from None
    header = [h.strip() for h in header]
    if not any(header):
        raise SourceError(f"{path}: the first line must be a header row naming the columns")
    n = len(header)
    prev_line = reader.line_num
    physical: list[str] | None = None
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            loc = f"{path}:line {prev_line + 1}"
            out.rejects.append((loc, f"malformed CSV: {e}", ""))
            prev_line = reader.line_num
            continue
        first_line, last_line = prev_line + 1, reader.line_num
        loc = f"{path}:line {first_line}"
        prev_line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line: not a record
        raw = delimiter.join(row)
        if len(row) != n and last_line > first_line:
            # an unbalanced quote swallowed the lines after it: read each physical line on its own
            if physical is None:
                physical = text.split("\n")
            for ln in range(first_line, last_line + 1):
                line = physical[ln - 1].rstrip("\r") if ln - 1 < len(physical) else ""
                if not line.strip():
                    continue
                parts = next(csv.reader([line], delimiter=delimiter), [])
                lloc = f"{path}:line {ln}"
                if len(parts) == n and not CONTROL_RE.search(line) and '"' not in line:
                    out.rows.append(dict(zip(header, parts)))
                    out.locations.append(lloc)
                else:
                    out.rejects.append((lloc, f"malformed CSV: unbalanced quote or {len(parts)} fields (expected {n})", line))
            continue
        if len(row) != n:
            out.rejects.append((loc, f"wrong shape: expected {n} fields, got {len(row)}", raw))
            continue
        if CONTROL_RE.search(raw):
            out.rejects.append((loc, "control characters (NUL or similar) in row", raw))
            continue
        out.rows.append(dict(zip(header, row)))
        out.locations.append(loc)
    return out


def _read_jsonl(path: Path, encoding: str) -> RawRows:
    text, _ = read_text_file(path, encoding)
    out = RawRows()
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        loc = f"{path}:line {i}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            out.rejects.append((loc, f"invalid JSON: {e.msg}", line))
            continue
        if not isinstance(obj, dict):
            out.rejects.append((loc, f"wrong shape: expected a JSON object, got {type(obj).__name__}", line))
            continue
        out.rows.append(obj)
        out.locations.append(loc)
    return out


def _read_json(path: Path, encoding: str) -> RawRows:
    text, _ = read_text_file(path, encoding)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise SourceError(f"{path}: invalid JSON at line {e.lineno}: {e.msg}") from None
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise SourceError(f"{path}: expected a JSON list of records (or an object holding one list)")
        data = lists[0]
    if not isinstance(data, list):
        raise SourceError(f"{path}: expected a JSON list of records")
    out = RawRows()
    for i, obj in enumerate(data):
        loc = f"{path}:item {i}"
        if not isinstance(obj, dict):
            out.rejects.append((loc, f"wrong shape: expected a JSON object, got {type(obj).__name__}",
                                json.dumps(obj, ensure_ascii=False, default=str)[:2000]))
            continue
        out.rows.append(obj)
        out.locations.append(loc)
    return out


def _read_frame(path: Path, load, unit: str, first: int) -> RawRows:
    try:
        df = load()
    except Exception as e:  # corrupt parquet/xlsx: the whole file is unreadable
        raise SourceError(f"{path}: cannot read: {e}") from None
    df.columns = [str(c).strip() for c in df.columns]
    out = RawRows()
    records = df.astype(object).where(df.notna(), None).to_dict("records")
    out.rows = records
    out.locations = [f"{path}:{unit} {i + first}" for i in range(len(records))]
    return out
