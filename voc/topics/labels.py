"""Readable topic labels and representative quotes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from voc.text.patterns import LINE_BREAK_RE
from voc.text.quotes import distinct_quotes

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
        ((frozenset(ENGLISH_STOP_WORDS) | thai) - keep) | _SPOKEN_THAI | _GREETINGS
        | {p.lower() for p in PLACEHOLDERS} | set(PLACEHOLDERS)
    )


# Pronouns, kin terms used as "you/I" and spoken particles that PyThaiNLP's list lacks; they fill
# call-centre transcripts and say nothing about the topic (measured on truevoice labels).
_SPOKEN_THAI = frozenset(
    [
        "ผม", "ดิฉัน", "หนู", "พี่", "น้อง", "เค้า", "เขา", "เรา", "คุณ", "อ่ะ", "อะ", "หน่ะ", "น่ะ", "นะคะ", "นะครับ",
        "ค่า", "คับ", "ครับผม", "จ้า", "จ้ะ", "เนี่ย", "เนี้ย", "อ่า", "ฮะ", "ฮ่ะ", "แหละ", "มั้ย", "ไหม", "ไห", "ยังไง",
        "อย่างไร",
    ]
)


# Greetings open a chat turn ("Hi, charged for ..."); the lemmatizer reads "hi" as "hello".
_GREETINGS = frozenset([
    "hi", "hii", "hello", "hey", "dear", "greetings", "สวัสดี", "สวัสดีครับ", "สวัสดีค่ะ", "สวัสดีคะ",
    # chat courtesy and acknowledgement: it ends a turn ("รอ / thx"), it names nothing
    "thx", "thanx", "tks", "tq", "ty", "pls", "plz", "noted", "okie", "okey", "โอเค", "โอเคค่ะ", "โอเคครับ",
    "รับทราบ", "ขอบคุณค่ะ", "ขอบคุณครับ", "ขอบคุณคะ",
])


# Words that say how a customer feels or how much, not what about: a label made of them ("ปกติ",
# "ได้ดี / expensive", "service ดีมาก") names no issue a PM could act on. Thai entries are single
# tokens of voc's segmenter (ดีมาก is ดี + มาก), English ones lower case.
GENERIC_WORDS = frozenset([
    "ดี", "แย่", "ปกติ", "มาก", "เยอะ", "สุด", "เลย", "ได้ดี", "สะดวก", "สบาย", "ชอบ", "เกลียด", "ประทับใจ",
    "ผิดหวัง", "ห่วย", "เกินไป", "อีกแล้ว", "ตลอด", "บ่อย", "จริงๆ", "จริง", "ๆ", "ค่อนข้าง", "นิดหน่อย",
    "ขอบคุณ", "ขอบใจ", "ช่วย", "ด้วย", "หน่อย", "ใช้ดี", "ใช้ได้", "ดีมาก", "แย่มาก", "คุ้ม", "คุ้มค่า", "เร็ว",
    "อยู่", "อยู่เลย", "แล้ว", "ยัง",
    "good", "great", "bad", "terrible", "awful", "poor", "nice", "excellent", "fine", "ok", "okay", "worst",
    "best", "better", "worse", "happy", "unhappy", "love", "hate", "like", "thanks", "thank", "really", "very",
    "much", "many", "always", "usual", "normal", "amazing", "horrible", "annoying", "disappointed",
    "disappointing", "satisfied", "pleased", "fast", "quick", "quickly", "slowly", "easy", "hard", "worth",
    "expensive", "cheap", "fix", "yesterday", "today", "again", "please", "help", "helpful", "waste", "job",
    "fyi", "day", "days", "week", "weeks", "time", "times",
    # who speaks and to whom, not what about: call-note narration ("Caller says ...", "ลูกค้าแจ้งว่า ...",
    # "ลูกค้าโทรมาเรื่อง ...") and the page a chat addresses ("แอดมินคะ ...")
    "caller", "say", "says", "said", "report", "reports", "reported", "advise", "advised", "honestly",
    "ลูกค้า", "แจ้ง", "โทร", "โทรมา", "เรื่อง", "แอดมิน", "admin",
])
"""Words no label term may hold (the label falls back to them only when nothing else is left)."""


def holds_generic_term(label: str) -> bool:
    """Whether a label (terms joined by " / ") has a term with a ``GENERIC_WORDS`` word ("ปกติ / baht")."""
    return any(w.lower() in GENERIC_WORDS for term in str(label).split(LABEL_SEPARATOR) for w in term.split())


NOT_ALONE = frozenset(["top", "up", "down", "off", "out", "back", "no", "not", "never", "empty", "full"])
"""Words the tokenizer keeps for phrases ("top up", "no signal") that say nothing as a label on their own."""
NOT_FIRST = frozenset(["up", "down", "off", "out", "back"])
"""Particles belong to the verb before them: a phrase starting with one is a fragment ("up limit")."""
NOT_LAST = frozenset(["top", "no", "not", "never"])
"""Words that belong to the word after them: a phrase ending with one is a fragment ("fees for top")."""


def is_phrase_whole(term: str) -> bool:
    """Whether a phrase neither starts with a particle nor ends with a word that needs the next one."""
    parts = term.lower().split()
    return bool(parts) and parts[0] not in NOT_FIRST and parts[-1] not in NOT_LAST


def is_label_term(term: str) -> bool:
    """Whether a word or phrase may appear in a label: no stopwords, numbers, laughter, placeholders."""
    parts = term.split()
    if not parts or (len(parts) == 1 and parts[0].lower() in NOT_ALONE):
        return False
    if len(parts) > 1 and not is_phrase_whole(term):
        return False
    stop = _stopwords()
    for part in parts:
        if len(part) < 2 or not _LETTER_RE.search(part) or part in stop or part.lower() in stop:
            return False
        if _LAUGHTER_RE.match(part) or _PLACEHOLDER_RE.match(part):
            return False
    return True


def names_an_issue(term: str) -> bool:
    """A usable label term that holds no generic feeling or intensity word (``GENERIC_WORDS``)."""
    return is_label_term(term) and not any(p.lower() in GENERIC_WORDS for p in term.split())


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
    usable = [t for t in ranked_terms if names_an_issue(t)] or [t for t in ranked_terms if is_label_term(t)]
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
    return distinct_quotes((texts[i] for i in order), n, max_chars, squash_spaces=True)


_LATIN_RE = re.compile(r"[A-Za-z]")


_NEGATION_PIECES = frozenset(["n't", "n\u2019t", "n\u2018t"])
"""The tokenizer's second piece of "won't", "can't", "doesn't": written, it keeps the first piece."""


