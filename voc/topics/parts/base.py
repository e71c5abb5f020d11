"""Interfaces of the topic model's parts and the registry each kind of part lives in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict

from voc.registry import Registry


@runtime_checkable
class Embedder(Protocol):
    """Document vectors, rows L2-normalised.

    ``topic_docs`` are space-joined topic tokens, ``texts`` the clean texts they came from; an
    embedder reads whichever suits it.
    """

    def fit_transform(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        """Learn what the embedder needs from this batch and return its vectors."""
        ...

    def embed(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        """Vectors of more documents, with what ``fit_transform`` learnt."""
        ...

    def embed_words(self, words: Sequence[str]) -> np.ndarray:
        """Vectors of words or phrases (representations compare them with documents)."""
        ...


@runtime_checkable
class Reducer(Protocol):
    """Dimensionality reduction between embedding and clustering (scikit-learn style)."""

    def fit(self, x: np.ndarray, y: Any = None) -> Reducer: ...

    def transform(self, x: np.ndarray) -> np.ndarray: ...


@runtime_checkable
class Clusterer(Protocol):
    """Clustering: after ``fit``, its ``labels_`` array holds a cluster number per row (-1: outlier)."""

    def fit(self, x: np.ndarray, y: Any = None) -> Clusterer: ...


Representation = Any
"""A BERTopic representation model (``bertopic.representation.BaseRepresentation``), or None
for plain c-TF-IDF. BERTopic calls it; voc only builds it."""


class Params(BaseModel):
    """Base of every part's parameters: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class NoParams(Params):
    """A part without parameters."""


@dataclass(frozen=True)
class Backend:
    """A named part: its parameter schema and how to build it from params and a seed."""

    params: type[BaseModel]
    build: Callable[[Any, int], Any]


embedders: Registry[Backend] = Registry("topics.embedding")
reducers: Registry[Backend] = Registry("topics.reduction")
clusterers: Registry[Backend] = Registry("topics.clustering")
representations: Registry[Backend] = Registry("topics.representation")
REGISTRIES: dict[str, Registry[Backend]] = {
    "embedding": embedders,
    "reduction": reducers,
    "clustering": clusterers,
    "representation": representations,
}
"""Config section name -> the registry of that kind of part."""


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero)."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)
