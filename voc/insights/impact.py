"""Impact against volume: each theme's effect on the rating next to how many messages it holds.

One row per theme of the week: its volume and share, its negative share this week and last, and
its effect on the rating (the topic driver analysis, ``voc.insights.drivers``, run on theme ids
over the same pooled weeks, within one source because rating scales differ). A theme's rating
figures come from the source where it has the most rated records. ``priority`` ranks what to fix
first: themes that pull the rating down the most (``impact``, in rating points, read as a share of its
scale's range so that NPS points and stars compare), then by volume.
"""

from __future__ import annotations

import math

import pandas as pd

from voc.insights.config import InsightsConfig
from voc.insights.drivers import rating_drivers
from voc.ratings import scale_bounds
from voc.schema import OUTLIER_TOPIC_ID, THEME_IMPACT_COLUMNS
from voc.weeks import shift_week

COLUMNS = list(THEME_IMPACT_COLUMNS)


def theme_impact_table(week: str, counted: pd.DataFrame, config: InsightsConfig) -> pd.DataFrame:
    """The week's themes with volume, negative share change and rating effect.

    Args:
        week: The report week.
        counted: Counted records (no duplicates) of the loaded window with ``theme_id``,
            ``theme_label``, ``iso_week``, ``sentiment``, ``source`` and ``rating``.
        config: The ``insights`` section (``driver_weeks``, ``confidence``, ``driver_min_records``).
    """
    prev = shift_week(week, -1)
    cur = counted[counted["iso_week"] == week]
    before = counted[counted["iso_week"] == prev]
    if cur.empty:
        return pd.DataFrame(columns=COLUMNS)
    window = [shift_week(week, -k) for k in range(config.driver_weeks)]
    rated = counted[counted["iso_week"].isin(window) & counted["rating"].notna()]
    frame = pd.DataFrame({"source": rated["source"], "topic_id": rated["theme_id"], "rating": rated["rating"]})
    if "rating_scale" in rated:  # drivers that know scales compare within one scale and source
        frame["rating_scale"] = rated["rating_scale"]
    drivers = rating_drivers(frame,
                             config.confidence, config.driver_min_records)
    # the source where the theme has the most rated records speaks for it
    best = (drivers.sort_values(["topic_id", "rated_with", "source"], ascending=[True, False, True])
            .drop_duplicates("topic_id").set_index("topic_id")) if not drivers.empty else drivers
    # a theme with ratings but too few on one side to compare still shows how many it has (not 0)
    rated_count = (frame.groupby(["topic_id", "source"]).size().rename("n").reset_index()
                   .sort_values(["topic_id", "n", "source"], ascending=[True, False, True])
                   .drop_duplicates("topic_id").set_index("topic_id")) if not frame.empty else None
    labels = dict(zip(cur["theme_id"], cur["theme_label"], strict=False))
    rows = []
    for theme, g in cur.groupby("theme_id", sort=True):
        p = before[before["theme_id"] == theme]
        d = best.loc[theme] if theme in best.index else None
        n_rated = rated_count.loc[theme] if rated_count is not None and theme in rated_count.index else None
        rows.append({
            "iso_week": week, "theme_id": theme, "theme_label": labels.get(theme, theme),
            "volume": len(g), "share_pct": round(100 * len(g) / len(cur), 1), "prev_volume": len(p),
            "pct_negative": _neg(g), "prev_pct_negative": _neg(p),
            "rating_source": d.get("source") if d is not None else (
                n_rated["source"] if n_rated is not None else None),
            "rating_scale": _scale_text(d.get("rating_scale")) if d is not None else None,
            "rated_with": int(d["rated_with"]) if d is not None else (int(n_rated["n"]) if n_rated is not None else 0),
            "mean_with": float(d["mean_with"]) if d is not None else math.nan,
            "mean_without": float(d["mean_without"]) if d is not None else math.nan,
            "rating_effect": float(d["effect"]) if d is not None else math.nan,
            "ci_low": float(d["ci_low"]) if d is not None else math.nan,
            "ci_high": float(d["ci_high"]) if d is not None else math.nan,
            "impact": float(d["impact"]) if d is not None else math.nan,
            "direction": d.get("direction") if d is not None else "",
        })
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("negative_change", "priority")])
    out["negative_change"] = (out["pct_negative"] - out["prev_pct_negative"]).round(1)
    # what to fix first: clearest pull-down as a share of its scale's range (a point on a 0-10 NPS scale is not
    # a star), then biggest; "other" cannot be fixed
    widths = [_scale_width(best.loc[t].get("rating_scale")) if t in best.index else 1.0 for t in out["theme_id"]]
    key = (out["impact"] / pd.Series(widths, index=out.index)).where(out["direction"] == "pulls down", 0.0).fillna(0.0)
    out = out.assign(_k=key, _other=out["theme_id"] == OUTLIER_TOPIC_ID).sort_values(
        ["_other", "_k", "volume", "theme_id"], ascending=[True, True, False, True])
    out["priority"] = range(1, len(out) + 1)
    return out.drop(columns=["_k", "_other"])[COLUMNS].reset_index(drop=True)


def _scale_text(scale: object) -> str | None:
    """A scale name as stored; None for a missing one (NaN from a frame without scales)."""
    return scale if isinstance(scale, str) and scale else None


def _scale_width(scale: object) -> float:
    """max - min of a rating scale (4 for stars 1-5, 10 for NPS 0-10); 1 for a scale voc does not know."""
    bounds = scale_bounds(scale) if isinstance(scale, str) and scale else None
    return float(bounds[1] - bounds[0]) if bounds and bounds[1] > bounds[0] else 1.0


def _neg(g: pd.DataFrame) -> float:
    scored = int(g["sentiment"].isin(["positive", "neutral", "negative"]).sum())
    return round(100 * int((g["sentiment"] == "negative").sum()) / scored, 1) if scored else math.nan
