"""Rating drivers: how much each topic pulls a source's mean rating up or down.

For each rating scale and source (ratings are compared within one, because stars, CSAT and NPS
use different scales; a source declares its ``rating_scale``) and each topic, the rated records
that carry the topic are compared with the source's other rated records:
``effect = mean_with - mean_without``, with a Welch t interval
(unequal variances) at the configured confidence. ``impact`` is the topic's share of rated
records times its effect: how far the source's overall mean would move if the topic's records
rated like the rest.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from voc.schema import OUTLIER_TOPIC_ID

DRIVER_COLUMNS = [
    "rating_scale", "source", "topic_id", "rated_with", "rated_without", "mean_with", "mean_without", "effect",
    "ci_low", "ci_high", "p_value", "impact", "direction",
]


def rating_drivers(
    rated: pd.DataFrame, confidence: float = 0.95, min_records: int = 5
) -> pd.DataFrame:
    """Each topic's effect on its source's mean rating; most negative impact first.

    Args:
        rated: Records with a rating: ``source``, ``topic_id``, ``rating`` and ``rating_scale``
            (ratings are compared within one scale and source, never across).
        confidence: Confidence level of the interval on ``effect``.
        min_records: Rated records needed both with and without the topic.
    """
    rows = []
    rated = rated[rated["rating"].notna()]
    if "rating_scale" not in rated:
        rated = rated.assign(rating_scale=None)
    rated = rated.assign(rating_scale=rated["rating_scale"].astype(object).where(rated["rating_scale"].notna(), ""))
    for (scale, source), group in rated.groupby(["rating_scale", "source"], sort=True):
        ratings = group["rating"].to_numpy(float)
        topics = group["topic_id"].fillna("").to_numpy(str)
        for tid in sorted(set(topics) - {"", OUTLIER_TOPIC_ID}):
            with_ = ratings[topics == tid]
            without = ratings[topics != tid]
            if len(with_) < min_records or len(without) < min_records:
                continue
            rows.append({"rating_scale": scale or None, "source": source, "topic_id": tid,
                         **_compare(with_, without, confidence)})
    out = pd.DataFrame(rows, columns=DRIVER_COLUMNS)
    return out.sort_values(["rating_scale", "impact", "source", "topic_id"], kind="stable").reset_index(drop=True)


def _compare(with_: np.ndarray, without: np.ndarray, confidence: float) -> dict:
    """Welch comparison of two groups of ratings (difference of means, t interval, p-value)."""
    effect = float(with_.mean() - without.mean())
    n1, n2 = len(with_), len(without)
    v1, v2 = with_.var(ddof=1) / n1, without.var(ddof=1) / n2
    se = math.sqrt(v1 + v2)
    if se == 0:
        # No spread at all: the difference is exact, and a t interval is undefined.
        low = high = effect
        p = 0.0 if effect != 0 else 1.0
    else:
        # Welch-Satterthwaite degrees of freedom (computed here rather than by scipy's
        # ttest_ind, which warns on groups whose ratings are all equal, common with stars).
        df = (v1 + v2) ** 2 / ((v1**2 / (n1 - 1) if v1 else 0.0) + (v2**2 / (n2 - 1) if v2 else 0.0))
        t_crit = float(stats.t.ppf(0.5 + confidence / 2, df))
        low, high = effect - t_crit * se, effect + t_crit * se
        p = float(2 * stats.t.sf(abs(effect) / se, df))
    share = n1 / (n1 + n2)
    if low <= 0 <= high:
        direction = "unclear"
    else:
        direction = "pulls down" if effect < 0 else "lifts"
    return {
        "rated_with": n1, "rated_without": n2,
        "mean_with": float(with_.mean()), "mean_without": float(without.mean()),
        "effect": effect, "ci_low": low, "ci_high": high, "p_value": p,
        "impact": share * effect, "direction": direction,
    }
