import json
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from topics_synthetic import ENGLISH_THEMES, THAI_THEMES, corpus
from voc.paths import shared_data_dir
from voc.schema import TOPIC_ASSIGNMENT_COLUMNS
from voc.topics.cli import app
from voc.topics.config import TopicsConfig
from voc.topics.weekly import assign_week_topics


def _window() -> pd.DataFrame:
    docs, texts, _ = corpus({**ENGLISH_THEMES, **THAI_THEMES}, 20, seed=3)
    weeks = ["2026-W01", "2026-W02", "2025-W40"]  # the last is outside an 8-week window
    return pd.DataFrame(
        {
            "record_id": [f"r{i:04d}" for i in range(len(docs))],
            "iso_week": [weeks[i % 3] for i in range(len(docs))],
            "text_clean": texts,
            "topic_tokens": docs,
            "language": "mixed",
        }
    )


def test_week_records_get_registry_topics_and_order_does_not_matter():
    window = _window()
    result = assign_week_topics(window, "2026-W02", None, TopicsConfig())
    week_ids = set(window.record_id[window.iso_week == "2026-W02"])
    assert list(result.assignments.columns) == list(TOPIC_ASSIGNMENT_COLUMNS)
    assert set(result.assignments.record_id) == week_ids
    assert (result.assignments.iso_week == "2026-W02").all()
    assert result.assignments.topic_id.str.match(r"^(T\d{4}|other)$").all()
    assert set(result.assignments.topic_id) - {"other"} <= set(result.registry.topic_id)
    assert 0.0 <= result.outlier_share < 0.1
    shuffled = assign_week_topics(window.sample(frac=1, random_state=0), "2026-W02", None, TopicsConfig())
    pd.testing.assert_frame_equal(
        result.assignments.sort_values("record_id").reset_index(drop=True),
        shuffled.assignments.sort_values("record_id").reset_index(drop=True),
    )


def test_window_missing_a_column_is_refused():
    with pytest.raises(ValueError, match="topic_tokens"):
        assign_week_topics(_window().drop(columns=["topic_tokens"]), "2026-W02", None)


def test_cli_fit_writes_every_column_plus_topics_and_a_topic_table(tmp_path):
    texts = ["เติมเงินแล้วเงินไม่เข้า โทร 081-234-5678", "เน็ตช้ามาก สัญญาณหลุดบ่อย", "My card has not arrived yet",
             "I want a refund from the merchant"] * 10
    src = tmp_path / "in.csv"
    pd.DataFrame({"id": range(len(texts)), "msg": texts}).to_csv(src, index=False)
    out, table = tmp_path / "out.jsonl", tmp_path / "topics.csv"
    res = CliRunner().invoke(
        app, ["fit", "--input", str(src), "--text-column", "msg", "--output", str(out), "--topics-output", str(table)]
    )
    assert res.exit_code == 0, res.output
    got = pd.read_json(out, lines=True)
    assert list(got.columns) == ["id", "msg", "topic_id", "topic_label", "theme_id", "theme_label"]
    assert got.theme_id.str.match(r"^(G\d{4}|other)$").all()
    assert got.topic_id.str.match(r"^(T\d{4}|other)$").all()
    topics = pd.read_csv(table)
    assert {"topic_id", "label", "size", "top_words", "quotes"} <= set(topics.columns)
    quotes = [q for qs in topics.quotes for q in json.loads(qs)]
    assert quotes and not any("081-234-5678" in q for q in quotes)  # quotes are redacted


@pytest.mark.parametrize(
    "args, message",
    [
        (["--text-column", "nope"], "no column 'nope'"),
        (["--text-column", "msg", "--config", "CFG"], "topics.clustering"),
    ],
)
def test_cli_errors_are_one_clear_line(tmp_path, args, message):
    src = tmp_path / "in.csv"
    pd.DataFrame({"msg": ["a b c"]}).to_csv(src, index=False)
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("topics:\n  clustering: {name: topics.clustering.kmeans.v1, params: {k: 3}}\n", encoding="utf-8")
    args = [str(cfg) if a == "CFG" else a for a in args]
    res = CliRunner().invoke(app, ["fit", "--input", str(src), "--output", str(tmp_path / "o.csv"), *args])
    assert res.exit_code != 0
    flat = re.sub(r"[│╭╮╰╯─\s]+", " ", res.output)  # rich draws the error in a wrapped box
    assert message in flat and "Traceback" not in res.output


def test_truevoice_topics_are_labelled_with_thai_words():
    path = shared_data_dir() / "truevoice" / "train.csv"
    if not path.is_file():
        pytest.skip("shared truevoice data not present")
    from voc.text.tokenize import topic_tokens
    from voc.topics.labels import THAI_RE
    from voc.topics.model import fit_topics

    texts = pd.read_csv(path, nrows=1500).texts.tolist()
    fit = fit_topics([" ".join(topic_tokens(t)) for t in texts], texts, TopicsConfig())
    thai_labels = sum(bool(THAI_RE.search(label)) for label in fit.topics.label)
    assert thai_labels == len(fit.topics), list(fit.topics.label)
