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
ASSIST_DIR = "en-assist"
TH_ASSIST_DIR = "th-assist"


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
        self, name: str, version: str, heads: dict[str, LinearSentimentModel], mixed_weight: float = 0.0,
        assist: SentimentModel | None = None, assist_threshold: float = 0.0, assist_weight: float = 0.0,
    ) -> None:
        super().__init__(name, version)
        self.mixed_weight = float(mixed_weight)
        self.assist = assist
        """A transformer that re-reads the English texts whose linear confidence is below the threshold."""
        self.assist_threshold = float(assist_threshold)
        self.assist_weight = float(assist_weight)
        self.th_assist: SentimentModel | None = None
        """A transformer that re-reads the Thai and code-mixed texts whose th-head confidence is below its threshold."""
        self.th_assist_threshold = 0.0
        self.th_assist_weight = 0.0
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
                assist, threshold, weight = self._assist_for(head)
                if assist is not None and weight > 0:
                    out[idx] = _assisted(assist, threshold, weight, out[idx], [texts[i] for i in idx])
        if self.mixed_weight > 0:
            # a code-mixed text's English words are read by the English head too, by the share chosen on valid
            mixed = np.flatnonzero(is_mixed(texts))
            if len(mixed):
                p_en = self.heads["en"].predict_proba([texts[i] for i in mixed])
                out[mixed] = (1 - self.mixed_weight) * out[mixed] + self.mixed_weight * p_en
        return out

    def _assist_for(self, head: str) -> tuple[SentimentModel | None, float, float]:
        if head == "en":
            return self.assist, self.assist_threshold, self.assist_weight
        return self.th_assist, self.th_assist_threshold, self.th_assist_weight

    def save_artifact(self, directory: Path) -> dict[str, Any]:
        entries = {}
        for head, model in self.heads.items():
            model.name, model.version = self.name, self.version
            model.save(directory / HEADS_DIR / head)
            entries[head] = f"{HEADS_DIR}/{head}"
        extra: dict[str, Any] = {}
        stored: dict[str, str] = {}  # an assist's ref -> where it is stored, so one model used twice is stored once
        for key, folder, assist, threshold, weight, who in (
            ("en_assist", ASSIST_DIR, self.assist, self.assist_threshold, self.assist_weight, "English texts"),
            ("th_assist", TH_ASSIST_DIR, self.th_assist, self.th_assist_threshold, self.th_assist_weight,
             "Thai and code-mixed texts"),
        ):
            if assist is None:
                continue
            source = assist.ref
            if source not in stored:
                assist.save(directory / HEADS_DIR / folder, {"copied_from": source})
                stored[source] = f"{HEADS_DIR}/{folder}"
            head = key.split("_")[0]
            extra[key] = {
                "path": stored[source],
                "model": source,
                "threshold": threshold,
                "weight": weight,
                "rule": f"{who} whose {head}-head confidence is below threshold: "
                f"(1 - weight) x {head} head + weight x assist",
            }
        return {
            "heads": entries,
            "routing": "Thai script -> th, otherwise en; code-mixed: en head's share mixed_weight",
            "mixed_weight": self.mixed_weight,
            **extra,
        }

    @classmethod
    def load(cls, directory: Path, manifest: dict[str, Any]) -> RoutedSentimentModel:
        from voc.sentiment.base import read_manifest

        heads = {}
        for head, rel in manifest["heads"].items():
            sub = Path(directory) / rel
            heads[head] = LinearSentimentModel.load(sub, read_manifest(sub))
        model = cls(manifest["name"], manifest["version"], heads, float(manifest.get("mixed_weight", 0.0)))
        lazy: dict[str, LazyAssist] = {}  # one folder, one loaded transformer, for both heads
        for key in ("en_assist", "th_assist"):
            assist = manifest.get(key)
            if not assist:
                continue
            shared = lazy.setdefault(assist["path"], LazyAssist(Path(directory) / assist["path"]))
            if key == "en_assist":
                model.assist, model.assist_threshold, model.assist_weight = (
                    shared, float(assist["threshold"]), float(assist["weight"]))
            else:
                model.th_assist, model.th_assist_threshold, model.th_assist_weight = (
                    shared, float(assist["threshold"]), float(assist["weight"]))
        return model

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
        loaded: dict[str, SentimentModel] = {}
        for head in HEADS:
            if getattr(config.routed, f"{head}_assist") is not None:
                tuning[f"{head}_assist"] = attach_assist(model, config, valid, head, loaded)
        return model, tuning


def _assisted(assist: SentimentModel, threshold: float, weight: float, p_linear: np.ndarray,
              texts: list[str]) -> np.ndarray:
    """Blend the assist's probabilities into the texts whose linear confidence is below the threshold."""
    sent = np.flatnonzero(three_class_confidence(p_linear) < threshold)
    if not len(sent):
        return p_linear
    out = p_linear.copy()
    p_assist = assist.predict_proba([texts[i] for i in sent])
    out[sent] = (1 - weight) * p_linear[sent] + weight * p_assist
    return out


def three_class_confidence(probs: np.ndarray) -> np.ndarray:
    """The reported label's probability (a question counts as neutral), as ``predict`` reports it."""
    pos, neu, neg, q = probs.T
    return np.maximum(np.maximum(pos, neu + q), neg)


