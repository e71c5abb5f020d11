"""The history of the exports: ``exports/index.html`` lists every week, and each report links to its neighbours.

Run after a week's exports are written (``voc.pipeline.write_weekly_tables``). It reads what is on
disk, so the index and the links always point at files that exist: a week whose folder holds a
report or a workbook is listed; "previous" and "next" are the nearest weeks that have a report
(weeks without data leave gaps, never dead links). Each report's links sit between the markers
:data:`NAV_START` and :data:`NAV_END` (the report leaves an empty pair in its header); a report
without them gets the links at the top of its body. Every file is replaced atomically.
"""

from __future__ import annotations

import logging
import math
import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from pathlib import Path

import pandas as pd

from voc.errors import WeekError
from voc.export.config import ExportConfig
from voc.export.i18n import Locale
from voc.privacy import redact_message
from voc.schema import OUTLIER_TOPIC_ID
from voc.tableio import atomic_path
from voc.weeks import parse_week

log = logging.getLogger("voc.export")

INDEX_FILE = "index.html"
REPORT_FILE = "report.html"
NAV_START = "<!--voc:history-->"
NAV_END = "<!--/voc:history-->"
_NAV_RE = re.compile(re.escape(NAV_START) + ".*?" + re.escape(NAV_END), re.DOTALL)
_BODY_RE = re.compile(r"<body[^>]*>", re.IGNORECASE)

# English and Thai for every fixed phrase (``export.report_language`` picks one or both).
_WORDS: dict[str, tuple[str, str]] = {
    "all_weeks": ("All weeks", "ทุกสัปดาห์"),
    "week": ("Week", "สัปดาห์"),
    "dates": ("Dates", "วันที่"),
    "headline": ("Headline", "สรุป"),
    "files": ("Files", "ไฟล์"),
    "report": ("Report", "รายงาน"),
    "workbook": ("XLSX", "XLSX"),
    "previous": ("previous week", "สัปดาห์ก่อนหน้า"),
    "next": ("next week", "สัปดาห์ถัดไป"),
    "none_before": ("no earlier week", "ไม่มีสัปดาห์ก่อนหน้า"),
    "none_after": ("no later week", "ไม่มีสัปดาห์ถัดไป"),
    "no_weeks": ("No weeks exported yet.", "ยังไม่มีรายงาน"),
    "messages": ("{n} messages", "{n} ข้อความ"),
    "vs_prev": ("{pct} vs last week", "{pct} เทียบกับสัปดาห์ก่อน"),
    "net": ("net sentiment {v}", "ความรู้สึกสุทธิ {v}"),
    "rising_themes": ("{n} rising themes", "ธีมที่กำลังเพิ่มขึ้น {n}"),
    "rising_theme": ("1 rising theme", "ธีมที่กำลังเพิ่มขึ้น 1"),
    "new_themes": ("{n} new themes", "ธีมใหม่ {n}"),
    "new_theme": ("1 new theme", "ธีมใหม่ 1"),
    "rising_topics": ("{n} emerging topics", "หัวข้อที่กำลังเพิ่มขึ้น {n}"),
    "new_topics": ("{n} new topics", "หัวข้อใหม่ {n}"),
    "quiet": ("nothing rose", "ไม่มีธีมใดเพิ่มขึ้น"),
    "partial": ("partial week: {s} failed", "ข้อมูลไม่ครบ: {s} โหลดไม่สำเร็จ"),
    "empty": ("no customer messages", "ไม่มีข้อความจากลูกค้า"),
    "no_summary": ("no summary stored", "ไม่มีสรุป"),
}


def words(key: str, language: str, **values: object) -> str:
    """A fixed phrase in ``language`` (``en``, ``th`` or ``both``: English · Thai), with ``values`` filled in."""
    en, th = (w.format(**values) for w in _WORDS[key])
    return en if language == "en" else th if language == "th" else f"{en} · {th}"


@dataclass(frozen=True)
class ExportedWeek:
    """A week folder under ``exports/`` and the files a reader can open in it."""

    week: str
    report: bool
    workbook: bool

    @property
    def report_href(self) -> str:
        return f"{self.week}/{REPORT_FILE}"

    @property
    def workbook_href(self) -> str:
        return f"{self.week}/voc-{self.week}.xlsx"


def exported_weeks(exports_dir: Path) -> list[ExportedWeek]:
    """Week folders (named like ``2026-W47``) holding a report or a workbook, oldest first."""
    found: list[ExportedWeek] = []
    if not Path(exports_dir).is_dir():
        return found
    for d in Path(exports_dir).iterdir():
        if not d.is_dir():
            continue
        try:
            parse_week(d.name)
        except WeekError:
            continue
        item = ExportedWeek(d.name, (d / REPORT_FILE).is_file(), (d / f"voc-{d.name}.xlsx").is_file())
        if item.report or item.workbook:
            found.append(item)
    return sorted(found, key=lambda w: parse_week(w.week))


