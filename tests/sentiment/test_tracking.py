"""Tracked experiments: with ``tracking:`` a training or evaluation run is logged to MLflow; without, nothing."""

from __future__ import annotations

import json
import sys

import pandas as pd
import pytest
import typer
import yaml
from typer.testing import CliRunner

from sentiment_data import labelled_rows, tiny_train_config
from voc.errors import VocError
from voc.sentiment.cli import evaluate_sentiment, train_sentiment
from voc.sentiment.train import load_train_config, train_model

runner = CliRunner()


def _single(command) -> typer.Typer:
    t = typer.Typer()
    t.command()(command)
    return t


def _client(uri: str):
    import os

    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    from mlflow.tracking import MlflowClient

    return MlflowClient(tracking_uri=uri)


def test_tiny_training_is_logged_to_a_local_file_store(tmp_path, models_root):
    pytest.importorskip("mlflow")
    cfg = tiny_train_config(tmp_path, name="tracked")
    cfg["tracking"] = {"mlflow_uri": "runs", "experiment": "tiny"}
    path = tmp_path / "train.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    res = runner.invoke(_single(train_sentiment), ["--config", str(path)])
    assert res.exit_code == 0, res.output
    assert "logged to MLflow: file://" in res.output
    assert (tmp_path / "runs").is_dir()  # relative to the config file

    client = _client((tmp_path / "runs").as_uri())
    experiment = client.get_experiment_by_name("tiny")
    (run,) = client.search_runs([experiment.experiment_id])
    card = json.loads((models_root / "tracked-v1" / "card.json").read_text(encoding="utf-8"))
    assert run.data.metrics["valid.micro_f1"] == pytest.approx(card["metrics"]["valid"]["micro_f1"])
    assert run.data.metrics["test.macro_f1"] == pytest.approx(card["metrics"]["test"]["macro_f1"])
    assert "valid.lang.th.micro_f1" in run.data.metrics and "valid.lang.en.micro_f1" in run.data.metrics
    assert run.data.params["data.train.train.jsonl.sha256"] == card["data"]["train"][0]["sha256"]
    assert run.data.params["seed"] == "7" and run.data.params["linear.C"] == "[1.0]"
    assert run.data.tags["voc.model"] == "tracked@v1"
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"card.json", "model"} <= artifacts
    model_files = {a.path for a in client.list_artifacts(run.info.run_id, "model")}
    assert "model/model.json" in model_files


def test_evaluate_with_a_tracking_config_logs_its_figures(tmp_path, tiny_model_dir):
    pytest.importorskip("mlflow")
    data = tmp_path / "eval.csv"
    pd.DataFrame(labelled_rows()).to_csv(data, index=False)
    conf = tmp_path / "voc.yaml"
    conf.write_text("tracking: {experiment: evals}\n", encoding="utf-8")  # default folder: mlruns/ beside it
    res = runner.invoke(_single(evaluate_sentiment), ["--model", str(tiny_model_dir), "--data", str(data),
                                                      "--text-column", "text", "--label-column", "label",
                                                      "--config", str(conf)])
    assert res.exit_code == 0, res.output
    client = _client((tmp_path / "mlruns").as_uri())
    (run,) = client.search_runs([client.get_experiment_by_name("evals").experiment_id])
    line = next(x for x in res.output.splitlines() if x.startswith("micro-F1"))
    assert f"{run.data.metrics['eval.micro_f1']:.4f}" == line.split()[1]
    assert run.data.params["model"] == "tiny@v1"


def test_without_tracking_nothing_is_logged(tmp_path, models_root):
    cfg = tiny_train_config(tmp_path, name="plain")
    path = tmp_path / "train.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    train_model(load_train_config(path))
    assert not (tmp_path / "mlruns").exists()
    assert not list(tmp_path.rglob("meta.yaml"))


def test_tracking_without_mlflow_says_how_to_install_before_training(tmp_path, models_root, monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow", None)  # import mlflow now raises ImportError
    cfg = tiny_train_config(tmp_path, name="nomlflow")
    cfg["tracking"] = {}
    path = tmp_path / "train.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    with pytest.raises(VocError, match=r"pip install 'voc\[mlflow\]'"):
        train_model(load_train_config(path))
    assert not models_root.exists() or not list(models_root.iterdir())  # failed before any model was written
