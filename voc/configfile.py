"""Reading config files: YAML, ``--set key=value`` overrides, and validation errors naming file and key.

The bottom layer of every voc config (the pipeline YAML, training YAMLs): it imports no stage, so any
config module can use it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from voc.errors import ConfigError


def _set_dotted(data: dict, dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    node = data
    for k in keys[:-1]:
        node = node.setdefault(k, {})
        if not isinstance(node, dict):
            raise ConfigError(f"--set {dotted}: {k} is not a section")
    node[keys[-1]] = value


def apply_overrides(data: dict, overrides: list[str] | None) -> dict:
    """Apply ``key.sub=value`` overrides (values parsed as YAML scalars)."""
    for item in overrides or []:
        if "=" not in item:
            raise ConfigError(f"--set {item!r}: expected KEY=VALUE, like sentiment.model=default")
        key, raw = item.split("=", 1)
        _set_dotted(data, key.strip(), yaml.safe_load(raw))
    return data


RATING_SCALES_HELP = "stars_1_5, csat_1_5, nps_0_10 or {min: 0, max: 100}"
"""The values a source's ``rating_scale`` may take (voc.ratings.RatingScale), as an error message lists them."""


def _where(loc: tuple, data: Any, missing: bool = False) -> tuple[list[str], Any]:
    """The key path of an error as the user wrote it, and the value found there.

    Pydantic adds steps the YAML does not have (a union's branch: ``file``, ``literal[...]``,
    ``function-after[...]``); a step that is not a key of the input is dropped unless it is the
    last one of a ``missing`` error (the key the user left out). A list item with a ``name`` is named
    by it (``sources[crm_reviews]``), not by its index.
    """
    parts: list[str] = []
    node = data
    for i, p in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and p in node:
            parts.append(str(p))
            node = node[p]
        elif isinstance(node, list) and isinstance(p, int) and 0 <= p < len(node):
            item = node[p]
            name = item.get("name") if isinstance(item, dict) else None
            if parts and isinstance(name, str) and name:
                parts[-1] = f"{parts[-1]}[{name}]"
            else:
                parts.append(str(p))
            node = item
        elif data is None or (last and missing):
            parts.append(str(p))
            node = None
    return parts, node


def format_validation_error(err: ValidationError, where: str, data: Any = None) -> str:
    """One line per problem: ``FILE: key.path: what is wrong``.

    With ``data`` (the validated input), keys are named as the file writes them: sources by name, no
    pydantic union branches; a bad ``rating_scale`` is one line listing the allowed values.
    """
    lines: list[str] = []
    for e in err.errors():
        parts, value = _where(tuple(e["loc"]), data, e["type"] == "missing")
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        elif data is not None and parts and parts[-1] == "rating_scale":
            if isinstance(value, dict):
                if e["type"] not in ("value_error", "extra_forbidden", "missing", "float_parsing", "float_type"):
                    continue  # the dict branch speaks for a dict; the literal branch's complaint adds nothing
            else:
                msg = f"{value!r} is not a rating scale; use one of {RATING_SCALES_HELP}"
        loc = ".".join(parts)
        line = f"{where}: {loc}: {msg}" if loc else f"{where}: {msg}"
        if line not in lines:
            lines.append(line)
    return "\n".join(lines)


def read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys")
    return data


def load_yaml_model(path: str | Path, model_cls: type[BaseModel], what: str = "config",
                    error_cls: type[Exception] = ConfigError):
    """Read a YAML file and validate it as ``model_cls``; errors name the file and the key."""
    path = Path(path)
    try:
        data = read_yaml(path)
    except ConfigError as e:
        raise error_cls(str(e).replace("config file not found", f"{what} not found")) from None
    try:
        return model_cls.model_validate(data)
    except ValidationError as e:
        raise error_cls(format_validation_error(e, str(path), data)) from None


__all__ = ["ConfigError", "apply_overrides", "format_validation_error", "load_yaml_model", "read_yaml"]
