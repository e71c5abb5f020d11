"""Language of a record: ``th``, ``en``, ``mixed`` (Thai and English words together) or ``other``.

Script shares decide first: Thai letters with Latin words is ``mixed`` (about 17% of the
truevoice call-centre texts), Thai letters alone ``th``. Latin-only text is checked by
py3langid (its model ships in the wheel; nothing is downloaded) together with the share of
words found in an English vocabulary (spacy-lookups-data's English tables), so that Malay or
romanized Thai is ``other`` while a short "ok thanks" is still ``en``.
"""

from __future__ import annotations

import functools
import re

from voc.text.patterns import EMAIL_RE, MENTION_RE, PLACEHOLDER_RE, THAI_CHARS, URL_RE

_NOISE_RE = re.compile(f"{URL_RE.pattern}|{EMAIL_RE.pattern}|{MENTION_RE.pattern}|{PLACEHOLDER_RE.pattern}", re.I)
_THAI_LETTER_RE = re.compile(r"[\u0e01-\u0e2e\u0e30-\u0e4e]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z\u00c0-\u024f]{2,}")
_LATIN_LETTER_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_WORD_CHAR_RE = re.compile(rf"[^\W\d_{THAI_CHARS}]")
_OTHER_SCRIPT_RE = re.compile(rf"[^\W\d_{THAI_CHARS}A-Za-z\u00c0-\u024f]")

# A Latin-only text is English when most of its words are English words and py3langid does
# not strongly prefer another language; short texts lean on the vocabulary (py3langid calls
# "good" Somali), long ones on py3langid.
_EN_SHARE_SURE = 0.8
_EN_SHARE_WITH_LANGID = 0.5
_SHORT_TEXT_WORDS = 3
_EN_RANK = 3  # with 80%+ English words, English among py3langid's top three is enough
_VOCABULARY_SIZE = 20_000  # most frequent English forms; beyond it Reddit's Malay/Spanish words creep in


_MAX_CHARS = 2000  # the start of a long text tells its language; the rest only costs time


def detect_language(text: str) -> str:
    """Return ``th``, ``en``, ``mixed`` or ``other`` for one record's text. Total: never raises."""
    if not isinstance(text, str) or not text:
        return "other"
    text = text[:_MAX_CHARS]
    if "@" in text or "<" in text or "://" in text or "www" in text:
        text = _NOISE_RE.sub(" ", text)
    has_thai = _THAI_LETTER_RE.search(text) is not None
    latin_words = _LATIN_WORD_RE.findall(text)
    if has_thai:
        if not latin_words:
            return "th" if _thai_dominates(text) else "other"
        return "mixed"
    if not latin_words:
        return "other"
    if _other_script_dominates(text):
        return "other"
    return "en" if _is_english(latin_words, text) else "other"


def _thai_dominates(text: str) -> bool:
    # Thai letters against letters of other scripts (Chinese, Lao...); digits and emoji don't count.
    if not _OTHER_SCRIPT_RE.search(text):
        return True
    thai = len(_THAI_LETTER_RE.findall(text))
    other = len(_WORD_CHAR_RE.findall(text))
    return thai >= other


def _other_script_dominates(text: str) -> bool:
    latin = len(_LATIN_LETTER_RE.findall(text))
    letters = len(_WORD_CHAR_RE.findall(text))
    return latin * 2 < letters


def _is_english(words: list[str], text: str) -> bool:
    vocab = _english_vocabulary()
    lowered = [w.lower() for w in words]
    share = sum(w in vocab for w in lowered) / len(lowered)
    if share < _EN_SHARE_WITH_LANGID:
        return False
    if share >= _EN_SHARE_SURE and len(lowered) <= _SHORT_TEXT_WORDS:
        return True  # py3langid is unreliable on one to three words ("good" -> Somali)
    # py3langid learnt from mixed-case text; shouting ("WORST EXPERIENCE EVER") reads as noise.
    ranked = _identifier().rank(text.lower())
    top = [lang for lang, _ in ranked[:_EN_RANK]]
    if top[0] == "en":
        return True
    return share >= _EN_SHARE_SURE and "en" in top


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)


@functools.cache
def _english_vocabulary() -> frozenset[str]:
    """The most frequent English word forms (spacy-lookups-data's Reddit-based probabilities)."""
    import gzip
    import json
    from importlib.resources import files

    from spacy.lang.en.stop_words import STOP_WORDS

    data = files("spacy_lookups_data").joinpath("data", "en_lexeme_prob.json.gz")
    with gzip.open(data.open("rb"), "rt", encoding="utf-8") as fh:
        probs: dict[str, float] = json.load(fh)
    words: set[str] = set(STOP_WORDS)
    for word, _ in sorted(probs.items(), key=lambda kv: kv[1], reverse=True):
        if word.isalpha():
            words.add(word.lower())
            if len(words) >= _VOCABULARY_SIZE:
                break
    return frozenset(words)
