"""Experiment tracking: with ``tracking:`` in a config, ``voc train`` and ``voc evaluate`` log each run to MLflow.

Optional (``pip install 'voc[mlflow]'``, the light ``mlflow-skinny``); mlflow is imported only here,
only when a run is logged. Without a ``tracking`` section nothing is logged and nothing is imported.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from voc.errors import VocError

_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
_METRIC_UNSAFE = re.compile(r"[^A-Za-z0-9_\-. /]")


class TrackingError(VocError, RuntimeError):
    """Tracking is configured but cannot log (mlflow missing, server unreachable)."""


class TrackingConfig(BaseModel):
    """``tracking:`` in a training or pipeline config."""

    model_config = ConfigDict(extra="forbid")

    mlflow_uri: str = "mlruns"
    """An MLflow tracking URI (``sqlite:///...``, ``http://...``) or a folder, relative to the config
    file (default ``mlruns/`` beside it: MLflow's local file store)."""
    experiment: str = Field("voc-sentiment", min_length=1)

    def resolved(self, base: str | Path) -> TrackingConfig:
        """A copy whose folder (not a URI) is absolute, relative to ``base``."""
        if _URI_SCHEME.match(self.mlflow_uri):
            return self
        p = Path(os.path.expandvars(self.mlflow_uri)).expanduser()
        return self.model_copy(update={"mlflow_uri": str(p if p.is_absolute() else Path(base) / p)})

    @property
    def uri(self) -> str:
        """The URI MLflow is given: a folder becomes a ``file:`` URI."""
        return self.mlflow_uri if _URI_SCHEME.match(self.mlflow_uri) else Path(self.mlflow_uri).absolute().as_uri()


def require_mlflow() -> None:
    """Fail now, before a long run, when tracking is configured and mlflow is missing."""
    try:
        import mlflow  # noqa: F401
    except ImportError:
        raise TrackingError(
            "tracking is configured but mlflow is not installed; install it with: pip install 'voc[mlflow]' "
            "(or remove the tracking section)"
        ) from None


def _client(tracking: TrackingConfig):
    require_mlflow()
    from mlflow.tracking import MlflowClient

    if tracking.uri.startswith("file:"):
        # MLflow 3 keeps its local file store in maintenance mode behind this switch; a folder of runs is
        # what `tracking: {mlflow_uri: mlruns}` asks for
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    return MlflowClient(tracking_uri=tracking.uri)


def _metric_key(*parts: str) -> str:
    return ".".join(_METRIC_UNSAFE.sub("_", p) for p in parts if p)


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """Nested config as ``a.b.c`` -> value strings (MLflow params)."""
    out: dict[str, str] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(data, list) and data and all(isinstance(v, dict) for v in data):
        for i, v in enumerate(data):
            out.update(flatten(v, f"{prefix}.{i}"))
    else:
        out[prefix] = str(data)[:500]
    return out


def split_metrics(split: str, scores: dict[str, Any]) -> dict[str, float]:
    """``split.micro_f1`` and the same per language (``split.lang.th.micro_f1``) and per file."""
    out: dict[str, float] = {}

    def add(prefix: tuple[str, ...], s: dict[str, Any]) -> None:
        for key in ("micro_f1", "macro_f1", "polarity_accuracy"):
            if key in s and s[key] is not None:
                out[_metric_key(*prefix, key)] = float(s[key])
        if "n" in s:
            out[_metric_key(*prefix, "n")] = float(s["n"])

    add((split,), scores)
    for lang, s in scores.get("by_language", {}).items():
        add((split, "lang", lang), s)
    for source, s in scores.get("by_source", {}).items():
        add((split, "file", source), s)
    return out


def _log_run(
    tracking: TrackingConfig,
    run_name: str,
    params: dict[str, str],
    metrics: dict[str, float],
    tags: dict[str, str],
    dicts: dict[str, Any],
    artifact_dir: Path | None = None,
) -> str:
    from mlflow.entities import Metric, Param

    client = _client(tracking)
    try:
        experiment = client.get_experiment_by_name(tracking.experiment)
        experiment_id = experiment.experiment_id if experiment else client.create_experiment(tracking.experiment)
        run = client.create_run(experiment_id, run_name=run_name, tags=tags)
        run_id = run.info.run_id
        import time

        now = int(time.time() * 1000)
        items = list(params.items())
        for i in range(0, len(items), 100):  # MLflow takes at most 100 params per batch
            client.log_batch(run_id, params=[Param(k, v) for k, v in items[i : i + 100]])
        metric_items = [Metric(k, v, now, 0) for k, v in metrics.items()]
        for i in range(0, len(metric_items), 1000):
            client.log_batch(run_id, metrics=metric_items[i : i + 1000])
        for name, value in dicts.items():
            client.log_dict(run_id, value, name)
        if artifact_dir is not None:
            client.log_artifacts(run_id, str(artifact_dir), "model")
        client.set_terminated(run_id)
    except TrackingError:
        raise
    except Exception as e:  # noqa: BLE001 - a tracking server or store a user configured
        raise TrackingError(f"could not log to MLflow at {tracking.uri}: {type(e).__name__}: {e}") from None
    return run_id


def log_training(tracking: TrackingConfig, card: dict[str, Any], model_dir: Path) -> str:
    """Log a training run: its config, data hashes, metrics per split, language and file, the card and the model."""
    params = flatten({k: v for k, v in card["config"].items() if k not in ("data", "tracking")})
    for split, files in card["data"].items():
        for f in files or []:
            params[f"data.{split}.{f['name']}.sha256"] = f["sha256"]
            params[f"data.{split}.{f['name']}.rows"] = str(f["rows"])
            params[f"data.{split}.{f['name']}.path"] = str(f["path"])[:500]
    metrics = {k: v for split, m in card["metrics"].items() for k, v in split_metrics(split, m).items()}
    metrics["train_seconds"] = float(card.get("train_seconds") or 0.0)
    tags = {"voc.kind": "train", "voc.model": card["model"], "voc.backend": card["backend"],
            "voc.model_dir": str(model_dir)}
    return _log_run(tracking, f"train {card['model']}", params, metrics, tags, {"card.json": card}, model_dir)


def log_evaluation(tracking: TrackingConfig, model_ref: str, model_dir: Path | None, files: list[dict],
                   scores: dict[str, Any]) -> str:
    """Log an evaluation run: the model, the data's hashes, and the figures overall, per language and per file."""
    params = {"model": model_ref, "model_dir": str(model_dir or "")}
    for f in files:
        params[f"data.{f['name']}.sha256"] = f["sha256"]
        params[f"data.{f['name']}.rows"] = str(f["rows"])
    metrics = split_metrics("eval", scores)
    tags = {"voc.kind": "evaluate", "voc.model": model_ref}
    return _log_run(tracking, f"evaluate {model_ref}", params, metrics, tags, {"scores.json": scores})
