"""The ``rating_week`` table: ratings per scale (a mean, or NPS), never one mean across scales."""

from __future__ import annotations

import json
import math

import pandas as pd

from voc.insights.weekdata import WeekData, clean
from voc.ratings import NPS_SCALE, rating_stats

RATING_WEEK_COLUMNS = ["iso_week", "rating_scale", "sources", "rated", "mean_rating", "nps", "promoters",
                       "passives", "detractors", "prev_rated", "prev_mean_rating", "prev_nps", "change"]


def rating_week_table(data: WeekData) -> pd.DataFrame:
    """Ratings of the week per scale: a mean for 1-5 and custom scales, NPS for nps_0_10; vs last week."""
    cur = rating_stats(data.cur[["rating", "rating_scale"]])
    prev = rating_stats(data.counted.loc[data.counted["iso_week"] == data.prev, ["rating", "rating_scale"]])
    prev = prev.set_index("rating_scale")
    rated = data.cur[data.cur["rating"].notna()]
    scales = rated["rating_scale"].astype(object).where(rated["rating_scale"].notna(), "unknown")
    out = cur.assign(iso_week=data.week)
    out["sources"] = [", ".join(sorted(set(rated.loc[scales == s, "source"].dropna().astype(str))))
                      for s in out["rating_scale"]]
    out["prev_rated"] = [int(prev.at[s, "rated"]) if s in prev.index else 0 for s in out["rating_scale"]]
    out["prev_mean_rating"] = [prev.at[s, "mean_rating"] if s in prev.index else math.nan for s in out["rating_scale"]]
    out["prev_nps"] = [prev.at[s, "nps"] if s in prev.index else math.nan for s in out["rating_scale"]]
    now = out["nps"].where(out["rating_scale"] == NPS_SCALE, out["mean_rating"])
    before = out["prev_nps"].where(out["rating_scale"] == NPS_SCALE, out["prev_mean_rating"])
    out["change"] = (now.astype(float) - before.astype(float)).round(2)
    return clean(out, RATING_WEEK_COLUMNS)


def ratings_list(stats: pd.DataFrame) -> list[dict]:
    """Per-scale rating figures as plain JSON-ready dicts (no NaN: a mean scale has no NPS and back)."""
    out = []
    for r in stats.to_dict("records"):
        keep = ("rated", "nps", "promoters", "passives", "detractors") if r["rating_scale"] == NPS_SCALE else (
            "rated", "mean_rating")
        out.append({"rating_scale": r["rating_scale"], **{k: (int(r[k]) if k != "nps" and k != "mean_rating"
                                                             else float(r[k])) for k in keep}})
    return out


def ratings_json(stats: pd.DataFrame) -> str:
    return json.dumps({d.pop("rating_scale"): d for d in ratings_list(stats)}, ensure_ascii=False)
