"""Pipeline configuration: the strict pydantic model of a pipeline YAML, loaded explicitly.

Reading YAML, ``--set`` overrides and validation messages are in :mod:`voc.configfile`, the bottom
layer every config (pipeline, training) uses.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from voc.alerts.config import AlertsConfig

# re-exported, so `from voc.config import ConfigError, load_yaml_model` keeps working
from voc.configfile import ConfigError, apply_overrides, format_validation_error, load_yaml_model, read_yaml
from voc.export.config import ExportConfig
from voc.ingest.config import FileSource, Source, TranscriptSource
from voc.insights.config import InsightsConfig
from voc.sentiment.config import SentimentConfig
from voc.text.config import TextConfig
from voc.topics.config import TopicsConfig
from voc.tracking import TrackingConfig


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoreConfig(_Strict):
    """Where records live: an embedded DuckDB file, or PostgreSQL for workers on several machines."""

    backend: Literal["duckdb", "postgres"] = "duckdb"
    path: str = "voc.duckdb"  # duckdb: relative to the config file
    url_env: str = "VOC_STORE_URL"  # postgres: environment variable holding the SQLAlchemy URL (never YAML)
    schema_name: str | None = Field(None, alias="schema")  # postgres: schema, so pipelines can share a database

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ExecutionConfig(_Strict):
    """Where the per-chunk stages (text layer, sentiment scoring) run."""

    runner: Literal["local", "dask"] = "local"
    dask_address: str | None = None  # an existing cluster (tcp://host:8786); None starts a LocalCluster
    dask_workers: int = Field(2, ge=1)
    chunk_size: int = Field(20_000, ge=100)  # records per chunk: bounds memory and is the unit of parallelism


class IngestConfig(_Strict):
    author_salt_env: str = "VOC_AUTHOR_SALT"  # salt for author hashes; else one kept in the store
    redact: bool = True  # redact PII in text (and quarantined raw rows) before anything is stored


class PipelineConfig(_Strict):
    """One weekly pipeline: its sources, store and the settings of each stage."""

    timezone: str = "Asia/Bangkok"
    store: StoreConfig = Field(default_factory=StoreConfig)
    ingest: IngestConfig = Field(default_factory=IngestConfig)
    execution: ExecutionConfig = Field(default_factory=ExecutionConfig)
    sources: list[Source] = Field(default_factory=list)
    exports_dir: str = "exports"  # relative to the config file
    text: TextConfig = Field(default_factory=TextConfig)
    sentiment: SentimentConfig = Field(default_factory=SentimentConfig)
    topics: TopicsConfig = Field(default_factory=TopicsConfig)
    insights: InsightsConfig = Field(default_factory=InsightsConfig)
    export: ExportConfig = Field(default_factory=ExportConfig)
    models_dir: str | None = None  # the user's trained models (relative to the config file); None: $VOC_MODELS_DIR
    tracking: TrackingConfig | None = None  # log `voc evaluate` runs with this config to MLflow
    alerts: AlertsConfig | None = None  # no section: no alerts
    base_dir: str = "."  # set by load_config to the config file's folder

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (use an IANA name like Asia/Bangkok)") from None
        return v

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, v: list) -> list:
        names = [s.name for s in v]
        dups = sorted({n for n in names if names.count(n) > 1})
        if dups:
            raise ValueError(f"source names must be unique; repeated: {', '.join(dups)}")
        return v

    @model_validator(mode="after")
    def _resolve_paths(self) -> PipelineConfig:
        """Make every path absolute once, relative to the config file, so no stage resolves paths again."""
        self.base_dir = str(Path(self.base_dir).expanduser().absolute())
        self.store.path = str(self.resolve(self.store.path))
        self.exports_dir = str(self.resolve(self.exports_dir))
        for src in self.sources:
            if isinstance(src, FileSource | TranscriptSource) and src.path:
                src.path = str(self.resolve(src.path))
        if self.topics.taxonomy_path:
            taxonomy = self.resolve(self.topics.taxonomy_path)
            if not taxonomy.is_file():
                raise ValueError(f"topics.taxonomy_path: file not found: {taxonomy}")
            self.topics.taxonomy_path = str(taxonomy)
        if self.models_dir:
            self.models_dir = str(self.resolve(self.models_dir))
        if self.tracking is not None:
            self.tracking = self.tracking.resolved(self.base_dir)
        promotion = self.sentiment.promotion
        promotion.reference = [f.relative_to_config(self.base_dir) for f in promotion.reference]
        if _looks_like_path(self.sentiment.model):  # a name (default, default-linear) stays a name
            self.sentiment.model = str(self.resolve(self.sentiment.model))
        return self

    def resolve(self, path: str) -> Path:
        """A path from the config, relative to the config file's folder (absolute paths stay as they are)."""
        p = Path(os.path.expandvars(path)).expanduser()
        return p if p.is_absolute() else Path(self.base_dir) / p

    @property
    def store_path(self) -> Path:
        return self.resolve(self.store.path)

    @property
    def exports_path(self) -> Path:
        return self.resolve(self.exports_dir)


def _looks_like_path(value: str) -> bool:
    return value.startswith((".", "~", "$")) or "/" in value or os.sep in value


def load_config(path: str | Path, overrides: list[str] | None = None) -> PipelineConfig:
    """Read and validate a pipeline YAML; unknown keys are errors naming the key and file."""
    path = Path(path)
    data = apply_overrides(read_yaml(path), overrides)
    data.setdefault("base_dir", str(path.resolve().parent))
    try:
        config = PipelineConfig.model_validate(data)
    except ValidationError as e:
        raise ConfigError(format_validation_error(e, str(path), data)) from None
    from voc.ingest.config import source_path_problems

    if problems := source_path_problems(config.sources, config.base_dir):
        raise ConfigError("\n".join(f"{path}: {p}" for p in problems))
    return config


__all__ = ["ConfigError", "ExecutionConfig", "IngestConfig", "PipelineConfig", "StoreConfig", "apply_overrides",
           "format_validation_error", "load_config", "load_yaml_model", "read_yaml"]
