"""The store backends, registered in one place, and ``open_store`` that picks one by name.

Importing this module imports neither duckdb nor sqlalchemy: each backend imports its driver
when a store is opened. A new backend subclasses ``voc.store.base.Store`` and is added here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from voc.registry import Registry
from voc.store.base import Store
from voc.store.duckdb_store import DuckDBStore
from voc.store.postgres_store import PostgresStore

StoreFactory = Callable[..., Store]
"""A store class: called with the backend's location (path or URL) and its options."""

stores: Registry[StoreFactory] = Registry("store")
"""Store classes by backend name: ``duckdb`` (a file path), ``postgres`` (a SQLAlchemy URL)."""

stores.register("duckdb")(DuckDBStore)
stores.register("postgres")(PostgresStore)


def open_store(backend: str, path: str | Path, **options) -> Store:
    """Open a store backend by name: ``duckdb`` (a file path) or ``postgres`` (a SQLAlchemy URL)."""
    return stores.get(backend)(path, **options)
