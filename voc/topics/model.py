"""Fit a BERTopic model assembled from the configured parts on one batch of documents."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from voc.topics.config import TopicsConfig
from voc.topics.labels import (
    NOT_ALONE,
    is_phrase_whole,
    label_from,
    pick_quotes,
    readable_terms,
    surface_phrases,
    thai_share,
)
from voc.topics.parts import build
from voc.topics.parts.clusterers import UMAP_MAX_DOCS
from voc.topics.themes import THEME_TABLE_COLUMNS, group_topics, theme_label, theme_label_from_terms, theme_terms

log = logging.getLogger(__name__)

SMALL_BATCH = 200
"""Fewer fitted records than this gets a note in the fit (and the report): topics are coarse."""
REPRESENTATION_WORDS = 30
"""Words (with c-TF-IDF weights) kept per topic to match it with registry topics later."""

TOPIC_TABLE_COLUMNS = [
    "local_id", "label", "size", "top_words", "representation", "quotes", "language", "thai_share",
    "local_theme",
]


@dataclass
class TopicFit:
    """Topics of one batch: per-document local topic numbers and a table of the topics."""

    assignments: np.ndarray
    """Local topic number per input document, -1 for an outlier ("other")."""
    probabilities: np.ndarray
    """Cosine similarity of each document to its topic's centre (0 for outliers)."""
    topics: pd.DataFrame
    """One row per topic (``TOPIC_TABLE_COLUMNS``); ``top_words``/``quotes`` are lists of str,
    ``representation`` a dict word -> c-TF-IDF weight (L2-normalised)."""
    model: Any = field(default=None, repr=False)
    """The fitted BERTopic (None when no document had tokens)."""
    themes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=THEME_TABLE_COLUMNS))
    """One row per theme (``THEME_TABLE_COLUMNS``); ``topics.local_theme`` says each topic's theme."""
    notes: list[str] = field(default_factory=list)
    """What a reader of the report should know about this fit (a small batch, a fallback)."""

    def theme_assignments(self) -> np.ndarray:
        """Local theme number per input document, -1 for an outlier."""
        theme_of = dict(zip(self.topics["local_id"].astype(int), self.topics["local_theme"].astype(int), strict=True))
        return np.array([theme_of.get(int(a), -1) for a in self.assignments], dtype=int)

    @property
    def outlier_share(self) -> float:
        """Share of documents in the "other" bucket."""
        return float(np.mean(self.assignments == -1)) if len(self.assignments) else 0.0


class _SizedClusters:
    """Wraps a clustering: dissolves tiny clusters, applies the outlier policy, keeps similarities.

    BERTopic reads ``labels_`` after ``fit``; doing the outlier policy here, before BERTopic
    computes c-TF-IDF, keeps topic words consistent with the final assignment.
    """

    def __init__(self, inner: Any, config: TopicsConfig) -> None:
        self.inner = inner
        self.config = config

    def fit(self, x, y=None):
        self.inner.fit(x)
        labels = np.asarray(self.inner.labels_).copy()
        sizes = pd.Series(labels[labels >= 0]).value_counts()
        labels[np.isin(labels, sizes.index[sizes < self.config.min_topic_size])] = -1
        # Renumber kept clusters 0..k-1 so BERTopic sees no gaps.
        kept = np.unique(labels[labels >= 0])
        remap = {old: new for new, old in enumerate(kept)}
        labels = np.array([remap.get(v, -1) for v in labels])
        xs = _unit_rows(np.asarray(x, dtype=np.float64))
        similarity = np.zeros(len(labels))
        if len(kept):
            centres = _unit_rows(np.vstack([xs[labels == k].mean(axis=0) for k in range(len(kept))]))
            sims = xs @ centres.T
            outliers = labels == -1
            if self.config.outliers == "nearest" and outliers.any():
                best = sims[outliers].argmax(axis=1)
                close = sims[outliers][np.arange(len(best)), best] >= self.config.outlier_min_similarity
                idx = np.flatnonzero(outliers)[close]
                labels[idx] = best[close]
            inside = labels >= 0
            similarity[inside] = sims[inside, labels[inside]]
            self.centres_ = centres
        else:
            self.centres_ = np.zeros((0, xs.shape[1]))
        self.labels_ = labels
        self.similarity_ = np.clip(similarity, 0.0, 1.0)
        return self

    def predict(self, x):
        raise NotImplementedError("voc fits topics per batch; it does not predict with a fitted model")


def _unit_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)


