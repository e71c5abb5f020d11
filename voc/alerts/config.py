"""Settings of the week's alert (pipeline config section ``alerts``; no section, no alerts)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

BlockType = Literal["slack-webhook", "custom-webhook", "email"]


class AlertsConfig(BaseModel):
    """When a week is worth a notification, and the Prefect notification block that carries it."""

    model_config = ConfigDict(extra="forbid")

    block: str = Field(..., min_length=1)
    """Name of a saved Prefect notification block (``voc-alerts``), or ``<block-type-slug>/<name>``."""
    block_type: BlockType | None = None
    """``slack-webhook``, ``custom-webhook`` or ``email`` (Prefect's SendGrid block); None: found from the
    stored block's type."""
    min_emerging_themes: int | None = Field(1, ge=1)
    """Alert when at least this many known themes rose this week; None: rises alone never alert."""
    min_new_themes: int | None = Field(1, ge=1)
    """Alert when at least this many themes were first seen this week; None: new themes alone never alert."""
    on_source_failure: bool = True
    """Alert when a source failed to load (the week is partial)."""
    report_base_url: str | None = None
    """Where readers open the exports (``https://reports.example/voc``): the link is
    ``<base>/<week>/report.html``; None: a ``file://`` link to the report on this machine."""
    timeout_s: float = Field(30.0, gt=0, le=600)
    """Seconds one attempt to send may take."""
    retries: int = Field(2, ge=0, le=10)
    """Further attempts after a failed one (block missing, endpoint down, timeout)."""
    retry_delay_s: float = Field(10.0, ge=0, le=600)
    max_themes: int = Field(5, ge=1, le=20)
    """Themes listed per kind (rising, new); the counts always cover all of them."""
    quotes: bool = True
    """One redacted customer quote under each listed theme."""

    @field_validator("report_base_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("https://", "http://", "file://")):
            raise ValueError(f"must start with https://, http:// or file:// (got {v!r})")
        return v.rstrip("/") if v else v
