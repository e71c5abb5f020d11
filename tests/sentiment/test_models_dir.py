"""Models live where the user says: training, promotion and the pipeline never write into the checkout."""

from __future__ import annotations

import json
import subprocess

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from sentiment_data import labelled_rows, write_jsonl
from voc import pipeline
from voc.config import load_config
from voc.paths import REPO_ROOT
from voc.sentiment.catalog import list_models, load_model, next_version_dir, read_registry, shipped_root
from voc.sentiment.cli import train_sentiment
from voc.sentiment.models_cli import models_app

runner = CliRunner()
WISESIGHT_MAP = {"pos": "positive", "neu": "neutral", "neg": "negative", "q": "question"}


def _checkout_state() -> tuple[str, bytes]:
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO_ROOT,
                            capture_output=True, text=True)
    if status.returncode != 0:
        pytest.skip("not a git checkout")
    return status.stdout, (shipped_root() / "registry.json").read_bytes()


def _project(tmp_path):
    """A researcher's folder: labelled data, a training config and a pipeline config, all with relative paths."""
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    rows = labelled_rows()
    write_jsonl(project / "data" / "train.jsonl", rows)
    write_jsonl(project / "data" / "valid.jsonl", rows[::2])
    spec = {"path": "data/train.jsonl", "label_map": WISESIGHT_MAP}
    valid = {"path": "data/valid.jsonl", "label_map": WISESIGHT_MAP}
    train_cfg = {"name": "proj", "seed": 3, "data": {"train": [spec], "valid": [valid]},
                 "linear": {"min_df": 1, "C": [1.0]}, "output_dir": "my-models/sentiment"}
    (project / "train.yaml").write_text(yaml.safe_dump(train_cfg), encoding="utf-8")
    messages = pd.DataFrame({
        "id": ["a1", "a2", "a3", "a4"],
        "body": ["ดีมาก ชอบมาก แอป", "แย่มาก ไม่ชอบ the app", "ราคาเท่าไหร่คะ", "great product love it!!"],
        "at": ["2026-11-17 10:00", "2026-11-18 11:30", "2026-11-19 09:15", "2026-11-20 20:00"],
    })
    messages.to_csv(project / "data" / "messages.csv", index=False)
    pipe_cfg = {
        "models_dir": "my-models",
        "store": {"path": "voc.duckdb"},
        "sources": [{"name": "app", "path": "data/messages.csv", "channel": "review",
                     "columns": {"text": "body", "created_at": "at", "id": "id"}}],
        "sentiment": {"model": "default", "promotion": {"reference": [valid]}},
    }
    (project / "voc.yaml").write_text(yaml.safe_dump(pipe_cfg, allow_unicode=True), encoding="utf-8")
    return project


def test_training_from_another_folder_reads_data_relative_to_its_config(tmp_path, monkeypatch):
    project = _project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    t = __import__("typer").Typer()
    t.command()(train_sentiment)
    res = runner.invoke(t, ["--config", "../project/train.yaml"])
    assert res.exit_code == 0, res.output
    model_dir = project / "my-models" / "sentiment" / "proj-v1"
    assert (model_dir / "card.json").is_file()
    card = json.loads((model_dir / "card.json").read_text(encoding="utf-8"))
    assert card["data"]["train"][0]["path"] == str(project / "data" / "train.jsonl")
    assert not list(elsewhere.iterdir())  # nothing landed in the current directory


def test_promotion_leaves_the_checkout_unchanged_and_the_pipeline_uses_the_promoted_model(tmp_path, monkeypatch):
    before = _checkout_state()
    project = _project(tmp_path)
    monkeypatch.chdir(REPO_ROOT)  # a researcher working inside the checkout
    t = __import__("typer").Typer()
    t.command()(train_sentiment)
    assert runner.invoke(t, ["--config", str(project / "train.yaml")]).exit_code == 0
    res = runner.invoke(models_app, ["promote", "proj", "--config", str(project / "voc.yaml")])
    assert res.exit_code == 0, res.output
    assert "default sentiment model is now proj-v1" in res.output
    assert read_registry(project / "my-models" / "sentiment")["default"] == "proj-v1"
    assert _checkout_state() == before  # git status and the shipped registry exactly as they were

    res = runner.invoke(models_app, ["list", "--config", str(project / "voc.yaml")])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].split()[:2] == ["model", "where"]
    marked = [line for line in lines[1:] if line.startswith("*")]
    assert len(marked) == 1 and "proj-v1" in marked[0] and "user" in marked[0]
    if read_registry(shipped_root()).get("default"):
        assert any(" shipped " in line for line in lines[1:])  # the shipped models stay listed, not default

    cfg = load_config(project / "voc.yaml")
    with pipeline.open_pipeline_store(cfg) as st:
        pipeline.ingest_all(cfg, st, "run-1")
        weeks = sorted(st.read_table("records")["iso_week"].unique())
        pipeline.enrich_text(cfg, st, weeks)
        assert pipeline.score_sentiment(cfg, st, weeks) == 4
        scored = st.read_table("record_sentiment")
    assert set(scored["sentiment_model"]) == {"proj@v1"}
    assert _checkout_state() == before


def test_without_a_user_default_the_shipped_default_is_used(tmp_path, monkeypatch):
    shipped = read_registry(shipped_root()).get("default")
    if not shipped:
        pytest.skip("no shipped default model")
    monkeypatch.setenv("VOC_MODELS_DIR", str(tmp_path / "empty"))
    assert load_model("default").path.resolve() == (shipped_root() / shipped).resolve()
    rows = list_models()
    assert [r["model"] for r in rows if r["default"]] == [shipped]
    assert {r["location"] for r in rows} == {"shipped"}
    # a model retrained from a shipped config never takes (and hides) a shipped model's name
    name = shipped.rsplit("-v", 1)[0]
    assert not (shipped_root() / next_version_dir(name, tmp_path / "empty" / "sentiment").name).exists()


def test_models_list_json_names_each_models_folder(tmp_path, models_root, no_shipped_models, tiny_model_dir):
    import shutil

    shutil.copytree(tiny_model_dir, models_root / tiny_model_dir.name)
    res = runner.invoke(models_app, ["list", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert [(r["model"], r["location"], r["default"]) for r in rows] == [("tiny-v1", "user", False)]
    assert "valid.jsonl_micro_f1" in rows[0]


def test_shared_data_paths_follow_voc_shared_data(tmp_path, monkeypatch):
    from voc.errors import DataError
    from voc.sentiment.data import read_labelled
    from voc.sentiment.train import load_train_config

    shared = tmp_path / "shared"
    (shared / "mine").mkdir(parents=True)
    write_jsonl(shared / "mine" / "train.jsonl", labelled_rows())
    cfg = tmp_path / "cfgs" / "train.yaml"
    cfg.parent.mkdir()
    cfg.write_text(yaml.safe_dump({"name": "s", "data": {"train": [
        {"path": "{shared_data}/mine/train.jsonl", "label_map": WISESIGHT_MAP}]}}), encoding="utf-8")
    monkeypatch.setenv("VOC_SHARED_DATA", str(shared))
    assert len(read_labelled(load_train_config(cfg).data.train)) == len(labelled_rows())
    monkeypatch.setenv("VOC_SHARED_DATA", str(tmp_path / "elsewhere"))
    with pytest.raises(DataError, match=r"elsewhere/mine/train.jsonl: data file not found .*\$VOC_SHARED_DATA"):
        read_labelled(load_train_config(cfg).data.train)
