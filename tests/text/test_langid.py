"""Language id on a hand-written set of Thai, English, code-mixed and other-language lines."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from voc.paths import shared_data_dir
from voc.text.langid import detect_language

CASES = Path(__file__).parent / "data" / "langid_cases.tsv"


def _cases() -> list[tuple[str, str]]:
    rows = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, _, text = line.partition("\t")
            rows.append((label, text))
    return rows


def test_accuracy_on_own_set_is_at_least_97_percent():
    cases = _cases()
    assert len(cases) >= 300
    assert set(Counter(label for label, _ in cases)) == {"th", "en", "mixed", "other"}
    wrong = [(label, detect_language(text), text) for label, text in cases if detect_language(text) != label]
    assert 1 - len(wrong) / len(cases) >= 0.97, wrong


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("saya mahu beli telefon baru", "other"),  # Malay is not English
        ("sawasdee krub mai pen rai", "other"),  # nor is romanized Thai
        ("ok thanks", "en"),  # short English still is
        ("ซื้อ iPhone ที่ร้าน", "mixed"),
        ("โทร <PHONE> ดูที่ https://x.co/a", "th"),  # placeholders and URLs are not English words
        ("😂😂", "other"),
        ("", "other"),
    ],
)
def test_examples(text, language):
    assert detect_language(text) == language


def test_about_one_in_six_truevoice_texts_are_mixed():
    path = shared_data_dir() / "truevoice" / "train.csv"
    if not path.exists():
        pytest.skip("shared truevoice data not present")
    texts = pd.read_csv(path)["texts"].astype(str).head(3000)
    share = texts.map(detect_language).eq("mixed").mean()
    assert 0.12 <= share <= 0.22
