"""The XLSX a PM filters: the summary first, one row per theme with its topics grouped under it.

Headers are words in the report language; percentages are numbers with a % format (stored as
fractions, as spreadsheets expect), dates are date cells, trends are one numeric cell per week,
and no cell holds 'inf' or 'nan' (a value that is not a finite number is left empty). Every
sheet has a frozen, styled header row and a filter. The machine-readable tables stay in the
Parquet and CSV files.
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from voc.export.changes import json_list, scale_name, what_changed
from voc.export.i18n import Locale, number
from voc.export.report import quote_link, theme_badges
from voc.schema import OUTLIER_TOPIC_ID
from voc.tableio import is_formula_like
from voc.weeks import shift_week

PCT = "0.0%"
DATE = "yyyy-mm-dd"


@dataclass(frozen=True)
class Col:
    """One workbook column: the header's catalogue key, the number format, how wide at most."""

    header: str
    fmt: str | None = None
    max_width: int = 40


def write_pm_workbook(path: str | Path, week: str, tables: dict[str, pd.DataFrame], loc: Locale,
                      links: dict[str, str] | None = None) -> None:
    """Write the PM workbook of ``week`` to ``path``."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    sheets = [
        ("sheet_summary", *_summary(tables, loc)),
        ("sheet_themes", *_themes(week, tables, loc)),
        ("sheet_segments", *_segments(tables, loc)),
        ("sheet_impact", *_impact(tables, loc)),
        ("sheet_quotes", *_quotes(tables, loc, links or {})),
        ("sheet_emerging", *_emerging(tables, loc)),
        ("sheet_sentiment", *_sentiment(tables, loc)),
        ("sheet_quality", *_quality(tables, loc)),
    ]
    for key, cols, rows, levels in sheets:
        _sheet(wb, loc.t(key), cols, rows, levels, loc)
    wb.save(path)


# -- sheets: (columns, rows, outline level per row) -------------------------------------------

def _summary(tables: dict, loc: Locale):
    cols = [Col("col_kind", max_width=20), Col("col_sentence", max_width=80), Col("col_count"),
            Col("evidence", max_width=50), Col("col_quote", max_width=60), Col("channel"), Col("date", DATE),
            Col("source"), Col("source_id")]
    rows = []
    for s in what_changed(tables, loc):
        q = s.quote or {}
        count = next((v for v in s.evidence.values() if isinstance(v, (int, float)) and not isinstance(v, bool)), None)
        evidence = "; ".join(f"{loc.evidence_name(k)} = {_plain(v)}" for k, v in s.evidence.items())
        rows.append([loc.t("kind_" + s.kind), s.text, count, evidence, q.get("text"), loc.channel(q.get("channel")),
                     _date(q.get("created_date")), q.get("source"), q.get("source_id")])
    return cols, rows, [0] * len(rows)


def _themes(week: str, tables: dict, loc: Locale):
    themes = _t(tables, "theme_week")
    topics = _t(tables, "topic_week")
    emerging = _t(tables, "emerging_topics")
    impact = _t(tables, "theme_impact")
    signals = dict(zip(emerging["topic_id"], emerging["signals"], strict=False)) if not emerging.empty else {}
    effect = dict(zip(impact["theme_id"], impact["rating_effect"], strict=False)) if not impact.empty else {}
    scales = (dict(zip(impact["theme_id"], impact["rating_scale"], strict=False))
              if not impact.empty and "rating_scale" in impact else {})
    n_trend = max([len(json_list(v)) for v in themes.get("trend", [])] + [0])
    trend_weeks = [shift_week(week, -k) for k in range(n_trend - 1, -1, -1)]
    cols = [Col("col_level", max_width=10), Col("col_id", max_width=12), Col("col_label", max_width=45),
            Col("volume"), Col("share", PCT), Col("col_prev_volume"), Col("col_change_abs"),
            Col("col_change_pct", PCT), Col("pct_negative", PCT), Col("col_net", "0.0"),
            Col("rating_effect", "0.00"), Col("col_rating_scale"), Col("col_is_new"), Col("col_is_emerging"),
            Col("col_signals"),
            *[Col("col_trend_week:" + w) for w in trend_weeks], Col("terms", max_width=50)]
    topic_rows = topics.set_index("topic_id") if not topics.empty else topics
    rows, levels = [], []
    for r in themes.to_dict("records") if not themes.empty else []:
        if not number(r.get("volume")) and not number(r.get("prev_volume")):
            continue
        badges = theme_badges(r)
        rows.append(_theme_like_row(loc, "level_theme", r["theme_id"], _name(r["theme_label"], loc), r,
                                    effect.get(r["theme_id"]), badges, trend_weeks, r.get("top_topics"),
                                    scales.get(r["theme_id"])))
        levels.append(0)
        tids = [t for t in json_list(r.get("topic_ids")) if not topic_rows.empty and t in topic_rows.index]
        for tid in sorted(tids, key=lambda t: (-number(topic_rows.at[t, "volume"]), t)):
            tr = topic_rows.loc[tid].to_dict()
            tr["signals"] = signals.get(tid, "")
            rows.append(_theme_like_row(loc, "level_topic", tid, _name(tr.get("topic_label"), loc), tr, None,
                                        theme_badges(tr), trend_weeks, tr.get("top_terms"), None))
            levels.append(1)
    return cols, rows, levels


def _theme_like_row(loc: Locale, level: str, rid: str, name: str, r: dict, effect: object, badges: list[str],
                    trend_weeks: list[str], terms: object, scale: object) -> list:
    counts = [int(v) for v in json_list(r.get("trend"))]
    trend: list[int | None] = ([None] * (len(trend_weeks) - len(counts)) + list(counts[-len(trend_weeks):])
                               if trend_weeks else [])
    why = ", ".join(loc.t(b) for b in badges)
    return [loc.t(level), rid, name, _num(r.get("volume")), _frac(r.get("share_pct")), _num(r.get("prev_volume")),
            _num(r.get("change_abs")), _frac(r.get("change_pct")), _frac(r.get("pct_negative")),
            _num(r.get("net_sentiment")), _num(effect), _scale(scale, loc), _yes(loc, r.get("is_new")),
            _yes(loc, r.get("is_emerging")), why, *trend, terms]


def _segments(tables: dict, loc: Locale):
    seg = _t(tables, "theme_segment_week")
    cols = [Col("theme", max_width=45), Col("segment"), Col("value"), Col("volume"), Col("col_segment_volume"),
            Col("col_share_in_segment", PCT), Col("col_theme_share", PCT), Col("pct_negative", PCT),
            Col("col_theme_negative", PCT), Col("col_stands_out"), Col("col_reason", max_width=50)]
    rows = [[_name(r["theme_label"], loc), _field(r["segment_field"], loc),
             loc.segment_value(r["segment_value"], r["segment_field"]),
             _num(r["volume"]),
             _num(r["segment_volume"]), _frac(r["share_pct"]), _frac(r["theme_share_pct"]), _frac(r["pct_negative"]),
             _frac(r["theme_pct_negative"]), _yes(loc, r["stands_out"]),
             ", ".join(loc.t("reason_" + x) for x in str(r["reason"] or "").split(",") if x)]
            for r in (seg.to_dict("records") if not seg.empty else [])]
    return cols, rows, [0] * len(rows)


def _impact(tables: dict, loc: Locale):
    imp = _t(tables, "theme_impact")
    cols = [Col("priority"), Col("theme", max_width=45), Col("volume"), Col("share", PCT), Col("pct_negative", PCT),
            Col("col_prev_negative", PCT), Col("col_negative_change", "0.0"), Col("rating_source"),
            Col("col_rating_scale"),
            Col("col_rated"), Col("col_mean_with", "0.00"), Col("col_mean_without", "0.00"),
            Col("rating_effect", "0.00"), Col("col_ci_low", "0.00"), Col("col_ci_high", "0.00"),
            Col("impact", "0.000"), Col("col_direction")]
    rows = [[_num(r["priority"]), _name(r["theme_label"], loc), _num(r["volume"]), _frac(r["share_pct"]),
             _frac(r["pct_negative"]), _frac(r["prev_pct_negative"]), _num(r["negative_change"]),
             r.get("rating_source"), _scale(r.get("rating_scale"), loc), _num(r["rated_with"]), _num(r["mean_with"]),
             _num(r["mean_without"]),
             _num(r["rating_effect"]), _num(r["ci_low"]), _num(r["ci_high"]), _num(r["impact"]),
             loc.t("direction_" + r["direction"]) if r.get("direction") else loc.t("no_rating")]
            for r in (imp.to_dict("records") if not imp.empty else [])]
    return cols, rows, [0] * len(rows)


def _quotes(tables: dict, loc: Locale, links: dict[str, str]):
    qw = _t(tables, "quote_week")
    cols = [Col("theme", max_width=40), Col("topic", max_width=40), Col("col_rank"), Col("col_text", max_width=80),
            Col("channel"), Col("date", DATE), Col("language"), Col("sentiment"), Col("source"), Col("source_id"),
            Col("col_link", max_width=50), Col("col_segments", max_width=50)]
    rows = [[_name(r["theme_label"], loc), _name(r["topic_label"], loc), _num(r["rank"]), r["text"],
             loc.channel(r.get("channel")), _date(r.get("created_date")), loc.language(r.get("language")),
             loc.sentiment(r.get("sentiment")), r.get("source"), r.get("source_id"),
             quote_link(links.get(str(r.get("source"))), r.get("source_id")), _segments_text(r.get("segments"))]
            for r in (qw.to_dict("records") if not qw.empty else [])]
    return cols, rows, [0] * len(rows)


def _emerging(tables: dict, loc: Locale):
    em = _t(tables, "emerging_topics")
    cols = [Col("topic", max_width=45), Col("col_signals"), Col("volume"), Col("share", PCT), Col("col_usual", "0.0"),
            Col("col_expected", "0.0"), Col("col_q_volume", "0.0000"), Col("pct_negative", PCT),
            Col("col_baseline_negative", PCT), Col("col_q_negative", "0.0000"), Col("terms", max_width=50)]
    badge = {"new": "badge_new", "volume": "badge_volume", "negative_share": "badge_negative"}
    rows = [[_name(r["topic_label"], loc),
             ", ".join(loc.t(badge[s]) for s in str(r["signals"] or "").split(",") if s in badge),
             _num(r["volume"]), _frac(r["share_pct"]), _num(r["baseline_weekly_mean"]), _num(r["expected_volume"]),
             _num(r["volume_q_value"]), _frac(100 * number(r["negative_share"])),
             _frac(100 * number(r["baseline_negative_share"])), _num(r["negative_q_value"]), r.get("top_terms")]
            for r in (em.to_dict("records") if not em.empty else [])]
    return cols, rows, [0] * len(rows)


def _sentiment(tables: dict, loc: Locale):
    sw = _t(tables, "sentiment_week")
    cols = [Col("channel"), Col("language"), Col("segment"), Col("value"), Col("volume"), Col("col_scored"),
            Col("col_pct_positive", PCT), Col("col_pct_neutral", PCT), Col("pct_negative", PCT), Col("col_net", "0.0"),
            Col("col_prev_volume"), Col("col_change_abs"), Col("col_change_pct", PCT), Col("col_prev_net", "0.0"),
            Col("col_net_change", "0.0")]
    every = loc.t("filter_all")
    rows = [[_all(loc.channel(r["channel"]), every), _all(loc.language(r["language"]), every),
             _all(_field(r["segment_field"], loc), every),
             _all(loc.segment_value(r["segment_value"], r["segment_field"]), every), _num(r["volume"]),
             _num(r["scored"]), _frac(r["pct_positive"]),
             _frac(r["pct_neutral"]), _frac(r["pct_negative"]), _num(r["net_sentiment"]), _num(r["prev_volume"]),
             _num(r["change_abs"]), _frac(r["change_pct"]), _num(r["prev_net_sentiment"]), _num(r["net_change"])]
            for r in (sw.to_dict("records") if not sw.empty else [])]
    return cols, rows, [0] * len(rows)


def _quality(tables: dict, loc: Locale):
    dq = _t(tables, "data_quality")
    cols = [Col("source"), Col("status"), Col("read"), Col("accepted"), Col("duplicates"), Col("quarantined"),
            Col("col_records_in_week"), Col("counted"), Col("col_pct_scored", PCT), Col("col_pct_with_topic", PCT),
            Col("unreadable_ratings"), Col("error", max_width=60)]
    rows = [[r["source"], loc.t("status_" + r["status"]) if r["status"] in ("ok", "failed", "partial") else r["status"],
             _num(r["read"]), _num(r["accepted"]), _num(r["duplicates"]), _num(r["quarantined"]),
             _num(r["records_in_week"]), _num(r["counted"]), _frac(r["pct_scored"]), _frac(r["pct_with_topic"]),
             _num(r.get("unreadable_ratings")), r.get("error")]
            for r in (dq.to_dict("records") if not dq.empty else [])]
    return cols, rows, [0] * len(rows)


# -- writing ------------------------------------------------------------------------------------

def _sheet(wb, title: str, cols: list[Col], rows: list[list], levels: list[int], loc: Locale) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title=title[:31])
    headers = [_header(c.header, loc) for c in cols]
    ws.append(headers)
    for row in rows:
        ws.append([_cell(v) for v in row])
    header_font, header_fill = Font(bold=True, color="FFFFFF", name="Tahoma"), PatternFill("solid", fgColor="1F3B57")
    body_font, top = Font(name="Tahoma"), Alignment(vertical="top", wrap_text=True)
    for cell in ws[1]:
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for i, col in enumerate(cols, start=1):
        letter = get_column_letter(i)
        sample = [_width(str(r[i - 1])) for r in rows[:200] if r[i - 1] is not None]
        ws.column_dimensions[letter].width = min(max([min(_width(headers[i - 1]), 24)] + sample) + 2, col.max_width)
        for cell in ws[letter][1:]:
            cell.font, cell.alignment = body_font, top
            if col.fmt and cell.value is not None:
                cell.number_format = col.fmt
            if cell.data_type == "f" or is_formula_like(cell.value):
                cell.data_type, cell.quotePrefix = "s", True  # never a live formula
    for i, level in enumerate(levels, start=2):
        if level:
            ws.row_dimensions[i].outlineLevel = level
            ws.row_dimensions[i].hidden = True  # folded: the theme row's [+] opens its topics
    if any(levels):
        ws.sheet_properties.outlinePr.summaryBelow = False
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(cols), 1))}{max(len(rows) + 1, 1)}"


def _header(key: str, loc: Locale) -> str:
    if key.startswith("col_trend_week:"):
        return loc.t("col_trend_week", week=key.split(":", 1)[1])
    return loc.t(key)


def _cell(v: object) -> object:
    """A value openpyxl writes as it is: no NaN, no infinity, no numpy scalars."""
    if v is None or v is pd.NA:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if isinstance(v, str) and v.strip().lower() in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity"):
        return None
    return v


def _num(v: object) -> float | int | None:
    f = number(v)
    if math.isnan(f) or math.isinf(f):
        return None
    return int(f) if isinstance(v, (int, bool)) or (hasattr(v, "dtype") and "int" in str(getattr(v, "dtype", ""))) \
        else f


def _frac(v: object) -> float | None:
    """A 0-100 percentage as the fraction a % cell format expects."""
    f = number(v)
    return None if math.isnan(f) or math.isinf(f) else round(f / 100.0, 6)


def _date(v: object) -> date | None:
    try:
        return date.fromisoformat(str(v)[:10]) if v not in (None, "") else None
    except ValueError:
        return None


def _yes(loc: Locale, v: object) -> str:
    return loc.t("yes") if bool(v) and v is not None and not (isinstance(v, float) and math.isnan(v)) else loc.t("no")


def _name(v: object, loc: Locale) -> str:
    return loc.t("other") if v in (None, "", OUTLIER_TOPIC_ID) else str(v)


def _field(v: object, loc: Locale) -> str:
    return loc.t(str(v)) if v in ("channel", "language") else str(v)


def _all(v: object, every: str) -> str:
    return every if v == "(all)" else str(v)


def _segments_text(v: object) -> str:
    try:
        d = json.loads(v) if isinstance(v, str) and v else {}
    except json.JSONDecodeError:
        return str(v)
    return ", ".join(f"{k}: {x}" for k, x in d.items()) if isinstance(d, dict) else str(v)


def _plain(v: object) -> str:
    if isinstance(v, float):
        return "" if math.isnan(v) or math.isinf(v) else f"{v:g}"
    if isinstance(v, dict):
        return ", ".join(f"{k}: {_plain(x)}" for k, x in v.items())
    if isinstance(v, list):
        return ", ".join(_plain(x) for x in v)
    return "" if v is None else str(v)


def _t(tables: dict, name: str) -> pd.DataFrame:
    t = tables.get(name)
    return t if t is not None else pd.DataFrame()




def _width(text: str) -> int:
    """Columns a string takes: Thai vowel and tone marks sit above/below, taking no width."""
    return sum(0 if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn" else 1 for ch in text)


def _scale(scale: object, loc: Locale) -> str | None:
    """A theme's rating scale in words (``NPS 0–10``), the unit its effect and impact are in; empty when unrated."""
    return scale_name(scale, loc) if isinstance(scale, str) and scale else None
