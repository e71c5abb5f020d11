"""The one rule for merged topics: follow ``merged_into`` to the topic that now stands for an id.

A registry row is merged when its ``status`` is ``"merged"`` and its ``merged_into`` names another topic
of the registry; its records then count under that topic (and, through a chain of merges, under the last
one). A ``merged_into`` that names no registry topic (a hand-edited registry) is not followed: the id stays
one the registry knows. A cycle (A into B, B into A) stops at the first id met twice, so the answer is
the same on every call and nothing loops.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def final_topic_id(registry: Mapping[str, Mapping[str, Any]], topic_id: str) -> str:
    """The id ``topic_id``'s records count under: itself, or the end of its chain of merges.

    Args:
        registry: topic rows by ``topic_id``, each with ``status`` and ``merged_into`` (the topic
            registry's columns); an id that is not in it is returned as it is.
        topic_id: the id to resolve.
    """
    seen = {topic_id}
    while True:
        row = registry.get(topic_id)
        if row is None or row.get("status") != "merged":
            return topic_id
        into = row.get("merged_into")
        if not isinstance(into, str) or into not in registry:
            return topic_id
        if into in seen:
            return into
        seen.add(into)
        topic_id = into