class LazyAssist(SentimentModel):
    """The stored assist, loaded (torch, transformers, weights) only when a text first needs it.

    Loading the routed model stays as fast as its linear heads; a batch with no unsure English text
    never imports torch.
    """

    backend = "sentiment.lazy-assist"

    def __init__(self, directory: Path) -> None:
        from voc.sentiment.base import read_manifest

        self.directory = Path(directory)
        manifest = read_manifest(self.directory)
        super().__init__(manifest["name"], manifest["version"])
        self._model: SentimentModel | None = None

    def loaded(self) -> SentimentModel:
        if self._model is None:
            self._model = load_assist(self.directory)
        return self._model

    def predict_proba(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> np.ndarray:
        return self.loaded().predict_proba(texts, languages)

    def save_artifact(self, directory: Path) -> dict[str, Any]:
        return self.loaded().save_artifact(directory)

    def save(self, directory: Path, extra: dict[str, Any] | None = None) -> Path:
        return self.loaded().save(directory, extra)

    @classmethod
    def load(cls, directory: Path, manifest: dict[str, Any]) -> LazyAssist:
        return cls(directory)

    @classmethod
    def train(cls, config, train, valid):  # pragma: no cover - never trained, only stored
        raise NotImplementedError("the assist is trained as its own sentiment.transformer.v1 model")


def load_assist(directory: Path) -> SentimentModel:
    """A stored assist: a sentiment.transformer.v1 model folder (torch is imported here, not before)."""
    from voc.sentiment.base import read_manifest

    manifest = read_manifest(directory)
    if manifest.get("backend") != "sentiment.transformer.v1":
        raise ValueError(f"routed assist model {directory.name}: expected a sentiment.transformer.v1 model folder, "
                         f"found backend {manifest.get('backend')!r}")
    from voc.sentiment.transformer import TransformerSentimentModel

    model = TransformerSentimentModel.load(directory, manifest)
    model.path = directory
    return model


def attach_assist(model: RoutedSentimentModel, config: TrainConfig, valid: LabelledData | None, head: str = "en",
                  loaded: dict[str, SentimentModel] | None = None) -> dict[str, Any]:
    """Load the configured assist of ``head`` and choose its threshold and weight on that head's valid texts."""
    from voc.sentiment.evaluate import classification_scores, predictions_for

    key = f"{head}_assist"
    params = getattr(config.routed, key)
    assert params is not None
    folder = str(Path(params.model).expanduser().resolve())
    loaded = {} if loaded is None else loaded
    if folder not in loaded:
        loaded[folder] = load_assist(Path(folder))
    assist = loaded[folder]
    if valid is None:
        raise ValueError(f"routed.{key} needs valid data to choose its threshold and weight")
    mask = route(valid.texts) == head
    if mask.sum() < 20:
        raise ValueError(f"routed.{key} needs at least 20 valid texts of the {head} head to choose on; "
                         f"got {int(mask.sum())}")
    texts = [t for t, m in zip(valid.texts, mask, strict=True) if m]
    gold = valid.labels[mask]
    p_lin = model.heads[head].predict_proba(texts)
    p_assist = assist.predict_proba(texts)
    confidence = three_class_confidence(p_lin)
    macro_weight = getattr(config.routed, head).macro_weight

    def score(p: np.ndarray) -> dict[str, float]:
        return classification_scores(list(gold), list(predictions_for(gold, p)))

    base = score(p_lin)
    candidates = []
    best = (base["micro_f1"] + macro_weight * base["macro_f1"], 0.0, 0.0, 0.0)  # (score, -share, threshold, w)
    for threshold in params.thresholds:
        sent = confidence < threshold
        share = float(sent.mean())
        for w in params.weights:
            p = p_lin.copy()
            p[sent] = (1 - w) * p_lin[sent] + w * p_assist[sent]
            s = score(p)
            value = s["micro_f1"] + macro_weight * s["macro_f1"]
            candidates.append({"threshold": threshold, "weight": w, "share": round(share, 4),
                               "micro_f1": round(s["micro_f1"], 4), "macro_f1": round(s["macro_f1"], 4),
                               "allowed": share <= params.max_share})
            if share <= params.max_share and (value, -share) > best[:2]:
                best = (value, -share, threshold, w)
    _, neg_share, threshold, weight = best
    if weight > 0:
        if head == "en":
            model.assist, model.assist_threshold, model.assist_weight = assist, threshold, weight
        else:
            model.th_assist, model.th_assist_threshold, model.th_assist_weight = assist, threshold, weight
    log.info("%s assist %s: threshold %.2f weight %.2f (%.1f%% of the head's valid texts)",
             head, assist.ref, threshold, weight, -100 * neg_share)
    return {
        "model": assist.ref,
        "valid_texts": int(mask.sum()),
        "linear_alone": {"micro_f1": round(base["micro_f1"], 4), "macro_f1": round(base["macro_f1"], 4)},
        "chosen": {"threshold": threshold, "weight": weight, "share": round(-neg_share, 4)} if weight > 0 else None,
        "max_share": params.max_share,
        "candidates": candidates,
    }


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
