"""Representations: how BERTopic re-ranks a topic's words after c-TF-IDF (None: c-TF-IDF alone)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from voc.topics.parts.base import NoParams, Params


def build_ctfidf(params: NoParams, seed: int) -> None:
    """Plain c-TF-IDF: BERTopic's own ranking, no extra model."""
    return None


class KeyBertParams(Params):
    nr_repr_docs: int = Field(5, ge=1)
    nr_samples: int = Field(500, ge=1)
    nr_candidate_words: int = Field(100, ge=1)


def build_keybert(params: KeyBertParams, seed: int) -> Any:
    """KeyBERT-inspired: words closest to the topic's typical documents."""
    from bertopic.representation import KeyBERTInspired

    return KeyBERTInspired(
        nr_repr_docs=params.nr_repr_docs, nr_samples=params.nr_samples,
        nr_candidate_words=params.nr_candidate_words, random_state=seed,
    )


class MmrParams(Params):
    diversity: float = Field(0.3, ge=0.0, le=1.0)


def build_mmr(params: MmrParams, seed: int) -> Any:
    """Maximal marginal relevance: distinctive words that do not repeat each other."""
    from bertopic.representation import MaximalMarginalRelevance

    return MaximalMarginalRelevance(diversity=params.diversity)
