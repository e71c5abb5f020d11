"""The linear model's own featurizer: normalization, nlpo3 words and character n-grams, TF-IDF.

Self-contained on purpose: every setting, the Thai word list and the vocabularies are stored
with the model, so a model scores text the same way after ``voc.text`` or PyThaiNLP change.
Inference is plain numpy/scipy (no scikit-learn objects are loaded).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

FEATURIZER_VERSION = 1
"""Bumped whenever normalization or n-gram extraction changes meaning (old models keep theirs)."""

_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# C0/C1 control characters (NUL included) and lone surrogates read as a space: raw files reach
# ``predict`` without voc.text's cleaning; a NUL would look like the featurizer's own text
# separator, and a surrogate cannot be encoded for nlpo3 or the character hasher.
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Thai doubles a letter only in pairs (กรรม), so a run of 3+ is emphasis and becomes one letter,
# the same rule voc.text applies: a model sees the same text whether or not voc.text ran first.
_THAI_RUN_RE = re.compile("([\u0e00-\u0e7f])\\1{2,}")
_OTHER_RUN_RE = re.compile(r"([^\d\s\u0e00-\u0e7f])\1{2,}")
_LAUGH_RE = re.compile(r"5{3,}")
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class FeaturizerSettings:
    """What the featurizer does; stored in the model's ``features.json``."""

    lowercase: bool = True
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (1, 6)
    sublinear_tf: bool = True
    version: int = FEATURIZER_VERSION

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> FeaturizerSettings:
        return cls(
            lowercase=bool(data["lowercase"]),
            word_ngrams=tuple(data["word_ngrams"]),
            char_ngrams=tuple(data["char_ngrams"]),
            sublinear_tf=bool(data["sublinear_tf"]),
            version=int(data["version"]),
        )


def normalize(text: object, lowercase: bool = True) -> str:
    """The form both word and character features are read from."""
    if not isinstance(text, str) or not text:
        return ""
    text = unicodedata.normalize("NFC", _CONTROL_RE.sub(" ", _INVISIBLE_RE.sub("", text)))
    if lowercase:
        text = text.lower()
    text = text.translate(_THAI_DIGITS)
    text = _THAI_RUN_RE.sub(r"\1", text)
    text = _OTHER_RUN_RE.sub(r"\1\1", text)
    text = _LAUGH_RE.sub("555", text)
    return _SPACE_RE.sub(" ", text).strip()


class ThaiWordSegmenter:
    """nlpo3 (newmm in Rust) with a word list file kept beside the model."""

    def __init__(self, words_file: Path) -> None:
        import nlpo3

        digest = hashlib.sha1(Path(words_file).read_bytes()).hexdigest()[:16]
        # nlpo3 keeps dictionaries in a process-wide table by name and never replaces one, so the
        # name is the content hash: two models with the same list share it, different lists don't.
        self.dict_name = f"voc-sentiment-{digest}"
        msg, ok = nlpo3.load_dict(str(words_file), self.dict_name)
        if not ok and "already" not in str(msg).lower():
            raise RuntimeError(f"cannot load Thai word list {words_file}: {msg}")
        self._segment = nlpo3.segment

    def __call__(self, text: str) -> list[str]:
        if not text:
            return []
        return [w for w in self._segment(text, self.dict_name) if not w.isspace()]


def default_words_file() -> Path:
    """PyThaiNLP's Thai word list (CC0), copied into each model at training time."""
    from importlib.resources import files

    return Path(str(files("pythainlp.corpus").joinpath("words_th.txt")))


