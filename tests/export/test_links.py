"""Per-source link_template: validated in the config, turns quote ids into safe http(s) links."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from voc.export.config import ExportConfig
from voc.export.report import quote_link, render_report
from voc.ingest.config import FileSource
from voc.insights.config import InsightsConfig
from voc.insights.synthetic import (
    planted_records,
    planted_run_log,
    planted_topic_registry,
)
from voc.insights.tables import build_weekly_tables

WEEK = "2026-W10"


def _source(**kw):
    return FileSource(name="crm", path="x.csv", columns={"text": "body"}, **kw)


def test_link_template_needs_an_id_and_http():
    assert _source(link_template="https://crm.example/tickets/{id}").link_template
    with pytest.raises(ValidationError, match=r"must contain \{id\}"):
        _source(link_template="https://crm.example/tickets/")
    with pytest.raises(ValidationError, match="https://"):
        _source(link_template="javascript:alert('{id}')")


def test_ids_are_quoted_into_the_link():
    assert quote_link("https://crm.example/t/{id}", "A/1 2?x=<b>") == "https://crm.example/t/A%2F1%202%3Fx%3D%3Cb%3E"
    assert quote_link("https://crm.example/t/{id}", None) is None
    assert quote_link("ftp://x/{id}", "1") is None and quote_link(None, "1") is None


def test_report_links_quotes_of_sources_with_a_template(tmp_path):
    records = planted_records(WEEK, seed=0)
    tables = build_weekly_tables(WEEK, records, planted_topic_registry(WEEK), planted_run_log(WEEK, records),
                                 InsightsConfig())
    qw = tables["quote_week"]
    qw["source_id"] = [f"TCK-{i}" for i in range(len(qw))]
    page = render_report(WEEK, tables, ExportConfig(), links={"app_store": "https://crm.example/tickets/{id}"})
    app = qw[qw["source"] == "app_store"]
    other = qw[qw["source"] != "app_store"]
    assert len(app) and len(other)
    for sid in app["source_id"]:
        assert f'<a href="https://crm.example/tickets/{sid}">{sid}</a>' in page
    for sid in other["source_id"]:
        assert f"tickets/{sid}" not in page and sid in page  # the id is shown, not linked
