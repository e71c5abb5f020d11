"""Read tabular source files into raw rows (dict per row, with its location); bad rows are reported.

Big files stream: rows come in chunks of at most ``chunk_rows`` (CSV/TSV, JSON Lines and Parquet are
never held whole), so memory stays bounded whatever the file's size.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from voc.errors import SheetError, SourceError  # re-exported: `from voc.ingest.files import SourceError` keeps working
from voc.ingest.encoding import CONTROL_RE, open_text_file, read_text_file

csv.field_size_limit(64 * 1024 * 1024)

CHUNK_ROWS = 50_000
"""Rows per chunk while streaming a file: big enough for fast vectorized mapping, small enough to bound memory."""

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

    def extend(self, other: RawRows) -> None:
        self.rows.extend(other.rows)
        self.locations.extend(other.locations)
        self.rejects.extend(other.rejects)
        self.files.extend(other.files)

    @property
    def read(self) -> int:
        return len(self.rows) + len(self.rejects)


def shown(path: Path | str) -> str:
    """A path as it may be printed and stored: bytes of a name that are not UTF-8 (a TIS-620 file name
    from an old Windows share) appear as ``\\xNN`` escapes instead of breaking every later write."""
    s = os.fspath(path)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        pass
    shown_parts = []
    for part in os.fsencode(s).split(b"/"):  # only the names that are not UTF-8 are escaped, every byte
        try:
            shown_parts.append(part.decode("utf-8"))
        except UnicodeDecodeError:
            shown_parts.append(part.decode("ascii", errors="backslashreplace"))
    return "/".join(shown_parts)


_MAGIC_RE = re.compile(r"[*?\[]")


def _segment_regex(seg: str) -> str:
    """One path segment of a glob as a regex (``*`` and ``?`` stay inside the segment; no hidden names)."""
    out = "(?!\\.)" if seg[:1] in ("*", "?", "[") else ""
    i = 0
    while i < len(seg):
        c = seg[i]
        if c == "*":
            out += "[^/]*"
        elif c == "?":
            out += "[^/]"
        elif c == "[" and (j := seg.find("]", i + 2)) != -1:  # a "]" right after "[" is a member
            body = seg[i + 1:j]
            if body.startswith("!"):
                body = "^" + body[1:]
            out += "[" + body.replace("\\", "\\\\") + "]"
            i = j
        else:
            out += re.escape(c)
        i += 1
    return out


def _glob_regex(parts: tuple[str, ...]) -> re.Pattern:
    pieces = []
    for k, seg in enumerate(parts):
        last = k == len(parts) - 1
        if seg == "**":
            pieces.append("(?:(?!\\.)[^/]+/)*" + ("(?!\\.)[^/]+" if last else ""))
        else:
            pieces.append(_segment_regex(seg) + ("" if last else "/"))
    return re.compile("".join(pieces))


def _walk_glob(root: Path, parts: tuple[str, ...]) -> list[Path]:
    """Files under ``root`` matching the glob ``parts``; each real file once, symlink loops never followed."""
    regex = _glob_regex(parts)
    max_depth = None if "**" in parts else len(parts) - 1
    seen_dirs: set[tuple[int, int]] = set()
    by_real: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        try:
            st = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen_dirs:  # reached again through a link: a loop or a second way in
            dirnames[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        rel = os.path.relpath(dirpath, root)
        rel = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        if max_depth is not None and rel.count("/") >= max_depth:
            dirnames[:] = []
        dirnames.sort()
        for name in sorted(filenames):
            if not regex.fullmatch(rel + name):
                continue
            p = Path(dirpath) / name
            if p.is_file():
                by_real.setdefault(os.path.realpath(p), p)
    return sorted(by_real.values(), key=str)


def glob_root(pattern: Path) -> tuple[Path, tuple[str, ...]]:
    """The folder a glob starts in and the wildcard segments below it (``in/**/*.csv`` -> ``in``, ``(**, *.csv)``)."""
    parts = pattern.parts
    first = next((i for i, p in enumerate(parts) if _MAGIC_RE.search(p)), len(parts))
    root = Path(*parts[:first]) if first else Path(".")
    return root, tuple(parts[first:])


def expand_paths(pattern: Path) -> list[Path]:
    """The files a source path names: one file, or every match of a glob, sorted (each real file once)."""
    s = str(pattern)
    if _MAGIC_RE.search(s):
        root, parts = glob_root(pattern)
        files = _walk_glob(root, parts) if root.is_dir() else []
        if not files:
            raise SourceError(f"no files match {shown(s)}")
        return files
    if not pattern.exists():
        raise SourceError(f"file not found: {shown(s)}")
    if pattern.is_dir():
        raise SourceError(f"{shown(s)} is a folder; give a glob such as {shown(s)}/*.csv")
    return [pattern]


def detect_format(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    try:
        return SUFFIX_FORMATS[path.suffix.lower()]
    except KeyError:
        raise SourceError(
            f"{shown(path)}: cannot tell the format from the suffix {shown(path.suffix)!r}; set `format:`"
        ) from None


def iter_file(path: Path, fmt: str | None = None, encoding: str = "auto", sheet=None,
              chunk_rows: int = CHUNK_ROWS) -> Iterator[RawRows]:
    """Raw rows of one file in chunks (each chunk names the file). Raises SourceError when the file as a
    whole is unreadable; a file that breaks after some chunks ends with one reject for the rest."""
    fmt = detect_format(path, fmt)
    where = shown(path)
    if path.stat().st_size == 0:
        yield RawRows(files=[where])
        return
    if fmt in ("csv", "tsv"):
        chunks = _iter_delimited(path, where, "\t" if fmt == "tsv" else ",", encoding, chunk_rows)
    elif fmt == "jsonl":
        chunks = _iter_jsonl(path, where, encoding, chunk_rows)
    elif fmt == "json":
        chunks = _iter_json(path, where, encoding, chunk_rows)
    elif fmt == "parquet":
        chunks = _iter_parquet(path, where, chunk_rows)
    elif fmt == "xlsx":
        chunks = _iter_frame(
            where, lambda: _read_sheet(path, sheet), "row", 2, chunk_rows
        )
    else:  # pragma: no cover - config validation restricts formats
        raise SourceError(f"{where}: unsupported format {fmt}")
    for chunk in chunks:
        chunk.files.append(where)
        yield chunk


@dataclass
class _SheetInfo:
    title: str
    visible: bool
    header: set[str]
    has_rows: bool  # a row below the header


def _workbook_sheets(path: Path) -> list[_SheetInfo]:
    """Each sheet of a workbook: its name, whether it is shown, its header cells, whether it has data rows."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        out = []
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(max_row=2, values_only=True))
            header = {str(c).strip() for c in (rows[0] if rows else ()) if c is not None}
            has_rows = len(rows) > 1 and any(c is not None and str(c).strip() for c in rows[1])
            out.append(_SheetInfo(ws.title, ws.sheet_state == "visible", header, has_rows))
        return out
    finally:
        wb.close()


