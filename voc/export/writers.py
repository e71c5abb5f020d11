"""Write a week's insight tables as Parquet, CSV, an XLSX workbook and the HTML report.

Every file is written to a temporary file in the same folder and moved into place with
``os.replace``, so a crash never leaves a half-written export and a rerun replaces the files.
"""

from __future__ import annotations

import math
import os
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from voc.export.config import ExportConfig
from voc.export.i18n import Locale
from voc.export.report import render_report
from voc.export.workbook import write_pm_workbook
from voc.tableio import FORMULA_STARTS, escape_formulas, is_formula_like, write_csv  # noqa: F401 (re-exported)

TABLE_ORDER = ("summary", "theme_week", "topic_week", "theme_segment_week", "theme_impact", "quote_week",
               "emerging_topics", "sentiment_week", "drivers", "data_quality", "sentiment_model_week")
"""The tables a week's export holds as Parquet and CSV (the workbook has its own sheets: ``voc.export.workbook``)."""


def write_exports(
    week: str,
    tables: dict[str, pd.DataFrame],
    out_dir: Path,
    config: ExportConfig,
    history: pd.DataFrame | None = None,
    links: dict[str, str] | None = None,
) -> list[Path]:
    """Write ``tables`` of ``week`` into ``out_dir`` in the configured formats; return the paths.

    Args:
        week: The report week, like ``2026-W47``.
        tables: Output of ``voc.insights.tables.build_weekly_tables``.
        out_dir: The week's export folder (``exports/<week>/``); created if missing.
        config: The ``export`` config section.
        history: Optional per week and topic ``volume`` of earlier weeks (``iso_week``,
            ``topic_id``, ``volume``; e.g. ``voc.insights.tables.topic_history`` or stored
            ``topic_week`` rows) for the report's trend charts.
        links: Per source name, its ``link_template`` (quotes link to the message at the source).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    safe = redact_tables(tables)
    names = [n for n in TABLE_ORDER if n in safe] + sorted(set(safe) - set(TABLE_ORDER))
    written: list[Path] = []
    for name in names:
        df = safe[name]
        if "parquet" in config.formats:
            written.append(_atomic(out_dir / f"{name}.parquet",
                                   lambda p, df=df: df.to_parquet(p, index=False)))
        if "csv" in config.formats:
            # UTF-8 with BOM (Excel reads Thai), text fields quoted (a bare \r stays in its row)
            written.append(_atomic(out_dir / f"{name}.csv", lambda p, df=df: write_csv(df, p)))
    if "xlsx" in config.formats:
        loc = Locale(config.report_language, config.buddhist_era)
        written.append(_atomic(out_dir / f"voc-{week}.xlsx",
                               lambda p: write_pm_workbook(p, week, safe, loc, links)))
    if "html" in config.formats:
        page = render_report(week, safe, config, history, links)
        written.append(_atomic(out_dir / "report.html",
                               lambda p: Path(p).write_text(page, encoding="utf-8")))
    return written


def redact_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``tables`` with personal data redacted from every text cell (the last guard before files leave)."""
    # Upstream text is already redacted; this catches anything that slipped past (a label, a segment
    # value or a quote built from raw text, a rule added later), since exports leave the organisation.
    from voc.privacy import redact_frame

    return {name: redact_frame(df) for name, df in tables.items()}


def write_workbook(path: str | Path, tables: dict[str, pd.DataFrame]) -> None:
    """One formatted sheet per table as stored (column names as headers): styled frozen header, autofilter."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    header_font = Font(bold=True, color="FFFFFF", name="Tahoma")
    header_fill = PatternFill("solid", fgColor="1F3B57")
    body_font = Font(name="Tahoma")  # ships Thai glyphs on Windows and macOS
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for name, df in tables.items():
        ws = wb.create_sheet(title=name[:31])
        ws.append(list(df.columns))
        for row in df.itertuples(index=False):
            ws.append([_cell(v) for v in row])
        _no_formulas(ws)
        for cell in ws[1]:
            cell.font, cell.fill = header_font, header_fill
        ws.freeze_panes = "A2"
        if len(df.columns):
            ws.auto_filter.ref = ws.dimensions
        for i, col in enumerate(df.columns, start=1):
            letter = get_column_letter(i)
            long_text = col.startswith("quote") or col in ("top_terms", "data_note", "error")
            sample = [_display_width(str(v)) for v in df[col].head(200) if not _is_missing(v)]
            width = max([_display_width(col)] + sample) + 2
            ws.column_dimensions[letter].width = min(max(width, 8), 60 if long_text else 40)
            fmt = _number_format(col)
            for cell in ws[letter][1:]:
                cell.font = body_font
                cell.alignment = wrap if long_text else top
                if fmt and isinstance(cell.value, (int, float)):
                    cell.number_format = fmt
    if not wb.sheetnames:
        wb.create_sheet("empty")
    wb.save(path)


def _no_formulas(ws) -> None:
    """Make every text cell that openpyxl would write as a formula a plain string cell (never run)."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f" or is_formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True  # Excel keeps it text when the cell is edited


def _number_format(col: str) -> str | None:
    if col.endswith(("p_value", "q_value")):
        return "0.0000"
    if col.startswith("pct_") or col.endswith("_pct") or "net_" in col or col == "net_sentiment":
        return "0.0"
    if col in ("mean_rating", "mean_with", "mean_without", "effect", "ci_low", "ci_high", "impact",
               "rate_ratio", "expected_volume", "baseline_weekly_mean", "negative_share",
               "baseline_negative_share", "trend_slope"):
        return "0.00"
    return None


def _display_width(text: str) -> int:
    """Columns a string takes: Thai vowel and tone marks sit above/below, taking no width."""
    return sum(0 if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn" else 1 for ch in text)


def _is_missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def _cell(v: object) -> object:
    """A value openpyxl accepts: NaN/NA as empty, numpy scalars as Python, infinity as text."""
    if _is_missing(v):
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def _atomic(path: Path, write: Callable[[str], object]) -> Path:
    """Write ``path`` via a temporary file in its folder, then move it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; exports are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
