"""Where records, quarantine, run logs, stage outputs and weekly tables live."""

from voc.store.base import Store, open_store

__all__ = ["Store", "open_store"]
