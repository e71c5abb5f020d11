"""Themes: the level above topics. One issue one theme across languages, stable theme ids, taxonomy edits."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from voc.text.pipeline import process_texts
from voc.topics.config import TopicsConfig
from voc.topics.model import TOPIC_TABLE_COLUMNS, TopicFit, fit_topics
from voc.topics.registry import update_registry
from voc.topics.taxonomy import Taxonomy
from voc.topics.themes import THEME_TABLE_COLUMNS

CROSSLINGUAL = Path(__file__).parent / "data" / "crosslingual.csv"


@pytest.fixture(scope="module")
def crosslingual():
    df = pd.read_csv(CROSSLINGUAL)
    layer = process_texts(df.text.tolist())
    fit = fit_topics(layer.topic_tokens.tolist(), layer.text_clean.tolist(), TopicsConfig())
    return df.assign(theme=fit.theme_assignments(), topic=fit.assignments), fit


def test_thai_english_and_mixed_messages_of_one_issue_share_a_theme(crosslingual):
    frame, fit = crosslingual
    majority = frame.groupby("issue").theme.agg(lambda s: s.value_counts().iloc[0] / len(s))
    assert majority.mean() >= 0.85, majority.sort_values().head()
    together = 0
    for _, group in frame.groupby("issue"):
        top = group.theme.value_counts().index[0]
        together += {"th", "en", "mixed"} <= set(group.loc[group.theme == top, "language"])
    assert together >= 16, together  # of 20 issues
    # Themes group issues, they do not swallow them: no theme holds most of the set.
    assert frame.theme.value_counts().iloc[0] <= 0.35 * len(frame)
    assert 5 <= len(fit.themes) <= TopicsConfig().themes.max_themes


def test_labels_of_bilingual_topics_show_both_languages(crosslingual):
    frame, fit = crosslingual
    from voc.topics.labels import THAI_RE

    bilingual = 0
    for row in fit.topics.itertuples():
        langs = set(frame.loc[frame.topic == row.local_id, "language"])
        if {"th", "en"} <= langs:
            parts = row.label.split(" / ")
            bilingual += any(THAI_RE.search(p) for p in parts) and any(not THAI_RE.search(p) for p in parts)
    assert bilingual >= 5, list(fit.topics.label)


def test_theme_table_lists_every_topic_once(crosslingual):
    _, fit = crosslingual
    assert list(fit.themes.columns) == THEME_TABLE_COLUMNS
    listed = [t for topics in fit.themes.local_topics for t in topics]
    assert sorted(listed) == sorted(fit.topics.local_id.tolist())
    assert fit.themes["size"].sum() == fit.topics["size"].sum()


def _hand_fit(reps: list[dict[str, float]], themes: list[int], labels: list[str] | None = None) -> TopicFit:
    labels = labels or [" / ".join(list(r)[:2]) for r in reps]
    topics = pd.DataFrame(
        [
            {"local_id": i, "label": labels[i], "size": 10, "top_words": list(r), "representation": r,
             "quotes": [], "language": "en", "thai_share": 0.0, "local_theme": themes[i]}
            for i, r in enumerate(reps)
        ],
        columns=TOPIC_TABLE_COLUMNS,
    )
    theme_rows = [
        {"local_theme": g, "label": labels[[i for i, t in enumerate(themes) if t == g][0]],
         "size": 10 * themes.count(g), "local_topics": [i for i, t in enumerate(themes) if t == g]}
        for g in sorted(set(themes))
    ]
    return TopicFit(np.repeat(np.arange(len(reps)), 10), np.ones(10 * len(reps)), topics,
                    themes=pd.DataFrame(theme_rows, columns=THEME_TABLE_COLUMNS))


CARD_LATE = {"card": 0.8, "arrive": 0.5, "late": 0.3}
CARD_LOST = {"card": 0.6, "lost": 0.7, "stolen": 0.4}
REFUND = {"refund": 0.8, "money": 0.5, "merchant": 0.3}
FX = {"exchange": 0.8, "rate": 0.5, "euro": 0.3}


def test_theme_ids_stay_across_weeks_and_a_new_issue_gets_a_new_theme():
    first = update_registry(_hand_fit([CARD_LATE, CARD_LOST, REFUND], [0, 0, 1]), None, "2026-W01")
    reg = first.registry.set_index("topic_id")
    assert reg.loc["T0001", "theme_id"] == reg.loc["T0002", "theme_id"] != reg.loc["T0003", "theme_id"]
    # Next week the fit numbers topics and themes differently and an FX issue appears.
    second = update_registry(
        _hand_fit([REFUND, FX, CARD_LOST, CARD_LATE], [0, 1, 2, 2]), first.registry, "2026-W02"
    )
    reg2 = second.registry.set_index("topic_id")
    for topic in ("T0001", "T0002", "T0003"):
        assert reg2.loc[topic, "theme_id"] == reg.loc[topic, "theme_id"]
    fx = second.local_to_topic_id[1]
    assert reg2.loc[fx, "theme_id"] not in set(reg["theme_id"])
    assert set(second.events.event) >= {"theme_new"}
    assert second.theme_of("T0001") == (reg.loc["T0001", "theme_id"], reg.loc["T0001", "theme_label"])


def test_taxonomy_renames_merges_and_moves_themes():
    first = update_registry(_hand_fit([CARD_LATE, CARD_LOST, REFUND, FX], [0, 0, 1, 2]), None, "2026-W01")
    reg = first.registry.set_index("topic_id")
    card, refund, fx = (reg.loc[t, "theme_id"] for t in ("T0001", "T0003", "T0004"))
    taxonomy = Taxonomy(
        theme_renames={card: "Cards"},
        theme_merges=[{"sources": [fx], "into": refund, "reason": "money desk"}],
        moves={"T0002": refund},
    )
    second = update_registry(_hand_fit([CARD_LATE, CARD_LOST, REFUND, FX], [0, 0, 1, 2]), first.registry,
                             "2026-W02", taxonomy=taxonomy)
    reg2 = second.registry.set_index("topic_id")
    assert reg2.loc["T0001", "theme_label"] == "Cards" and reg2.loc["T0001", "theme_label_source"] == "taxonomy"
    assert reg2.loc["T0004", "theme_id"] == refund  # merged theme
    assert reg2.loc["T0002", "theme_id"] == refund  # moved topic
    assert {"theme_renamed", "theme_merged", "moved"} <= set(second.events.event)
    # The edits hold on the next run, and are not recorded twice.
    third = update_registry(_hand_fit([CARD_LATE, CARD_LOST, REFUND, FX], [0, 0, 1, 2]), second.registry,
                            "2026-W03", taxonomy=taxonomy)
    reg3 = third.registry.set_index("topic_id")
    assert reg3.loc["T0002", "theme_id"] == refund and reg3.loc["T0001", "theme_label"] == "Cards"
    assert "theme_renamed" not in set(third.events.event) and "moved" not in set(third.events.event)


def test_bad_theme_ids_in_a_taxonomy_are_refused():
    with pytest.raises(ValueError, match="not a theme id"):
        Taxonomy(moves={"T0001": "T0002"})
    with pytest.raises(ValueError, match="empty label"):
        Taxonomy(theme_renames={"G0001": "  "})


def test_a_drifted_topic_is_relabelled_and_keeps_its_id_a_steady_one_keeps_its_label():
    delivery = {"delivery": 0.8, "late": 0.5, "order": 0.3}
    steady = {"password": 0.8, "reset": 0.5, "email": 0.3}
    first = update_registry(_hand_fit([delivery, steady], [0, 1], ["delivery late / order", "password reset"]),
                            None, "2026-W01")
    # Week 2: the delivery topic now holds double-charge complaints; it still matches (shared "order",
    # "delivery") but its words moved away from its label.
    drifted = {"charged": 0.6, "twice": 0.5, "order": 0.6, "delivery": 0.3}
    second = update_registry(
        _hand_fit([drifted, {"password": 0.8, "reset": 0.45, "email": 0.35}], [0, 1],
                  ["charged twice / refund", "password reset / email"]),
        first.registry, "2026-W02",
    )
    assert second.local_to_topic_id == {-1: "other", 0: "T0001", 1: "T0002"}
    reg = second.registry.set_index("topic_id")
    assert reg.loc["T0001", "label"] == "charged twice / refund"
    assert reg.loc["T0002", "label"] == "password reset"  # similar content: the label stays
    relabelled = second.events[second.events.event == "relabelled"]
    assert list(relabelled.topic_id) == ["T0001"]


def test_a_taxonomy_name_survives_drift():
    delivery = {"delivery": 0.8, "late": 0.5, "order": 0.3}
    first = update_registry(_hand_fit([delivery], [0], ["delivery late"]), None, "2026-W01")
    taxonomy = Taxonomy(renames={"T0001": "Delivery"})
    drifted = {"charged": 0.6, "twice": 0.5, "order": 0.6, "delivery": 0.3}
    second = update_registry(_hand_fit([drifted], [0], ["charged twice"]), first.registry, "2026-W02",
                             taxonomy=taxonomy)
    third = update_registry(_hand_fit([drifted], [0], ["charged twice"]), second.registry, "2026-W03",
                            taxonomy=taxonomy)
    assert third.registry.set_index("topic_id").loc["T0001", "label"] == "Delivery"


def test_a_registry_written_before_themes_is_read_and_gets_themes():
    first = update_registry(_hand_fit([CARD_LATE, REFUND], [0, 1]), None, "2026-W01")
    old = first.registry.drop(columns=["theme_id", "theme_label", "theme_label_source"])
    second = update_registry(_hand_fit([CARD_LATE, REFUND], [0, 1]), old, "2026-W02")
    assert second.registry.theme_id.str.match(r"^G\d{4}$").all()


def test_a_small_batch_is_split_usefully_and_says_so():
    df = pd.read_csv(CROSSLINGUAL)
    df = df[df.issue.isin(sorted(df.issue.unique())[:8])]  # 64 messages, 8 issues
    layer = process_texts(df.text.tolist())
    fit = fit_topics(layer.topic_tokens.tolist(), layer.text_clean.tolist(), TopicsConfig())
    assert any("small batch" in note for note in fit.notes)
    sizes = pd.Series(fit.assignments).value_counts(normalize=True)
    assert len(fit.topics) >= 4 and sizes.iloc[0] < 0.5, sizes


def test_fit_texts_gives_each_text_a_topic_and_a_theme():
    from voc.topics.texts import fit_texts

    df = pd.read_csv(CROSSLINGUAL).head(48)
    result = fit_texts(df.text.tolist() + [None, "", "555"])
    assert len(result.topic_ids) == len(result.theme_ids) == len(df) + 3
    assert result.topic_ids[-3:] == ["other"] * 3 and result.theme_ids[-3:] == ["other"] * 3
    assert all(re.match(r"^(T\d{4}|other)$", t) for t in result.topic_ids)
    assert all(re.match(r"^(G\d{4}|other)$", t) for t in result.theme_ids)
    # A topic sits in exactly one theme.
    pairs = pd.DataFrame({"topic": result.topic_ids, "theme": result.theme_ids}).drop_duplicates()
    assert pairs.topic.is_unique


def test_forty_messages_of_a_week_still_give_a_useful_split():
    from voc.demo.generate import generate_messages

    messages = generate_messages("2026-W10", n_weeks=1, total=24, seed=11)[:40]
    layer = process_texts([m.text for m in messages])
    fit = fit_topics(layer.topic_tokens.tolist(), layer.text_clean.tolist(), TopicsConfig())
    assert any("small batch" in note for note in fit.notes)
    sizes = pd.Series(fit.assignments).value_counts(normalize=True)
    # Not "two topics with 87% in one": several topics, none holding half the week, grouped into themes.
    assert len(fit.topics) >= 3 and sizes.iloc[0] < 0.5, sizes
    assert 2 <= len(fit.themes) <= len(fit.topics)


def test_a_theme_label_made_of_feeling_words_is_replaced_and_the_theme_keeps_its_id():
    bill_a = {"bill": 0.8, "baht": 0.5, "month": 0.3}
    bill_b = {"bill": 0.7, "baht": 0.6, "invoice": 0.3}
    # A registry written before labels dropped feeling words: the theme is called "ปกติ / baht a month".
    first = update_registry(_hand_fit([bill_a, REFUND], [0, 1], ["ปกติ / baht a month", "refund / money"]),
                            None, "2026-W01")
    theme = first.registry.set_index("topic_id").loc["T0001", "theme_id"]
    second = update_registry(_hand_fit([bill_b, REFUND], [0, 1], ["บิล / baht a month", "refund / money"]),
                             first.registry, "2026-W02")
    reg = second.registry.set_index("topic_id")
    assert reg.loc["T0001", "theme_id"] == theme and reg.loc["T0001", "theme_label"] == "บิล / baht a month"
    assert reg.loc["T0002", "theme_label"] == "refund / money"  # a label that names its issue stays
    relabelled = second.events[second.events.event == "theme_relabelled"]
    assert list(relabelled.topic_id) == [theme]
