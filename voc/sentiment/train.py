"""Train a sentiment model from a YAML config into a versioned model directory with its card.

The directory holds the artifact, ``model.json``, ``train_config.yaml``, ``card.json`` (data
hashes, metrics, versions), ``model_card.md`` and ``evaluation.md``. It is written under a
temporary name and renamed at the end, so a failed run leaves no half-written model.
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from voc.config import ConfigError
from voc.sentiment.base import library_versions
from voc.sentiment.catalog import CARD_FILE, models_root, next_version_dir
from voc.sentiment.config import TrainConfig
from voc.sentiment.data import LabelledData, read_labelled
from voc.sentiment.evaluate import confusion_table, evaluate_model

log = logging.getLogger("voc.sentiment")


class TrainConfigError(ConfigError):
    """A training config that cannot be used; the message names the file and the key."""


def load_train_config(path: str | Path) -> TrainConfig:
    """Read and validate a training YAML; unknown keys are errors naming the key and the file."""
    from voc.config import load_yaml_model

    config = load_yaml_model(path, TrainConfig, "training config", TrainConfigError)
    # data paths, output_dir and the tracking folder are relative to the config file, not the current directory
    return config.relative_to_config(Path(path).resolve().parent)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)


def train_model(config: TrainConfig, output_root: Path | None = None) -> Path:
    """Train, evaluate on valid and test, and write ``<name>-v<N>``; returns its directory."""
    from voc.sentiment.registrations import backends

    backend = backends.get(config.backend)
    if config.tracking is not None:
        from voc.tracking import require_mlflow

        require_mlflow()
    started = time.perf_counter()
    seed_everything(config.seed)
    train = read_labelled(config.data.train)
    valid = read_labelled(config.data.valid) if config.data.valid else None
    test = read_labelled(config.data.test) if config.data.test else None
    log.info("training %s on %d texts (%s)", config.backend, len(train), ", ".join(f["name"] for f in train.files))

    model, tuning = backend.train(config, train, valid)
    train_seconds = time.perf_counter() - started

    root = Path(output_root) if output_root else (Path(config.output_dir) if config.output_dir else models_root())
    root.mkdir(parents=True, exist_ok=True)
    final = next_version_dir(config.name, root)
    model.version = "v" + final.name.rsplit("-v", 1)[1]
    staging = root / f".{final.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    model.save(staging)

    metrics: dict[str, Any] = {}
    for split, data in (("valid", valid), ("test", test)):
        if data is not None:
            metrics[split] = evaluate_model(model, data)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    card = build_card(config, model, train, valid, test, metrics, tuning, created, train_seconds)
    (staging / "train_config.yaml").write_text(
        yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    (staging / CARD_FILE).write_text(json.dumps(card, indent=1, ensure_ascii=False), encoding="utf-8")
    (staging / "model_card.md").write_text(model_card_markdown(card), encoding="utf-8")
    (staging / "evaluation.md").write_text(evaluation_markdown(card), encoding="utf-8")
    os.replace(staging, final)
    if config.tracking is not None:
        from voc.tracking import log_training

        run_id = log_training(config.tracking, card, final)
        log.info("logged training run %s to %s", run_id, config.tracking.uri)
    return final


def _data_summary(data: LabelledData | None) -> list[dict] | None:
    if data is None:
        return None
    counts: dict[str, dict[str, int]] = {}
    for src, label in zip(data.sources, data.labels, strict=True):
        counts.setdefault(src, {}).setdefault(label, 0)
        counts[src][label] += 1
    return [{**f, "labels": counts.get(f["name"], {})} for f in data.files]


def build_card(config, model, train, valid, test, metrics, tuning, created, train_seconds) -> dict[str, Any]:
    """Everything needed to trace and retrain the model, as JSON."""
    # one pair of figures per evaluation file: a split mixing Thai and English has no fair total
    headline = {}
    for split in ("valid", "test"):
        for source, s in metrics.get(split, {}).get("by_source", {}).items():
            headline[f"{source}_micro_f1"] = round(s["micro_f1"], 4)
            headline[f"{source}_macro_f1"] = round(s["macro_f1"], 4)
    return {
        "model": model.ref,
        "backend": config.backend,
        "created": created,
        "description": config.description,
        "seed": config.seed,
        "train_seconds": round(train_seconds, 1),
        "data": {"train": _data_summary(train), "valid": _data_summary(valid), "test": _data_summary(test)},
        "config": config.model_dump(mode="json"),
        "tuning": tuning,
        "headline": headline,
        "metrics": metrics,
        "library_versions": library_versions(),
        "artifact_bytes": sum(p.stat().st_size for p in model.path.rglob("*") if p.is_file()) if model.path else None,
    }


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.4f}"


def _metrics_rows(metrics: dict[str, Any]) -> list[str]:
    rows = [
        "| split | part | n | micro-F1 | macro-F1 | polarity acc. | share pos / neu / neg |",
        "|---|---|---|---|---|---|---|",
    ]
    for split, m in metrics.items():
        parts = [("all", m)] + [(f"lang {k}", v) for k, v in m["by_language"].items()]
        parts += [(f"file {k}", v) for k, v in m["by_source"].items()] if len(m["by_source"]) > 1 else []
        for part, s in parts:
            share = s["label_share"]
            rows.append(
                f"| {split} | {part} | {s['n']} | {_fmt(s['micro_f1'])} | {_fmt(s['macro_f1'])} | "
                f"{_fmt(s.get('polarity_accuracy'))} | "
                f"{share['positive']:.3f} / {share['neutral']:.3f} / {share['negative']:.3f} |"
            )
    return rows


def model_card_markdown(card: dict[str, Any]) -> str:
    """The human-readable model card."""
    cfg = card["config"]
    lines = [
        f"# Sentiment model `{card['model']}`",
        "",
        card["description"] or "",
        "",
        f"- backend: `{card['backend']}`; created {card['created']}; seed {card['seed']}; "
        f"trained in {card['train_seconds']} s",
        f"- artifact size: {card['artifact_bytes'] / 1e6:.1f} MB" if card.get("artifact_bytes") else "",
        "- output: label positive / neutral / negative (a question counts as neutral), four probabilities "
        "(p_positive, p_neutral, p_negative, p_question)",
        "",
        "## Data",
        "",
        "| split | file | rows | sha256 | labels |",
        "|---|---|---|---|---|",
    ]
    for split, files in card["data"].items():
        for f in files or []:
            labels = ", ".join(f"{k} {v}" for k, v in sorted(f["labels"].items()))
            lines.append(f"| {split} | `{f['path']}` | {f['rows']} | `{f['sha256'][:16]}...` | {labels} |")
    lines += ["", "## Metrics", "", *_metrics_rows(card["metrics"]), ""]
    for split, m in card["metrics"].items():
        lines += [f"### Confusion matrix, {split} (rows gold, columns predicted)", "", confusion_table(m), ""]
    lines += [
        "## Training settings",
        "",
        "```yaml",
        yaml.safe_dump({k: cfg[k] for k in cfg if k != "data"}, sort_keys=False, allow_unicode=True).strip(),
        "```",
        "",
        "Chosen on valid: " + json.dumps(card["tuning"], ensure_ascii=False),
        "",
        "## Library versions",
        "",
        ", ".join(f"{k} {v}" for k, v in card["library_versions"].items()),
        "",
    ]
    return "\n".join(line for line in lines if line is not None) + "\n"


def evaluation_markdown(card: dict[str, Any]) -> str:
    """The evaluation report: per-class figures for every split, language and file."""
    lines = [f"# Evaluation of `{card['model']}`", ""]
    for split, m in card["metrics"].items():
        groups = [("all", m)] + [(f"language {k}", v) for k, v in m["by_language"].items()]
        groups += [(f"file {k}", v) for k, v in m["by_source"].items()]
        for name, s in groups:
            lines += [
                f"## {split}: {name} (n={s['n']})",
                "",
                f"micro-F1 {s['micro_f1']:.4f}, macro-F1 {s['macro_f1']:.4f}"
                + (f", polarity accuracy {s['polarity_accuracy']:.4f}" if "polarity_accuracy" in s else ""),
                "",
                "| label | precision | recall | F1 | support |",
                "|---|---|---|---|---|",
            ]
            for label, c in s["per_class"].items():
                lines.append(f"| {label} | {c['precision']:.4f} | {c['recall']:.4f} | {c['f1']:.4f} | {c['support']} |")
            lines += ["", confusion_table(s), ""]
    return "\n".join(lines) + "\n"
