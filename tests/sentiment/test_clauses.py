"""Clause-level sentiment: the split, the stored clauses of a mixed message, a topic's own clauses."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from voc.sentiment.clauses import (
    Clause,
    clause_rows,
    clause_sentiment_for_topic,
    parse_clauses,
    split_clauses,
)


def _pieces(text: str) -> list[str]:
    return [text[s:e] for s, e in split_clauses(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("staff polite but the wait was two hours", ["staff polite", "but the wait was two hours"]),
        ("พนักงานสุภาพ แต่รอนานสองชั่วโมง", ["พนักงานสุภาพ", "แต่รอนานสองชั่วโมง"]),
        ("สวยแต่แพง", ["สวย", "แต่แพง"]),
        ("Great app. However, login fails!! 😡", ["Great app.", "However, login fails!! 😡"]),
        ("อาหารอร่อยมากค่ะ ส่วนที่จอดรถหายากไปหน่อย", ["อาหารอร่อยมากค่ะ", "ส่วนที่จอดรถหายากไปหน่อย"]),
        ("delivery เร็ว แต่ของ defect", ["delivery เร็ว", "แต่ของ defect"]),
        ("ชอบมาก\nแต่ส่งช้า 555", ["ชอบมาก", "แต่ส่งช้า 555"]),
    ],
)
def test_mixed_messages_split_at_contrast_words_and_sentence_ends(text, expected):
    assert _pieces(text) == expected


@pytest.mark.parametrize(
    "text",
    ["การตกแต่งสวย แต่ละห้องกว้าง", "ได้ส่วนลด 20% ดีมาก", "The butter was lovely", "ok", "😡😡", "555", "ดีมากกกก"],
)
def test_words_that_only_contain_a_contrast_word_do_not_split(text):
    assert _pieces(text) == [text]


@pytest.mark.parametrize("text", ["", "   ", None, "\n\n"])
def test_empty_text_has_no_clauses(text):
    assert split_clauses(text) == []


def test_offsets_point_into_the_text():
    text = "The room was clean, but the aircon was loud. ขอบคุณค่ะ"
    for s, e in split_clauses(text):
        assert text[s:e] == text[s:e].strip() and text[s:e]


def test_clause_rows_keep_each_clause_label(tiny_model_dir):
    from voc.sentiment.catalog import load_model

    model = load_model(str(tiny_model_dir))
    texts = ["บริการดีเยี่ยม แต่ช้ามาก ผิดหวัง", "ดีมาก ชอบมาก"]
    rows = clause_rows(["r1", "r2"], texts, model, model.predict(texts))
    assert rows["n_clauses"].tolist() == [2, 1]
    first = parse_clauses(rows["clauses"][0])
    assert [c.sentiment for c in first] == ["positive", "negative"]
    assert texts[0][first[1].start : first[1].end] == first[1].text
    # a one-clause text reuses the message's own scores
    whole = model.predict(texts[1:])
    assert parse_clauses(rows["clauses"][1])[0].p_positive == round(float(whole["p_positive"][0]), 4)


def _clause(i, text, label, pos, neu, neg):
    return Clause(i, 0, len(text), text, label, pos, neu, neg, 0.0)


def test_a_topic_gets_the_feeling_of_its_own_clauses():
    staff = _clause(0, "staff polite", "positive", 0.8, 0.1, 0.1)
    wait = _clause(1, "but the wait was two hours", "negative", 0.1, 0.2, 0.7)
    message = [staff, wait]
    only = [_clause(0, "the wait was fine", "positive", 0.7, 0.2, 0.1)]
    labels = ["negative", "negative", "positive"]
    got = clause_sentiment_for_topic([message, message, only], labels, ["staff", "พนักงาน"])
    # the staff topic reads the polite clause, not the message's overall (negative) label
    assert got.tolist() == ["positive", "positive", "positive"]
    assert clause_sentiment_for_topic([message], ["positive"], ["wait", "รอ"]).tolist() == ["negative"]
    # no clause mentions the topic: the message label stands
    assert clause_sentiment_for_topic([message], ["neutral"], ["parking"]).tolist() == ["neutral"]
    th = [
        _clause(0, "พนักงานสุภาพ", "positive", 0.9, 0.05, 0.05),
        _clause(1, "แต่รอนานสองชั่วโมง", "negative", 0.1, 0.1, 0.8),
    ]
    assert clause_sentiment_for_topic([th], ["negative"], ["พนักงาน"]).tolist() == ["positive"]


def test_the_sentiment_stage_stores_clauses_for_a_mixed_message(tmp_path, tiny_model_dir):
    from voc import pipeline
    from voc.config import PipelineConfig
    from voc.store import open_store

    config = PipelineConfig.model_validate(
        {"store": {"path": str(tmp_path / "voc.duckdb")}, "sentiment": {"model": str(tiny_model_dir)}}
    )
    records = pd.DataFrame(
        {
            "record_id": ["a", "b"],
            "source": "chat",
            "channel": "chat",
            "created_at": pd.to_datetime(["2026-11-17T09:00:00Z", "2026-11-18T10:00:00Z"]),
            "iso_week": "2026-W47",
            "text": ["บริการดีเยี่ยม แต่ช้ามาก ผิดหวัง", "ราคาเท่าไหร่คะ"],
        }
    )
    with open_store("duckdb", tmp_path / "voc.duckdb") as st:
        st.upsert_records(records)
        st.upsert_stage("record_text", pd.DataFrame({"record_id": ["a", "b"], "language": "th",
                                                     "text_clean": records["text"]}))
        assert pipeline.score_sentiment(config, st, ["2026-W47"]) == 2
        clauses = st.read_table("record_clauses").set_index("record_id")
        sent = st.read_table("record_sentiment").set_index("record_id")
    assert clauses.loc["a", "n_clauses"] == 2 and clauses.loc["b", "n_clauses"] == 1
    stored = json.loads(clauses.loc["a", "clauses"])
    assert [c["sentiment"] for c in stored] == ["positive", "negative"]
    assert [c["text"] for c in stored] == ["บริการดีเยี่ยม", "แต่ช้ามาก ผิดหวัง"]
    assert sent.loc["a", "sentiment"] in ("positive", "negative", "neutral")  # the message keeps one label
    assert clauses.loc["a", "sentiment_model"] == sent.loc["a", "sentiment_model"]


def test_topic_tables_get_each_topics_own_clause_feeling():
    from voc.sentiment.clauses import topic_sentiments

    mixed = [
        _clause(0, "staff polite", "positive", 0.8, 0.1, 0.1),
        _clause(1, "but the wait was two hours", "negative", 0.1, 0.2, 0.7),
    ]
    stored = json.dumps([c.__dict__ for c in mixed])
    clauses = pd.DataFrame({"record_id": ["a", "b"], "clauses": [stored, stored]})
    registry = pd.DataFrame({"topic_id": ["T1", "T2", "T3"], "top_words": [json.dumps(["staff", "polite"]),
                                                                           json.dumps(["wait", "queue"]), None]})
    records = pd.DataFrame({"record_id": ["a", "b", "c"], "topic_id": ["T1", "T2", "T3"],
                            "sentiment": ["negative", "positive", "neutral"]})
    assert topic_sentiments(records, clauses, registry).tolist() == ["positive", "negative", "neutral"]
    assert topic_sentiments(records, clauses.iloc[:0], registry).tolist() == ["negative", "positive", "neutral"]
