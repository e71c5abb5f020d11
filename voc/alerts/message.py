"""Whether a week is worth an alert, and the alert's words (English, Thai or both).

:func:`week_alert` is a plain function of the week's stored tables and its failed sources: it
returns the message, or None when nothing matters (no rising or new themes at the configured
thresholds, no failed source). The text is plain language with its evidence (counts, one redacted
quote per theme) and a link to the report; it passes :func:`voc.privacy.redact_message` last.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from voc.alerts.config import AlertsConfig
from voc.export.history import REPORT_FILE, week_headline
from voc.privacy import redact_message
from voc.schema import OUTLIER_TOPIC_ID
from voc.weeks import parse_week

QUOTE_MAX_CHARS = 160

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("VOC week {week} ({start} – {end})", "VOC สัปดาห์ {week} ({start} – {end})"),
    "rising_head": ("Rising themes ({n}):", "ธีมที่กำลังเพิ่มขึ้น ({n}):"),
    "new_head": ("New themes ({n}):", "ธีมใหม่ ({n}):"),
    "failed_head": ("Sources that failed to load (their messages are missing from this week's figures):",
                    "แหล่งข้อมูลที่โหลดไม่สำเร็จ (ตัวเลขของสัปดาห์นี้ไม่รวมข้อความจากแหล่งเหล่านี้):"),
    "more": ("… and {n} more in the report", "… และอีก {n} รายการในรายงาน"),
    "this_week": ("{label}: {n} messages this week", "{label}: {n} ข้อความในสัปดาห์นี้"),
    "usual": ("about {avg} a week in the {k} weeks before", "ปกติประมาณ {avg} ข้อความต่อสัปดาห์ใน {k} สัปดาห์ก่อนหน้า"),
    "none_before": ("none in the {k} weeks before", "ไม่มีเลยใน {k} สัปดาห์ก่อนหน้า"),
    "last_week": ("{n} last week", "สัปดาห์ก่อน {n} ข้อความ"),
    "why_volume": ("more messages than usual", "มีข้อความมากกว่าปกติ"),
    "why_negative": ("more negative than usual ({pct}% negative)", "เชิงลบมากกว่าปกติ (ลบ {pct}%)"),
    "first_seen": ("{label}: {n} messages, first seen this week", "{label}: {n} ข้อความ พบครั้งแรกในสัปดาห์นี้"),
    "negative_share": ("{pct}% negative", "ลบ {pct}%"),
    "report": ("Report: {link}", "รายงาน: {link}"),
    "subj_rising": ("{n} rising themes", "ธีมที่กำลังเพิ่มขึ้น {n}"),
    "subj_rising_1": ("1 rising theme", "ธีมที่กำลังเพิ่มขึ้น 1"),
    "subj_new": ("{n} new themes", "ธีมใหม่ {n}"),
    "subj_new_1": ("1 new theme", "ธีมใหม่ 1"),
    "subj_failed": ("{n} sources failed", "แหล่งข้อมูลโหลดไม่สำเร็จ {n}"),
    "subj_failed_1": ("1 source failed", "แหล่งข้อมูลโหลดไม่สำเร็จ 1"),
    "subj": ("VOC {week}: {what}", "VOC {week}: {what}"),
}


@dataclass(frozen=True)
class AlertMessage:
    """One week's notification: what a block sends, and why it was sent."""

    week: str
    subject: str
    body: str
    reasons: tuple[str, ...]
    """Which thresholds it crossed: ``rising_themes``, ``new_themes``, ``failed_sources``."""
    link: str


def _w(key: str, lang: str, **values: object) -> str:
    en, th = _WORDS[key]
    return (th if lang == "th" else en).format(**values)


def report_link(week: str, exports_dir: Path, exports: list[str], base_url: str | None) -> str:
    """Where the reader opens the week: ``<base_url>/<week>/report.html``, else the report on this machine."""
    written = [Path(p) for p in exports]
    target = next((p for p in written if p.name == REPORT_FILE), None) or next(
        (p for p in written if p.suffix == ".xlsx"), None)
    name = target.name if target is not None else REPORT_FILE
    if base_url:
        return f"{base_url}/{week}/{name}"
    return (Path(exports_dir) / week / name).absolute().as_uri()


def week_alert(
    week: str,
    summary: dict | None,
    themes: pd.DataFrame | None,
    failed_sources: list[dict],
    config: AlertsConfig,
    language: str,
    link: str,
) -> AlertMessage | None:
    """The week's alert, or None when nothing crosses a threshold.

    Args:
        week: The report week.
        summary: The week's stored ``summary`` row (as a dict), for the headline.
        themes: The week's ``theme_week`` rows (``is_new``, ``is_emerging``, ``emerging_signals``...).
        failed_sources: Reconciliations (dicts with ``source``, ``error``) of the sources that failed.
        config: The ``alerts`` section (thresholds, how many themes to list, quotes).
        language: ``en``, ``th`` or ``both`` (English, then Thai).
        link: Where the report opens.
    """
    rising, new = _themes(themes)
    reasons = []
    if config.min_emerging_themes is not None and len(rising) >= config.min_emerging_themes:
        reasons.append("rising_themes")
    if config.min_new_themes is not None and len(new) >= config.min_new_themes:
        reasons.append("new_themes")
    if config.on_source_failure and failed_sources:
        reasons.append("failed_sources")
    if not reasons:
        return None
    langs = ["en", "th"] if language == "both" else [language]
    subject = " · ".join(_subject(week, len(rising), len(new), len(failed_sources), lang) for lang in langs)
    body = "\n\n".join(_body(week, summary, themes, rising, new, failed_sources, config, lang, link) for lang in langs)
    return AlertMessage(week, redact_message(subject), redact_message(body), tuple(reasons), link)


