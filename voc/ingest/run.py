"""Ingest one configured source into the store and reconcile: read = accepted + duplicates + quarantined."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from voc.config import PipelineConfig
from voc.ingest.config import ColumnMap, FileSource, SqlSource, TranscriptSource
from voc.ingest.files import RawRows, SourceError, expand_paths, read_file
from voc.ingest.records import MapContext, map_rows
from voc.ingest.sql import read_sql
from voc.ingest.transcripts import read_transcripts
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
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ-") + secrets.token_hex(3)


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


def read_source(src, config: PipelineConfig) -> tuple[RawRows, ColumnMap]:
    """All raw rows of a source. Raises SourceError if the source as a whole cannot be read."""
    if isinstance(src, SqlSource):
        return read_sql(src), src.columns
    raw = RawRows()
    for path in expand_paths(config.resolve(src.path)):
        try:
            if isinstance(src, TranscriptSource):
                part = read_transcripts(path, src)
            else:
                part = read_file(path, src.format, src.encoding, src.sheet)
        except (SourceError, OSError, ValueError) as e:  # EncodingError is a ValueError
            # one unreadable file (binary, undecodable, corrupt) is quarantined whole; the rest go on
            if isinstance(e, PermissionError):
                raise SourceError(f"{path}: cannot read: {e}") from None
            msg = str(e) if str(path) in str(e) else f"{path}: {e}"
            part = RawRows(rejects=[(str(path), f"unreadable file: {msg}", "")], files=[str(path)])
        raw.extend(part)
    cols = TRANSCRIPT_COLUMNS if isinstance(src, TranscriptSource) else src.columns
    return raw, cols


def store_rows(raw: RawRows, columns: ColumnMap, ctx: MapContext, store: Store, rec: Reconciliation) -> pd.DataFrame:
    """Map, store and count ``raw``; returns the stored records."""
    mapped = map_rows(raw, columns, ctx)
    records = mapped.records
    rec.read += raw.read
    rec.quarantined += len(mapped.quarantine)
    # the same source id twice in one load: the later row is a duplicate, not a second record
    dup_ids = records.duplicated("record_id", keep="first")
    rec.duplicates += int(dup_ids.sum())
    records = records[~dup_ids]
    if not mapped.quarantine.empty:
        store.add_quarantine(mapped.quarantine)
    if not records.empty:
        res = store.upsert_records(records)
        rec.new += res.new
        store.mark_duplicates(records["dedup_key"].tolist())
        d = store.count_duplicates(records["record_id"].tolist())
        rec.duplicates += d
        rec.accepted += len(records) - d
    return records


def ingest_source(src, config: PipelineConfig, store: Store, run_id: str, week: str | None = None) -> Reconciliation:
    """Read, map and store one source; a failure of the whole source raises SourceError."""
    started = datetime.now(timezone.utc)
    rec = Reconciliation(source=src.name)
    raw, cols = read_source(src, config)
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
    )
    store_rows(raw, cols, ctx, store, rec)
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
        "finished_at": datetime.now(timezone.utc),
    }
    store.log_run(pd.DataFrame([row], columns=list(RUN_LOG_COLUMNS)))


def record_failure(store: Store, run_id: str, source: str, error: str, week: str | None) -> Reconciliation:
    """Log a source that could not be read at all (after retries)."""
    rec = Reconciliation(source=source, status="failed", error=error)
    log_reconciliation(store, run_id, rec, week, datetime.now(timezone.utc))
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
        channel=channel,
        years=years,
        columns=ColumnMap(text=text_column, created_at=time_column, id=id_column),
    )
    config = PipelineConfig(timezone=timezone_name, sources=[src])
    config.ingest.redact = redact
    rec = ingest_source(src, config, store, run_id or new_run_id())
    store.set_meta(f"adhoc_channel:{name}", channel)
    return rec