def word_grams(tokens: Sequence[str], lo: int, hi: int) -> list[str]:
    """Word n-grams from ``lo`` to ``hi``, tokens joined by a space."""
    out: list[str] = list(tokens) if lo <= 1 else []
    for n in range(max(lo, 2), hi + 1):
        out.extend([" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)])
    return out


def char_grams(text: str, lo: int, hi: int) -> list[str]:
    """Character n-grams from ``lo`` to ``hi`` over the text padded with one space each side."""
    s = f" {text} "
    size = len(s)
    out: list[str] = []
    for n in range(lo, hi + 1):
        out.extend([s[i : i + n] for i in range(size - n + 1)])
    return out


_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


def _fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer: spreads FNV's weak low bits over the whole word."""
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


def hashed_char_grams(texts: Sequence[str], lo: int, hi: int, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, bucket) of every character n-gram of every text, hashed with numpy (no Python loop).

    The texts are joined with NUL separators and read as code points; an n-gram is FNV-1a over
    its code points (seeded with n) and finalized with fmix64, so the bucket of a string is fixed
    by this function alone, not by Python's per-process string hash.
    """
    # NUL separates texts, so one inside a text (callers that skip normalize) becomes a space.
    joined = "\x00".join(f" {t.replace(chr(0), ' ')} " if t else "" for t in texts)  # empty: no grams
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_sep = cp == 0
    row_of = np.cumsum(is_sep)
    seps_before = np.concatenate([[0], row_of])
    mask = np.uint64((1 << bits) - 1)
    rows, buckets = [], []
    for n in range(lo, hi + 1):
        m = len(cp) - n + 1
        if m <= 0:
            continue
        h = np.full(m, _FNV_OFFSET ^ np.uint64(n), dtype=np.uint64)
        for k in range(n):
            h ^= cp[k : k + m]
            h *= _FNV_PRIME
        inside = seps_before[n : n + m] == seps_before[:m]
        rows.append(row_of[:m][inside])
        buckets.append((_fmix64(h) & mask)[inside])
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    return np.concatenate(rows).astype(np.int64), np.concatenate(buckets)


def _counts(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> sp.csr_matrix:
    m = sp.coo_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n_rows, n_cols)
    ).tocsr()
    m.sum_duplicates()
    return m


def smooth_idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """scikit-learn's smoothed idf: ln((1 + n) / (1 + df)) + 1."""
    return (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)


class Featurizer:
    """Text -> word n-grams (vocabulary) and hashed character n-grams -> TF-IDF blocks.

    Each block is L2-normalized on its own, so words and characters weigh alike. Character
    n-grams are hashed into 2**bits buckets; only buckets seen in ``min_df`` training texts are
    kept, which is the character vocabulary stored with the model.
    """

    def __init__(self, settings: FeaturizerSettings, words_file: Path, char_bits: int = 22) -> None:
        self.settings = settings
        self.words_file = Path(words_file)
        self.char_bits = char_bits
        self._segmenter: ThaiWordSegmenter | None = None
        self.word_vocab: dict[str, int] = {}
        self.char_buckets = np.zeros(0, dtype=np.int64)  # kept buckets, sorted; column = position
        self._bucket_to_col: np.ndarray | None = None
        self.idf: dict[str, np.ndarray] = {}

    @property
    def kinds(self) -> list[str]:
        s = self.settings
        return [k for k, rng in (("word", s.word_ngrams), ("char", s.char_ngrams)) if rng != (0, 0)]

    @property
    def segmenter(self) -> ThaiWordSegmenter:
        if self._segmenter is None:
            self._segmenter = ThaiWordSegmenter(self.words_file)
        return self._segmenter

    def warm(self) -> Featurizer:
        """Load the word list and build the bucket table now, so the first batch is not slower."""
        if "word" in self.kinds:
            _ = self.segmenter
        if "char" in self.kinds:
            self._char_counts([""])
        return self

    def n_features(self) -> dict[str, int]:
        return {"word": len(self.word_vocab), "char": len(self.char_buckets)}

    # -- counting --------------------------------------------------------------------------
    def _word_lists(self, normalized: list[str]) -> list[list[str]]:
        seg = self.segmenter
        lo, hi = self.settings.word_ngrams
        return [word_grams(seg(t), lo, hi) for t in normalized]

    def _word_counts(self, grams: list[list[str]]) -> sp.csr_matrix:
        get = self.word_vocab.get
        indptr = np.zeros(len(grams) + 1, dtype=np.int64)
        indices: list[int] = []
        for i, doc in enumerate(grams):
            indices.extend([j for j in map(get, doc) if j is not None])
            indptr[i + 1] = len(indices)
        m = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
            shape=(len(grams), len(self.word_vocab)),
        )
        m.sum_duplicates()
        return m

    def _char_counts(self, normalized: list[str]) -> sp.csr_matrix:
        lo, hi = self.settings.char_ngrams
        rows, buckets = hashed_char_grams(normalized, lo, hi, self.char_bits)
        if self._bucket_to_col is None:
            lookup = np.full(1 << self.char_bits, -1, dtype=np.int32)
            lookup[self.char_buckets] = np.arange(len(self.char_buckets), dtype=np.int32)
            self._bucket_to_col = lookup
        cols = self._bucket_to_col[buckets.astype(np.int64)]
        keep = cols >= 0
        return _counts(rows[keep], cols[keep], len(normalized), len(self.char_buckets))

    # -- fit / transform -------------------------------------------------------------------
    def fit(self, texts: Sequence[object], min_df: int = 2, max_features: int | None = None) -> Featurizer:
        """Choose the vocabularies and idf weights from training texts."""
        normalized = [normalize(t, self.settings.lowercase) for t in texts]
        n = len(normalized)
        if "word" in self.kinds:
            df: dict[str, int] = {}
            for doc in self._word_lists(normalized):
                for g in set(doc):
                    df[g] = df.get(g, 0) + 1
            kept = [g for g, c in df.items() if c >= min_df]
            # most frequent first, ties by the string itself: the same data gives the same columns
            kept.sort(key=lambda g: (-df[g], g))
            kept = sorted(kept[:max_features] if max_features else kept)
            self.word_vocab = {g: i for i, g in enumerate(kept)}
            self.idf["word"] = smooth_idf(np.array([df[g] for g in kept], dtype=np.float64), n)
        if "char" in self.kinds:
            lo, hi = self.settings.char_ngrams
            rows, buckets = hashed_char_grams(normalized, lo, hi, self.char_bits)
            present = _counts(rows, buckets.astype(np.int64), n, 1 << self.char_bits)
            df_all = np.bincount(present.indices, minlength=1 << self.char_bits)
            kept_b = np.flatnonzero(df_all >= min_df)
            if max_features and len(kept_b) > max_features:
                order = np.lexsort((kept_b, -df_all[kept_b]))
                kept_b = np.sort(kept_b[order[:max_features]])
            self.char_buckets = kept_b.astype(np.int64)
            self._bucket_to_col = None
            self.idf["char"] = smooth_idf(df_all[kept_b].astype(np.float64), n)
        return self

    def transform(self, texts: Sequence[object]) -> dict[str, sp.csr_matrix]:
        """TF-IDF matrices, one per kind, rows L2-normalized (scikit-learn's TfidfVectorizer numbers)."""
        normalized = [normalize(t, self.settings.lowercase) for t in texts]
        out = {}
        if "word" in self.kinds:
            out["word"] = self._weight(self._word_counts(self._word_lists(normalized)), self.idf["word"])
        if "char" in self.kinds:
            out["char"] = self._weight(self._char_counts(normalized), self.idf["char"])
        return out

    def _weight(self, m: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
        if self.settings.sublinear_tf:
            np.log(m.data, out=m.data)
            m.data += 1.0
        m.data *= idf[m.indices]
        row_of = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        norms = np.sqrt(np.bincount(row_of, weights=m.data.astype(np.float64) ** 2, minlength=m.shape[0]))
        norms[norms == 0] = 1.0
        m.data /= norms[row_of].astype(np.float32)
        return m
