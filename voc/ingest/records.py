"""Map raw source rows to canonical records; rows that cannot be records go to quarantine with a reason."""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import orjson
import pandas as pd

from voc.errors import MissingColumnsError
from voc.ingest.config import ColumnMap
from voc.ingest.dates import DateRules, YearRule, read_times
from voc.ingest.encoding import CONTROL_RE
from voc.ingest.files import RawRows, SourceError
from voc.ratings import is_blank_rating, read_rating
from voc.schema import CHANNELS, QUARANTINE_COLUMNS, RECORD_COLUMNS

MAX_TEXT_CHARS = 20_000
"""Longer texts are cut here (noted in metadata): no customer message needs more, and a 1 MB field
would dominate every later stage."""

_ZERO_WIDTH_RE = re.compile(r"[\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff\u00ad]")
# of these, the line and paragraph separators end a line and the narrow no-break space is a space:
# deleting them glued words ("not received\u2028fees" read "receivedfees")
_SPACING = {0x2028: "\n", 0x2029: "\n", 0x202F: " "}
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
MAX_NESTING = 32
"""Deeper JSON values in a mapped column quarantine the row: no export nests like that, and the JSON
writers of the store stop at a few hundred levels."""


def _strip_invisible(t: str) -> str:
    """Delete zero-width and invisible format characters (search first: most texts have none)."""
    if not _ZERO_WIDTH_RE.search(t):
        return t
    return _ZERO_WIDTH_RE.sub(lambda m: _SPACING.get(ord(m.group()), ""), t)


def _dumps(obj: dict) -> str:
    """Compact JSON with sorted keys (orjson: the per-record JSON is a hot path at 100k+ rows)."""
    try:
        return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):  # integers beyond 64 bits, odd keys: the slow, general writer
        return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                          default=str)


def safe_text(s: str) -> str:
    """``s`` with lone surrogates (invalid Unicode from JSON escapes or undecodable file names) written as
    ``\\udXXX`` escapes, so it can be stored and printed."""
    if not _SURROGATE_RE.search(s):
        return s
    return s.encode("utf-8", errors="backslashreplace").decode("utf-8")


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
    return hashlib.sha256(f"{salt}\x1f{s.casefold()}".encode()).hexdigest()[:20]


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
    years: YearRule = "auto"  # two-digit years: auto, buddhist or gregorian (voc/ingest/dates.py)
    future_margin_hours: float = 24.0
    rating_scale: str | None = None  # the source's scale name (voc/ratings.py); a rating outside it is quarantined


