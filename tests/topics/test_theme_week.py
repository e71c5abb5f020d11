"""The weekly theme table on hand-made records: counting, merges, one flag per theme, edge cases."""

import json

import pandas as pd

from voc.insights.config import InsightsConfig
from voc.insights.themes import THEME_WEEK_COLUMNS, theme_week_table
from voc.weeks import shift_week

WEEK = "2026-W47"


def _registry() -> pd.DataFrame:
    rows = [
        ("T0001", "OTP หมดเวลา", "G0001", "OTP / SMS", "active", None),
        ("T0002", "code not received", "G0001", "OTP / SMS", "active", None),
        ("T0003", "บิลแพง", "G0002", "บิล / bill", "active", None),
        ("T0004", "bill higher", "G0002", "บิล / bill", "merged", "T0003"),
    ]
    return pd.DataFrame(
        [{"topic_id": t, "label": lab, "theme_id": g, "theme_label": gl, "status": s, "merged_into": m,
          "first_seen_week": "2026-W30"} for t, lab, g, gl, s, m in rows]
    )


def _records() -> pd.DataFrame:
    rows = []
    n = 0
    for back in range(6, -1, -1):
        week = shift_week(WEEK, -back)
        # Both OTP topics rise in the report week; billing stays flat (half of it under a merged topic).
        plan = {"T0001": 30 if back == 0 else 3, "T0002": 30 if back == 0 else 3, "T0003": 20, "T0004": 20, "other": 5}
        for topic, count in plan.items():
            for _ in range(count):
                n += 1
                rows.append({"record_id": f"r{n:05d}", "iso_week": week, "topic_id": topic,
                             "text": f"message {n} about {topic} that is long enough", "sentiment": "negative",
                             "language": "th" if n % 2 else "en", "duplicate_of": None, "near_dup_of": None,
                             "topic_probability": 0.9})
    rows.append({**rows[-1], "record_id": "dup", "duplicate_of": rows[-1]["record_id"]})
    return pd.DataFrame(rows)


def test_a_theme_with_two_rising_topics_is_flagged_once_and_counts_merged_topics():
    table = theme_week_table(WEEK, _records(), _registry(), InsightsConfig())
    assert list(table.columns) == THEME_WEEK_COLUMNS
    table = table.set_index("theme_id")
    assert table.loc["G0001", "volume"] == 60 and table.loc["G0001", "topics"] == 2
    assert bool(table.loc["G0001", "is_emerging"]) and "volume" in table.loc["G0001", "emerging_signals"]
    # The merged topic's records count under its survivor's theme; the duplicate is not counted.
    assert table.loc["G0002", "volume"] == 40 and table.loc["G0002", "topics"] == 1
    assert not bool(table.loc["G0002", "is_emerging"])
    assert table.index[-1] == "other"  # last: a PM cannot act on it
    assert table.loc["G0001", "theme_label"] == "OTP / SMS"
    assert table.loc["G0001", "pct_negative"] == 100.0


def test_empty_or_unassigned_records_give_an_empty_table():
    assert theme_week_table(WEEK, pd.DataFrame(), None, InsightsConfig()).empty
    unassigned = _records().assign(topic_id=None)
    assert theme_week_table(WEEK, unassigned, _registry(), InsightsConfig()).empty


def test_topics_without_a_theme_in_the_registry_stand_as_their_own_theme():
    registry = _registry().drop(columns=["theme_id", "theme_label"])
    table = theme_week_table(WEEK, _records(), registry, InsightsConfig())
    assert {"T0001", "T0002", "T0003"} <= set(table.theme_id)


def test_the_usual_level_a_pm_reads_leaves_out_weeks_before_the_first_data():
    from voc.export.changes import what_changed
    from voc.export.i18n import Locale

    records = _records()
    records = records[records["iso_week"].isin([shift_week(WEEK, -2), shift_week(WEEK, -1), WEEK])]
    table = theme_week_table(WEEK, records, _registry(), InsightsConfig())
    otp = table.set_index("theme_id").loc["G0001"]
    assert otp["baseline_weeks"] == 2 and otp["baseline_weekly_mean"] == 6.0  # 3 + 3 a week, W45 has no data
    assert json.loads(otp["trend"])[0] == 0  # the trend still draws the empty week
    tables = {"theme_week": table, "summary": pd.DataFrame([{"records": 200, "prev_records": 60}])}
    said = [s for s in what_changed(tables, Locale("en")) if s.kind == "emerging" and s.theme_id == "G0001"]
    assert len(said) == 1 and "usually about 6" in said[0].text and said[0].evidence["baseline_weeks"] == 2


def test_the_first_week_with_data_calls_no_theme_new():
    records = _records()
    first = records[records["iso_week"] == WEEK]
    table = theme_week_table(WEEK, first, _registry().assign(first_seen_week=WEEK), InsightsConfig())
    assert len(table) and not table["is_new"].any()  # with nothing before, "new" would flag every theme
    later = records[records["iso_week"].isin([shift_week(WEEK, -1), WEEK])]
    reg = _registry().assign(first_seen_week=WEEK)
    only_now = later[~((later["iso_week"] != WEEK) & later["topic_id"].isin(["T0001", "T0002"]))]
    assert set(theme_week_table(WEEK, only_now, reg, InsightsConfig()).query("is_new")["theme_id"]) == {"G0001"}
