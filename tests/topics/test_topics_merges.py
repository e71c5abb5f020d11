"""One "follow merged_into" rule (voc.topics.merges), and the registry and theme table that use it."""

import pandas as pd

from voc.insights.config import InsightsConfig
from voc.insights.themes import theme_week_table
from voc.topics.merges import final_topic_id


def _row(status: str, into: object = None) -> dict:
    return {"status": status, "merged_into": into}


def test_a_chain_of_merges_ends_at_the_last_active_topic():
    registry = {
        "T0001": _row("merged", "T0002"),  # "แอปเด้ง" merged into "app crashes"...
        "T0002": _row("merged", "T0003"),  # ...which was merged into "แอปค้าง / app freezes"
        "T0003": _row("active"),
        "T0004": _row("active"),
    }
    assert [final_topic_id(registry, t) for t in ("T0001", "T0002", "T0003", "T0004")] == [
        "T0003", "T0003", "T0003", "T0004"]


def test_a_cycle_stops_at_the_first_topic_met_twice_on_every_call():
    registry = {"T0001": _row("merged", "T0002"), "T0002": _row("merged", "T0001"), "T0009": _row("merged", "T0001")}
    assert final_topic_id(registry, "T0001") == "T0001"
    assert final_topic_id(registry, "T0002") == "T0002"
    assert final_topic_id(registry, "T0009") == "T0001"  # into the cycle, then stopped
    registry = {"T0001": _row("merged", "T0001")}  # merged into itself
    assert final_topic_id(registry, "T0001") == "T0001"
    registry = {"A": _row("merged", "B"), "B": _row("merged", "C"), "C": _row("merged", "B")}
    assert final_topic_id(registry, "A") == "B"


def test_only_a_merged_row_pointing_at_a_known_topic_is_followed():
    registry = {
        "T0001": _row("active", "T0002"),  # a stale merged_into on an active topic is not followed
        "T0002": _row("active"),
        "T0003": _row("merged", "T9999"),  # a hand-edited target the registry does not hold
        "T0004": _row("merged", float("nan")),  # NULL read back from a Parquet file
        "T0005": _row("merged", ""),
    }
    for t in registry:
        assert final_topic_id(registry, t) == t
    assert final_topic_id(registry, "T4242") == "T4242"  # not in the registry at all
    assert final_topic_id({}, "-1") == "-1"


def test_the_theme_table_counts_a_chain_under_its_last_topic_and_survives_a_cycle():
    week = "2026-W47"
    registry = pd.DataFrame([
        {"topic_id": "T1", "label": "OTP ไม่เข้า", "theme_id": "G1", "theme_label": "OTP", "status": "merged",
         "merged_into": "T2", "first_seen_week": "2026-W40"},
        {"topic_id": "T2", "label": "code not received", "theme_id": "G9", "theme_label": "old", "status": "merged",
         "merged_into": "T3", "first_seen_week": "2026-W40"},
        {"topic_id": "T3", "label": "รหัส OTP", "theme_id": "G3", "theme_label": "OTP / SMS", "status": "active",
         "merged_into": None, "first_seen_week": "2026-W40"},
        {"topic_id": "T7", "label": "บิลแพง", "theme_id": "G7", "theme_label": "bill", "status": "merged",
         "merged_into": "T8", "first_seen_week": "2026-W40"},
        {"topic_id": "T8", "label": "bill higher", "theme_id": "G7", "theme_label": "bill", "status": "merged",
         "merged_into": "T7", "first_seen_week": "2026-W40"},
    ])
    texts = {"T1": "otp ไม่เข้าเลยค่ะ รอนานมาก", "T2": "never got the code!!", "T3": "รหัสไม่มา 555",
             "T7": "บิลเดือนนี้แพงกว่าปกติ", "T8": "my bill is higher than usual"}
    records = pd.DataFrame([
        {"record_id": f"r{t}{k}", "iso_week": week, "topic_id": t, "text": f"{texts[t]} ({k})",
         "sentiment": "negative", "language": "th", "duplicate_of": None, "near_dup_of": None,
         "topic_probability": 0.9}
        for t in texts for k in range(4)
    ])
    table = theme_week_table(week, records, registry, InsightsConfig()).set_index("theme_id")
    assert table.loc["G3", "volume"] == 12  # T1 -> T2 -> T3: all under T3's theme
    assert "G1" not in table.index and "G9" not in table.index
    assert table.loc["G7", "volume"] == 8  # the T7 <-> T8 cycle ends inside theme G7, nothing lost
    assert int(table["volume"].sum()) == len(records)
