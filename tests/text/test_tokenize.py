"""Tokens and topic tokens of Thai, English and mixed customer text."""

from __future__ import annotations

import pytest

from voc.text.config import TokenizeConfig
from voc.text.tokenize import tokenize, topic_tokens


def test_thai_text_is_segmented_into_words():
    assert tokenize("ร้านนี้อร่อยมาก") == ["ร้าน", "นี้", "อร่อย", "มาก"]


def test_repeated_letters_do_not_leave_junk_tokens():
    # Without normalization the segmenter returns "ดีมาก", "กก", "กก".
    assert tokenize("ดีมากกกกก") == ["ดีมาก"]


def test_english_is_split_by_spacy_rules():
    assert tokenize("I can't login!") == ["I", "ca", "n't", "login", "!"]


def test_mixed_text_keeps_order_across_scripts():
    tokens = tokenize("wifiเน็ตหลุดบ่อย call center ไม่รับสาย")
    assert tokens == ["wifi", "เน็ต", "หลุด", "บ่อย", "call", "center", "ไม่", "รับสาย"]


def test_urls_emails_mentions_hashtags_placeholders_emoji_are_single_tokens():
    text = "ดู https://shop.example.com/p/1 ส่งมาที่ a.b@mail.com โทร <PHONE> #ส่งช้า @shop_th 😡"
    tokens = tokenize(text)
    for atom in ["https://shop.example.com/p/1", "a.b@mail.com", "<PHONE>", "#ส่งช้า", "@shop_th", "😡"]:
        assert atom in tokens


def test_laughter_is_one_token():
    assert tokenize("ตลกมาก55555") == ["ตลก", "มาก", "555"]


def test_topic_tokens_drop_noise_and_lemmatize_english():
    text = "The phones were running slowly 555 😂 <PHONE> 1,000 บาท!!! https://x.co/a @bob"
    assert topic_tokens(text) == ["phone", "run", "slowly", "บาท"]


def test_topic_tokens_keep_customer_meaning_words_pythainlp_lists_as_stopwords():
    assert topic_tokens("ส่งของช้ามาก") == ["ส่ง", "ช้า"]


def test_topic_tokens_keep_english_phrase_words_spacy_lists_as_stopwords():
    assert topic_tokens("How long does a top up take?") == ["long", "top", "up"]  # not "doe"
    assert topic_tokens("my card won't work, call center can't help") == [
        "card", "not", "work", "call", "center", "not", "help"]  # no "wo", "ca"; n't reads as not


def test_formula_fragments_are_not_topic_terms():
    # a pasted spreadsheet formula is no customer's word: "sum(a1" was a theme label's term
    assert topic_tokens("=SUM(A1:A9) ยอดไม่ตรง") == ["a9", "ยอด"]


def test_domain_stopwords_are_dropped():
    config = TokenizeConfig(domain_stopwords=["ร้าน", "shopee"])
    assert topic_tokens("ร้านอร่อย ซื้อใน Shopee", config=config) == ["อร่อย", "ซื้อ"]


def test_hashtag_word_is_kept_without_hash():
    assert "ส่งช้า" in topic_tokens("#ส่งช้า")


def test_other_language_is_not_lemmatized_as_english():
    # "data" -> "datum" would be wrong for Malay "data"; only English gets the English table.
    assert topic_tokens("data telefon saya", language="other") == ["data", "telefon", "saya"]
    assert topic_tokens("phones", language="en") == ["phone"]


@pytest.mark.parametrize("engine", ["nlpo3", "newmm"])
def test_both_thai_engines_segment(engine):
    assert tokenize("ร้านนี้อร่อยมาก", config=TokenizeConfig(engine=engine)) == [
        "ร้าน",
        "นี้",
        "อร่อย",
        "มาก",
    ]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\u200b\u200b", "😂😂😂", "x" * 20000, "ก" * 5000, "๑๒๓", "<b>", "\x00\ud800", None],
)
def test_total_on_edge_cases(text):
    tokens = tokenize(text)
    assert isinstance(tokens, list)
    assert all(isinstance(t, str) and t and not t.isspace() for t in tokens)
    assert isinstance(topic_tokens(text), list)


@pytest.mark.parametrize("engine", ["nlpo3", "newmm"])
def test_loanwords_and_brand_words_stay_whole(engine):
    cfg = TokenizeConfig(engine=engine)
    tokens = tokenize("แอปเด้งตลอด โรมมิ่งแพงมาก ขอรีฟันด์ ไรเดอร์มาช้า แอดมินตอบด้วย ลาซาด้าส่งช้า", config=cfg)
    for word in ("แอป", "โรมมิ่ง", "รีฟันด์", "ไรเดอร์", "แอดมิน", "ลาซาด้า"):
        assert word in tokens, tokens
    assert "แอ" not in tokens and "ป" not in tokens
    # Without the list PyThaiNLP's dictionary cuts the word: the list is what keeps it whole.
    assert tokenize("แอปเด้ง", config=TokenizeConfig(engine=engine, default_user_words=False))[:2] == ["แอ", "ป"]


@pytest.mark.parametrize("engine", ["nlpo3", "newmm"])
def test_configured_user_words_join_the_dictionary(engine):
    text = "สั่งผ่านแมวส้มเดลี่แล้วของไม่มา"
    plain = tokenize(text, config=TokenizeConfig(engine=engine))
    assert "แมวส้มเดลี่" not in plain
    with_brand = tokenize(text, config=TokenizeConfig(engine=engine, user_words=["แมวส้มเดลี่"]))
    assert "แมวส้มเดลี่" in with_brand and with_brand[-2:] == ["ไม่", "มา"]
    # Other settings in the same process keep their own dictionary.
    assert tokenize(text, config=TokenizeConfig(engine=engine)) == plain


@pytest.mark.parametrize("bad", ["app", "แอป ใหม่", "", "5G"])
def test_user_words_that_are_not_one_thai_word_are_refused(bad):
    with pytest.raises(ValueError, match="user word"):
        TokenizeConfig(user_words=[bad])


def test_topic_tokens_keep_loanwords_whole():
    assert topic_tokens("แอปเด้งออกตอนยืนยัน OTP")[:2] == ["แอป", "เด้ง"]
