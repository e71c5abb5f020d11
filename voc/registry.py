"""Small named registries: one per stage, backends register next to their own code.

Names are versioned, like ``"sentiment.linear.v1"``, so a config keeps meaning the same
thing after a backend changes behaviour (the new behaviour gets a new name).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from voc.errors import VocError

T = TypeVar("T")


class RegistryError(VocError, KeyError):
    """Raised when a config names a backend that is not registered."""

    def __str__(self) -> str:  # KeyError quotes its message; we want plain text
        return str(self.args[0])


class Registry(Generic[T]):
    """A stage's named factories."""

    def __init__(self, stage: str) -> None:
        self.stage = stage
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator that registers ``obj`` under ``name``."""

        def deco(obj: T) -> T:
            if name in self._items and self._items[name] is not obj:
                raise ValueError(f"{self.stage}: {name!r} is registered twice")
            self._items[name] = obj
            return obj

        return deco

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "(none)"
            raise RegistryError(
                f"unknown {self.stage} backend {name!r}; known: {known}"
            ) from None

    def names(self) -> list[str]:
        return sorted(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items
