"""Planted weekly data: enriched records with known rises and rating effects.

Tests and benchmarks check the insight statistics against this: the growing complaint and the
negative-share jump must be flagged, the quiet and tiny topics must not, and driver analysis
must recover the planted rating effects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from voc.schema import ENRICHED_COLUMNS, OUTLIER_TOPIC_ID
from voc.weeks import shift_week, week_start


@dataclass(frozen=True)
class PlantedTopic:
    """A topic's planted weekly volume, negative share and rating effect."""

    topic_id: str
    label: str
    phrases: tuple[str, ...]
    language: str
    base_volume: float
    last_volume: float | None = None  # the report week's expected volume (None: unchanged)
    negative_share: float = 0.3
    last_negative_share: float | None = None
    rating_effect: float = 0.0  # stars added to a rated record's expected rating
    new: bool = False  # appears only in the report week
    words: tuple[str, ...] = field(default=())


PLANTED_TOPICS: tuple[PlantedTopic, ...] = (
    PlantedTopic("t001", "ส่งของช้า", ("ส่งของช้ามาก รอมาสามวันแล้ว", "พัสดุมาช้ากว่าที่แจ้งไว้",
                 "ขนส่งช้า ของยังไม่ถึงเลย"), "th", 40, negative_share=0.6, rating_effect=-1.5,
                 words=("ส่ง", "ช้า", "พัสดุ", "ขนส่ง")),
    PlantedTopic("t002", "เข้าแอปไม่ได้ / app login fails", ("เข้าแอปไม่ได้ ล็อกอินแล้วเด้งออก",
                 "app keeps logging me out after the update", "login ไม่ผ่าน ขึ้น error ตลอด"),
                 "mixed", 12, last_volume=45, negative_share=0.7, last_negative_share=0.8,
                 rating_effect=-1.0, words=("login", "แอป", "เด้ง", "error")),
    PlantedTopic("t003", "พนักงานบริการดี", ("พนักงานบริการดีมาก ยิ้มแย้ม", "น้องที่สาขาช่วยเหลือดีค่ะ",
                 "ประทับใจการบริการ"), "th", 30, negative_share=0.08, rating_effect=0.6,
                 words=("พนักงาน", "บริการ", "ดี")),
    PlantedTopic("t004", "price too high", ("the price is too high for what you get",
                 "fees went up again, too expensive", "monthly fee is not worth it"), "en", 30,
                 negative_share=0.25, last_negative_share=0.75, words=("price", "fee", "expensive")),
    PlantedTopic("t005", "บัตรใหม่ / new card promo", ("โปรบัตรใหม่น่าสนใจ สมัครยังไง",
                 "how do I apply for the new card promotion"), "mixed", 0, last_volume=20,
                 negative_share=0.1, new=True, words=("บัตร", "โปร", "card")),
    PlantedTopic("t006", "ที่จอดรถ", ("ที่จอดรถไม่พอ", "หาที่จอดรถยากมาก"), "th", 1, last_volume=4,
                 negative_share=0.5, words=("จอดรถ",)),
    PlantedTopic(OUTLIER_TOPIC_ID, "other", ("สอบถามเวลาทำการค่ะ", "ok", "thanks 555"), "th", 15,
                 negative_share=0.2),
)
SOURCES = (("app_store", "review"), ("line_oa", "chat"), ("call_center", "call_note"))


def planted_topic_registry(week: str, topics: tuple[PlantedTopic, ...] = PLANTED_TOPICS,
                           history_weeks: int = 8) -> pd.DataFrame:
    """The topic registry matching :func:`planted_records`."""
    first = shift_week(week, -history_weeks)
    rows = [{
        "topic_id": t.topic_id, "label": t.label,
        "top_words": json.dumps(list(t.words), ensure_ascii=False),
        "first_seen_week": week if t.new else first, "last_seen_week": week,
        "status": "active", "merged_into": None,
    } for t in topics if t.topic_id != OUTLIER_TOPIC_ID]
    return pd.DataFrame(rows)


