"""ISO weeks: the unit every voc run, table and export is keyed by."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from voc.errors import WeekError

DEFAULT_TZ = "Asia/Bangkok"
_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


def iso_week(ts: datetime) -> str:
    """ISO week label (``2026-W47``) of a timezone-aware time, in its own zone."""
    y, w, _ = ts.isocalendar()
    return f"{y}-W{w:02d}"


def parse_week(week: str) -> tuple[int, int]:
    """Split ``2026-W47`` into (2026, 47); raise WeekError (a ValueError) with the bad value."""
    m = _WEEK_RE.match(week.strip())
    if not m:
        raise WeekError(f"not an ISO week: {week!r} (expected like 2026-W47)")
    year, num = int(m.group(1)), int(m.group(2))
    try:
        date.fromisocalendar(year, num, 1)
    except ValueError:
        raise WeekError(f"not an ISO week: {week!r} ({year} has no week {num})") from None
    return year, num


def week_start(week: str, tz: str = DEFAULT_TZ) -> datetime:
    """Monday 00:00 of ``week`` in zone ``tz``."""
    year, num = parse_week(week)
    d = date.fromisocalendar(year, num, 1)
    return datetime(d.year, d.month, d.day, tzinfo=ZoneInfo(tz))


def week_bounds(week: str, tz: str = DEFAULT_TZ) -> tuple[datetime, datetime]:
    """[start, end) of ``week`` in zone ``tz``."""
    start = week_start(week, tz)
    return start, start + timedelta(days=7)


def shift_week(week: str, n: int) -> str:
    """The week ``n`` weeks after (negative: before) ``week``."""
    year, num = parse_week(week)
    d = date.fromisocalendar(year, num, 1) + timedelta(weeks=n)
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def week_range(first: str, last: str) -> list[str]:
    """All weeks from ``first`` to ``last`` inclusive, in order."""
    if week_start(first, "UTC") > week_start(last, "UTC"):
        raise WeekError(f"week range is backwards: {first} > {last}")
    out = [first]
    while out[-1] != last:
        out.append(shift_week(out[-1], 1))
    return out


def last_complete_week(tz: str = DEFAULT_TZ, now: datetime | None = None) -> str:
    """The most recent ISO week that has fully ended in zone ``tz``."""
    now = now or datetime.now(UTC)
    local = now.astimezone(ZoneInfo(tz))
    return shift_week(iso_week(local), -1)


def check_started(week: str, tz: str = DEFAULT_TZ, now: datetime | None = None) -> None:
    """WeekError when ``week`` has not begun yet in zone ``tz``: its report would be empty and join the history."""
    now = now or datetime.now(UTC)
    if week_start(week, tz) > now:
        raise WeekError(f"week {week} has not started yet in {tz} (the last complete week is "
                        f"{last_complete_week(tz, now)})")
