"""Weekly tables: counts, changes, mixes, breakdowns, partial and empty weeks."""

from __future__ import annotations

import json
import math

import duckdb
import pandas as pd
import pytest

from voc.insights.config import InsightsConfig
from voc.insights.synthetic import planted_records, planted_run_log, planted_topic_registry
from voc.insights.tables import ALL, build_weekly_tables
from voc.schema import ENRICHED_COLUMNS

WEEK = "2026-W10"
PREV = "2026-W09"
KEYS = {"topic_week", "sentiment_week", "emerging_topics", "drivers", "rating_week", "data_quality", "summary",
        "theme_week", "theme_segment_week", "theme_impact", "quote_week", "sentiment_model_week"}


def _record(i: int, week: str, topic: str | None, sentiment: str | None = "neutral", **extra) -> dict:
    row = {c: None for c in ENRICHED_COLUMNS}
    row.update({
        "record_id": f"r{i}", "source": "reviews", "channel": "review", "iso_week": week,
        "created_at": pd.Timestamp("2026-03-03", tz="Asia/Bangkok"), "text": f"ข้อความลูกค้าที่ {i} ส่งของช้ามาก",
        "rating": math.nan, "segments": json.dumps({"product": "app"}), "language": "th",
        "sentiment": sentiment, "topic_id": topic, "topic_label": f"label {topic}",
        "topic_probability": 0.9,
    })
    row.update(extra)
    return row


def _build(rows: list[dict], run_log: pd.DataFrame | None = None, topics: pd.DataFrame | None = None,
           **cfg) -> dict[str, pd.DataFrame]:
    return build_weekly_tables(WEEK, pd.DataFrame(rows), topics if topics is not None else pd.DataFrame(),
                               run_log if run_log is not None else pd.DataFrame(), InsightsConfig(**cfg))


@pytest.fixture(scope="module")
def planted() -> dict[str, pd.DataFrame]:
    records = planted_records(WEEK, seed=0)
    return build_weekly_tables(WEEK, records, planted_topic_registry(WEEK), planted_run_log(WEEK, records),
                               InsightsConfig(segment_fields=["product"]))


def test_every_table_is_present_keyed_by_week_and_storable(planted):
    assert set(planted) == KEYS
    con = duckdb.connect()
    for name, df in planted.items():
        assert (df["iso_week"] == WEEK).all(), name
        con.register("frame", df)
        con.execute(f"create table {name} as select * from frame")
        con.unregister("frame")
        stored = con.execute(f"select * from {name}").df()
        assert len(stored) == len(df) and list(stored.columns) == list(df.columns)


def test_volume_change_and_mix_follow_their_definitions():
    rows = [
        _record(1, WEEK, "a", "negative"), _record(2, WEEK, "a", "negative"),
        _record(3, WEEK, "a", "positive"), _record(4, WEEK, "b", "positive"),
        _record(5, PREV, "a", "positive"),
    ]
    tw = _build(rows)["topic_week"].set_index("topic_id")
    assert tw.at["a", "volume"] == 3 and tw.at["a", "prev_volume"] == 1
    assert tw.at["a", "change_abs"] == 2 and tw.at["a", "change_pct"] == 200.0
    assert tw.at["a", "share_pct"] == 75.0
    assert tw.at["a", "pct_negative"] == pytest.approx(66.7)
    assert tw.at["a", "net_sentiment"] == pytest.approx(-33.3)
    assert math.isnan(tw.at["b", "change_pct"])  # nothing to compare with
    assert list(tw.index) == ["a", "b"]  # biggest first


def test_duplicates_and_near_duplicates_count_once():
    rows = [_record(i, WEEK, "a") for i in range(4)]
    rows += [_record(10, WEEK, "a", duplicate_of="r0"), _record(11, WEEK, "a", near_dup_of="r1")]
    tables = _build(rows)
    assert tables["topic_week"].at[0, "volume"] == 4
    s = tables["summary"].iloc[0]
    assert (s["records"], s["exact_duplicates"], s["near_duplicates"]) == (4, 1, 1)
    dq = tables["data_quality"].iloc[0]
    assert (dq["records_in_week"], dq["counted"]) == (6, 4)


def test_failed_source_makes_the_week_partial_and_is_named():
    records = planted_records(WEEK, seed=1)
    records = records[~((records["iso_week"] == WEEK) & (records["source"] == "line_oa"))]
    tables = build_weekly_tables(WEEK, records, planted_topic_registry(WEEK),
                                 planted_run_log(WEEK, records, failed=("line_oa",)), InsightsConfig())
    s = tables["summary"].iloc[0]
    assert s["is_partial"] and s["missing_sources"] == "line_oa"
    assert "PARTIAL" in s["data_note"] and "line_oa" in s["data_note"]
    dq = tables["data_quality"].set_index("source")
    assert dq.at["line_oa", "status"] == "failed" and dq.at["line_oa", "error"] == "connection refused"


