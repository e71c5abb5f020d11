"""The topic registry across weeks: stable topic ids, labels people set, recorded merges and splits.

Each week's fit numbers its topics afresh; the registry maps them to lasting ids by comparing
c-TF-IDF word weights (which, unlike LSA or UMAP coordinates, mean the same thing in every fit).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from voc.schema import OUTLIER_TOPIC_ID
from voc.topics.config import TopicsConfig
from voc.topics.labels import holds_generic_term
from voc.topics.merges import final_topic_id
from voc.topics.model import TopicFit
from voc.topics.taxonomy import Taxonomy

log = logging.getLogger(__name__)

REGISTRY_COLUMNS = [
    "topic_id", "label", "label_source", "top_words", "representation",
    "first_seen_week", "last_seen_week", "status", "merged_into", "size_last_fit",
    "theme_id", "theme_label", "theme_label_source",
]
THEME_COLUMNS = ["theme_id", "theme_label", "theme_label_source"]
"""The hierarchy the registry learns: each topic's theme (a registry written before themes lacks them)."""
THEME_ID_PREFIX = "G"
RELABEL_BELOW = 0.6
"""A matched topic whose automatic label shares no term with this week's label, and whose match
similarity is below this, has drifted: it takes the new label (its id stays)."""
EVENT_COLUMNS = ["week", "event", "topic_id", "detail"]
OUTLIER_LABEL = "other"


@dataclass
class RegistryUpdate:
    """The registry after one week's fit, what changed, and where each local topic went."""

    registry: pd.DataFrame
    events: pd.DataFrame
    local_to_topic_id: dict[int, str]
    """Local topic number of the fit -> registry id; -1 -> ``OUTLIER_TOPIC_ID``."""
    local_to_theme_id: dict[int, str] = field(default_factory=dict)
    """Local theme number of the fit -> registry theme id."""

    def theme_of(self, topic_id: str) -> tuple[str, str]:
        """(theme id, theme label) of a registry topic; the "other" bucket is its own theme."""
        if topic_id == OUTLIER_TOPIC_ID:
            return OUTLIER_TOPIC_ID, OUTLIER_LABEL
        row = self.registry.loc[self.registry.topic_id == topic_id].iloc[0]
        if not isinstance(row["theme_id"], str):
            return topic_id, str(row["label"])
        return str(row["theme_id"]), str(row["theme_label"])

    def label_of(self, topic_id: str) -> str:
        """The label reports show for a registry id (or the "other" bucket)."""
        if topic_id == OUTLIER_TOPIC_ID:
            return OUTLIER_LABEL
        return str(self.registry.loc[self.registry.topic_id == topic_id, "label"].iloc[0])


def empty_registry() -> pd.DataFrame:
    """A registry with no topics yet."""
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "size_last_fit" else "object") for c in REGISTRY_COLUMNS})


