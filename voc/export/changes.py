"""What changed this week, in plain words: sentences built from the week's tables, each with its evidence.

Every number in a sentence is read from a table (``summary``, ``theme_week``, ``theme_impact``,
``quote_week``, ``data_quality``, ``sentiment_model_week``), never recomputed here, so the summary
and the tables below it agree. A sentence about a theme carries one of its quotes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import pandas as pd

from voc.export.i18n import Locale, number
from voc.schema import OUTLIER_TOPIC_ID

MIN_MOVE = 3
"""A theme's week-on-week change in messages must be at least this to be called a mover."""
MIN_NEGATIVE_POINTS = 10.0
"""A change in negative share (points) worth a sentence..."""
MIN_NEGATIVE_VOLUME = 10
"""...for a theme with at least this many messages in both weeks."""


@dataclass
class Sentence:
    """One plain-language finding: what kind, the words, the counts it rests on, and a quote."""

    kind: str
    text: str
    evidence: dict[str, object] = field(default_factory=dict)
    quote: dict[str, object] | None = None
    theme_id: str | None = None


def ratings_by_scale(tables: dict[str, pd.DataFrame]) -> list[dict]:
    """This week's rating per scale: ``{scale, mean | nps, n, prev, sources}``; never one mean across scales.

    Read from the per-scale table (``rating_week``: ``rating_scale``, ``rated``, ``mean_rating`` or ``nps``,
    ``prev_mean_rating`` / ``prev_nps``, ``sources``) when the insights build one; otherwise the summary's
    one mean, labelled as all rated sources.
    """
    table = tables.get("rating_week")
    if table is not None and not table.empty:
        scale_col = "rating_scale" if "rating_scale" in table else "scale"
        out = []
        for r in table.to_dict("records"):
            entry: dict[str, object] = {
                "scale": str(r.get(scale_col) or "unknown"),
                "n": _int(r.get("rated")),
                "sources": r.get("sources") or None,
            }
            if not math.isnan(number(r.get("nps"))):
                entry.update(nps=number(r["nps"]), prev=number(r.get("prev_nps")))
            else:
                entry.update(mean=number(r.get("mean_rating")), prev=number(r.get("prev_mean_rating")))
            out.append(entry)
        return out
    s = _summary(tables)
    n = number(s.get("rated"))
    if math.isnan(n) or n <= 0:
        return []
    return [{"scale": None, "mean": number(s.get("mean_rating")), "n": int(n), "prev": math.nan}]


def scale_name(scale: object, loc: Locale) -> str:
    """A rating scale in words: ``stars_1_5`` -> "Stars 1–5"; ``custom_0_100`` -> "Rating 0–100"."""
    if scale in (None, ""):
        return loc.t("all_sources")
    text = str(scale)
    parts = text.split("_")
    if len(parts) >= 3 and parts[-2].lstrip("-").replace(".", "").isdigit() and parts[-1].replace(".", "").isdigit():
        kind = "_".join(parts[:-2])
        words = loc.words.get(f"scale_{kind}", loc.t("scale_custom"))
        return f"{words} {parts[-2]}–{parts[-1]}"
    return text


