"""The topic parts: typed interfaces, one registry place, no private names across modules."""

import ast
from pathlib import Path

import numpy as np
import pytest

from voc.topics.config import ComponentConfig, TopicsConfig
from voc.topics.parts import build
from voc.topics.parts.base import REGISTRIES, Clusterer, Embedder, Reducer

TOPICS = Path(__file__).resolve().parents[2] / "voc" / "topics"


def test_every_registered_part_builds_and_has_its_interface():
    expected = {"embedding": Embedder, "reduction": Reducer, "clustering": Clusterer}
    for stage, registry in REGISTRIES.items():
        for name in registry.names():
            if name.endswith(("umap.v1", "hdbscan.v1", "keybert.v1", "mmr.v1")):
                continue  # heavy optional libraries; built only when named
            part = build(stage, ComponentConfig(name=name), seed=0)
            if stage in expected:
                assert isinstance(part, expected[stage]), name
            if stage == "clustering":
                assert part.fit(np.random.default_rng(0).normal(size=(40, 5))).labels_.shape == (40,)


def test_unknown_part_or_param_fails_when_the_config_loads():
    with pytest.raises(ValueError, match="unknown topics.embedding backend"):
        TopicsConfig(embedding={"name": "topics.embedding.nope.v1"})
    with pytest.raises(ValueError, match="multilingual_weight"):
        TopicsConfig(embedding={"name": "topics.embedding.crosslingual.v1", "params": {"multilingual_weight": 2}})


def test_multilingual_vectors_put_a_thai_message_near_its_english_translation():
    from voc.topics.parts.embedders import encode_multilingual

    v = encode_multilingual(["OTP ไม่เข้า", "the OTP never arrives", "บิลเดือนนี้แพงกว่าปกติ", "", "my bill is higher than usual"])
    sims = v @ v.T
    assert sims[0, 1] > sims[0, 2] + 0.2 and sims[2, 4] > sims[2, 1] + 0.1
    assert not v[3].any()  # an empty text is a zero row, not noise


def test_crosslingual_embedder_drops_the_sentence_part_on_large_batches():
    emb = build("embedding", ComponentConfig(name="topics.embedding.crosslingual.v1", params={"max_docs": 10}), seed=0)
    docs = ["card arrive late", "refund money back", "เน็ต ช้า มาก"] * 5
    x = emb.fit_transform(docs, docs)
    assert not emb.multilingual and x.shape[1] < 600
    assert np.allclose(np.linalg.norm(emb.embed(docs[:2], docs[:2]), axis=1), 1.0, atol=1e-4)


def test_crosslingual_thai_words_block_reads_thai_documents_and_is_off_by_default():
    from voc.text.tokenize import topic_tokens

    texts = ["เติมเงินแล้วเงินไม่เข้า", "สมัครโปรเน็ตรายเดือน", "my top up did not arrive", "zzqx"]
    docs = [" ".join(topic_tokens(t)) for t in texts]
    base = build("embedding", ComponentConfig(name="topics.embedding.crosslingual.v1"), seed=0)
    with_words = build("embedding", ComponentConfig(name="topics.embedding.crosslingual.v1",
                                                    params={"thai_words_weight": 0.5}), seed=0)
    x, y = base.fit_transform(docs, texts), with_words.fit_transform(docs, texts)
    assert y.shape[1] == x.shape[1] + 384
    np.testing.assert_allclose(np.linalg.norm(y, axis=1), 1.0, atol=1e-5)
    block = np.linalg.norm(y[:, x.shape[1]:], axis=1) ** 2
    assert block[0] == pytest.approx(0.5, abs=1e-5) and block[1] == pytest.approx(0.5, abs=1e-5)
    assert block[2] == 0.0  # English, scope "thai": its vector is the default's
    np.testing.assert_allclose(y[2, : x.shape[1]], x[2], atol=1e-6)
    assert block[3] == 0.0  # no known token
    everyone = build("embedding", ComponentConfig(name="topics.embedding.crosslingual.v1",
                                                  params={"thai_words_weight": 0.5, "thai_words_scope": "all"}), seed=0)
    z = everyone.fit_transform(docs, texts)
    assert np.linalg.norm(z[2, x.shape[1]:]) ** 2 == pytest.approx(0.5, abs=1e-5)


def test_no_private_name_is_imported_from_another_topics_module():
    offenders = []
    for path in TOPICS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("voc.topics"):
                offenders += [f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    assert not offenders, offenders


def test_exact_cosine_neighbours_match_a_brute_force_search():
    from voc.topics.parts.clusterers import exact_cosine_neighbours

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 12)).astype(np.float32)
    x[7] = 0.0  # a row with no words still finds itself first
    idx, dist = exact_cosine_neighbours(x, 6, block=64)  # several blocks
    unit = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    sims = unit @ unit.T
    np.fill_diagonal(sims, np.inf)
    assert (idx[:, 0] == np.arange(300)).all() and np.allclose(dist[:, 0], 0.0)
    expected = np.argsort(-sims, axis=1, kind="stable")[:, :6]
    assert (np.sort(idx[:, 1:], axis=1) == np.sort(expected[:, 1:], axis=1))[np.arange(300) != 7].all()
    assert (np.diff(dist, axis=1) >= -1e-6).all()  # nearest first


def test_ward_on_a_umap_projection_separates_themes_the_same_way_every_run():
    from sklearn.metrics import normalized_mutual_info_score

    rng = np.random.default_rng(1)
    centres = rng.normal(size=(6, 40))
    truth = np.repeat(np.arange(6), 50)
    x = centres[truth] + 0.35 * rng.normal(size=(300, 40))
    params = {"n_topics": 6, "umap_components": 5, "umap_min_docs": 100}
    ward = build("clustering", ComponentConfig(name="topics.clustering.ward.v1", params=params), 3)
    first = ward.fit(x).labels_.copy()
    assert normalized_mutual_info_score(truth, first) > 0.95
    assert (ward.fit(x).labels_ == first).all()
    # below umap_min_docs Ward reads the vectors themselves
    small = build("clustering", ComponentConfig(name="topics.clustering.ward.v1",
                                                params=params | {"umap_min_docs": 1000}),
                  3)
    assert normalized_mutual_info_score(truth, small.fit(x).labels_) > 0.95
