"""Word tokens of Thai, English and mixed text, and the filtered view topic models read.

Text is split into script runs: Thai runs go to PyThaiNLP's segmenter (engine from config),
everything else to spaCy's English tokenizer (a blank pipeline: nothing is downloaded).
URLs, emails, @mentions, #hashtags, emoji, laughter (``555``) and voc's placeholders
(``<PHONE>``) are single tokens. Every heavy resource is loaded once, on first use.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from voc.text.config import THAI_ENGINES, TokenizeConfig
from voc.text.normalize import normalize
from voc.text.patterns import (
    EMAIL_RE,
    EMOJI_RE,
    HASHTAG_RE,
    LATIN_LETTER_RE,
    LAUGHTER_RE,
    LAUGHTER_TOKEN,
    MENTION_RE,
    PLACEHOLDER_RE,
    PLACEHOLDERS,
    THAI_CHARS,
    URL_RE,
)

if TYPE_CHECKING:
    from spacy.tokenizer import Tokenizer

_DEFAULT = TokenizeConfig()

DEFAULT_USER_WORDS: tuple[str, ...] = (
    # apps and accounts
    "แอป", "แอพ", "แอปฯ", "แอปพลิเคชัน", "แอปพลิเคชั่น", "แอพพลิเคชั่น", "แอคเคาท์", "แอคเคาต์", "แอคเคานต์",
    "อัปเดท", "อัพเดต", "อัพเดท", "รีเซ็ต", "รีเซต", "รีสตาร์ต", "รีสตาร์ท", "ล็อกเอาต์", "ล็อกเอาท์",
    "พาสเวิร์ด", "ยูสเซอร์", "โอทีพี", "คิวอาร์", "บาร์โค้ด", "สมาร์ทโฟน", "ซิมการ์ด", "อีซิม",
    # shopping, payments, delivery
    "รีฟันด์", "แคชแบ็ก", "แคชแบ็ค", "วอลเล็ต", "พร้อมเพย์", "ทรูมันนี่", "ทรูมันนี", "ช้อปปี้", "ลาซาด้า",
    "เดลิเวอรี่", "เดลิเวอรี", "ดีลิเวอรี", "ไลน์แมน", "ฟู้ดแพนด้า", "แกร็บฟู้ด", "โรบินฮู้ด", "แมสเซนเจอร์",
    "ไรเดอร์", "แอดมิน", "โปรโมชั่น", "โปรโมชัน", "แพ็กเกจ", "แพ็คเกจ", "คอลเซ็นเตอร์", "คอลเซนเตอร์",
    # telecom and media
    "โรมมิ่ง", "สตรีมมิ่ง", "เน็ตฟลิกซ์", "ยูทูบ", "ไฟเบอร์", "เราเตอร์",
)
"""Thai loanwords and brand words PyThaiNLP's dictionary lacks, so its segmenters split them
(แอป -> แอ + ป, โรมมิ่ง -> โรม + มิ่ง); configs add more with ``text.tokenize.user_words``."""

# Atomic tokens, in order of precedence (a URL may hold Thai-looking text, a hashtag may be
# Thai); they are cut out before the Thai runs are segmented.
_ATOM_KINDS = (PLACEHOLDER_RE, URL_RE, EMAIL_RE, MENTION_RE, HASHTAG_RE, LAUGHTER_RE, EMOJI_RE)
# Thai, spaces, and Latin words / numbers that do not touch each other ("mazda2" does not pass).
# Possessive quantifiers: a failed match must not retry every way of cutting a long run.
_PLAIN_TEXT_RE = re.compile(rf"(?:[{THAI_CHARS} ]++|[A-Za-z]++(?![0-9])|[0-9]++(?![A-Za-z]))*+")
_LATIN_WORD_RE = re.compile(r"[A-Za-z]+")
# Thai runs span single spaces so one segmenter call reads a whole Thai phrase.
_THAI_RUN_RE = re.compile(rf"([{THAI_CHARS}]+(?:\s+[{THAI_CHARS}]+)*)")
_EMOJI_START_RE = re.compile(EMOJI_RE.pattern[: EMOJI_RE.pattern.index("]") + 1])
_NUMBER_RE = re.compile(r"[+-]?[\d.,:/%]*\d[\d.,:/%]*(?:st|nd|rd|th|k|m|am|pm|x)?", re.IGNORECASE)
_ENGLISH_LANGUAGES = frozenset({"en", "mixed", "th"})
_PLACEHOLDER_SET = frozenset(PLACEHOLDERS)
_DROP_PREFIXES = ("http", "www", "@")


def tokenize(
    text: str,
    language: str | None = None,
    config: TokenizeConfig | None = None,
    *,
    normalized: bool = False,
) -> list[str]:
    """Split ``text`` into word tokens (surface forms, whitespace dropped, emoji kept).

    Args:
        text: raw or clean text; it is normalized first unless ``normalized`` is True.
        language: unused for splitting (script runs decide); kept for symmetry with ``topic_tokens``.
        config: tokenizer settings (Thai engine).
        normalized: the caller already ran ``normalize`` (the pipeline does), skip it.

    Total: never raises; ``None`` gives ``[]``.
    """
    del language  # splitting depends on script, not on the record's language
    cfg = config or _DEFAULT
    if not isinstance(text, str):
        return []
    if not normalized:
        text = normalize(text)
    if not text:
        return []
    return _split(text, cfg.engine, user_dictionary(cfg))


def user_dictionary(config: TokenizeConfig | None = None) -> tuple[str, ...]:
    """The Thai words a config adds to the segmenter's dictionary, sorted (a cache key)."""
    cfg = config or _DEFAULT
    words = set(cfg.user_words)
    if cfg.default_user_words:
        words |= set(DEFAULT_USER_WORDS)
    return tuple(sorted(words))


