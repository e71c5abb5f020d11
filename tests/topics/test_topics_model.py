import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from topics_synthetic import ENGLISH_THEMES, THAI_THEMES, corpus
from voc.topics.config import TopicsConfig
from voc.topics.labels import THAI_RE, is_label_term, label_terms, make_label, names_an_issue, surface_phrases
from voc.topics.model import fit_topics

FOUR_TOPICS = TopicsConfig(clustering={"name": "topics.clustering.kmeans.v1", "params": {"n_topics": 4}})


@pytest.fixture(scope="module")
def thai_fit():
    docs, texts, truth = corpus(THAI_THEMES, 40, extra=["555", "<PHONE>", "2024"])
    return docs, texts, truth, fit_topics(docs, texts, FOUR_TOPICS)


def test_thai_themes_are_found_and_labelled_in_thai(thai_fit):
    docs, texts, truth, fit = thai_fit
    assert normalized_mutual_info_score(truth, fit.assignments) > 0.9
    assert len(fit.topics) == 4
    for label, words in zip(fit.topics.label, fit.topics.top_words, strict=True):
        assert THAI_RE.search(label), label
        # BERTopic's English preprocessing would have stripped Thai out of the topic words.
        assert all(THAI_RE.search(w) for w in words[:3]), words


def test_labels_leave_out_laughter_numbers_placeholders_and_stopwords(thai_fit):
    *_, fit = thai_fit
    for label in fit.topics.label:
        for junk in ("555", "<PHONE>", "2024", "help", "please"):
            assert junk not in label, label


def test_each_topic_has_three_distinct_quotes_from_its_own_records(thai_fit):
    docs, texts, truth, fit = thai_fit
    for row in fit.topics.itertuples():
        member_texts = {texts[i] for i in np.flatnonzero(fit.assignments == row.local_id)}
        assert len(row.quotes) == 3 and len(set(row.quotes)) == 3
        assert set(row.quotes) <= member_texts


def test_same_inputs_and_config_give_the_same_topics(thai_fit):
    docs, texts, truth, fit = thai_fit
    again = fit_topics(docs, texts, FOUR_TOPICS)
    assert np.array_equal(fit.assignments, again.assignments)
    assert list(fit.topics.label) == list(again.topics.label)


def test_documents_without_tokens_go_to_other_and_share_is_reported():
    docs, texts, _ = corpus(ENGLISH_THEMES, 20)
    docs = docs + ["", "   ", None]
    texts = texts + ["", "555", "..."]
    fit = fit_topics(docs, texts, TopicsConfig())
    assert list(fit.assignments[-3:]) == [-1, -1, -1]
    assert fit.outlier_share == pytest.approx(3 / len(docs))
    assert (fit.assignments[:-3] >= 0).all()


def test_other_policy_keeps_outliers_nearest_policy_reassigns_them():
    docs, texts, _ = corpus(ENGLISH_THEMES, 30)
    docs += ["zebra giraffe", "volcano glacier"]  # fit no theme
    texts += ["zebra giraffe", "volcano glacier"]
    hdb = {"name": "topics.clustering.hdbscan.v1", "params": {"min_cluster_size": 10}}
    kept = fit_topics(docs, texts, TopicsConfig(clustering=hdb, outliers="other"))
    moved = fit_topics(docs, texts, TopicsConfig(clustering=hdb, outliers="nearest", outlier_min_similarity=-1.0))
    assert kept.outlier_share > 0
    assert moved.outlier_share == 0


def test_mismatched_inputs_are_refused():
    with pytest.raises(ValueError, match="must align"):
        fit_topics(["a b"], ["a", "b"])


def test_no_tokens_at_all_gives_an_empty_topic_table():
    fit = fit_topics(["", ""], ["", ""])
    assert fit.topics.empty and fit.outlier_share == 1.0


@pytest.mark.parametrize("term", ["555", "5555", "<PHONE>", "2024", "the", "ครับ", "ผม", "x", "ฮ่าๆ"])
def test_junk_terms_are_not_label_terms(term):
    assert not is_label_term(term)


def test_thai_topic_label_gets_a_thai_word_even_when_latin_words_rank_first():
    terms = label_terms(["wifi", "router", "modem", "เน็ตหลุด"], 3, prefer_thai=True)
    assert any(THAI_RE.search(t) for t in terms) and len(terms) == 3


