"""``sentiment.routed.v1``: one linear head per script, trained, saved and loaded as plain arrays."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sentiment_data import tiny_train_config
from voc.sentiment.catalog import load_model
from voc.sentiment.config import TrainConfig
from voc.sentiment.data import guess_languages, text_language
from voc.sentiment.routed import is_mixed, route
from voc.sentiment.train import train_model


@pytest.fixture(scope="module")
def routed_dir(tmp_path_factory):
    base = tmp_path_factory.mktemp("routed")
    raw = tiny_train_config(base, name="tinyrouted")
    raw["backend"] = "sentiment.routed.v1"
    lin = raw.pop("linear")
    raw["routed"] = {"th": lin, "en": {**lin, "word_ngrams": [1, 2], "char_ngrams": [1, 4]}}
    return train_model(TrainConfig.model_validate(raw), base / "out")


def test_texts_route_by_script():
    texts = ["ดีมาก", "great", "app ดีมาก", "", "555", "👍"]
    assert route(texts).tolist() == ["th", "en", "th", "en", "en", "en"]
    assert is_mixed(texts).tolist() == [False, False, True, False, False, False]
    assert guess_languages(texts) == ["th", "en", "mixed", "en", "en", "en"]
    assert text_language("iPhone ดีมาก") == "mixed" and text_language("ราคา 500 บาท") == "th"


def test_routed_model_round_trips_without_pickles(routed_dir):
    manifest = json.loads((routed_dir / "model.json").read_text(encoding="utf-8"))
    assert manifest["backend"] == "sentiment.routed.v1" and set(manifest["heads"]) == {"th", "en"}
    files = [p for p in routed_dir.rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix in (".pkl", ".pickle", ".joblib")]
    model = load_model(str(routed_dir))
    texts = ["แย่มาก ไม่ชอบ แอป", "great product love it", "app บริการดีเยี่ยม", "", "😡"]
    probs = model.predict_proba(texts)
    assert probs.shape == (5, 4) and np.allclose(probs.sum(axis=1), 1.0)
    out = model.predict(texts)
    assert out["sentiment"][0] == "negative" and out["sentiment"][1] == "positive"
    assert set(out["sentiment_model"]) == {model.ref}


def test_each_head_only_scores_its_own_texts(routed_dir):
    model = load_model(str(routed_dir))
    th, en = "โกรธมาก บริการแย่", "terrible service very slow"
    together = model.predict_proba([th, en])
    assert np.allclose(together[0], model.heads["th"].predict_proba([th])[0])
    assert np.allclose(together[1], model.heads["en"].predict_proba([en])[0])


def test_card_has_rows_per_detected_language(routed_dir):
    card = json.loads((routed_dir / "card.json").read_text(encoding="utf-8"))
    langs = set(card["metrics"]["valid"]["by_language"])
    assert langs <= {"th", "en", "mixed"} and {"th", "en"} <= langs
    assert set(card["tuning"]) == {"th", "en", "mixed"}
    assert 0.0 <= card["tuning"]["mixed"]["chosen"] <= 0.5


def test_raw_hostile_text_scores_in_its_row(routed_dir):
    """``voc sentiment predict`` reads raw files: control characters, NUL, lone surrogates, non-strings."""
    model = load_model(str(routed_dir))
    hostile = ["\x00\x01 แย่มาก", "\x00", "ดีมาก\x00\x00", "\ud800 great", None, 5, "great product love it"]
    out = model.predict(hostile)
    assert len(out) == len(hostile) and out["sentiment"].notna().all()
    clean = model.predict_proba(["แย่มาก", "great product love it"])
    probs = model.predict_proba(hostile)
    assert np.allclose(probs[0], clean[0]) and np.allclose(probs[6], clean[1])
