"""A labelled PII set, written deterministically: planted phones, Thai IDs, cards and emails in every form
customers write them, and look-alike numbers (prices, decimals, versions, IPs, postcodes, order numbers
failing the checksums, dates and times) that must stay as written.

``cases()`` returns :class:`PiiCase` items; ``tests/text/test_redact.py`` asserts on them and
``benchmarks/text_quality.py`` prints recall per type and the false-positive rate on the same items.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

KINDS = ("PHONE", "THAI_ID", "CARD", "EMAIL")

_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_FULL_WIDTH = str.maketrans("0123456789-+()", "０１２３４５６７８９－＋（）")

# Separators customers put inside numbers: dash, space, double space, no-break space, dot, slash,
# a line break (a number wrapped in a chat box or a CSV cell), a non-breaking hyphen, " - ".
SEPARATORS = ("-", " ", "  ", "\u00a0", ".", "/", "\n", "\u2011", " - ")

# Thai and English sentences around a value: spaced, glued to Thai words, in brackets, on its own line.
CONTEXTS = (
    "รบกวนติดต่อกลับที่ {} ด้วยค่ะ",
    "เบอร์โทร{}นะคะ",
    "Please call me back on {} today.",
    "ลูกค้าแจ้งข้อมูล ({}) มาในแชท",
    "My details: {}",
    "ส่งรายละเอียดให้แล้ว\n{}\nขอบคุณครับ",
    "แอดมินคะ ของยังไม่มาเลย {} ช่วยเช็คให้หน่อย",
    "I already sent {} to your agent!!",
    "ข้อมูลของผมคือ:{}ครับ",
    "สั่งของไปตั้งแต่อาทิตย์ที่แล้ว ติดต่อ {}, ตอบด่วนนะ",
)


@dataclass(frozen=True)
class PiiCase:
    """One labelled text: ``kind`` is the PII type planted (None for a look-alike that must stay)."""

    text: str
    kind: str | None
    value: str
    form: str  # how the value is written, for reading a miss


def thai_id_digits(rng: random.Random) -> str:
    """13 digits passing the Thai national ID checksum."""
    body = str(rng.randint(1, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(11))
    total = sum(int(d) * (13 - i) for i, d in enumerate(body))
    return body + str((11 - total % 11) % 10)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        v = int(d) * (2 if i % 2 else 1)
        total += v - 9 if v > 9 else v
    return total % 10 == 0


def thai_id_ok(digits: str) -> bool:
    if len(digits) != 13:
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def card_digits(rng: random.Random, prefix: str, length: int) -> str:
    """A Luhn-valid card number that is not also a valid Thai ID (so its type is unambiguous)."""
    while True:
        body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
        d = next(body + c for c in "0123456789" if luhn_ok(body + c))
        if not thai_id_ok(d):
            return d


def group(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    out, at = [], 0
    for n in sizes:
        out.append(digits[at : at + n])
        at += n
    assert at == len(digits), (digits, sizes)
    return sep.join(out)


def _digit_script(value: str, i: int) -> tuple[str, str]:
    """Every seventh value in Thai digits and every eleventh in full-width digits."""
    if i % 7 == 3:
        return value.translate(_THAI_DIGITS), "thai digits"
    if i % 11 == 5:
        return value.translate(_FULL_WIDTH), "full-width"
    return value, "arabic digits"


def _phones(rng: random.Random) -> list[tuple[str, str]]:
    out = []
    mobile_groups = ((3, 3, 4), (2, 4, 4), (3, 7), (4, 3, 3), (10,), (3, 4, 3), (2, 3, 5))
    for i in range(84):
        m = "0" + rng.choice("689") + "".join(str(rng.randint(0, 9)) for _ in range(8))
        sizes = mobile_groups[i % len(mobile_groups)]
        sep = SEPARATORS[i % len(SEPARATORS)]
        value, script = _digit_script(group(m, sizes, sep), i)
        out.append((value, f"mobile {'-'.join(map(str, sizes))} sep={sep!r} {script}"))
    for i in range(18):
        m = rng.choice("689") + "".join(str(rng.randint(0, 9)) for _ in range(8))
        forms = (
            f"+66 {m[:2]} {m[2:5]} {m[5:]}", f"+66 (0){m[:2]} {m[2:5]} {m[5:]}", f"+66-{m[:2]}-{m[2:5]}-{m[5:]}",
            f"+66{m}", f"+66 {m[:2]}\u00a0{m[2:5]}\u00a0{m[5:]}", f"66 {m[:2]} {m[2:5]} {m[5:]}",
            f"(+66) {m[:2]}-{m[2:5]}-{m[5:]}", f"+66 (0) {m[:2]} {m[2:5]} {m[5:]}", f"+66.{m[:2]}.{m[2:5]}.{m[5:]}",
        )
        out.append((forms[i % len(forms)], "country code +66"))
    for i in range(24):
        area = rng.choice(["02", "053", "038", "044", "076", "074", "045"])
        d = area + "".join(str(rng.randint(0, 9)) for _ in range(9 - len(area)))
        forms = (
            group(d, (len(area), 3, 9 - len(area) - 3), "-"), group(d, (len(area), 9 - len(area)), " "), d,
            f"({area}) {d[len(area):]}", group(d, (1, 4, 4), "-"), group(d, (1, 4, 4), " "),
            group(d, (len(area), 3, 9 - len(area) - 3), "."), group(d, (3, 3, 3), "\n"),
        )
        value, script = _digit_script(forms[i % len(forms)], i)
        out.append((value, f"landline {script}"))
    out += [
        ("+1 415 555 0100", "international"), ("+44 20 7946 0958", "international"), ("+65 6123 4567", "international"),
        ("+81 3-1234-5678", "international"), ("+61 2 9876 5432", "international"), ("+852 2345 6789", "international"),
        ("(415) 555-0199", "north american"), ("415-555-0123", "north american"), ("1-800-555-0142", "north american"),
        ("+1 (212) 555-0187", "international"), ("+49 30 1234 5678", "international"), ("+86 138 0013 8000", "international"),
    ]
    return out


def _thai_ids(rng: random.Random) -> list[tuple[str, str]]:
    groupings = ((1, 4, 5, 2, 1), (3, 4, 4, 2), (13,), (1, 12), (4, 4, 5), (1, 4, 5, 3), (6, 7), (1, 4, 8))
    out = []
    for i in range(130):
        d = thai_id_digits(rng)
        sizes = groupings[i % len(groupings)]
        sep = SEPARATORS[(i // len(groupings)) % len(SEPARATORS)]
        value, script = _digit_script(group(d, sizes, sep), i)
        out.append((value, f"id {'-'.join(map(str, sizes))} sep={sep!r} {script}"))
    return out


def _cards(rng: random.Random) -> list[tuple[str, str]]:
    kinds = (("4", 16, (4, 4, 4, 4)), ("51", 16, (4, 4, 4, 4)), ("55", 16, (16,)), ("6011", 16, (4, 4, 4, 4)),
             ("35", 16, (8, 8)), ("62", 19, (4, 4, 4, 4, 3)), ("4", 13, (13,)), ("34", 15, (4, 6, 5)),
             ("37", 15, (4, 6, 5)), ("62", 19, (19,)), ("2221", 16, (4, 4, 4, 4)), ("4", 16, (4, 4, 8)))
    out = []
    for i in range(130):
        prefix, length, sizes = kinds[i % len(kinds)]
        d = card_digits(rng, prefix, length)
        sep = SEPARATORS[(i // len(kinds)) % len(SEPARATORS)]
        value, script = _digit_script(group(d, sizes, sep), i)
        out.append((value, f"card {'-'.join(map(str, sizes))} sep={sep!r} {script}"))
    return out


_LOCAL_PARTS = (
    "somchai.j", "nok_2024", "support+ticket", "A.B.C", "k.wong", "user123", "first-last", "x", "pim.p",
    "j.doe99", "sales", "nattapong.s", "LINE.user", "a_b-c.d", "tick3t", "noreply", "o.o", "customer.service",
    "สมชาย", "สมศักดิ์.ใจดี", "นก.2024", "josé.müller", "françois", "zoë+vip", "łukasz", "søren.k", "ana-maría",
    "user+promo2026", "ชไมพร_k", "müller",
)
_DOMAINS = (
    "gmail.com", "hotmail.com", "company.co.th", "Example.COM", "mail.chula.ac.th", "yahoo.co.uk", "my-domain.org",
    "y.io", "bank.co.th", "outlook.com", "proton.me", "shop-th.com", "sub.domain.example.net", "icloud.com",
    "ตัวอย่าง.ไทย", "ร้านค้า.คอม", "münchen.de", "пример.рф", "xn--72c1a1bt4awk9o.xn--o3cw4h", "e-f.gh",
)
_ATS = ("@", "@", "@", "&#64;", "@", "&#x40;", "@", "＠", "@", "@")


def _emails(rng: random.Random) -> list[tuple[str, str]]:
    out = []
    for i in range(110):
        local = _LOCAL_PARTS[i % len(_LOCAL_PARTS)]
        domain = _DOMAINS[(i * 7) % len(_DOMAINS)]
        at = _ATS[i % len(_ATS)]
        out.append((f"{local}{at}{domain}", f"email at={at!r}"))
    return out


def _not_checksum_valid(rng: random.Random, length: int) -> str:
    while True:
        d = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(length - 1))
        if not luhn_ok(d) and not thai_id_ok(d):
            return d


def _negatives(rng: random.Random) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def add(form: str, values) -> None:
        out.extend((v, form) for v in values)

    add("order number failing the checksums",
        [f"order #{_not_checksum_valid(rng, rng.choice([13, 14, 16, 19]))}" for _ in range(30)])
    add("order number", ["ORD-2024-000123", "TH1234567890", "เลขพัสดุ EF123456789TH", "order no. 240512ABCD",
                         "คำสั่งซื้อ 2405120012", "Ref: 88231-77", "ticket 4412", "เลขที่ใบเสร็จ 000123456",
                         "invoice INV-2024-05-0042", "SKU 8851234567890", "tracking KEX123456789012",
                         "เลขออเดอร์ 1234567890", "case #20261105-0042", "PO 4500012345"])
    add("price", [f"{rng.randint(1, 999)},{rng.randint(100, 999)} บาท" for _ in range(12)])
    add("price", ["฿2,990", "$19.99", "1500.00 บาท", "12,345,678 บาท", "ลด 50%", "ราคา 399.-", "USD 1,250.50",
                  "฿ 15,900", "ผ่อน 0% 10 เดือน", "ค่าส่ง 45 บาท", "ราคา ๑,๒๙๙ บาท", "1 200 000 บาท",
                  "€1.299,00", "ราคา 12,990.- ลดเหลือ 9,990.-", "รวม 1,234,567.89 บาท"])
    add("decimal", [f"{rng.randint(0, 999)}.{rng.randint(0, 99999):05d}" for _ in range(10)])
    add("decimal", ["3.14159265", "0.000123", "คะแนน 4.5/5", "อัตรา 1.25%", "-12.5", "98.6 F"])
    add("version", ["version 2.1.3", "iOS 17.4.1", "แอปเวอร์ชัน 5.12.0 (build 20261105)", "v10.0.19045.3803",
                    "Android 14", "build 2024.05.12.1", "firmware 1.2.3.4", "Chrome 120.0.6099.109"])
    add("ip address", ["192.168.1.100", "10.0.0.254:8080", "IP 172.16.254.1", "server 203.150.12.34",
                       "8.8.8.8", "เข้าเว็บ 127.0.0.1 ไม่ได้", "255.255.255.0", "192.168.100.200"])
    add("postcode", ["กรุงเทพฯ 10110", "เชียงใหม่ 50200", "ขอนแก่น 40000", "postcode 10330", "ZIP 94103",
                     "ภูเก็ต 83000", "รหัสไปรษณีย์ 10400", "SW1A 1AA"])
    dates = []
    for _ in range(24):
        d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2030)
        hh, mm = rng.randint(0, 23), rng.randint(0, 59)
        dates += [f"{d:02d}-{m:02d}-{y} {hh}:{mm:02d}", f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}",
                  f"{d}/{m}/{y + 543} {hh:02d}.{mm:02d} น.", f"{d:02d}.{m:02d}.{y} {hh:02d}:{mm:02d}:{rng.randint(0, 59):02d}"]
    add("date and time", dates)
    add("date and time", ["05-11-2026 9:30", "05/11/2026 09:30", "2026-11-05T09:30:00+07:00", "5.11.2026 9.30",
                          "05-11-26 21:30", "2026/11/05 9:30 น.", "20261105 0930", "วันที่ ๕/๑๑/๒๕๖๙ เวลา ๙:๓๐",
                          "11/05/2026 9:30 PM", "5 พ.ย. 2569 เวลา 09:30", "2569-11-05 09:30", "05-11-2569 9:30",
                          "วันที่ 1-15 มี.ค.", "Jan 5, 2024 10:45", "2024/05/12", "12-05-67", "20240512",
                          "31.12.2023 23:59", "นัดวันที่ 05/11/2026 10:00-12:00", "2026-11-05 09:30:15.123"])
    add("time", [f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}" for _ in range(8)])
    add("time", ["14.00 น.", "9:15 AM", "23:59:59", "10.30-12.00 น.", "8-17 น.", "เปิด 10:00 - 22:00",
                 "2 ชั่วโมง 30 นาที", "ตี 5", "18.45", "09.00-18.00 น. ทุกวัน", "รอสาย 45:12 นาที"])
    add("other number", ["iPhone 15 Pro Max 256GB", "ห้อง 1203", "4G LTE", "3 ชิ้น", "1 แถม 1", "โปร 299 แถม 99",
                         "ชั้น 12 อาคาร B", "size 38-40", "รุ่น ABC-1234", "hotline 1175", "call 1133", "ซอย 55",
                         "ปี 2024", "555 ตลกมาก", "5555555", "ราคา 5,555 บาท", "30 วัน", "100 ml", "1/2 กิโล",
                         "ครั้งที่ 3/5", "สาขา 7-11", "*123#", "รหัส OTP 482913", "PIN 1234", "ลำดับ 1. 2. 3.",
                         "ห่าง 70 กม.", "ISBN 978-616-08-1234-8", "ทะเบียน กข 1234", "เวลา 1:30:00 ชม.",
                         "ต่อ 3200, 3204", "COVID-19", "มาตรฐาน ISO 9001:2015", "สัดส่วน 60/40"])
    add("list of numbers", ["ขนาด 1.2 1.5 1.6 1.8 2.0 2.4 2.5 2.7 2.8 3.0 ลิตร", "เบอร์รองเท้า 36 37 38 39 40 41 42",
                            "ราคา 100 200 300 400 500 บาท", "คะแนน 0 1 2 3 4 5 6 7 8 9 10", "ไซส์ 0 2 4 6 8 10 12",
                            "ราคา 199 299 399 499 599 699", "ปี 2019 2020 2021 2022", "รุ่น 2018/2019/2020/2021",
                            "ห้อง 1201 1202 1203 1204", "ขนาด 100 200 500 1000 2000 ml", "ลำดับที่ 1-2-3-4-5-6-7"])
    return out


def cases(seed: int = 14) -> list[PiiCase]:
    """The labelled set: every planted value and every look-alike, each in a Thai or English sentence."""
    rng = random.Random(seed)
    items: list[PiiCase] = []
    planted = [("PHONE", _phones(rng)), ("THAI_ID", _thai_ids(rng)), ("CARD", _cards(rng)), ("EMAIL", _emails(rng))]
    for kind, values in planted:
        for i, (value, form) in enumerate(values):
            items.append(PiiCase(CONTEXTS[(i * 3 + len(kind)) % len(CONTEXTS)].format(value), kind, value, form))
    for i, (value, form) in enumerate(_negatives(rng)):
        items.append(PiiCase(CONTEXTS[i % len(CONTEXTS)].format(value), None, value, form))
    return items


def is_caught(case: PiiCase, redacted: str, types: list[str]) -> bool:
    """Whether a planted value was found with its type and no piece of it is left in the text."""
    if case.kind not in types or case.value in redacted:
        return False
    if case.kind == "EMAIL":
        local = case.value.replace("&#64;", "@").replace("&#x40;", "@").replace("＠", "@").split("@")[0]
        return local not in redacted
    # the sentences hold no digits of their own: any digit left is a piece of the planted number
    return not any(ch.isdigit() for ch in redacted)


def measure(redact) -> dict:
    """Recall per type and the false-positive rate of ``redact`` on :func:`cases`; misses listed."""
    items = cases()
    per_kind = {k: {"items": 0, "caught": 0, "missed": []} for k in KINDS}
    negatives = flagged = 0
    false_positives = []
    for case in items:
        out, types = redact(case.text)
        if case.kind is None:
            negatives += 1
            if types or out != case.text:
                flagged += 1
                false_positives.append((case.text, out))
            continue
        stats = per_kind[case.kind]
        stats["items"] += 1
        if is_caught(case, out, types):
            stats["caught"] += 1
        else:
            stats["missed"].append((case.form, case.text, out))
    return {
        "items": len(items),
        "recall": {k: v["caught"] / v["items"] for k, v in per_kind.items()},
        "per_kind": per_kind,
        "negatives": negatives,
        "false_positives": flagged,
        "false_positive_rate": flagged / negatives,
        "false_positive_items": false_positives,
    }
