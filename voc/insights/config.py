"""Settings of the weekly insight tables (pipeline config section ``insights``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class InsightsConfig(BaseModel):
    """How weekly tables, emerging-topic tests and driver analysis are computed."""

    model_config = ConfigDict(extra="forbid")

    history_weeks: int = Field(8, ge=1, le=104)
    """Trailing weeks the flow loads besides the report week (trends and baselines)."""
    baseline_weeks: int = Field(6, ge=1, le=104)
    """Trailing weeks (before the report week) that form the emerging-topic baseline."""
    min_baseline_weeks: int = Field(2, ge=1)
    """Baseline weeks that must hold data before a rise can be tested at all."""
    min_volume: int = Field(10, ge=1)
    """A topic needs at least this many records in the week to be flagged (noise floor)."""
    min_rate_ratio: float = Field(1.5, ge=1.0)
    """Effect floor: this week's rate must be at least this multiple of the baseline rate."""
    min_negative_share_rise: float = Field(0.10, ge=0.0, le=1.0)
    """Effect floor: negative share must rise by at least this many points (0.10 = 10 points)."""
    alpha: float = Field(0.05, gt=0.0, lt=1.0)
    """Significance level (false discovery rate when ``multiple_testing`` is ``bh``)."""
    multiple_testing: Literal["bh", "none"] = "bh"
    """``bh``: Benjamini-Hochberg over all of a week's tests; ``none``: a fixed alpha per test."""
    volume_basis: Literal["share", "count"] = "share"
    """``share``: a topic's rate per record of the week (robust to overall volume swings);
    ``count``: its raw weekly count."""
    quotes_per_topic: int = Field(3, ge=0, le=10)
    quote_max_chars: int = Field(280, ge=40)
    top_terms: int = Field(8, ge=1, le=30)
    trend_weeks: int = Field(4, ge=2, le=52)
    """Weeks in the ``trend`` column of ``topic_week`` (the report week and those before)."""
    segment_fields: list[str] = Field(default_factory=list)
    """Keys of ``segments`` that ``sentiment_week`` breaks down by (product, branch, ...)."""
    low_volume: int = Field(30, ge=0)
    """Below this many records the week is reported as having little data."""
    driver_weeks: int = Field(4, ge=1, le=52)
    """Weeks of rated records pooled for driver analysis (the report week and those before)."""
    driver_min_records: int = Field(5, ge=2)
    """A topic needs this many rated records with it, and without it, to get a driver estimate."""
    confidence: float = Field(0.95, gt=0.5, lt=1.0)
    """Confidence level of driver intervals."""

    @model_validator(mode="after")
    def _baseline_fits_history(self) -> InsightsConfig:
        if self.baseline_weeks > self.history_weeks:
            raise ValueError(
                f"baseline_weeks ({self.baseline_weeks}) cannot exceed history_weeks "
                f"({self.history_weeks}): the flow only loads history_weeks of history"
            )
        if self.min_baseline_weeks > self.baseline_weeks:
            raise ValueError(
                f"min_baseline_weeks ({self.min_baseline_weeks}) cannot exceed baseline_weeks "
                f"({self.baseline_weeks})"
            )
        return self
