"""Parse message times from exports: ISO 8601, day-first dates, epochs, Thai Buddhist-era years and month names.

Naive times are read in the source's zone (default Asia/Bangkok); every result is UTC. A value that is not a
full calendar date (a time alone, a weekday, a bare number, an impossible offset, a date far in the future)
is never completed with today's date: it gets a reason, and the row goes to quarantine.

Years (the rules the README documents):
- a four-digit year decides by itself: 2400 and later is Buddhist era (2569 BE = 2026 CE), earlier is CE;
  `พ.ศ.` / `B.E.` mark a Buddhist-era year, `ค.ศ.` / `A.D.` a CE one;
- a two-digit year (`24/11/69`, `24 พ.ย. 69`) follows the source's ``years`` setting: ``buddhist`` (25yy BE),
  ``gregorian`` (20yy CE) or ``auto``: a two-digit year greater than the current CE year % 100 + 1 is
  Buddhist era (in 2026: 28-99 are 2528-2599 BE), otherwise CE (00-27 are 2000-2027).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

import pandas as pd
from dateutil import parser as dtparser

BUDDHIST_ERA_OFFSET = 543
MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_OFFSET = timedelta(hours=14)  # the widest real UTC offsets are -12:00 and +14:00
DEFAULT_FUTURE_MARGIN = timedelta(hours=24)

YearRule = Literal["auto", "buddhist", "gregorian"]

THAI_MONTHS = {
    "มกราคม": 1, "ม.ค.": 1, "กุมภาพันธ์": 2, "ก.พ.": 2, "มีนาคม": 3, "มี.ค.": 3,
    "เมษายน": 4, "เม.ย.": 4, "พฤษภาคม": 5, "พ.ค.": 5, "มิถุนายน": 6, "มิ.ย.": 6,
    "กรกฎาคม": 7, "ก.ค.": 7, "สิงหาคม": 8, "ส.ค.": 8, "กันยายน": 9, "ก.ย.": 9,
    "ตุลาคม": 10, "ต.ค.": 10, "พฤศจิกายน": 11, "พ.ย.": 11, "ธันวาคม": 12, "ธ.ค.": 12,
}
_THAI_MONTH_RE = re.compile("|".join(sorted((re.escape(k) for k in THAI_MONTHS), key=len, reverse=True)))
_THAI_WEEKDAY_RE = re.compile(r"(?:วัน)?(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_BE_MARK_RE = re.compile(r"พ\.\s?ศ\.|\bB\.\s?E\.|\bBE\b", re.IGNORECASE)
_CE_MARK_RE = re.compile(r"ค\.\s?ศ\.|\bA\.\s?D\.|\bC\.\s?E\.", re.IGNORECASE)
_YEAR4_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# day/month/two-digit year, with the month as a number (after Thai month names became numbers) or a word
_YEAR2_RE = re.compile(r"^(\d{1,2}[/.\- ]+(?:\d{1,2}|[A-Za-z]{3,9}\.?)[/.\- ,]+)(\d{2})(?=$|[\sT,])")
_WEEKDAY_RE = re.compile(r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday)?\b\.?", re.I)
_RELATIVE_RE = re.compile(r"\b(?:ago|yesterday|today|tomorrow|now|last|next)\b|เมื่อวาน|วันนี้|พรุ่งนี้|ที่แล้ว|เมื่อกี้", re.I)
_OFFSET_RE = re.compile(r"\d:\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:UTC|GMT)?\s*[+-](\d{2}):?(\d{2})$", re.IGNORECASE)
_NUMBER_RE = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_ISO_FAST_RE = r"^(?:19|20)\d{2}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?"
_AWARE_RE = re.compile(r"(?:Z|[+-](?:0\d|1[0-4]):?[0-5]\d)$", re.IGNORECASE)
# pandas' ISO reader takes these exact layouts (a valid offset or none); everything else goes value by value
_FAST_RE = re.compile(_ISO_FAST_RE + r"(?:Z|[+-](?:0\d|1[0-4]):?[0-5]\d)?$", re.IGNORECASE)
_DEFAULTS = (datetime(1904, 1, 1), datetime(1908, 2, 2))  # leap years: "29 Feb" without a year still parses


@dataclass(frozen=True)
class DateRules:
    """How one source's times are read: its zone, layout and year rule, and how far ahead is too far."""

    tz: str = "Asia/Bangkok"
    dayfirst: bool = True
    fmt: str | None = None
    years: YearRule = "auto"
    future_margin: timedelta = DEFAULT_FUTURE_MARGIN
    now: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.now(tz="UTC"))


class _Unread(ValueError):
    """A value that is not a time; the message is the quarantine reason."""