def topic_tokens(
    text: str,
    language: str | None = None,
    config: TokenizeConfig | None = None,
    *,
    normalized: bool = False,
    tokens: list[str] | None = None,
) -> list[str]:
    """Tokens for topic models: no stopwords, punctuation, numbers, laughter, URLs or placeholders.

    English (Latin-script) tokens are lowercased and lemmatized unless ``language`` is
    ``"other"`` (Malay or romanized Thai must not be lemmatized as English). Hashtags keep
    their word without ``#``. Pass ``tokens`` when ``tokenize`` already ran on the same text.
    Total: never raises.
    """
    cfg = config or _DEFAULT
    if tokens is None:
        tokens = tokenize(text, language, cfg, normalized=normalized)
    return topic_terms(language, cfg)(tokens)


def topic_terms(language: str | None = None, config: TokenizeConfig | None = None) -> Callable[[list[str]], list[str]]:
    """The function ``tokens -> topic tokens`` for one language and settings (what ``topic_tokens`` applies).

    Batch code looks it up once per language instead of once per text.
    """
    cfg = config or _DEFAULT
    lemmatize = cfg.lemmatize_english and (language is None or language in _ENGLISH_LANGUAGES)
    # Token -> topic term is a pure function of the settings; tokens follow Zipf's law, so a
    # per-settings cache answers almost every lookup (this loop dominated the layer's time).
    key = (lemmatize, cfg.keep_emoji_in_topics, cfg.min_topic_token_chars,
           tuple(cfg.domain_stopwords), tuple(cfg.keep_words))
    cache = _TOPIC_CACHES.get(key)
    if cache is None:
        cache = _TOPIC_CACHES[key] = _TopicTermCache(key)
    return cache.terms


def topic_term_of(language: str | None = None, config: TokenizeConfig | None = None) -> Callable[[str], str]:
    """The function ``token -> topic term`` ("" when the token is dropped) that ``topic_terms`` maps.

    Labels use it to find where a topic's words stand in a text, so they can quote the words as written.
    """
    topic_terms(language, config)  # builds the cache for these settings
    cfg = config or _DEFAULT
    lemmatize = cfg.lemmatize_english and (language is None or language in _ENGLISH_LANGUAGES)
    key = (lemmatize, cfg.keep_emoji_in_topics, cfg.min_topic_token_chars,
           tuple(cfg.domain_stopwords), tuple(cfg.keep_words))
    return _TOPIC_CACHES[key].__getitem__


