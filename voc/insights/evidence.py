"""Quotes you can act on: per theme and topic, the week's clearest messages with where they came from.

Each quote keeps its channel, date, source, the id the source knows it by (``metadata.source_id``)
and its segments, so the report can filter quotes and link them to the ticket or review they
came from. Text is the stored (already redacted) text; exports redact once more.
"""

from __future__ import annotations

import json

import pandas as pd

from voc.schema import QUOTE_WEEK_COLUMNS

COLUMNS = list(QUOTE_WEEK_COLUMNS)
MIN_CHARS = 12
"""Shorter texts ("ok", "555") say nothing a PM can act on."""


def quote_table(week: str, cur: pd.DataFrame, per_topic: int, max_chars: int) -> pd.DataFrame:
    """Up to ``per_topic`` distinct quotes per topic of ``week`` (themes hold their topics' quotes).

    Args:
        week: The report week.
        cur: The week's counted records with ``theme_id``, ``theme_label``, ``topic_id``,
            ``topic_label``, ``text``, ``topic_probability``, ``source``, ``channel``,
            ``created_at``, ``language``, ``sentiment``, ``segments``, ``metadata``.
        per_topic: Quotes per topic (``insights.quotes_per_topic``).
        max_chars: Longer texts are cut with an ellipsis.
    """
    if cur.empty or per_topic == 0:
        return pd.DataFrame(columns=COLUMNS)
    text = cur["text"].astype(object).where(cur["text"].notna(), cur.get("text_clean")).fillna("").astype(str)
    frame = cur.assign(_text=[" ".join(t.split()) for t in text],
                       _prob=pd.to_numeric(cur["topic_probability"], errors="coerce").fillna(0.0))
    frame = frame[frame["_text"].str.len() >= MIN_CHARS]
    frame = frame.assign(_readable=frame["_text"].str.len() <= max_chars)
    rows = []
    for tid, g in frame.groupby("topic_id", sort=True):
        g = g.sort_values(["_readable", "_prob", "record_id"], ascending=[False, False, True])
        seen: set[str] = set()
        rank = 0
        for r in g.to_dict("records"):
            key = r["_text"].lower()
            if key in seen:
                continue
            seen.add(key)
            rank += 1
            t = r["_text"]
            created = pd.to_datetime(r.get("created_at"), errors="coerce", utc=True)
            rows.append({
                "iso_week": week, "theme_id": r["theme_id"], "theme_label": r["theme_label"],
                "topic_id": tid, "topic_label": r["topic_label"], "rank": rank,
                "record_id": r["record_id"], "source": r.get("source"), "source_id": _source_id(r.get("metadata")),
                "channel": r.get("channel"), "created_date": None if pd.isna(created) else created.date().isoformat(),
                "language": r.get("language"), "sentiment": r.get("sentiment"),
                "segments": r.get("segments") if isinstance(r.get("segments"), str) else "{}",
                "text": t if len(t) <= max_chars else t[: max_chars - 1].rstrip() + "…",
            })
            if rank == per_topic:
                break
    return pd.DataFrame(rows, columns=COLUMNS)


def _source_id(metadata: object) -> str | None:
    if not isinstance(metadata, str) or not metadata:
        return None
    try:
        meta = json.loads(metadata)
    except json.JSONDecodeError:
        return None
    value = meta.get("source_id") if isinstance(meta, dict) else None
    return str(value) if value not in (None, "") else None
