"""Champion/challenger: names resolve, list shows the default, promote guards quality."""

from __future__ import annotations

import json

import pytest

from sentiment_data import labelled_rows, tiny_train_config, write_jsonl
from voc.sentiment.base import ModelNotFoundError
from voc.sentiment.catalog import PromotionRefused, list_models, load_model, promote, read_registry
from voc.sentiment.config import DataFile, PromotionConfig, TrainConfig
from voc.sentiment.train import train_model


def _train(tmp_path, name, shuffle_labels=False):
    cfg = tiny_train_config(tmp_path, name=name)
    if shuffle_labels:  # a bad challenger: every label rotated to the wrong one
        rows = labelled_rows()
        rotate = {"pos": "neg", "neg": "neu", "neu": "q", "q": "pos"}
        bad = write_jsonl(tmp_path / f"{name}-bad.jsonl", [{**r, "label": rotate[r["label"]]} for r in rows])
        cfg["data"]["train"][0]["path"] = str(bad)
    return train_model(TrainConfig.model_validate(cfg))


def _reference(tmp_path) -> PromotionConfig:
    path = write_jsonl(tmp_path / "reference.jsonl", labelled_rows())
    ref = DataFile(path=str(path), label_map={"pos": "positive", "neu": "neutral", "neg": "negative", "q": "question"})
    return PromotionConfig(reference=[ref], tolerance=0.01)


def test_no_default_until_one_is_promoted(models_root, no_shipped_models, tmp_path):
    with pytest.raises(ModelNotFoundError, match="no default sentiment model"):
        load_model("default")
    good = _train(tmp_path, "good")
    result = promote("good", _reference(tmp_path))
    assert result.promoted and result.champion is None
    assert load_model("default").ref == "good@v1"
    assert [r["model"] for r in list_models() if r["default"]] == [good.name]


def test_worse_challenger_is_refused_and_the_default_stays(models_root, no_shipped_models, tmp_path):
    _train(tmp_path, "good")
    _train(tmp_path, "bad", shuffle_labels=True)
    ref = _reference(tmp_path)
    promote("good-v1", ref)
    with pytest.raises(PromotionRefused, match="not promoted"):
        promote("bad", ref)
    assert load_model("default").ref == "good@v1"
    forced = promote("bad", ref, force=True)
    assert forced.promoted and load_model("default").ref == "bad@v1"
    assert load_model("good").ref == "good@v1"  # the previous model stays available
    history = read_registry()["history"]
    assert [h["model"] for h in history] == ["good-v1", "bad-v1"] and history[-1]["forced"] is True


def test_equal_challenger_within_tolerance_is_promoted(models_root, no_shipped_models, tmp_path):
    _train(tmp_path, "same")
    _train(tmp_path, "same")  # same config and seed: the same scores, a new version
    ref = _reference(tmp_path)
    promote("same-v1", ref)
    result = promote("same", ref)  # a bare name means its latest version
    assert result.promoted and result.challenger == "same-v2"
    assert result.challenger_score == pytest.approx(result.champion_score)
    assert json.loads((models_root / "registry.json").read_text())["default"] == "same-v2"


def test_unknown_model_name_lists_known_ones(models_root, no_shipped_models, tmp_path):
    _train(tmp_path, "good")
    with pytest.raises(ModelNotFoundError, match="no sentiment model 'nope'.*known: good-v1"):
        load_model("nope")