def _json_raw(row: object) -> str:
    try:
        return json.dumps(row, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(row)
    except RecursionError:
        return "(nested too deep to show)"


def _raw_for_quarantine(row: object, author_column: str | None, salt: str) -> str:
    """A quarantined row as JSON, its author handle replaced by the salted author key.

    Handles are personal data: a record keeps only their hash, and so does the quarantine's raw row
    (the key still links the row to that customer's stored records).
    """
    if author_column and isinstance(row, dict) and row.get(author_column) is not None:
        row = {**row, author_column: f"author_key:{author_hash(row[author_column], salt)}"}
    return _json_raw(row)


def _nesting_problem(value: object) -> str | None:
    """Why a dict/list value cannot be stored (too deep, invalid Unicode inside), or None."""
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if depth > MAX_NESTING:
            return f"nested deeper than {MAX_NESTING} levels"
        if isinstance(v, dict):
            for k, x in v.items():
                if isinstance(k, str) and _SURROGATE_RE.search(k):
                    return "invalid Unicode (a lone surrogate)"
                stack.append((x, depth + 1))
        elif isinstance(v, (list, tuple, np.ndarray)):
            stack.extend((x, depth + 1) for x in v)
        elif isinstance(v, str) and _SURROGATE_RE.search(v):
            return "invalid Unicode (a lone surrogate)"
    return None


def row_problem(row: dict, columns: list[str], text_column: str) -> tuple[str, dict | None]:
    """``(reason, None)`` when a mapped value of ``row`` cannot be stored, else ``("", fixed_row_or_None)``.

    Binary values that are UTF-8 text (a Parquet ``bytes`` column) are decoded into a copy of the row.
    """
    fixed = None
    for c in columns:
        v = row.get(c)
        if v is None or type(v) in (int, float, bool):
            continue
        if isinstance(v, str):
            if _SURROGATE_RE.search(v):
                return f"invalid Unicode (a lone surrogate) in column {c!r}", None
            if c == text_column and CONTROL_RE.search(v):
                return f"control characters (NUL or similar) in column {c!r}", None
        elif isinstance(v, (bytes, bytearray, memoryview)):
            try:
                text = bytes(v).decode("utf-8")
            except UnicodeDecodeError:
                return f"column {c!r} holds binary data, not UTF-8 text", None
            if c == text_column and CONTROL_RE.search(text):
                return f"control characters (NUL or similar) in column {c!r}", None
            fixed = fixed if fixed is not None else dict(row)
            fixed[c] = text
        elif isinstance(v, (dict, list, tuple, np.ndarray)):
            problem = _nesting_problem(v)
            if problem:
                return f"{problem} in column {c!r}", None
    return "", fixed


def _redacted_raw(raw: str, redact) -> str:
    """A quarantined row's raw text with personal data replaced. A row kept as JSON stays valid JSON: its
    strings are redacted one by one, and a number that is personal data (a phone a spreadsheet stored
    as 812345678) becomes its placeholder, so no ``"score": <PHONE>`` is left half-written."""
    from voc.privacy import number_pii

    if raw[:1] in ("{", "[") and len(raw) <= 1_000_000:
        try:
            obj = json.loads(raw)
        except (ValueError, RecursionError):
            obj = None
        if isinstance(obj, dict | list):
            def text(s: str) -> str:
                return redact(s)[0]

            def walk(v: object, depth: int = 0) -> object:
                if depth > MAX_NESTING + 2:
                    return "(nested too deep to show)"
                if isinstance(v, str):
                    return text(v)
                if isinstance(v, dict):
                    return {text(k) if isinstance(k, str) else k: walk(x, depth + 1) for k, x in v.items()}
                if isinstance(v, list):
                    return [walk(x, depth + 1) for x in v]
                found = number_pii(v, text)
                return v if found is None else found

            try:
                return json.dumps(walk(obj), ensure_ascii=False, default=str)
            except (ValueError, RecursionError):
                pass
    return redact(raw[:20_000])[0]


def quarantine_frame(entries: list[tuple[str, str, str]], ctx: MapContext) -> pd.DataFrame:
    redact = _redactor(ctx.redact)
    now = datetime.now(UTC)
    rows = [
        {
            "run_id": ctx.run_id,
            "source": ctx.source,
            "location": safe_text(loc),
            "reason": safe_text(reason),
            # redacted, then cut: no half card is kept
            "raw": safe_text(_redacted_raw(safe_text(raw), redact))[:10_000] if raw else "",
            "quarantined_at": now,
        }
        for loc, reason, raw in entries
    ]
    return pd.DataFrame(rows, columns=list(QUARANTINE_COLUMNS))


def _looks_like_column_name(name: str) -> bool:
    """Short, with a letter, no long number, no ``@``, not a sentence: ``review_text``, ``ข้อความ``."""
    return (0 < len(name) <= 40 and "@" not in name and name.count(" ") <= 3
            and not re.search(r"\d{5}", name) and any(ch.isalpha() for ch in name))


def _header_hint(present: set) -> str:
    """The file's column names for an error message, unless they look like data (a file without a
    header row): file contents never go into an error."""
    names = sorted(safe_text(str(p)) for p in present)
    if names and all(_looks_like_column_name(n) for n in names):
        return f"the file has: {', '.join(names[:20])}"
    return f"the first line holds {len(names)} fields that do not look like column names (is the header row missing?)"


def mapped_columns(columns: ColumnMap) -> list[str]:
    """Every source column a record is built from."""
    wanted = [columns.text, columns.created_at, columns.id, columns.rating, columns.author, columns.channel]
    return [c for c in wanted + list(columns.segments.values()) + list(columns.metadata) if c]


def map_rows(raw: RawRows, columns: ColumnMap, ctx: MapContext, check_columns: bool = True) -> MappedRows:
    """Canonical records for ``raw`` rows, and quarantine entries for the rejects and bad rows.

    ``check_columns``: raise SourceError when a mapped column is absent (the first chunk of a file);
    later chunks of the same file read an absent value as missing.
    """
    rejects = list(raw.rejects)
    if not raw.rows:
        return MappedRows(pd.DataFrame(columns=list(RECORD_COLUMNS)), quarantine_frame(rejects, ctx))

    wanted = mapped_columns(columns)
    if check_columns:
        present = set().union(*(r.keys() for r in raw.rows[:1000]))
        missing = [c for c in wanted if c not in present]
        if missing:
            files = ", ".join(sorted(set(raw.files))[:3])
            raise MissingColumnsError(
                f"{files}: column(s) {', '.join(repr(m) for m in missing)} not found; {_header_hint(present)}",
                missing,
            )
    if not ctx.channel and not columns.channel:
        raise SourceError(f"source {ctx.source}: set `channel:` (one of {', '.join(CHANNELS)})")

    redact = _redactor(ctx.redact)
    df = pd.DataFrame({"_loc": raw.locations})
    bad = pd.Series("", index=df.index, dtype=object)
    rows = raw.rows
    checked = wanted + ["metadata", "segments", "author"]
    for i, row in enumerate(rows):
        reason, fixed = row_problem(row, checked, columns.text)
        if reason:
            bad[i] = reason
        elif fixed is not None:
            if rows is raw.rows:
                rows = list(rows)
            rows[i] = fixed
    # a row that cannot be stored is kept for its quarantine entry but read as empty from here on
    # (pandas would choke on its values: a lone surrogate breaks its string columns)
    values = [r if not b else {} for b, r in zip(bad.tolist(), rows, strict=True)] if (bad != "").any() else rows
    get = lambda col: pd.Series([r.get(col) for r in values], dtype=object)  # noqa: E731

    orig_text = get(columns.text)
    texts = orig_text.map(clean_customer_text)
    not_text = orig_text.map(lambda v: v is not None and (not isinstance(v, (str, int, float)) or isinstance(v, bool)))
    not_text &= bad == ""
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

    meta_extra: list[dict[str, Any]] = [{} for _ in range(len(df))]
    if columns.created_at:
        raw_times = get(columns.created_at)
        rules = DateRules(ctx.source_tz, ctx.dayfirst, ctx.date_format, ctx.years,
                          pd.Timedelta(hours=ctx.future_margin_hours))
        times, time_reasons = _read_times_guarded(raw_times.where(bad == "", None), rules)
        no_time = times.isna() & (bad == "")
        bad[no_time] = time_reasons[no_time]
    else:
        now = pd.Timestamp.now(tz="UTC").floor("s")
        times = pd.Series(now, index=df.index)
        for m in meta_extra:
            m["created_at_from"] = "ingest time"

    if columns.rating and ctx.rating_scale:
        from voc.ratings import rating_problem

        for i, v in enumerate(get(columns.rating).tolist()):
            if not bad[i]:
                problem = rating_problem(v, ctx.rating_scale)
                if problem:
                    bad[i] = problem

    ok = bad == ""
    q_entries = rejects + [
        (raw.locations[i], bad[i], _raw_for_quarantine(rows[i], columns.author, ctx.salt))
        for i in df.index[~ok]
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
    authors = get(columns.author)[idx].tolist() if columns.author else [rows[i].get("author") for i in idx]
    seg_cols = {seg: get(col)[idx].tolist() for seg, col in columns.segments.items()}
    out_rows = []
    seg_cache: dict[tuple, str] = {}  # most rows share a handful of segment combinations
    for k, i in enumerate(idx):
        row = rows[i]
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
        rv = ratings[k]
        rating, _ = read_rating(rv)  # "4 ดาว", "1 star", "4/5" read as their number
        if rating is None and not is_blank_rating(rv):
            meta["rating_unreadable"] = str(rv)[:40]  # kept without a rating; data_quality counts these
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
                # same text, author and day; without an author there is no telling two customers
                # apart, so an anonymous row only folds with its own record id (issue #13)
                stable_id(dedup_text(text, nfc=False), akey, days[k]) if akey else stable_id("anon", record_id),
                None,
                ctx.run_id,
                ctx.rating_scale if rating is not None else None,
            )
        )
    records = pd.DataFrame(out_rows, columns=list(RECORD_COLUMNS))
    records["created_at"] = pd.to_datetime(records["created_at"], utc=True)
    return MappedRows(records, quarantine_frame(q_entries, ctx))


