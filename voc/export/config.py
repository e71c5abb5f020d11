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
    """Themes shown in the report's trend charts and segment tables (small multiples: at most 12)."""
    report_title: str | None = None
    """Title of the report; by default the report language's ("Voice of Customer weekly report")."""
    report_language: Literal["en", "th"] = "en"
    """Language of the report and the workbook (words, numbers, dates; customer text is shown as written)."""
    buddhist_era: bool = False
    """Thai dates with the Buddhist Era year (2569) instead of the Common Era year (2026)."""
    quotes_in_report: int = Field(3, ge=0, le=10)
    """Quotes per topic in the report's quote list."""