class _TopicTermCache(dict):
    """Token -> topic term ("" when dropped) for one set of settings, computed on first lookup."""

    def __init__(self, key: tuple) -> None:
        super().__init__()
        self.lemmatize, self.keep_emoji, self.min_chars, domain, keep = key
        self.stop = _stopwords(domain, keep)

    def __missing__(self, token: str) -> str:
        lower = token.lower()
        if lower in _CONTRACTION_TERMS:  # the pieces of "won't", "can't": "wo" + "n't"
            term: str | None = _CONTRACTION_TERMS[lower] or None
        elif lower in self.stop:
            term = None  # a stopword as written, before lemmatizing: the lookup table turns "does" into "doe"
        elif _CODE_CHARS_RE.search(token):
            term = None  # a formula or code fragment ("SUM(A1" of "=SUM(A1:A9)"), not a word a customer used
        else:
            term = _topic_term(token, self.lemmatize, self.keep_emoji)
        if term is None or len(term) < self.min_chars or term in self.stop:
            term = ""
        if len(self) < _TOPIC_CACHE_MAX:
            self[token] = term
        return term

    def terms(self, tokens: list[str]) -> list[str]:
        # A dropped token maps to "" (falsy); lookups and the filter run in C.
        return list(filter(None, map(self.__getitem__, tokens)))


_CODE_CHARS_RE = re.compile(r"[()\[\]{}=<>|\\;]")
_CONTRACTION_TERMS = {"n't": "not", "n\u2019t": "not", "n\u2018t": "not", "wo": "", "ca": "", "sha": ""}
"""The tokenizer splits "won't" into "wo" + "n't": the negation reads as "not" (as "does not" does), the
verb piece is dropped (as "will" and "can" are)."""

_TOPIC_CACHE_MAX = 500_000
_TOPIC_CACHES: dict[tuple, _TopicTermCache] = {}


def clear_caches() -> None:
    """Forget cached run splits, segmentations and topic terms (loaded resources stay).

    The caches are bounded; this frees them, and lets a benchmark time a first pass over a corpus.
    """
    _RUN_CACHE.clear()
    _WORD_CACHE.clear()
    _TOPIC_CACHES.clear()
    _thai_segmenter.cache_clear()
    _lemma.cache_clear()


def _topic_term(token: str, lemmatize: bool, keep_emoji: bool) -> str | None:
    """The form a token takes in the topic view, or None when it is dropped."""
    if not token or token.isspace():
        return None
    first = token[0]
    if "\u0e01" <= first <= "\u0e2e":
        return token  # a Thai word: no number, URL, email, hashtag or laughter starts with a consonant
    if first == "#" and len(token) > 1:
        token = token[1:]
    elif first == "<" and token in _PLACEHOLDER_SET:
        return None
    elif token.startswith(_DROP_PREFIXES) and (URL_RE.match(token) or MENTION_RE.match(token)):
        return None
    if token == LAUGHTER_TOKEN or LAUGHTER_RE.fullmatch(token):
        return None
    if not _has_word_char(token):
        return token if keep_emoji and EMOJI_RE.fullmatch(token) else None
    if _NUMBER_RE.fullmatch(token):
        return None
    if EMAIL_RE.fullmatch(token):
        return None
    if token.isascii() or not _is_thai(token):
        lower = token.lower()
        return _lemma(lower) if lemmatize else lower
    return token


