"""The demo's weeks through the text layer, topics, themes and the theme table (no store, no Prefect).

The demo plants an incident (SMS/OTP codes not arriving) that grows in its last two weeks, written in
Thai, English and mixed; a PM should see it as one theme, flagged emerging once.
"""

import re
from collections import Counter

import pandas as pd
import pytest

from voc.demo.generate import PLANTED, generate_messages
from voc.insights.config import InsightsConfig
from voc.insights.themes import THEME_WEEK_COLUMNS, theme_week_table
from voc.text.pipeline import process_texts
from voc.topics.config import TopicsConfig
from voc.topics.weekly import assign_week_topics

WEEK = "2026-W47"
# Loanwords the demo's customers write, and the pieces PyThaiNLP's dictionary alone cuts them into
# (แอป -> แอ + ป, โรมมิ่ง -> โรม + มิ่ง): a label holding a piece holds a broken word.
BROKEN_WORDS = {
    "แอป": re.compile(r"แอ(?!ป|ดมิน)"),
    "โรมมิ่ง": re.compile(r"โรม(?!มิ่ง)|(?<!โรม)มิ่ง"),
}


def _week(at) -> str:
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


@pytest.fixture(scope="module")
def demo():
    messages = generate_messages(WEEK, n_weeks=10, total=3000, seed=7)
    layer = process_texts([m.text for m in messages])
    window = pd.DataFrame({
        "record_id": [f"r{i:05d}" for i in range(len(messages))],
        "iso_week": [_week(m.at) for m in messages],
        "text_clean": layer.text_clean, "topic_tokens": layer.topic_tokens, "language": layer.language,
    })
    truth = pd.DataFrame({
        "record_id": window.record_id, "planted": [m.theme for m in messages], "written_in": [m.lang for m in messages],
        "sentiment": [m.tone for m in messages], "text": layer.text_clean,
        "duplicate_of": None, "near_dup_of": None,
    })
    result = assign_week_topics(window, WEEK, None, TopicsConfig())
    records = result.window_assignments.merge(truth, on="record_id").merge(window[["record_id", "language"]])
    table = theme_week_table(WEEK, records, result.registry, InsightsConfig())
    return result, records, table


def test_the_otp_incident_is_one_theme_with_its_thai_and_english_messages(demo):
    _, records, _ = demo
    week = records[records.iso_week == WEEK]
    otp = week[week.planted == PLANTED["emerging"]]
    theme, held = otp.theme_id.value_counts().index[0], otp.theme_id.value_counts(normalize=True).iloc[0]
    assert held >= 0.85, otp.theme_id.value_counts()
    inside = otp[otp.theme_id == theme]
    assert set(inside.written_in) == {"th", "en", "mix"}
    # The theme is about the incident, not a catch-all.
    assert (week.loc[week.theme_id == theme, "planted"] == PLANTED["emerging"]).mean() >= 0.85


def test_the_otp_theme_is_flagged_emerging_once_and_the_quiet_theme_is_not(demo):
    _, records, table = demo
    assert list(table.columns) == THEME_WEEK_COLUMNS
    week = records[records.iso_week == WEEK]
    majority = week.groupby("theme_id").planted.agg(lambda s: s.value_counts().index[0])
    flagged = table[table.is_emerging]
    about_otp = [t for t in flagged.theme_id if majority.get(t) == PLANTED["emerging"]]
    assert len(about_otp) == 1, flagged[["theme_id", "theme_label", "volume"]]
    quiet = [t for t, p in majority.items() if p == PLANTED["quiet"]]
    assert quiet and not table[table.theme_id.isin(quiet)].is_emerging.any()
    assert table.theme_id.is_unique and len(table) <= TopicsConfig().themes.max_themes + 1  # + "other"


def test_no_label_holds_a_broken_loanword(demo):
    result, _, table = demo
    labels = (result.registry.label.tolist() + result.registry.theme_label.tolist()
              + table.theme_label.tolist() + table.top_topics.tolist())
    broken = {word: [x for x in labels if pattern.search(str(x))] for word, pattern in BROKEN_WORDS.items()}
    assert not any(broken.values()), broken
    # The loanwords themselves do reach labels whole.
    assert any("แอป" in str(x) or "โรมมิ่ง" in str(x) for x in labels)


def test_topics_of_one_theme_have_different_labels(demo):
    result, _, _ = demo
    for theme, group in result.registry.groupby("theme_id"):
        counts = Counter(group.label)
        assert max(counts.values()) == 1, (theme, counts)


def test_labels_are_written_forms_not_lemmas(demo):
    result, records, _ = demo
    # one line per chat turn and per message: a label part must stand within one of them, not run
    # from one turn into the next ("Hi" + "charged ..." is not "Hi charged")
    texts = "\n".join(records.text.str.lower())
    for label in result.registry.label:
        for part in label.split(" / "):
            if part.isascii() and part.startswith("("):
                continue
            assert part.lower() in texts, (label, part)


# Words that say how a customer feels, not what about; the labels a PM called useless were made of them
# ("ปกติ / baht a month", "ได้ดี / expensive").
FEELING_WORDS = {"ดี", "ได้ดี", "ดีมาก", "ปกติ", "แย่", "แย่มาก", "good", "great", "bad", "expensive", "very"}


def test_theme_labels_name_the_issue_in_both_languages(demo):
    _, records, table = demo
    week = records[records.iso_week == WEEK]
    majority = week.groupby("theme_id").planted.agg(lambda s: s.value_counts().index[0])
    for label in table.theme_label:
        for term in str(label).split(" / "):
            assert term.strip().lower() not in FEELING_WORDS, label
            assert not (set(term.lower().split()) & FEELING_WORDS), label
    otp = table[table.theme_id.map(majority) == PLANTED["emerging"]].iloc[0]
    thai, english = otp.theme_label.split(" / ")
    assert re.search(r"[\u0e00-\u0e7f]", thai) and not re.search(r"[\u0e00-\u0e7f]", english), otp.theme_label
    assert re.search(r"OTP|SMS|log ?in|ล็อกอิน", otp.theme_label, re.IGNORECASE), otp.theme_label
