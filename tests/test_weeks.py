from datetime import UTC, datetime

import pytest

from voc.weeks import iso_week, last_complete_week, parse_week, shift_week, week_bounds, week_range


def test_week_label_and_bounds_in_bangkok():
    start, end = week_bounds("2026-W47", "Asia/Bangkok")
    assert start.isoformat() == "2026-11-16T00:00:00+07:00"
    assert (end - start).days == 7
    assert iso_week(start) == "2026-W47"


def test_year_boundary_weeks():
    assert shift_week("2026-W53", 1) == "2027-W01"
    assert shift_week("2027-W01", -1) == "2026-W53"
    assert week_range("2026-W52", "2027-W02") == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]


def test_last_complete_week_uses_the_zone():
    # Sunday 20:00 UTC is already Monday 03:00 in Bangkok: the Bangkok week has ended
    now = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
    assert last_complete_week("Asia/Bangkok", now) == "2026-W47"
    assert last_complete_week("UTC", now) == "2026-W46"


@pytest.mark.parametrize("bad", ["2026-47", "2026-W54", "W47", "2025-W53", ""])
def test_bad_weeks_are_errors(bad):
    with pytest.raises(ValueError, match="ISO week"):
        parse_week(bad)


def test_a_week_that_has_not_started_is_refused_the_current_one_is_not():
    from datetime import UTC, datetime

    import pytest

    from voc.errors import WeekError
    from voc.weeks import check_started

    now = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)  # Thursday of 2026-W49
    check_started("2026-W48", "Asia/Bangkok", now)
    check_started("2026-W49", "Asia/Bangkok", now)  # under way: a partial look is allowed
    with pytest.raises(WeekError, match=r"2026-W50 has not started yet in Asia/Bangkok .*2026-W48"):
        check_started("2026-W50", "Asia/Bangkok", now)
    # Monday 00:30 in Bangkok is still Sunday in UTC: the zone decides
    monday = datetime(2026, 12, 6, 17, 30, tzinfo=UTC)
    check_started("2026-W50", "Asia/Bangkok", monday)
    with pytest.raises(WeekError):
        check_started("2026-W50", "UTC", monday)
