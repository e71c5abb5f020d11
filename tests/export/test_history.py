"""exports/index.html lists every exported week, and each report links to the previous and next week."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from voc.export.config import ExportConfig
from voc.export.history import NAV_START, exported_weeks, set_history_nav, write_history
from voc.export.writers import write_exports
from voc.insights.config import InsightsConfig
from voc.insights.synthetic import planted_records, planted_run_log, planted_topic_registry
from voc.insights.tables import build_weekly_tables

WEEKS = ["2026-W05", "2026-W07", "2026-W08"]  # W06 has no export: previous of W07 is W05


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))


def links(page: str) -> list[dict]:
    p = Links()
    p.feed(page)
    return p.links


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> tuple[Path, pd.DataFrame, pd.DataFrame]:
    root = tmp_path_factory.mktemp("exports")
    cfg = InsightsConfig()
    summaries, themes = [], []
    for i, week in enumerate(WEEKS):
        records = planted_records(week, seed=i)
        failed = ("line_oa",) if week == WEEKS[1] else ()
        run_log = planted_run_log(week, records, failed)
        tables = build_weekly_tables(week, records, planted_topic_registry(week), run_log, cfg)
        write_exports(week, tables, root / week, ExportConfig())
        summaries.append(tables["summary"])
        themes.append(tables["theme_week"])
    return root, pd.concat(summaries, ignore_index=True), pd.concat(themes, ignore_index=True)


def test_index_lists_every_week_newest_first_with_links_that_resolve(exports):
    root, summaries, themes = exports
    (root / "notes").mkdir(exist_ok=True)  # a folder that is not a week is not listed
    (root / "2026-W09").mkdir(exist_ok=True)  # nor is a week folder without a report or workbook
    [index] = write_history(root, ExportConfig(report_language="en"), summaries, themes)
    page = index.read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-week="([^"]+)"', page)
    assert rows == WEEKS[::-1]
    hrefs = [a["href"] for a in links(page)]
    assert f"{WEEKS[-1]}/report.html" in hrefs and f"{WEEKS[0]}/voc-{WEEKS[0]}.xlsx" in hrefs
    for href in hrefs:
        assert (root / href).is_file(), href
    assert not list(root.glob(".*.tmp"))


def test_headlines_carry_the_weeks_numbers(exports):
    root, summaries, themes = exports
    page = write_history(root, ExportConfig(report_language="en"), summaries, themes)[0].read_text(encoding="utf-8")
    last = summaries[summaries["iso_week"] == WEEKS[-1]].iloc[0]
    row = re.search(rf'<tr data-week="{WEEKS[-1]}">(.*?)</tr>', page).group(1)
    assert f"{int(last['records']):,} messages" in row and "2 rising themes" in row and "1 new theme" in row
    partial = re.search(rf'<tr data-week="{WEEKS[1]}">(.*?)</tr>', page).group(1)
    assert "partial week: line_oa failed" in partial
    th = write_history(root, ExportConfig(report_language="th"), summaries, themes)[0].read_text(encoding="utf-8")
    assert "ธีมใหม่ 1" in th and "ข้อความ" in th and '<html lang="th">' in th


def test_each_report_links_to_its_neighbours_and_the_ends_have_none(exports):
    root, summaries, themes = exports
    write_history(root, ExportConfig(), summaries, themes)
    expected = {WEEKS[0]: (None, WEEKS[1]), WEEKS[1]: (WEEKS[0], WEEKS[2]), WEEKS[2]: (WEEKS[1], None)}
    for week, (prev, nxt) in expected.items():
        report = root / week / "report.html"
        page = report.read_text(encoding="utf-8")
        assert page.count(NAV_START) == 1
        nav = [a for a in links(page) if "rel" in a or a["href"].endswith("index.html")]
        by_rel = {a.get("rel", "index"): a["href"] for a in nav}
        assert by_rel.get("prev") == (f"../{prev}/report.html" if prev else None)
        assert by_rel.get("next") == (f"../{nxt}/report.html" if nxt else None)
        for href in by_rel.values():
            assert (report.parent / href).resolve().is_file(), (week, href)


def test_rerunning_replaces_the_links_and_a_new_week_updates_its_neighbour(exports, tmp_path):
    root, summaries, themes = exports
    write_history(root, ExportConfig(), summaries, themes)
    before = (root / WEEKS[0] / "report.html").read_text(encoding="utf-8")
    write_history(root, ExportConfig(), summaries, themes)
    assert (root / WEEKS[0] / "report.html").read_text(encoding="utf-8") == before  # idempotent
    copy = tmp_path / "exports"
    for w in WEEKS:
        (copy / w).mkdir(parents=True)
        (copy / w / "report.html").write_text((root / w / "report.html").read_text(encoding="utf-8"), "utf-8")
    (copy / "2026-W10").mkdir()
    (copy / "2026-W10" / "report.html").write_text("<html><body><p>week 10</p></body></html>", "utf-8")
    write_history(copy, ExportConfig(), summaries, themes)
    old_last = (copy / WEEKS[-1] / "report.html").read_text(encoding="utf-8")
    assert 'rel="next" href="../2026-W10/report.html"' in old_last and old_last.count(NAV_START) == 1
    new = (copy / "2026-W10" / "report.html").read_text(encoding="utf-8")
    assert new.startswith("<html><body>" + NAV_START)  # a report without the slot gets the links first
    index = (copy / "index.html").read_text(encoding="utf-8")
    assert "no summary stored" in re.search(r'<tr data-week="2026-W10">(.*?)</tr>', index).group(1)


def test_a_week_missing_from_the_store_reads_its_own_summary_file(exports):
    root, _, _ = exports
    page = write_history(root, ExportConfig(report_language="en"))[0].read_text(encoding="utf-8")
    for w in WEEKS:
        assert "messages" in re.search(rf'<tr data-week="{w}">(.*?)</tr>', page).group(1)


def test_index_text_is_escaped(tmp_path):
    (tmp_path / "2026-W10").mkdir()
    (tmp_path / "2026-W10" / "report.html").write_text("<html><body></body></html>", "utf-8")
    summary = pd.DataFrame([{"iso_week": "2026-W10", "records": 5, "is_partial": True,
                             "missing_sources": "<img src=x onerror=alert(1)>"}])
    page = write_history(tmp_path, ExportConfig(report_title="VOC <beta>"), summary)[0].read_text(encoding="utf-8")
    assert "<img" not in page and "&lt;img src=x" in page and "VOC &lt;beta&gt;" in page


def test_nav_placement():
    assert set_history_nav("<p>x</p>", "NAV") == "NAV<p>x</p>"
    page = '<body class="a"><!--voc:history-->old<!--/voc:history--></body>'
    assert set_history_nav(page, "<!--voc:history-->new<!--/voc:history-->") == \
        '<body class="a"><!--voc:history-->new<!--/voc:history--></body>'
    assert exported_weeks(Path("/nonexistent/voc/exports")) == []


def test_index_title_is_the_report_title_never_none(exports):
    root, summaries, themes = exports
    for lang, default in (("en", "Voice of Customer weekly report"), ("th", "รายงานเสียงของลูกค้ารายสัปดาห์")):
        page = write_history(root, ExportConfig(report_language=lang), summaries, themes)[0].read_text(encoding="utf-8")
        title = re.search(r"<h1>(.*?)</h1>", page).group(1)
        assert title.startswith(default + " – ") and "None" not in title
    page = write_history(root, ExportConfig(report_title="NamJai VOC"), summaries, themes)[0].read_text(encoding="utf-8")
    assert "<h1>NamJai VOC – All weeks</h1>" in page
