"""Store behaviour every backend must show (parametrized over the backends available here)."""

from __future__ import annotations

import pandas as pd
import pytest

from voc.schema import RECORD_COLUMNS
from voc.store import open_store

BACKENDS = ["duckdb", "postgres"]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    if request.param == "postgres":  # skips cleanly without $VOC_TEST_POSTGRES_URL
        yield request.getfixturevalue("postgres_store")
        return
    with open_store(request.param, tmp_path / "voc.duckdb") as st:
        yield st


def records(n: int, week: str = "2026-W47", text: str = "msg {i}", dedup: str = "k{i}") -> pd.DataFrame:
    rows = []
    for i in range(n):
        rows.append({
            "record_id": f"r{i}", "source": "s", "channel": "review",
            "created_at": pd.Timestamp("2026-11-17T03:00:00Z") + pd.Timedelta(minutes=i),
            "iso_week": week, "text": text.format(i=i), "rating": float(i % 5 + 1), "segments": "{}",
            "author_key": None, "metadata": "{}", "dedup_key": dedup.format(i=i), "duplicate_of": None, "run_id": "r",
        })
    return pd.DataFrame(rows, columns=list(RECORD_COLUMNS))


def test_upsert_is_idempotent_and_changed_text_is_updated_and_re_enriched(store):
    assert store.upsert_records(records(3)).new == 3
    res = store.upsert_records(records(3))
    assert (res.new, res.updated, res.unchanged) == (0, 0, 3)
    store.upsert_stage("record_text", pd.DataFrame({
        "record_id": ["r0", "r1", "r2"], "language": "en", "text_clean": "x", "tokens": "x", "topic_tokens": "x",
        "pii_types": "", "flags": "", "near_dup_of": None}))
    changed = records(3)
    changed.loc[1, "text"] = "edited"
    res = store.upsert_records(changed)
    assert (res.new, res.updated) == (0, 1)
    assert store.status()["records"] == 3
    assert store.records_missing("record_text")["record_id"].tolist() == ["r1"]


def test_exact_duplicates_keep_the_earliest_as_original(store):
    df = records(3, dedup="same")
    store.upsert_records(df)
    store.mark_duplicates(["same"])
    got = store.read_table("records").set_index("record_id")["duplicate_of"]
    assert got["r0"] is None or pd.isna(got["r0"])
    assert got["r1"] == "r0" and got["r2"] == "r0"
    assert store.count_duplicates(["r0", "r1", "r2"]) == 2


def test_weekly_rows_are_replaced_not_duplicated(store):
    t1 = pd.DataFrame({"iso_week": ["2026-W47"] * 2, "topic_id": ["T1", "T2"], "volume": [3, 4]})
    store.replace_week("topic_week", "2026-W47", t1)
    store.replace_week("topic_week", "2026-W46", t1.assign(iso_week="2026-W46"))
    store.replace_week("topic_week", "2026-W47", t1.assign(volume=[5, 6]))
    got = store.read_table("topic_week").sort_values(["iso_week", "topic_id"])
    assert got["volume"].tolist() == [3, 4, 5, 6]


def test_enriched_records_join_every_stage(store):
    store.upsert_records(records(2))
    store.upsert_stage("record_sentiment", pd.DataFrame({
        "record_id": ["r0"], "sentiment": ["negative"], "sentiment_confidence": [0.9], "p_positive": [0.05],
        "p_neutral": [0.05], "p_negative": [0.9], "p_question": [0.0], "sentiment_model": ["m@1"]}))
    got = store.enriched_records(["2026-W47"]).set_index("record_id")
    assert got.loc["r0", "sentiment"] == "negative" and pd.isna(got.loc["r1", "sentiment"])
    assert store.enriched_records(["2026-W01"]).empty


def test_meta_and_quarantine_are_kept_once(store):
    store.set_meta("k", "v1")
    store.set_meta("k", "v2")
    assert store.get_meta("k") == "v2" and store.get_meta("missing") is None
    q = pd.DataFrame({"run_id": ["a"], "source": ["s"], "location": ["f:line 2"], "reason": ["missing text"],
                      "raw": ["{}"], "quarantined_at": [pd.Timestamp.now(tz="UTC")]})
    store.add_quarantine(q)
    store.add_quarantine(q.assign(run_id="b"))
    assert store.status()["quarantined"] == 1


def test_bad_table_names_are_refused(store):
    with pytest.raises(ValueError):
        store.read_table("records; drop table records")
