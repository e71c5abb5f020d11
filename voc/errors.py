"""voc's errors: one base class, so the CLI can tell a user's mistake from a bug.

Anything that derives from :class:`VocError` is a problem a user can meet and fix (a bad config, a
missing file, a store in use); the CLI prints it as one line and exits 1. Any other exception is a
bug and shows its traceback. Each subclass also derives from the built-in it replaced, so code that
caught ``ValueError`` or ``RuntimeError`` before keeps working.
"""

from __future__ import annotations


class VocError(Exception):
    """A problem the user can fix; the message says what was wrong, where, and what to do."""


class ConfigError(VocError, ValueError):
    """A config file that cannot be used; the message names the file and the key."""


class SourceError(VocError, RuntimeError):
    """A whole source cannot be read (missing file, wrong columns, database down)."""


class MissingColumnsError(SourceError):
    """A file of a source lacks mapped columns; ``missing`` names them."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


class SheetError(SourceError):
    """A workbook lacks the sheet a source names (or its default sheet is empty while another holds the data).

    It fails the source, not only the file: the setting is the source's, so every file would miss it."""


class StoreError(VocError, RuntimeError):
    """The store cannot be opened or used (not a database, in use by another run, undeclared table)."""


class WeekError(VocError, ValueError):
    """A value that is not an ISO week (``2026-W47``) or a week range that runs backwards."""


class ModelError(VocError, ValueError):
    """A model that cannot be found, trained or promoted."""


class DataError(VocError, ValueError):
    """Input data (labelled files, tables) that cannot be used; the message names the file and row."""


class ServerError(VocError, RuntimeError):
    """The local Prefect server that voc starts could not start or answer."""


__all__ = ["ConfigError", "DataError", "ModelError", "ServerError", "SheetError", "SourceError", "StoreError",
           "VocError", "WeekError"]
