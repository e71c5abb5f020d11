"""Ingest one configured source into the store and reconcile: read = accepted + duplicates + quarantined."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from voc.config import PipelineConfig
from voc.errors import MissingColumnsError
from voc.ingest.config import ColumnMap, FileSource, SqlSource, TranscriptSource, links_outside
from voc.ingest.encoding import EncodingError
from voc.ingest.files import (
    CHUNK_ROWS,
    RawRows,
    SheetError,
    SourceError,
    detect_format,
    expand_paths,
    iter_file,
    sheet_hint,
    shown,
)
from voc.ingest.records import MapContext, MappedRows, map_rows_guarded, quarantine_all
from voc.ingest.sql import iter_sql
from voc.ingest.transcripts import read_transcripts
from voc.ratings import scale_name
from voc.schema import RUN_LOG_COLUMNS
from voc.store.base import Store

TRANSCRIPT_COLUMNS = ColumnMap(text="text", created_at="created_at", id="id")


@dataclass
class Reconciliation:
    """Counts for one source in one run. ``read == accepted + duplicates + quarantined`` always."""

    source: str
    read: int = 0
    accepted: int = 0
    duplicates: int = 0
    quarantined: int = 0
    new: int = 0
    status: str = "ok"
    error: str | None = None

    @property
    def balanced(self) -> bool:
        return self.read == self.accepted + self.duplicates + self.quarantined

    def as_dict(self) -> dict:
        return asdict(self) | {"balanced": self.balanced}


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + secrets.token_hex(3)


def author_salt(store: Store, env_name: str) -> str:
    """The salt for author hashes: from the environment, else one generated once per store."""
    salt = os.environ.get(env_name)
    if salt:
        return salt
    salt = store.get_meta("author_salt")
    if not salt:
        salt = secrets.token_hex(16)
        store.set_meta("author_salt", salt)
    return salt


log = logging.getLogger("voc.ingest")


@dataclass
class SourcePart:
    """A chunk of one file (or query) of a source; ``first`` is the file's first chunk."""

    raw: RawRows
    file: str
    first: bool
    path: Path | None = None  # a workbook's path and sheet setting: a missing column's error names its sheets
    sheet: str | int | None = None


def iter_source(src, config: PipelineConfig, chunk_rows: int = CHUNK_ROWS) -> Iterator[SourcePart]:
    """The raw rows of a source, file by file, in chunks. Raises SourceError if the source as a whole
    cannot be read; one unreadable file becomes one reject and the other files go on."""
    if isinstance(src, SqlSource):
        for k, raw in enumerate(iter_sql(src, chunk_rows)):
            yield SourcePart(raw, f"sql:{src.name}", k == 0)
        return
    base = Path(config.base_dir)
    read_one = False  # a file of the source has been read: a later one's missing sheet quarantines that file only
    for path in expand_paths(config.resolve(src.path)):
        where = shown(path)
        if not src.allow_outside and links_outside(path, base):
            reason = ("unreadable file: a link to a file outside the config's folder; "
                      "set `allow_outside: true` on the source to read it")
            yield SourcePart(RawRows(rejects=[(where, reason, "")], files=[where]), where, True)
            continue
        try:
            if isinstance(src, TranscriptSource):
                parts = iter([read_transcripts(path, src)])
            else:
                parts = iter_file(path, src.format, src.encoding, src.sheet, chunk_rows)
            workbook = not isinstance(src, TranscriptSource) and detect_format(path, src.format) == "xlsx"
            for k, raw in enumerate(parts):
                read_one = True
                yield SourcePart(raw, where, k == 0, path if workbook else None, src.sheet if workbook else None)
        except SheetError as e:
            if not read_one:  # the source's `sheet:` setting is wrong: every file would miss it
                raise
            yield SourcePart(RawRows(rejects=[(where, f"unreadable file: {e}", "")], files=[where]), where, True)
        except (SourceError, OSError, ValueError, RecursionError) as e:  # EncodingError is a ValueError
            # one unreadable file (binary, undecodable, corrupt) is quarantined whole; the rest go on
            if isinstance(e, PermissionError):
                raise SourceError(f"{where}: cannot read: permission denied") from None
            if isinstance(e, (SourceError, EncodingError, OSError)):  # voc's own words, or the OS's
                msg = str(e) if where in str(e) else f"{where}: {str(e)[:200]}"
            else:  # a parser's message may quote the file: name the error only
                msg = f"{where}: {type(e).__name__} while reading it"
            yield SourcePart(RawRows(rejects=[(where, f"unreadable file: {msg}", "")], files=[where]), where, True)


