"""Domain adaptation: weak labels from ratings, train --from-store through the gate, the labelling loop."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sentiment_data import tiny_train_config
from voc.sentiment.adapt import (
    LabelFileError,
    export_for_labelling,
    import_labels,
    in_holdout,
    read_human_labels,
    train_from_store,
    weak_label,
    weak_labelled,
)


@pytest.mark.parametrize(
    "rating, scale, label",
    [
        (1, "stars_1_5", "negative"), (2, "stars_1_5", "negative"), (3, "stars_1_5", None),
        (4, "stars_1_5", "positive"), (5, "csat_1_5", "positive"), (6, "stars_1_5", None),
        (0, "nps_0_10", "negative"), (6, "nps_0_10", "negative"), (7, "nps_0_10", None), (8, "nps_0_10", None),
        (9, "nps_0_10", "positive"), (10, "nps_0_10", "positive"),
        (1, "custom_1_10", "negative"), (4, "custom_1_10", "negative"), (5, "custom_1_10", None),
        (7, "custom_1_10", "positive"), (11, "custom_1_10", None),
        (3, None, None), (None, "stars_1_5", None), ("abc", "stars_1_5", None), (4, "likert_7", None),
        (float("nan"), "nps_0_10", None),
    ],
)
def test_weak_label_per_scale(rating, scale, label):
    assert weak_label(rating, scale) == label


NEG = ["delivery late again, very annoyed", "โดนตัดเงินซ้ำ ไม่พอใจมาก", "app crashed and lost my order",
       "รอนานมาก ไม่มีใครตอบ", "charged twice, want a refund", "ของแตก ผิดหวังมาก"]
POS = ["fast delivery, thank you so much", "พนักงานน่ารัก บริการดีมาก", "love the new app, so easy",
       "ส่งไว ของดี ประทับใจ", "agent was super helpful", "อร่อยมาก จะมาอีก"]


def _planted_store(path, n_per=8):
    from voc.store import open_store

    scales = ["stars_1_5", "csat_1_5", "nps_0_10", "nps_0_10"]
    rows = []
    k = 0
    for rep in range(n_per):
        for text in NEG:
            rows.append((f"n{k}", f"{text} #{rep}", [1, 2, 0, 5][k % 4], scales[k % 4]))
            k += 1
        for text in POS:
            rows.append((f"p{k}", f"{text} #{rep}", [5, 4, 10, 9][k % 4], scales[k % 4]))
            k += 1
    rows.append(("mid", "it was ok I guess", 3, "stars_1_5"))
    rows.append(("none", "no rating here", None, None))
    df = pd.DataFrame(rows, columns=["record_id", "text", "rating", "rating_scale"])
    df["source"] = "reviews"
    df["channel"] = "review"
    df["iso_week"] = "2026-W47"
    df["created_at"] = pd.Timestamp("2026-11-18T09:00:00Z")
    st = open_store("duckdb", path)
    st.upsert_records(df)
    text = pd.DataFrame({"record_id": df["record_id"], "language": "th", "text_clean": df["text"]})
    st.upsert_stage("record_text", text)
    return st, df


def test_weak_labelled_records_skip_the_middle_and_unrated(tmp_path):
    st, df = _planted_store(tmp_path / "voc.duckdb")
    with st:
        weak = weak_labelled(st)
    assert "mid" not in set(weak["record_id"]) and "none" not in set(weak["record_id"])
    assert len(weak) == len(df) - 2
    assert set(weak.loc[weak["record_id"].str.startswith("n"), "label"]) == {"negative"}
    assert (weak["split"] == "holdout").sum() == sum(in_holdout(i) for i in weak["record_id"]) > 0


def test_from_store_trains_a_challenger_that_the_gate_compares(tmp_path, models_root):
    from voc.sentiment.catalog import promote, read_registry
    from voc.sentiment.config import PromotionConfig, TrainConfig
    from voc.sentiment.train import train_model

    base = TrainConfig.model_validate(tiny_train_config(tmp_path, name="tinybase"))
    champion = train_model(base, models_root)
    promote(champion.name, PromotionConfig(reference=base.data.valid))  # the user's folder: $VOC_MODELS_DIR
    st, _ = _planted_store(tmp_path / "voc.duckdb")
    with st:
        result = train_from_store(st, tmp_path, base, models_root, PromotionConfig(metric="macro_f1", tolerance=0.0))
    assert result.challenger.name == "tinybase-store-v1"
    assert result.weak_train > 0 and result.weak_holdout > 0
    assert result.champion_score is not None and result.challenger_score == result.challenger_score  # not NaN
    card = json.loads((result.challenger / "card.json").read_text(encoding="utf-8"))
    names = [f["name"] for f in card["data"]["train"]]
    assert "store-weak-train" in names and "store-weak-holdout" in card["metrics"]["test"]["by_source"]
    registry = read_registry(models_root)
    assert registry["default"] == (result.challenger.name if result.promoted else champion.name)
    if result.promoted:
        assert registry["history"][-1]["previous_score"] == pytest.approx(result.champion_score, abs=1e-6)
        assert result.challenger_score >= result.champion_score


def test_from_store_with_too_few_ratings_is_one_clear_error(tmp_path, models_root):
    from voc.errors import DataError
    from voc.sentiment.config import TrainConfig
    from voc.store import open_store

    base = TrainConfig.model_validate(tiny_train_config(tmp_path))
    with open_store("duckdb", tmp_path / "voc.duckdb") as st, pytest.raises(DataError, match="rated records"):
        train_from_store(st, tmp_path, base, models_root)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_label_loop_exports_least_sure_and_reads_labels_back(tmp_path, tiny_model_dir, suffix):
    from voc.sentiment.catalog import load_model

    st, df = _planted_store(tmp_path / "voc.duckdb")
    model = load_model(str(tiny_model_dir))
    with st:
        scores = model.predict(df["text"].tolist())
        scores.insert(0, "record_id", df["record_id"].to_numpy())
        st.upsert_stage("record_sentiment", scores)
        out = tmp_path / f"to_label{suffix}"
        assert export_for_labelling(st, out, n=10) == 10
    from voc.tableio import read_table

    sheet = read_table(out)
    assert list(sheet.columns) == ["record_id", "text", "language", "model_label", "confidence", "label", "note"]
    if suffix == ".csv":
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the Thai as Thai
    three = scores.set_index("record_id")
    margins = []
    for rid in sheet["record_id"]:
        p = sorted([three.loc[rid, "p_positive"], three.loc[rid, "p_neutral"] + three.loc[rid, "p_question"],
                    three.loc[rid, "p_negative"]])
        margins.append(p[2] - p[1])
    assert margins == sorted(margins)
    sheet["label"] = ["negative", "แย่", "positive", "", "neutral", "pos", "neg", "ดี", "เฉยๆ", ""]
    sheet.to_csv(tmp_path / "labelled.csv", index=False)
    info = import_labels(tmp_path / "labelled.csv", tmp_path)
    assert info["read"] == 8 and info["total"] == 8 and info["train"] + info["eval"] == 8
    human = read_human_labels(tmp_path)
    assert sorted(set(human["label"])) == ["negative", "neutral", "positive"]
    # a second import replaces a record's label (latest wins), it does not add a row
    sheet.loc[0, "label"] = "positive"
    sheet.iloc[:1].to_csv(tmp_path / "again.csv", index=False)
    assert import_labels(tmp_path / "again.csv", tmp_path)["total"] == 8
    assert read_human_labels(tmp_path).set_index("record_id").loc[sheet["record_id"][0], "label"] == "positive"


def test_a_label_nobody_knows_names_its_row(tmp_path):
    pd.DataFrame({"record_id": ["a", "b"], "text": ["ok", "แย่"], "label": ["positive", "so-so"]}).to_csv(
        tmp_path / "bad.csv", index=False
    )
    with pytest.raises(LabelFileError, match=r"row 3: unknown label 'so-so'"):
        import_labels(tmp_path / "bad.csv", tmp_path)


def test_a_message_that_reads_like_a_missing_value_is_kept(tmp_path):
    (tmp_path / "l.csv").write_text("record_id,text,label\na,NULL,neutral\nb,N/A,negative\nc,ok,\n", encoding="utf-8")
    summary = import_labels(tmp_path / "l.csv", tmp_path)
    assert summary["read"] == 2  # the unlabelled row is skipped, the two labelled ones kept with their text
    assert list(read_human_labels(tmp_path)["text"]) == ["NULL", "N/A"]


def test_label_and_from_store_commands_as_a_user_runs_them(tmp_path, models_root, tiny_model_dir):
    from typer.testing import CliRunner

    from voc.cli import app
    from voc.sentiment.catalog import load_model, read_registry
    from voc.sentiment.config import TrainConfig
    from voc.sentiment.train import train_model

    st, df = _planted_store(tmp_path / "voc.duckdb")
    with st:
        scores = load_model(str(tiny_model_dir)).predict(df["text"].tolist())
        scores.insert(0, "record_id", df["record_id"].to_numpy())
        st.upsert_stage("record_sentiment", scores)
    cfg = tmp_path / "voc.yaml"
    cfg.write_text("store:\n  path: voc.duckdb\n", encoding="utf-8")
    cli = CliRunner()
    res = cli.invoke(app, ["label", "export", "--config", str(cfg), "--output", str(tmp_path / "l.xlsx"), "--n", "5"])
    assert res.exit_code == 0, res.output
    assert "5 records to label" in res.output
    from voc.tableio import read_table

    sheet = read_table(tmp_path / "l.xlsx")
    sheet["label"] = ["negative", "positive", "neutral", "negative", "maybe"]
    sheet.to_csv(tmp_path / "l.csv", index=False)
    res = cli.invoke(app, ["label", "import", "--config", str(cfg), "--input", str(tmp_path / "l.csv")])
    assert res.exit_code == 1 and "row 6: unknown label 'maybe'" in res.output
    sheet.loc[4, "label"] = "positive"
    sheet.to_csv(tmp_path / "l.csv", index=False)
    res = cli.invoke(app, ["label", "import", "--config", str(cfg), "--input", str(tmp_path / "l.csv")])
    assert res.exit_code == 0 and "5 labels read" in res.output

    base_cfg = TrainConfig.model_validate(tiny_train_config(tmp_path, name="clibase"))
    train_model(base_cfg, models_root)
    base_yaml = models_root / "clibase-v1" / "train_config.yaml"
    res = cli.invoke(app, ["train", "sentiment", "--from-store", "--pipeline", str(cfg), "--config", str(base_yaml),
                           "--output-dir", str(models_root)])
    assert res.exit_code == 0, res.output
    assert "challenger written" in res.output and "human labels: " in res.output
    assert (models_root / "clibase-store-v1" / "card.json").is_file()
    # no champion yet: the gate has nothing to compare against and promotes the challenger
    assert "promoted: clibase-store-v1 is the default" in res.output
    assert read_registry(models_root)["default"] == "clibase-store-v1"
