"""Issue #13 part 1: a week's volume is its distinct customers' messages; repeats fold only within a week."""

from __future__ import annotations

import csv
import json
import random

import pandas as pd

from voc import pipeline
from voc.config import load_config
from voc.insights.tables import build_weekly_tables
from voc.store import open_store
from voc.weeks import week_bounds, week_range

WEEKS = week_range("2026-W40", "2026-W47")
COMMON = ["ขอบคุณค่ะ", "app crashes again", "แอปเด้งอีกแล้ว", "ok thanks", "ส่งช้ามากกก 555"]
LONG = [
    "The app crashes every time I open the payment page, please fix it ({n})",
    "แอปค้างตอนจ่ายเงิน กดยืนยันแล้วหมุนไม่หยุดเลยค่ะ รอบที่ {n}",
    "delivery was late again and the driver did not call me, order {n}",
    "พนักงานสาขาบริการดีมาก แต่รอคิวนานไปหน่อย ครั้งที่ {n}",
]


def _write(tmp_path, rows: list[dict], sources: str) -> pipeline.PipelineConfig:
    for name in {r["file"] for r in rows}:
        with open(tmp_path / name, "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, ["id", "text", "at", "who"])
            w.writeheader()
            w.writerows([{k: r[k] for k in ("id", "text", "at", "who")} for r in rows if r["file"] == name])
    (tmp_path / "p.yaml").write_text(f"store: {{path: voc.duckdb}}\nsources:\n{sources}", encoding="utf-8")
    return load_config(tmp_path / "p.yaml")


SOURCE = ("  - {{name: {name}, path: {name}.csv, channel: {channel},"
          " columns: {{text: text, created_at: at, id: id, author: who}}}}\n")


def _tables(config, store, week: str) -> dict[str, pd.DataFrame]:
    return build_weekly_tables(week, store.enriched_records(pipeline.window_weeks(week, 9)), store.topic_registry(),
                               store.run_log(), config.insights)


def _at(week: str, k: int) -> str:
    start = week_bounds(week)[0]
    return (start + pd.Timedelta(minutes=97 * k + 13)).strftime("%Y-%m-%d %H:%M")


def test_a_flat_90_customers_a_week_counts_90_every_week(tmp_path):
    rng = random.Random(7)
    rows, n = [], 0
    for week in WEEKS:
        for k in range(90):
            n += 1
            if k % 5 == 0:  # a fifth: short common phrases, written by different customers every week
                text = COMMON[rng.randrange(len(COMMON))]
            else:  # the same few complaints in near-identical words, each by its own customer
                text = LONG[k % len(LONG)].format(n=rng.randrange(3))
            rows.append({"file": "chat.csv", "id": f"m{n}", "text": text, "at": _at(week, k), "who": f"cust{n}"})
    config = _write(tmp_path, rows, SOURCE.format(name="chat", channel="chat"))
    with open_store("duckdb", config.store_path) as st:
        pipeline.ingest_all(config, st, "run1")
        pipeline.enrich_text(config, st, WEEKS)
        counted = {w: int(_tables(config, st, w)["summary"].at[0, "records"]) for w in WEEKS}
        text = st.read_table("record_text")
    assert counted == {w: 90 for w in WEEKS}
    assert text["near_dup_of"].isna().all()


def test_repeats_fold_only_for_the_same_customer_a_paste_or_a_bot_and_say_why(tmp_path):
    week, before = "2026-W47", "2026-W46"
    complaint = "ผมสั่งของไปตั้งแต่วันจันทร์ ยังไม่ได้รับเลยครับ ช่วยเช็คให้หน่อย order 5521"
    bot = "This is an automated reply: thank you for contacting us, we will get back to you soon."
    rows = [
        # the same customer twice in a week (a typo fixed): one voice
        {"file": "chat.csv", "id": "c1", "text": complaint, "at": _at(week, 1), "who": "somchai"},
        {"file": "chat.csv", "id": "c2", "text": complaint + "!!", "at": _at(week, 30), "who": "somchai"},
        # the same customer pasted the same complaint into the forum within 48 h: one voice
        {"file": "forum.csv", "id": "f1", "text": complaint, "at": _at(week, 5), "who": "somchai_forum"},
        # another customer with the same words on the same channel: a second voice
        {"file": "chat.csv", "id": "c3", "text": complaint, "at": _at(week, 40), "who": "malee"},
        # the same text in the forum four days later is not a paste: a voice
        {"file": "forum.csv", "id": "f2", "text": complaint + " ??", "at": _at(week, 70), "who": "nok"},
        # bot text from three "authors": counted once
        *[{"file": "chat.csv", "id": f"b{i}", "text": bot, "at": _at(week, 50 + i), "who": f"bot{i}"}
          for i in range(3)],
        # the same customer said it last week too: last week's message never swallows this week's
        {"file": "chat.csv", "id": "c0", "text": complaint, "at": _at(before, 3), "who": "somchai"},
        # no author: the same short complaint twice the same day is two voices
        {"file": "chat.csv", "id": "a1", "text": "app crashes again", "at": _at(week, 60), "who": ""},
        {"file": "chat.csv", "id": "a2", "text": "app crashes again", "at": _at(week, 61), "who": ""},
    ]
    config = _write(tmp_path, rows, SOURCE.format(name="chat", channel="chat") + SOURCE.format(name="forum",
                                                                                            channel="forum"))
    with open_store("duckdb", config.store_path) as st:
        pipeline.ingest_all(config, st, "run1")
        pipeline.enrich_text(config, st, [before, week])
        tables = _tables(config, st, week)
        ids = st.read_table("records").set_index("record_id")["metadata"].map(lambda m: json.loads(m)["source_id"])
        text = st.read_table("record_text").assign(src_id=lambda d: d["record_id"].map(ids)).set_index("src_id")
        prev = _tables(config, st, before)["summary"].at[0, "records"]
    folded = text[text["near_dup_of"].notna()]
    assert dict(zip(folded.index, folded["near_dup_reason"], strict=False)) == {
        "c2": "same_author", "f1": "cross_channel_paste", "b1": "template", "b2": "template"}
    assert set(folded["near_dup_of"].map(ids)) <= {"c1", "b0"}
    assert all("near_duplicate" in f for f in folded["flags"])
    s = tables["summary"].iloc[0]
    assert s["records"] == 10 - 4 and prev == 1
    dq = tables["data_quality"].set_index("source")
    assert json.loads(dq.at["chat", "near_duplicate_reasons"]) == {"template": 2, "same_author": 1}
    assert json.loads(dq.at["forum", "near_duplicate_reasons"]) == {"cross_channel_paste": 1}
    assert dq["counted"].sum() == 6 and (dq["records_in_week"] == dq["counted"] + dq["near_duplicates"]
                                         + dq["exact_duplicates"]).all()


def test_a_later_record_of_the_week_updates_the_fold_of_stored_ones(tmp_path):
    week = "2026-W47"
    complaint = "The refund for my cancelled order still has not arrived after two weeks"
    first = [{"file": "chat.csv", "id": "x2", "text": complaint, "at": _at(week, 20), "who": "ploy"}]
    config = _write(tmp_path, first, SOURCE.format(name="chat", channel="chat"))
    with open_store("duckdb", config.store_path) as st:
        pipeline.ingest_all(config, st, "run1")
        pipeline.enrich_text(config, st, [week])
        # the same customer's earlier message arrives late (a backfilled export): it leads, x2 repeats it
        config = _write(tmp_path, [*first, {"file": "chat.csv", "id": "x1", "text": complaint + ".", "at": _at(week, 2),
                                            "who": "ploy"}], SOURCE.format(name="chat", channel="chat"))
        pipeline.ingest_all(config, st, "run2")
        pipeline.enrich_text(config, st, [week])
        ids = st.read_table("records").set_index("record_id")["metadata"].map(lambda m: json.loads(m)["source_id"])
        text = st.read_table("record_text").assign(src_id=lambda d: d["record_id"].map(ids)).set_index("src_id")
    assert text.at["x1", "near_dup_of"] is None or pd.isna(text.at["x1", "near_dup_of"])
    assert ids[text.at["x2", "near_dup_of"]] == "x1" and text.at["x2", "near_dup_reason"] == "same_author"