def _shown(value: object) -> str:
    """The value as a reason quotes it: cut to 40 characters, personal data redacted (a reason is stored)."""
    from voc.text.redact import redact

    s = str(value).strip()
    s = redact(s[:200])[0]  # redact before cutting: a phone number cut in half is no longer found
    return repr(s[:40] + ("..." if len(s) > 40 else ""))


def two_digit_year(yy: int, rule: YearRule, today_year: int) -> int:
    """The CE year of a two-digit year under ``rule`` (see the module docstring)."""
    if rule == "buddhist" or (rule == "auto" and yy > today_year % 100 + 1):
        return 2500 + yy - BUDDHIST_ERA_OFFSET
    return 2000 + yy


def _ce_year(y: int) -> int:
    """A four-digit year in CE: 2400-2999 can only be Buddhist era (no customer writes in CE 2400+)."""
    return y - BUDDHIST_ERA_OFFSET if 2400 <= y < 3000 else y


def _from_epoch(number: float, value: object) -> pd.Timestamp:
    if 1e11 <= abs(number) < 1e14:
        return pd.Timestamp(number / 1000.0, unit="s", tz="UTC")
    if 1e8 <= abs(number) < 5e9:
        return pd.Timestamp(number, unit="s", tz="UTC")
    raise _Unread(f"bare number is not a date: {_shown(value)} (epoch seconds or milliseconds are read)")


def _normalise(s: str, rules: DateRules) -> tuple[str, bool]:
    """``s`` in a form dateutil reads (CE years, numeric months), and whether it is year-first."""
    marked_be = bool(_BE_MARK_RE.search(s))
    s = _CE_MARK_RE.sub(" ", _BE_MARK_RE.sub(" ", s))
    s = _THAI_WEEKDAY_RE.sub(" ", s)
    s = re.sub(r"^\s*(?:วัน)?\s*ที่\s*", "", s)
    s = s.replace("เวลา", " ")
    s = re.sub(r"(\d)\s*(?:น\.|นาฬิกา)", r"\1", s)
    s = _THAI_MONTH_RE.sub(lambda m: f" {THAI_MONTHS[m.group(0)]:02d} ", s)
    s = re.sub(r"(?:UTC|GMT)\s*(?=[+-]\d)", "", s)  # "GMT+07:00" is Bangkok (not POSIX's reversed sign)
    s = re.sub(r"(\s\d{1,2})\.(\d{2})(?=$|\s|:)", r"\1:\2", s)  # Thai "14.20 น." is 14:20
    s = re.sub(r"\s+", " ", s).strip()
    s = _YEAR4_RE.sub(lambda m: str(_ce_year(int(m.group(1)))) if m.group(1) >= "2400" else m.group(1), s)
    year2 = _YEAR2_RE.match(s)
    if year2:
        yy = int(year2.group(2))
        year = two_digit_year(yy, "buddhist" if marked_be else rules.years, rules.now.year)
        s = year2.group(1) + str(year) + s[year2.end():]
    # "29 11 2026" after month-name replacement -> "29/11/2026" (dateutil would read "29 11" as a time)
    s = re.sub(r"^(\d{1,2})\s+(\d{1,2})\s+(\d{4})", r"\1/\2/\3", s)
    return s, bool(re.match(r"^\d{4}[-/.]", s))


def _parse_text(value: str, rules: DateRules) -> pd.Timestamp:
    s = value.strip().translate(_THAI_DIGITS)
    if not s:
        raise _Unread("missing date")
    if _NUMBER_RE.match(s):
        if s.lstrip("+-").startswith("0"):  # no epoch starts with 0; phone numbers and codes do
            raise _Unread("bare number is not a date (epoch seconds or milliseconds are read)")
        return _from_epoch(float(s), "a number" if len(s) >= 9 else s)
    if rules.fmt:
        try:
            parsed = datetime.strptime(s, rules.fmt)
        except ValueError:
            raise _Unread(f"unparseable date {_shown(value)} (date_format {rules.fmt!r})") from None
        year = parsed.year
        if "%y" in rules.fmt:
            year = two_digit_year(year % 100, rules.years, rules.now.year)
        ts = pd.Timestamp(_replace_year(parsed, _ce_year(year)))
        return ts
    offset = _OFFSET_RE.search(s)
    if offset and (int(offset.group(1)) > 14 or int(offset.group(2)) > 59):
        raise _Unread(f"impossible UTC offset in {_shown(value)} (offsets run from -12:00 to +14:00)")
    if _RELATIVE_RE.search(s):
        raise _Unread(f"relative date {_shown(value)} has no calendar date")
    text, year_first = _normalise(s, rules)
    if not text or not re.search(r"\d", text):
        if _WEEKDAY_RE.search(s) or _THAI_WEEKDAY_RE.search(s):
            raise _Unread(f"weekday without a date: {_shown(value)}")
        raise _Unread(f"unparseable date {_shown(value)}")
    try:
        first = dtparser.parse(text, default=_DEFAULTS[0], dayfirst=rules.dayfirst and not year_first,
                               yearfirst=year_first)
        second = dtparser.parse(text, default=_DEFAULTS[1], dayfirst=rules.dayfirst and not year_first,
                                yearfirst=year_first)
    except (ValueError, OverflowError, TypeError):
        raise _Unread(f"unparseable date {_shown(value)}") from None
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        if first.month == second.month and first.day == second.day and first.year != second.year:
            raise _Unread(f"date without a year: {_shown(value)}")
        if _WEEKDAY_RE.search(s) or _THAI_WEEKDAY_RE.search(s):
            raise _Unread(f"weekday without a date: {_shown(value)}")
        if re.search(r"\d{1,2}[:.]\d{2}", s):
            raise _Unread(f"time without a date: {_shown(value)}")
        raise _Unread(f"incomplete date: {_shown(value)}")
    offset = first.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise _Unread(f"impossible UTC offset in {_shown(value)} (offsets run from -12:00 to +14:00)")
    return pd.Timestamp(first)


