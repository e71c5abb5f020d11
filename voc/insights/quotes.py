"""The one way the weekly tables pick the quotes that stand for a topic or a theme.

A quote is a customer's own text (already redacted upstream): readable length first (20 to
``max_chars`` characters reads as a sentence; shorter is often just "ok", longer gets cut), then the
most confident topic assignment, then ``record_id`` so the same records give the same quotes on every
run. Texts that differ only in case or spacing count once; a long text is cut to ``max_chars`` with "…".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from voc.text.quotes import distinct_quotes

READABLE_MIN_CHARS = 20
"""Shorter texts are picked only when too few readable ones exist."""


def pick_quotes(group: pd.DataFrame, n: int, max_chars: int) -> list[str]:
    """Up to ``n`` distinct quotes of ``group``'s records: readable, confident, stable order.

    Args:
        group: the records of one topic or theme, with ``text`` (``text_clean`` stands in where it is
            empty), ``topic_probability`` and, for a stable order, ``record_id``.
        n: how many quotes at most.
        max_chars: longest quote; longer texts are cut to this length, ending in "…".
    """
    if n <= 0 or group.empty:
        return []
    text = group["text"].astype(object)
    if "text_clean" in group:
        text = text.where(_present(text), group["text_clean"])
    text = text.fillna("").astype(str).str.strip()
    length = text.str.len()
    record_id = group["record_id"].astype(str) if "record_id" in group else pd.Series(np.arange(len(group)))
    frame = pd.DataFrame({
        "text": text.to_numpy(),
        "readable": ((length >= READABLE_MIN_CHARS) & (length <= max_chars)).to_numpy(),
        "prob": pd.to_numeric(group["topic_probability"], errors="coerce").fillna(0.0).to_numpy(),
        "record_id": record_id.to_numpy(),
    })
    frame = frame[frame["text"] != ""].sort_values(["readable", "prob", "record_id"], ascending=[False, False, True])
    return distinct_quotes(frame["text"], n, max_chars)


def _present(s: pd.Series) -> pd.Series:
    """True where a nullable text column holds a value ('' counts as empty)."""
    return s.notna() & (s.astype(object).fillna("").astype(str) != "")
