"""Settings of the weekly exports (pipeline config section ``export``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ExportFormat = Literal["parquet", "csv", "xlsx", "html"]
ALL_FORMATS: tuple[ExportFormat, ...] = ("parquet", "csv", "xlsx", "html")


class ExportConfig(BaseModel):
    """Which files a week's export holds and how the report reads."""

    model_config = ConfigDict(extra="forbid")

    formats: list[ExportFormat] = Field(default_factory=lambda: list(ALL_FORMATS))
    trend_weeks: int = Field(8, ge=2, le=104)
    """Weeks shown in the report's trend charts (the report week and those before)."""
    top_topics: int = Field(10, ge=1, le=50)
    """Topics shown in the report's top-topic table and trend charts (small multiples: at most 12)."""
    report_title: str = "Voice of Customer weekly report"
    report_language: Literal["en", "th", "both"] = "both"
    """Language of the report's headings and notes (customer text is shown as written)."""
    quotes_in_report: int = Field(3, ge=0, le=10)
