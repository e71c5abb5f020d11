"""voc.insights.quotes.pick_quotes: the one quote rule, used for topics and themes."""

import pandas as pd

from voc.insights.config import InsightsConfig
from voc.insights.quotes import pick_quotes
from voc.insights.themes import theme_week_table


def _group(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [{"record_id": rid, "text": text, "text_clean": clean, "topic_probability": p} for rid, text, clean, p in rows]
    )


MESSY = [
    ("r01", "ok", None, 0.99),  # too short to read as a quote, however confident
    ("r02", "แอปเด้งออกตอน login ทุกครั้งเลยค่ะ 😡", None, 0.60),
    ("r03", "APP crashes on login every single time", None, 0.80),
    ("r04", "app   crashes on LOGIN every single time", None, 0.95),  # the same text, other case and spacing
    ("r05", None, "โทร <PHONE> แล้วไม่มีใครรับสายเลยครับ", 0.70),  # text missing: the clean text stands in
    ("r06", "", "", 0.90),  # nothing to quote
    ("r07", "ส่งของช้ามากกกก รอมาสามวันแล้ว " * 10, None, 0.75),  # long: cut
    ("r08", "the OTP never arrives, tried 5 times", None, 0.70),  # ties r05 on confidence
]


def test_readable_then_confident_then_record_id_and_each_text_once():
    quotes = pick_quotes(_group(MESSY), 10, 80)
    assert quotes[0] == "app   crashes on LOGIN every single time"  # r04 beats its twin r03, which is dropped
    assert "APP crashes on login every single time" not in quotes
    # r05 and r08 tie on confidence: record_id decides
    assert quotes[1:4] == ["โทร <PHONE> แล้วไม่มีใครรับสายเลยครับ", "the OTP never arrives, tried 5 times",
                           "แอปเด้งออกตอน login ทุกครั้งเลยค่ะ 😡"]
    # texts of unreadable length only after every readable one, by confidence: "ok", then the cut one
    assert quotes[4] == "ok"
    assert quotes[5].startswith("ส่งของช้ามากกกก") and quotes[5].endswith("…") and len(quotes[5]) <= 80
    assert len(quotes) == 6  # the empty record gives nothing


def test_n_caps_the_list_and_nothing_to_pick_gives_nothing():
    assert len(pick_quotes(_group(MESSY), 2, 80)) == 2
    assert pick_quotes(_group(MESSY), 0, 80) == []
    assert pick_quotes(_group([("r1", "", None, 0.5), ("r2", None, None, 0.5)]), 3, 80) == []
    assert pick_quotes(pd.DataFrame(columns=["record_id", "text", "text_clean", "topic_probability"]), 3, 80) == []


def test_the_same_records_in_another_order_give_the_same_quotes():
    group = _group(MESSY)
    assert pick_quotes(group, 5, 80) == pick_quotes(group.iloc[::-1].reset_index(drop=True), 5, 80)


def test_without_record_id_or_text_clean_and_with_unreadable_probabilities():
    group = pd.DataFrame({"text": ["ดีมากค่ะ บริการประทับใจมาก", "bad service, waited 2 hours", "555"],
                          "topic_probability": ["0.4", None, 0.9]})
    assert pick_quotes(group, 3, 100) == ["ดีมากค่ะ บริการประทับใจมาก", "bad service, waited 2 hours", "555"]


def test_the_theme_table_quotes_follow_the_same_rule():
    registry = pd.DataFrame([{"topic_id": "T1", "label": "login", "theme_id": "G1", "theme_label": "App",
                              "status": "active", "merged_into": None, "first_seen_week": "2026-W40"}])
    records = _group(MESSY).assign(iso_week="2026-W47", topic_id="T1", sentiment="negative", language="th",
                                   duplicate_of=None, near_dup_of=None)
    row = theme_week_table("2026-W47", records, registry, InsightsConfig(quote_max_chars=80)).iloc[0]
    assert [row["quote_1"], row["quote_2"], row["quote_3"]] == pick_quotes(records, 3, 80)