def similarity(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine similarity of two word -> weight maps."""
    dot = sum(w * b[k] for k, w in a.items() if k in b)
    na = float(np.sqrt(sum(w * w for w in a.values())))
    nb = float(np.sqrt(sum(w * w for w in b.values())))
    return dot / (na * nb) if na and nb else 0.0


def update_registry(
    fit: TopicFit,
    registry: pd.DataFrame | None,
    week: str,
    config: TopicsConfig | None = None,
    taxonomy: Taxonomy | None = None,
) -> RegistryUpdate:
    """Match this week's topics to the registry: matched keep id and label, the rest get new ids."""
    cfg = config or TopicsConfig()
    reg = empty_registry() if registry is None or registry.empty else _checked(registry)
    rows = {r["topic_id"]: dict(r) for r in reg.to_dict("records")}
    events: list[dict] = []

    def event(kind: str, topic_id: str, detail: str) -> None:
        events.append({"week": week, "event": kind, "topic_id": topic_id, "detail": detail})

    if taxonomy is not None:
        _apply_merges(rows, taxonomy, event)

    local_topics = fit.topics.to_dict("records")
    row_ids = sorted(rows)
    reps = [json.loads(rows[t]["representation"]) for t in row_ids]
    sims = np.array([[similarity(lt["representation"], r) for r in reps] for lt in local_topics]).reshape(
        len(local_topics), len(row_ids)
    )
    # Greedy one-to-one matching, best pair first; ties break on local number, then topic id.
    pairs = sorted(
        ((sims[i, j], i, j) for i in range(len(local_topics)) for j in range(len(row_ids))
         if sims[i, j] >= cfg.match_threshold),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    claimed_row: dict[int, int] = {}
    claimed_by: dict[int, int] = {}
    for _sim, i, j in pairs:
        if i not in claimed_row and j not in claimed_by:
            claimed_row[i], claimed_by[j] = j, i

    local_to_topic_id: dict[int, str] = {-1: OUTLIER_TOPIC_ID}
    next_number = max((int(t[1:]) for t in rows), default=0) + 1
    for i, lt in enumerate(local_topics):
        local = int(lt["local_id"])
        if i in claimed_row:
            row_id = row_ids[claimed_row[i]]
            final = final_topic_id(rows, row_id)
            via = f" via merged {row_id}" if final != row_id else ""
            _refresh(rows[row_id], lt, week)
            if _drifted(rows[row_id], lt, sims[i, claimed_row[i]]):
                event("relabelled", row_id, f"content drifted: {rows[row_id]['label']!r} -> {lt['label']!r}")
                rows[row_id]["label"] = lt["label"]
            if final != row_id:
                rows[final]["last_seen_week"] = week
            event("matched", final, f"similarity {sims[i, claimed_row[i]]:.2f}{via}")
        else:
            final = f"T{next_number:04d}"
            next_number += 1
            rows[final] = {
                "topic_id": final, "label": lt["label"], "label_source": "auto",
                "first_seen_week": week, "status": "active", "merged_into": None,
            }
            _refresh(rows[final], lt, week)
            near = int(np.argmax(sims[i])) if len(row_ids) else -1
            if near >= 0 and sims[i, near] >= cfg.match_threshold:
                # Like a claimed topic, but another local topic was closer to it: the theme split.
                origin = final_topic_id(rows, row_ids[near])
                event("split", final, f"split from {origin} (similarity {sims[i, near]:.2f})")
            else:
                event("new", final, f"first seen; {lt['size']} records")
        local_to_topic_id[local] = final

    # A registry topic that no local topic claimed, but that one claimed topic also resembles,
    # was joined with it by this fit. Recorded, not made permanent: it may come back next week.
    for j, row_id in enumerate(row_ids):
        if j in claimed_by or rows[row_id]["status"] != "active" or not len(local_topics):
            continue
        i = int(np.argmax(sims[:, j]))
        if sims[i, j] >= cfg.match_threshold and i in claimed_row:
            into = local_to_topic_id[int(local_topics[i]["local_id"])]
            if into != row_id:
                event("merged", row_id,
                      f"this week's fit covers it with {into} (similarity {sims[i, j]:.2f}); records go to {into}")

    if taxonomy is not None:
        _apply_renames(rows, taxonomy, event)
    local_to_theme_id = _assign_themes(rows, fit, local_to_topic_id, week, taxonomy, event)
    registry_out = pd.DataFrame([rows[t] for t in sorted(rows)], columns=REGISTRY_COLUMNS)
    registry_out["size_last_fit"] = registry_out["size_last_fit"].fillna(0).astype("int64")
    events_out = pd.DataFrame(events, columns=EVENT_COLUMNS)
    return RegistryUpdate(registry_out, events_out, local_to_topic_id, local_to_theme_id)


def _checked(registry: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in REGISTRY_COLUMNS if c not in registry.columns and c not in THEME_COLUMNS]
    if missing:
        raise ValueError(f"topic registry lacks columns {missing}; expected {REGISTRY_COLUMNS}")
    registry = registry.copy()
    for column in THEME_COLUMNS:  # a registry from before themes: its topics get themes on this fit
        if column not in registry.columns:
            registry[column] = None
    return registry[REGISTRY_COLUMNS]


def _drifted(row: dict, local_topic: dict, match_similarity: float) -> bool:
    """Whether an automatically labelled topic's content moved away from its label."""
    if row["label_source"] != "auto" or match_similarity >= RELABEL_BELOW:
        return False
    old = {t.strip().lower() for t in str(row["label"]).split(" / ")}
    new = {t.strip().lower() for t in str(local_topic["label"]).split(" / ")}
    return not old & new


def _assign_themes(
    rows: dict[str, dict], fit: TopicFit, local_to_topic_id: dict[int, str], week: str,
    taxonomy: Taxonomy | None, event,
) -> dict[int, str]:
    """Give this fit's themes lasting ids: a theme takes the id most of its topics' records had before.

    Matching is one-to-one, biggest overlap first; a theme whose topics were never grouped (or
    whose old theme another claimed) gets a new id. Taxonomy moves pin a topic to a theme,
    theme merges fold one theme into another, theme renames set a label that sticks.
    """
    topics = fit.topics
    local_theme = {
        int(t): (int(g) if pd.notna(g) and int(g) >= 0 else -1 - int(t))  # no theme: a theme of its own
        for t, g in zip(topics["local_id"], topics["local_theme"], strict=True)
    }
    size = {int(t): int(n) for t, n in zip(topics["local_id"], topics["size"], strict=True)}
    label = {int(t): str(lab) for t, lab in zip(topics["local_id"], topics["label"], strict=True)}
    themes = fit.themes.set_index("local_theme") if len(fit.themes) else pd.DataFrame()
    previous = {tid: r["theme_id"] for tid, r in rows.items() if isinstance(r.get("theme_id"), str)}
    members: dict[int, list[int]] = {}
    for t, g in local_theme.items():
        members.setdefault(g, []).append(t)
    votes: list[tuple[int, int, str]] = []
    for g, topic_list in members.items():
        weight: dict[str, int] = {}
        for t in topic_list:
            old = previous.get(local_to_topic_id[t])
            if old:
                weight[old] = weight.get(old, 0) + size[t]
        total = sum(size[t] for t in topic_list) or 1
        votes.extend((w, g, old) for old, w in weight.items() if w >= 0.3 * total)
    # A theme people merged others into may take several of this fit's themes: they said it is one issue.
    merge_targets = {m.into for m in taxonomy.theme_merges} if taxonomy is not None else set()
    taken: dict[int, str] = {}
    for _w, g, old in sorted(votes, key=lambda v: (-v[0], v[1], v[2])):
        if g not in taken and (old not in taken.values() or old in merge_targets):
            taken[g] = old
    known = {r["theme_id"] for r in rows.values() if isinstance(r.get("theme_id"), str)}
    next_number = max((int(t[1:]) for t in known if t[1:].isdigit()), default=0) + 1
    theme_labels = {r["theme_id"]: (r["theme_label"], r["theme_label_source"]) for r in rows.values()
                    if isinstance(r.get("theme_id"), str)}
    out: dict[int, str] = {}
    for g in sorted(members, key=lambda g: (-sum(size[t] for t in members[g]), g)):
        auto = (str(themes.at[g, "label"]) if g in themes.index
                else label[max(members[g], key=lambda t: size[t])])
        if g in taken:
            theme_id = taken[g]
            old_label, source = theme_labels.get(theme_id, (auto, "auto"))
            if source == "auto" and not _shares_term(str(old_label), auto):
                event("theme_relabelled", theme_id, f"content drifted: {old_label!r} -> {auto!r}")
                old_label = auto
            elif source == "auto" and holds_generic_term(str(old_label)) and not holds_generic_term(auto):
                # A label kept from before voc dropped feeling words ("ปกติ / baht a month") names no issue.
                event("theme_relabelled", theme_id, f"label named no issue: {old_label!r} -> {auto!r}")
                old_label = auto
            theme_labels[theme_id] = (old_label, source)
        else:
            theme_id = f"{THEME_ID_PREFIX}{next_number:04d}"
            next_number += 1
            theme_labels[theme_id] = (auto, "auto")
            event("theme_new", theme_id, f"first seen; {sum(size[t] for t in members[g])} records")
        out[g] = theme_id
        for t in members[g]:
            rows[local_to_topic_id[t]]["theme_id"] = theme_id
    if taxonomy is not None:
        _apply_theme_edits(rows, taxonomy, theme_labels, previous, event)
    for r in rows.values():
        if isinstance(r.get("theme_id"), str):
            r["theme_label"], r["theme_label_source"] = theme_labels.get(r["theme_id"], (r["label"], "auto"))
    # After taxonomy edits a theme is where its biggest topic now is.
    return {g: rows[local_to_topic_id[max(members[g], key=lambda t: size[t])]]["theme_id"] for g in out}


def _shares_term(a: str, b: str) -> bool:
    return bool({t.strip().lower() for t in a.split(" / ")} & {t.strip().lower() for t in b.split(" / ")})


def _apply_theme_edits(
    rows: dict[str, dict], taxonomy: Taxonomy, theme_labels: dict, previous: dict[str, str], event
) -> None:
    """Apply theme merges and topic moves (every run: the fit may regroup); record each once, when it
    first changes where a topic stood before this run."""
    for merge in taxonomy.theme_merges:
        for source in merge.sources:
            moved = [tid for tid, r in rows.items() if r.get("theme_id") == source]
            for tid in moved:
                rows[tid]["theme_id"] = merge.into
            if any(previous.get(tid) != merge.into for tid in moved):
                theme_labels.setdefault(merge.into, theme_labels.get(source, (merge.into, "auto")))
                reason = f": {merge.reason}" if merge.reason else ""
                event("theme_merged", source, f"taxonomy: merged into {merge.into}{reason}")
    for topic_id, theme_id in taxonomy.moves.items():
        row = rows.get(topic_id)
        if row is None:
            log.warning("taxonomy moves %s, which is not in the registry; skipped", topic_id)
            continue
        if previous.get(topic_id) != theme_id:
            event("moved", topic_id, f"taxonomy: from theme {previous.get(topic_id)} to {theme_id}")
        row["theme_id"] = theme_id
        theme_labels.setdefault(theme_id, (row["label"], "auto"))
    for theme_id, new_label in taxonomy.theme_renames.items():
        old = theme_labels.get(theme_id)
        if old is None:
            log.warning("taxonomy renames theme %s, which is not in the registry; skipped", theme_id)
        elif old != (new_label, "taxonomy"):
            event("theme_renamed", theme_id, f"{old[0]!r} -> {new_label!r}")
            theme_labels[theme_id] = (new_label, "taxonomy")


def _refresh(row: dict, local_topic: dict, week: str) -> None:
    """Take the latest words and size; the id, label and first week never change here."""
    row["top_words"] = json.dumps(list(local_topic["top_words"]), ensure_ascii=False)
    row["representation"] = json.dumps(local_topic["representation"], ensure_ascii=False, sort_keys=True)
    row["last_seen_week"] = week
    row["size_last_fit"] = int(local_topic["size"])


def _apply_merges(rows: dict[str, dict], taxonomy: Taxonomy, event) -> None:
    for merge in taxonomy.merges:
        if merge.into not in rows:
            log.warning("taxonomy merges into %s, which is not in the registry; merge skipped", merge.into)
            continue
        for source in merge.sources:
            row = rows.get(source)
            if row is None:
                log.warning("taxonomy merges %s, which is not in the registry; skipped", source)
            elif row["status"] != "merged" or row["merged_into"] != merge.into:
                row["status"], row["merged_into"] = "merged", merge.into
                reason = f": {merge.reason}" if merge.reason else ""
                event("merged", source, f"taxonomy: merged into {merge.into}{reason}")


def _apply_renames(rows: dict[str, dict], taxonomy: Taxonomy, event) -> None:
    for topic_id, label in taxonomy.renames.items():
        row = rows.get(topic_id)
        if row is None:
            log.warning("taxonomy renames %s, which is not in the registry; skipped", topic_id)
        elif row["label"] != label or row["label_source"] != "taxonomy":
            event("renamed", topic_id, f"{row['label']!r} -> {label!r}")
            row["label"], row["label_source"] = label, "taxonomy"
