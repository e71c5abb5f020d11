"""The linear model's featurizer: normalization and TF-IDF numbers."""

from __future__ import annotations

import numpy as np
import pytest

from voc.sentiment.features import Featurizer, FeaturizerSettings, default_words_file, hashed_char_grams, normalize


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("", ""),
        (None, ""),
        ("   \n\t ", ""),
        ("ดีมากกกกก", "ดีมาก"),  # Thai emphasis runs become one letter, like voc.text
        ("กรรม", "กรรม"),  # a Thai pair is a real spelling and stays
        ("Sooooo GOOD!!!!", "soo good!!"),
        ("ฮา 5555555", "ฮา 555"),
        ("ราคา ๑๒๐ บาท", "ราคา 120 บาท"),
        ("ดี\u200bมาก", "ดีมาก"),  # zero-width space
        ("😀😀😀😀", "😀😀"),
        ("\x00\x01 weird\x7f", "weird"),  # control characters read as spaces
        ("ดี\x00มาก", "ดี มาก"),
    ],
)
def test_normalize_robust_cases(raw, expected):
    assert normalize(raw) == expected


def test_normalize_is_idempotent():
    text = "โคตรรรรดีมากกก 55555 Sooo ๆ   ok"
    assert normalize(normalize(text)) == normalize(text)


def test_char_hash_does_not_depend_on_the_batch():
    alone = hashed_char_grams(["ดีมาก"], 1, 3, 22)[1]
    rows, buckets = hashed_char_grams(["แย่", "ดีมาก", ""], 1, 3, 22)
    assert sorted(buckets[rows == 1].tolist()) == sorted(alone.tolist())
    assert not (rows == 2).any()  # an empty text has no grams, not even padding


def test_word_block_matches_scikit_learn_tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["ร้านนี้อร่อยมาก", "อร่อยมาก บริการดี", "บริการช้ามาก", "ช้ามาก แต่อร่อย", "good food", "slow food"]
    f = Featurizer(FeaturizerSettings(word_ngrams=(1, 2), char_ngrams=(0, 0)), default_words_file()).fit(texts, min_df=1)
    normalized = [normalize(t) for t in texts]
    ref = TfidfVectorizer(analyzer=lambda d: d, min_df=1, sublinear_tf=True).fit(f._word_lists(normalized))
    ours = f.transform(texts)["word"].toarray()
    expected = ref.transform(f._word_lists(normalized)).toarray()
    order = [ref.vocabulary_[w] for w in sorted(f.word_vocab, key=f.word_vocab.get)]
    np.testing.assert_allclose(ours, expected[:, order], atol=1e-6)


def test_unseen_and_empty_texts_give_zero_rows():
    f = Featurizer(FeaturizerSettings(), default_words_file()).fit(["ดีมาก", "แย่มาก"], min_df=1)
    blocks = f.transform(["", "zzzz qqqq"])
    assert blocks["word"][0].nnz == 0 and blocks["char"][0].nnz == 0
    assert blocks["word"][1].nnz == 0


def test_a_nul_inside_a_text_does_not_shift_rows():
    """NUL is the hasher's text separator; one inside a text (raw file, no voc.text) must stay in its row."""
    rows, _ = hashed_char_grams(["a\x00b", "ดี"], 1, 2, 22)
    assert set(rows.tolist()) == {0, 1}
    f = Featurizer(FeaturizerSettings(), default_words_file()).fit(["ดีมาก", "แย่มาก", "weird ok"], min_df=1)
    hostile = ["\x00\x01 weird", "\x00", "ดีมาก\x00\x00แย่มาก", "\ud800 lone surrogate", "ok"]
    blocks = f.transform(hostile)
    assert all(m.shape[0] == len(hostile) for m in blocks.values())
    np.testing.assert_allclose(blocks["char"][0].toarray(), f.transform([" weird"])["char"].toarray())
