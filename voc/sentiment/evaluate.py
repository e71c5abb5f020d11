"""Scores of a model on labelled data: micro/macro-F1, confusion matrix, by language and by source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from voc.sentiment.config import CANONICAL_LABELS
from voc.sentiment.data import LabelledData

_INDEX = {label: i for i, label in enumerate(CANONICAL_LABELS)}


def four_class_predictions(probs: np.ndarray) -> np.ndarray:
    """The argmax over positive, neutral, negative, question (how wisesight is scored)."""
    return np.asarray(CANONICAL_LABELS, dtype=object)[np.asarray(probs).argmax(axis=1)]


def classification_scores(gold: Sequence[str] | np.ndarray, pred: Sequence[str] | np.ndarray) -> dict[str, Any]:
    """Micro-F1 (= accuracy for one label per text), macro-F1 over the gold labels, confusion matrix.

    Macro-F1 averages over the labels present in ``gold``; a prediction outside them (a
    neutral for positive/negative-only review data) counts as an error, not as a class.
    """
    gold_arr = np.asarray(gold, dtype=object)
    pred_arr = np.asarray(pred, dtype=object)
    labels = [c for c in CANONICAL_LABELS if c in set(gold_arr) | set(pred_arr)]
    gold_labels = [c for c in CANONICAL_LABELS if c in set(gold_arr)]
    idx = {c: i for i, c in enumerate(labels)}
    cm = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for g, p in zip(gold_arr, pred_arr, strict=True):
        cm[idx[g], idx[p]] += 1
    per_class = {}
    for c in gold_labels:
        i = idx[c]
        tp = cm[i, i]
        precision = tp / cm[:, i].sum() if cm[:, i].sum() else 0.0
        recall = tp / cm[i, :].sum() if cm[i, :].sum() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[c] = {
            "precision": float(precision), "recall": float(recall), "f1": float(f1), "support": int(cm[i, :].sum())
        }
    n = len(gold_arr)
    micro = float(np.trace(cm) / n) if n else 0.0
    macro = float(np.mean([v["f1"] for v in per_class.values()])) if per_class else 0.0
    return {
        "n": int(n),
        "micro_f1": micro,
        "macro_f1": macro,
        "per_class": per_class,
        "confusion": {"labels": labels, "matrix": cm.tolist()},  # rows gold, columns predicted
    }


def reported_labels(probs: np.ndarray) -> np.ndarray:
    """The label ``predict`` reports: positive, neutral (with question) or negative."""
    pos, neu, neg, q = np.asarray(probs).T
    best = np.stack([pos, neu + q, neg], axis=1).argmax(axis=1)
    return np.asarray(["positive", "neutral", "negative"], dtype=object)[best]


def predictions_for(gold: Sequence[str] | np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Four-class argmax where the gold labels have questions (wisesight), else the reported label.

    Three-class data (tweets, customer-service sets) has no question class: a question read as
    such is the neutral the model reports, not an error.
    """
    if len(probs) == 0:
        return np.zeros(0, dtype=object)
    return four_class_predictions(probs) if "question" in set(gold) else reported_labels(probs)


def score_probabilities(data: LabelledData, probs: np.ndarray) -> dict[str, Any]:
    """All figures for one split: overall, by language and by source file."""
    # each file by its own label set: a valid split can mix wisesight (questions) and tweets (none)
    sources = np.asarray(data.sources, dtype=object)
    pred = np.empty(len(data), dtype=object)
    for src in set(data.sources):
        mask = sources == src
        pred[mask] = predictions_for(data.labels[mask], probs[mask])
    out = classification_scores(data.labels, pred)
    out.update(_extras(data.labels, probs))
    for key, group_of in (("by_language", data.languages), ("by_source", data.sources)):
        groups = np.asarray(group_of, dtype=object)
        out[key] = {}
        for g in sorted(set(groups)):
            mask = groups == g
            part = classification_scores(data.labels[mask], pred[mask])
            part.update(_extras(data.labels[mask], probs[mask]))
            out[key][g] = part
    return out


def _extras(gold: np.ndarray, probs: np.ndarray) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    # Share of each reported label (question folded into neutral, as predict reports it).
    pos, neu, neg, q = np.asarray(probs).T
    three = np.stack([pos, neu + q, neg], axis=1).argmax(axis=1)
    extras["label_share"] = {
        label: float(np.mean(three == i)) if len(three) else 0.0
        for i, label in enumerate(("positive", "neutral", "negative"))
    }
    # On positive/negative-only data (review sentences) the fair figure also ignores neutral.
    if len(gold) and set(gold) <= {"positive", "negative"}:
        polarity = np.where(pos >= neg, "positive", "negative")
        extras["polarity_accuracy"] = float(np.mean(polarity == gold))
    return extras


def evaluate_model(model, data: LabelledData, batch_size: int = 4096, courtesy: bool = False) -> dict[str, Any]:
    """Score ``model`` on ``data``: the model on texts as written (what its card reports), or with
    ``courtesy`` as the pipeline scores them, greetings and thanks left out (``voc.sentiment.courtesy``)."""
    from voc.sentiment.courtesy import strip_courtesy_all

    texts = strip_courtesy_all(data.texts) if courtesy else data.texts
    parts = [
        model.predict_proba(texts[i : i + batch_size], data.languages[i : i + batch_size])
        for i in range(0, len(data), batch_size)
    ]
    probs = np.concatenate(parts) if parts else np.zeros((0, len(CANONICAL_LABELS)))
    return score_probabilities(data, probs)


def confusion_table(scores: dict[str, Any]) -> str:
    """The confusion matrix as a Markdown table (rows gold, columns predicted)."""
    labels = scores["confusion"]["labels"]
    lines = ["| gold \\ predicted | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for label, row in zip(labels, scores["confusion"]["matrix"], strict=True):
        lines.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)
