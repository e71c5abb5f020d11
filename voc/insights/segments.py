"""Where it hurts: each theme broken down by segment, with the cells that stand out marked.

A cell is one theme within one segment value (channel ``chat``, product ``credit_card``...). It
stands out when, with at least ``MIN_CELL`` records:

- *volume*: the theme's share of the segment's records is at least ``LIFT`` times its share of all
  the week's records, and a one-sided binomial test of that count (at the overall share) gives
  p < ``P_LIMIT`` (not for language: a Thai-only theme is all Thai by nature); or
- *negative*: the theme's negative share within the segment is at least ``NEGATIVE_POINTS`` points
  above the theme's negative share overall, and a one-sided binomial test (at the overall
  negative share) gives p < ``P_LIMIT``.

The report states this rule in words next to the table.
"""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

from voc.insights.config import InsightsConfig
from voc.insights.weekdata import json_object
from voc.schema import OUTLIER_TOPIC_ID, THEME_SEGMENT_WEEK_COLUMNS

MIN_CELL = 5
LIFT = 1.5
NEGATIVE_POINTS = 15.0
P_LIMIT = 0.01
BASE_SEGMENTS = ("channel", "language")
"""Segments every week is broken down by; ``insights.segment_fields`` adds the configured ones."""

COLUMNS = list(THEME_SEGMENT_WEEK_COLUMNS)


def segment_fields(config: InsightsConfig) -> list[str]:
    """The segment fields of the breakdown: channel, language, then the configured ones."""
    return list(BASE_SEGMENTS) + [f for f in config.segment_fields if f not in BASE_SEGMENTS]


def theme_segment_table(week: str, cur: pd.DataFrame, config: InsightsConfig) -> pd.DataFrame:
    """One row per theme and segment value of ``week``'s counted records (``theme_id`` set).

    Args:
        week: The report week.
        cur: The week's counted records with ``theme_id``, ``theme_label``, ``sentiment``,
            ``channel``, ``language``, ``segments`` and ``metadata`` (JSON; a configured field is
            read from ``segments``, else from ``metadata``).
        config: The ``insights`` section (``segment_fields``).
    """
    if cur.empty:
        return pd.DataFrame(columns=COLUMNS)
    # a configured field is read from the record's segments, else its metadata (app_version is often there)
    meta = cur["metadata"] if "metadata" in cur else pd.Series([None] * len(cur), index=cur.index)
    segs = [{**json_object(m), **json_object(v)} for v, m in zip(cur["segments"], meta, strict=False)]
    total = len(cur)
    negative = (cur["sentiment"] == "negative").to_numpy()
    scored = cur["sentiment"].isin(["positive", "neutral", "negative"]).to_numpy()
    themes = cur["theme_id"].astype(str).to_numpy()
    labels = dict(zip(cur["theme_id"].astype(str), cur["theme_label"].astype(str), strict=False))
    theme_n = pd.Series(themes).value_counts().to_dict()
    theme_scored = pd.Series(themes[scored]).value_counts().to_dict()
    theme_neg = pd.Series(themes[negative & scored]).value_counts().to_dict()
    rows = []
    for field in segment_fields(config):
        if field in BASE_SEGMENTS:
            values = cur[field].astype(object).fillna("(none)").astype(str).to_numpy()
        else:
            values = pd.Series(
                [str(s.get(field)) if s.get(field) not in (None, "") else "(none)" for s in segs]
            ).to_numpy()
        if set(values) <= {"(none)"}:
            continue  # a field no record of the week carries
        seg_n = pd.Series(values).value_counts().to_dict()
        frame = pd.DataFrame({"theme": themes, "value": values, "neg": negative & scored, "scored": scored})
        for (theme, value), g in frame.groupby(["theme", "value"], sort=True):
            vol, n_scored, n_neg = len(g), int(g["scored"].sum()), int(g["neg"].sum())
            share = vol / seg_n[value]
            overall_share = theme_n[theme] / total
            t_scored = theme_scored.get(theme, 0)
            overall_neg = theme_neg.get(theme, 0) / t_scored if t_scored else math.nan
            neg_share = n_neg / n_scored if n_scored else math.nan
            reasons = []
            if theme != OUTLIER_TOPIC_ID and vol >= MIN_CELL:
                if (
                    field != "language"
                    and share >= LIFT * overall_share
                    and overall_share < 1
                    and _p_above(vol, seg_n[value], overall_share) < P_LIMIT
                ):
                    reasons.append("volume")
                if (
                    n_scored >= MIN_CELL
                    and not math.isnan(overall_neg)
                    and overall_neg < 1
                    and 100 * (neg_share - overall_neg) >= NEGATIVE_POINTS
                    and _p_above(n_neg, n_scored, overall_neg) < P_LIMIT
                ):
                    reasons.append("negative")
            rows.append(
                {
                    "iso_week": week,
                    "theme_id": theme,
                    "theme_label": labels.get(theme, theme),
                    "segment_field": field,
                    "segment_value": value,
                    "volume": vol,
                    "segment_volume": int(seg_n[value]),
                    "theme_volume": int(theme_n[theme]),
                    "share_pct": round(100 * share, 1),
                    "theme_share_pct": round(100 * overall_share, 1),
                    "scored": n_scored,
                    "pct_negative": round(100 * neg_share, 1) if n_scored else math.nan,
                    "theme_pct_negative": round(100 * overall_neg, 1) if not math.isnan(overall_neg) else math.nan,
                    "stands_out": bool(reasons),
                    "reason": ",".join(reasons),
                }
            )
    out = pd.DataFrame(rows, columns=COLUMNS)
    if out.empty:
        return out
    out["_other"] = out["theme_id"] == OUTLIER_TOPIC_ID
    out = out.sort_values(
        ["_other", "theme_volume", "theme_id", "segment_field", "volume", "segment_value"],
        ascending=[True, False, True, True, False, True],
    )
    return out.drop(columns="_other").reset_index(drop=True)


def _p_above(k: int, n: int, p: float) -> float:
    """One-sided binomial p-value of ``k`` or more successes in ``n`` at rate ``p``."""
    if n == 0 or p <= 0:
        return 0.0 if k > 0 else 1.0
    return float(stats.binom.sf(k - 1, n, p))


