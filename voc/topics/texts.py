"""Topics and themes of a plain list of texts: the text layer, a fit and fresh ids, in one call.

For evaluations and ad hoc files; the weekly flow uses ``voc.topics.weekly`` (a window and the registry).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from voc.topics.config import TopicsConfig
from voc.topics.model import TopicFit, fit_topics
from voc.topics.registry import update_registry


@dataclass
class TextTopics:
    """Per input text: its topic and theme (ids like ``T0001``/``G0001``, ``other`` for outliers) and labels."""

    topic_ids: list[str]
    topic_labels: list[str]
    theme_ids: list[str]
    theme_labels: list[str]
    fit: TopicFit
    """The fit itself: topic and theme tables, notes."""


def fit_texts(texts: Sequence[str], config: TopicsConfig | None = None, text_config: Any = None) -> TextTopics:
    """Run the text layer (normalize, redact, tokens) on ``texts`` and fit topics and themes on them.

    Args:
        texts: raw texts, in any order; ``None`` and empty texts end in ``other``.
        config: the ``topics`` section (default settings when None).
        text_config: the ``text`` section (``voc.text.config.TextConfig``; defaults when None).
    """
    from voc.text.pipeline import process_texts

    cfg = config or TopicsConfig()
    layer = process_texts([t if isinstance(t, str) else "" for t in texts], text_config)
    tokenize_config = text_config.tokenize if text_config is not None else None
    fit = fit_topics(layer.topic_tokens.tolist(), layer.text_clean.tolist(), cfg, tokenize_config)
    update = update_registry(fit, None, "ad-hoc", cfg)
    topic_ids = [update.local_to_topic_id[int(a)] for a in fit.assignments]
    labels = {t: update.label_of(t) for t in set(topic_ids)}
    themes = {t: update.theme_of(t) for t in set(topic_ids)}
    return TextTopics(
        topic_ids,
        [labels[t] for t in topic_ids],
        [themes[t][0] for t in topic_ids],
        [themes[t][1] for t in topic_ids],
        fit,
    )
