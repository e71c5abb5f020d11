"""Map raw source rows to canonical records; rows that cannot be records go to quarantine with a reason."""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import orjson
import pandas as pd

from voc.ingest.config import ColumnMap
from voc.ingest.dates import parse_times
from voc.ingest.files import RawRows, SourceError
from voc.schema import CHANNELS, QUARANTINE_COLUMNS, RECORD_COLUMNS

MAX_TEXT_CHARS = 20_000
"""Longer texts are cut here (noted in metadata): no customer message needs more, and a 1 MB field
would dominate every later stage."""

_ZERO_WIDTH_RE = re.compile(r"[\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff\u00ad]")


def _strip_invisible(t: str) -> str:
    """Delete zero-width and invisible format characters (search first: most texts have none)."""
    return _ZERO_WIDTH_RE.sub("", t) if _ZERO_WIDTH_RE.search(t) else t


def _dumps(obj: dict) -> str:
    """Compact JSON with sorted keys (orjson: the per-record JSON is a hot path at 100k+ rows)."""
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str).decode("utf-8")


def _redactor(setting):
    """``redact(text) -> (text, pii_types)`` for a RedactConfig, or True/False for defaults/off."""
    if setting is False or getattr(setting, "enabled", True) is False:
        return lambda s: (s, [])
    from voc.text.redact import redact

    cfg = None if setting is True else setting
    return lambda s: redact(s, cfg)


def stable_id(*parts: object) -> str:
    h = hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:24]


def author_hash(handle: object, salt: str) -> str | None:
    if handle is None or (isinstance(handle, float) and math.isnan(handle)):
        return None
    s = str(handle).strip()
    if not s:
        return None
    return hashlib.sha256(f"{salt}\x1f{s.casefold()}".encode("utf-8")).hexdigest()[:20]


def dedup_text(text: str, nfc: bool = True) -> str:
    """The text as compared for exact duplicates: NFC, case-folded, no zero-width, one space."""
    t = unicodedata.normalize("NFC", text) if nfc else text
    return " ".join(_strip_invisible(t).casefold().split())


