"""Settings of the sentiment stage: the pipeline's ``sentiment`` section and the training YAML."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from voc.tracking import TrackingConfig

SHARED_DATA_TOKEN = "{shared_data}"
"""Written at the start of a data path, stands for ``voc.paths.shared_data_dir()``."""

CANONICAL_LABELS = ("positive", "neutral", "negative", "question")
"""The four classes a model predicts; ``question`` is wisesight's ``q``."""

WISESIGHT_LABELS = {"pos": "positive", "neu": "neutral", "neg": "negative", "q": "question"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataFile(_Strict):
    """One labelled file: where it is, which columns hold text and label, how labels map."""

    path: str
    """CSV, TSV, JSONL, Parquet or XLSX (first sheet); ``{shared_data}/...`` is the shared data folder
    (``$VOC_SHARED_DATA``, else ``../shared/data`` beside the checkout); a relative path is relative
    to the config file it is written in."""
    format: Literal["auto", "csv", "tsv", "jsonl", "parquet", "xlsx"] = "auto"
    """``auto`` goes by the suffix (``.txt`` is read as TSV)."""
    text_column: str = "text"
    label_column: str = "label"
    columns: list[str] | None = None
    """Column names for a CSV/TSV without a header row (UCI sentences: ``[text, label]``)."""
    label_map: dict[str, str] = Field(default_factory=dict)
    """Raw label -> one of positive, neutral, negative, question; canonical labels map to themselves."""
    default_label: str | None = None
    """The label of every row whose raw label is not in label_map (banking77's intents -> neutral);
    without it such a row is an error."""
    language: str | None = None
    """The language of every row (``th``, ``en``), recorded for per-language metrics."""
    language_column: str | None = None
    name: str | None = None
    """Short name in reports (default: the file name)."""
    drop_labels: list[str] = Field(default_factory=list)
    """Raw labels whose rows are left out (an intent that says nothing about the customer's feeling)."""
    script: Literal["any", "thai", "non-thai"] = "any"
    """Keep only the rows with Thai script (``thai``: Thai and code-mixed) or without it (``non-thai``),
    the way ``sentiment.routed.v1`` routes texts to its heads."""
    repeat: int = Field(1, ge=1, le=100)
    """Training files only: each row is read this many times, so a small file close to the target domain
    weighs as much as that many copies of itself (in the classifier and in the feature counts alike)."""

    @field_validator("label_map")
    @classmethod
    def _known_targets(cls, v: dict[str, str]) -> dict[str, str]:
        bad = sorted({t for t in v.values() if t not in CANONICAL_LABELS})
        if bad:
            raise ValueError(f"label_map targets must be one of {', '.join(CANONICAL_LABELS)}; got {', '.join(bad)}")
        return {str(k): t for k, t in v.items()}

    @field_validator("default_label")
    @classmethod
    def _known_default(cls, v: str | None) -> str | None:
        if v is not None and v not in CANONICAL_LABELS:
            raise ValueError(f"default_label must be one of {', '.join(CANONICAL_LABELS)}")
        return v

    @model_validator(mode="after")
    def _one_language_source(self) -> DataFile:
        if self.language and self.language_column:
            raise ValueError("give language or language_column, not both")
        return self

    def resolved_path(self) -> Path:
        """The file's path with ``{shared_data}`` and ``$VARS`` expanded."""
        from voc.paths import shared_data_dir

        raw = self.path
        if raw.startswith(SHARED_DATA_TOKEN):
            return shared_data_dir() / raw[len(SHARED_DATA_TOKEN) :].lstrip("/\\")
        return Path(os.path.expandvars(raw)).expanduser()

    @property
    def display_name(self) -> str:
        return self.name or Path(self.path).name

    def relative_to_config(self, base: str | Path) -> DataFile:
        """A copy whose relative path is made absolute against ``base`` (the config file's folder)."""
        if self.path.startswith(SHARED_DATA_TOKEN):
            return self
        p = Path(os.path.expandvars(self.path)).expanduser()
        if p.is_absolute():
            return self
        return self.model_copy(update={"path": str(Path(base) / p)})


def wisesight_file(split: str) -> DataFile:
    """A split of the shared wisesight data (Thai social media, four labels)."""
    return DataFile(
        path=f"{SHARED_DATA_TOKEN}/wisesight/{split}.jsonl",
        label_map=dict(WISESIGHT_LABELS),
        language="th",
        name=f"wisesight-{split}",
    )


class DataConfig(_Strict):
    """Training, tuning (valid) and test files; each split may mix several files."""

    train: list[DataFile] = Field(min_length=1)
    valid: list[DataFile] = Field(default_factory=list)
    """Used to choose hyperparameters and class offsets; never the test files."""
    test: list[DataFile] = Field(default_factory=list)
    """Only reported in the model card."""

    @model_validator(mode="after")
    def _repeat_in_train_only(self) -> DataConfig:
        bad = [f.display_name for f in self.valid + self.test if f.repeat != 1]
        if bad:
            raise ValueError(f"repeat is for training files only; set on {', '.join(bad)}")
        return self


class LinearParams(_Strict):
    """The linear backend: its featurizer and its classifier."""

    lowercase: bool = True
    word_ngrams: tuple[int, int] = (1, 2)
    """Word n-gram range over nlpo3 tokens; (0, 0) turns word features off."""
    char_ngrams: tuple[int, int] = (1, 6)
    """Character n-gram range over the normalized text; (0, 0) turns them off."""
    min_df: int = Field(2, ge=1)
    """A feature must occur in this many training texts."""
    max_features: int | None = Field(None, ge=1)
    """Keep at most this many features per kind (word, char), the most frequent."""
    sublinear_tf: bool = True
    classifier: Literal["svm", "logistic"] = "svm"
    """``svm``: one linear SVM per class (fast), probabilities by a temperature fitted on valid;
    ``logistic``: multinomial logistic regression (slower to train)."""
    nb_weighting: bool = True
    """NBSVM: scale each class's features by their naive-Bayes log-count ratio (svm only)."""
    nb_alpha: float = Field(1.0, gt=0)
    C: list[float] = Field(default_factory=lambda: [0.3, 1.0])
    """Inverse regularization; with several values the best on valid is kept."""
    class_weight: Literal["balanced", "none"] = "none"
    max_iter: int = Field(2000, ge=10)
    tune_offsets: bool = True
    """Add per-class log-offsets chosen on valid (micro-F1, guarding macro-F1); needs valid data."""
    offset_grid: list[float] = Field(default_factory=lambda: [-1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 1.5, 2.0])
    macro_weight: float = Field(0.5, ge=0.0)
    """Weight of macro-F1 next to micro-F1 when choosing C and offsets on valid."""

    @model_validator(mode="after")
    def _nb_needs_svm(self) -> LinearParams:
        if self.nb_weighting and self.classifier != "svm":
            raise ValueError("nb_weighting works with classifier: svm only")
        return self

    @field_validator("word_ngrams", "char_ngrams")
    @classmethod
    def _range(cls, v: tuple[int, int]) -> tuple[int, int]:
        lo, hi = v
        if (lo, hi) != (0, 0) and not 1 <= lo <= hi:
            raise ValueError("an n-gram range is [low, high] with 1 <= low <= high, or [0, 0] for off")
        return v


class TransformerParams(_Strict):
    """The transformer backend: fine-tune a local Hugging Face sequence-classification checkpoint."""

    checkpoint: str = ""
    """A local folder with config, weights and tokenizer (downloaded beforehand; nothing is fetched)."""
    max_length: int = Field(128, ge=8)
    batch_size: int = Field(32, ge=1)
    eval_batch_size: int = Field(64, ge=1)
    learning_rate: float = Field(3e-5, gt=0)
    epochs: float = Field(3.0, gt=0)
    weight_decay: float = Field(0.01, ge=0)
    warmup_ratio: float = Field(0.1, ge=0, le=1)
    fp16: bool = True
    """Mixed precision; used only on a CUDA GPU."""
    device: Literal["auto", "cpu", "cuda"] = "auto"
    max_steps: int | None = Field(None, ge=1)
    """Stop after this many optimizer steps (quick runs, tests)."""
    select_on_valid: bool = True
    """Keep the epoch with the best valid score rather than the last."""
    select_metric: Literal["micro_f1", "macro_f1"] = "micro_f1"
    """The valid score that picks the epoch."""
    weights: Literal["safetensors", "int8"] = "safetensors"
    """How the fine-tuned weights are stored: as trained, or int8 per row (a quarter of the size; computed in
    fp32 after loading; the card's figures are of the stored model)."""


class AssistParams(_Strict):
    """A fine-tuned transformer that re-reads the texts a linear head (``en`` or ``th``) is least sure of.

    Every text of that head is scored by the linear head; those whose reported-label confidence is below the
    threshold are scored by the transformer too, and the two are blended with the weight. Threshold and
    weight are chosen on that head's valid texts (``micro + macro_weight x macro``-F1), among the pairs
    that send at most ``max_share`` of them to the transformer (its speed is what the cap buys).
    """

    model: str
    """The folder of a ``sentiment.transformer.v1`` model (trained beforehand by its own config; a
    relative path is relative to this config file). It is copied into the routed model's folder."""
    thresholds: list[float] = Field(default_factory=lambda: [0.5, 0.6, 0.7, 0.8, 0.9, 1.01])
    weights: list[float] = Field(default_factory=lambda: [0.5, 0.75, 1.0])
    max_share: float = Field(0.3, gt=0, le=1)
    """The largest share of the head's valid texts a chosen threshold may send to the transformer."""

    @field_validator("weights")
    @classmethod
    def _weights(cls, v: list[float]) -> list[float]:
        if not v or any(not 0.0 < w <= 1.0 for w in v):
            raise ValueError("weights: one or more blend weights in (0, 1]")
        return v


class RoutedParams(_Strict):
    """``sentiment.routed.v1``: one linear head per script, each trained and tuned on its own texts.

    A text with Thai script (Thai or code-mixed) goes to the ``th`` head, any other to ``en``; the
    training and valid texts are routed the same way, so a head never sees the other language.
    """

    th: LinearParams = Field(default_factory=LinearParams)
    en: LinearParams = Field(default_factory=LinearParams)
    en_assist: AssistParams | None = None
    """Optional: a transformer that re-reads the English texts the ``en`` head is least sure of."""
    th_assist: AssistParams | None = None
    """Optional: a transformer that re-reads the Thai and code-mixed texts the ``th`` head is least sure of
    (the same model as ``en_assist`` is stored and loaded once)."""
    mixed_weights: list[float] = Field(default_factory=lambda: [0.0, 0.15, 0.3, 0.5])
    """Shares of the English head in a code-mixed text's probabilities to choose from on valid (0: Thai head
    alone). Any share above 0 scores those texts twice."""

    @field_validator("mixed_weights")
    @classmethod
    def _shares(cls, v: list[float]) -> list[float]:
        if not v or any(not 0.0 <= w <= 1.0 for w in v):
            raise ValueError("mixed_weights: one or more shares between 0 and 1")
        return v


class TrainConfig(_Strict):
    """One training run: data, backend, hyperparameters, seed and output name."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    """Output name; the model directory is ``<name>-v<N>`` under the output directory."""
    description: str = ""
    backend: str = "sentiment.linear.v1"
    seed: int = 13
    data: DataConfig
    linear: LinearParams = Field(default_factory=LinearParams)
    transformer: TransformerParams = Field(default_factory=TransformerParams)
    routed: RoutedParams = Field(default_factory=RoutedParams)
    output_dir: str | None = None
    """Where model directories go, relative to the config file (default: the user's models folder,
    ``<models_dir>/sentiment``; see ``voc.paths.user_models_dir``)."""
    tracking: TrackingConfig | None = None
    """Log every training run to MLflow (``pip install 'voc[mlflow]'``); absent: nothing is logged."""

    def relative_to_config(self, base: str | Path) -> TrainConfig:
        """A copy with every data path, ``output_dir`` and the tracking folder made absolute against ``base``."""
        data = self.data.model_copy(
            update={split: [f.relative_to_config(base) for f in getattr(self.data, split)]
                    for split in ("train", "valid", "test")}
        )
        update: dict = {"data": data}
        if self.output_dir:
            out = Path(os.path.expandvars(self.output_dir)).expanduser()
            update["output_dir"] = str(out if out.is_absolute() else Path(base) / out)
        if self.tracking is not None:
            update["tracking"] = self.tracking.resolved(base)
        assists = {}
        for key in ("en_assist", "th_assist"):
            assist = getattr(self.routed, key)
            if assist is not None:
                p = Path(os.path.expandvars(assist.model)).expanduser()
                if not p.is_absolute():
                    assists[key] = assist.model_copy(update={"model": str(Path(base) / p)})
        if assists:
            update["routed"] = self.routed.model_copy(update=assists)
        return self.model_copy(update=update)


class PromotionConfig(_Strict):
    """Champion/challenger: when ``voc models promote`` may make a model the default."""

    reference: list[DataFile] = Field(default_factory=lambda: [wisesight_file("valid")])
    """The reference evaluation set both models are scored on: wisesight valid, so choosing a champion
    never looks at the test split that the model card reports."""
    metric: Literal["micro_f1", "macro_f1"] = "micro_f1"
    tolerance: float = Field(0.005, ge=0)
    """A challenger may score this much lower than the champion and still be promoted."""


class SentimentConfig(_Strict):
    """The pipeline's ``sentiment`` section."""

    model: str = "default"
    """A model name (the user's models first, then the shipped ones; ``default`` is the promoted one) or a path."""
    batch_size: int = Field(4096, ge=1)
    promotion: PromotionConfig = Field(default_factory=PromotionConfig)
