"""The transformer backend, on a tiny random-initialised BERT built here (no downloads)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sentiment_data import labelled_rows, tiny_train_config
from voc.sentiment.base import OUTPUT_COLUMNS
from voc.sentiment.catalog import load_model
from voc.sentiment.config import TrainConfig
from voc.sentiment.train import train_model

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    """A 2-layer, 32-wide BERT with a character-level vocabulary of the tiny data."""
    from voc.sentiment.features import normalize

    folder = tmp_path_factory.mktemp("tiny-bert")
    chars = sorted({ch for r in labelled_rows() for ch in normalize(r["text"], lowercase=True) if not ch.isspace()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + [f"##{c}" for c in chars]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    # strip_accents would drop Thai vowel and tone marks (Unicode category Mn)
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=True,
                                               strip_accents=False)
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                     intermediate_size=64, max_position_embeddings=64)
    transformers.BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def _config(tmp_path, checkpoint, **extra):
    cfg = tiny_train_config(tmp_path, name="tiny-bert")
    cfg.pop("linear")
    cfg["backend"] = "sentiment.transformer.v1"
    cfg["transformer"] = {"checkpoint": str(checkpoint), "max_length": 32, "batch_size": 16, "eval_batch_size": 7,
                          "learning_rate": 1e-3, "epochs": 2, "max_steps": 12, "device": "cpu", **extra}
    return TrainConfig.model_validate(cfg)


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
