"""The linear backend: train, save, load, predict; the output contract; determinism."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sentiment_data import tiny_train_config
from voc.schema import SENTIMENT_LABELS
from voc.sentiment.base import OUTPUT_COLUMNS
from voc.sentiment.catalog import load_model
from voc.sentiment.config import TrainConfig
from voc.sentiment.train import TrainConfigError, load_train_config, train_model


def test_model_directory_has_artifact_card_and_no_pickle(tiny_model_dir):
    names = {p.name for p in tiny_model_dir.iterdir()}
    assert {"model.json", "card.json", "model_card.md", "evaluation.md", "train_config.yaml", "weights.npz",
            "word_vocab.json", "thai_words.txt"} <= names
    assert not [n for n in names if n.endswith((".pkl", ".pickle", ".joblib"))]
    with np.load(tiny_model_dir / "weights.npz", allow_pickle=False) as z:  # loads without pickle
        assert z["w_char"].shape[1] == 4
    card = json.loads((tiny_model_dir / "card.json").read_text(encoding="utf-8"))
    assert card["model"] == "tiny@v1"
    assert {"valid", "test"} <= set(card["metrics"])
    assert card["data"]["train"][0]["sha256"] and card["library_versions"]["numpy"]
    assert card["metrics"]["test"]["confusion"]["labels"] == ["positive", "neutral", "negative", "question"]
    assert "Confusion matrix" in (tiny_model_dir / "model_card.md").read_text(encoding="utf-8")


def test_predict_output_contract(tiny_model_dir):
    model = load_model(str(tiny_model_dir))
    out = model.predict(["ดีมาก ชอบมาก", "แย่มาก ไม่ชอบ", "ราคาเท่าไหร่คะ", "", None, "terrible service very slow"])
    assert list(out.columns) == OUTPUT_COLUMNS
    probs = out[["p_positive", "p_neutral", "p_negative", "p_question"]].to_numpy()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-9)
    assert set(out["sentiment"]) <= set(SENTIMENT_LABELS)
    assert list(out["sentiment"].iloc[[0, 1, 5]]) == ["positive", "negative", "negative"]
    assert out["sentiment"].iloc[2] == "neutral" and out["p_question"].iloc[2] == probs[2].max()  # a question
    assert (out["sentiment_model"] == "tiny@v1").all()
    assert model.name == "tiny" and model.version == "v1"


def test_predict_empty_batch_and_language_mismatch(tiny_model_dir):
    model = load_model(str(tiny_model_dir))
    empty = model.predict([])
    assert list(empty.columns) == OUTPUT_COLUMNS and len(empty) == 0
    with pytest.raises(ValueError, match="2 texts but 1 languages"):
        model.predict(["a", "b"], ["th"])


def test_confidence_is_the_probability_of_the_label(tiny_model_dir):
    out = load_model(str(tiny_model_dir)).predict(["ดีมาก", "ส่งของวันจันทร์", "เปิดกี่โมงครับ"])
    for _, r in out.iterrows():
        expected = {"positive": r.p_positive, "neutral": r.p_neutral + r.p_question, "negative": r.p_negative}
        assert r.sentiment_confidence == pytest.approx(expected[r.sentiment])
        assert r.sentiment_confidence == pytest.approx(max(expected.values()))


def test_same_config_data_and_seed_give_the_same_model(tmp_path):
    cfg = TrainConfig.model_validate(tiny_train_config(tmp_path))
    first = train_model(cfg, tmp_path / "out")
    second = train_model(cfg, tmp_path / "out")
    assert (first.name, second.name) == ("tiny-v1", "tiny-v2")  # a retrain is a new version
    cards = [json.loads((d / "card.json").read_text(encoding="utf-8")) for d in (first, second)]
    assert cards[0]["metrics"] == cards[1]["metrics"]
    with np.load(first / "weights.npz") as a, np.load(second / "weights.npz") as b:
        for key in a.files:
            np.testing.assert_array_equal(a[key], b[key])


def test_loaded_model_scores_like_the_trained_one(tmp_path):
    from voc.sentiment.data import read_labelled
    from voc.sentiment.linear import LinearSentimentModel

    cfg = TrainConfig.model_validate(tiny_train_config(tmp_path))
    model, _ = LinearSentimentModel.train(cfg, read_labelled(cfg.data.train), read_labelled(cfg.data.valid))
    model.save(tmp_path / "m")
    texts = ["ดีมาก ชอบมาก แอป", "ห่วยแตก", "where is the nearest branch?"]
    np.testing.assert_allclose(load_model(str(tmp_path / "m")).predict_proba(texts), model.predict_proba(texts), atol=1e-6)


def test_logistic_classifier_option(tmp_path):
    cfg = TrainConfig.model_validate(tiny_train_config(tmp_path, classifier="logistic", nb_weighting=False))
    out = load_model(str(train_model(cfg, tmp_path / "out"))).predict(["ดีมาก ชอบมาก", "แย่มาก ไม่ชอบ"])
    assert list(out["sentiment"]) == ["positive", "negative"]


def test_two_label_data_never_predicts_the_missing_labels(tmp_path):
    from sentiment_data import write_jsonl

    rows = [{"text": t, "label": "1"} for t in ("great phone", "love it", "works great", "excellent")]
    rows += [{"text": t, "label": "0"} for t in ("broke fast", "hate it", "awful battery", "terrible")]
    path = write_jsonl(tmp_path / "uci.jsonl", rows)
    spec = {"path": str(path), "label_map": {"0": "negative", "1": "positive"}}
    cfg = TrainConfig.model_validate({"name": "en", "data": {"train": [spec], "valid": [spec]}, "linear": {"min_df": 1}})
    probs = load_model(str(train_model(cfg, tmp_path / "out"))).predict_proba(["love it", "hate it", "ราคาเท่าไหร่"])
    np.testing.assert_array_equal(probs[:, 1:4:2], 0.0)  # neutral and question were never trained
    assert probs[0, 0] > 0.5 and probs[1, 2] > 0.5


def test_training_config_errors_name_the_file_and_key(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\ndata: {train: [{path: a.csv}]}\nlinear: {C: [1.0], colour: red}\n", encoding="utf-8")
    with pytest.raises(TrainConfigError, match=r"bad\.yaml: linear\.colour: unknown key"):
        load_train_config(path)
    with pytest.raises(TrainConfigError, match="training config not found"):
        load_train_config(tmp_path / "missing.yaml")


def test_bad_training_data_stops_before_writing_a_model(tmp_path):
    from sentiment_data import write_jsonl
    from voc.sentiment.data import TrainingDataError

    path = write_jsonl(tmp_path / "t.jsonl", [{"text": "ดี", "label": "pos"}, {"text": "แย่", "label": "??"}])
    cfg = TrainConfig.model_validate({"name": "bad", "data": {"train": [{"path": str(path)}]}})
    with pytest.raises(TrainingDataError, match=r"t\.jsonl: row 1: unknown label 'pos'"):
        train_model(cfg, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
