"""``sentiment.routed.v1``: one linear head per script (Thai/code-mixed vs other), chosen per text.

A single head trained on wisesight and English data together lets the larger Thai set dilute the
English weights (the shared character n-grams of digits, emoji and Latin words); two heads, each
trained and tuned on its own texts, keep each language's decision its own. Routing is by script
alone, so training, tuning and scoring route a text the same way whatever ``voc.text`` says.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from voc.sentiment.base import SentimentModel
from voc.sentiment.config import CANONICAL_LABELS, TrainConfig
from voc.sentiment.data import LabelledData
from voc.sentiment.linear import LinearSentimentModel

log = logging.getLogger("voc.sentiment")

BACKEND = "sentiment.routed.v1"
HEADS = ("th", "en")
HEADS_DIR = "heads"


_THAI_SCRIPT = re.compile("[\u0e01-\u0e5b]")


def route(texts: Sequence[str]) -> np.ndarray:
    """The head of each text: ``th`` when it has Thai script (Thai or code-mixed), else ``en``."""
    search = _THAI_SCRIPT.search
    return np.asarray(["th" if search(t) else "en" for t in texts], dtype=object)


def is_mixed(texts: Sequence[str]) -> np.ndarray:
    """Texts with Thai script and at least one Latin word (code-mixed customer Thai)."""
    from voc.sentiment.data import text_language

    return np.asarray([text_language(t) == "mixed" for t in texts], dtype=bool)


class RoutedSentimentModel(SentimentModel):
    """Linear heads by script; each text is scored by its own head only."""

    backend = BACKEND

    def __init__(
        self, name: str, version: str, heads: dict[str, LinearSentimentModel], mixed_weight: float = 0.0
    ) -> None:
        super().__init__(name, version)
        self.mixed_weight = float(mixed_weight)
        missing = [h for h in HEADS if h not in heads]
        if missing:
            raise ValueError(f"a routed model needs the heads {', '.join(HEADS)}; missing {', '.join(missing)}")
        self.heads = heads

    def predict_proba(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> np.ndarray:
        texts = [t if isinstance(t, str) else "" for t in texts]
        out = np.zeros((len(texts), len(CANONICAL_LABELS)))
        routes = route(texts)
        for head, model in self.heads.items():
            idx = np.flatnonzero(routes == head)
            if len(idx):
                out[idx] = model.predict_proba([texts[i] for i in idx])
        if self.mixed_weight > 0:
            # a code-mixed text's English words are read by the English head too, by the share chosen on valid
            mixed = np.flatnonzero(is_mixed(texts))
            if len(mixed):
                p_en = self.heads["en"].predict_proba([texts[i] for i in mixed])
                out[mixed] = (1 - self.mixed_weight) * out[mixed] + self.mixed_weight * p_en
        return out

    def save_artifact(self, directory: Path) -> dict[str, Any]:
        entries = {}
        for head, model in self.heads.items():
            model.name, model.version = self.name, self.version
            model.save(directory / HEADS_DIR / head)
            entries[head] = f"{HEADS_DIR}/{head}"
        return {
            "heads": entries,
            "routing": "Thai script -> th, otherwise en; code-mixed: en head's share mixed_weight",
            "mixed_weight": self.mixed_weight,
        }

    @classmethod
    def load(cls, directory: Path, manifest: dict[str, Any]) -> RoutedSentimentModel:
        from voc.sentiment.base import read_manifest

        heads = {}
        for head, rel in manifest["heads"].items():
            sub = Path(directory) / rel
            heads[head] = LinearSentimentModel.load(sub, read_manifest(sub))
        return cls(manifest["name"], manifest["version"], heads, float(manifest.get("mixed_weight", 0.0)))

    @classmethod
    def train(
        cls, config: TrainConfig, train: LabelledData, valid: LabelledData | None
    ) -> tuple[RoutedSentimentModel, dict[str, Any]]:
        """Route train and valid texts by script; train and tune each head on its own share."""
        heads: dict[str, LinearSentimentModel] = {}
        tuning: dict[str, Any] = {}
        train_routes = route(train.texts)
        valid_routes = route(valid.texts) if valid is not None else None
        for head in HEADS:
            part = train.subset(train_routes == head)
            if not len(part):
                raise ValueError(f"no training texts for the {head!r} head (routed by script)")
            vpart = valid.subset(np.asarray(valid_routes == head)) if valid is not None else None
            if vpart is not None and not len(vpart):
                vpart = None
            params = getattr(config.routed, head)
            log.info("head %s: %d training texts, %d valid", head, len(part), len(vpart) if vpart else 0)
            head_model, head_tuning = LinearSentimentModel.train(
                config.model_copy(update={"linear": params}), part, vpart
            )
            heads[head] = head_model
            tuning[head] = {"train_texts": len(part), "valid_texts": len(vpart) if vpart else 0, **head_tuning}
        model = cls(config.name, "unsaved", heads)
        if valid is not None:
            model.mixed_weight, tuning["mixed"] = choose_mixed_weight(
                model, valid, config.routed.th.macro_weight, config.routed.mixed_weights
            )
        return model, tuning


def choose_mixed_weight(
    model: RoutedSentimentModel, valid: LabelledData, macro_weight: float, shares: Sequence[float] = (0.0,)
) -> tuple[float, dict[str, Any]]:
    """The English head's share for code-mixed texts with the best valid score on the mixed valid texts."""
    from voc.sentiment.evaluate import classification_scores, predictions_for

    mask = is_mixed(valid.texts)
    if list(shares) == [0.0]:
        return 0.0, {"valid_texts": int(mask.sum()), "chosen": 0.0, "why": "mixed_weights is [0]: Thai head alone"}
    if mask.sum() < 20:
        return 0.0, {"valid_texts": int(mask.sum()), "chosen": 0.0, "why": "too few code-mixed valid texts"}
    texts = [t for t, m in zip(valid.texts, mask, strict=True) if m]
    gold = valid.labels[mask]
    p_th = model.heads["th"].predict_proba(texts)
    p_en = model.heads["en"].predict_proba(texts)
    scores = {}
    for w in shares:
        s = classification_scores(list(gold), list(predictions_for(gold, (1 - w) * p_th + w * p_en)))
        scores[w] = (s["micro_f1"] + macro_weight * s["macro_f1"], s["micro_f1"], s["macro_f1"])
    best = max(shares, key=lambda w: (scores[w][0], -w))  # ties keep the smaller share
    log.info("code-mixed valid texts %d: en share %.2f", int(mask.sum()), best)
    return best, {
        "valid_texts": int(mask.sum()),
        "chosen": best,
        "candidates": [
            {"en_share": w, "micro_f1": round(v[1], 4), "macro_f1": round(v[2], 4)} for w, v in scores.items()
        ],
    }
