"""The store interface every backend implements, over the tables declared in ``voc.schema.TABLES``.

The public methods check a call against the declaration (table known, kind right, columns
declared, values of the declared types) and hand the backend a frame with exactly the
declared columns; a backend implements the ``_``-prefixed primitives underneath.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from voc.schema import TABLES, Table
from voc.store.errors import StoreError, UndeclaredColumnError, UndeclaredTableError
from voc.store.frames import check_key, conform, declared_table


@dataclass
class UpsertResult:
    new: int
    updated: int
    unchanged: int


class Store(ABC):
    """Records, quarantine, run log, per-record stage outputs, topic registry and weekly tables."""

    # -- records -------------------------------------------------------------------------------
    def upsert_records(self, records: pd.DataFrame) -> UpsertResult:
        """Insert new records; a known record_id whose text changed is updated and re-enriched.

        A record_id repeated within ``records`` is stored once (the first row).
        """
        data = conform(TABLES["records"], records)
        if data.empty:
            return UpsertResult(0, 0, 0)
        return self._upsert_records(data.drop_duplicates("record_id", keep="first").reset_index(drop=True))

    @abstractmethod
    def mark_duplicates(self, dedup_keys: Sequence[str]) -> None:
        """Mark exact duplicates among records sharing these keys (the earliest stays original)."""

    @abstractmethod
    def count_duplicates(self, record_ids: Sequence[str]) -> int:
        """How many of these records are marked duplicates."""

    # -- quarantine and run log ----------------------------------------------------------------
    def add_quarantine(self, rows: pd.DataFrame) -> None:
        """Add quarantine rows; a row already quarantined (same source, location, reason, raw) is kept once."""
        data = conform(TABLES["quarantine"], rows)
        if not data.empty:
            self._add_quarantine(data.drop_duplicates(["source", "location", "reason", "raw"]).reset_index(drop=True))

    def quarantine(self, run_id: str | None = None) -> pd.DataFrame:
        """Quarantined rows (of one run, if given)."""
        return self._read(TABLES["quarantine"], "run_id", run_id)

    def log_run(self, rows: pd.DataFrame) -> None:
        """Add run log rows (``voc.schema.RUN_LOG_COLUMNS``)."""
        data = conform(TABLES["run_log"], rows)
        if not data.empty:
            self._append(TABLES["run_log"], data)

    def run_log(self, run_id: str | None = None) -> pd.DataFrame:
        """Run log rows (of one run, if given)."""
        return self._read(TABLES["run_log"], "run_id", run_id)

    # -- stages ----------------------------------------------------------------------------------
    def upsert_stage(self, table: str, rows: pd.DataFrame) -> None:
        """Insert or replace per-record rows of a stage table (record_text, record_sentiment, record_topics)."""
        spec = declared_table(table, "stage")
        data = conform(spec, rows)
        if not data.empty:
            self._upsert_stage(spec, data.drop_duplicates("record_id", keep="last").reset_index(drop=True))

    def records_missing(self, table: str, weeks: Sequence[str] | None = None) -> pd.DataFrame:
        """Records (of ``weeks``, if given) that have no row in stage ``table`` yet."""
        return self._records_missing(declared_table(table, "stage"), None if weeks is None else list(weeks))

    def stage_rows(self, table: str, weeks: Sequence[str]) -> pd.DataFrame:
        """Rows of stage ``table`` for the records of ``weeks`` (not the whole history)."""
        return self._stage_rows(declared_table(table, "stage"), list(weeks))

    @abstractmethod
    def enriched_records(self, weeks: Sequence[str]) -> pd.DataFrame:
        """Records of ``weeks`` joined with text, sentiment and topic outputs (schema.ENRICHED_COLUMNS)."""

    def topic_assignments(self) -> pd.DataFrame:
        """Every record's stored topic (``record_topics``)."""
        return self._read(TABLES["record_topics"])

    # -- topic registry --------------------------------------------------------------------------
    def topic_registry(self) -> pd.DataFrame:
        """The topic registry; empty (with its columns) before the first topic run."""
        return self._read(TABLES["topic_registry"])

    def replace_topic_registry(self, registry: pd.DataFrame) -> None:
        """Replace the whole registry at once."""
        spec = TABLES["topic_registry"]
        data = conform(spec, registry)
        check_key(spec, data)
        self._replace_all(spec, data)

    # -- weekly tables -----------------------------------------------------------------------------
    def replace_week(self, table: str, week: str, rows: pd.DataFrame) -> None:
        """Atomically replace the rows of ``week`` in a weekly table (a rerun replaces, never duplicates).

        Rows without a week get ``week``; a row of another week is an error.
        """
        spec = declared_table(table, "weekly")
        data = conform(spec, rows)
        col = data[spec.week]
        data[spec.week] = col.where(col.notna(), week)
        other = sorted(set(data[spec.week]) - {week})
        if other:
            raise StoreError(f"replace_week({table!r}, {week!r}): rows of other weeks {other[:5]}")
        check_key(spec, data)
        self._replace_week(spec, week, data)

    def weekly_table(self, table: str, week: str | None = None) -> pd.DataFrame:
        """A weekly table's rows (of one week, if given)."""
        spec = declared_table(table, "weekly")
        return self._read(spec, spec.week, week)

    def read_table(self, table: str) -> pd.DataFrame:
        """Every row of a declared table, with its declared columns."""
        return self._read(declared_table(table))

    # -- the rest ----------------------------------------------------------------------------------
    @abstractmethod
    def status(self) -> dict: ...

    @abstractmethod
    def get_meta(self, key: str) -> str | None: ...

    @abstractmethod
    def set_meta(self, key: str, value: str) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- what a backend implements (frames arrive with exactly the declared columns) ---------------
    @abstractmethod
    def _upsert_records(self, data: pd.DataFrame) -> UpsertResult: ...

    @abstractmethod
    def _add_quarantine(self, data: pd.DataFrame) -> None: ...

    @abstractmethod
    def _append(self, table: Table, data: pd.DataFrame) -> None: ...

    @abstractmethod
    def _upsert_stage(self, table: Table, data: pd.DataFrame) -> None: ...

    @abstractmethod
    def _records_missing(self, table: Table, weeks: list[str] | None) -> pd.DataFrame: ...

    @abstractmethod
    def _stage_rows(self, table: Table, weeks: list[str]) -> pd.DataFrame: ...

    @abstractmethod
    def _replace_all(self, table: Table, data: pd.DataFrame) -> None: ...

    @abstractmethod
    def _replace_week(self, table: Table, week: str, data: pd.DataFrame) -> None: ...

    @abstractmethod
    def _read(self, table: Table, column: str | None = None, value: str | None = None) -> pd.DataFrame:
        """The declared columns of ``table``; with ``column``, only rows where it equals ``value``
        (``value`` None: every row)."""


__all__ = ["Store", "StoreError", "UndeclaredColumnError", "UndeclaredTableError", "UpsertResult", "declared_table"]