def sheet_setting(name: str, position: int) -> str:
    """The ``sheet:`` line to put on a source for one sheet, quoted so that YAML reads it back as that name
    ("2026", "No", "Data #1", a trailing space); a name too long or odd to print whole is given by position."""
    import yaml

    if len(name) > 40 or CONTROL_RE.search(name):
        return f"sheet: {position}"
    try:
        plain = yaml.safe_load(f"sheet: {name}") == {"sheet": name}
    except yaml.YAMLError:
        plain = False
    return f"sheet: {name}" if plain else "sheet: " + json.dumps(name, ensure_ascii=False)


def sheet_hint(path: Path, sheet: str | int | None, wanted: list[str]) -> str:
    """For a workbook whose read sheet lacks ``wanted`` columns: which sheet was read, the workbook's
    sheets, and the one that has the columns, to set as ``sheet:``. Empty when there is nothing to add."""
    try:
        sheets = _workbook_sheets(path)
    except Exception:  # noqa: BLE001 - a hint only: the error it adds to stands without it
        return ""
    if len(sheets) < 2:
        return ""
    names = [s.title for s in sheets]
    if isinstance(sheet, str):
        read: str | None = sheet
    elif isinstance(sheet, int):
        read = names[sheet] if sheet < len(names) else None
    else:
        read = _default_sheet(sheets)[1]
    fits = [(i, s.title) for i, s in enumerate(sheets) if set(wanted) <= s.header and s.title != read]
    out = (f"it read sheet {safe_name(read)!r}, " if read else "") + (
        f"the workbook has {len(names)} sheets: {', '.join(repr(safe_name(t)) for t in names[:10])}")
    if fits:
        i, title = fits[0]
        out += f"; sheet {safe_name(title)!r} has the columns: set `{sheet_setting(title, i)}` on the source"
    else:
        out += "; set `sheet:` on the source to the one with the data (a name, or 0 for the first)"
    return out


def safe_name(name: str) -> str:
    """A sheet name for a message: no control characters, at most 40 characters."""
    return CONTROL_RE.sub(" ", str(name))[:40]


def _default_sheet(sheets: list[_SheetInfo]) -> tuple[int, str]:
    """The sheet read when a source names none: the first one a spreadsheet shows (hidden ones are skipped)."""
    for i, s in enumerate(sheets):
        if s.visible:
            return i, s.title
    return 0, sheets[0].title


