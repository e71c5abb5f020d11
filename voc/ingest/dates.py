"""Parse message times from exports: ISO 8601, day-first dates, epochs, Thai Buddhist-era years and month names.

Naive times are read in the source's zone (default Asia/Bangkok); every result is UTC.
"""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd
from dateutil import parser as dtparser

_AWARE_RE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)

THAI_MONTHS = {
    "มกราคม": 1, "ม.ค.": 1, "กุมภาพันธ์": 2, "ก.พ.": 2, "มีนาคม": 3, "มี.ค.": 3,
    "เมษายน": 4, "เม.ย.": 4, "พฤษภาคม": 5, "พ.ค.": 5, "มิถุนายน": 6, "มิ.ย.": 6,
    "กรกฎาคม": 7, "ก.ค.": 7, "สิงหาคม": 8, "ส.ค.": 8, "กันยายน": 9, "ก.ย.": 9,
    "ตุลาคม": 10, "ต.ค.": 10, "พฤศจิกายน": 11, "พ.ย.": 11, "ธันวาคม": 12, "ธ.ค.": 12,
}
_THAI_MONTH_RE = re.compile("|".join(sorted((re.escape(k) for k in THAI_MONTHS), key=len, reverse=True)))
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ERA_RE = re.compile(r"(พ\.ศ\.|ค\.ศ\.|B\.E\.|BE)\s*", re.IGNORECASE)
_YEAR_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")
BUDDHIST_ERA_OFFSET = 543
MIN_YEAR, MAX_YEAR = 1990, 2100


def _fix_thai(value: str) -> str:
    """Thai digits, Thai month names and Buddhist-era years to a form dateutil reads."""
    s = value.translate(_THAI_DIGITS)
    buddhist = bool(re.search(r"พ\.ศ\.|B\.E\.", s, re.IGNORECASE))
    s = _ERA_RE.sub("", s)
    s = _THAI_MONTH_RE.sub(lambda m: f" {THAI_MONTHS[m.group(0)]:02d} ", s)
    s = re.sub(r"^(วัน\S*\s*)?ที่\s*", "", s).strip()

    def year(m: re.Match) -> str:
        y = int(m.group(1))
        if buddhist or y >= 2400:  # no customer wrote in AD 2400+: it is a Buddhist-era year
            y -= BUDDHIST_ERA_OFFSET
        return str(y)

    s = _YEAR_RE.sub(year, s)
    # "29 11 2026" after month-name replacement -> "29/11/2026"
    s = re.sub(r"^(\d{1,2})\s+(\d{2})\s+(\d{4})", r"\1/\2/\3", s)
    return re.sub(r"\s+", " ", s)


def _parse_one(value: object, tz: str, dayfirst: bool, fmt: str | None) -> pd.Timestamp | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value > 1e11:  # epoch milliseconds
            value = value / 1000.0
        if 1e8 < value < 5e9:
            return pd.Timestamp(value, unit="s", tz="UTC")
        return None
    if isinstance(value, datetime):
        ts = pd.Timestamp(value)
    else:
        s = str(value).strip()
        if not s:
            return None
        try:
            if fmt:
                ts = pd.Timestamp(datetime.strptime(s, fmt))
            else:
                ts = pd.Timestamp(dtparser.parse(_fix_thai(s), dayfirst=dayfirst))
        except (ValueError, OverflowError, TypeError):
            return None
    if ts is pd.NaT or not (MIN_YEAR <= ts.year <= MAX_YEAR):
        return None
    if ts.tzinfo is None:
        try:
            ts = ts.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
        except Exception:
            return None
        if ts is pd.NaT:
            return None
    return ts.tz_convert("UTC")


def parse_times(
    values: pd.Series, tz: str, dayfirst: bool = True, fmt: str | None = None
) -> pd.Series:
    """UTC timestamps for ``values``; NaT where a value cannot be read as a time."""
    values = pd.Series(values, dtype=object).reset_index(drop=True)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    strs = values.map(lambda v: v if isinstance(v, str) else None)
    is_str = strs.notna()
    if is_str.any() and fmt is None:
        s = strs[is_str].str.strip()
        iso_like = s.str.match(r"^\d{4}-\d{2}-\d{2}")
        aware = iso_like & s.str.contains(_AWARE_RE)
        naive = iso_like & ~aware
        if aware.any():
            parsed = pd.to_datetime(s[aware], format="ISO8601", errors="coerce", utc=True)
            out.loc[parsed.index] = parsed
        if naive.any():
            parsed = pd.to_datetime(s[naive], format="ISO8601", errors="coerce")
            local = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
            out.loc[local.index] = local.dt.tz_convert("UTC")
    todo = out.isna() & values.notna()
    if todo.any():
        cache: dict = {}
        for i in values.index[todo]:
            v = values.at[i]
            if not isinstance(v, (str, int, float, datetime)) or isinstance(v, bool):
                continue  # lists, dicts, booleans are not times
            key = (type(v), v) if not isinstance(v, datetime) else None
            if key is not None and key in cache:
                ts = cache[key]
            else:
                ts = _parse_one(v, tz, dayfirst, fmt)
                if key is not None:
                    cache[key] = ts
            if ts is not None:
                out.at[i] = ts
    years = out.dt.year
    out[(years < MIN_YEAR) | (years > MAX_YEAR)] = pd.NaT
    return out
