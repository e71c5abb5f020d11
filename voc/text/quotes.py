"""The one loop that turns ranked texts into quotes: distinct (case and spacing ignored), cut with "…".

Both the weekly tables (``voc.insights.quotes.pick_quotes``: readable, confident records first) and a
topic fit (``voc.topics.labels.pick_quotes``: the most typical texts first) rank their candidates their
own way, then call :func:`distinct_quotes`.
"""

from __future__ import annotations

from collections.abc import Iterable


def distinct_quotes(ranked: Iterable[object], n: int, max_chars: int, squash_spaces: bool = False) -> list[str]:
    """The first ``n`` non-empty texts of ``ranked`` that differ beyond case and spacing.

    Args:
        ranked: candidate texts, best first.
        n: how many quotes at most.
        max_chars: longest quote; a longer text is cut to this length, ending in "…".
        squash_spaces: show each quote with its runs of white space made one space (else as written).
    """
    out: list[str] = []
    if n <= 0:
        return out
    seen: set[str] = set()
    for value in ranked:
        text = str(value).strip()
        if squash_spaces:
            text = " ".join(text.split())
        key = " ".join(text.lower().split())
        if not text or key in seen:
            continue
        seen.add(key)
        out.append(text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…")
        if len(out) == n:
            break
    return out