def _bertopic_embedder(embedder: Any):
    """Adapt a voc embedder to BERTopic's backend interface (KeyBERT/MMR embed candidate words)."""
    from bertopic.backend import BaseEmbedder

    class _Adapter(BaseEmbedder):
        def embed(self, documents, verbose=False):
            return embedder.embed_words(list(documents))

    return _Adapter()


LABEL_SAMPLE = 60

ONE_THREAD_MAX_DOCS = UMAP_MAX_DOCS
"""Fits up to this size embed and cluster with one BLAS thread (the clustering's UMAP range)."""


def _reproducible_threads(n_docs: int) -> Any:
    """One BLAS/OpenMP thread for a fit of up to ``ONE_THREAD_MAX_DOCS`` documents, else no limit.

    A matrix product split over threads rounds differently in its last bits, and the UMAP projection
    the clustering draws on turns that into other topics: the same records gave different topics on 1
    and 2 threads. With one thread a fit is the same on any machine (and no slower on two cores:
    truevoice's 12,939 vectors took 16.4 s on one thread, 18.6 s on two). Larger fits are clustered
    by k-means on the vectors themselves, which such last bits do not move.
    """
    from contextlib import nullcontext

    if n_docs > ONE_THREAD_MAX_DOCS:
        return nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)
"""Most typical texts per topic read to find how its words are written (labels quote them)."""


def fit_topics(
    topic_docs: Sequence[str], texts: Sequence[str], config: TopicsConfig | None = None, tokenize_config: Any = None
) -> TopicFit:
    """Fit topics on space-joined topic tokens; ``texts`` (redacted clean text) give quotes and labels.

    ``tokenize_config`` (``voc.text.config.TokenizeConfig``) is the one that made ``topic_docs``:
    labels re-read a few texts with it to quote words as they were written.

    The same inputs and config give the same topics: every random part takes ``config.seed``.
    Documents without tokens are not fitted; they are outliers. Above ``max_fit_docs`` documents
    a seeded sample is fitted and the others join the nearest topic (topic sizes count them).
    """
    cfg = config or TopicsConfig()
    docs = [d if isinstance(d, str) else "" for d in topic_docs]
    texts = [t if isinstance(t, str) else "" for t in texts]
    if len(docs) != len(texts):
        raise ValueError(f"topic_docs has {len(docs)} items but texts has {len(texts)}; they must align")
    assignments = np.full(len(docs), -1, dtype=int)
    probabilities = np.zeros(len(docs))
    fitted = np.array([i for i, d in enumerate(docs) if d.strip()], dtype=int)
    if len(fitted) == 0:
        return TopicFit(assignments, probabilities, pd.DataFrame(columns=TOPIC_TABLE_COLUMNS))

    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    notes: list[str] = []
    if len(fitted) < SMALL_BATCH:
        notes.append(
            f"small batch: {len(fitted)} records with words were fitted; topics are few and coarse "
            f"(a fit reads well from about {SMALL_BATCH} records: widen topics.window_weeks)"
        )
    rest = np.zeros(0, dtype=int)
    if len(fitted) > cfg.max_fit_docs:
        # Fit on a seeded sample; the other documents join the nearest topic afterwards.
        chosen = np.zeros(len(fitted), dtype=bool)
        chosen[np.random.default_rng(cfg.seed).choice(len(fitted), cfg.max_fit_docs, replace=False)] = True
        fitted, rest = fitted[chosen], fitted[~chosen]
    sub_docs = [docs[i] for i in fitted]
    sub_texts = [texts[i] for i in fitted]
    embedder = build("embedding", cfg.embedding, cfg.seed)
    with _reproducible_threads(len(sub_docs)):
        embeddings = embedder.fit_transform(sub_docs, sub_texts)
    clusters = _SizedClusters(build("clustering", cfg.clustering, cfg.seed), cfg)
    model = BERTopic(
        embedding_model=_bertopic_embedder(embedder),
        umap_model=build("reduction", cfg.reduction, cfg.seed),
        hdbscan_model=clusters,
        # Tokens arrive segmented (Thai has no spaces): split on whitespace only, keep case and
        # script. scikit-learn's default token pattern breaks Thai words apart.
        vectorizer_model=CountVectorizer(
            tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=cfg.ngram_range
        ),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=build("representation", cfg.representation, cfg.seed),
        top_n_words=max(cfg.top_n_words, REPRESENTATION_WORDS),  # labels pick from a longer list
        # With an embedding model given, BERTopic leaves ``language`` unset, so its English-only
        # preprocessing (drops every non-ASCII character) never runs; tests check Thai survives.
        language="multilingual",
    )
    with _reproducible_threads(len(sub_docs)):
        local, _ = model.fit_transform(sub_docs, embeddings=embeddings)
    local = np.asarray(local, dtype=int)
    assignments[fitted] = local
    probabilities[fitted] = clusters.similarity_
    topics, candidates = _topic_table(model, local, sub_docs, sub_texts, clusters.similarity_, cfg, tokenize_config)
    # BERTopic renumbers clusters by size: map each cluster to the topic its members got.
    topic_of = np.full(len(clusters.centres_), -1)
    inside = clusters.labels_ >= 0
    topic_of[clusters.labels_[inside]] = local[inside]
    grouping = _themes(topics, clusters.centres_, topic_of, local, sub_texts, clusters.similarity_, cfg)
    topics["local_theme"] = topics["local_id"].map(grouping.theme_of_topic).astype(int)
    _distinct_sibling_labels(topics, grouping.themes, candidates, cfg, _topic_weights(model, local, candidates))
    if len(rest):
        _join_nearest(rest, docs, texts, embedder, model.umap_model, clusters.centres_, topic_of, cfg,
                      assignments, probabilities)
        sizes = pd.Series(assignments[assignments >= 0]).value_counts()
        topics["size"] = topics["local_id"].map(sizes).fillna(0).astype(int)
        theme_sizes = topics.groupby("local_theme")["size"].sum()
        grouping.themes["size"] = grouping.themes["local_theme"].map(theme_sizes).fillna(0).astype(int)
    return TopicFit(assignments, probabilities, topics, model, grouping.themes, notes)


