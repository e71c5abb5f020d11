"""Typer-facing file I/O shared by the text-oriented commands: user file errors become one clear line."""

from __future__ import annotations

from pathlib import Path

import typer


def check_format(path: Path, option: str) -> str:
    from voc.tableio import text_file_format

    try:
        return text_file_format(path)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint=option) from None


def read_input(path: Path):
    from voc.tableio import read_text_file_table

    try:
        return read_text_file_table(path)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--input") from None


def write_output(df, path: Path) -> None:
    from voc.tableio import write_text_file_table

    try:
        write_text_file_table(df, path)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--output") from None
