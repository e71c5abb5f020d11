"""The transformer backend, on a tiny random-initialised BERT built here (no downloads)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sentiment_data import build_tiny_bert, labelled_rows, tiny_transformer_config
from voc.sentiment.base import OUTPUT_COLUMNS
from voc.sentiment.catalog import load_model
from voc.sentiment.train import train_model

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


def _config(base, checkpoint, **extra):
    return tiny_transformer_config(base, checkpoint, name="tiny-bert", **extra)


def test_fine_tune_save_load_predict_round_trip(tmp_path, tiny_checkpoint):
    directory = train_model(_config(tmp_path, tiny_checkpoint), tmp_path / "out")
    assert (directory / "hf" / "config.json").is_file() and (directory / "model_card.md").is_file()
    card = json.loads((directory / "card.json").read_text(encoding="utf-8"))
    assert card["backend"] == "sentiment.transformer.v1"
    assert card["tuning"]["steps"] == 12 and card["tuning"]["history"][0]["valid_micro_f1"] is not None
    assert card["metrics"]["test"]["n"] == len(labelled_rows()[::2])

    model = load_model(str(directory))
    texts = ["ดีมาก ชอบมาก", "แย่มาก", "how much is it?", ""]
    out = model.predict(texts)
    assert list(out.columns) == OUTPUT_COLUMNS
    probs = out[["p_positive", "p_neutral", "p_negative", "p_question"]].to_numpy()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-6)
    assert (out["sentiment_model"] == "tiny-bert@v1").all()
    # scoring again after a second load gives the same numbers (batched, sorted by length)
    np.testing.assert_allclose(load_model(str(directory)).predict_proba(texts), probs, atol=1e-5)
    # the card's test figures are what the saved model scores
    from voc.sentiment.data import read_labelled
    from voc.sentiment.evaluate import evaluate_model

    cfg = _config(tmp_path, tiny_checkpoint)
    again = evaluate_model(model, read_labelled(cfg.data.test))
    assert again["micro_f1"] == pytest.approx(card["metrics"]["test"]["micro_f1"])


def test_missing_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="is not a folder"):
        train_model(_config(tmp_path, tmp_path / "no-such-model"), tmp_path / "out")
