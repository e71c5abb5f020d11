"""Clusterers: topic numbers for document vectors."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import Field

from voc.topics.parts.base import Params


class KMeansParams(Params):
    n_topics: int | Literal["auto"] = "auto"
    docs_per_topic: int = Field(50, ge=1)
    """With ``auto``: one topic per this many documents, kept within [min_topics, max_topics]."""
    min_topics: int = Field(2, ge=1)
    max_topics: int = Field(100, ge=1)
    n_init: int = Field(2, ge=1)
    small_batch_docs_per_topic: int = Field(8, ge=1)
    """With ``auto`` on a small batch, topics may be as small as this: ``docs_per_topic`` shrinks
    towards it below 50 x ``docs_per_topic`` documents, so 160 messages give 20 topics, not 5 (a
    first week or a small source still gets a useful split; themes group the topics)."""


class KMeansClusterer:
    """k-means whose k follows the batch size when ``n_topics`` is ``auto``."""

    def __init__(self, params: KMeansParams, seed: int) -> None:
        self.params = params
        self.seed = seed

    def n_clusters(self, n_docs: int) -> int:
        p = self.params
        if p.n_topics != "auto":
            return max(1, min(p.n_topics, n_docs))
        per_topic = min(p.docs_per_topic, max(p.small_batch_docs_per_topic, n_docs // 50))
        k = min(max(n_docs // per_topic, p.min_topics), p.max_topics)
        return max(1, min(k, n_docs))

    def fit(self, x: np.ndarray, y: Any = None) -> KMeansClusterer:
        from sklearn.cluster import KMeans

        k = self.n_clusters(x.shape[0])
        self.labels_ = KMeans(k, random_state=self.seed, n_init=self.params.n_init).fit_predict(x)
        return self


class WardParams(KMeansParams):
    docs_per_topic: int = Field(30, ge=1)
    """With ``auto``: one topic per this many documents (label-free rule; 3,080 queries -> 100)."""
    max_docs: int = Field(8_000, ge=2)
    """Above this many documents k-means is used: Ward's distance matrix grows with n squared
    (8,000 documents: 256 MB)."""
    n_init: int = Field(1, ge=1)
    """k-means restarts on large batches: one keeps 100,000 hybrid vectors (534 dims) near 25 s."""


class WardClusterer(KMeansClusterer):
    """Agglomerative clustering with Ward linkage (deterministic); k-means on large batches."""

    params: WardParams

    def fit(self, x: np.ndarray, y: Any = None) -> WardClusterer:
        if x.shape[0] > self.params.max_docs:
            super().fit(x)
            return self
        from sklearn.cluster import AgglomerativeClustering

        k = self.n_clusters(x.shape[0])
        self.labels_ = AgglomerativeClustering(k, linkage="ward").fit_predict(x) if k > 1 else np.zeros(x.shape[0], int)
        return self


class HdbscanParams(Params):
    min_cluster_size: int = Field(10, ge=2)
    min_samples: int | None = None
    cluster_selection_method: Literal["eom", "leaf"] = "eom"


def build_hdbscan(params: HdbscanParams, seed: int) -> Any:
    """HDBSCAN (imported only when named); its outliers are -1."""
    from hdbscan import HDBSCAN

    return HDBSCAN(
        min_cluster_size=params.min_cluster_size, min_samples=params.min_samples,
        cluster_selection_method=params.cluster_selection_method, metric="euclidean",
    )
