"""Settings of the topic stage: the pipeline config's ``topics`` section."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class ComponentConfig(BaseModel):
    """One part of the topic model: a registry name and that backend's parameters."""

    model_config = ConfigDict(extra="forbid")

    name: str
    params: dict[str, Any] = Field(default_factory=dict)


class ThemesConfig(BaseModel):
    """How a week's topics are grouped into themes (the level a PM reads first)."""

    model_config = ConfigDict(extra="forbid")

    max_themes: int = Field(20, ge=1, le=200)
    """At most this many themes per fit; fewer when topics lie close together (``max_distance``)."""
    max_distance: float = Field(0.6, gt=0.0, le=2.0)
    """Average-linkage cosine distance between topic vectors above which topics stay in separate themes
    (on the cross-lingual set, 20 issues: 0.5 -> 11 themes, 0.6 -> 10, 0.8 -> 1; the demo's window,
    100 topics: 0.6 -> more than 20, so ``max_themes`` cuts)."""
    multilingual_weight: float = Field(0.8, ge=0.0, le=1.0)
    """Share of a topic vector given to the mean USE v3 sentence vector of its typical messages
    (what joins Thai and English topics of one issue); the rest is the topic's centre in the fit."""
    texts_per_topic: int = Field(8, ge=1, le=200)
    """Typical messages per topic that are encoded (the encoder reads ~1,000 Thai texts/s per core)."""
    threads: int = Field(1, ge=1, le=64)
    """BLAS threads of the sentence encoder."""


class TopicsConfig(BaseModel):
    """How topics are fitted, labelled and matched to the registry of earlier weeks."""

    model_config = ConfigDict(extra="forbid")

    embedding: ComponentConfig = ComponentConfig(name="topics.embedding.crosslingual.v1")
    """Document vectors. The default joins the hybrid (word + character n-gram TF-IDF/LSA, which reads
    Thai and English, beside static token vectors distilled from all-MiniLM-L6-v2 for English meaning)
    with Google's multilingual USE v3 sentence vectors (Thai and English of one meaning close together),
    half and half; batches over 20,000 records drop the USE part (its ~1,000 Thai texts/s per core).
    ``topics.embedding.hybrid.v1`` is the hybrid alone, ``topics.embedding.multilingual.v1`` USE v3
    alone, ``topics.embedding.lsa.v1`` the lexical part, ``topics.embedding.static.v1`` the static part,
    ``topics.embedding.sentence_transformer.v1`` a local sentence-transformers model (default: the
    packaged all-MiniLM-L6-v2, English only, about 20x slower on CPU), ``topics.embedding.e5words.v1``
    topic-token vectors distilled from multilingual-e5-small (better on Thai call-centre text: truevoice
    NMI 0.355 vs 0.300; weaker on English: banking77 0.726 vs 0.800)."""
    reduction: ComponentConfig = ComponentConfig(name="topics.reduction.none.v1")
    clustering: ComponentConfig = ComponentConfig(name="topics.clustering.ward.v1")
    """Ward agglomerative clustering, one topic per 30 records (2-100), deterministic; batches
    over 8,000 records use k-means (Ward's memory grows with n squared)."""
    representation: ComponentConfig = ComponentConfig(name="topics.representation.ctfidf.v1")
    ngram_range: tuple[int, int] = (1, 2)
    """Word n-grams c-TF-IDF scores for topic words; bigrams give phrases like "card arrive"."""
    top_n_words: int = Field(10, ge=1, le=50)
    label_words: int = Field(3, ge=1, le=6)
    n_quotes: int = Field(3, ge=0, le=10)
    quote_max_chars: int = Field(280, ge=20)
    min_topic_size: int = Field(5, ge=1)
    """Clusters smaller than this are dissolved into outliers (then handled by ``outliers``)."""
    outliers: Literal["other", "nearest"] = "nearest"
    """``other``: outliers stay in the explicit "other" bucket. ``nearest``: each is moved to the
    nearest topic when its cosine similarity to that topic's centre is at least
    ``outlier_min_similarity``; the rest stay "other". Documents without tokens are always "other"."""
    outlier_min_similarity: float = Field(0.2, ge=-1.0, le=1.0)
    max_fit_docs: int = Field(200_000, ge=100)
    """Above this many documents the topics are fitted on a seeded random sample of this size and
    every other document joins the topic whose centre is nearest (cosine at least
    ``outlier_min_similarity``, else "other"), in chunks: memory stays that of the sample's fit
    (1,000,000 documents fitted whole peaked at 15 GB)."""
    seed: int = 42
    window_weeks: int = Field(8, ge=1)
    match_threshold: float = Field(0.35, gt=0.0, le=1.0)
    """Cosine similarity of topic word weights at or above which a fitted topic is the same as a
    registry topic (measured: same theme in two weeks 0.5-0.9, different themes below 0.15)."""
    taxonomy_path: str | None = None
    themes: ThemesConfig = Field(default_factory=ThemesConfig)

    @field_validator("ngram_range")
    @classmethod
    def _ngram_order(cls, value: tuple[int, int]) -> tuple[int, int]:
        if not 1 <= value[0] <= value[1] <= 3:
            raise ValueError(f"ngram_range must be (a, b) with 1 <= a <= b <= 3, got {value}")
        return value

    @model_validator(mode="after")
    def _known_backends(self) -> TopicsConfig:
        # Validating names and params here makes a typo fail when the config loads, not mid-run.
        from voc.topics.parts import validate_component

        for stage in ("embedding", "reduction", "clustering", "representation"):
            validate_component(stage, getattr(self, stage))
        return self