def _read_sheet(path: Path, sheet: str | int | None) -> pd.DataFrame:
    """One sheet of a workbook. Raises SheetError for a sheet it lacks (naming the sheets it has), and
    when the default sheet is empty while another sheet holds rows (naming that one to set)."""
    try:
        sheets = _workbook_sheets(path)
    except Exception as e:  # noqa: BLE001 - not a workbook openpyxl reads: pandas says why below
        sheets = []
        error: Exception | None = e
    else:
        error = None
    if not sheets:
        if error is not None:
            raise SourceError(f"{shown(path)}: cannot read: {type(error).__name__}: {str(error)[:200]}") from None
        return pd.DataFrame()
    names = [s.title for s in sheets]
    listed = ", ".join(repr(safe_name(n)) for n in names[:10]) + (" ..." if len(names) > 10 else "")
    if sheet is None:
        position, _ = _default_sheet(sheets)
        chosen = sheets[position]
        if not chosen.has_rows:
            full = [(i, s) for i, s in enumerate(sheets) if s.has_rows and s.visible and i != position]
            if full:
                i, s = full[0]
                raise SheetError(
                    f"{shown(path)}: its first sheet {safe_name(chosen.title)!r} holds no rows, while sheet "
                    f"{safe_name(s.title)!r} does: set `{sheet_setting(s.title, i)}` on the source "
                    f"(the workbook has: {listed})")
        target: str | int = position
    elif isinstance(sheet, str):
        if sheet not in names:
            near = [n for n in names if n.strip().casefold() == sheet.strip().casefold()]
            hint = (f"; did you mean {safe_name(near[0])!r}? set `{sheet_setting(near[0], names.index(near[0]))}`"
                    if near else "")
            raise SheetError(f"{shown(path)}: no sheet {safe_name(sheet)!r}; the workbook has: {listed}{hint}")
        target = sheet
    else:
        if sheet >= len(names):
            hint = ""
            if str(sheet) in names:
                hint = (f"; a number is read as a position (0 for the first sheet): for the sheet named "
                        f"{str(sheet)!r} write `sheet: \"{sheet}\"`")
            raise SheetError(f"{shown(path)}: no sheet at position {sheet} (0 is the first); the workbook has "
                             f"{len(names)}: {listed}{hint}")
        target = sheet
    return pd.read_excel(path, sheet_name=target, dtype=object)


def read_file(path: Path, fmt: str | None = None, encoding: str = "auto", sheet=None) -> RawRows:
    """All raw rows of one file. Raises SourceError when the file as a whole is unreadable."""
    out = RawRows()
    for chunk in iter_file(path, fmt, encoding, sheet):
        out.extend(chunk)
    out.files = sorted(set(out.files))
    return out