def _replace_year(d: datetime, year: int) -> datetime:
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February of a year that is not leap in the other era
        raise _Unread(f"impossible date {d.date()} after converting the year") from None


def _parse_one(value: object, rules: DateRules) -> pd.Timestamp:
    """One value as a UTC timestamp; raises _Unread with the reason otherwise."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        raise _Unread("missing date")
    if isinstance(value, bool) or not isinstance(value, (str, int, float, datetime, date, time)):
        raise _Unread(f"wrong type: date is {type(value).__name__}")
    if isinstance(value, time):
        raise _Unread(f"time without a date: {_shown(value)}")
    if isinstance(value, (int, float)):
        ts = _from_epoch(float(value), value)
    elif isinstance(value, datetime):
        ts = pd.Timestamp(_replace_year(value, _ce_year(value.year)))
    elif isinstance(value, date):
        ts = pd.Timestamp(datetime(_ce_year(value.year), value.month, value.day))
    else:
        ts = _parse_text(value, rules)
    if ts is pd.NaT:
        raise _Unread(f"unparseable date {_shown(value)}")
    if ts.tzinfo is None:
        try:
            ts = ts.tz_localize(rules.tz, ambiguous="NaT", nonexistent="NaT")
        except Exception:
            ts = pd.NaT
        if ts is pd.NaT:
            raise _Unread(f"local time {_shown(value)} does not exist (or is ambiguous) in {rules.tz}")
    return _checked(ts.tz_convert("UTC"), value, rules)


def _checked(ts: pd.Timestamp, value: object, rules: DateRules) -> pd.Timestamp:
    if not (MIN_YEAR <= ts.year <= MAX_YEAR):
        raise _Unread(f"date out of range ({MIN_YEAR}-{MAX_YEAR}): {_shown(value)}")
    if ts > rules.now + rules.future_margin:
        hours = rules.future_margin / timedelta(hours=1)
        raise _Unread(f"date in the future: {_shown(value)} is more than {hours:g} h after the ingest time")
    return ts


def read_times(values, rules: DateRules) -> tuple[pd.Series, pd.Series]:
    """UTC timestamps for ``values`` (NaT where unread) and, for each unread value, the reason ("" when read)."""
    values = pd.Series(values, dtype=object).reset_index(drop=True)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    reasons = pd.Series("", index=values.index, dtype=object)
    done = pd.Series(False, index=values.index)
    if rules.fmt is None:
        _read_iso_fast(values, rules, out, done)
        _read_numeric_dates_fast(values, rules, out, done)
    _read_epochs_fast(values, rules, out, done)
    cache: dict = {}
    for i in values.index[~done]:
        v = values.at[i]
        key = (type(v), v) if isinstance(v, (str, int, float)) else None
        if key is not None and key in cache:
            ts, reason = cache[key]
        else:
            try:
                ts, reason = _parse_one(v, rules), ""
            except _Unread as e:
                ts, reason = pd.NaT, str(e)
            except (ValueError, OverflowError, TypeError, OSError):
                ts, reason = pd.NaT, f"unparseable date {_shown(v)}"
            if key is not None:
                cache[key] = (ts, reason)
        if reason:
            reasons.at[i] = reason
        else:
            out.at[i] = ts
    return out, reasons


def _read_iso_fast(values: pd.Series, rules: DateRules, out: pd.Series, done: pd.Series) -> None:
    """The common case in bulk: ISO 8601 strings with a CE year and a valid offset (or none)."""
    strs = values.map(lambda v: v.strip() if isinstance(v, str) else None)
    fast = strs.notna()
    if not fast.any():
        return
    s = strs[fast]
    s = s[s.str.match(_FAST_RE)]
    if s.empty:
        return
    aware = s.str.contains(_AWARE_RE)
    limit = rules.now + rules.future_margin
    for part, is_aware in ((s[aware], True), (s[~aware], False)):
        if part.empty:
            continue
        try:
            if is_aware:
                parsed = pd.to_datetime(part, format="ISO8601", errors="coerce", utc=True)
            else:
                parsed = pd.to_datetime(part, format="ISO8601", errors="coerce")
                parsed = parsed.dt.tz_localize(rules.tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
        except (ValueError, OverflowError, TypeError, AssertionError):
            continue  # read value by value, with reasons
        good = parsed.notna() & (parsed.dt.year >= MIN_YEAR) & (parsed <= limit)
        out.loc[parsed.index[good]] = parsed[good]
        done.loc[parsed.index[good]] = True


_NUMERIC_DATE_RE = (r"^\s*(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})"
                    r"(?:[ T]+(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s*น\.)?)?\s*$")


def _read_numeric_dates_fast(values: pd.Series, rules: DateRules, out: pd.Series, done: pd.Series) -> None:
    """``24/11/2569 10:30``, ``24-11-26`` and the like in bulk (dateutil reads ~1,000 values/s)."""
    todo = ~done & values.map(lambda v: isinstance(v, str))
    if not todo.any():
        return
    parts = values[todo].astype(str).str.extract(_NUMERIC_DATE_RE).dropna(subset=["a"])
    if parts.empty:
        return
    try:
        parsed = _numeric_date_parts(parts, rules)
    except (ValueError, OverflowError, TypeError):  # odd digits or ranges: value by value, with reasons
        return
    good = parsed.notna() & (parsed.dt.year >= MIN_YEAR) & (parsed <= rules.now + rules.future_margin)
    out.loc[parsed.index[good]] = parsed[good]  # the rest (31/02, far future) get their reason value by value
    done.loc[parsed.index[good]] = True


def _numeric_date_parts(parts: pd.DataFrame, rules: DateRules) -> pd.Series:
    a, b = parts["a"].astype(int), parts["b"].astype(int)
    day, month = (a, b) if rules.dayfirst else (b, a)
    year = parts["y"].astype(int)
    two = parts["y"].str.len() == 2
    year = year.where(~two, year.map(lambda yy: two_digit_year(yy, rules.years, rules.now.year)))
    year = year.where(~year.between(2400, 2999), year - BUDDHIST_ERA_OFFSET)
    frame = pd.DataFrame({"year": year, "month": month, "day": day,
                          "hour": parts["h"].fillna(0).astype(int), "minute": parts["mi"].fillna(0).astype(int),
                          "second": parts["s"].fillna(0).astype(int)})
    local = pd.to_datetime(frame, errors="coerce")
    return local.dt.tz_localize(rules.tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")


_EPOCH_TEXT_RE = re.compile(r"^\s*[1-9](?:\d{8,9}|\d{11,12})(?:\.\d+)?\s*$")  # no epoch starts with 0


def _read_epochs_fast(values: pd.Series, rules: DateRules, out: pd.Series, done: pd.Series) -> None:
    """Epoch seconds or milliseconds (numbers, or digit strings as CSV holds them), in bulk."""
    numeric = ~done & values.map(lambda v: (isinstance(v, (int, float)) and not isinstance(v, bool))
                                 or (isinstance(v, str) and _EPOCH_TEXT_RE.match(v) is not None))
    if not numeric.any():
        return
    n = pd.to_numeric(values[numeric].map(lambda v: v.strip() if isinstance(v, str) else v),
                      errors="coerce").astype(float)
    seconds = n.where(~n.abs().between(1e11, 1e14, inclusive="left"), n / 1000.0)
    ok = seconds.abs().between(1e8, 5e9, inclusive="left")
    if not ok.any():
        return
    parsed = pd.to_datetime(seconds[ok], unit="s", utc=True)
    good = (parsed.dt.year >= MIN_YEAR) & (parsed.dt.year <= MAX_YEAR) & (parsed <= rules.now + rules.future_margin)
    out.loc[parsed.index[good]] = parsed[good]
    done.loc[parsed.index[good]] = True


def parse_times(values, tz: str, dayfirst: bool = True, fmt: str | None = None, years: YearRule = "auto",
                future_margin: timedelta = DEFAULT_FUTURE_MARGIN) -> pd.Series:
    """UTC timestamps for ``values``; NaT where a value cannot be read as a time (see ``read_times`` for why)."""
    return read_times(values, DateRules(tz, dayfirst, fmt, years, future_margin))[0]
