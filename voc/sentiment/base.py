"""The sentiment model interface every backend implements (backends register in ``registrations``).

A model scores texts into four probabilities (positive, neutral, negative, question; they sum
to 1). The reported label is one of positive/neutral/negative: a question counts as neutral,
so the label is the largest of ``p_positive``, ``p_neutral + p_question`` and ``p_negative``.
Evaluation against four-class data (wisesight) takes the argmax over the four probabilities.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from voc.errors import ModelError
from voc.schema import SENTIMENT_COLUMNS, SENTIMENT_LABELS
from voc.sentiment.config import CANONICAL_LABELS

if TYPE_CHECKING:
    from voc.sentiment.config import TrainConfig
    from voc.sentiment.data import LabelledData

OUTPUT_COLUMNS: list[str] = [c for c in SENTIMENT_COLUMNS if c != "record_id"]
"""What ``predict`` returns, in this order."""
PROBABILITY_COLUMNS: dict[str, str] = {label: f"p_{label}" for label in CANONICAL_LABELS}
MANIFEST_FILE = "model.json"
"""Every model directory has one: backend name, model name, version, classes."""


class ModelNotFoundError(ModelError):
    """A model name or path that does not lead to a model directory."""


class SentimentModel(ABC):
    """A trained model: ``predict`` texts into the sentiment columns."""

    backend: str = ""
    """The registry name the class is registered under."""

    def __init__(self, name: str, version: str) -> None:
        self.name = name
        self.version = version
        self.path: Path | None = None

    @property
    def ref(self) -> str:
        """``name@version``, stored with every score."""
        return f"{self.name}@{self.version}"

    @abstractmethod
    def predict_proba(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> np.ndarray:
        """An (n, 4) array over positive, neutral, negative, question; rows sum to 1."""

    @abstractmethod
    def save_artifact(self, directory: Path) -> dict[str, Any]:
        """Write the model's own files into ``directory``; return manifest entries to add."""

    @classmethod
    @abstractmethod
    def load(cls, directory: Path, manifest: dict[str, Any]) -> SentimentModel:
        """Read a model written by ``save``."""

    @classmethod
    @abstractmethod
    def train(
        cls, config: TrainConfig, train: LabelledData, valid: LabelledData | None
    ) -> tuple[SentimentModel, dict[str, Any]]:
        """Fit on ``train`` (``valid`` chooses settings); return the model and a tuning log for its card."""

    def predict(
        self, texts: Sequence[str], languages: Sequence[str] | None = None, courtesy: bool = True
    ) -> pd.DataFrame:
        """The sentiment columns of ``voc.schema.SENTIMENT_COLUMNS`` (without record_id), one row a text.

        ``courtesy``: leave a message's opening greeting and closing thanks out of its score
        (``voc.sentiment.courtesy``): "โดนตัดเงินซ้ำ ขอบคุณค่ะ" is a complaint, not praise.
        """
        from voc.sentiment.courtesy import strip_courtesy_all

        texts = [t if isinstance(t, str) else "" for t in texts]
        if languages is not None and len(languages) != len(texts):
            raise ValueError(f"got {len(texts)} texts but {len(languages)} languages")
        scored = strip_courtesy_all(texts) if courtesy else texts
        probs = self.predict_proba(scored, languages) if texts else np.zeros((0, len(CANONICAL_LABELS)))
        return probabilities_frame(probs, self.ref)

    def save(self, directory: Path, extra: dict[str, Any] | None = None) -> Path:
        """Write the artifact and its ``model.json`` manifest into ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        manifest = {
            "backend": self.backend,
            "name": self.name,
            "version": self.version,
            "classes": list(CANONICAL_LABELS),
            "library_versions": library_versions(),
        }
        manifest.update(self.save_artifact(directory))
        manifest.update(extra or {})
        (directory / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        self.path = directory
        return directory


def probabilities_frame(probs: np.ndarray, model_ref: str) -> pd.DataFrame:
    """The output table from four-class probabilities."""
    probs = np.asarray(probs, dtype=np.float64)
    pos, neu, neg, q = probs.T if len(probs) else np.zeros((4, 0))
    # a question is a neutral statement of sentiment: it joins neutral for the label
    three = np.stack([pos, neu + q, neg], axis=1) if len(probs) else np.zeros((0, 3))
    choice = three.argmax(axis=1) if len(probs) else np.zeros(0, dtype=int)
    labels = np.asarray(SENTIMENT_LABELS, dtype=object)[choice]
    return pd.DataFrame(
        {
            "sentiment": labels,
            "sentiment_confidence": three[np.arange(len(three)), choice] if len(probs) else np.zeros(0),
            "p_positive": pos,
            "p_neutral": neu,
            "p_negative": neg,
            "p_question": q,
            "sentiment_model": [model_ref] * len(probs),
        },
        columns=OUTPUT_COLUMNS,
    )


def library_versions() -> dict[str, str]:
    """Versions of the libraries that can change what a model computes."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("numpy", "scipy", "scikit-learn", "nlpo3", "pythainlp", "torch", "transformers", "tokenizers"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def read_manifest(directory: Path) -> dict[str, Any]:
    """A model directory's ``model.json``."""
    path = Path(directory) / MANIFEST_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelNotFoundError(f"{directory} is not a sentiment model directory (no {MANIFEST_FILE})") from None
