"""Planted weeks in a real store: fully enriched records with known rising, new and quiet topics."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from voc.insights.synthetic import PLANTED_TOPICS, PlantedTopic, planted_records, planted_topic_registry
from voc.schema import RECORD_COLUMNS, SENTIMENT_COLUMNS, TEXT_COLUMNS, TOPIC_ASSIGNMENT_COLUMNS
from voc.store import open_store

WEEK = "2026-W10"

QUIET_TOPICS: tuple[PlantedTopic, ...] = tuple(
    PlantedTopic(t.topic_id, t.label, t.phrases, t.language, max(t.base_volume, 20), negative_share=t.negative_share,
                 words=t.words)
    for t in PLANTED_TOPICS if not t.new
)
"""The planted topics without any change in the report week: nothing should rise and nothing is new."""


def write_config(work: Path, alerts: dict | None, language: str = "en") -> Path:
    """A pipeline config with no sources (the planted records are already in the store)."""
    cfg = {"store": {"path": "voc.duckdb"}, "exports_dir": "exports", "sources": [],
           "export": {"report_language": language}}
    if alerts is not None:
        cfg["alerts"] = alerts
    path = work / "pipeline.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


def default_model_ref() -> str:
    """``name@version`` of the model ``sentiment.model: default`` resolves to."""
    from voc.sentiment.catalog import read_manifest, resolve_model_dir

    manifest = read_manifest(resolve_model_dir("default"))
    return f"{manifest['name']}@{manifest['version']}"


def seed_store(work: Path, week: str, topics: tuple[PlantedTopic, ...] = PLANTED_TOPICS, seed: int = 0) -> None:
    """Store planted, fully enriched records of ``week`` and the weeks before, and their topic registry."""
    rec = planted_records(week, seed=seed, topics=topics)
    # scored by the configured (default) model, so the run keeps the planted sentiment instead of rescoring it
    rec["sentiment_model"] = default_model_ref()
    with open_store("duckdb", work / "voc.duckdb") as st:
        st.upsert_records(rec[[c for c in RECORD_COLUMNS if c in rec]])
        for table, cols in (("record_text", TEXT_COLUMNS), ("record_sentiment", SENTIMENT_COLUMNS),
                            ("record_topics", TOPIC_ASSIGNMENT_COLUMNS)):
            st.upsert_stage(table, rec[[c for c in cols if c in rec]])
        st.replace_topic_registry(planted_topic_registry(week, topics))


def posted_text(request: dict) -> str:
    """The text a custom-webhook block posted (its JSON ``text`` field)."""
    return json.loads(request["body"])["text"]