def _themes(
    topics: pd.DataFrame, centres: np.ndarray, topic_of: np.ndarray, local: np.ndarray, texts: list[str],
    similarity: np.ndarray, cfg: TopicsConfig,
):
    """Group the fit's topics into themes from their centres and most typical texts."""
    centre_of = {int(t): centres[c] for c, t in enumerate(topic_of) if t >= 0}
    width = centres.shape[1] if centres.ndim == 2 else 1
    rows, typical = [], []
    for topic in topics["local_id"].astype(int):
        rows.append(centre_of.get(topic, np.zeros(width)))
        members = np.flatnonzero(local == topic)
        order = members[np.argsort(-similarity[members], kind="stable")]
        typical.append([texts[i] for i in order[: cfg.themes.texts_per_topic * 2]])
    return group_topics(topics, np.vstack(rows) if rows else np.zeros((0, width)), typical, cfg.themes)


_JOIN_CHUNK = 50_000


def _join_nearest(
    rest: np.ndarray, docs: list[str], texts: list[str], embedder: Any, reduction: Any, centres: np.ndarray,
    topic_of: np.ndarray, cfg: TopicsConfig, assignments: np.ndarray, probabilities: np.ndarray,
) -> None:
    """Give each document of ``rest`` the topic whose centre is nearest (cosine), chunk by chunk.

    Below ``outlier_min_similarity`` a document stays "other" (-1), as an outlier of the fit would.
    """
    if not len(centres):
        return
    for start in range(0, len(rest), _JOIN_CHUNK):
        idx = rest[start : start + _JOIN_CHUNK]
        vectors = embedder.embed([docs[i] for i in idx], [texts[i] for i in idx])
        sims = _unit_rows(np.asarray(reduction.transform(vectors), dtype=np.float64)) @ centres.T
        best = sims.argmax(axis=1)
        score = sims[np.arange(len(idx)), best]
        close = (score >= cfg.outlier_min_similarity) & (topic_of[best] >= 0)
        assignments[idx] = np.where(close, topic_of[best], -1)
        probabilities[idx] = np.where(close, np.clip(score, 0.0, 1.0), 0.0)


def _topic_weights(model: Any, local: np.ndarray, candidates: dict) -> dict[int, dict[str, float]]:
    """Each topic's c-TF-IDF weight of every candidate label term of the fit (only those: cheap at any size)."""
    vocabulary = model.vectorizer_model.vocabulary_
    terms = sorted({t for c in candidates.values() for t, _ in c if t in vocabulary})
    if not terms:
        return {}
    block = model.c_tf_idf_.tocsc()[:, [vocabulary[t] for t in terms]].toarray()
    out: dict[int, dict[str, float]] = {}
    for topic in sorted(t for t in set(local.tolist()) if t >= 0):
        row = block[topic + model._outliers]
        out[topic] = {terms[j]: float(row[j]) for j in np.flatnonzero(row)}
    return out