def _themes(themes: pd.DataFrame | None) -> tuple[list[dict], list[dict]]:
    """(rising, new) theme rows, biggest first; the counts match :func:`voc.export.history.theme_counts`."""
    if themes is None or themes.empty:
        return [], []
    rows = themes[themes["theme_id"] != OUTLIER_TOPIC_ID].sort_values(["volume", "theme_id"], ascending=[False, True])
    new = rows["is_new"].fillna(False).astype(bool)
    rising = rows["is_emerging"].fillna(False).astype(bool) & ~new
    return rows[rising].to_dict("records"), rows[new].to_dict("records")


def _subject(week: str, rising: int, new: int, failed: int, lang: str) -> str:
    what = []
    if rising:
        what.append(_w("subj_rising_1", lang) if rising == 1 else _w("subj_rising", lang, n=rising))
    if new:
        what.append(_w("subj_new_1", lang) if new == 1 else _w("subj_new", lang, n=new))
    if failed:
        what.append(_w("subj_failed_1", lang) if failed == 1 else _w("subj_failed", lang, n=failed))
    return _w("subj", lang, week=week, what=", ".join(what))


def _body(week: str, summary: dict | None, themes: pd.DataFrame | None, rising: list[dict], new: list[dict],
          failed: list[dict], config: AlertsConfig, lang: str, link: str) -> str:
    year, num = parse_week(week)
    start = date.fromisocalendar(year, num, 1)
    lines = [_w("title", lang, week=week, start=f"{start:%Y-%m-%d}", end=f"{start + timedelta(days=6):%Y-%m-%d}"),
             week_headline(summary, themes, lang)]
    if rising:
        lines += ["", _w("rising_head", lang, n=len(rising))]
        for r in rising[: config.max_themes]:
            lines.append("- " + _rising_line(r, lang))
            lines += _quote(r, config)
        lines += _more(len(rising), config, lang)
    if new:
        lines += ["", _w("new_head", lang, n=len(new))]
        for r in new[: config.max_themes]:
            line = _w("first_seen", lang, label=_label(r), n=_int(r.get("volume")))
            neg = _num(r.get("pct_negative"))
            if not math.isnan(neg):
                line += f" ({_w('negative_share', lang, pct=f'{neg:.0f}')})"
            lines.append("- " + line)
            lines += _quote(r, config)
        lines += _more(len(new), config, lang)
    if failed:
        lines += ["", _w("failed_head", lang)]
        for f in failed:
            error = " ".join(str(f.get("error") or "").split())[:200]
            lines.append(f"- {f.get('source')}" + (f": {error}" if error else ""))
    lines += ["", _w("report", lang, link=link)]
    return "\n".join(lines)


def _rising_line(r: dict, lang: str) -> str:
    line = _w("this_week", lang, label=_label(r), n=_int(r.get("volume")))
    series = _trend(r.get("trend"))
    before = series[:-1]
    if before:
        avg = sum(before) / len(before)
        line += "; " + (_w("usual", lang, avg=_approx(avg), k=len(before)) if avg > 0
                        else _w("none_before", lang, k=len(before)))
    else:
        line += "; " + _w("last_week", lang, n=_int(r.get("prev_volume")))
    signals = str(r.get("emerging_signals") or "").split(",")
    why = []
    if "volume" in signals:
        why.append(_w("why_volume", lang))
    if "negative_share" in signals:
        neg = _num(r.get("pct_negative"))
        why.append(_w("why_negative", lang, pct="–" if math.isnan(neg) else f"{neg:.0f}"))
    if not why:
        return line + "."
    reason = "; ".join(why)
    return f"{line}. {reason[:1].upper()}{reason[1:]}."


def _quote(r: dict, config: AlertsConfig) -> list[str]:
    if not config.quotes:
        return []
    q = " ".join(str(r.get("quote_1") or "").split())
    if not q:
        return []
    if len(q) > QUOTE_MAX_CHARS:
        q = q[: QUOTE_MAX_CHARS - 1].rstrip() + "…"
    return [f"  “{redact_message(q)}”"]


def _more(n: int, config: AlertsConfig, lang: str) -> list[str]:
    return [_w("more", lang, n=n - config.max_themes)] if n > config.max_themes else []


def _label(r: dict) -> str:
    return " ".join(str(r.get("theme_label") or r.get("theme_id") or "?").split())


def _trend(v: object) -> list[float]:
    try:
        out = json.loads(v) if isinstance(v, str) else v
    except json.JSONDecodeError:
        return []
    return [float(x) for x in out] if isinstance(out, list) else []


def _num(v: object) -> float:
    try:
        return float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _int(v: object) -> str:
    f = _num(v)
    return "–" if math.isnan(f) else f"{int(round(f)):,}"


def _approx(avg: float) -> str:
    return f"{avg:.1f}" if avg < 10 else f"{round(avg):,}"
