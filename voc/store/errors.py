"""What the store raises when a call does not fit the declared tables."""

from __future__ import annotations


class StoreError(ValueError):
    """A store call that does not fit the declared tables (``voc/schema.py``)."""


class UndeclaredTableError(StoreError):
    """A table name that ``voc.schema.TABLES`` does not declare (or not of the kind the call writes)."""


class UndeclaredColumnError(StoreError):
    """A frame carries a column its table does not declare."""
