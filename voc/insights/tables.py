"""Weekly insight tables: what changed in a week, per topic, channel, language and segment.

Every table has an ``iso_week`` column, a fixed column list (also when empty), plain scalar
cells (breakdowns and lists are JSON text, Thai kept readable) and a deterministic row order,
so it stores in DuckDB and exports to CSV/XLSX as it is.

Counting rules: exact duplicates (``duplicate_of`` set) and near duplicates (``near_dup_of``
set) are left out of every count, so a message pasted five times counts once. Percentages are
0-100; ``net_sentiment`` is % positive minus % negative of the sentiment-scored records.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

from voc.insights.config import InsightsConfig
from voc.insights.drivers import DRIVER_COLUMNS, rating_drivers
from voc.insights.emerging import (
    NEGATIVE_STATISTIC,
    NEW_STATISTIC,
    VOLUME_STATISTIC,
    baseline_weeks_with_data,
    detect_emerging,
)
from voc.schema import OUTLIER_TOPIC_ID
from voc.weeks import parse_week, shift_week, week_bounds

ALL = "(all)"
"""Marker of a roll-up row in ``sentiment_week`` (every channel, language or segment)."""
NONE = "(none)"
"""Segment value of records that lack the segment field."""

_MIX = ["pct_positive", "pct_neutral", "pct_negative", "net_sentiment"]

SENTIMENT_WEEK_COLUMNS = [
    "iso_week", "channel", "language", "segment_field", "segment_value", "volume", "scored",
    *_MIX, "prev_volume", "change_abs", "change_pct", "prev_net_sentiment", "net_change",
]
EMERGING_TABLE_COLUMNS = [
    "iso_week", "topic_id", "topic_label", "signals", "is_new", "volume", "share_pct",
    "baseline_weeks", "baseline_weekly_mean", "expected_volume", "rate_ratio", "volume_statistic",
    "volume_p_value", "volume_q_value", "scored", "negative_share", "baseline_negative_share",
    "negative_statistic", "negative_p_value", "negative_q_value", "min_volume", "alpha",
    "top_terms", "quotes",
]
DRIVERS_TABLE_COLUMNS = ["iso_week", "window_start", "source", "topic_id", "topic_label",
                         *DRIVER_COLUMNS[2:], "confidence"]
DATA_QUALITY_COLUMNS = [
    "iso_week", "source", "status", "read", "accepted", "duplicates", "quarantined", "error",
    "records_in_week", "exact_duplicates", "near_duplicates", "counted", "languages",
    "pct_scored", "pct_with_topic",
]
SUMMARY_COLUMNS = [
    "iso_week", "week_start", "week_end", "records", "prev_records", "change_abs", "change_pct",
    "scored", *_MIX, "prev_net_sentiment", "net_change", "rated", "mean_rating", "topics",
    "new_topics", "emerging_topics", "exact_duplicates", "near_duplicates", "sources_ok",
    "sources_failed", "is_partial", "missing_sources", "data_status", "data_note",
    "history_weeks", "weekly_volume", "weekly_net_sentiment", "baseline_weeks", "min_volume",
    "alpha", "multiple_testing", "volume_basis",
]


def topic_week_columns(config: InsightsConfig) -> list[str]:
    """Columns of ``topic_week``; the quote columns follow ``quotes_per_topic``."""
    return [
        "iso_week", "topic_id", "topic_label", "volume", "share_pct", "prev_volume",
        "change_abs", "change_pct", "trend", "trend_slope", "scored", *_MIX, "rated",
        "mean_rating", "top_terms", *[f"quote_{i + 1}" for i in range(config.quotes_per_topic)],
        "by_channel", "by_language", "is_new", "is_emerging",
    ]


def build_weekly_tables(
    week: str,
    records: pd.DataFrame,
    topics: pd.DataFrame,
    run_log: pd.DataFrame,
    config: InsightsConfig,
) -> dict[str, pd.DataFrame]:
    """All insight tables of ``week`` from its enriched records and the trailing weeks'.

    Args:
        week: The report week, like ``2026-W47``.
        records: Enriched records (``voc.schema.ENRICHED_COLUMNS``) of the week and the
            ``history_weeks`` before it; records of other weeks are ignored.
        topics: The topic registry (``topic_id``, ``label``, ``top_words``, ``first_seen_week``,
            ``status``, ``merged_into``).
        run_log: This week's run log rows (``voc.schema.RUN_LOG_COLUMNS``).
        config: The ``insights`` config section.

    Returns:
        Tables ``topic_week``, ``sentiment_week``, ``emerging_topics``, ``drivers``,
        ``data_quality`` and a one-row ``summary``.
    """
    parse_week(week)  # fail early, with the bad value, on a malformed week
    ctx = _Context(week, records, topics, config)
    emerging = ctx.emerging()
    topic_week = ctx.topic_week(emerging)
    data_quality = _data_quality(week, ctx.window_records, run_log)
    tables = {
        "topic_week": topic_week,
        "sentiment_week": ctx.sentiment_week(),
        "emerging_topics": ctx.emerging_table(emerging, topic_week),
        "drivers": ctx.drivers(),
        "data_quality": data_quality,
    }
    tables["summary"] = ctx.summary(topic_week, tables["emerging_topics"], data_quality)
    from voc.insights.themes import theme_week_table

    tables["theme_week"] = theme_week_table(week, records, topics, config)
    from voc.insights.breakdowns import theme_breakdown_tables

    tables.update(theme_breakdown_tables(week, records, topics, config))
    return tables


def topic_history(
    week: str, records: pd.DataFrame, topics: pd.DataFrame, config: InsightsConfig
) -> pd.DataFrame:
    """Per week and topic over the loaded window: ``volume`` and ``net_sentiment`` (report trends)."""
    ctx = _Context(week, records, topics, config)
    c = ctx.counts
    out = c[["iso_week", "topic_id", "volume"]].copy()
    out["topic_label"] = [ctx.label(t) for t in out["topic_id"]]
    out["net_sentiment"] = _net(c["positive"], c["negative"], c["scored"])
    return out.sort_values(["iso_week", "topic_id"]).reset_index(drop=True)[
        ["iso_week", "topic_id", "topic_label", "volume", "net_sentiment"]
    ]


class _Context:
    """One week's records, prepared once and shared by the table builders."""

    def __init__(
        self, week: str, records: pd.DataFrame, topics: pd.DataFrame, config: InsightsConfig
    ) -> None:
        self.week = week
        self.prev = shift_week(week, -1)
        self.config = config
        self.weeks = [shift_week(week, -k) for k in range(config.history_weeks, 0, -1)] + [week]
        self.registry = _registry(topics)
        df = records[records["iso_week"].isin(self.weeks)] if len(records) else records
        df = _with_defaults(df)[list(_DEFAULTS)]
        df["topic_id"] = [self._resolve(t) for t in df["topic_id"]]
        self.window_records = df
        self.counted = df[~(_present(df["duplicate_of"]) | _present(df["near_dup_of"]))]
        self.week_totals = self.counted.groupby("iso_week").size().to_dict()
        self.cur = self.counted[self.counted["iso_week"] == week]
        self.counts = _topic_counts(self.counted)
        self._labels = self._record_labels()

    # -- topics -------------------------------------------------------------------------
    def _resolve(self, tid: object) -> str | None:
        """Follow ``merged_into`` so a merged topic's history counts under its survivor."""
        if not isinstance(tid, str) or tid == "":
            return None
        seen = set()
        while tid in self.registry and self.registry[tid].get("merged_into") and tid not in seen:
            seen.add(tid)
            tid = self.registry[tid]["merged_into"]
        return tid

    def _record_labels(self) -> dict[str, str]:
        labels: dict[str, str] = {}
        with_label = self.counted[_present(self.counted["topic_label"]) & self.counted["topic_id"].notna()]
        # Latest week's most common label wins: labels may be renamed between runs.
        for tid, group in with_label.sort_values("iso_week").groupby("topic_id"):
            last = group[group["iso_week"] == group["iso_week"].iloc[-1]]
            labels[tid] = last["topic_label"].value_counts().sort_index().idxmax()
        return labels

    def label(self, tid: str) -> str:
        reg = self.registry.get(tid, {}).get("label")
        return reg if reg else self._labels.get(tid, tid)

    def is_new(self, tid: str) -> bool:
        first = self.registry.get(tid, {}).get("first_seen_week")
        if first:
            return first == self.week
        # Not in the registry: new if no earlier week of the loaded window holds it.
        earlier = self.counts[(self.counts["topic_id"] == tid) & (self.counts["iso_week"] != self.week)]
        return tid != OUTLIER_TOPIC_ID and earlier.empty

    def top_terms(self, tid: str) -> str:
        words = self.registry.get(tid, {}).get("top_words") or []
        if not words:
            tokens = self.cur.loc[self.cur["topic_id"] == tid, "topic_tokens"].dropna()
            counter = Counter(t for line in tokens for t in str(line).split())
            words = [w for w, _ in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
        return ", ".join(str(w) for w in words[: self.config.top_terms])

    def quotes(self, tid: str) -> list[str]:
        """Representative quotes: confident assignments of readable length, no repeats."""
        group = self.cur[self.cur["topic_id"] == tid]
        return pick_quotes(group, self.config.quotes_per_topic, self.config.quote_max_chars)

    # -- tables -------------------------------------------------------------------------
    def emerging(self) -> pd.DataFrame:
        new = {t for t in self.counts.loc[self.counts["iso_week"] == self.week, "topic_id"] if self.is_new(t)}
        return detect_emerging(self.week, self.counts, self.week_totals, new, self.config)

    def topic_week(self, emerging: pd.DataFrame) -> pd.DataFrame:
        cfg = self.config
        cols = topic_week_columns(cfg)
        total = len(self.cur)
        by_week = self.counts.pivot_table(
            index="topic_id", columns="iso_week", values="volume", aggfunc="sum", fill_value=0
        )
        cur = self.counts[self.counts["iso_week"] == self.week].set_index("topic_id")
        prev_ids = self.counts.loc[self.counts["iso_week"] == self.prev, "topic_id"]
        ids = sorted(set(cur.index) | set(prev_ids))
        trend_weeks = [shift_week(self.week, -k) for k in range(cfg.trend_weeks - 1, -1, -1)]
        flagged = dict(zip(emerging["topic_id"], emerging["is_emerging"]))
        rows = []
        for tid in ids:
            c = cur.loc[tid] if tid in cur.index else None
            series = [int(by_week.at[tid, w]) if w in by_week.columns else 0 for w in trend_weeks]
            vol, prev = series[-1], series[-2]
            group = self.cur[self.cur["topic_id"] == tid]
            mix = _mix(c)
            row = {
                "iso_week": self.week, "topic_id": tid, "topic_label": self.label(tid),
                "volume": vol, "share_pct": _pct(vol, total), "prev_volume": prev,
                "change_abs": vol - prev, "change_pct": _change_pct(vol, prev),
                "trend": json.dumps(series), "trend_slope": _slope(series),
                "scored": int(c["scored"]) if c is not None else 0, **mix,
                "rated": int(c["rated"]) if c is not None else 0,
                "mean_rating": (float(c["rating_sum"] / c["rated"]) if c is not None and c["rated"] else math.nan),
                "top_terms": self.top_terms(tid),
                "by_channel": _breakdown(group["channel"]),
                "by_language": _breakdown(group["language"]),
                "is_new": bool(vol > 0 and self.is_new(tid)),
                "is_emerging": bool(flagged.get(tid, False)),
            }
            quotes = self.quotes(tid)
            for i in range(cfg.quotes_per_topic):
                row[f"quote_{i + 1}"] = quotes[i] if i < len(quotes) else ""
            rows.append(row)
        out = pd.DataFrame(rows, columns=cols)
        # Biggest first; the outlier bucket last, since a PM cannot act on "other".
        out["_other"] = out["topic_id"] == OUTLIER_TOPIC_ID
        out = out.sort_values(["_other", "volume", "topic_id"], ascending=[True, False, True])
        return _clean(out.drop(columns="_other"), cols)

    def emerging_table(self, emerging: pd.DataFrame, topic_week: pd.DataFrame) -> pd.DataFrame:
        cfg = self.config
        flagged = emerging[emerging["is_emerging"]].copy()
        tw = topic_week.set_index("topic_id")
        flagged["iso_week"] = self.week
        flagged["topic_label"] = [self.label(t) for t in flagged["topic_id"]]
        flagged["share_pct"] = [_pct(v, len(self.cur)) for v in flagged["volume"]]
        flagged["volume_statistic"] = np.where(flagged["is_new"], NEW_STATISTIC, VOLUME_STATISTIC)
        flagged["negative_statistic"] = np.where(
            flagged["negative_p_value"].notna(), NEGATIVE_STATISTIC, ""
        )
        flagged["min_volume"] = cfg.min_volume
        flagged["alpha"] = cfg.alpha
        flagged["top_terms"] = [tw.at[t, "top_terms"] if t in tw.index else "" for t in flagged["topic_id"]]
        flagged["quotes"] = [json.dumps(self.quotes(t), ensure_ascii=False) for t in flagged["topic_id"]]
        # Strongest evidence first: smallest q-value of either test, then size.
        flagged["_q"] = flagged[["volume_q_value", "negative_q_value"]].min(axis=1).fillna(0.0)
        flagged = flagged.sort_values(["_q", "volume", "topic_id"], ascending=[True, False, True])
        return _clean(flagged, EMERGING_TABLE_COLUMNS)

    def sentiment_week(self) -> pd.DataFrame:
        two = self.counted[self.counted["iso_week"].isin([self.week, self.prev])]
        # Only the few columns the grouping needs: copying wide text frames dominates otherwise.
        base = pd.DataFrame({
            "iso_week": two["iso_week"].astype(object).to_numpy(),
            "channel": two["channel"].astype(object).fillna(NONE).to_numpy(),
            "language": two["language"].astype(object).fillna(NONE).to_numpy(),
            "volume": 1,
            **{k: (two["sentiment"] == k).astype(int).to_numpy() for k in ("positive", "neutral", "negative")},
        })
        base["scored"] = base["positive"] + base["neutral"] + base["negative"]
        segs = [_segments(v) for v in two["segments"]]
        frames = []
        for field in [None, *self.config.segment_fields]:
            base["segment_field"] = ALL if field is None else field
            base["segment_value"] = ALL if field is None else [
                str(sg.get(field)) if sg.get(field) not in (None, "") else NONE for sg in segs
            ]
            for keys in ([], ["channel"], ["language"], ["channel", "language"]):
                frames.append(_sentiment_groups(base, keys, self.week, self.prev))
        out = pd.concat(frames, ignore_index=True)
        out = out[out["volume"] > 0]
        field_order = {f: i for i, f in enumerate([ALL, *self.config.segment_fields])}
        out = out.assign(
            _f=out["segment_field"].map(field_order),
            _c=out["channel"] != ALL, _l=out["language"] != ALL, _s=out["segment_value"] != ALL,
        ).sort_values(["_f", "_s", "segment_value", "_c", "channel", "_l", "language"])
        return _clean(out, SENTIMENT_WEEK_COLUMNS)

    def drivers(self) -> pd.DataFrame:
        # Rated records are few per week; pooling a few weeks gives usable intervals.
        window = [shift_week(self.week, -k) for k in range(self.config.driver_weeks)]
        start = window[-1]
        rated = self.counted[self.counted["iso_week"].isin(window) & self.counted["rating"].notna()]
        out = rating_drivers(rated[["source", "topic_id", "rating"]], self.config.confidence,
                             self.config.driver_min_records)
        out["iso_week"] = self.week
        out["window_start"] = start
        out["confidence"] = self.config.confidence
        out["topic_label"] = [self.label(t) for t in out["topic_id"]]
        return _clean(out, DRIVERS_TABLE_COLUMNS)

    def summary(self, topic_week: pd.DataFrame, emerging: pd.DataFrame, dq: pd.DataFrame) -> pd.DataFrame:
        cfg = self.config
        cur, prev = self.cur, self.counted[self.counted["iso_week"] == self.prev]
        mix = _mix(_sentiment_counts(cur))
        prev_mix = _mix(_sentiment_counts(prev))
        failed = dq.loc[dq["status"] == "failed", "source"].tolist()
        start, end = week_bounds(self.week)
        status, note = self._data_status(len(cur), failed)
        weekly = [int(self.week_totals.get(w, 0)) for w in self.weeks]
        weekly_net = [
            _mix(_sentiment_counts(self.counted[self.counted["iso_week"] == w]))["net_sentiment"]
            for w in self.weeks
        ]
        exact = self.window_records[
            (self.window_records["iso_week"] == self.week) & _present(self.window_records["duplicate_of"])
        ]
        near = self.window_records[
            (self.window_records["iso_week"] == self.week)
            & _present(self.window_records["near_dup_of"])
            & ~_present(self.window_records["duplicate_of"])
        ]
        rated = cur["rating"].dropna()
        row = {
            "iso_week": self.week, "week_start": start.date().isoformat(),
            "week_end": (end.date() - pd.Timedelta(days=1)).isoformat(),
            "records": len(cur), "prev_records": len(prev), "change_abs": len(cur) - len(prev),
            "change_pct": _change_pct(len(cur), len(prev)), "scored": int(cur["sentiment"].isin(
                ["positive", "neutral", "negative"]).sum()), **mix,
            "prev_net_sentiment": prev_mix["net_sentiment"],
            "net_change": round(mix["net_sentiment"] - prev_mix["net_sentiment"], 1),
            "rated": len(rated), "mean_rating": float(rated.mean()) if len(rated) else math.nan,
            "topics": int((topic_week["volume"] > 0).sum() - (topic_week.loc[
                topic_week["topic_id"] == OUTLIER_TOPIC_ID, "volume"] > 0).sum()),
            "new_topics": int(topic_week["is_new"].sum()), "emerging_topics": len(emerging),
            "exact_duplicates": len(exact), "near_duplicates": len(near),
            "sources_ok": int((dq["status"] == "ok").sum()), "sources_failed": len(failed),
            "is_partial": bool(failed), "missing_sources": ", ".join(failed),
            "data_status": status, "data_note": note,
            "history_weeks": json.dumps(self.weeks), "weekly_volume": json.dumps(weekly),
            "weekly_net_sentiment": json.dumps([None if math.isnan(v) else v for v in weekly_net]),
            "baseline_weeks": len(baseline_weeks_with_data(self.week, self.week_totals, cfg)),
            "min_volume": cfg.min_volume, "alpha": cfg.alpha,
            "multiple_testing": cfg.multiple_testing, "volume_basis": cfg.volume_basis,
        }
        return _clean(pd.DataFrame([row]), SUMMARY_COLUMNS)

    def _data_status(self, n: int, failed: list[str]) -> tuple[str, str]:
        """``ok`` / ``low`` / ``empty`` and one sentence a reader of the report understands."""
        notes = []
        if n == 0:
            status = "empty"
            notes.append(f"No customer records in {self.week}: there is nothing to report this week.")
        elif n < self.config.low_volume:
            status = "low"
            notes.append(
                f"Only {n} records in {self.week} (fewer than {self.config.low_volume}): "
                "changes and shares are unreliable, and topics under "
                f"{self.config.min_volume} records are not tested for emergence."
            )
        else:
            status = "ok"
        base = baseline_weeks_with_data(self.week, self.week_totals, self.config)
        if n and len(base) < self.config.min_baseline_weeks:
            notes.append(
                f"Only {len(base)} earlier week(s) with data: rises cannot be tested "
                f"until {self.config.min_baseline_weeks} baseline weeks exist; only new topics are listed."
            )
        if failed:
            notes.append(
                "PARTIAL week: source(s) " + ", ".join(failed) + " failed to load; "
                "their records are missing from every figure."
            )
        return status, " ".join(notes)


# -- helpers ------------------------------------------------------------------------------


def pick_quotes(group: pd.DataFrame, n: int, max_chars: int) -> list[str]:
    """Up to ``n`` distinct quotes of a topic: confident, readable length, stable order."""
    if n == 0 or group.empty:
        return []
    text = group["text"].where(_present(group["text"]), group["text_clean"]).fillna("")
    text = text.astype(str).str.strip()
    length = text.str.len()
    frame = pd.DataFrame({
        "text": text,
        # 20-max_chars characters reads as a sentence; shorter is often "ok", longer is cut.
        "readable": (length >= 20) & (length <= max_chars),
        "prob": group["topic_probability"].astype(float).fillna(0.0),
        "record_id": group["record_id"].astype(str),
    })
    frame = frame[frame["text"] != ""].sort_values(
        ["readable", "prob", "record_id"], ascending=[False, False, True]
    )
    out: list[str] = []
    seen: set[str] = set()
    for t in frame["text"]:
        key = " ".join(t.lower().split())
        if key in seen:
            continue
        seen.add(key)
        out.append(t if len(t) <= max_chars else t[: max_chars - 1].rstrip() + "…")
        if len(out) == n:
            break
    return out


def _registry(topics: pd.DataFrame) -> dict[str, dict]:
    reg: dict[str, dict] = {}
    if topics is None or topics.empty or "topic_id" not in topics:
        return reg
    for row in topics.to_dict("records"):
        words = row.get("top_words")
        if isinstance(words, str):
            try:
                words = json.loads(words)
            except json.JSONDecodeError:
                words = [w.strip() for w in words.split(",") if w.strip()]
        merged = row.get("merged_into")
        reg[str(row["topic_id"])] = {
            "label": row.get("label") if isinstance(row.get("label"), str) else None,
            "top_words": list(words) if isinstance(words, (list, tuple)) else [],
            "first_seen_week": row.get("first_seen_week") if isinstance(row.get("first_seen_week"), str) else None,
            "merged_into": merged if isinstance(merged, str) and merged and row.get("status") == "merged" else None,
        }
    return reg


_DEFAULTS = {
    "record_id": None, "source": None, "channel": None, "iso_week": None, "text": None,
    "rating": np.nan, "segments": None, "duplicate_of": None, "language": None,
    "text_clean": None, "topic_tokens": None, "near_dup_of": None, "sentiment": None,
    "topic_id": None, "topic_label": None, "topic_probability": np.nan,
}


def _with_defaults(df: pd.DataFrame) -> pd.DataFrame:
    """Add missing optional columns so partial enrichments (no sentiment yet...) still work."""
    df = df.copy()
    for col, default in _DEFAULTS.items():
        if col not in df.columns:
            df[col] = default
    df["rating"] = pd.to_numeric(df["rating"], errors="coerce").astype(float)
    df["topic_id"] = df["topic_id"].astype(object)
    return df


def _present(s: pd.Series) -> pd.Series:
    """True where a nullable text column holds a value ('' counts as empty)."""
    return s.notna() & (s.astype(object).fillna("").astype(str) != "")


def _topic_counts(counted: pd.DataFrame) -> pd.DataFrame:
    cols = ["iso_week", "topic_id", "volume", "scored", "positive", "neutral", "negative",
            "rated", "rating_sum"]
    d = counted[counted["topic_id"].notna()]
    if d.empty:
        return pd.DataFrame(columns=cols).astype({c: "int64" for c in cols[2:]})
    d = d.assign(
        volume=1,
        positive=(d["sentiment"] == "positive").astype(int),
        neutral=(d["sentiment"] == "neutral").astype(int),
        negative=(d["sentiment"] == "negative").astype(int),
        rated=d["rating"].notna().astype(int),
        rating_sum=d["rating"].fillna(0.0),
    )
    d["scored"] = d["positive"] + d["neutral"] + d["negative"]
    out = d.groupby(["iso_week", "topic_id"], as_index=False)[cols[2:]].sum()
    return out.sort_values(["iso_week", "topic_id"]).reset_index(drop=True)


def _sentiment_counts(d: pd.DataFrame) -> dict:
    s = d["sentiment"]
    pos, neu, neg = (int((s == k).sum()) for k in ("positive", "neutral", "negative"))
    return {"positive": pos, "neutral": neu, "negative": neg, "scored": pos + neu + neg}


def _mix(c) -> dict:
    """Sentiment mix (percent of scored records) and net sentiment from counts."""
    if c is None or not c["scored"]:
        return {k: math.nan for k in _MIX}
    scored = c["scored"]
    mix = {f"pct_{k}": round(100.0 * c[k] / scored, 1) for k in ("positive", "neutral", "negative")}
    mix["net_sentiment"] = round(100.0 * (c["positive"] - c["negative"]) / scored, 1)
    return mix


def _net(pos: pd.Series, neg: pd.Series, scored: pd.Series) -> pd.Series:
    return (100.0 * (pos - neg) / scored.where(scored > 0)).round(1)


def _sentiment_groups(base: pd.DataFrame, keys: list[str], week: str, prev: str) -> pd.DataFrame:
    """Volume and mix of ``week`` per group of ``keys`` (other dimensions rolled up), vs ``prev``."""
    dims = ["channel", "language", "segment_field", "segment_value"]
    group_by = ["iso_week", *keys, "segment_field", "segment_value"]
    agg = base.groupby(group_by, as_index=False)[
        ["volume", "scored", "positive", "neutral", "negative"]
    ].sum()
    for k in ("channel", "language"):
        if k not in keys:
            agg[k] = ALL
    cur = agg[agg["iso_week"] == week].set_index(dims)
    before = agg[agg["iso_week"] == prev].set_index(dims)
    index = cur.index.union(before.index)
    cur = cur.reindex(index)
    before = before.reindex(index)
    out = pd.DataFrame(index=index).reset_index()
    out["iso_week"] = week
    out["volume"] = cur["volume"].fillna(0).astype(int).to_numpy()
    out["scored"] = cur["scored"].fillna(0).astype(int).to_numpy()
    for k in ("positive", "neutral", "negative"):
        out[f"pct_{k}"] = (100.0 * cur[k] / cur["scored"].where(cur["scored"] > 0)).round(1).to_numpy()
    out["net_sentiment"] = _net(cur["positive"], cur["negative"], cur["scored"]).to_numpy()
    out["prev_volume"] = before["volume"].fillna(0).astype(int).to_numpy()
    out["change_abs"] = out["volume"] - out["prev_volume"]
    out["change_pct"] = [_change_pct(a, b) for a, b in zip(out["volume"], out["prev_volume"])]
    out["prev_net_sentiment"] = _net(before["positive"], before["negative"], before["scored"]).to_numpy()
    out["net_change"] = (out["net_sentiment"] - out["prev_net_sentiment"]).round(1)
    return out


def _data_quality(week: str, window: pd.DataFrame, run_log: pd.DataFrame) -> pd.DataFrame:
    rows: dict[str, dict] = {}
    if run_log is not None and not run_log.empty:
        log = run_log.copy()
        if "iso_week" in log:
            # Ad hoc ingests (NULL week) still describe the sources; other weeks do not.
            log = log[log["iso_week"].isna() | (log["iso_week"] == week)]
        if "finished_at" in log:
            log = log.sort_values("finished_at", na_position="first", kind="stable")
        for r in log.to_dict("records"):  # a rerun's later row replaces the earlier one
            rows[str(r["source"])] = {
                "status": r.get("status") or "ok",
                **{k: _int_or_nan(r.get(k)) for k in ("read", "accepted", "duplicates", "quarantined")},
                "error": r.get("error") if isinstance(r.get("error"), str) else "",
            }
    wk = window[window["iso_week"] == week] if len(window) else window
    for source in sorted(set(wk["source"].dropna().astype(str)) - set(rows)):
        rows[source] = {"status": "no run log", "read": math.nan, "accepted": math.nan,
                        "duplicates": math.nan, "quarantined": math.nan, "error": ""}
    out = []
    for source in sorted(rows):
        d = wk[wk["source"].astype(str) == source]
        exact = _present(d["duplicate_of"])
        near = _present(d["near_dup_of"]) & ~exact
        counted = d[~exact & ~near]
        n = len(counted)
        out.append({
            "iso_week": week, "source": source, **rows[source],
            "records_in_week": len(d), "exact_duplicates": int(exact.sum()),
            "near_duplicates": int(near.sum()), "counted": n,
            "languages": _breakdown(counted["language"]),
            "pct_scored": _pct(int(counted["sentiment"].isin(["positive", "neutral", "negative"]).sum()), n),
            "pct_with_topic": _pct(int(counted["topic_id"].notna().sum()), n),
        })
    return _clean(pd.DataFrame(out, columns=DATA_QUALITY_COLUMNS), DATA_QUALITY_COLUMNS)


def _segments(value: object) -> dict:
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or not value.strip():
        return {}
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _breakdown(values: Iterable) -> str:
    """JSON object value -> count, biggest first (Thai kept readable)."""
    counts = Counter("unknown" if not isinstance(v, str) or not v else v for v in values)
    ordered = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return json.dumps(ordered, ensure_ascii=False)


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else math.nan


def _change_pct(cur: float, prev: float) -> float:
    """Percent change; NaN when there is nothing to compare with (prev = 0)."""
    return round(100.0 * (cur - prev) / prev, 1) if prev else math.nan


def _slope(series: list[int]) -> float:
    """Least-squares change per week over the trend window."""
    if len(series) < 2:
        return math.nan
    x = np.arange(len(series), dtype=float)
    return round(float(np.polyfit(x, np.asarray(series, float), 1)[0]), 2)


def _int_or_nan(v: object) -> float:
    try:
        return math.nan if v is None or (isinstance(v, float) and math.isnan(v)) else int(v)
    except (TypeError, ValueError):
        return math.nan


def _clean(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Exactly ``cols``, in order, fresh index; missing columns come back empty."""
    for c in cols:
        if c not in df.columns:
            df[c] = pd.Series(dtype=object)
    return df[cols].reset_index(drop=True)
