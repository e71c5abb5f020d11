"""Themes: the upper level of the topic hierarchy, what a PM would call one issue.

A week's topics are grouped into at most ``themes.max_themes`` themes by average-linkage
clustering of topic vectors. Each topic's vector joins its centre in the fitted space (its words)
with the mean multilingual sentence vector (USE v3) of its most typical messages, which puts
Thai, English and mixed topics about the same issue close together. Only a few messages per topic
are encoded, so the cost does not grow with the week's size.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from voc.topics.config import ThemesConfig
from voc.topics.labels import LABEL_SEPARATOR, THAI_RE
from voc.topics.parts.base import unit_rows
from voc.topics.parts.embedders import encode_multilingual

log = logging.getLogger(__name__)

THEME_TABLE_COLUMNS = ["local_theme", "label", "size", "local_topics"]


@dataclass
class ThemeGrouping:
    """Which theme each local topic belongs to, and a table of the themes."""

    theme_of_topic: dict[int, int]
    """Local topic number -> local theme number (0..k-1, largest theme first)."""
    themes: pd.DataFrame
    """``THEME_TABLE_COLUMNS``: ``local_topics`` lists the theme's topics, largest first."""


def group_topics(
    topics: pd.DataFrame,
    centres: np.ndarray,
    typical_texts: Sequence[Sequence[str]],
    config: ThemesConfig,
) -> ThemeGrouping:
    """Group topics into themes.

    Args:
        topics: the fit's topic table (``local_id``, ``label``, ``size``, ``thai_share``), one row
            per topic in the order of ``centres`` and ``typical_texts``.
        centres: each topic's unit centre in the clustering space.
        typical_texts: each topic's most typical clean texts (redacted), most typical first.
        config: how many themes at most and how strongly sentence meaning counts.
    """
    if topics.empty:
        return ThemeGrouping({}, pd.DataFrame(columns=THEME_TABLE_COLUMNS))
    local_ids = [int(t) for t in topics["local_id"]]
    vectors = topic_vectors(centres, typical_texts, config)
    groups = _cluster(vectors, config)
    sizes = topics["size"].to_numpy(int)
    # Number themes by size so theme 0 is the biggest issue of the batch.
    order = sorted(set(groups.tolist()), key=lambda g: (-int(sizes[groups == g].sum()), g))
    renumber = {g: n for n, g in enumerate(order)}
    theme_of = {local_ids[i]: renumber[int(g)] for i, g in enumerate(groups)}
    rows = []
    for g in order:
        members = [i for i in np.flatnonzero(groups == g)]
        members.sort(key=lambda i: -sizes[i])
        rows.append({
            "local_theme": renumber[g],
            "label": theme_label(topics.iloc[members]),
            "size": int(sizes[members].sum()),
            "local_topics": [local_ids[i] for i in members],
        })
    return ThemeGrouping(theme_of, pd.DataFrame(rows, columns=THEME_TABLE_COLUMNS))


def topic_vectors(centres: np.ndarray, typical_texts: Sequence[Sequence[str]], config: ThemesConfig) -> np.ndarray:
    """Each topic's lexical centre beside its mean sentence vector, both unit length, then weighted."""
    lexical = unit_rows(np.asarray(centres, dtype=np.float64))
    w = config.multilingual_weight
    if w <= 0:
        return lexical
    flat: list[str] = []
    owner: list[int] = []
    for i, texts in enumerate(typical_texts):
        picked = [t for t in texts if isinstance(t, str) and t.strip()][: config.texts_per_topic]
        flat.extend(picked)
        owner.extend([i] * len(picked))
    semantic = np.zeros((len(lexical), 512))
    if flat:
        encoded = encode_multilingual(flat, config.threads)
        np.add.at(semantic, np.asarray(owner), encoded)
    semantic = unit_rows(semantic)
    return np.hstack([np.sqrt(1.0 - w) * lexical, np.sqrt(w) * semantic])


def _cluster(vectors: np.ndarray, config: ThemesConfig) -> np.ndarray:
    """Average-linkage groups of topic vectors: cut at ``max_distance``, then at most ``max_themes``."""
    n = len(vectors)
    if n <= 1:
        return np.zeros(n, dtype=int)
    from sklearn.cluster import AgglomerativeClustering

    groups = AgglomerativeClustering(
        n_clusters=None, distance_threshold=config.max_distance, metric="cosine", linkage="average"
    ).fit_predict(vectors)
    if len(set(groups.tolist())) > config.max_themes:
        groups = AgglomerativeClustering(
            n_clusters=config.max_themes, metric="cosine", linkage="average"
        ).fit_predict(vectors)
    return np.asarray(groups, dtype=int)


