"""The weekly flow's entry point: fit topics on the rolling window and map them to the registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from voc.schema import OUTLIER_TOPIC_ID, TOPIC_ASSIGNMENT_COLUMNS
from voc.topics.config import TopicsConfig
from voc.topics.model import TopicFit, fit_topics
from voc.topics.registry import update_registry
from voc.topics.taxonomy import Taxonomy, load_taxonomy
from voc.weeks import shift_week

WINDOW_COLUMNS = ["record_id", "iso_week", "text_clean", "topic_tokens", "language"]


@dataclass
class WeekTopics:
    """One week's topic assignments, the updated registry and what changed in it."""

    assignments: pd.DataFrame
    """``TOPIC_ASSIGNMENT_COLUMNS`` for the records of the week only (not the whole window)."""
    registry: pd.DataFrame
    events: pd.DataFrame
    outlier_share: float
    """Share of the week's records in the "other" bucket."""
    fit: TopicFit
    window_assignments: pd.DataFrame | None = None
    """The same columns for every record of the fitted window, each with its own ``iso_week``: used to
    give topics to earlier records that no run has assigned yet (a first run, backfilled data)."""


def assign_week_topics(
    window: pd.DataFrame,
    week: str,
    registry: pd.DataFrame | None,
    config: TopicsConfig | None = None,
    taxonomy: Taxonomy | None = None,
    tokenize_config: Any = None,
) -> WeekTopics:
    """Fit on the last ``window_weeks`` weeks up to ``week``; assign every record of ``week`` a topic.

    ``taxonomy`` defaults to the file at ``config.taxonomy_path`` (none when unset). Rows of the
    window outside the configured weeks are ignored, and rows are fitted in record-id order so
    the result does not depend on the order the store returned them in. ``tokenize_config`` is the
    text layer's (labels quote words as it split them).
    """
    cfg = config or TopicsConfig()
    missing = [c for c in WINDOW_COLUMNS if c not in window.columns]
    if missing:
        raise ValueError(f"topic window lacks columns {missing}; expected {WINDOW_COLUMNS}")
    if taxonomy is None and cfg.taxonomy_path:
        taxonomy = load_taxonomy(cfg.taxonomy_path)
    weeks = {shift_week(week, -n) for n in range(cfg.window_weeks)}
    rows = window[window.iso_week.isin(weeks)].sort_values("record_id", kind="stable").reset_index(drop=True)
    fit = fit_topics(rows.topic_tokens.fillna("").tolist(), rows.text_clean.fillna("").tolist(), cfg, tokenize_config)
    update = update_registry(fit, registry, week, cfg, taxonomy)
    topic_ids = [update.local_to_topic_id[int(a)] for a in fit.assignments]
    labels = {t: update.label_of(t) for t in set(topic_ids)}
    themes = {t: update.theme_of(t) for t in set(topic_ids)}
    in_week = (rows.iso_week == week).to_numpy()
    window_assignments = pd.DataFrame(
        {
            "record_id": rows.record_id.to_numpy(),
            "iso_week": rows.iso_week.to_numpy(),
            "topic_id": topic_ids,
            "topic_label": [labels[t] for t in topic_ids],
            "topic_probability": fit.probabilities,
            "theme_id": [themes[t][0] for t in topic_ids],
            "theme_label": [themes[t][1] for t in topic_ids],
        },
        columns=list(TOPIC_ASSIGNMENT_COLUMNS),
    )
    assignments = window_assignments[in_week].reset_index(drop=True)
    known = set(registry["topic_id"]) if registry is not None and len(registry) else set()
    new_registry = backdate_first_seen(update.registry, window_assignments, known)
    share = float((assignments.topic_id == OUTLIER_TOPIC_ID).mean()) if len(assignments) else 0.0
    return WeekTopics(assignments, new_registry, update.events, share, fit, window_assignments)


def backdate_first_seen(registry: pd.DataFrame, window_assignments: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    """A topic new to the registry but already present in earlier weeks of the window was not born this week.

    On a first run (or after a gap) every fitted topic is new to the registry; its ``first_seen_week`` is
    the first week of the window in which it had a real presence: at least 2 records and a fifth of its
    busiest week (so one stray record in an old week does not backdate a genuinely new theme).
    """
    if registry.empty or window_assignments.empty:
        return registry
    counts = window_assignments.groupby(["topic_id", "iso_week"]).size().rename("n").reset_index()
    peak = counts.groupby("topic_id")["n"].transform("max")
    present = counts[(counts["n"] >= 2) & (counts["n"] >= 0.2 * peak)]
    first = present.groupby("topic_id")["iso_week"].min()
    out = registry.copy()
    mask = ~out["topic_id"].isin(known) & out["topic_id"].isin(first.index)
    out.loc[mask, "first_seen_week"] = out.loc[mask, "topic_id"].map(first)
    return out
