"""Issue #13: a week's emerging flags read the trailing weeks from the store, run alone or in a backfill."""

from __future__ import annotations

import pytest

from voc import pipeline
from voc.config import load_config
from voc.demo.generate import write_demo
from voc.weeks import shift_week, week_range

WEEK = "2026-W47"
N_WEEKS = 5


def _run(folder, weeks: list[str]):
    config = load_config(write_demo(folder, WEEK, n_weeks=N_WEEKS, total=2500, seed=7))
    with pipeline.open_pipeline_store(config) as st:
        for w in weeks:
            pipeline.run_week(config, st, w)
        em = st.weekly_table("emerging_topics", WEEK)
        tw = st.weekly_table("topic_week", WEEK)
        rec = st.enriched_records([WEEK])
    # topic ids are each store's own: a topic is known by the records it holds this week
    members = rec.groupby("topic_id")["record_id"].agg(frozenset).to_dict()
    flagged = em.merge(tw[["topic_id", "change_abs"]], on="topic_id", how="left")
    return [members.get(t, frozenset()) for t in em["topic_id"]], flagged


def _matched(a: list[frozenset], b: list[frozenset]) -> int:
    return sum(any(len(x & y) / max(len(x | y), 1) >= 0.5 for y in b) for x in a)


@pytest.mark.slow
def test_the_last_week_alone_flags_the_topics_a_backfill_flags(tmp_path):
    alone, em_alone = _run(tmp_path / "alone", [WEEK])
    backfill, em_back = _run(tmp_path / "backfill", week_range(shift_week(WEEK, -(N_WEEKS - 1)), WEEK))
    assert alone and backfill  # the demo plants a rising complaint in its last weeks
    assert _matched(alone, backfill) == len(alone) and _matched(backfill, alone) == len(backfill)
    for em in (em_alone, em_back):  # a volume rise is a rise on last week too: the badge follows the numbers
        rising = em[em["signals"].str.contains("volume")]
        assert (rising["change_abs"] > 0).all(), rising[["topic_label", "volume", "change_abs"]]