def source_columns(src) -> ColumnMap:
    return TRANSCRIPT_COLUMNS if isinstance(src, TranscriptSource) else src.columns


class SeenIds:
    """The record ids one load has stored, 12 bytes each (a record id is 24 hex digits): 12 MB for
    a million rows, where a set of str would take ten times that."""

    def __init__(self) -> None:
        self._parts: list[np.ndarray] = []
        self._all = np.empty(0, dtype="S12")

    @staticmethod
    def _pack(ids: pd.Series) -> np.ndarray:
        return np.frombuffer(bytes.fromhex("".join(ids.tolist())), dtype="S12")

    def contains(self, ids: pd.Series) -> np.ndarray:
        if self._parts:
            self._all = np.concatenate([self._all, *self._parts])
            self._parts = []
        return np.isin(self._pack(ids), self._all) if len(self._all) else np.zeros(len(ids), dtype=bool)

    def add(self, ids: pd.Series) -> None:
        self._parts.append(self._pack(ids))

    def __len__(self) -> int:
        return len(self._all) + sum(len(p) for p in self._parts)

    def batches(self, size: int) -> Iterator[list[str]]:
        """The ids as text, ``size`` at a time."""
        everything = np.concatenate([self._all, *self._parts]) if self._parts else self._all
        for start in range(0, len(everything), size):
            # numpy's S12 drops trailing NUL bytes: pad them back
            yield [b.ljust(12, b"\0").hex() for b in everything[start:start + size].tolist()]


@dataclass
class _Load:
    """What one load of a source has stored so far (the state kept across its chunks)."""

    seen_ids: SeenIds = field(default_factory=SeenIds)  # stored by this load: a later copy is a duplicate
    first_file: str | None = None  # the first file with rows: its missing columns fail the whole source
    bad_files: dict = field(default_factory=dict)  # later files missing a mapped column -> reason
    kept: int = 0  # rows stored so far (records, duplicates and quarantine rows)


def _map_part(part: SourcePart, columns: ColumnMap, ctx: MapContext, load: _Load) -> MappedRows:
    raw = part.raw
    if raw.rows and load.first_file is None:
        load.first_file = part.file
    if part.file in load.bad_files:
        return quarantine_all(raw, load.bad_files[part.file], ctx, columns.author)
    try:
        try:
            return map_rows_guarded(raw, columns, ctx, check_columns=part.first)
        except MissingColumnsError as e:
            hint = sheet_hint(part.path, part.sheet, e.missing) if part.path is not None else ""
            if not hint:
                raise
            raise SourceError(f"{e}; {hint}") from None
    except SourceError as e:
        if part.file == load.first_file or not raw.rows:
            raise
        # a later file of the source lacks a mapped column: its rows are quarantined, the others go on
        load.bad_files[part.file] = str(e)
        return quarantine_all(raw, str(e), ctx, columns.author)


def _store_batch(parts: list[MappedRows], store: Store, rec: Reconciliation, load: _Load) -> None:
    """Store mapped chunks: quarantine rows, then records (a record id this load already stored is a duplicate)."""
    load.kept += sum(len(m.records) + len(m.quarantine) for m in parts)
    quarantine = [m.quarantine for m in parts if not m.quarantine.empty]
    records = [m.records for m in parts if not m.records.empty]
    if quarantine:
        q = pd.concat(quarantine, ignore_index=True) if len(quarantine) > 1 else quarantine[0]
        rec.quarantined += len(q)
        store.add_quarantine(q)
    if not records:
        return
    records = pd.concat(records, ignore_index=True) if len(records) > 1 else records[0]
    ids = records["record_id"]
    repeat = ids.duplicated(keep="first").to_numpy() | load.seen_ids.contains(ids)
    rec.duplicates += int(repeat.sum())
    records = records[~repeat]
    if records.empty:
        return
    load.seen_ids.add(records["record_id"])
    res = store.upsert_records(records)
    rec.new += res.new
    store.mark_duplicates(records["dedup_key"].tolist())


def _count_stored(store: Store, rec: Reconciliation, load: _Load) -> None:
    """Split the stored records into accepted and duplicates once the whole load is in: a record of a
    later chunk can make one of an earlier chunk the duplicate (same text, author and day, earlier time)."""
    d = sum(store.count_duplicates(ids) for ids in load.seen_ids.batches(CHUNK_ROWS))
    rec.duplicates += d
    rec.accepted += len(load.seen_ids) - d


