"""Clause-level sentiment: split a mixed message at contrast words and sentence ends, score each part.

"staff polite but the wait was two hours" keeps one message label, and its clauses keep their own
(positive, negative), so a topic about waiting gets the feeling of the clause about waiting, not of
the other half of the message. The split is rule-based and conservative: sentence punctuation, line
breaks, and contrast words in English (but, however, although...) and Thai (แต่, ส่วน, แม้ว่า...).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from voc.schema import SENTIMENT_LABELS

CLAUSE_VERSION = 1
"""Bumped when the split rules change what a clause is."""

_EN_CONTRAST = r"but|however|although|though|whereas|while|except|yet|otherwise|unfortunately"
_TH_CONTRAST = "แต่ว่า|แต่|ทว่า|ส่วน|ถึงแม้ว่า|ถึงแม้|แม้ว่า|อย่างไรก็ตาม|เสียดายที่|ติดที่|ติดตรงที่"
# Thai has no spaces between words: แต่ opens a clause anywhere but in แต่ง (decorate) / แต่ละ (each);
# the others only after a space or at the start, and ส่วน not in ส่วนลด (discount) and its kin
_TH_BOUNDARY = (
    "แต่(?!ง|ละ)|(?:(?<=\\s)|^)(?:แต่ว่า|ทว่า|ส่วน(?!ลด|ตัว|ใหญ่|ประกอบ|ร่วม|ผสม|สูง|แบ่ง|หนึ่ง|น้อย)"
    "|ถึงแม้ว่า|ถึงแม้|แม้ว่า|อย่างไรก็ตาม|เสียดายที่|ติดที่|ติดตรงที่)"
)
# a clause starts at a contrast word (kept with the clause it opens), after a sentence end, or at a line break
_BOUNDARY_RE = re.compile(
    rf"(?<![A-Za-z])(?=(?:{_EN_CONTRAST})(?![A-Za-z]))|(?=(?:{_TH_BOUNDARY}))|(?<=[.!?;])\s+|\n",
    re.IGNORECASE,
)
_WORDISH_RE = re.compile(r"[A-Za-z\u0e01-\u0e4e]")
_CONTRAST_ONLY_RE = re.compile(rf"^(?:{_EN_CONTRAST}|{_TH_CONTRAST})\W*$", re.IGNORECASE)
MIN_CLAUSE_CHARS = 3
"""A piece shorter than this (an emoji, "ok.") joins the clause before it."""


@dataclass(frozen=True)
class Clause:
    """A span of a message's clean text with its own sentiment."""

    idx: int
    start: int
    end: int
    text: str
    sentiment: str = "neutral"
    p_positive: float = 0.0
    p_neutral: float = 0.0
    p_negative: float = 0.0
    p_question: float = 0.0


def split_clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the clauses of ``text``; one span for a text without a boundary."""
    if not isinstance(text, str) or not text.strip():
        return []
    cuts = {m.start() for m in _BOUNDARY_RE.finditer(text)} | {m.end() for m in _BOUNDARY_RE.finditer(text)}
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(text)), len(text)]
    spans: list[tuple[int, int]] = []
    for a, b in itertools.pairwise(bounds):
        piece = text[a:b]
        s, e = a + len(piece) - len(piece.lstrip()), a + len(piece.rstrip())
        if e <= s:
            continue
        if spans and not _is_clause(text[s:e]):
            spans[-1] = (spans[-1][0], e)  # too short or no letters: part of the clause before
        elif spans and not _is_clause(text[slice(*spans[-1])]):
            spans[-1] = (spans[-1][0], e)  # a first piece with no words joins the next
        else:
            spans.append((s, e))
    return spans


def _is_clause(piece: str) -> bool:
    return len(piece) >= MIN_CLAUSE_CHARS and bool(_WORDISH_RE.search(piece)) and not _CONTRAST_ONLY_RE.match(piece)


_PROBS = ("p_positive", "p_neutral", "p_negative", "p_question")


def score_clauses(model, texts: Sequence[str], whole: pd.DataFrame | None = None) -> list[list[Clause]]:
    """The clauses of every text with their sentiment; a text with one clause gets one clause.

    ``whole``: the texts' own scores (``model.predict(texts)``), reused for one-clause texts.
    """
    spans = [split_clauses(t) for t in texts]
    single = [whole is not None and len(sp) == 1 for sp in spans]
    flat = [t[s:e] for t, sp, one in zip(texts, spans, single, strict=True) if not one for s, e in sp]
    scored = model.predict(flat) if flat else None
    rows = {c: scored[c].to_numpy() for c in ("sentiment", *_PROBS)} if scored is not None else {}
    mine = {c: whole[c].to_numpy() for c in ("sentiment", *_PROBS)} if whole is not None else {}
    out: list[list[Clause]] = []
    k = 0
    for n, (t, sp, one) in enumerate(zip(texts, spans, single, strict=True)):
        clauses = []
        for i, (s, e) in enumerate(sp):
            if one:
                src, j = mine, n
            else:
                src, j = rows, k
                k += 1
            clauses.append(
                Clause(i, s, e, t[s:e], str(src["sentiment"][j]), *(round(float(src[c][j]), 4) for c in _PROBS))
            )
        out.append(clauses)
    return out


def clause_rows(
    record_ids: Iterable[object], texts: Sequence[str], model, whole: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The ``record_clauses`` rows of scored texts (one row a record; clauses as a JSON list)."""
    texts = [t if isinstance(t, str) else "" for t in texts]
    scored = score_clauses(model, texts, whole)
    return pd.DataFrame(
        {
            "record_id": list(record_ids),
            "n_clauses": [len(c) for c in scored],
            "clauses": [json.dumps([asdict(x) for x in c], ensure_ascii=False) for c in scored],
            "clause_version": CLAUSE_VERSION,
            "sentiment_model": model.ref,
        }
    )