def what_changed(tables: dict[str, pd.DataFrame], loc: Locale) -> list[Sentence]:
    """The week's findings, most important first: sources, volume, movers, new, emerging, sentiment, ratings."""
    s = _summary(tables)
    if not s:
        return []
    themes = _frame(tables, "theme_week")
    themes = themes[themes["theme_id"] != OUTLIER_TOPIC_ID] if not themes.empty else themes
    impact = _frame(tables, "theme_impact")
    impact = impact.set_index("theme_id") if not impact.empty else impact
    quotes = _frame(tables, "quote_week")
    out: list[Sentence] = []

    dq = _frame(tables, "data_quality")
    for r in dq.to_dict("records") if not dq.empty else []:
        if r.get("status") in ("ok", None):
            continue
        key = "s_source_failed" if r["status"] == "failed" else "s_source_partial"
        out.append(
            Sentence(
                "source",
                loc.t(
                    key,
                    source=r["source"],
                    error=r.get("error") or loc.t("status_" + ("failed" if r["status"] == "failed" else "partial")),
                ),
                {"source": r["source"], "status": r["status"], "read": _int(r.get("read"))},
            )
        )

    n, prev = _int(s.get("records")), _int(s.get("prev_records"))
    if prev:
        text = loc.t("s_volume", n=loc.whole(n), change=_change(loc, n - prev, prev), prev=loc.whole(prev))
    else:
        text = loc.t("s_volume_first", n=loc.whole(n))
    out.append(Sentence("volume", text, {"records": n, "prev_records": prev}))

    movers = themes[themes["volume"].notna()] if not themes.empty else themes
    if not movers.empty:
        up = movers.sort_values(["change_abs", "volume", "theme_id"], ascending=[False, False, True]).iloc[0]
        if number(up["change_abs"]) >= MIN_MOVE:
            out.append(_theme_sentence(loc, "up", "s_up", up, quotes))
        down = movers.sort_values(["change_abs", "volume", "theme_id"], ascending=[True, False, True]).iloc[0]
        if number(down["change_abs"]) <= -MIN_MOVE:
            out.append(_theme_sentence(loc, "down", "s_down", down, quotes))

    if not impact.empty:
        neg = impact[
            (impact.index != OUTLIER_TOPIC_ID)
            & (impact["volume"] >= MIN_NEGATIVE_VOLUME)
            & (impact["prev_volume"] >= MIN_NEGATIVE_VOLUME)
            & impact["negative_change"].notna()
        ]
        if not neg.empty:
            worst = neg.sort_values(["negative_change", "volume"], ascending=[False, False]).iloc[0]
            if number(worst["negative_change"]) >= MIN_NEGATIVE_POINTS:
                out.append(_negative_sentence(loc, "neg_up", "s_neg_up", worst, quotes))
            best = neg.sort_values(["negative_change", "volume"], ascending=[True, False]).iloc[0]
            if number(best["negative_change"]) <= -MIN_NEGATIVE_POINTS:
                out.append(_negative_sentence(loc, "neg_down", "s_neg_down", best, quotes))

    new = themes[themes["is_new"].astype(bool)] if not themes.empty else themes
    for r in new.to_dict("records"):
        out.append(
            Sentence(
                "new",
                loc.count("s_new", _int(r["volume"]), theme=r["theme_label"]),
                {"volume": _int(r["volume"])},
                _quote(quotes, r["theme_id"]),
                r["theme_id"],
            )
        )
    if new.empty:
        out.append(Sentence("new", loc.t("s_new_none"), {"new_themes": 0}))

    emerging = (
        themes[themes["is_emerging"].astype(bool) & ~themes["is_new"].astype(bool)] if not themes.empty else themes
    )
    for r in emerging.to_dict("records"):
        signals = [x for x in str(r.get("emerging_signals") or "").split(",") if x]
        if "volume" in signals or not signals:
            # the usual level is the emerging test's: the mean over earlier weeks that hold data (a week
            # before the first data is a gap, not a quiet week); tables from before it was kept: the trend's
            n_base = number(r.get("baseline_weeks"))
            if not math.isnan(number(r.get("baseline_weekly_mean"))):
                usual, n_before = number(r.get("baseline_weekly_mean")), int(n_base)
            else:
                before = [int(v) for v in json_list(r.get("trend"))][:-1]
                usual, n_before = (sum(before) / len(before) if before else math.nan), len(before)
            text = loc.t(
                "s_emerging_volume",
                theme=r["theme_label"],
                n=loc.whole(r["volume"]),
                usual=loc.num(usual, 0 if usual >= 10 or math.isnan(usual) else 1),
            )
            evidence: dict[str, object] = {
                "volume": _int(r["volume"]),
                "usual_per_week": None if math.isnan(usual) else round(usual, 1),
                "baseline_weeks": n_before,
            }
            out.append(Sentence("emerging", text, evidence, _quote(quotes, r["theme_id"]), r["theme_id"]))
        else:
            i = impact.loc[r["theme_id"]] if not impact.empty and r["theme_id"] in impact.index else {}
            text = loc.t(
                "s_emerging_negative",
                theme=r["theme_label"],
                neg=loc.pct(r.get("pct_negative")),
                prev=loc.pct(i.get("prev_pct_negative") if len(i) else math.nan),
            )
            out.append(
                Sentence(
                    "emerging",
                    text,
                    {"pct_negative": number(r.get("pct_negative"))},
                    _quote(quotes, r["theme_id"], negative=True),
                    r["theme_id"],
                )
            )
    if emerging.empty and new.empty:
        out.append(Sentence("emerging", loc.t("s_emerging_none"), {"emerging_themes": 0}))

    scored = _int(s.get("scored"))
    if scored:
        out.append(
            Sentence(
                "sentiment",
                loc.t(
                    "s_sentiment",
                    net=loc.signed(s.get("net_sentiment")),
                    change=loc.signed(s.get("net_change")),
                    pos=loc.pct(s.get("pct_positive")),
                    neg=loc.pct(s.get("pct_negative")),
                    n=loc.whole(scored),
                ),
                {
                    "net_sentiment": number(s.get("net_sentiment")),
                    "net_change": number(s.get("net_change")),
                    "scored": scored,
                },
            )
        )
    for r in ratings_by_scale(tables):
        scale = scale_name(r["scale"], loc) + (f" ({r['sources']})" if r.get("sources") else "")
        has_prev = not math.isnan(number(r.get("prev")))
        if "nps" in r:
            key = "s_rating_nps" if has_prev else "s_rating_nps_first"
            text = loc.t(
                key, scale=scale, nps=loc.signed(r["nps"], 0), n=loc.whole(r["n"]), prev=loc.signed(r.get("prev"), 0)
            )
        else:
            key = "s_rating_mean" if has_prev else "s_rating_mean_first"
            text = loc.t(
                key, scale=scale, mean=loc.num(r["mean"], 2), n=loc.whole(r["n"]), prev=loc.num(r.get("prev"), 2)
            )
        out.append(Sentence("rating", text, dict(r)))

    models = _frame(tables, "sentiment_model_week")
    if not models.empty:
        names = ", ".join(str(m) for m in models["sentiment_model"])
        out.append(
            Sentence(
                "model",
                loc.t("s_model", model=names),
                # one count per model, named by the model: "default-routed@v2 = 642"
                {str(m): _int(c) for m, c in zip(models["sentiment_model"], models["records"], strict=False)},
            )
        )
    return out


