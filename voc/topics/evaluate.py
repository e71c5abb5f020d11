"""How well a topic config recovers known labels: NMI, homogeneity, completeness, topics, themes, "other".

The topic counterpart of ``voc evaluate sentiment``: it fits on a labelled file with
:func:`voc.topics.texts.fit_texts` (the text layer, then topics and themes) and touches no store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from voc.topics.config import TopicsConfig
from voc.topics.texts import fit_texts


@dataclass
class TopicEvaluation:
    """Agreement of the fitted topics (and themes) with gold labels; ``other`` counts as one cluster."""

    n: int
    labels: int
    """Distinct gold labels."""
    nmi: float
    homogeneity: float
    """1.0 when every topic holds one label only."""
    completeness: float
    """1.0 when every label lies in one topic only."""
    theme_nmi: float
    topics: int
    themes: int
    other_share: float
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def score_clusters(gold: Sequence[str], found: Sequence[Any]) -> tuple[float, float, float]:
    """(NMI, homogeneity, completeness) of ``found`` against ``gold`` (scikit-learn's, arithmetic mean)."""
    from sklearn.metrics import homogeneity_completeness_v_measure, normalized_mutual_info_score

    gold_arr = np.asarray([str(g) for g in gold], dtype=object)
    found_arr = np.asarray([str(f) for f in found], dtype=object)
    homogeneity, completeness, _ = homogeneity_completeness_v_measure(gold_arr, found_arr)
    return float(normalized_mutual_info_score(gold_arr, found_arr)), float(homogeneity), float(completeness)


def evaluate_topics(
    texts: Sequence[str], labels: Sequence[str], config: TopicsConfig | None = None, text_config: Any = None
) -> TopicEvaluation:
    """Fit topics on ``texts`` with ``config`` and score them against ``labels`` (one per text)."""
    if len(texts) != len(labels):
        raise ValueError(f"got {len(texts)} texts but {len(labels)} labels")
    result = fit_texts(texts, config, text_config)
    nmi, homogeneity, completeness = score_clusters(labels, result.topic_ids)
    theme_nmi, _, _ = score_clusters(labels, result.theme_ids)
    fit = result.fit
    return TopicEvaluation(
        n=len(texts),
        labels=len(set(map(str, labels))),
        nmi=nmi,
        homogeneity=homogeneity,
        completeness=completeness,
        theme_nmi=theme_nmi,
        topics=len(fit.topics),
        themes=len(fit.themes),
        other_share=fit.outlier_share,
        notes=list(fit.notes),
    )
