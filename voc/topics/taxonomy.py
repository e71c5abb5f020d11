"""The YAML taxonomy people edit: topic renames and merges that later runs respect."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

_TOPIC_ID_RE = re.compile(r"^T\d{4,}$")
_THEME_ID_RE = re.compile(r"^G\d{4,}$")


class Merge(BaseModel):
    """Topics ``sources`` become part of ``into`` (their history stays, marked merged)."""

    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(min_length=1)
    into: str
    reason: str = ""

    @model_validator(mode="after")
    def _not_into_itself(self) -> Merge:
        if self.into in self.sources:
            raise ValueError(f"merge into {self.into} lists {self.into} among its sources")
        return self


class ThemeMerge(BaseModel):
    """Themes ``sources`` become part of theme ``into``: their topics move there."""

    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(min_length=1)
    into: str
    reason: str = ""

    @model_validator(mode="after")
    def _theme_ids(self) -> ThemeMerge:
        for theme_id in [*self.sources, self.into]:
            _check_theme_id(theme_id)
        if self.into in self.sources:
            raise ValueError(f"theme merge into {self.into} lists {self.into} among its sources")
        return self


class Taxonomy(BaseModel):
    """Topic renames (``topic_id -> label``) and merges (``[ids] -> id``); theme renames, merges and
    topic moves between themes (``topic_id -> theme_id``)."""

    model_config = ConfigDict(extra="forbid")

    renames: dict[str, str] = Field(default_factory=dict)
    merges: list[Merge] = Field(default_factory=list)
    theme_renames: dict[str, str] = Field(default_factory=dict)
    theme_merges: list[ThemeMerge] = Field(default_factory=list)
    moves: dict[str, str] = Field(default_factory=dict)

    @field_validator("theme_renames")
    @classmethod
    def _theme_labels_not_empty(cls, value: dict[str, str]) -> dict[str, str]:
        for theme_id, label in value.items():
            _check_theme_id(theme_id)
            if not label.strip():
                raise ValueError(f"rename of theme {theme_id} has an empty label")
        return {k: v.strip() for k, v in value.items()}

    @field_validator("moves")
    @classmethod
    def _move_ids(cls, value: dict[str, str]) -> dict[str, str]:
        for topic_id, theme_id in value.items():
            _check_id(topic_id)
            _check_theme_id(theme_id)
        return value

    @field_validator("renames")
    @classmethod
    def _labels_not_empty(cls, value: dict[str, str]) -> dict[str, str]:
        for topic_id, label in value.items():
            _check_id(topic_id)
            if not label.strip():
                raise ValueError(f"rename of {topic_id} has an empty label")
        return {k: v.strip() for k, v in value.items()}

    @model_validator(mode="after")
    def _ids_and_cycles(self) -> Taxonomy:
        target: dict[str, str] = {}
        for merge in self.merges:
            for topic_id in [*merge.sources, merge.into]:
                _check_id(topic_id)
            for source in merge.sources:
                if source in target and target[source] != merge.into:
                    raise ValueError(f"{source} is merged into both {target[source]} and {merge.into}")
                target[source] = merge.into
        for start in target:
            seen = {start}
            node = start
            while node in target:
                node = target[node]
                if node in seen:
                    raise ValueError(f"merges form a cycle through {start}")
                seen.add(node)
        return self

    def merge_targets(self) -> dict[str, str]:
        """Source topic id -> the id it was merged into."""
        return {s: m.into for m in self.merges for s in m.sources}


def _check_id(topic_id: str) -> None:
    if not _TOPIC_ID_RE.match(topic_id):
        raise ValueError(f"{topic_id!r} is not a topic id (like T0001)")


def _check_theme_id(theme_id: str) -> None:
    if not _THEME_ID_RE.match(theme_id):
        raise ValueError(f"{theme_id!r} is not a theme id (like G0001)")


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read and validate a taxonomy YAML; errors name the file and the bad key."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ValueError(f"taxonomy file not found: {path}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping with 'renames' and/or 'merges'")
    try:
        return Taxonomy.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors()
        )
        raise ValueError(f"{path}: {problems}") from None
