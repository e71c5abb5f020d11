import json

import numpy as np
import pandas as pd
import pytest

from topics_synthetic import ENGLISH_THEMES, corpus
from voc.schema import OUTLIER_TOPIC_ID
from voc.topics.config import TopicsConfig
from voc.topics.model import TOPIC_TABLE_COLUMNS, TopicFit, fit_topics
from voc.topics.registry import REGISTRY_COLUMNS, update_registry
from voc.topics.taxonomy import Taxonomy


def _fit(themes: dict[str, list[str]], seed: int) -> tuple[TopicFit, list[str]]:
    docs, texts, truth = corpus(themes, 40, seed=seed)
    cfg = TopicsConfig(clustering={"name": "topics.clustering.kmeans.v1", "params": {"n_topics": len(themes)}})
    return fit_topics(docs, texts, cfg), truth


def _theme_ids(fit: TopicFit, truth: list[str], local_to_id: dict[int, str]) -> dict[str, str]:
    """The registry id most records of each true theme got."""
    ids = pd.Series([local_to_id[int(a)] for a in fit.assignments])
    return {theme: ids[np.array(truth) == theme].mode()[0] for theme in set(truth)}


def test_shared_themes_keep_ids_new_theme_is_new_and_a_renamed_topic_keeps_its_name():
    week_a = {k: ENGLISH_THEMES[k] for k in ("card", "refund", "pin", "fx")}
    week_b = {k: ENGLISH_THEMES[k] for k in ("card", "refund", "pin", "app")}
    fit_a, truth_a = _fit(week_a, seed=1)
    first = update_registry(fit_a, None, "2026-W01", TopicsConfig())
    ids_a = _theme_ids(fit_a, truth_a, first.local_to_topic_id)
    assert len(set(ids_a.values())) == 4
    taxonomy = Taxonomy(renames={ids_a["card"]: "Card delivery"})

    fit_b, truth_b = _fit(week_b, seed=2)
    second = update_registry(fit_b, first.registry, "2026-W02", TopicsConfig(), taxonomy)
    ids_b = _theme_ids(fit_b, truth_b, second.local_to_topic_id)
    for theme in ("card", "refund", "pin"):
        assert ids_b[theme] == ids_a[theme]
    assert ids_b["app"] not in ids_a.values()
    reg = second.registry.set_index("topic_id")
    assert reg.loc[ids_b["app"], "first_seen_week"] == "2026-W02"
    assert reg.loc[ids_a["fx"], "last_seen_week"] == "2026-W01"  # not seen again, still listed
    assert reg.loc[ids_a["card"], "label"] == "Card delivery"
    assert reg.loc[ids_a["card"], "label_source"] == "taxonomy"
    ev = second.events
    assert set(ev[ev.event == "new"].topic_id) == {ids_b["app"]}
    assert "renamed" in set(ev.event)
    assert list(second.registry.columns) == REGISTRY_COLUMNS

    # A third run with the same taxonomy records no second rename and keeps the name.
    third = update_registry(fit_b, second.registry, "2026-W03", TopicsConfig(), taxonomy)
    assert "renamed" not in set(third.events.event)
    assert third.registry.set_index("topic_id").loc[ids_a["card"], "label"] == "Card delivery"


def _hand_fit(reps: list[dict[str, float]]) -> TopicFit:
    topics = pd.DataFrame(
        [
            {"local_id": i, "label": " / ".join(list(r)[:2]), "size": 10, "top_words": list(r),
             "representation": r, "quotes": [], "language": "en", "thai_share": 0.0}
            for i, r in enumerate(reps)
        ],
        columns=TOPIC_TABLE_COLUMNS,
    )
    return TopicFit(np.repeat(np.arange(len(reps)), 10), np.ones(10 * len(reps)), topics)


CARD = {"card": 0.8, "arrive": 0.5, "post": 0.3}
REFUND = {"refund": 0.8, "money": 0.5, "merchant": 0.3}


def test_a_split_is_recorded_with_the_topic_it_came_from():
    first = update_registry(_hand_fit([CARD]), None, "2026-W01")
    card_late = {"card": 0.7, "arrive": 0.6, "late": 0.4}
    card_lost = {"card": 0.6, "lost": 0.7, "stolen": 0.4}
    second = update_registry(_hand_fit([card_late, card_lost]), first.registry, "2026-W02")
    assert second.local_to_topic_id[0] == "T0001"
    assert second.local_to_topic_id[1] == "T0002"
    split = second.events[second.events.event == "split"]
    assert list(split.topic_id) == ["T0002"] and "T0001" in split.detail.iloc[0]


def test_taxonomy_merge_sends_records_to_the_target_and_is_recorded():
    first = update_registry(_hand_fit([CARD, REFUND]), None, "2026-W01")
    taxonomy = Taxonomy(merges=[{"sources": ["T0002"], "into": "T0001", "reason": "one team"}])
    second = update_registry(_hand_fit([CARD, REFUND]), first.registry, "2026-W02", taxonomy=taxonomy)
    assert second.local_to_topic_id[1] == "T0001"
    reg = second.registry.set_index("topic_id")
    assert reg.loc["T0002", "status"] == "merged" and reg.loc["T0002", "merged_into"] == "T0001"
    merged = second.events[second.events.event == "merged"]
    assert list(merged.topic_id) == ["T0002"] and "one team" in merged.detail.iloc[0]


def test_a_fit_that_joins_two_topics_records_the_merge_without_hiding_either():
    first = update_registry(_hand_fit([CARD, {"card": 0.8, "post": 0.5, "track": 0.4}]), None, "2026-W01")
    second = update_registry(_hand_fit([{"card": 0.8, "arrive": 0.4, "post": 0.4, "track": 0.2}]), first.registry, "2026-W02")
    merged = second.events[second.events.event == "merged"]
    assert len(merged) == 1
    assert set(second.registry.status) == {"active"}


def test_outliers_map_to_other_and_registry_is_plain_text_and_numbers():
    upd = update_registry(_hand_fit([CARD]), None, "2026-W01")
    assert upd.local_to_topic_id[-1] == OUTLIER_TOPIC_ID
    row = upd.registry.iloc[0]
    assert json.loads(row.representation)["card"] == pytest.approx(0.8)
    assert json.loads(row.top_words) == ["card", "arrive", "post"]
    assert upd.registry.size_last_fit.dtype == "int64"


def test_registry_missing_columns_is_refused():
    with pytest.raises(ValueError, match="lacks columns"):
        update_registry(_hand_fit([CARD]), pd.DataFrame({"topic_id": ["T0001"]}), "2026-W02")