def surface_phrases(texts: Sequence[str], max_words: int, tokenize_config=None) -> dict[tuple[str, ...], str]:
    """Topic-term n-grams that stand together in ``texts``, each with its most common written form.

    A topic's c-TF-IDF terms are lemmas joined after stopwords were dropped, so "deliver miss" or
    "ช้า รอ" may never be written by anyone. A term sequence counts here only where its words are
    next to each other in a text (Thai words not across a space, which ends a Thai phrase; English
    words may have one dropped word between them: "code not received"; nothing across punctuation or a
    line break, which ends a chat turn), and it is shown as written.
    """
    from collections import Counter

    from voc.text.tokenize import tokenize, topic_term_of

    term_of = topic_term_of(None, tokenize_config)
    seen: dict[tuple[str, ...], Counter] = {}
    for text in texts:
        if not isinstance(text, str) or not text.strip():
            continue
        tokens = tokenize(text, config=tokenize_config, normalized=True)
        spans: list[tuple[int, int]] = []
        pos = 0
        for tok in tokens:
            start = text.find(tok, pos)
            if start < 0:
                spans = []
                break
            spans.append((start, start + len(tok)))
            pos = start + len(tok)
        if not spans:
            continue
        terms = [term_of(t) for t in tokens]
        for i in range(len(tokens)):
            if not terms[i]:
                continue
            start = spans[i][0]
            if i and tokens[i].lower() in _NEGATION_PIECES and spans[i - 1][1] == start:
                start = spans[i - 1][0]  # "won't open", not "n't open": the piece before the negation
            key: tuple[str, ...] = (terms[i],)
            seen.setdefault(key, Counter())[text[start:spans[i][1]]] += 1
            j = i
            while len(key) < max_words:
                nxt = j + 1
                if nxt < len(tokens) and not terms[nxt] and nxt + 1 < len(tokens) and terms[nxt + 1] and all(
                    _LATIN_RE.search(tokens[k]) for k in (j, nxt + 1)
                ) and _LATIN_RE.search(tokens[nxt]):
                    nxt += 1  # one dropped English word between two English terms: "not", "to"
                if nxt >= len(tokens) or not terms[nxt]:
                    break
                gap = text[spans[j][1]:spans[nxt][0]]
                if LINE_BREAK_RE.search(gap):
                    break  # a line ends a phrase: chat turns are joined by line breaks
                # what stands between apart from the dropped word: punctuation means not one phrase
                between = gap if nxt == j + 1 else (
                    text[spans[j][1]:spans[j + 1][0]] + text[spans[j + 1][1]:spans[nxt][0]])
                if between.strip():
                    break
                if gap and THAI_RE.search(tokens[j][-1]) and THAI_RE.match(tokens[nxt]):
                    break  # a space between Thai words ends a phrase
                key = key + (terms[nxt],)
                seen.setdefault(key, Counter())[text[start:spans[nxt][1]]] += 1
                j = nxt
    return {k: max(c.items(), key=lambda kv: (kv[1], kv[0]))[0] for k, c in seen.items()}


def readable_terms(ranked_terms: Sequence[str], phrases: dict[tuple[str, ...], str]) -> list[tuple[str, str]]:
    """``(term, written form)`` of the ranked terms that people wrote; unwritten phrases are dropped."""
    out = []
    for term in ranked_terms:
        key = tuple(term.split())
        if key in phrases:
            out.append((term, phrases[key]))
        elif len(key) == 1:
            out.append((term, term))  # a single word always occurs; the sample may have missed it
    return out


def label_from(
    candidates: Sequence[tuple[str, str]], n: int, prefer_thai: bool, avoid: set[str] | frozenset[str] = frozenset()
) -> tuple[str, list[str]]:
    """A label from ``(term, written form)`` candidates, skipping written forms in ``avoid`` (a sibling's)
    while others remain; returns the label and the written forms it uses."""
    usable = [c for c in candidates if c[1].lower() not in avoid]
    if not [t for t, _ in usable if is_label_term(t)]:
        usable = list(candidates)
    written = dict(usable)
    chosen = label_terms([t for t, _ in usable], n, prefer_thai)
    forms = [written.get(t, t) for t in chosen]
    return (LABEL_SEPARATOR.join(forms) if forms else "(no distinctive words)"), forms
