"""Where records, quarantine, run logs, stage outputs and weekly tables live (declared in voc/schema.py)."""

from voc.store.base import (
    Store,
    StoreError,
    UndeclaredColumnError,
    UndeclaredTableError,
    UpsertResult,
)
from voc.store.registrations import open_store, stores

__all__ = [
    "Store",
    "StoreError",
    "UndeclaredColumnError",
    "UndeclaredTableError",
    "UpsertResult",
    "open_store",
    "stores",
]