def clean_customer_text(value: object) -> str | None:
    """Text as stored: stripped of zero-width characters and outer space; None if nothing is left."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if not isinstance(value, str):
        if isinstance(value, (int, float)):
            value = str(value)
        else:
            return None
    t = _strip_invisible(unicodedata.normalize("NFC", value)).strip()
    return t or None


@dataclass
class MappedRows:
    records: pd.DataFrame
    quarantine: pd.DataFrame


@dataclass
class MapContext:
    source: str
    run_id: str
    pipeline_tz: str
    source_tz: str
    channel: str | None
    segments: dict
    salt: str
    redact: object = True  # a voc.text.config.RedactConfig, or True (defaults) / False (off)
    date_format: str | None = None
    dayfirst: bool = True


def _json_raw(row: object) -> str:
    try:
        return json.dumps(row, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(row)


def quarantine_frame(entries: list[tuple[str, str, str]], ctx: MapContext) -> pd.DataFrame:
    redact = _redactor(ctx.redact)
    now = datetime.now(timezone.utc)
    rows = [
        {
            "run_id": ctx.run_id,
            "source": ctx.source,
            "location": loc,
            "reason": reason,
            "raw": redact(raw)[0][:10_000] if raw else "",  # redacted, then cut: no half card is kept
            "quarantined_at": now,
        }
        for loc, reason, raw in entries
    ]
    return pd.DataFrame(rows, columns=list(QUARANTINE_COLUMNS))


def map_rows(raw: RawRows, columns: ColumnMap, ctx: MapContext) -> MappedRows:
    """Canonical records for ``raw`` rows, and quarantine entries for the rejects and bad rows."""
    rejects = list(raw.rejects)
    if not raw.rows:
        return MappedRows(pd.DataFrame(columns=list(RECORD_COLUMNS)), quarantine_frame(rejects, ctx))

    present = set().union(*(r.keys() for r in raw.rows[:1000]))
    wanted = [columns.text, columns.created_at, columns.id, columns.rating, columns.author, columns.channel]
    wanted += list(columns.segments.values()) + list(columns.metadata)
    missing = [c for c in wanted if c and c not in present]
    if missing:
        files = ", ".join(sorted(set(raw.files))[:3])
        raise SourceError(
            f"{files}: column(s) {', '.join(repr(m) for m in missing)} not found; "
            f"the file has: {', '.join(sorted(map(str, present))[:20])}"
        )
    if not ctx.channel and not columns.channel:
        raise SourceError(f"source {ctx.source}: set `channel:` (one of {', '.join(CHANNELS)})")

    redact = _redactor(ctx.redact)
    df = pd.DataFrame({"_loc": raw.locations})
    get = lambda col: pd.Series([r.get(col) for r in raw.rows], dtype=object)  # noqa: E731

    texts = get(columns.text).map(clean_customer_text)
    bad = pd.Series("", index=df.index, dtype=object)
    orig_text = get(columns.text)
    not_text = orig_text.map(lambda v: isinstance(v, (list, dict, tuple, bool)))
    bad[not_text] = "wrong type: text is " + orig_text[not_text].map(lambda v: type(v).__name__)
    blank = orig_text.map(lambda v: v is None or (isinstance(v, float) and math.isnan(v))
                          or (isinstance(v, str) and not v.strip()))
    bad[texts.isna() & blank & (bad == "")] = "missing text"
    bad[texts.isna() & ~blank & (bad == "")] = "text empty after cleaning"

    if columns.channel:
        chan = get(columns.channel).map(lambda v: str(v).strip().lower() if v is not None else None)
        chan = chan.where(chan.notna() & (chan != ""), ctx.channel)
    else:
        chan = pd.Series(ctx.channel, index=df.index, dtype=object)
    unknown_chan = ~chan.isin(CHANNELS) & (bad == "")
    bad[unknown_chan] = "unknown channel " + chan[unknown_chan].astype(str)

    meta_extra = [dict() for _ in range(len(df))]
    if columns.created_at:
        raw_times = get(columns.created_at)
        times = parse_times(raw_times, ctx.source_tz, ctx.dayfirst, ctx.date_format)
        no_time = times.isna() & (bad == "")
        bad[no_time & raw_times.isna()] = "missing date"
        still = no_time & raw_times.notna()
        bad[still] = "unparseable date " + raw_times[still].map(lambda v: repr(str(v)[:40]))
    else:
        now = pd.Timestamp.now(tz="UTC").floor("s")
        times = pd.Series(now, index=df.index)
        for m in meta_extra:
            m["created_at_from"] = "ingest time"

    ok = bad == ""
    q_entries = rejects + [
        (raw.locations[i], bad[i], _json_raw(raw.rows[i])) for i in df.index[~ok]
    ]
    idx = df.index[ok]
    if len(idx) == 0:
        return MappedRows(pd.DataFrame(columns=list(RECORD_COLUMNS)), quarantine_frame(q_entries, ctx))

    tz = ZoneInfo(ctx.pipeline_tz)
    ok_times = times[idx]
    local = ok_times.dt.tz_convert(tz)
    cal = local.dt.isocalendar()
    weeks = (cal["year"].astype(str) + "-W" + cal["week"].astype(str).str.zfill(2)).tolist()
    # local calendar day and epoch seconds as plain numbers: cheap, stable keys for ids and dedup
    days = (local.dt.tz_localize(None).to_numpy().astype("datetime64[D]").astype("int64")).tolist()
    created_list = ok_times.tolist()
    created_iso = (ok_times.dt.tz_localize(None).to_numpy().astype("datetime64[s]").astype("int64")).tolist()
    texts_l = texts[idx].tolist()
    chan_l = chan[idx].tolist()
    ids = get(columns.id)[idx].tolist() if columns.id else [None] * len(idx)
    ratings = get(columns.rating)[idx].tolist() if columns.rating else [None] * len(idx)
    authors = get(columns.author)[idx].tolist() if columns.author else [raw.rows[i].get("author") for i in idx]
    seg_cols = {seg: get(col)[idx].tolist() for seg, col in columns.segments.items()}
    out_rows = []
    seg_cache: dict[tuple, str] = {}  # most rows share a handful of segment combinations
    for k, i in enumerate(idx):
        row = raw.rows[i]
        text = texts_l[k]
        meta = dict(meta_extra[i])
        meta["location"] = raw.locations[i]
        if isinstance(row.get("metadata"), dict):
            meta.update(row["metadata"])
        for c in columns.metadata:
            v = row.get(c)
            meta[c] = None if v is None or (isinstance(v, float) and math.isnan(v)) else v
        text, pii = redact(text)  # before the cut: a card straddling it must not leave its first digits
        if len(text) > MAX_TEXT_CHARS:
            meta["truncated_from_chars"] = len(texts_l[k])
            text = text[:MAX_TEXT_CHARS]
        if pii:
            meta["pii_redacted"] = pii
        src_id = ids[k]
        if src_id is not None and not (isinstance(src_id, float) and math.isnan(src_id)) and str(src_id).strip():
            record_id = stable_id(ctx.source, str(src_id).strip())
            meta["source_id"] = str(src_id).strip()
        else:
            record_id = stable_id(ctx.source, text, created_iso[k])
        rating = None
        rv = ratings[k]
        if rv is not None:
            try:
                rating = float(rv)
                if math.isnan(rating) or math.isinf(rating):
                    rating = None
            except (TypeError, ValueError):
                if str(rv).strip():
                    meta["rating_unreadable"] = str(rv)[:40]
        segs = dict(ctx.segments)
        if isinstance(row.get("segments"), dict):
            segs.update({kk: str(v) for kk, v in row["segments"].items() if v is not None})
        for seg, vals in seg_cols.items():
            v = vals[k]
            if v is not None and not (isinstance(v, float) and math.isnan(v)) and str(v).strip():
                segs[seg] = str(v).strip()
        seg_key = tuple(segs.items())
        seg_json = seg_cache.get(seg_key)
        if seg_json is None:
            seg_json = seg_cache[seg_key] = _dumps(segs)
        akey = author_hash(authors[k], ctx.salt)
        out_rows.append(
            (
                record_id, ctx.source, chan_l[k], created_list[k], weeks[k], text, rating,
                seg_json,
                akey,
                _dumps(meta),
                stable_id(dedup_text(text, nfc=False), akey, days[k]),  # stored text is NFC already
                None,
                ctx.run_id,
            )
        )
    records = pd.DataFrame(out_rows, columns=list(RECORD_COLUMNS))
    records["created_at"] = pd.to_datetime(records["created_at"], utc=True)
    return MappedRows(records, quarantine_frame(q_entries, ctx))
