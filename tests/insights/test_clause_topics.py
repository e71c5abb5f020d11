"""A topic gets the feeling of the clauses about it, not of the other half of a mixed message (issue #15.2)."""

from __future__ import annotations

import json
import math

import pandas as pd

from voc.insights.config import InsightsConfig
from voc.insights.tables import build_weekly_tables
from voc.pipeline import with_topic_sentiment
from voc.schema import ENRICHED_COLUMNS
from voc.sentiment.catalog import load_model
from voc.sentiment.clauses import clause_rows

WEEK = "2026-W10"
MIXED = [
    ("en", "The staff were very polite and friendly but the wait was two hours, terrible"),
    ("th", "พนักงานสุภาพมาก แต่รอคิวนานสองชั่วโมง แย่มาก"),
    ("en", "Loved the friendly staff at the branch, but waiting two hours in the queue was awful"),
]
REGISTRY = pd.DataFrame({
    "topic_id": ["T-staff", "T-wait"],
    "label": ["staff polite / พนักงานสุภาพ", "long wait / รอคิวนาน"],
    "status": ["active", "active"],
    "merged_into": [None, None],
    "first_seen_week": ["2026-W01", "2026-W01"],
    "top_words": [json.dumps(["staff", "polite", "friendly", "พนักงาน", "สุภาพ"]),
                  json.dumps(["wait", "waiting", "queue", "รอคิว", "นาน"])],
})


def _records(topic: str) -> pd.DataFrame:
    rows = []
    for i, (lang, text) in enumerate(MIXED):
        row = {c: None for c in ENRICHED_COLUMNS}
        row.update({
            "record_id": f"{topic}-{i}", "source": "reviews", "channel": "review", "iso_week": WEEK,
            "created_at": pd.Timestamp("2026-03-03", tz="Asia/Bangkok"), "text": text, "text_clean": text,
            "rating": math.nan, "language": lang, "topic_id": topic, "topic_probability": 0.9,
        })
        rows.append(row)
    return pd.DataFrame(rows)


def _scored(records: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The records with the shipped default model's message label, and their stored clauses."""
    model = load_model("default")
    scores = model.predict(records["text"].tolist(), records["language"].tolist())
    records = records.assign(sentiment=scores["sentiment"].to_numpy())
    return records, clause_rows(records["record_id"], records["text"].tolist(), model, scores)


def test_each_topic_of_a_mixed_message_counts_the_feeling_of_its_own_clauses():
    staff, clauses_s = _scored(_records("T-staff"))
    wait, clauses_w = _scored(_records("T-wait"))
    messages = list(staff["sentiment"]) + list(wait["sentiment"])
    clauses = pd.concat([clauses_s, clauses_w], ignore_index=True)
    assert (clauses["n_clauses"] >= 2).all()
    both = with_topic_sentiment(pd.concat([staff, wait], ignore_index=True), clauses, REGISTRY)
    assert list(both.loc[both["topic_id"] == "T-staff", "topic_sentiment"]) == ["positive"] * 3
    assert list(both.loc[both["topic_id"] == "T-wait", "topic_sentiment"]) == ["negative"] * 3
    assert list(both["sentiment"]) == messages  # each message keeps its one label

    tables = build_weekly_tables(WEEK, both, REGISTRY, pd.DataFrame(), InsightsConfig())
    tw = tables["topic_week"].set_index("topic_id")
    assert tw.at["T-staff", "pct_negative"] == 0 and tw.at["T-staff", "pct_positive"] == 100
    assert tw.at["T-wait", "pct_negative"] == 100
    # the week's own sentiment is the messages', not the clauses'
    week_row = tables["sentiment_week"].iloc[0]
    assert week_row["pct_negative"] == round(100 * messages.count("negative") / len(messages), 1)


def test_records_without_clauses_keep_their_message_sentiment():
    staff, _ = _scored(_records("T-staff"))
    out = with_topic_sentiment(staff, pd.DataFrame(columns=["record_id", "clauses"]), REGISTRY)
    assert list(out["topic_sentiment"]) == list(staff["sentiment"])
