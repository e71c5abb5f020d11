"""The one place that names every topic-model part, and how a config part becomes an object."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from voc.topics.parts import clusterers as c
from voc.topics.parts import embedders as e
from voc.topics.parts import reducers as r
from voc.topics.parts import representations as rep
from voc.topics.parts.base import REGISTRIES, Backend, NoParams, clusterers, embedders, reducers, representations

embedders.register("topics.embedding.lsa.v1")(Backend(e.LsaParams, e.LsaEmbedder))
embedders.register("topics.embedding.static.v1")(Backend(e.StaticParams, e.StaticEmbedder))
embedders.register("topics.embedding.hybrid.v1")(Backend(e.HybridParams, e.HybridEmbedder))
embedders.register("topics.embedding.sentence_transformer.v1")(
    Backend(e.SentenceTransformerParams, e.SentenceTransformerEmbedder)
)
embedders.register("topics.embedding.multilingual.v1")(Backend(e.MultilingualParams, e.MultilingualEmbedder))
embedders.register("topics.embedding.crosslingual.v1")(Backend(e.CrossLingualParams, e.CrossLingualEmbedder))
embedders.register("topics.embedding.e5words.v1")(Backend(e.E5WordsParams, e.E5WordsEmbedder))

reducers.register("topics.reduction.none.v1")(Backend(NoParams, lambda params, seed: r.IdentityReducer()))
reducers.register("topics.reduction.pca.v1")(Backend(r.PcaParams, r.CappedPca))
reducers.register("topics.reduction.umap.v1")(Backend(r.UmapParams, r.build_umap))

clusterers.register("topics.clustering.kmeans.v1")(Backend(c.KMeansParams, c.KMeansClusterer))
clusterers.register("topics.clustering.ward.v1")(Backend(c.WardParams, c.WardClusterer))
clusterers.register("topics.clustering.hdbscan.v1")(Backend(c.HdbscanParams, c.build_hdbscan))

representations.register("topics.representation.ctfidf.v1")(Backend(NoParams, rep.build_ctfidf))
representations.register("topics.representation.keybert.v1")(Backend(rep.KeyBertParams, rep.build_keybert))
representations.register("topics.representation.mmr.v1")(Backend(rep.MmrParams, rep.build_mmr))


def validate_component(stage: str, component: Any) -> BaseModel:
    """Check a config part names a registered backend and valid params; return the params."""
    try:
        backend = REGISTRIES[stage].get(component.name)
    except KeyError as exc:  # pydantic reports ValueError with the field's path; KeyError escapes it
        raise ValueError(str(exc)) from None
    try:
        return backend.params(**component.params)
    except ValidationError as exc:
        problems = "; ".join(
            f"{stage}.params.{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in exc.errors()
        )
        raise ValueError(f"{component.name}: {problems}") from None


def build(stage: str, component: Any, seed: int) -> Any:
    """Build the backend a config part names."""
    params = validate_component(stage, component)
    return REGISTRIES[stage].get(component.name).build(params, seed)
