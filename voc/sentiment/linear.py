"""``sentiment.linear.v1``: TF-IDF words + character n-grams, NB-weighted linear SVMs or logistic regression.

Trained with scikit-learn, stored as JSON and .npy arrays (no pickle), scored with numpy/scipy.
Per-class log-offsets chosen on the valid split are part of the model, so the probabilities'
argmax is the tuned decision.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from voc.sentiment.base import SentimentModel
from voc.sentiment.config import CANONICAL_LABELS, LinearParams, TrainConfig
from voc.sentiment.data import LabelledData
from voc.sentiment.features import Featurizer, FeaturizerSettings, default_words_file

log = logging.getLogger("voc.sentiment")

BACKEND = "sentiment.linear.v1"
WORDS_FILE = "thai_words.txt"


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


class LinearSentimentModel(SentimentModel):
    """A linear model over the featurizer's blocks; weights are (features, 4) per block."""

    backend = BACKEND

    def __init__(
        self,
        name: str,
        version: str,
        featurizer: Featurizer,
        weights: dict[str, np.ndarray],
        bias: np.ndarray,
        offsets: np.ndarray | None = None,
    ) -> None:
        super().__init__(name, version)
        self.featurizer = featurizer
        self.weights = {k: np.asarray(w, dtype=np.float32) for k, w in weights.items()}
        self.bias = np.asarray(bias, dtype=np.float64)
        self.offsets = np.zeros(len(CANONICAL_LABELS)) if offsets is None else np.asarray(offsets, dtype=np.float64)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Scores before offsets and softmax; a class never seen in training stays at -inf."""
        blocks = self.featurizer.transform(texts)
        z = np.tile(self.bias, (len(texts), 1))
        for kind, m in blocks.items():
            z += np.asarray(m @ self.weights[kind], dtype=np.float64)
        return z

    def predict_proba(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> np.ndarray:
        # languages are not needed: the features themselves tell Thai from English script
        return _softmax(self.logits(texts) + self.offsets)

    def save_artifact(self, directory: Path) -> dict[str, Any]:
        f = self.featurizer
        shutil.copyfile(f.words_file, directory / WORDS_FILE)
        words = sorted(f.word_vocab, key=f.word_vocab.__getitem__)
        (directory / "word_vocab.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
        np.savez_compressed(
            directory / "weights.npz",
            char_buckets=f.char_buckets.astype(np.uint32),
            idf_word=f.idf.get("word", np.zeros(0, np.float32)),
            idf_char=f.idf.get("char", np.zeros(0, np.float32)),
            w_word=self.weights.get("word", np.zeros((0, 4), np.float32)),
            w_char=self.weights.get("char", np.zeros((0, 4), np.float32)),
            bias=self.bias,
            offsets=self.offsets,
        )
        return {
            "featurizer": {**f.settings.to_json(), "char_bits": f.char_bits, "words_file": WORDS_FILE},
            "n_features": f.n_features(),
            "offsets": self.offsets.round(6).tolist(),
        }

    @classmethod
    def load(cls, directory: Path, manifest: dict[str, Any]) -> LinearSentimentModel:
        spec = manifest["featurizer"]
        f = Featurizer(FeaturizerSettings.from_json(spec), directory / spec["words_file"], int(spec["char_bits"]))
        words = json.loads((directory / "word_vocab.json").read_text(encoding="utf-8"))
        f.word_vocab = {g: i for i, g in enumerate(words)}
        with np.load(directory / "weights.npz", allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        f.char_buckets = arrays["char_buckets"].astype(np.int64)
        weights = {}
        for kind in f.kinds:
            f.idf[kind] = arrays[f"idf_{kind}"]
            weights[kind] = arrays[f"w_{kind}"]
        f.warm()
        return cls(manifest["name"], manifest["version"], f, weights, arrays["bias"], arrays["offsets"])

    @classmethod
    def train(
        cls, config: TrainConfig, train: LabelledData, valid: LabelledData | None
    ) -> tuple[LinearSentimentModel, dict[str, Any]]:
        """Fit on ``train``; choose C and offsets on ``valid``. Returns the model and a tuning log."""
        return _train(config, train, valid)


def _objective(gold: np.ndarray, probs: np.ndarray, macro_weight: float) -> tuple[float, float, float]:
    from voc.sentiment.evaluate import classification_scores, predictions_for

    s = classification_scores(gold, predictions_for(gold, probs))
    return s["micro_f1"] + macro_weight * s["macro_f1"], s["micro_f1"], s["macro_f1"]


def tune_offsets(logits: np.ndarray, gold: np.ndarray, params: LinearParams) -> np.ndarray:
    """Per-class log-offsets by coordinate ascent on valid (neutral stays 0; two sweeps)."""
    offsets = np.zeros(len(CANONICAL_LABELS))
    present = np.isfinite(logits).all(axis=0)
    best = _objective(gold, _softmax(logits + offsets), params.macro_weight)[0]
    for _ in range(2):
        for k, label in enumerate(CANONICAL_LABELS):
            if label == "neutral" or not present[k]:
                continue
            for value in params.offset_grid:
                trial = offsets.copy()
                trial[k] = value
                score = _objective(gold, _softmax(logits + trial), params.macro_weight)[0]
                if score > best + 1e-12:  # ties keep the earlier (smaller) change
                    best, offsets = score, trial
    return offsets


def _train(
    config: TrainConfig, train: LabelledData, valid: LabelledData | None
) -> tuple[LinearSentimentModel, dict[str, Any]]:
    import scipy.sparse as sp

    p = config.linear
    settings = FeaturizerSettings(
        lowercase=p.lowercase, word_ngrams=p.word_ngrams, char_ngrams=p.char_ngrams,
        sublinear_tf=p.sublinear_tf,
    )
    featurizer = Featurizer(settings, default_words_file()).fit(train.texts, p.min_df, p.max_features)
    log.info("features: %s", featurizer.n_features())
    blocks = featurizer.transform(train.texts)
    x_train = sp.hstack([blocks[k] for k in featurizer.kinds]).tocsr()
    x_valid = None
    if valid is not None and len(valid):  # x_valid is set only with valid data
        vb = featurizer.transform(valid.texts)
        x_valid = sp.hstack([vb[k] for k in featurizer.kinds]).tocsr()

    trained = [c for c in CANONICAL_LABELS if c in set(train.labels)]
    if len(trained) < 2:
        raise ValueError(f"training data has only the label(s) {trained}; need at least two")
    candidates: list[dict[str, Any]] = []
    for C in p.C:
        if p.classifier == "svm":
            coef, bias = _fit_svm(x_train, train.labels, trained, C, p, config.seed)
        else:
            coef, bias = _fit_logistic(x_train, train.labels, trained, C, p, config.seed)
        entry: dict[str, Any] = {"C": C, "coef": coef, "bias": bias, "temperature": 1.0}
        if x_valid is not None and valid is not None:
            z = np.asarray(x_valid @ coef, dtype=np.float64) + bias
            if p.classifier == "svm":
                # SVM margins are not log-odds: one scale, fitted by valid log-loss, makes them so
                entry["temperature"] = fit_temperature(z, valid.labels)
            z = z * entry["temperature"]
            entry["valid_logits"] = z
            entry["score"], entry["micro_f1"], entry["macro_f1"] = _objective(valid.labels, _softmax(z), p.macro_weight)
            log.info("C=%s valid micro-F1 %.4f macro-F1 %.4f", C, entry["micro_f1"], entry["macro_f1"])
        candidates.append(entry)
    best = max(candidates, key=lambda e: e.get("score", 0.0)) if x_valid is not None else candidates[0]
    offsets = np.zeros(len(CANONICAL_LABELS))
    if p.tune_offsets and x_valid is not None and valid is not None:
        offsets = tune_offsets(best["valid_logits"], valid.labels, p)
    tuning = {
        "chosen_C": best["C"],
        "temperature": round(best["temperature"], 6),
        "offsets": dict(zip(CANONICAL_LABELS, offsets.round(4).tolist(), strict=True)),
        "candidates": [
            {k: round(v, 6) for k, v in e.items() if k in ("C", "micro_f1", "macro_f1", "score", "temperature")}
            for e in candidates
        ],
    }
    # the temperature is folded into the weights: the stored model is one linear map + offsets
    coef = (best["coef"] * best["temperature"]).astype(np.float32)
    bias = best["bias"] * best["temperature"]
    split = np.cumsum([featurizer.n_features()[k] for k in featurizer.kinds])[:-1]
    weights = dict(zip(featurizer.kinds, np.split(coef, split, axis=0), strict=True))
    model = LinearSentimentModel(config.name, "unsaved", featurizer, weights, bias, offsets)
    return model, tuning


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """The scale of ``logits`` with the lowest log-loss on ``gold`` (a grid in log space)."""
    idx = np.array([CANONICAL_LABELS.index(g) for g in gold])
    best, best_t = np.inf, 1.0
    for t in np.geomspace(0.05, 50.0, 121):
        z = logits * t
        z = z - z.max(axis=1, keepdims=True)
        with np.errstate(invalid="ignore"):
            loss = -(z[np.arange(len(z)), idx] - np.log(np.exp(z).sum(axis=1))).mean()
        if loss < best:
            best, best_t = loss, float(t)
    return best_t


def _nb_ratio(x, positive: np.ndarray, alpha: float) -> np.ndarray:
    """Naive-Bayes log-count ratio of each feature for one class against the rest."""
    p = alpha + np.asarray(x[positive].sum(axis=0)).ravel()
    q = alpha + np.asarray(x[~positive].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum()))


def _fit_svm(x, labels, trained, C, p: LinearParams, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest linear SVMs (NB-weighted if set); the NB scaling is folded into the weights."""
    from sklearn.svm import LinearSVC

    coef = np.zeros((x.shape[1], len(CANONICAL_LABELS)), dtype=np.float64)
    bias = np.full(len(CANONICAL_LABELS), -np.inf)
    for label in trained:
        k = CANONICAL_LABELS.index(label)
        positive = np.asarray(labels == label)
        scale = _nb_ratio(x, positive, p.nb_alpha) if p.nb_weighting else np.ones(x.shape[1])
        clf = LinearSVC(
            C=C, max_iter=p.max_iter, random_state=seed,
            class_weight=None if p.class_weight == "none" else "balanced",
        )
        clf.fit(x.multiply(scale).tocsr() if p.nb_weighting else x, positive)
        coef[:, k] = clf.coef_[0] * scale
        bias[k] = clf.intercept_[0]
    return coef, bias


def _fit_logistic(x, labels, trained, C, p: LinearParams, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(
        C=C, max_iter=p.max_iter, random_state=seed,
        class_weight=None if p.class_weight == "none" else "balanced",
    )
    clf.fit(x, labels)
    return _expand(clf, trained)


def _expand(clf, trained: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(features, 4) weights and a bias over all four classes; untrained classes get -inf bias."""
    n_features = clf.coef_.shape[1]
    coef = np.zeros((n_features, len(CANONICAL_LABELS)), dtype=np.float32)
    bias = np.full(len(CANONICAL_LABELS), -np.inf)
    classes = list(clf.classes_)
    if len(classes) == 2:  # scikit-learn keeps one row for two classes: the second's log-odds
        rows = {classes[0]: -0.5 * clf.coef_[0], classes[1]: 0.5 * clf.coef_[0]}
        biases = {classes[0]: -0.5 * clf.intercept_[0], classes[1]: 0.5 * clf.intercept_[0]}
    else:
        rows = dict(zip(classes, clf.coef_, strict=True))
        biases = dict(zip(classes, clf.intercept_, strict=True))
    for label in trained:
        k = CANONICAL_LABELS.index(label)
        coef[:, k] = rows[label]
        bias[k] = biases[label]
    return coef, bias