def _distinct_sibling_labels(
    topics: pd.DataFrame, themes: pd.DataFrame, candidates: dict, cfg: TopicsConfig,
    weights: dict[int, dict[str, float]] | None = None,
) -> None:
    """Topics of one theme get labels that do not repeat a bigger sibling's words; theme labels follow.

    A theme's label comes from the terms most distinctive of the whole theme (its topics' weights
    summed by size), so an incident split into several topics is named by what they share.
    """
    row_of = {int(t): i for i, t in enumerate(topics["local_id"])}
    for theme in themes.itertuples():
        used: set[str] = set()
        for topic in theme.local_topics:  # biggest first
            i = row_of[int(topic)]
            prefer_thai = topics.at[i, "thai_share"] >= 0.5
            label, forms = label_from(candidates[int(topic)], cfg.label_words, prefer_thai, frozenset(used))
            topics.at[i, "label"] = label
            used |= {f.lower() for f in forms}
    by_id = topics.set_index("local_id")
    for i, theme in enumerate(themes.itertuples()):
        members = by_id.loc[list(theme.local_topics)]
        theme_name: str | None = None
        if weights is not None:
            summed: dict[str, float] = {}
            for topic, size in zip(theme.local_topics, members["size"], strict=False):
                for word, w in weights.get(int(topic), {}).items():
                    summed[word] = summed.get(word, 0.0) + float(size) * w
            ranked = theme_terms(summed, [candidates[int(t)] for t in theme.local_topics])
            theme_name = theme_label_from_terms(
                ranked, bool((members["thai_share"] >= 0.5).any()), bool((members["thai_share"] < 0.5).any())
            )
        themes.at[i, "label"] = theme_name or theme_label(members)


def _shown_term(term: str, phrases: dict) -> bool:
    """Whether a c-TF-IDF term is shown among a topic's top words: a word, or a phrase written as such
    (c-TF-IDF pairs words across chat turns: "hello charge"), and never a fragment (``is_label_term``'s
    rules for particles: "up limit", a lone "up")."""
    if not term:
        return False
    if " " not in term:
        return term.lower() not in NOT_ALONE
    return tuple(term.split()) in phrases and is_phrase_whole(term)


def _topic_table(
    model: Any, local: np.ndarray, docs: list[str], texts: list[str], similarity: np.ndarray, cfg: TopicsConfig,
    tokenize_config: Any = None,
) -> tuple[pd.DataFrame, dict[int, list[tuple[str, str]]]]:
    words = model.vectorizer_model.get_feature_names_out()
    c_tf_idf = model.c_tf_idf_.tocsr()
    rows: list[dict] = []
    candidates: dict[int, list[tuple[str, str]]] = {}
    for topic in sorted(t for t in set(local.tolist()) if t >= 0):
        members = np.flatnonzero(local == topic)
        ranked = [w for w, score in model.topic_representations_[topic] if w and score > 0]
        share = thai_share(docs[i] for i in members)
        row = c_tf_idf.getrow(topic + model._outliers)
        top = np.argsort(-row.data, kind="stable")[:REPRESENTATION_WORDS]
        weights = {str(words[row.indices[j]]): float(row.data[j]) for j in top}
        norm = float(np.sqrt(sum(v * v for v in weights.values()))) or 1.0
        order = members[np.argsort(-similarity[members], kind="stable")]
        phrases = surface_phrases([texts[i] for i in order[:LABEL_SAMPLE]], cfg.ngram_range[1], tokenize_config)
        candidates[topic] = readable_terms(ranked, phrases)
        rows.append(
            {
                "local_id": topic,
                "label": label_from(candidates[topic], cfg.label_words, share >= 0.5)[0],
                "size": len(members),
                # A multi-word term counts only where people wrote it together: c-TF-IDF pairs the
                # words of the space-joined topic tokens, across chat turns and sentences ("hello charge").
                "top_words": [w for w in ranked if _shown_term(w, phrases)][: cfg.top_n_words],
                "representation": {w: v / norm for w, v in weights.items()},
                "quotes": pick_quotes(texts, order.tolist(), cfg.n_quotes, cfg.quote_max_chars),
                "language": "th" if share >= 0.5 else ("mixed" if share > 0.1 else "en"),
                "thai_share": share,
                "local_theme": -1,
            }
        )
    return pd.DataFrame(rows, columns=TOPIC_TABLE_COLUMNS), candidates
