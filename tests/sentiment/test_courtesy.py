"""Courtesy formulae (greetings, thanks) do not decide a message's sentiment."""

from pathlib import Path

import pandas as pd
import pytest

from voc.sentiment.courtesy import strip_courtesy

PROBE = Path(__file__).parent / "data" / "courtesy_probe.tsv"
VARIANTS = [
    "{t} ขอบคุณค่ะ", "สวัสดีค่ะ {t}", "สวัสดีค่ะ\n{t}\nขอบคุณค่ะ", "Hi, {t}. Thanks", "{t} thx 🙏",
    "สวัสดีครับแอดมิน {t} ขอบคุณล่วงหน้าครับ", "Hello team,\n{t}\nThank you so much",
]


@pytest.mark.parametrize("text, left", [
    ("โดนตัดเงินซ้ำสองรอบ ขอบคุณค่ะ", "โดนตัดเงินซ้ำสองรอบ"),
    ("สวัสดีค่ะแอดมิน ของยังไม่มาเลยค่ะ", "ของยังไม่มาเลยค่ะ"),
    ("สวัสดีค่ะ\nส่งของช้ามาก\nขอบคุณค่ะ", "ส่งของช้ามาก"),
    ("Hi admin, app crash again 🙏", "app crash again 🙏"),
    ("refund never came thx", "refund never came"),
    ("เน็ตหลุดค่ะ ขอบคุณล่วงหน้าค่ะ", "เน็ตหลุดค่ะ"),
    ("Hello team,\nmy card is blocked\nThank you so much", "my card is blocked"),
])
def test_greetings_and_thanks_around_a_message_are_left_out(text, left):
    assert strip_courtesy(text) == left


@pytest.mark.parametrize("text, left", [
    ("ส่งช้ามาก ขอบคุณค่ะ ^^", "ส่งช้ามาก"),
    ("refund never came thanks :)", "refund never came"),
    ("ของไม่มา ขอบคุณค่ะ 💕", "ของไม่มา"),
    ("ของไม่มา ขอบคุณครับ 🙏🏾", "ของไม่มา"),
    ("ของไม่มา ขอบคุณมากเลยค่ะ", "ของไม่มา"),
    ("ของไม่มา ขอบคุณคร้าบ", "ของไม่มา"),
    ("เรียนทีมงาน ของไม่มาค่ะ", "ของไม่มาค่ะ"),
    ("ดีครับ ของไม่มาครับ", "ของไม่มาครับ"),
    # what follows the thanks that is the customer's own feeling stays
    ("ของไม่มา ขอบคุณค่ะ 😡", "ของไม่มา 😡"),
    ("ของไม่มา ขอบคุณค่ะ 555", "ของไม่มา 555"),
])
def test_thanks_followed_by_emoticons_and_other_greetings_are_left_out(text, left):
    assert strip_courtesy(text) == left


@pytest.mark.parametrize("text", ["ดีมากค่ะ ชอบ", "เรียนภาษาไทยยากมาก", "ดีค่ะ"])
def test_words_that_only_look_like_greetings_stay(text):
    assert strip_courtesy(text) == text


@pytest.mark.parametrize("text", [
    "ขอบคุณค่ะ", "thanks!", "ขอบคุณที่ช่วยนะคะ", "Thanks for the quick fix", "คือเบียร์ยูมันไม่อร่อยไง -3-",
    "แอดมินคะ ขอสอบถามหน่อย", "ขอบคุณมากๆครับ 🙏🏻",
])
def test_praise_and_courtesy_only_messages_are_scored_as_written(text):
    # nothing but courtesy, thanks for something (praise), an emoticon: nothing to leave out
    assert strip_courtesy(text) == text


@pytest.fixture(scope="module")
def default_model():
    from voc.errors import ModelError
    from voc.sentiment.catalog import load_model

    try:
        return load_model("default")
    except ModelError as e:  # no shipped model in this checkout
        pytest.skip(str(e))


def test_a_complaint_stays_a_complaint_when_it_says_hello_or_thanks(default_model):
    probe = pd.read_csv(PROBE, sep="\t")
    plain = default_model.predict(probe["text"].tolist())["sentiment"].tolist()
    same, as_written = 0, 0
    for v in VARIANTS:
        texts = [v.format(t=t) for t in probe["text"]]
        same += sum(a == b for a, b in zip(default_model.predict(texts)["sentiment"], plain, strict=True))
        raw = default_model.predict(texts, courtesy=False)["sentiment"]
        as_written += sum(a == b for a, b in zip(raw, plain, strict=True))
    n = len(VARIANTS) * len(probe)
    assert same == n, f"{n - same} of {n} labels changed with a greeting or thanks"
    assert as_written < 0.75 * n  # the model alone reads courtesy as feeling: 8 of 12 complaints + thanks positive
