"""The shipped GPU-fine-tuned multilingual-e5-small (``th-en-e5-int8-v1``) and the script that trains it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from voc.sentiment.catalog import load_model, shipped_root

pytest.importorskip("torch")
pytest.importorskip("transformers")

ROOT = Path(__file__).resolve().parents[2]
NAME = "th-en-e5-int8-v1"


@pytest.fixture(scope="module")
def e5_dir():
    directory = shipped_root() / NAME
    if not directory.is_dir():
        pytest.skip(f"{NAME} is not shipped")
    return directory


@pytest.fixture(scope="module")
def e5_model(e5_dir):
    return load_model(str(e5_dir))


def test_the_artifact_is_plain_arrays_and_its_card_says_how_it_was_chosen(e5_dir):
    files = [p for p in e5_dir.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 40e6
    assert not [p for p in files if p.suffix in (".pkl", ".pickle", ".joblib", ".bin", ".pt", ".safetensors")]
    card = json.loads((e5_dir / "card.json").read_text(encoding="utf-8"))
    assert card["tuning"]["device"] == "cuda"
    assert card["tuning"]["chosen_by"].startswith("max mean(wisesight-valid micro-F1, tweeteval-valid macro-F1)")
    assert len(card["tuning"]["candidates"]) == 3
    assert card["tuning"]["test_scored_once"]["texts"] == card["metrics"]["test"]["n"]
    assert card["headline"]["tweeteval-valid_macro_f1"] >= 0.65


def test_the_issue_sentences_read_as_a_customer_would_mean_them(e5_model):
    from voc.sentiment.evaluate import four_class_predictions

    texts = {
        "I was charged twice for the same order, very disappointed": "negative",
        "โดนตัดเงินซ้ำสองรอบ 😡": "negative",
        "ขอเปลี่ยนที่อยู่จัดส่งได้ไหมครับ": "neutral",
        "How do I update my card details?": "neutral",
        "Could you please look into why my refund still hasn't arrived after three weeks?": "negative",
        "รบกวนช่วยตรวจสอบให้หน่อยนะคะ สั่งไปสองอาทิตย์แล้วของยังไม่มาเลยค่ะ": "negative",
        "thank you so much, the rider was super fast!": "positive",
    }
    got = four_class_predictions(e5_model.predict_proba(list(texts)))
    assert dict(zip(texts, got, strict=True)) == texts


def test_hostile_text_scores_in_its_row(e5_model):
    texts = ["\x00\x01 weird", "", "   ", "=HYPERLINK(\"x\")", "ดีมาก" * 2000, "แย่มาก ไม่ชอบเลย"]
    p = e5_model.predict_proba(texts)
    assert p.shape == (len(texts), 4) and np.allclose(p.sum(axis=1), 1.0, atol=1e-5)
    assert p[-1].argmax() == 2  # the last row is still its own text's score (negative)


def test_a_blank_text_reads_neutral_at_low_confidence(e5_model):
    from voc.sentiment.evaluate import four_class_predictions

    blank = ["", "   ", "\u200b\u200b", "\ufeff \n"]
    p = e5_model.predict_proba(blank + ["แย่มาก ไม่ชอบเลย"])
    np.testing.assert_allclose(p[:4], [[1 / 6, 0.5, 1 / 6, 1 / 6]] * 4)  # nothing to read: neutral, unsure
    assert list(four_class_predictions(p[:4])) == ["neutral"] * 4
    assert e5_model.predict(blank)["sentiment_confidence"].max() < 0.7
    assert p[4].argmax() == 2


def test_the_customer_service_eval_figure_reproduces_on_this_cpu(e5_dir, e5_model):
    from voc.sentiment.config import DataFile
    from voc.sentiment.data import read_labelled
    from voc.sentiment.evaluate import evaluate_model

    card = json.loads((e5_dir / "card.json").read_text(encoding="utf-8"))
    expected = card["metrics"]["test"]["by_source"]["customer-service"]
    data = read_labelled([DataFile(path=str(ROOT / "tests/sentiment/data/cs_eval.tsv"), format="tsv",
                                   name="customer-service")])
    scores = evaluate_model(e5_model, data)
    assert scores["macro_f1"] == pytest.approx(expected["macro_f1"], abs=0.004)  # at most one text apart
    assert scores["macro_f1"] >= 0.75


def test_the_gpu_script_runs_end_to_end_on_a_tiny_packed_model(shared_data, tmp_path):
    sys.path.insert(0, str(Path(__file__).parent))
    from test_e5_checkpoint import tiny_packed
    from voc.sentiment import e5_checkpoint as ec

    packed = tiny_packed()
    source = tmp_path / "tiny-q4.bin"
    ec.write_pruned(packed, np.arange(len(packed.pieces)), source)
    out = tmp_path / "run"
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, str(ROOT / "scripts/finetune_e5_gpu.py"), "--out", str(out), "--source",
                          str(source), "--lrs", "1e-4", "3e-4", "--smoke", "--select", "wisesight", "--name", "tiny-e5"],
                         capture_output=True, text=True, env=env,
                         timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert {c["lr"] for c in summary["candidates"]} == {1e-4, 3e-4}
    assert summary["chosen_lr"] == max(summary["candidates"], key=lambda c: c["valid_score"])["lr"]
    assert all(c["valid_score"] == c["wisesight-valid micro"] for c in summary["candidates"])  # --select wisesight
    assert "wisesight-test_micro_f1" in summary["test_headline"]
    assert (out / "model.tar").is_file()
    assert all(Path(c["dir"]).name == "tiny-e5-smoke-v1" for c in summary["candidates"])  # never the real name


def test_routed_assisted_v2_reads_unsure_thai_with_e5_and_reproduces_its_card():
    from voc.sentiment.config import DataFile
    from voc.sentiment.data import read_labelled
    from voc.sentiment.evaluate import evaluate_model
    from voc.sentiment.routed import three_class_confidence

    directory = shipped_root() / "routed-assisted-v2"
    if not directory.is_dir():
        pytest.skip("routed-assisted-v2 is not shipped")
    manifest = json.loads((directory / "model.json").read_text(encoding="utf-8"))
    assert manifest["th_assist"]["model"] == "th-en-e5-int8@v1"
    assert manifest["en_assist"]["model"] == "en-minilm-int8@v1"
    # the stored e5 is the shipped one, byte for byte (git keeps one copy)
    stored = directory / manifest["th_assist"]["path"] / "hf" / "weights-int8.npz"
    assert stored.read_bytes() == (shipped_root() / NAME / "hf" / "weights-int8.npz").read_bytes()
    model = load_model(str(directory))
    thai = ["รอนานมาก", "ส่งของช้าไปหน่อยแต่ของดี", "โอเคค่ะ", "ขอบคุณค่ะ ได้รับของแล้ว"]
    p_th = model.heads["th"].predict_proba(thai)
    unsure = three_class_confidence(p_th) < model.th_assist_threshold
    p = model.predict_proba(thai)
    assert unsure.any() and not unsure.all()  # "ส่งของช้าไปหน่อยแต่ของดี" is the head's hard one
    np.testing.assert_allclose(p[~unsure], p_th[~unsure], atol=1e-12)
    w = model.th_assist_weight
    e5 = load_model(str(shipped_root() / NAME)).predict_proba([t for t, u in zip(thai, unsure, strict=True) if u])
    np.testing.assert_allclose(p[unsure], (1 - w) * p_th[unsure] + w * e5, atol=1e-5)
    card = json.loads((directory / "card.json").read_text(encoding="utf-8"))
    expected = card["metrics"]["test"]["by_source"]["customer-service"]
    data = read_labelled([DataFile(path=str(ROOT / "tests/sentiment/data/cs_eval.tsv"), format="tsv",
                                   name="customer-service")])
    assert evaluate_model(model, data)["macro_f1"] == pytest.approx(expected["macro_f1"], abs=0.004)
