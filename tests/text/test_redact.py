"""PII redaction on a planted test set: recall per type and false positives on look-alike numbers.

Two sets: the original planted set built here, and the wider labelled set of ``pii_cases.py`` (every
separator, grouping, digit script and email form; dates, IPs, versions and order numbers that must stay).
"""

from __future__ import annotations

import random

import pytest

from pii_cases import KINDS, cases, measure
from voc.text.config import RedactConfig
from voc.text.redact import is_luhn_valid, is_valid_thai_id, redact

_RNG = random.Random(7)
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

_TH = [
    "รบกวนติดต่อกลับที่ {} ด้วยค่ะ",
    "ลูกค้าแจ้งข้อมูล {} มาในแชท",
    "ข้อมูลของผมคือ{}ครับ",
    "ส่งรายละเอียดไปที่ {} นะคะ ขอบคุณค่ะ",
]
_EN = [
    "Please call me back on {} today.",
    "My details: {}",
    "I already sent {} to your agent!!",
    "Contact ({}) for the refund",
]


def _sentence(value: str, i: int) -> str:
    templates = _TH if i % 2 else _EN
    return templates[i % len(templates)].format(value)


def _thai_id() -> str:
    body = str(_RNG.randint(1, 8)) + "".join(str(_RNG.randint(0, 9)) for _ in range(11))
    total = sum(int(d) * (13 - i) for i, d in enumerate(body))
    return body + str((11 - total % 11) % 10)


