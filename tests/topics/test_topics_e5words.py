"""Word vectors distilled from multilingual-e5-small: the solver, the shipped table, a fit with them."""

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from voc.topics.config import TopicsConfig
from voc.topics.distill_e5 import distill, ridge_cg, truevoice_half
from voc.topics.model import fit_topics
from voc.topics.parts.embedders import E5WordsEmbedder, E5WordsParams


def test_ridge_cg_matches_the_closed_form():
    rng = np.random.default_rng(0)
    a = rng.random((40, 12)).astype(np.float32) * (rng.random((40, 12)) < 0.3)
    t = rng.standard_normal((40, 5)).astype(np.float32)
    exact = np.linalg.solve(a.T @ a + 0.3 * np.eye(12), a.T @ t)
    assert np.allclose(ridge_cg(csr_matrix(a), t, 0.3, iters=500, tol=1e-7), exact, atol=1e-3)


def test_distill_gives_words_of_one_meaning_close_vectors_across_languages():
    rng = np.random.default_rng(1)
    meanings = rng.standard_normal((2, 16)).astype(np.float32)
    docs, targets = [], []
    for i in range(60):  # Thai and English texts of meaning 0 or 1; sentence vectors share the meaning
        m = i % 2
        docs.append(["แอป เด้ง", "app crash", "ค่าส่ง แพง", "fee expensive"][m * 2 + (i // 2) % 2])
        targets.append(meanings[m] + 0.1 * rng.standard_normal(16))
    tokens, idf, table, cosine = distill(docs, np.asarray(targets), lam=0.1, min_df=1)
    vec = dict(zip(tokens, table / np.linalg.norm(table, axis=1, keepdims=True), strict=True))
    assert cosine > 0.9
    assert vec["แอป"] @ vec["crash"] > 0.9 > 0.0 > vec["แอป"] @ vec["fee"]
    assert len(idf) == len(tokens) == len(table)


def test_truevoice_half_is_seeded_and_holds_half_the_rows_once():
    half = truevoice_half(101)
    assert half == truevoice_half(101) and len(half) == 50 and half == sorted(set(half))


def test_shipped_vectors_put_a_thai_complaint_beside_its_english_twin():
    e = E5WordsEmbedder(E5WordsParams(), 0)
    x = e.embed_words(["แอป เด้ง เปิด", "app crash open", "delivery fee expensive", "12345 zzqx"])
    assert x[0] @ x[1] > 0.3 > x[0] @ x[2]
    assert np.allclose(np.linalg.norm(x[:3], axis=1), 1.0, atol=1e-5)
    assert not x[3].any()  # no known token: a zero vector, never NaN


def test_missing_folder_names_the_build_command(tmp_path):
    with pytest.raises(RuntimeError, match="voc.topics.distill_e5"):
        E5WordsEmbedder(E5WordsParams(path=str(tmp_path)), 0).embed_words(["app"])


def test_a_fit_with_e5_words_separates_two_issues_in_both_languages():
    docs = (["แอป เด้ง เปิด"] * 10 + ["app crash open"] * 10 + ["ค่า ส่ง แพง"] * 10 + ["delivery fee expensive"] * 10)
    cfg = TopicsConfig(embedding={"name": "topics.embedding.e5words.v1"},
                       clustering={"name": "topics.clustering.ward.v1", "params": {"n_topics": 2}})
    fit = fit_topics(docs, docs, cfg)
    a = np.asarray(fit.assignments)
    assert len(set(a[:20])) == 1 and len(set(a[20:])) == 1 and a[0] != a[20]
