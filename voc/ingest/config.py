"""Source definitions: where customer messages come from and how their columns map to a record."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from voc.ratings import RatingScale
from voc.schema import CHANNELS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ColumnMap(_Strict):
    """Which source column feeds each canonical field (names as in the file header or query)."""

    text: str
    created_at: str | None = None
    id: str | None = None
    rating: str | None = None
    author: str | None = None
    channel: str | None = None
    segments: dict[str, str] = Field(default_factory=dict)
    metadata: list[str] = Field(default_factory=list)


class _SourceBase(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    channel: str | None = None
    timezone: str | None = None  # zone of naive times; default: the pipeline's
    date_format: str | None = None  # strftime format; default: ISO 8601, then common forms
    dayfirst: bool = True  # 03/04/2026 is 3 April (Thai and British usage)
    years: Literal["auto", "buddhist", "gregorian"] = "auto"  # two-digit years: see voc/ingest/dates.py
    future_margin_hours: float = Field(24.0, ge=0)  # later than ingest time + this: quarantined
    segments: dict[str, str] = Field(default_factory=dict)  # constant segment values
    rating_scale: RatingScale | None = None  # stars_1_5 | csat_1_5 | nps_0_10 | {min:, max:} (voc/ratings.py)
    enabled: bool = True
    link_template: str | None = None
    """Link of a message at the source, ``{id}`` standing for its source id (https://crm.example/tickets/{id})."""

    @field_validator("link_template")
    @classmethod
    def _link_has_id(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not v.startswith(("https://", "http://")):
            raise ValueError(f"link_template must start with https:// or http://, got {v!r}")
        if "{id}" not in v:
            raise ValueError(f"link_template must contain {{id}} (where the message's source id goes), got {v!r}")
        return v

    @model_validator(mode="after")
    def _rating_has_a_scale(self):
        columns = getattr(self, "columns", None)
        if columns is not None and columns.rating and self.rating_scale is None:
            raise ValueError(
                f"source {self.name} maps a rating column ({columns.rating!r}) but declares no rating_scale; "
                "add `rating_scale: stars_1_5` (or csat_1_5, nps_0_10, or {min: 0, max: 100}) to the source"
            )
        return self

    @field_validator("channel")
    @classmethod
    def _known_channel(cls, v: str | None) -> str | None:
        if v is not None and v not in CHANNELS:
            raise ValueError(f"unknown channel {v!r}; use one of {', '.join(CHANNELS)}")
        return v

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str | None) -> str | None:
        if v is None:
            return v
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (use an IANA name like Asia/Bangkok or UTC)") from None
        return v


class FileSource(_SourceBase):
    """A file, or a folder of files by glob (CSV, TSV, JSONL, JSON, Parquet, XLSX)."""

    kind: Literal["file"] = "file"
    path: str  # a file, or a glob such as inputs/reviews/*.csv (relative to the config file)
    allow_outside: bool = False  # read a path outside the config file's folder (refused otherwise)
    format: Literal["csv", "tsv", "jsonl", "json", "parquet", "xlsx"] | None = None
    encoding: str = "auto"
    sheet: str | int | None = None  # XLSX: a sheet's name, or its position (0 for the first); default the first shown
    columns: ColumnMap

    @field_validator("sheet", mode="before")
    @classmethod
    def _sheet_name_or_position(cls, v: object) -> object:
        if isinstance(v, bool):  # YAML reads `sheet: yes`/`true`/`No` as a boolean
            raise ValueError(f"sheet: {str(v).lower()} is read as a yes/no; for a sheet of that name, quote it "
                             "(sheet: \"No\"), or give a position (0 for the first sheet)")
        if isinstance(v, int) and v < 0:
            raise ValueError(f"sheet: {v} is not a position (0 is the first sheet); for a sheet of that name, "
                             f"quote it (sheet: \"{v}\")")
        if isinstance(v, float):
            raise ValueError(f"sheet: {v} is neither a name nor a position; quote a name (sheet: \"{v}\")")
        return v


class SqlSource(_SourceBase):
    """A SQL query through SQLAlchemy. The URL comes from an environment variable, never YAML."""

    kind: Literal["sql"]
    url_env: str | None = Field(None, description="environment variable holding the SQLAlchemy URL")
    url_secret: str | None = Field(None, description="name of a Prefect Secret block holding the URL")
    query: str
    columns: ColumnMap

    @model_validator(mode="after")
    def _one_url_source(self) -> SqlSource:
        if bool(self.url_env) == bool(self.url_secret):
            raise ValueError(
                "give exactly one of url_env (an environment variable) or url_secret (a Prefect Secret block)"
            )
        return self


class TranscriptSource(_SourceBase):
    """Chat or call transcripts; only customer turns become VOC text."""

    kind: Literal["transcript"]
    path: str
    allow_outside: bool = False  # read a path outside the config file's folder (refused otherwise)
    format: Literal["json", "text"] | None = None  # json/jsonl conversations, or prefixed text
    encoding: str = "auto"
    id_field: str = "id"
    time_field: str = "started_at"
    turns_field: str = "turns"
    speaker_field: str = "speaker"
    turn_text_field: str = "text"
    turn_time_field: str = "time"
    author_field: str | None = "customer_id"
    segment_fields: dict[str, str] = Field(default_factory=dict)
    customer_speakers: list[str] = Field(
        default_factory=lambda: ["customer", "client", "user", "ลูกค้า"]
    )
    agent_speakers: list[str] = Field(
        default_factory=lambda: ["agent", "staff", "bot", "admin", "system", "พนักงาน", "เจ้าหน้าที่", "แอดมิน"]
    )
    # transcript options (voc/ingest/transcripts.py and the README say how each is used)
    unknown_speakers: Literal["agent", "customer"] = "agent"  # a speaker in neither list counts as this
    split_gap_minutes: float | None = Field(30.0, gt=0)  # text without separators: a longer silence splits
    greetings: list[str] = Field(default_factory=lambda: [
        "สวัสดี", "ยินดีต้อนรับ", "ยินดีให้บริการ", "hello", "hi", "good morning", "good afternoon",
        "good evening", "welcome", "thank you for contacting"])  # text without separators or times
    max_turns: int = Field(60, ge=1)  # more turns in one conversation: a warning, noted in metadata


def _source_kind(v) -> str:
    """A source without ``kind`` is a file source (the common case needs no boilerplate)."""
    if isinstance(v, dict):
        return v.get("kind", "file")
    return getattr(v, "kind", "file")


Source = Annotated[
    Annotated[FileSource, Tag("file")]
    | Annotated[SqlSource, Tag("sql")]
    | Annotated[TranscriptSource, Tag("transcript")],
    Discriminator(_source_kind),
]


def is_inside(path: Path, folder: Path) -> bool:
    """True if ``path``, with every link resolved, lies in ``folder`` (also resolved)."""
    real, top = os.path.realpath(path), os.path.realpath(folder)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def links_outside(path: Path, folder: Path) -> bool:
    """True if ``path`` is under ``folder`` as written but a link takes it outside."""
    written, top = os.path.abspath(path), os.path.abspath(folder)
    return (written == top or written.startswith(top.rstrip(os.sep) + os.sep)) and not is_inside(path, folder)


def source_path_problems(sources: list, base_dir: str | Path) -> list[str]:
    """Why file sources may not be read from where they point: a path outside the config's folder
    needs ``allow_outside: true`` on the source (so a config cannot quietly read /etc or ~/.ssh)."""
    from voc.ingest.files import glob_root, shown

    base = Path(base_dir)
    problems = []
    for i, src in enumerate(sources):
        path = getattr(src, "path", None)
        if path is None or src.allow_outside:
            continue
        p = Path(os.path.expandvars(path)).expanduser()
        p = p if p.is_absolute() else base / p
        root, pattern = glob_root(p)
        if ".." in pattern or not is_inside(root, base):
            problems.append(
                f"sources.{i} ({src.name}): path {shown(path)!r} is outside the config's folder {shown(base)}; "
                "move the files under it or set `allow_outside: true` on the source"
            )
    return problems
