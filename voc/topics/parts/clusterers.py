"""Clusterers: topic numbers for document vectors."""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np
from pydantic import Field

from voc.topics.parts.base import Params

UMAP_MAX_DOCS = 20_000
"""The default ``umap_max_docs``; fits up to this size also embed on one thread (``voc.topics.model``)."""


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
    umap_components: int = Field(5, ge=0)
    """Above 0, the clusters are drawn on a UMAP projection of the vectors to this many dimensions
    (neighbours ``umap_neighbors``, cosine, seeded); topic centres, similarities, themes and the
    registry still use the vectors themselves. From ``umap_min_docs`` to ``umap_max_docs`` documents
    (Ward up to ``max_docs``, k-means above). 0 turns it off."""
    umap_neighbors: int = Field(15, ge=2)
    umap_epochs: int = Field(200, ge=10)
    """UMAP's optimisation epochs (its own default is 500 below 10,000 documents)."""
    umap_init: Literal["spectral", "pca", "random"] = "pca"
    umap_min_docs: int = Field(200, ge=10)
    umap_max_docs: int = Field(UMAP_MAX_DOCS, ge=10)
    """Above this many documents k-means reads the vectors themselves: the exact neighbour search
    grows with n squared (20,000 documents: a few seconds; 100,000: minutes)."""


class WardClusterer(KMeansClusterer):
    """Agglomerative clustering with Ward linkage (deterministic); k-means on large batches."""

    params: WardParams

    def fit(self, x: np.ndarray, y: Any = None) -> WardClusterer:
        p, n = self.params, x.shape[0]
        k = self.n_clusters(n)
        if k > 1 and p.umap_components and max(p.umap_min_docs, k + 2) <= n <= p.umap_max_docs:
            x = self._projected(x)
        if n > p.max_docs:
            super().fit(x)
            return self
        from sklearn.cluster import AgglomerativeClustering

        self.labels_ = AgglomerativeClustering(k, linkage="ward").fit_predict(x) if k > 1 else np.zeros(n, int)
        return self

    def _projected(self, x: np.ndarray) -> np.ndarray:
        from threadpoolctl import threadpool_limits
        from umap import UMAP

        p = self.params
        x = np.asarray(x, dtype=np.float32)
        k = min(p.umap_neighbors, x.shape[0] - 1)
        # One BLAS thread throughout: a matrix product split over threads rounds differently in its last
        # bits, and UMAP's optimisation turns that into other clusters (the same records on 1 and 2
        # threads gave different topics); one thread keeps a run reproducible on any machine. A fixed
        # random_state makes UMAP itself single-threaded for the same reason.
        with threadpool_limits(limits=1), warnings.catch_warnings():
            # The exact cosine neighbours (matrix products over <= umap_max_docs rows) instead of UMAP's
            # approximate search: the same graph or a better one, in a tenth of the time.
            neighbours = exact_cosine_neighbours(x, k)
            # both say what is meant: one thread (seeded) and no transform of new data (never called)
            warnings.filterwarnings("ignore", message="n_jobs value", category=UserWarning)
            warnings.filterwarnings("ignore", message=r"precomputed_knn\[2\]", category=UserWarning)
            reducer = UMAP(n_neighbors=k, n_components=p.umap_components, min_dist=0.0, metric="cosine",
                           n_epochs=p.umap_epochs, init=p.umap_init, random_state=self.seed,
                           precomputed_knn=(*neighbours, None))
            return np.asarray(reducer.fit_transform(x), dtype=np.float64)


def exact_cosine_neighbours(x: np.ndarray, k: int, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` nearest rows by cosine (itself first), as UMAP's ``precomputed_knn`` reads them:
    indices and distances (1 - cosine), nearest first."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    unit = x / np.where(norms > 0, norms, 1.0)
    n = len(x)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    for a in range(0, n, block):
        sims = unit[a:a + block] @ unit.T
        rows = np.arange(sims.shape[0])
        sims[rows, a + rows] = np.inf  # a row is its own nearest neighbour, even a zero row
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top = np.take_along_axis(sims, part, axis=1)
        order = np.argsort(-top, axis=1, kind="stable")
        indices[a:a + block] = np.take_along_axis(part, order, axis=1)
        distances[a:a + block] = np.clip(1.0 - np.take_along_axis(top, order, axis=1), 0.0, 2.0)
    return indices, distances


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