def parse_clauses(value: object) -> list[Clause]:
    """The clauses stored in a ``record_clauses.clauses`` cell."""
    if not isinstance(value, str) or not value:
        return []
    return [Clause(**c) for c in json.loads(value)]


def _mentions(text: str, terms: Iterable[str]) -> bool:
    low = text.lower()
    for term in terms:
        t = term.strip().lower()
        if not t:
            continue
        if _WORDISH_RE.match(t[0]) and t.isascii():
            if re.search(rf"(?<![a-z]){re.escape(t)}", low):
                return True
        elif t in low:
            return True
    return False


def clause_sentiment_for_topic(
    clauses: Sequence[Sequence[Clause]], message_sentiment: Sequence[str], terms: Iterable[str]
) -> np.ndarray:
    """Each message's sentiment as far as it is about a topic.

    ``clauses`` are the messages' stored clauses, ``terms`` the topic's keywords or representative
    terms. A message with clauses that mention the topic gets the label of those clauses (their
    mean probabilities); one whose clauses don't mention it (or with a single clause) keeps its own
    message label, since the topic was found in the message as a whole.
    """
    terms = [t for t in terms if isinstance(t, str) and t.strip()]
    out = []
    for cl, whole in zip(clauses, message_sentiment, strict=True):
        about = [c for c in cl if _mentions(c.text, terms)] if len(cl) > 1 and terms else []
        if not about or len(about) == len(cl):
            out.append(whole)
            continue
        pos = np.mean([c.p_positive for c in about])
        neu = np.mean([c.p_neutral + c.p_question for c in about])
        neg = np.mean([c.p_negative for c in about])
        out.append(SENTIMENT_LABELS[int(np.argmax([pos, neu, neg]))])
    return np.asarray(out, dtype=object)


def topic_sentiments(records: pd.DataFrame, clauses: pd.DataFrame, registry: pd.DataFrame) -> pd.Series:
    """Each record's sentiment about its own topic, for the topic tables (one call before counting).

    ``records``: record_id, topic_id, sentiment (one row a record, as the tables count them);
    ``clauses``: the ``record_clauses`` table; ``registry``: the topic registry (its ``top_words``,
    a JSON list, are the terms a clause must mention). Records without stored clauses, or whose
    topic has no terms, keep their message sentiment. Returns a Series aligned with ``records``.
    """
    out = records["sentiment"].copy()
    if records.empty or clauses.empty or registry.empty:
        return out
    terms = {
        tid: [w for w in (json.loads(words) if isinstance(words, str) and words else []) if isinstance(w, str)]
        for tid, words in zip(registry["topic_id"], registry["top_words"], strict=True)
    }
    stored = dict(zip(clauses["record_id"], clauses["clauses"], strict=True))
    for tid, idx in records.groupby("topic_id", sort=False).groups.items():
        words = terms.get(tid)
        if not words:
            continue
        part = records.loc[idx]
        cl = [parse_clauses(stored.get(r)) for r in part["record_id"]]
        out.loc[idx] = clause_sentiment_for_topic(cl, part["sentiment"].tolist(), words)
    return out
