"""The store interface every backend implements, and the registry that picks one by name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd

from voc.registry import Registry

stores: Registry = Registry("store")


@dataclass
class UpsertResult:
    new: int
    updated: int
    unchanged: int


class Store(ABC):
    """Records, quarantine, run log, per-record stage outputs, topic registry and weekly tables."""

    @abstractmethod
    def upsert_records(self, records: pd.DataFrame) -> UpsertResult:
        """Insert new records; a known record_id whose text changed is updated and re-enriched."""

    @abstractmethod
    def mark_duplicates(self, dedup_keys: Sequence[str]) -> None:
        """Mark exact duplicates among records sharing these keys (the earliest stays original)."""

    @abstractmethod
    def count_duplicates(self, record_ids: Sequence[str]) -> int:
        """How many of these records are marked duplicates."""

    @abstractmethod
    def add_quarantine(self, rows: pd.DataFrame) -> None: ...

    @abstractmethod
    def log_run(self, rows: pd.DataFrame) -> None: ...

    @abstractmethod
    def upsert_stage(self, table: str, rows: pd.DataFrame) -> None:
        """Insert or replace per-record rows of a stage table (record_text, record_sentiment, record_topics)."""

    @abstractmethod
    def records_missing(self, table: str, weeks: Sequence[str] | None = None) -> pd.DataFrame:
        """Records (of ``weeks``, if given) that have no row in stage ``table`` yet."""

    @abstractmethod
    def enriched_records(self, weeks: Sequence[str]) -> pd.DataFrame:
        """Records of ``weeks`` joined with text, sentiment and topic outputs (schema.ENRICHED_COLUMNS)."""

    @abstractmethod
    def replace_week_rows(self, table: str, week: str, rows: pd.DataFrame) -> None:
        """Atomically replace the rows of ``week`` in a weekly table (a rerun replaces, never duplicates)."""

    @abstractmethod
    def replace_table(self, table: str, rows: pd.DataFrame) -> None: ...

    @abstractmethod
    def append_rows(self, table: str, rows: pd.DataFrame) -> None: ...

    @abstractmethod
    def read_table(self, table: str, where: str | None = None, params: Sequence | None = None) -> pd.DataFrame: ...

    @abstractmethod
    def status(self) -> dict: ...

    @abstractmethod
    def get_meta(self, key: str) -> str | None: ...

    @abstractmethod
    def set_meta(self, key: str, value: str) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(backend: str, path: str | Path, **options) -> Store:
    """Open a store backend by name: ``duckdb`` (a file path) or ``postgres`` (a SQLAlchemy URL)."""
    if backend == "duckdb":
        import voc.store.duckdb_store  # noqa: F401  (registers itself)
    elif backend == "postgres":
        import voc.store.postgres_store  # noqa: F401
    return stores.get(backend)(path, **options)
