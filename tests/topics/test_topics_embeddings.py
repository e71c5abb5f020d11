import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import normalized_mutual_info_score

from topics_synthetic import THAI_THEMES, corpus
from voc.paths import shared_data_dir
from voc.topics.config import ComponentConfig, TopicsConfig
from voc.topics.distill import learn_token_vectors
from voc.topics.labels import THAI_RE
from voc.topics.model import fit_topics
from voc.topics.parts import build
from voc.topics.parts.clusterers import WardClusterer, WardParams
from voc.topics.parts.embedders import HybridEmbedder, HybridParams, StaticEmbedder, StaticParams


@pytest.fixture(scope="module")
def static():
    return StaticEmbedder(StaticParams(), seed=0)


def test_static_vectors_put_same_intent_queries_closer_than_other_intents(static):
    v = static.embed_words([
        "my new card has still not arrived",
        "when will the card you posted be delivered?",
        "what exchange rate do you use for euros",
        "how much does it cost to convert dollars to pounds",
    ])
    sims = v @ v.T
    assert sims[0, 1] > max(sims[0, 2], sims[0, 3]) + 0.1
    assert sims[2, 3] > max(sims[2, 0], sims[2, 1]) + 0.1
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)


def test_static_vectors_of_thai_numbers_and_empty_text_are_zero(static):
    v = static.embed_words(["เติมเงินแล้วเงินไม่เข้า", "555 12345", "", "   ", "\u200b"])
    assert v.shape[0] == 5
    assert not v.any()


def test_missing_static_embeddings_say_how_to_build_them(tmp_path):
    with pytest.raises(RuntimeError, match="python -m voc.topics.distill"):
        StaticEmbedder(StaticParams(path=str(tmp_path)), seed=0).embed_words(["card"])


def test_hybrid_keeps_thai_records_lexical_and_english_records_mostly_semantic():
    hybrid = HybridEmbedder(HybridParams(static_weight=0.9), seed=0)
    docs = ["เติมเงิน ไม่ เข้า", "เน็ต ช้า internet", "card arrive", "เติมเงิน ยอดเงิน"] * 10
    x = hybrid.fit_transform(docs, docs)
    lexical_dims = x.shape[1] - 384
    semantic_share = (x[:, lexical_dims:] ** 2).sum(axis=1) / (x ** 2).sum(axis=1)
    assert semantic_share[0] == pytest.approx(0.0)  # all Thai: words only
    assert 0.0 < semantic_share[1] < 0.5  # one English word of three: pulled a third of 0.9
    assert semantic_share[2] == pytest.approx(0.9, abs=1e-3)


def test_default_config_still_finds_and_labels_thai_themes():
    docs, texts, truth = corpus(THAI_THEMES, 30)
    fit = fit_topics(docs, texts, TopicsConfig(clustering={"name": "topics.clustering.ward.v1", "params": {"n_topics": 4}}))
    assert normalized_mutual_info_score(truth, fit.assignments) > 0.9
    assert all(THAI_RE.search(label) for label in fit.topics.label), list(fit.topics.label)


def test_ward_is_deterministic_and_falls_back_to_kmeans_on_large_batches():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 8)) * 5
    x = np.vstack([c + rng.normal(size=(40, 8)) for c in centres])
    truth = np.repeat([0, 1, 2], 40)
    ward = build("clustering", ComponentConfig(name="topics.clustering.ward.v1", params={"n_topics": 3}), seed=1)
    first = ward.fit(x).labels_.copy()
    assert normalized_mutual_info_score(truth, first) == pytest.approx(1.0)
    assert np.array_equal(first, ward.fit(x).labels_)
    small = WardClusterer(WardParams(n_topics=3, max_docs=50), seed=1).fit(x)  # 120 > 50 documents: k-means
    assert normalized_mutual_info_score(truth, small.labels_) == pytest.approx(1.0)


def test_learning_token_vectors_moves_sentence_sums_towards_their_targets():
    rng = np.random.default_rng(0)
    true_vectors = rng.normal(size=(50, 16)).astype(np.float32)
    sentences = [rng.choice(50, size=5) for _ in range(400)]
    targets = np.stack([true_vectors[s].sum(0) for s in sentences])
    targets /= np.linalg.norm(targets, axis=1, keepdims=True)
    start = rng.normal(size=(60, 16)).astype(np.float32)  # 10 tokens never seen keep their vector
    learned, report = learn_token_vectors(start, np.ones(60, np.float32), sentences, targets, 30, 0.05, seed=0)
    assert report["holdout_cosine_after"] > report["holdout_cosine_before"] + 0.3
    assert np.array_equal(learned[50:], start[50:])


@pytest.mark.skipif(not (shared_data_dir() / "banking77").is_dir(), reason="shared banking77 data not present")
def test_default_topics_on_banking_queries_beat_words_alone():
    from voc.text.tokenize import topic_tokens

    df = pd.read_csv(shared_data_dir() / "banking77" / "test.csv").sample(800, random_state=0)
    texts = df.text.tolist()
    docs = [" ".join(topic_tokens(t)) for t in texts]
    k = {"name": "topics.clustering.kmeans.v1", "params": {"n_topics": 40}}
    default = fit_topics(docs, texts, TopicsConfig(clustering=k))
    words = fit_topics(docs, texts, TopicsConfig(embedding={"name": "topics.embedding.lsa.v1"}, clustering=k))
    nmi_default = normalized_mutual_info_score(df.category, default.assignments)
    nmi_words = normalized_mutual_info_score(df.category, words.assignments)
    assert nmi_default > nmi_words + 0.05, (nmi_default, nmi_words)