def theme_counts(themes: pd.DataFrame | None) -> tuple[int, int] | None:
    """(rising, new) themes of one week's ``theme_week`` rows; None without rows.

    Rising: flagged emerging and seen before (a new theme is flagged too, and is counted as new).
    """
    if themes is None or themes.empty or "is_new" not in themes:
        return None
    real = themes[themes["theme_id"] != OUTLIER_TOPIC_ID]
    new = real["is_new"].fillna(False).astype(bool)
    rising = real["is_emerging"].fillna(False).astype(bool) & ~new
    return int(rising.sum()), int(new.sum())


def week_headline(summary: dict | None, themes: pd.DataFrame | None, language: str) -> str:
    """The week in one plain line: messages and change, net sentiment, rising and new themes, failures."""
    if not summary:
        return words("no_summary", language)
    if summary.get("data_status") == "empty" or not _num(summary.get("records")):
        parts = [words("empty", language)]
    else:
        parts = [words("messages", language, n=_int(summary.get("records")))]
        change = _num(summary.get("change_pct"))
        if not math.isnan(change):
            parts[0] += f" ({words('vs_prev', language, pct=f'{change:+.0f}%')})"
        net = _num(summary.get("net_sentiment"))
        if not math.isnan(net):
            delta = _num(summary.get("net_change"))
            parts.append(words("net", language, v=f"{net:+.1f}") + ("" if math.isnan(delta) else f" ({delta:+.1f})"))
        counts = theme_counts(themes)
        if counts is not None:
            rising, new = counts
            if rising:
                parts.append(words("rising_theme", language) if rising == 1
                             else words("rising_themes", language, n=rising))
            if new:
                parts.append(words("new_theme", language) if new == 1 else words("new_themes", language, n=new))
            if not rising and not new:
                parts.append(words("quiet", language))
        else:
            for key, col in (("rising_topics", "emerging_topics"), ("new_topics", "new_topics")):
                if _num(summary.get(col)) > 0:
                    parts.append(words(key, language, n=_int(summary.get(col))))
    if summary.get("is_partial") is True or str(summary.get("is_partial")).lower() == "true":
        parts.append(words("partial", language, s=str(summary.get("missing_sources") or "?")))
    return " · ".join(parts) if language != "both" else " | ".join(parts)


def write_history(
    exports_dir: Path,
    config: ExportConfig,
    summaries: pd.DataFrame | None = None,
    themes: pd.DataFrame | None = None,
) -> list[Path]:
    """(Re)write ``exports/index.html`` and the previous/next links of every report; return the index path.

    Args:
        exports_dir: The exports folder (one ``<week>/`` folder per week).
        config: The ``export`` section (title and language).
        summaries: Stored ``summary`` rows of any weeks (the headline's numbers); a week missing here
            is read from its folder's ``summary.parquet`` when there is one.
        themes: Stored ``theme_week`` rows of any weeks (rising and new theme counts).
    """
    exports_dir = Path(exports_dir)
    weeks = exported_weeks(exports_dir)
    # the PII guard once more on the way out, as for every exported text cell
    headlines = {w.week: redact_message(week_headline(_summary_of(w.week, summaries, exports_dir),
                                                      _rows_of(w.week, themes), config.report_language))
                 for w in weeks}
    index = exports_dir / INDEX_FILE
    _write_text(index, render_index(weeks, headlines, config))
    with_report = [w.week for w in weeks if w.report]
    for i, week in enumerate(with_report):
        prev = with_report[i - 1] if i > 0 else None
        nxt = with_report[i + 1] if i + 1 < len(with_report) else None
        path = exports_dir / week / REPORT_FILE
        try:
            page = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:  # one unreadable old report must not stop the others
            log.warning("history: cannot read %s (%s); its links are left as they are", path, type(e).__name__)
            continue
        linked = set_history_nav(page, history_nav(week, prev, nxt, config.report_language))
        if linked != page:
            _write_text(path, linked)
    return [index]


