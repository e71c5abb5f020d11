"""The ``data_quality`` table: per source, what was read, stored, folded and counted."""

from __future__ import annotations

import math

import pandas as pd

from voc.insights.weekdata import breakdown, clean, int_or_nan, json_object, pct, present

DATA_QUALITY_COLUMNS = [
    "iso_week", "source", "status", "read", "accepted", "duplicates", "quarantined", "error",
    "records_in_week", "exact_duplicates", "near_duplicates", "near_duplicate_reasons", "counted",
    "flagged_conversations", "unreadable_ratings", "languages",
    "pct_scored", "pct_with_topic",
]


def data_quality_table(week: str, window: pd.DataFrame, run_log: pd.DataFrame) -> pd.DataFrame:
    """Per source: the run log's counts, and what the week's records hold (repeats by reason, flags, coverage)."""
    rows: dict[str, dict] = {}
    if run_log is not None and not run_log.empty:
        log = run_log.copy()
        if "iso_week" in log:
            # Ad hoc ingests (NULL week) still describe the sources; other weeks do not.
            log = log[log["iso_week"].isna() | (log["iso_week"] == week)]
        if "finished_at" in log:
            log = log.sort_values("finished_at", na_position="first", kind="stable")
        for r in log.to_dict("records"):  # a rerun's later row replaces the earlier one
            rows[str(r["source"])] = {
                "status": r.get("status") or "ok",
                **{k: int_or_nan(r.get(k)) for k in ("read", "accepted", "duplicates", "quarantined")},
                "error": r.get("error") if isinstance(r.get("error"), str) else "",
            }
    wk = window[window["iso_week"] == week] if len(window) else window
    for source in sorted(set(wk["source"].dropna().astype(str)) - set(rows)):
        rows[source] = {"status": "no run log", "read": math.nan, "accepted": math.nan,
                        "duplicates": math.nan, "quarantined": math.nan, "error": ""}
    out = []
    for source in sorted(rows):
        d = wk[wk["source"].astype(str) == source]
        exact = present(d["duplicate_of"])
        near = present(d["near_dup_of"]) & ~exact
        counted = d[~exact & ~near]
        n = len(counted)
        reasons = d.loc[near, "near_dup_reason"].astype(object).where(d.loc[near, "near_dup_reason"].notna(), "unknown")
        out.append({
            "iso_week": week, "source": source, **rows[source],
            "records_in_week": len(d), "exact_duplicates": int(exact.sum()),
            "near_duplicates": int(near.sum()), "near_duplicate_reasons": breakdown(reasons), "counted": n,
            "flagged_conversations": int(sum(bool(json_object(m).get("transcript_warning")) for m in d["metadata"])),
            # ratings kept out because voc could not read them ("ดีมาก", "4-5"): the text is counted
            "unreadable_ratings": int(sum("rating_unreadable" in json_object(m) for m in d["metadata"])),
            "languages": breakdown(counted["language"]),
            "pct_scored": pct(int(counted["sentiment"].isin(["positive", "neutral", "negative"]).sum()), n),
            "pct_with_topic": pct(int(counted["topic_id"].notna().sum()), n),
        })
    return clean(pd.DataFrame(out, columns=DATA_QUALITY_COLUMNS), DATA_QUALITY_COLUMNS)