def theme_terms(
    weights: dict[str, float], candidates: Sequence[Sequence[tuple[str, str]]]
) -> list[tuple[str, str, float]]:
    """A theme's ``(term, written form, weight)`` candidates, most distinctive of the theme first.

    ``weights`` are the theme's term weights (its topics' c-TF-IDF rows summed by size: a word all
    its topics share, such as "OTP", outranks one topic's own word); ``candidates`` are the member
    topics' readable terms, biggest topic first (they carry how each term is written).
    """
    written: dict[str, str] = {}
    for topic_candidates in candidates:
        for term, form in topic_candidates:
            written.setdefault(term, form)
    ranked = [(t, f, float(weights.get(t, 0.0))) for t, f in written.items()]
    return sorted(ranked, key=lambda x: (-x[2], x[0]))


PHRASE_SHARE = 0.3
"""A phrase holding a theme's leading word replaces that word in the label when its weight is at
least this share of the word's ("OTP ไม่เข้า" rather than "OTP"): a phrase names the issue."""


def theme_label_from_terms(
    ranked: Sequence[tuple[str, str, float]], has_thai: bool, has_english: bool, n_terms: int = 2
) -> str | None:
    """A theme's label from its ranked terms: one Thai and one English term where both languages are
    present (``OTP ไม่เข้า / OTP never arrives``), else the two leading terms; None without a term that
    names an issue (no stopwords, no generic feeling words)."""
    from voc.topics.labels import names_an_issue

    usable = [(t, f, w) for t, f, w in ranked if names_an_issue(t)]
    if not usable:
        return None
    thai = [x for x in usable if THAI_RE.search(x[1])]
    latin = [x for x in usable if not THAI_RE.search(x[1])]
    if has_thai and has_english and thai and latin:
        pools = [thai, latin]
    else:
        pools = [usable] * n_terms
    chosen: list[tuple[str, str, float]] = []
    for pool in pools:
        used = {w for c in chosen for w in c[0].split()}
        # A second term must add words: the English one should not only repeat the Thai one's "OTP",
        # and in one language it should share none (not "login" beside "login fails").
        bilingual = pool is not usable
        fresh = [x for x in pool if not (set(x[0].split()) <= used if bilingual else set(x[0].split()) & used)]
        if not fresh:
            continue
        head = fresh[0]
        words = set(head[0].split())
        phrases = [x for x in fresh if words < set(x[0].split()) and x[2] >= PHRASE_SHARE * head[2]]
        chosen.append(max(phrases, key=lambda x: x[2]) if phrases else head)
    if not chosen:
        return None
    chosen.sort(key=lambda x: 0 if THAI_RE.search(x[1]) else 1)
    return LABEL_SEPARATOR.join(x[1] for x in chosen[:n_terms])


def theme_label(member_topics: pd.DataFrame, n_terms: int = 2) -> str:
    """A theme's label: the leading terms of its biggest topics, in Thai and English where both are present.

    ``member_topics`` is ordered biggest first. The first term of the biggest mostly-Thai topic
    and of the biggest mostly-English topic lead (``OTP ไม่เข้า / OTP never arrives``); with one
    language the next topics' first terms follow. No term repeats.
    """
    terms: list[str] = []

    def add(label: str) -> None:
        for term in label.split(LABEL_SEPARATOR):
            term = term.strip()
            if term and term.lower() not in {t.lower() for t in terms} and not term.startswith("("):
                terms.append(term)
                return

    thai = member_topics[member_topics["thai_share"] >= 0.5]
    english = member_topics[member_topics["thai_share"] < 0.5]
    if len(thai):
        add(str(thai["label"].iloc[0]))
    if len(english):
        add(str(english["label"].iloc[0]))
    for label in member_topics["label"]:
        if len(terms) >= n_terms:
            break
        add(str(label))
    if not terms:
        return str(member_topics["label"].iloc[0]) if len(member_topics) else "(no distinctive words)"
    # Thai first reads naturally for this market; a single-language theme keeps its order.
    terms.sort(key=lambda t: 0 if THAI_RE.search(t) else 1)
    return LABEL_SEPARATOR.join(terms[:n_terms])