def _theme_sentence(loc: Locale, kind: str, key: str, r: pd.Series, quotes: pd.DataFrame) -> Sentence:
    vol, prev = _int(r["volume"]), _int(r["prev_volume"])
    text = loc.count(key, vol, theme=r["theme_label"], change=_change(loc, vol - prev, prev), prev=loc.whole(prev))
    return Sentence(
        kind,
        text,
        {"volume": vol, "prev_volume": prev, "change_abs": vol - prev},
        _quote(quotes, r["theme_id"], negative=kind == "up"),
        str(r["theme_id"]),
    )


def _negative_sentence(loc: Locale, kind: str, key: str, r: pd.Series, quotes: pd.DataFrame) -> Sentence:
    text = loc.t(key, theme=r["theme_label"], neg=loc.pct(r["pct_negative"]), prev=loc.pct(r["prev_pct_negative"]))
    return Sentence(
        kind,
        text,
        {
            "pct_negative": number(r["pct_negative"]),
            "prev_pct_negative": number(r["prev_pct_negative"]),
            "volume": _int(r["volume"]),
            "prev_volume": _int(r["prev_volume"]),
        },
        _quote(quotes, str(r.name), negative=kind == "neg_up"),
        str(r.name),
    )


def _change(loc: Locale, diff: int, prev: int) -> str:
    return f"{loc.signed_int(diff)} ({loc.signed_pct(100.0 * diff / prev)})" if prev else loc.signed_int(diff)


def _quote(quotes: pd.DataFrame, theme_id: object, negative: bool = False) -> dict[str, object] | None:
    if quotes.empty:
        return None
    q = quotes[quotes["theme_id"] == theme_id]
    if negative and (q["sentiment"] == "negative").any():
        q = q[q["sentiment"] == "negative"]
    if q.empty:
        return None
    r = q.sort_values(["rank", "topic_id"]).iloc[0]
    return {
        k: (None if _missing(r.get(k)) else r.get(k))
        for k in ("text", "channel", "created_date", "source", "source_id", "record_id")
    }


def _summary(tables: dict[str, pd.DataFrame]) -> dict:
    s = tables.get("summary")
    return s.iloc[0].to_dict() if s is not None and len(s) else {}


def _frame(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    t = tables.get(name)
    return t if t is not None else pd.DataFrame()


def _int(v: object) -> int:
    f = number(v)
    return 0 if math.isnan(f) else round(f)


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def json_list(v: object) -> list:
    """A JSON-list cell (trend, topic ids) as a list; anything else is empty."""
    if isinstance(v, list):
        return v
    try:
        out = json.loads(v) if isinstance(v, str) and v else []
    except json.JSONDecodeError:
        return []
    return out if isinstance(out, list) else []