def _read_times_guarded(values: pd.Series, rules: DateRules) -> tuple[pd.Series, pd.Series]:
    """``read_times`` that a value the parser chokes on cannot break: the batch is halved until the
    value is alone, and its reason names the parser failure instead of raising."""

    def read(part: pd.Series) -> tuple[pd.Series, pd.Series]:
        try:
            times, reasons = read_times(part, rules)
            times.index = part.index
            reasons.index = part.index
            return times, reasons
        except Exception as e:  # noqa: BLE001 - a parser bug on one value must cost one row
            if len(part) == 1:
                return (pd.Series(pd.NaT, index=part.index, dtype="datetime64[ns, UTC]"),
                        pd.Series(f"unparseable date: the date parser failed ({type(e).__name__})",
                                  index=part.index, dtype=object))
            mid = len(part) // 2
            (t1, r1), (t2, r2) = read(part.iloc[:mid]), read(part.iloc[mid:])
            return pd.concat([t1, t2]), pd.concat([r1, r2])

    return read(values)


def map_rows_guarded(raw: RawRows, columns: ColumnMap, ctx: MapContext, check_columns: bool = True) -> MappedRows:
    """:func:`map_rows`, where a row that breaks it anyway costs that row only.

    An unexpected error halves the rows until the row that raises is alone; it is quarantined with the
    error's type as its reason and every other row maps as usual. SourceError (the source as a whole
    is wrong) still raises.
    """
    try:
        return map_rows(raw, columns, ctx, check_columns)
    except SourceError:
        raise
    except Exception as e:  # noqa: BLE001
        if len(raw.rows) <= 1:
            return quarantine_all(raw, f"row cannot be read: {type(e).__name__} while mapping it", ctx,
                                  columns.author)
    mid = len(raw.rows) // 2
    first = RawRows(raw.rows[:mid], raw.locations[:mid], list(raw.rejects), list(raw.files))
    second = RawRows(raw.rows[mid:], raw.locations[mid:], [], list(raw.files))
    a = map_rows_guarded(first, columns, ctx, check_columns)
    b = map_rows_guarded(second, columns, ctx, False)
    return MappedRows(_concat(a.records, b.records), _concat(a.quarantine, b.quarantine))


def quarantine_all(raw: RawRows, reason: str, ctx: MapContext, author_column: str | None = None) -> MappedRows:
    """Every row of ``raw`` quarantined with ``reason`` (and its rejects with theirs)."""
    rows = [(loc, reason, _raw_for_quarantine(row, author_column, ctx.salt))
            for loc, row in zip(raw.locations, raw.rows, strict=True)]
    entries = list(raw.rejects) + rows
    return MappedRows(pd.DataFrame(columns=list(RECORD_COLUMNS)), quarantine_frame(entries, ctx))


def _concat(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    if a.empty:
        return b
    if b.empty:
        return a
    return pd.concat([a, b], ignore_index=True)