def _iter_delimited(path: Path, where: str, delimiter: str, encoding: str, chunk_rows: int) -> Iterator[RawRows]:
    physical: list[str] = []  # the physical lines of the record being read (csv reads them one by one)

    def lines(fh):
        for k, line in enumerate(fh):
            if k == 0 and line.startswith("\ufeff"):
                line = line[1:]
            physical.append(line)
            yield line

    with open_text_file(path, encoding, newline="", where=where) as fh:
        reader = csv.reader(lines(fh), delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            yield RawRows()
            return
        except csv.Error as e:
            raise SourceError(f"{where}: cannot read the header row: {e}") from None
        header = [h.strip() for h in header]
        if not any(header):
            raise SourceError(f"{where}: the first line must be a header row naming the columns")
        n = len(header)
        prev_line = reader.line_num
        out = RawRows()
        while True:
            if out.read >= chunk_rows:
                yield out
                out = RawRows()
            physical.clear()
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                out.rejects.append((f"{where}:line {prev_line + 1}", f"malformed CSV: {e}", ""))
                prev_line = reader.line_num
                continue
            first_line, last_line = prev_line + 1, reader.line_num
            loc = f"{where}:line {first_line}"
            prev_line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line: not a record
            raw = delimiter.join(row)
            if len(row) != n and last_line > first_line:
                # an unbalanced quote swallowed the lines after it: read each physical line on its own
                for ln, line in enumerate(physical, start=first_line):
                    line = line.rstrip("\r\n")
                    if not line.strip():
                        continue
                    parts = next(csv.reader([line], delimiter=delimiter), [])
                    lloc = f"{where}:line {ln}"
                    if len(parts) == n and not CONTROL_RE.search(line) and '"' not in line:
                        out.rows.append(dict(zip(header, parts, strict=True)))
                        out.locations.append(lloc)
                    else:
                        out.rejects.append(
                            (lloc, f"malformed CSV: unbalanced quote or {len(parts)} fields (expected {n})", line))
                continue
            if len(row) != n:
                out.rejects.append((loc, f"wrong shape: expected {n} fields, got {len(row)}", raw))
                continue
            if CONTROL_RE.search(raw):
                out.rejects.append((loc, "control characters (NUL or similar) in row", raw))
                continue
            out.rows.append(dict(zip(header, row, strict=True)))
            out.locations.append(loc)
        yield out


def parse_json_record(text: str) -> tuple[object, str | None]:
    """``(value, None)`` for one JSON text, or ``(None, reason)`` when it cannot be a value."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as e:
        return None, f"invalid JSON: {e.msg}"
    except RecursionError:
        return None, "invalid JSON: nested too deep to read"
    except ValueError as e:  # e.g. an integer longer than Python reads (4,300 digits)
        return None, f"invalid JSON: {str(e).split(';')[0][:120]}"


def _iter_jsonl(path: Path, where: str, encoding: str, chunk_rows: int) -> Iterator[RawRows]:
    # JSON Lines are split on "\n" only: U+2028, U+0085 or a lone "\r" inside a string are text
    with open_text_file(path, encoding, newline="\n", where=where) as fh:
        out = RawRows()
        for i, line in enumerate(fh, start=1):
            if out.read >= chunk_rows:
                yield out
                out = RawRows()
            if i == 1 and line.startswith("\ufeff"):
                line = line[1:]
            line = line.rstrip("\n").removesuffix("\r")
            if not line.strip():
                continue
            loc = f"{where}:line {i}"
            obj, reason = parse_json_record(line)
            if reason:
                out.rejects.append((loc, reason, line))
                continue
            if not isinstance(obj, dict):
                out.rejects.append((loc, f"wrong shape: expected a JSON object, got {type(obj).__name__}", line))
                continue
            out.rows.append(obj)
            out.locations.append(loc)
        yield out


def _iter_json(path: Path, where: str, encoding: str, chunk_rows: int) -> Iterator[RawRows]:
    text, _ = read_text_file(path, encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    data, reason = parse_json_record(text)
    del text
    if reason:
        raise SourceError(f"{where}: {reason}")
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise SourceError(f"{where}: expected a JSON list of records (or an object holding one list)")
        data = lists[0]
    if not isinstance(data, list):
        raise SourceError(f"{where}: expected a JSON list of records")
    out = RawRows()
    for i, obj in enumerate(data):
        if out.read >= chunk_rows:
            yield out
            out = RawRows()
        loc = f"{where}:item {i}"
        if not isinstance(obj, dict):
            out.rejects.append((loc, f"wrong shape: expected a JSON object, got {type(obj).__name__}",
                                _short_json(obj)))
            continue
        out.rows.append(obj)
        out.locations.append(loc)
    yield out


def _short_json(obj: object) -> str:
    try:
        return json.dumps(obj, ensure_ascii=False, default=str)[:2000]
    except (ValueError, TypeError, RecursionError):
        return repr(type(obj))


def _frame_rows(df: pd.DataFrame) -> list[dict]:
    df.columns = [str(c).strip() for c in df.columns]
    return df.astype(object).where(df.notna(), None).to_dict("records")


def _iter_frame(where: str, load, unit: str, first: int, chunk_rows: int) -> Iterator[RawRows]:
    try:
        records = _frame_rows(load())
    except SourceError:
        raise
    except Exception as e:  # corrupt xlsx: the whole file is unreadable
        raise SourceError(f"{where}: cannot read: {type(e).__name__}: {str(e)[:200]}") from None
    for start in range(0, max(len(records), 1), chunk_rows):
        part = records[start:start + chunk_rows]
        yield RawRows(rows=part, locations=[f"{where}:{unit} {i + first}" for i in range(start, start + len(part))])


def _iter_parquet(path: Path, where: str, chunk_rows: int) -> Iterator[RawRows]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        batches = pf.iter_batches(batch_size=chunk_rows)
    except Exception as e:  # not Parquet, or a corrupt footer: the whole file is unreadable
        raise SourceError(f"{where}: cannot read: {type(e).__name__}: {str(e)[:200]}") from None
    start = 0
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            break
        except Exception as e:  # a corrupt row group: the rest of the file is one reject
            yield RawRows(rejects=[(f"{where}:row {start}", f"unreadable from this row on: {type(e).__name__}", "")])
            return
        try:
            records = _frame_rows(batch.to_pandas())
        except Exception:  # a value pandas cannot hold (e.g. a time beyond its range): plain Python values
            try:
                records = batch.to_pylist()
            except Exception as e:
                yield RawRows(rejects=[(f"{where}:row {start}", f"{batch.num_rows} rows unreadable: "
                                        f"{type(e).__name__}", "")])
                start += batch.num_rows
                continue
        yield RawRows(rows=records, locations=[f"{where}:row {i}" for i in range(start, start + len(records))])
        start += len(records)