def _luhn(prefix: str, length: int) -> str:
    body = prefix + "".join(str(_RNG.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        if is_luhn_valid(body + check):
            return body + check
    raise AssertionError("unreachable")


def _thai_id_cases() -> list[str]:
    cases = []
    for i in range(45):
        d = _thai_id()
        style = i % 3
        if style == 0:
            cases.append(d)
        elif style == 1:
            cases.append(f"{d[0]}-{d[1:5]}-{d[5:10]}-{d[10:12]}-{d[12]}")
        else:
            cases.append(f"{d[0]} {d[1:5]} {d[5:10]} {d[10:12]} {d[12]}")
    return cases


def _card_cases() -> list[str]:
    cases = []
    kinds = [("4", 16), ("51", 16), ("55", 16), ("6011", 16), ("35", 16), ("62", 19), ("4", 13)]
    for i in range(42):
        prefix, length = kinds[i % len(kinds)]
        d = _luhn(prefix, length)
        if length == 16 and i % 3 == 1:
            d = " ".join(d[k : k + 4] for k in range(0, 16, 4))
        elif length == 16 and i % 3 == 2:
            d = "-".join(d[k : k + 4] for k in range(0, 16, 4))
        cases.append(d)
    for _ in range(6):  # American Express, 4-6-5
        d = _luhn(_RNG.choice(["34", "37"]), 15)
        cases.append(f"{d[:4]} {d[4:10]} {d[10:]}")
    return cases


_EMAILS = [
    "somchai.j@gmail.com", "nok_2024@hotmail.com", "support+ticket@company.co.th", "A.B.C@Example.COM",
    "k.wong@mail.chula.ac.th", "user123@yahoo.co.uk", "first-last@my-domain.org", "x@y.io",
    "customer.service@bank.co.th", "pim.p@outlook.com", "j.doe99@proton.me", "sales@shop-th.com",
    "info@ร้าน.com".replace("ร้าน", "raan"), "nattapong.s@truecorp.co.th", "me@sub.domain.example.net",
    "LINE.user@icloud.com", "a_b-c.d@e-f.gh", "tick3t@help.desk.co", "noreply@notify.app", "o.o@o.co",
]


def _email_cases() -> list[str]:
    return _EMAILS + [f"user{_RNG.randint(1, 9999)}.{n}@mail{n}.com" for n in range(20)]


def _phone_cases() -> list[str]:
    def digits(n: int) -> str:
        return "".join(str(_RNG.randint(0, 9)) for _ in range(n))

    cases = []
    for i in range(40):
        m = "0" + _RNG.choice("689") + digits(8)
        fmt = i % 8
        cases.append(
            [
                m,
                f"{m[:3]}-{m[3:6]}-{m[6:]}",
                f"{m[:3]} {m[3:6]} {m[6:]}",
                f"{m[:2]}-{m[2:6]}-{m[6:]}",
                f"{m[:3]}.{m[3:6]}.{m[6:]}",
                f"({m[:3]}) {m[3:6]} {m[6:]}",
                f"+66 {m[1:3]} {m[3:6]} {m[6:]}",
                f"{m[:3]}-{m[3:6]}-{m[6:]}".translate(_THAI_DIGITS),
            ][fmt]
        )
    for i in range(15):
        area = _RNG.choice(["02", "053", "038", "044", "076"])
        rest = digits(9 - len(area))
        cases.append(
            [f"{area}-{rest[:3]}-{rest[3:]}", f"{area} {rest[:3]} {rest[3:]}", f"{area}{rest}", f"({area}) {rest}"][i % 4]
        )
    cases += [
        "+1 415 555 0100", "+44 20 7946 0958", "+65 6123 4567", "+81 3-1234-5678", "+66-2-123-4567",
        "+6681-234-5678", "(415) 555-0199", "415-555-0123", "+61 2 9876 5432", "+852 2345 6789",
    ]
    return cases


def _negative_cases() -> list[str]:
    orders = [f"order #{_RNG.randint(10**5, 10**9)}" for _ in range(15)] + [
        "ORD-2024-000123", "TH1234567890", "เลขพัสดุ EF123456789TH", "order no. 240512ABCD", "คำสั่งซื้อ 2405120012",
        "Ref: 88231-77", "ticket 4412", "เลขที่ใบเสร็จ 000123456", "invoice INV-2024-05-0042", "SKU 8851234567890",
    ]
    prices = [f"{_RNG.randint(1, 999)},{_RNG.randint(100, 999)} บาท" for _ in range(10)] + [
        "฿2,990", "$19.99", "1500.00 บาท", "12,345,678 บาท", "ลด 50%", "ราคา 399.-", "USD 1,250.50", "฿ 15,900",
        "ผ่อน 0% 10 เดือน", "ค่าส่ง 45 บาท",
    ]
    dates = [f"{_RNG.randint(1, 28):02d}/{_RNG.randint(1, 12):02d}/{_RNG.randint(2015, 2026)}" for _ in range(10)] + [
        "2024-05-12", "12 พ.ค. 2567", "05-12-2024", "2567-01-31", "31.12.2023", "วันที่ 1-15 มี.ค.", "Jan 5, 2024",
        "2024/05/12", "12-05-67", "20240512",
    ]
    times = [f"{_RNG.randint(0, 23):02d}:{_RNG.randint(0, 59):02d}" for _ in range(10)] + [
        "14.00 น.", "9:15 AM", "23:59:59", "10.30-12.00 น.", "8-17 น.", "เปิด 10:00 - 22:00", "2 ชั่วโมง 30 นาที",
        "12:00:00", "ตี 5", "18.45",
    ]
    other = [
        "iPhone 15 Pro Max 256GB", "version 2.1.3", "ห้อง 1203", "4G LTE", "3 ชิ้น", "1 แถม 1", "โปร 299 แถม 99",
        "ชั้น 12 อาคาร B", "size 38-40", "รุ่น ABC-1234", "hotline 1175", "call 1133", "ซอย 55", "ถนน 3",
        "ปี 2024", "555 ตลกมาก", "5555555", "ราคา 5,555 บาท", "30 วัน", "100 ml",
    ]
    return orders + prices + dates + times + other


THAI_IDS = _thai_id_cases()
CARDS = _card_cases()
EMAILS = _email_cases()
PHONES = _phone_cases()
NEGATIVES = _negative_cases()


def test_planted_set_is_large_enough():
    assert len(THAI_IDS) + len(CARDS) + len(EMAILS) + len(PHONES) >= 150
    assert all(is_valid_thai_id(d.replace("-", "").replace(" ", "")) for d in THAI_IDS)


def _recall(values: list[str], kind: str) -> tuple[float, list[str]]:
    missed = []
    for i, value in enumerate(values):
        text = _sentence(value, i)
        out, types = redact(text)
        if kind not in types or value in out:
            missed.append(text)
    return 1 - len(missed) / len(values), missed


@pytest.mark.parametrize(
    ("values", "kind", "required"),
    [(EMAILS, "EMAIL", 1.0), (THAI_IDS, "THAI_ID", 1.0), (CARDS, "CARD", 1.0), (PHONES, "PHONE", 0.97)],
    ids=["email", "thai_id", "card", "phone"],
)
def test_recall_on_planted_items(values, kind, required):
    recall, missed = _recall(values, kind)
    assert recall >= required, missed


def test_false_positives_on_orders_prices_dates_times_at_most_2_percent():
    hits = []
    for i, value in enumerate(NEGATIVES):
        text = _sentence(value, i)
        out, types = redact(text)
        if types or out != text:
            hits.append((text, out))
    assert len(NEGATIVES) >= 100
    assert len(hits) / len(NEGATIVES) <= 0.02, hits


def test_placeholders_keep_the_sentence_readable():
    out, types = redact("โทร 081-234-5678 หรืออีเมล somchai@gmail.com ได้เลยค่ะ")
    assert out == "โทร <PHONE> หรืออีเมล <EMAIL> ได้เลยค่ะ"
    assert types == ["EMAIL", "PHONE"]


def test_url_query_is_cut_but_domain_and_path_stay():
    out, types = redact("ดูที่ https://shop.example.com/p/123?uid=998877&token=abc#top นะ")
    assert out == "ดูที่ https://shop.example.com/p/123 นะ"
    assert types == ["URL_QUERY"]


def test_invalid_checksum_numbers_are_kept():
    assert redact("เลข 1234567890123")[0] == "เลข 1234567890123"  # fails the Thai ID checksum
    assert redact("card 4111 1111 1111 1112")[1] == []  # fails Luhn


def test_each_type_can_be_switched_off():
    text = "call 081-234-5678 or mail a@b.co"
    out, types = redact(text, RedactConfig(phone=False))
    assert types == ["EMAIL"] and "081-234-5678" in out
    assert redact(text, RedactConfig(enabled=False)) == (text, [])


def test_person_names_are_off_by_default_and_honorific_rule_when_on():
    text = "คุณสมชาย ใจดี ช่วยเหลือดีมาก สินค้าคุณภาพดี"
    assert redact(text)[1] == []
    out, types = redact(text, RedactConfig(person_names=True))
    assert types == ["PERSON"]
    assert "สมชาย" not in out and "คุณภาพ" in out


_WIDE = measure(redact)


def test_labelled_set_has_500_items_with_every_form():
    items = cases()
    assert len(items) >= 500
    planted = [c for c in items if c.kind]
    assert {c.kind for c in planted} == set(KINDS)
    texts = " ".join(c.value for c in planted)
    for form in ("\u00a0", "\n", "  ", "/", "+66 (0)", "๐", "０", "&#64;", "ตัวอย่าง.ไทย", "josé.müller", "สมชาย@", "+"):
        assert form in texts, form
    assert sum(c.kind is None for c in items) >= 200


@pytest.mark.parametrize("kind", KINDS)
def test_wide_recall_at_least_99_percent_per_type(kind):
    assert _WIDE["recall"][kind] >= 0.99, _WIDE["per_kind"][kind]["missed"]


def test_wide_false_positives_at_most_1_percent():
    assert _WIDE["false_positive_rate"] <= 0.01, _WIDE["false_positive_items"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("โทร ๐๘๑-๒๓๔-๕๖๗๘ นะ", "โทร <PHONE> นะ"),
        ("０８１－２３４－５６７８", "<PHONE>"),
        ("+66 (0)81 234 5678 ค่ะ", "<PHONE> ค่ะ"),
        ("(+66) 81-234-5678 ok", "<PHONE> ok"),
        ("ลูกค้าแจ้ง (0951854277) มา", "ลูกค้าแจ้ง (<PHONE>) มา"),
        ("เบอร์ 081-234-\n5678 ครับ", "เบอร์ <PHONE> ครับ"),
        # a line break on either side of a hyphen, a blank line, or an HTML <br> between the groups
        ("081-987\n-6543 call pls", "<PHONE> call pls"),
        ("โทร 081\n-987-6543", "โทร <PHONE>"),
        ("081-987\n \n6543", "<PHONE>"),
        ("081-987  \r\n  6543", "<PHONE>"),
        ("081-987<br/>\n6543 f", "<PHONE> f"),
        ("id 3-7102\n-00456-12-0", "id <THAI_ID>"),
        ("card 4539-1488\n-0343-6467", "card <CARD>"),
        # an email split by a line break, or with spaces after the "@"
        ("email me: somchai.rtline@\nexample.com ok", "email me: <EMAIL> ok"),
        ("อีเมล somchai.rtline\n@example.com ค่ะ", "อีเมล <EMAIL> ค่ะ"),
        ("somchai.rtline@ example.com", "<EMAIL>"),
        ("0812345678 0898765432", "<PHONE> <PHONE>"),
        ("เลขบัตร 1\u00a01037\u00a002071\u00a083\u00a08 ค่ะ", "เลขบัตร <THAI_ID> ค่ะ"),
        ("card4111111111111111", "card<CARD>"),
        ("josé.müller@firma.de แจ้งว่า", "<EMAIL> แจ้งว่า"),
        ("ส่งมาที่abc@gmail.comนะคะ", "ส่งมาที่<EMAIL>นะคะ"),
        ("สมชาย@example.com", "<EMAIL>"),
        ("user@ตัวอย่าง.ไทยนะครับ", "<EMAIL>นะครับ"),
        ("somchai&#64;gmail.com", "<EMAIL>"),
    ],
)
def test_written_forms_are_redacted(text, expected):
    assert redact(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    ["นัด 05-11-2026 9:30 นะคะ", "2026-11-05T09:30:00+07:00", "ราคา ๕๐๐ บาท", "IP 192.168.1.1 port 8080",
     "เวลา 10.30-12.00 น.", "version 10.0.19045.3803", "รวม 1,234,567.89 บาท", "กรุงเทพฯ 10110",
     "order #4111111111111112", "วันที่ ๕/๑๑/๒๕๖๙ เวลา ๙:๓๐", "thanks @ploy.shop ร้านดี",
     "ราคา 100 - 200 - 300 บาท\n400 - 500 บาท"],
)
def test_look_alikes_stay_as_written(text):
    assert redact(text) == (text, [])
