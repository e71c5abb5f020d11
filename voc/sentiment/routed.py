"""``sentiment.routed.v1``: one linear head per script (Thai/code-mixed vs other), chosen per text.

A single head trained on wisesight and English data together lets the larger Thai set dilute the
English weights (the shared character n-grams of digits, emoji and Latin words); two heads, each
trained and tuned on its own texts, keep each language's decision its own. Routing is by script
alone, so training, tuning and scoring route a text the same way whatever ``voc.text`` says.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from voc.sentiment.base import SentimentModel
from voc.sentiment.config import CANONICAL_LABELS, TrainConfig
from voc.sentiment.data import LabelledData
from voc.sentiment.linear import LinearSentimentModel

log = logging.getLogger("voc.sentiment")

BACKEND = "sentiment.routed.v1"
HEADS = ("th", "en")
HEADS_DIR = "heads"


def route(texts: Sequence[str]) -> np.ndarray:
    """The head of each text: ``th`` when it has Thai script (Thai or code-mixed), else ``en``."""
    return np.asarray(["th" if any("\u0e01" <= ch <= "\u0e5b" for ch in t) else "en" for t in texts], dtype=object)


class RoutedSentimentModel(SentimentModel):
    """Linear heads by script; each text is scored by its own head only."""

    backend = BACKEND

    def __init__(self, name: str, version: str, heads: dict[str, LinearSentimentModel]) -> None:
        super().__init__(name, version)
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
        return out

    def save_artifact(self, directory: Path) -> dict[str, Any]:
        entries = {}
        for head, model in self.heads.items():
            model.name, model.version = self.name, self.version
            model.save(directory / HEADS_DIR / head)
            entries[head] = f"{HEADS_DIR}/{head}"
        return {"heads": entries, "routing": "Thai script -> th, otherwise en"}

    @classmethod
    def load(cls, directory: Path, manifest: dict[str, Any]) -> "RoutedSentimentModel":
        from voc.sentiment.base import read_manifest

        heads = {}
        for head, rel in manifest["heads"].items():
            sub = Path(directory) / rel
            heads[head] = LinearSentimentModel.load(sub, read_manifest(sub))
        return cls(manifest["name"], manifest["version"], heads)

    @classmethod
    def train(
        cls, config: TrainConfig, train: LabelledData, valid: LabelledData | None
    ) -> tuple["RoutedSentimentModel", dict[str, Any]]:
        """Route train and valid texts by script; train and tune each head on its own share."""
        heads: dict[str, LinearSentimentModel] = {}
        tuning: dict[str, Any] = {}
        train_routes = route(train.texts)
        valid_routes = route(valid.texts) if valid is not None else None
        for head in HEADS:
            part = train.subset(train_routes == head)
            if not len(part):
                raise ValueError(f"no training texts for the {head!r} head (routed by script)")
            vpart = valid.subset(valid_routes == head) if valid is not None else None
            if vpart is not None and not len(vpart):
                vpart = None
            params = getattr(config.routed, head)
            log.info("head %s: %d training texts, %d valid", head, len(part), len(vpart) if vpart else 0)
            model, head_tuning = LinearSentimentModel.train(config.model_copy(update={"linear": params}), part, vpart)
            heads[head] = model
            tuning[head] = {"train_texts": len(part), "valid_texts": len(vpart) if vpart else 0, **head_tuning}
        return cls(config.name, "unsaved", heads), tuning