def _has_word_char(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def _is_thai(token: str) -> bool:
    return "\u0e00" <= token[0] <= "\u0e7f"


def _split(text: str, engine: str, user_words: tuple[str, ...] = ()) -> list[str]:
    segment_thai = _thai_segmenter(engine, user_words)
    if _PLAIN_TEXT_RE.fullmatch(text) and not _has_exception_word(text):
        # Thai, plain Latin words and plain numbers only: the segmenter splits these exactly as
        # the run-by-run path does (checked on the wisesight texts), in one call.
        return [t for t in segment_thai(text) if not t.isspace()]
    atoms = _atom_pattern(text)
    if atoms is None:
        return _split_runs(text, segment_thai)
    # Atoms never start with a Thai letter or a space, so cutting at the atoms first and then
    # into Thai runs gives the pieces of one combined atom-or-Thai-run pattern.
    tokens: list[str] = []
    pos = 0
    for match in atoms.finditer(text):
        start, end = match.span()
        if start > pos:
            tokens.extend(_split_runs(text[pos:start], segment_thai))
        tokens.append(match.group())
        pos = end
    if pos < len(text):
        tokens.extend(_split_runs(text[pos:], segment_thai))
    return tokens


def _split_runs(text: str, segment_thai: Callable[[str], list[str]]) -> list[str]:
    """Tokens of text without atoms: each Thai run segmented, each other stretch by ``_other_tokens``."""
    tokens: list[str] = []
    # re.split with one group alternates non-Thai and Thai pieces, without match objects.
    for i, piece in enumerate(_THAI_RUN_RE.split(text)):
        if i % 2:
            tokens.extend([t for t in segment_thai(piece) if not t.isspace()])
        elif piece:
            tokens.extend(_other_tokens(piece))
    return tokens


def _atom_pattern(text: str) -> re.Pattern[str] | None:
    """A pattern of the atom kinds ``text`` may hold (None: none), cheap tests first.

    One pattern of every atom kind tries each of them at every character; most texts hold
    one kind (an emoji, ``555``), and a pattern of that kind alone scans several times faster.
    The kinds keep their order of precedence, so the matches are those of the full pattern.
    """
    kinds = 0
    if "<" in text:
        kinds |= 1  # placeholder
    if "://" in text or ("." in text and "www." in text.lower()):
        kinds |= 2  # URL
    if "@" in text:
        kinds |= 4 | 8  # email, mention
    if "#" in text:
        kinds |= 16  # hashtag
    if "555" in text:
        kinds |= 32  # laughter
    if _EMOJI_START_RE.search(text) is not None:
        kinds |= 64  # emoji
    return _atom_patterns(kinds) if kinds else None


@functools.cache
def _atom_patterns(kinds: int) -> re.Pattern[str]:
    parts = [p.pattern for bit, p in enumerate(_ATOM_KINDS) if kinds & (1 << bit)]
    return re.compile("|".join(parts), re.IGNORECASE)


def _has_exception_word(text: str) -> bool:
    """Whether a Latin word is one spaCy splits by its exception table ("cannot", "gonna")."""
    exceptions = _tokenizer_exceptions()
    return any(word in exceptions for word in _LATIN_WORD_RE.findall(text))


def _other_tokens(run: str) -> list[str]:
    """Tokens of a run that is neither Thai nor an atom: English via spaCy, else numbers/symbols."""
    cached = _RUN_CACHE.get(run)
    if cached is not None:
        return cached  # runs repeat a lot: brand names, numbers, " 555 "
    if run.isspace():
        tokens: list[str] = []
    elif not LATIN_LETTER_RE.search(run):
        # Numbers, punctuation and other scripts between Thai words: no English rules apply.
        tokens = [m.group() for m in _OTHER_TOKEN_RE.finditer(run)]
    else:
        tokens = _english_tokens(run)
    if len(run) <= 64 and len(_RUN_CACHE) < _RUN_CACHE_MAX:
        _RUN_CACHE[run] = tokens
    return tokens


def _english_tokens(run: str) -> list[str]:
    """spaCy's tokens of ``run``, word by word.

    spaCy's tokenizer splits at whitespace first and reads each piece on its own (prefixes,
    suffixes, infixes, exceptions), so a run's tokens are its words' tokens. A plain word or
    number that is not an exception ("iPhone", "wifi", "2019") is its own token; other words
    go to spaCy once and are remembered: a spaCy Doc costs more than segmenting the Thai around it.
    """
    exceptions = _tokenizer_exceptions()
    tokens: list[str] = []
    for word in run.split():
        if word.isascii() and (word.isalpha() or word.isdigit()) and word not in exceptions:
            tokens.append(word)
            continue
        pieces = _WORD_CACHE.get(word)
        if pieces is None:
            pieces = [t.text for t in _spacy_tokenizer()(word) if not t.is_space]
            if len(_WORD_CACHE) < _RUN_CACHE_MAX:
                _WORD_CACHE[word] = pieces
        tokens.extend(pieces)
    return tokens


_RUN_CACHE: dict[str, list[str]] = {}
_WORD_CACHE: dict[str, list[str]] = {}
_RUN_CACHE_MAX = 200_000
_OTHER_TOKEN_RE = re.compile(r"[+-]?\d+(?:[.,:/-]\d+)*%?|\w+|([^\w\s])\1*")


@functools.cache
def _tokenizer_exceptions() -> frozenset[str]:
    return frozenset(_spacy_tokenizer().rules)


@functools.cache
def _spacy_tokenizer() -> Tokenizer:
    import spacy

    nlp = spacy.blank("en")
    # spaCy types Language.tokenizer as any callable; a blank pipeline's is always a Tokenizer
    tokenizer = cast("Tokenizer", nlp.tokenizer)
    for placeholder in PLACEHOLDERS:
        tokenizer.add_special_case(placeholder, [{"ORTH": placeholder}])
    return tokenizer


@functools.cache
def _thai_segmenter(engine: str, user_words: tuple[str, ...] = ()) -> Callable[[str], list[str]]:
    """The engine's segmenter over its dictionary plus ``user_words``, with short runs cached:
    callers must not change the lists.

    Thai runs between punctuation, emoji and Latin words repeat a lot ("ค่ะ", "ขอบคุณครับ");
    on wisesight a fifth of the segmenter calls are such repeats.
    """
    raw = _raw_segmenter(engine, user_words)
    cache: dict[str, list[str]] = {}

    def segment(text: str) -> list[str]:
        tokens = cache.get(text)
        if tokens is None:
            tokens = raw(text)
            if len(text) <= _SEGMENT_CACHE_CHARS and len(cache) < _SEGMENT_CACHE_MAX:
                cache[text] = tokens
        return tokens

    return segment


_SEGMENT_CACHE_CHARS = 40
_SEGMENT_CACHE_MAX = 200_000


def _raw_segmenter(engine: str, user_words: tuple[str, ...] = ()) -> Callable[[str], list[str]]:
    if engine not in THAI_ENGINES:
        raise ValueError(f"unknown Thai engine {engine!r}; known: {', '.join(THAI_ENGINES)}")
    if engine == "nlpo3":
        # nlpo3 directly: PyThaiNLP's word_tokenize wrapper costs as much as the segmenting.
        import nlpo3

        dict_name = _nlpo3_dictionary(user_words)

        def segment(text: str) -> list[str]:
            try:
                return nlpo3.segment(text, dict_name)
            except Exception:  # a Rust-side panic on odd input must not stop a weekly run
                return text.split()

        return segment
    from pythainlp.tokenize import word_tokenize

    trie = None
    if user_words:
        from pythainlp.corpus import thai_words
        from pythainlp.util import Trie

        trie = Trie(set(thai_words()) | set(user_words))

    def segment_newmm(text: str) -> list[str]:
        return word_tokenize(text, custom_dict=trie, engine="newmm", keep_whitespace=False)

    return segment_newmm


def _nlpo3_dictionary(user_words: tuple[str, ...]) -> str:
    """Name of an nlpo3 dictionary: PyThaiNLP's words plus ``user_words``, loaded once per process."""
    import hashlib
    import os
    import tempfile

    import nlpo3
    from pythainlp.corpus import thai_words

    if not user_words:
        from pythainlp.tokenize import nlpo3 as pythainlp_nlpo3

        pythainlp_nlpo3._ensure_default_dict_loaded()
        return pythainlp_nlpo3._NLPO3_DEFAULT_DICT_NAME
    digest = hashlib.sha256("\n".join(user_words).encode("utf-8")).hexdigest()[:16]
    name = f"voc-{digest}"
    if name in _NLPO3_LOADED:
        return name
    # nlpo3 reads a dictionary from a file only; a private temporary file, removed once loaded.
    fd, path = tempfile.mkstemp(prefix="voc-thai-dict-", suffix=".txt")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(sorted(set(thai_words()) | set(user_words))))
        message, ok = nlpo3.load_dict(path, name)
    finally:
        os.unlink(path)
    if not ok:
        raise RuntimeError(f"could not load the Thai user dictionary into nlpo3: {message}")
    _NLPO3_LOADED.add(name)
    return name


_NLPO3_LOADED: set[str] = set()


@functools.cache
def _lemma(word: str) -> str:
    return _lemma_table().get(word, word)


@functools.cache
def _lemma_table() -> dict[str, str]:
    # Read spacy-lookups-data's English lookup table straight into a dict: spaCy's own Table
    # hashes every key through its string store, which is slower and needs a Language object.
    from importlib.resources import files

    data = files("spacy_lookups_data").joinpath("data", "en_lemma_lookup.json.gz")
    with gzip.open(data.open("rb"), "rt", encoding="utf-8") as fh:
        return json.load(fh)


@functools.cache
def _stopwords(domain: tuple[str, ...], keep: tuple[str, ...]) -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords
    from spacy.lang.en.stop_words import STOP_WORDS

    domain_words = {normalize(w).lower() for w in domain}
    keep_words = {normalize(w).lower() for w in keep}
    return (frozenset(thai_stopwords()) | frozenset(STOP_WORDS)) - keep_words | domain_words
