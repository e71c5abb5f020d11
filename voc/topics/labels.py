"""Readable topic labels and representative quotes."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

THAI_RE = re.compile(r"[\u0e00-\u0e7f]")
_LETTER_RE = re.compile(r"[^\W\d_]")
_LAUGHTER_RE = re.compile(r"^(?:5{3,}|(?:ha){2,}h?|(?:he){2,}|l+o+l+|ถ{3,}|(?:ฮ่?[่า]*)+ๆ*|(?:อิ)+ๆ*)$", re.IGNORECASE)
_PLACEHOLDER_RE = re.compile(r"^<[^>]*>$|^\[[^\]]*\]$")
LABEL_SEPARATOR = " / "


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """English and Thai stopwords, less the Thai words voc's tokenizer keeps for their meaning."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from voc.text.config import TokenizeConfig
    from voc.text.patterns import PLACEHOLDERS

    try:
        from pythainlp.corpus import thai_stopwords

        thai = set(thai_stopwords())
    except Exception:  # the list ships in the wheel; a broken install should not stop labels
        thai = set()
    keep = set(TokenizeConfig().keep_words)
    return (
        frozenset(ENGLISH_STOP_WORDS) | (thai - keep) | _SPOKEN_THAI
        | {p.lower() for p in PLACEHOLDERS} | set(PLACEHOLDERS)
    )


# Pronouns, kin terms used as "you/I" and spoken particles that PyThaiNLP's list lacks; they fill
# call-centre transcripts and say nothing about the topic (measured on truevoice labels).
_SPOKEN_THAI = frozenset(
    "ผม ดิฉัน หนู พี่ น้อง เค้า เขา เรา คุณ อ่ะ อะ หน่ะ น่ะ นะคะ นะครับ ค่า คับ ครับผม จ้า จ้ะ เนี่ย เนี้ย อ่า "
    "ฮะ ฮ่ะ แหละ มั้ย ไหม ไห ยังไง อย่างไร".split()
)


def is_label_term(term: str) -> bool:
    """Whether a word or phrase may appear in a label: no stopwords, numbers, laughter, placeholders."""
    parts = term.split()
    if not parts:
        return False
    stop = _stopwords()
    for part in parts:
        if len(part) < 2 or not _LETTER_RE.search(part) or part in stop or part.lower() in stop:
            return False
        if _LAUGHTER_RE.match(part) or _PLACEHOLDER_RE.match(part):
            return False
    return True


def thai_share(docs: Iterable[str]) -> float:
    """Share of documents that contain Thai script."""
    docs = list(docs)
    return sum(bool(THAI_RE.search(d)) for d in docs) / len(docs) if docs else 0.0


def label_terms(ranked_terms: Sequence[str], n: int, prefer_thai: bool) -> list[str]:
    """The ``n`` most distinctive usable terms, skipping ones that only repeat chosen words.

    When the topic's documents are mostly Thai, at least one Thai term is kept: c-TF-IDF often
    ranks the few Latin brand words of a Thai topic first, and a label of only those misleads.
    """
    chosen: list[str] = []
    seen_words: set[str] = set()
    usable = [t for t in ranked_terms if is_label_term(t)]
    for term in usable:
        words = set(term.split())
        # A phrase over a chosen single word replaces it (it says more with the same word); any
        # other overlap only repeats a chosen word, so the next distinct term is taken instead.
        replaced = [c for c in chosen if set(c.split()) < words]
        if words & seen_words and not replaced:
            continue
        if words & (seen_words - {w for c in replaced for w in c.split()}):
            continue
        chosen = [c for c in chosen if c not in replaced]
        chosen.append(term)
        seen_words |= words
        if len(chosen) == n:
            break
    if prefer_thai and chosen and not any(THAI_RE.search(c) for c in chosen):
        thai_terms = [t for t in usable if THAI_RE.search(t)]
        if thai_terms:
            chosen = chosen[: n - 1] + [thai_terms[0]] if len(chosen) >= n else chosen + [thai_terms[0]]
    return chosen


def display_term(term: str) -> str:
    """A term as people write it: Thai words of a phrase join without spaces (เติม เงิน -> เติมเงิน)."""
    parts = term.split()
    out = parts[:1]
    for part in parts[1:]:
        if THAI_RE.search(out[-1][-1]) and THAI_RE.match(part):
            out[-1] += part
        else:
            out.append(part)
    return " ".join(out)


def make_label(terms: Sequence[str]) -> str:
    """Join label terms; an empty list gives the label of a topic with no readable words."""
    return LABEL_SEPARATOR.join(display_term(t) for t in terms) if terms else "(no distinctive words)"


def pick_quotes(
    texts: Sequence[str], order: Sequence[int], n: int, max_chars: int
) -> list[str]:
    """First ``n`` distinct non-empty texts in ``order`` (most typical first), cut to ``max_chars``."""
    quotes: list[str] = []
    seen: set[str] = set()
    for i in order:
        text = " ".join(str(texts[i]).split())
        key = text.lower()
        if not text or key in seen:
            continue
        seen.add(key)
        quotes.append(text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…")
        if len(quotes) == n:
            break
    return quotes
