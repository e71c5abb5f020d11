"""What ingest quarantined and why, for a data engineer: rows by week and source, redacted, newest last."""

from __future__ import annotations

import pandas as pd

from voc.store.base import Store

QUARANTINE_LIST_COLUMNS = ["iso_week", "source", "location", "reason", "raw", "run_id", "quarantined_at"]
"""``iso_week`` is the week of the run that quarantined the row (empty for an ad hoc ``voc ingest FILE``)."""


def quarantined_rows(store: Store, week: str | None = None, source: str | None = None) -> pd.DataFrame:
    """Quarantined rows with their run's week; only ``week``'s runs and ``source``'s rows when given.

    A row quarantined again by a later run (a rerun, a backfill week) is kept once, under the run that
    first quarantined it. Every text cell passes the PII guard again on its way out.
    """
    from voc.privacy import redact_frame

    rows = store.quarantine()
    runs = store.run_log()
    weeks = (
        runs.dropna(subset=["iso_week"]).drop_duplicates("run_id")[["run_id", "iso_week"]]
        if not runs.empty else pd.DataFrame(columns=["run_id", "iso_week"])
    )
    out = rows.merge(weeks, on="run_id", how="left")
    if week is not None:
        from voc.weeks import parse_week

        parse_week(week)  # a typo (2026-47) is an error, not an empty list
        out = out[out["iso_week"] == week]
    if source is not None:
        out = out[out["source"] == source]
    out = out.sort_values(["quarantined_at", "source", "location"], kind="stable", na_position="first")
    out = out.reindex(columns=QUARANTINE_LIST_COLUMNS).reset_index(drop=True)
    out["iso_week"] = out["iso_week"].astype(object).where(out["iso_week"].notna(), "")
    return redact_frame(out)