def ingest_source(src, config: PipelineConfig, store: Store, run_id: str, week: str | None = None,
                  chunk_rows: int = CHUNK_ROWS) -> Reconciliation:
    """Read, map and store one source in chunks of ``chunk_rows`` rows (bounded memory).

    A failure of the whole source raises SourceError; so does an unexpected error (a bug), as a
    SourceError naming its type, so that the other sources still run.
    """
    started = datetime.now(UTC)
    rec = Reconciliation(source=src.name)
    ctx = MapContext(
        source=src.name,
        run_id=run_id,
        pipeline_tz=config.timezone,
        source_tz=src.timezone or config.timezone,
        channel=src.channel,
        segments=dict(src.segments),
        salt=author_salt(store, config.ingest.author_salt_env),
        redact=config.text.redact if config.ingest.redact else False,
        date_format=src.date_format,
        dayfirst=src.dayfirst,
        years=src.years,
        future_margin_hours=src.future_margin_hours,
        rating_scale=scale_name(src.rating_scale) if src.rating_scale is not None else None,
    )
    columns = source_columns(src)
    load = _Load()
    pending: list[MappedRows] = []
    pending_rows = 0
    try:
        for part in iter_source(src, config, chunk_rows):
            rec.read += part.raw.read
            pending.append(_map_part(part, columns, ctx, load))
            pending_rows += part.raw.read
            if pending_rows >= chunk_rows:  # many small files are stored together, big ones chunk by chunk
                _store_batch(pending, store, rec, load)
                pending, pending_rows = [], 0
        _store_batch(pending, store, rec, load)
        _count_stored(store, rec, load)
    except SourceError as e:
        # e.g. the database went away mid-query: what was read and mapped is kept (a rerun upserts it)
        _store_batch(pending, store, rec, load)
        if load.kept:
            raise SourceError(f"{e} ({load.kept} rows of the source read before it stay stored)") from None
        raise
    except Exception as e:  # noqa: BLE001 - a bug must fail this source only, never the run
        log.debug("source %s: unexpected error", src.name, exc_info=True)
        raise SourceError(
            f"source {src.name}: unexpected {type(e).__name__} while loading it "
            f"(after {rec.read} rows); this is a bug in voc, please report it"
        ) from e
    log_reconciliation(store, run_id, rec, week, started)
    return rec


def log_reconciliation(store: Store, run_id: str, rec: Reconciliation, week: str | None, started: datetime) -> None:
    row = {
        "run_id": run_id,
        "source": rec.source,
        "iso_week": week,
        "read": rec.read,
        "accepted": rec.accepted,
        "duplicates": rec.duplicates,
        "quarantined": rec.quarantined,
        "status": rec.status,
        "error": rec.error,
        "started_at": started,
        "finished_at": datetime.now(UTC),
    }
    store.log_run(pd.DataFrame([row], columns=list(RUN_LOG_COLUMNS)))


def record_failure(store: Store, run_id: str, source: str, error: str, week: str | None) -> Reconciliation:
    """Log a source that could not be read at all (after retries)."""
    rec = Reconciliation(source=source, status="failed", error=error)
    log_reconciliation(store, run_id, rec, week, datetime.now(UTC))
    return rec


def adhoc_source_name(path: Path) -> str:
    """The source name of an ad hoc file: its stem plus a hash of its full path, so two ``export.csv``
    from different folders are two sources and never overwrite each other's records."""
    from voc.text.redact import redact

    resolved = str(Path(path).resolve())
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", redact(Path(path).stem)[0]).strip("_.") or "file"
    return f"{stem[:40]}-{hashlib.sha1(resolved.encode('utf-8')).hexdigest()[:8]}"


def ingest_file(
    path: Path,
    store: Store,
    channel: str,
    text_column: str,
    time_column: str | None = None,
    id_column: str | None = None,
    timezone_name: str = "Asia/Bangkok",
    run_id: str | None = None,
    redact: bool = True,
    years: str = "auto",
) -> Reconciliation:
    """Ad hoc load of one file (``voc ingest PATH ...``); a later load must name the same channel."""
    name = adhoc_source_name(path)
    known = store.get_meta(f"adhoc_channel:{name}")
    if known and known != channel:
        raise SourceError(
            f"{path} was loaded before as channel {known!r} (source {name}); its stored records keep that "
            f"channel. Load it again with --channel {known}, or use --config with a source for channel {channel!r}"
        )
    src = FileSource(
        name=name,
        path=str(Path(path).resolve()),
        allow_outside=True,  # the user named this file on the command line
        channel=channel,
        years=years,
        columns=ColumnMap(text=text_column, created_at=time_column, id=id_column),
    )
    config = PipelineConfig(timezone=timezone_name, sources=[src])
    config.ingest.redact = redact
    rec = ingest_source(src, config, store, run_id or new_run_id())
    store.set_meta(f"adhoc_channel:{name}", channel)
    return rec
