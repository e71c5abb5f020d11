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


def format_validation_error(err: ValidationError, where: str) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"])
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        lines.append(f"{where}: {loc}: {msg}" if loc else f"{where}: {msg}")
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
        raise error_cls(format_validation_error(e, str(path))) from None


__all__ = ["ConfigError", "apply_overrides", "format_validation_error", "load_yaml_model", "read_yaml"]
