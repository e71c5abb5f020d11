"""Tiny synthetic corpora for topic tests: each theme has its own words, all share some noise."""

from __future__ import annotations

import random

THAI_THEMES = {
    "topup": ["เติมเงิน", "ยอดเงิน", "บัตรเติมเงิน", "เงินไม่เข้า", "ทรูมันนี่", "โอนเงิน"],
    "internet": ["อินเทอร์เน็ต", "เน็ตช้า", "สัญญาณ", "ไวไฟ", "เน็ตหลุด", "ความเร็ว"],
    "bill": ["ใบแจ้งหนี้", "ค่าบริการ", "ชำระ", "บิล", "ค้างชำระ", "รอบบิล"],
    "roaming": ["โรมมิ่ง", "ต่างประเทศ", "เดินทาง", "ญี่ปุ่น", "แพ็กเกจต่างประเทศ", "สนามบิน"],
}
ENGLISH_THEMES = {
    "card": ["card", "arrive", "delivery", "post", "mail", "track"],
    "refund": ["refund", "money", "return", "merchant", "reverse", "dispute"],
    "pin": ["pin", "block", "unblock", "reset", "code", "lock"],
    "fx": ["exchange", "rate", "currency", "euro", "dollar", "convert"],
    "app": ["app", "crash", "login", "update", "screen", "password"],
}
NOISE = ["help", "please", "today", "problem", "ask", "want"]


def corpus(themes: dict[str, list[str]], per_theme: int, seed: int = 0, extra: list[str] | None = None):
    """(topic_docs, texts, theme names): space-joined tokens, a readable text, the true theme."""
    rng = random.Random(seed)
    docs, texts, truth = [], [], []
    for name, words in themes.items():
        for _ in range(per_theme):
            picked = rng.sample(words, 3) + rng.sample(NOISE, 1) + (extra or [])
            rng.shuffle(picked)
            docs.append(" ".join(picked))
            texts.append(f"{name}: " + " ".join(picked))
            truth.append(name)
    order = list(range(len(docs)))
    rng.shuffle(order)
    return [docs[i] for i in order], [texts[i] for i in order], [truth[i] for i in order]