def render_index(weeks: list[ExportedWeek], headlines: dict[str, str], config: ExportConfig) -> str:
    """The index page: every exported week, newest first, with its headline and files."""
    lang = config.report_language
    rows = []
    for w in reversed(weeks):
        year, num = parse_week(w.week)
        start = date.fromisocalendar(year, num, 1)
        end = start + timedelta(days=6)
        files = []
        if w.report:
            files.append(f'<a href="{escape(w.report_href)}">{escape(words("report", lang))}</a>')
        if w.workbook:
            files.append(f'<a href="{escape(w.workbook_href)}">{escape(words("workbook", lang))}</a>')
        week_cell = (f'<a href="{escape(w.report_href)}">{escape(w.week)}</a>' if w.report else escape(w.week))
        rows.append(f'<tr data-week="{escape(w.week)}"><td>{week_cell}</td>'
                    f'<td>{start:%Y-%m-%d} – {end:%Y-%m-%d}</td>'
                    f'<td>{escape(headlines.get(w.week, ""))}</td><td>{" · ".join(files)}</td></tr>')
    body = (f'<table><thead><tr><th>{escape(words("week", lang))}</th><th>{escape(words("dates", lang))}</th>'
            f'<th>{escape(words("headline", lang))}</th><th>{escape(words("files", lang))}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>') if rows else f'<p>{escape(words("no_weeks", lang))}</p>'
    title = f"{config.report_title or Locale(lang).t('title')} – {words('all_weeks', lang)}"
    return f"""<!DOCTYPE html>
<html lang="{"th" if lang == "th" else "en"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{_CSS}</style></head>
<body><header><h1>{escape(title)}</h1></header><main>{body}</main></body></html>
"""


def history_nav(week: str, prev: str | None, nxt: str | None, language: str) -> str:
    """The marked block of links a report shows: previous week, all weeks, next week."""
    a, off = 'style="color:inherit"', 'style="opacity:.6"'
    left = (f'<a {a} rel="prev" href="../{escape(prev)}/{REPORT_FILE}">← {escape(words("previous", language))} '
            f'{escape(prev)}</a>' if prev else f'<span {off}>← {escape(words("none_before", language))}</span>')
    right = (f'<a {a} rel="next" href="../{escape(nxt)}/{REPORT_FILE}">{escape(words("next", language))} '
             f'{escape(nxt)} →</a>' if nxt else f'<span {off}>{escape(words("none_after", language))} →</span>')
    middle = f'<a {a} href="../{INDEX_FILE}">{escape(words("all_weeks", language))}</a>'
    return (f'{NAV_START}<nav class="history" data-week="{escape(week)}" style="margin:6px 0 0;font-size:13px">'
            f'{left} · {middle} · {right}</nav>{NAV_END}')


def set_history_nav(page: str, nav: str) -> str:
    """``page`` with its history block replaced by ``nav`` (placed at the top of the body if it had none)."""
    if _NAV_RE.search(page):
        return _NAV_RE.sub(lambda _: nav, page, count=1)
    body = _BODY_RE.search(page)
    if body is None:
        return nav + page
    return page[: body.end()] + nav + page[body.end():]


def _summary_of(week: str, summaries: pd.DataFrame | None, exports_dir: Path) -> dict | None:
    rows = _rows_of(week, summaries)
    if rows is not None and len(rows):
        return rows.iloc[0].to_dict()
    stored = exports_dir / week / "summary.parquet"
    if stored.is_file():
        try:
            df = pd.read_parquet(stored)
        except Exception as e:  # noqa: BLE001 - a damaged old file costs its headline, not the index
            log.warning("history: cannot read %s (%s)", stored, type(e).__name__)
            return None
        return df.iloc[0].to_dict() if len(df) else None
    return None


def _rows_of(week: str, table: pd.DataFrame | None) -> pd.DataFrame | None:
    if table is None or table.empty or "iso_week" not in table:
        return None
    return table[table["iso_week"] == week]


def _write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; exports are meant to be shared


def _num(v: object) -> float:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return f


def _int(v: object) -> str:
    f = _num(v)
    return "–" if math.isnan(f) else f"{int(round(f)):,}"


_CSS = """
body{margin:0;background:#f7f8f9;color:#1d2329;
font-family:'Noto Sans Thai','Noto Sans','TH Sarabun New','Sarabun','Leelawadee UI','Tahoma','Loma','Garuda',sans-serif;
font-size:15px;line-height:1.5}
header{background:#1f3b57;color:#fff;padding:18px 28px}h1{margin:0;font-size:24px}
main{max-width:1180px;margin:0 auto;padding:16px 28px 40px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #dde1e5;padding:6px 8px;text-align:left;vertical-align:top}
th{font-size:13px;color:#5d6670}td:nth-child(2){white-space:nowrap}
"""

__all__ = ["ExportedWeek", "INDEX_FILE", "NAV_END", "NAV_START", "exported_weeks", "history_nav",
           "render_index", "set_history_nav", "theme_counts", "week_headline", "words", "write_history"]
