"""The shipped default model: it loads fast and scores what its card says (needs shared data)."""

from __future__ import annotations

import json

import pytest

from voc.sentiment.catalog import load_model, read_registry, shipped_root
from voc.sentiment.config import wisesight_file
from voc.sentiment.data import read_labelled
from voc.sentiment.evaluate import evaluate_model

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def shipped_dir():
    default = read_registry(shipped_root()).get("default")
    if not default:
        pytest.skip("no default sentiment model in models/sentiment")
    return shipped_root() / default


def test_default_name_loads_the_shipped_default(shipped_dir):
    # its load time (<= 2 s, issue #15) is a benchmark figure: benchmarks/sentiment.py prints it
    model = load_model("default")
    assert model.path.resolve() == shipped_dir.resolve()


def test_default_model_is_small_and_pickle_free(shipped_dir):
    files = [p for p in shipped_dir.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 50e6
    assert not [p for p in files if p.suffix in (".pkl", ".pickle", ".joblib")]


def test_default_model_reproduces_its_card_on_wisesight_test(shipped_dir, shared_data):
    card = json.loads((shipped_dir / "card.json").read_text(encoding="utf-8"))
    expected = card["metrics"]["test"]["by_source"]["wisesight-test"]
    scores = evaluate_model(load_model("default"), read_labelled([wisesight_file("test")]))
    assert scores["micro_f1"] == pytest.approx(expected["micro_f1"], abs=1e-9)
    assert scores["macro_f1"] == pytest.approx(expected["macro_f1"], abs=1e-9)
    assert scores["confusion"] == expected["confusion"]


def test_default_model_card_keeps_the_quality_bar(shipped_dir):
    # issue #4: macro-F1 >= 0.60 on wisesight test; micro-F1 must not fall below the v1 level (0.7353)
    # by more than noise (one standard error on 2,671 texts is about 0.009)
    card = json.loads((shipped_dir / "card.json").read_text(encoding="utf-8"))
    test = card["metrics"]["test"]["by_source"]["wisesight-test"]
    # issue #4's macro bar was 0.60 (default-routed-v1: 0.6058); default-routed-v2, promoted for issue #15 on
    # the wisesight valid gate, reads 0.5891 on test (Thai customer-service complaints traded for social-media
    # neutrals and 2 of 57 questions; models/sentiment/default-routed-v2/README.md): a maintainer's decision
    assert test["macro_f1"] >= 0.58
    assert test["micro_f1"] >= 0.73
    assert card["config"]["data"]["valid"], "offsets and C must be chosen on a valid split, not on test"


@pytest.mark.slow
def test_retraining_from_the_shipped_config_reproduces_the_metrics(shipped_dir, shared_data, tmp_path):
    from voc.sentiment.train import load_train_config, train_model

    cfg = load_train_config(shipped_dir / "train_config.yaml")
    new = train_model(cfg, tmp_path)
    card = lambda d: json.loads((d / "card.json").read_text(encoding="utf-8"))  # noqa: E731
    assert card(new)["metrics"] == card(shipped_dir)["metrics"]
