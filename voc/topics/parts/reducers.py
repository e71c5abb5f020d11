"""Reducers: dimensionality reduction between embedding and clustering."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from voc.topics.parts.base import Params


class IdentityReducer:
    """No reduction: cluster the embeddings as they are."""

    def fit(self, x: np.ndarray, y: Any = None) -> IdentityReducer:
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        return x


class PcaParams(Params):
    n_components: int = Field(50, ge=1)


class CappedPca:
    """PCA that asks for no more components than the data can give (tiny weekly batches)."""

    def __init__(self, params: PcaParams, seed: int) -> None:
        self.n_components = params.n_components
        self.seed = seed

    def fit(self, x: np.ndarray, y: Any = None) -> CappedPca:
        from sklearn.decomposition import PCA

        n = max(1, min(self.n_components, x.shape[0] - 1, x.shape[1]))
        self._pca = PCA(n, random_state=self.seed).fit(x)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        return self._pca.transform(x)


class UmapParams(Params):
    n_neighbors: int = Field(15, ge=2)
    n_components: int = Field(5, ge=1)
    min_dist: float = Field(0.0, ge=0.0)
    metric: str = "cosine"


def build_umap(params: UmapParams, seed: int) -> Any:
    """UMAP with the configured neighbourhood (imported only when named)."""
    from umap import UMAP

    # A fixed random_state makes UMAP single-threaded: the price of the same topics every run.
    return UMAP(
        n_neighbors=params.n_neighbors, n_components=params.n_components, min_dist=params.min_dist,
        metric=params.metric, random_state=seed,
    )