def test_a_label_phrase_never_spans_a_chat_turn_or_punctuation():
    # chat turns are joined by line breaks: "Hi" and "charged ..." are two turns, not the phrase "Hi charged"
    turns = "Hi\ncharged for a service I never subscribed to\ntried calling twice"
    written = set(surface_phrases([turns, "no internet since the flood, tried 6 times", "แอปเด้ง\nOTP ไม่เข้า"], 3).values())
    assert not [w for w in written if "\n" in w or "," in w], written
    assert "แอปเด้ง" in written
    # within one turn the phrase stands, with one dropped English word kept as written
    assert "code not received" in surface_phrases(["OTP code not received"], 3).values()


@pytest.mark.parametrize("term, ok", [
    ("top up", True), ("call center", True), ("money back", True), ("not work", True),
    ("up", False), ("not", False), ("top", False), ("up limit", False), ("fees top", False), ("card not", False),
])
def test_phrase_words_kept_from_stop_lists_make_labels_only_in_whole_phrases(term, ok):
    assert is_label_term(term) is ok


def test_a_negation_is_shown_with_the_verb_it_was_written_with():
    written = surface_phrases(["my card won't work", "the app doesn't open"], 3)
    assert written[("not", "work")] == "won't work" and written[("app", "not", "open")] == "app doesn't open"


def test_top_words_hold_no_pair_that_spans_two_chat_turns():
    from voc.text.pipeline import process_texts

    issues = {"card": "my card got blocked", "refund": "refund still missing", "wifi": "router keeps rebooting"}
    texts = [f"{first}\n{second}" for k, first in enumerate(issues.values()) for second in
             ["parcel arrived broken", "voucher expired yesterday", "hotline music forever"] * 10][:90]
    texts = [f"{t} {i}" for i, t in enumerate(texts)]  # no exact duplicates
    layer = process_texts(texts)
    fit = fit_topics(layer.topic_tokens.tolist(), layer.text_clean.tolist(), FOUR_TOPICS)
    turn_end = {"block", "blocked", "miss", "missing", "reboot", "rebooting"}
    turn_start = {"parcel", "voucher", "hotline"}
    for words in fit.topics.top_words:
        pairs = [w.split() for w in words if " " in w]
        assert not [p for p in pairs if p[0] in turn_end and p[1] in turn_start], words


@pytest.mark.parametrize("term", ["hi", "hello", "สวัสดี", "thx", "โอเค", "รับทราบ"])
def test_greetings_are_not_label_terms(term):
    assert not is_label_term(term)


@pytest.mark.parametrize("term", ["caller say", "report fiber", "ลูกค้า แจ้ง", "เรื่อง บิล", "แอดมิน"])
def test_narration_does_not_name_an_issue(term):
    # call notes open with "Caller says" / "ลูกค้าแจ้งว่า"; a label of them names no issue
    assert not names_an_issue(term)


def test_thai_phrases_are_written_without_spaces():
    assert make_label(["เติม เงิน", "wifi router"]) == "เติมเงิน / wifi router"


def test_a_batch_over_max_fit_docs_is_fitted_on_a_sample_and_every_document_joins_a_topic():
    docs, texts, truth = corpus(THAI_THEMES, 100, seed=3)
    docs.append("")  # no tokens: stays "other", whatever the sample
    texts.append("")
    cfg = FOUR_TOPICS.model_copy(update={"max_fit_docs": 120})
    fit = fit_topics(docs, texts, cfg)
    assert fit.assignments[-1] == -1
    assigned = fit.assignments[:-1]
    # 120 sampled documents were clustered; the other 280 joined the nearest topic centre.
    assert (assigned >= 0).all()
    assert normalized_mutual_info_score(truth, assigned) > 0.9
    assert fit.topics["size"].sum() == len(assigned)
    assert (fit.probabilities[:-1] > 0).all()
    again = fit_topics(docs, texts, cfg)
    assert np.array_equal(fit.assignments, again.assignments)
    whole = fit_topics(docs, texts, FOUR_TOPICS)  # under the cap: every document fitted
    assert normalized_mutual_info_score(whole.assignments[:-1], assigned) > 0.9


def test_a_fit_gives_the_same_topics_whatever_the_machines_thread_count():
    # The UMAP projection Ward reads turns last-bit differences of a threaded matrix product into other
    # clusters; fits embed and cluster on one BLAS thread, so the caller's thread setting changes nothing.
    from threadpoolctl import threadpool_limits

    docs, texts, _ = corpus(ENGLISH_THEMES | THAI_THEMES, 40, seed=5)
    assert len(docs) >= 200  # the UMAP path (umap_min_docs)
    cfg = TopicsConfig()
    with threadpool_limits(limits=2):
        two = fit_topics(docs, texts, cfg)
    with threadpool_limits(limits=1):
        one = fit_topics(docs, texts, cfg)
    assert np.array_equal(one.assignments, two.assignments)
    assert one.topics.label.tolist() == two.topics.label.tolist()