def test_empty_week_reports_empty_instead_of_failing():
    rows = [_record(i, PREV, "a") for i in range(5)]
    tables = _build(rows)
    s = tables["summary"].iloc[0]
    assert s["records"] == 0 and s["data_status"] == "empty"
    assert "No customer records" in s["data_note"]
    # The topic that went quiet still shows, with its drop.
    tw = tables["topic_week"].set_index("topic_id")
    assert tw.at["a", "volume"] == 0 and tw.at["a", "change_pct"] == -100.0
    assert tables["emerging_topics"].empty and tables["drivers"].empty
    assert list(tables["emerging_topics"].columns)  # empty tables keep their columns


def test_no_records_at_all_still_gives_every_table():
    tables = _build([])
    assert set(tables) == KEYS
    assert tables["summary"].iloc[0]["data_status"] == "empty"
    assert all(len(df.columns) > 1 for df in tables.values())


def test_little_data_is_reported_as_low():
    s = _build([_record(i, WEEK, "a") for i in range(5)], low_volume=30)["summary"].iloc[0]
    assert s["data_status"] == "low" and "Only 5 records" in s["data_note"]


def test_merged_topic_history_counts_under_the_survivor():
    rows = [_record(i, PREV, "old") for i in range(6)] + [_record(10 + i, WEEK, "new") for i in range(3)]
    registry = pd.DataFrame([
        {"topic_id": "old", "label": "old", "top_words": "[]", "first_seen_week": PREV,
         "status": "merged", "merged_into": "new"},
        {"topic_id": "new", "label": "ส่งของช้า", "top_words": '["ส่ง", "ช้า"]', "first_seen_week": PREV,
         "status": "active", "merged_into": None},
    ])
    tw = _build(rows, topics=registry)["topic_week"].set_index("topic_id")
    assert list(tw.index) == ["new"]
    assert tw.at["new", "prev_volume"] == 6 and tw.at["new", "topic_label"] == "ส่งของช้า"
    assert tw.at["new", "top_terms"] == "ส่ง, ช้า" and not tw.at["new", "is_new"]


def test_quotes_are_distinct_readable_and_capped():
    long_text = "ส่งของช้ามาก " * 60
    rows = [_record(1, WEEK, "a", text="ดีมาก ดีมาก ดีมาก ดีมาก ดีมาก", topic_probability=0.99),
            _record(2, WEEK, "a", text="ดีมาก ดีมาก ดีมาก ดีมาก ดีมาก", topic_probability=0.98),
            _record(3, WEEK, "a", text="ok", topic_probability=1.0),
            _record(4, WEEK, "a", text=long_text, topic_probability=0.5),
            _record(5, WEEK, "a", text="พัสดุมาช้ากว่าที่แจ้งไว้สองวันค่ะ", topic_probability=0.7)]
    tw = _build(rows, quotes_per_topic=3, quote_max_chars=100)["topic_week"].iloc[0]
    quotes = [tw["quote_1"], tw["quote_2"], tw["quote_3"]]
    assert quotes[0] == "ดีมาก ดีมาก ดีมาก ดีมาก ดีมาก"  # most confident readable quote first
    assert quotes[1] == "พัสดุมาช้ากว่าที่แจ้งไว้สองวันค่ะ"
    assert len(set(quotes)) == 3 and all(len(q) <= 100 for q in quotes)


def test_sentiment_week_rollups_add_up(planted):
    sw = planted["sentiment_week"]
    total = planted["summary"].iloc[0]["records"]
    plain = sw[sw["segment_field"] == ALL]
    top = plain[(plain["channel"] == ALL) & (plain["language"] == ALL)]
    assert top["volume"].tolist() == [total]
    assert plain[(plain["channel"] != ALL) & (plain["language"] == ALL)]["volume"].sum() == total
    assert plain[(plain["channel"] != ALL) & (plain["language"] != ALL)]["volume"].sum() == total
    seg = sw[(sw["segment_field"] == "product") & (sw["channel"] == ALL) & (sw["language"] == ALL)]
    assert set(seg["segment_value"]) == {"savings", "credit_card", "app"}
    assert seg["volume"].sum() == total


def test_row_order_does_not_depend_on_input_order():
    records = planted_records(WEEK, seed=2)
    args = (planted_topic_registry(WEEK), planted_run_log(WEEK, records), InsightsConfig())
    a = build_weekly_tables(WEEK, records, *args)
    b = build_weekly_tables(WEEK, records.sample(frac=1.0, random_state=1), *args)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_dtype=False)


def test_bad_week_is_rejected_with_the_value():
    with pytest.raises(ValueError, match="2026-47"):
        build_weekly_tables("2026-47", pd.DataFrame(), pd.DataFrame(),
                            pd.DataFrame(), InsightsConfig())


def test_config_rejects_unknown_keys_and_inconsistent_baseline():
    with pytest.raises(ValueError):
        InsightsConfig(baseline_wekes=4)
    with pytest.raises(ValueError, match="baseline_weeks"):
        InsightsConfig(history_weeks=4, baseline_weeks=6)
