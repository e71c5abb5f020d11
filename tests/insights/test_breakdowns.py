"""Theme x segment, impact against volume, quotes with provenance: built from records the test writes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from voc.insights.breakdowns import theme_breakdown_tables
from voc.insights.config import InsightsConfig
from voc.schema import ENRICHED_COLUMNS, TABLES
from voc.weeks import shift_week, week_start

WEEK = "2026-W20"
REGISTRY = pd.DataFrame([
    {"topic_id": "T1", "label": "OTP หมดเวลา", "status": "active", "merged_into": None, "theme_id": "G1",
     "theme_label": "OTP / login", "first_seen_week": shift_week(WEEK, -4)},
    {"topic_id": "T2", "label": "code not received", "status": "active", "merged_into": None, "theme_id": "G1",
     "theme_label": "OTP / login", "first_seen_week": shift_week(WEEK, -4)},
    {"topic_id": "T3", "label": "โอนเงินช้า", "status": "active", "merged_into": None, "theme_id": "G2",
     "theme_label": "Transfers", "first_seen_week": shift_week(WEEK, -4)},
    {"topic_id": "T4", "label": "old otp topic", "status": "merged", "merged_into": "T1", "theme_id": "G1",
     "theme_label": "OTP / login", "first_seen_week": shift_week(WEEK, -4)},
])
TEXTS = {"T1": ["OTP หมดเวลาก่อนจะกรอกทัน", "otp expired again ขอใหม่ก็ไม่มา"], "T2": ["code not received after 5 min",
         "ไม่ได้รับรหัส SMS เลยค่ะ!!"], "T3": ["โอนเงินช้ามากกกก รอครึ่งชั่วโมง", "transfer pending since yesterday 555"],
         "T4": ["otp timeout ตอน login"]}


def _records(rows: list[dict]) -> pd.DataFrame:
    out = []
    for i, r in enumerate(rows):
        base = {c: None for c in ENRICHED_COLUMNS}
        week = r.get("iso_week", WEEK)
        base.update({
            "record_id": f"r{i:05d}", "source": r.get("source", "app_store"), "channel": r.get("channel", "review"),
            "created_at": week_start(week) + pd.Timedelta(hours=i % 150), "iso_week": week,
            "text": TEXTS[r["topic_id"]][i % len(TEXTS[r["topic_id"]])] + f" #{i}",
            "rating": r.get("rating", np.nan), "segments": json.dumps({"product": r.get("product", "app")}),
            "metadata": json.dumps({"source_id": f"TCK-{i}", "app_version": r.get("app_version", "5.2")}),
            "language": "mixed",
            "sentiment": r.get("sentiment", "neutral"), "topic_id": r["topic_id"], "topic_probability": 0.9,
            "duplicate_of": r.get("duplicate_of"),
        })
        out.append(base)
    return pd.DataFrame(out)


def _week_rows() -> list[dict]:
    rows = []
    # Transfers: mostly reviews, neutral
    rows += [{"topic_id": "T3", "channel": ch, "product": "savings"} for ch, n in (("review", 30), ("chat", 10))
             for _ in range(n)]
    # OTP: 30 in chat, all negative there; 2 in review, neutral
    rows += [{"topic_id": "T1", "channel": "chat", "sentiment": "negative"} for _ in range(24)]
    rows += [{"topic_id": "T2", "channel": "chat", "sentiment": "negative"} for _ in range(6)]
    rows += [{"topic_id": "T4", "channel": "review"} for _ in range(2)]
    # a message pasted 5 times counts once
    rows += [{"topic_id": "T2", "channel": "review", "duplicate_of": "r00000"} for _ in range(5)]
    return rows


def test_tables_are_declared_in_the_schema():
    tables = theme_breakdown_tables(WEEK, _records(_week_rows()), REGISTRY, InsightsConfig())
    for name, df in tables.items():
        assert name in TABLES and list(df.columns) == list(TABLES[name].columns), name


def test_theme_by_segment_marks_the_cell_that_stands_out():
    seg = theme_breakdown_tables(WEEK, _records(_week_rows()), REGISTRY, InsightsConfig())["theme_segment_week"]
    ch = seg[seg["segment_field"] == "channel"].set_index(["theme_id", "segment_value"])
    # merged T4 counts under T1, so OTP holds 32; duplicates are left out
    assert ch.loc[("G1", "chat"), "volume"] == 30 and ch.loc[("G1", "review"), "volume"] == 2
    assert ch.loc[("G1", "chat"), "theme_volume"] == 32
    assert ch.loc[("G1", "chat"), "stands_out"] and "volume" in ch.loc[("G1", "chat"), "reason"]
    assert ch.loc[("G1", "chat"), "pct_negative"] == 100.0
    assert not ch.loc[("G2", "chat"), "stands_out"] and not ch.loc[("G1", "review"), "stands_out"]
    assert ch.loc[("G2", "review"), "reason"] == "volume"  # 30 of the 32 reviews: Transfers live in reviews
    # a segment nobody carries is not a breakdown; product is only there when configured
    assert "product" not in set(seg["segment_field"])
    seg2 = theme_breakdown_tables(WEEK, _records(_week_rows()), REGISTRY,
                                  InsightsConfig(segment_fields=["product", "branch"]))["theme_segment_week"]
    assert "product" in set(seg2["segment_field"]) and "branch" not in set(seg2["segment_field"])


def test_a_segment_field_is_also_read_from_metadata():
    rows = [{"topic_id": "T1", "app_version": "5.3", "sentiment": "negative"} for _ in range(20)]
    rows += [{"topic_id": "T3", "app_version": v} for v, n in (("5.2", 30), ("5.3", 10)) for _ in range(n)]
    seg = theme_breakdown_tables(WEEK, _records(rows), REGISTRY,
                                 InsightsConfig(segment_fields=["app_version"]))["theme_segment_week"]
    av = seg[seg["segment_field"] == "app_version"].set_index(["theme_id", "segment_value"])
    assert av.loc[("G1", "5.3"), "volume"] == 20 and ("G1", "5.2") not in av.index
    assert av.loc[("G1", "5.3"), "stands_out"]  # every OTP complaint is on 5.3


def test_negative_concentration_stands_out_even_at_an_even_share():
    rows = [{"topic_id": "T3", "channel": ch, "sentiment": "negative" if ch == "chat" else "positive"}
            for ch in ("review", "chat") for _ in range(25)]
    rows += [{"topic_id": "T1", "channel": ch} for ch in ("review", "chat") for _ in range(25)]
    seg = theme_breakdown_tables(WEEK, _records(rows), REGISTRY, InsightsConfig())["theme_segment_week"]
    cell = seg[(seg["theme_id"] == "G2") & (seg["segment_value"] == "chat")].iloc[0]
    assert cell["stands_out"] and cell["reason"] == "negative"
    assert cell["share_pct"] == cell["theme_share_pct"] == 50.0


def test_impact_ranks_the_theme_that_pulls_the_rating_down_first():
    rng = np.random.default_rng(1)
    rows = []
    for week in [shift_week(WEEK, -k) for k in range(3, -1, -1)]:
        rows += [{"topic_id": "T1", "iso_week": week, "rating": float(rng.choice([1, 1, 2]))} for _ in range(15)]
        rows += [{"topic_id": "T3", "iso_week": week, "rating": float(rng.choice([4, 5, 5])),
                  "sentiment": "negative" if week == WEEK else "neutral"} for _ in range(30)]
    imp = theme_breakdown_tables(WEEK, _records(rows), REGISTRY, InsightsConfig())["theme_impact"].set_index("theme_id")
    assert imp.at["G1", "priority"] == 1 and imp.at["G1", "direction"] == "pulls down"
    assert imp.at["G1", "rating_effect"] < -2 and imp.at["G2", "direction"] == "lifts"
    assert imp.at["G2", "volume"] == 30 and imp.at["G2", "prev_volume"] == 30
    assert imp.at["G2", "pct_negative"] == 100.0 and imp.at["G2", "prev_pct_negative"] == 0.0
    assert imp.at["G2", "negative_change"] == 100.0


def test_quotes_keep_channel_date_and_source_id_and_skip_repeats():
    qw = theme_breakdown_tables(WEEK, _records(_week_rows()), REGISTRY, InsightsConfig(quotes_per_topic=2))["quote_week"]
    assert set(qw["topic_id"]) == {"T1", "T2", "T3"}  # T4 merged into T1
    assert qw.groupby("topic_id").size().max() == 2
    assert qw["source_id"].str.match(r"TCK-\d+").all() and qw["created_date"].str.match(r"2026-05-1\d").all()
    assert set(qw["theme_id"]) == {"G1", "G2"}
    assert not qw["record_id"].isin([f"r{i:05d}" for i in range(72, 77)]).any()  # duplicates never quoted
    empty = theme_breakdown_tables(WEEK, _records(_week_rows()).iloc[0:0], REGISTRY, InsightsConfig())
    assert all(df.empty for df in empty.values())


def test_impact_priority_compares_nps_points_and_stars_by_their_scale_range(monkeypatch):
    # an NPS (0-10) theme losing ~0.85 points is a smaller pull than a stars (1-5) theme losing ~0.45 stars
    rng = np.random.default_rng(4)
    monkeypatch.setitem(TEXTS, "T5", ["everything fine thanks", "ใช้ได้ดีค่ะ"])
    registry = pd.concat([REGISTRY, pd.DataFrame([{
        "topic_id": "T5", "label": "fine", "status": "active", "merged_into": None, "theme_id": "G3",
        "theme_label": "All good", "first_seen_week": shift_week(WEEK, -4)}])], ignore_index=True)
    survey = [("T1", [1, 2, 3], 6), ("T5", [7, 8, 9, 10], 40)]
    stars = [("T3", [1, 2], 12), ("T5", [3, 4], 40)]
    rows, scales = [], []
    for source, scale, groups in (("nps_survey", "nps_0_10", survey), ("app_store", "stars_1_5", stars)):
        for topic, values, n in groups:
            rows += [{"topic_id": topic, "source": source, "rating": float(rng.choice(values))} for _ in range(n)]
            scales += [scale] * n
    records = _records(rows).assign(rating_scale=scales)
    imp = theme_breakdown_tables(WEEK, records, registry, InsightsConfig())["theme_impact"].set_index("theme_id")
    assert imp.at["G1", "rating_source"] == "nps_survey" and imp.at["G2", "rating_source"] == "app_store"
    assert imp.at["G1", "rating_scale"] == "nps_0_10" and imp.at["G2", "rating_scale"] == "stars_1_5"
    assert imp.at["G1", "impact"] < imp.at["G2", "impact"] < 0  # more points lost on the wider scale ...
    assert imp.at["G2", "priority"] == 1 and imp.at["G1", "priority"] == 2  # ... but less of its range