def planted_records(
    week: str,
    history_weeks: int = 8,
    seed: int = 0,
    scale: float = 1.0,
    topics: tuple[PlantedTopic, ...] = PLANTED_TOPICS,
    base_rating: float = 3.8,
) -> pd.DataFrame:
    """Enriched records of ``week`` and the ``history_weeks`` before it, volumes Poisson-drawn.

    Args:
        week: The report week (the planted changes happen in it).
        history_weeks: Trailing weeks of steady data before it.
        seed: Random seed (same seed, same records).
        scale: Multiplies every expected volume (benchmarks use large scales).
        topics: The planted topics.
        base_rating: Expected star rating of a record without a rating effect.
    """
    rng = np.random.default_rng(seed)
    weeks = [shift_week(week, -k) for k in range(history_weeks, 0, -1)] + [week]
    cols: dict[str, list] = {c: [] for c in ENRICHED_COLUMNS}
    n = 0
    for w in weeks:
        start = week_start(w)
        last = w == week
        for t in topics:
            if t.new and not last:
                continue
            expected = t.last_volume if (last and t.last_volume is not None) else t.base_volume
            neg = t.last_negative_share if (last and t.last_negative_share is not None) else t.negative_share
            for _ in range(int(rng.poisson(expected * scale))):
                n += 1
                source, channel = SOURCES[int(rng.integers(len(SOURCES)))]
                phrase = t.phrases[int(rng.integers(len(t.phrases)))]
                sentiment = "negative" if rng.random() < neg else (
                    "positive" if rng.random() < 0.6 else "neutral")
                rating = np.nan
                if source == "app_store":
                    stars = base_rating + t.rating_effect + rng.normal(0, 0.7)
                    rating = float(np.clip(np.rint(stars), 1, 5))
                probs = {"positive": 0.1, "neutral": 0.1, "negative": 0.1}
                probs[sentiment] = 0.8
                values = {
                    "record_id": f"rec{n:07d}", "source": source, "channel": channel,
                    "created_at": start + pd.Timedelta(minutes=int(rng.integers(7 * 24 * 60))),
                    "iso_week": w, "text": f"{phrase} (#{n})", "rating": rating,
                    "segments": json.dumps({"product": ["savings", "credit_card", "app"][n % 3]}),
                    "author_key": f"a{int(rng.integers(10_000))}", "metadata": "{}",
                    "dedup_key": f"k{n}", "duplicate_of": None, "run_id": f"run-{w}",
                    "language": t.language, "text_clean": f"{phrase} (#{n})",
                    "tokens": phrase, "topic_tokens": phrase, "pii_types": "", "flags": "",
                    "near_dup_of": None, "sentiment": sentiment, "sentiment_confidence": 0.8,
                    "p_positive": probs["positive"], "p_neutral": probs["neutral"],
                    "p_negative": probs["negative"], "p_question": 0.0,
                    "sentiment_model": "synthetic@0", "topic_id": t.topic_id,
                    "topic_label": t.label, "topic_probability": float(rng.uniform(0.4, 1.0)),
                }
                for c in ENRICHED_COLUMNS:
                    cols[c].append(values.get(c))  # columns a synthetic week does not model stay NULL
    df = pd.DataFrame(cols)
    df["created_at"] = pd.to_datetime(df["created_at"])
    return df


def planted_run_log(week: str, records: pd.DataFrame, failed: tuple[str, ...] = ()) -> pd.DataFrame:
    """Run log rows of ``week`` for each planted source; ``failed`` sources read nothing."""
    start = week_start(week)
    rows = []
    for source, _ in SOURCES:
        n = int(((records["iso_week"] == week) & (records["source"] == source)).sum())
        bad = source in failed
        rows.append({
            "run_id": f"run-{week}", "source": source, "iso_week": week,
            "read": 0 if bad else n, "accepted": 0 if bad else n, "duplicates": 0,
            "quarantined": 0, "status": "failed" if bad else "ok",
            "error": "connection refused" if bad else None,
            "started_at": start, "finished_at": start + pd.Timedelta(minutes=5),
        })
    return pd.DataFrame(rows)
