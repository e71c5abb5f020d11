"""The weekly HTML report: one self-contained page a product manager reads in two minutes.

What changed comes first, in plain words with its evidence; then the week in numbers, themes with
their topics folded under them, where it hurts (theme x segment, impact against volume), quotes
with a filter, trends, data quality and how to read it. Charts are inline SVG, styles inline CSS
with a Thai font stack, and the only script is the small inline quote filter: nothing is fetched.
Every customer-authored string is HTML-escaped; every fixed phrase comes from ``voc.export.i18n``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from html import escape
from urllib.parse import quote as url_quote

import pandas as pd

from voc.export import svg
from voc.export.changes import Sentence, ratings_by_scale, scale_name, what_changed
from voc.export.config import ExportConfig
from voc.export.i18n import Locale, number
from voc.insights.segments import LIFT, MIN_CELL, NEGATIVE_POINTS, P_LIMIT
from voc.schema import OUTLIER_TOPIC_ID
from voc.weeks import shift_week

MAX_SEGMENT_VALUES = 8
"""Columns of a theme x segment grid (the biggest segment values)."""


def render_report(
    week: str,
    tables: dict[str, pd.DataFrame],
    config: ExportConfig,
    history: pd.DataFrame | None = None,
    links: dict[str, str] | None = None,
) -> str:
    """The report of ``week`` as one HTML document (a string).

    Args:
        week: The report week.
        tables: The week's insight tables.
        config: The ``export`` section.
        history: Unused by the page now (theme trends come from ``theme_week``); kept for callers.
        links: Per source name, a ``link_template`` with ``{id}`` (quotes link to their message).
    """
    return _Report(week, tables, config, links or {}).html()


def _quote_text(text: object) -> str:
    """A quote as written: a chat's turns stay on their own lines (``.qt`` keeps its line breaks)."""
    return f'<span class="qt">{escape(str(text))}</span>'


def quote_link(template: str | None, source_id: object) -> str | None:
    """The http(s) link of a message from its source's ``link_template``, or None."""
    if not template or source_id in (None, "") or not template.startswith(("https://", "http://")):
        return None
    return template.replace("{id}", url_quote(str(source_id), safe=""))


def theme_badges(row: dict) -> list[str]:
    """Badge keys of a theme row: ``badge_new``, or the emerging signals that flagged it."""
    if row.get("is_new"):
        return ["badge_new"]
    if not row.get("is_emerging"):
        return []
    signals = [s for s in str(row.get("emerging_signals") or row.get("signals") or "").split(",") if s]
    out = [k for s, k in (("volume", "badge_volume"), ("negative_share", "badge_negative")) if s in signals]
    return out or ["badge_volume"]


class _Report:
    def __init__(self, week: str, tables: dict[str, pd.DataFrame], config: ExportConfig, links: dict[str, str]) -> None:
        self.week = week
        self.cfg = config
        self.tables = tables
        self.loc = Locale(config.report_language, config.buddhist_era)
        summary = tables.get("summary")
        self.s = summary.iloc[0].to_dict() if summary is not None and len(summary) else {}
        self.links = links

    # -- words -------------------------------------------------------------------------
    def t(self, key: str, **values: object) -> str:
        return escape(self.loc.t(key, **values))

    def table(self, name: str) -> pd.DataFrame:
        t = self.tables.get(name)
        return t if t is not None else pd.DataFrame()

    def themes(self) -> pd.DataFrame:
        tw = self.table("theme_week")
        return tw[tw["volume"] > 0] if not tw.empty else tw

    # -- page --------------------------------------------------------------------------
    def html(self) -> str:
        s = self.s
        sections = [self.banners(), self.changes()]
        if s and s.get("data_status") != "empty":
            sections += [
                self.headline(),
                self.theme_table(),
                self.where_it_hurts(),
                self.impact(),
                self.quotes(),
                self.trends(),
            ]
        sections += [self.quality(), self.method()]
        title = escape(self.cfg.report_title or self.loc.t("title"))
        sub = (
            self.t(
                "generated_for",
                week=self.week,
                start=self.loc.date(s.get("week_start")),
                end=self.loc.date(s.get("week_end")),
            )
            if s
            else escape(self.week)
        )
        return f"""<!DOCTYPE html>
<html lang="{self.loc.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – {escape(self.week)}</title>
<style>{_CSS}</style></head>
<body><header><h1>{title}</h1>
<p class="sub">{sub}</p><!--voc:history--><!--/voc:history--></header>
<main>{"".join(sections)}</main>{_SCRIPT}</body></html>
"""

    def banners(self) -> str:
        s, out = self.s, []
        if not s:
            return f'<div class="banner warn">{self.t("empty")}</div>'
        if s.get("is_partial"):
            out.append(
                f'<div class="banner bad">{self.t("partial")} <b>{escape(str(s.get("missing_sources", "")))}</b></div>'
            )
        status = s.get("data_status")
        if status == "empty":
            out.append(f'<div class="banner warn">{self.t("empty")}</div>')
        elif status == "low":
            out.append(f'<div class="banner warn">{self.t("low", n=self.loc.whole(s.get("records")))}</div>')
        if status != "empty" and number(s.get("baseline_weeks")) < 1:
            out.append(f'<div class="banner info">{self.t("no_history")}</div>')
        return "".join(out)

    def changes(self) -> str:
        sentences = what_changed(self.tables, self.loc)
        head = f'<section id="summary"><h2>{self.t("what_changed")}</h2>'
        if not sentences:
            return head + f'<p class="empty">{self.t("nothing_changed")}</p></section>'
        items = "".join(self._sentence(x) for x in sentences)
        return head + f'<ul class="changes">{items}</ul></section>'

    def _sentence(self, x: Sentence) -> str:
        q = ""
        if x.quote and x.quote.get("text"):
            q = f"<blockquote>{_quote_text(x.quote['text'])}{self._quote_meta(x.quote)}</blockquote>"
        ev = ", ".join(
            f"{escape(self.loc.evidence_name(k))} = {escape(_evidence_value(v))}" for k, v in x.evidence.items()
        )
        return (
            f'<li class="s-{escape(x.kind)}" data-kind="{escape(x.kind)}">{escape(x.text)}'
            f'<div class="ev">{self.t("evidence")}: {ev}</div>{q}</li>'
        )

    def _quote_meta(self, q: dict) -> str:
        parts = [
            escape(self.loc.channel(q.get("channel"))),
            escape(self.loc.date(q.get("created_date"))),
            escape(str(q.get("source") or "")),
        ]
        sid = q.get("source_id")
        if sid:
            link = quote_link(self.links.get(str(q.get("source"))), sid)
            parts.append(f'<a href="{escape(link)}">{escape(str(sid))}</a>' if link else escape(str(sid)))
        return f"<cite>{' · '.join(p for p in parts if p)}</cite>"

    def headline(self) -> str:
        s, loc = self.s, self.loc
        themes = self.themes()
        n_new = int(themes["is_new"].astype(bool).sum()) if not themes.empty else 0
        n_emerging = (
            int((themes["is_emerging"].astype(bool) & ~themes["is_new"].astype(bool)).sum()) if not themes.empty else 0
        )
        records_change = (
            f"{loc.signed_int(s.get('change_abs'))} ({loc.signed_pct(s.get('change_pct'))})"
            if not math.isnan(number(s.get("change_pct")))
            else loc.signed_int(s.get("change_abs"))
        )
        ratings = ratings_by_scale(self.tables)
        rating_lines = (
            "<br>".join(
                escape(
                    f"{scale_name(r['scale'], loc)}: "
                    + (f"NPS {loc.signed(r['nps'], 0)}" if "nps" in r else loc.num(r.get("mean"), 2))
                    + f" (n = {loc.whole(r['n'])})"
                )
                for r in ratings
            )
            or "–"
        )
        tiles = [
            (self.t("records"), loc.whole(s.get("records")), f"{escape(records_change)} {self.t('vs_prev')}"),
            (
                self.t("net"),
                escape(loc.signed(s.get("net_sentiment"))),
                f"{escape(loc.signed(s.get('net_change')))} {self.t('vs_prev')}",
            ),
            (self.t("rating"), f'<span class="small">{rating_lines}</span>', ""),
            (self.t("new_themes"), str(n_new), ""),
            (self.t("emerging_themes"), str(n_emerging), ""),
        ]
        cells = "".join(
            f'<div class="tile" data-tile="{i}"><div class="k">{k}</div><div class="n">{v}</div><div class="d">{d}</div></div>'
            for i, (k, v, d) in enumerate(tiles)
        )
        bar = svg.sentiment_bar(
            number(s.get("pct_positive")),
            number(s.get("pct_neutral")),
            number(s.get("pct_negative")),
            width=420,
            height=16,
            title=self._mix_title(s),
        )
        return (
            f'<section id="headline"><h2>{self.t("headline")}</h2><div class="tiles">{cells}</div>'
            f'<div class="mix">{bar} {self._legend(s)}</div></section>'
        )

    def theme_table(self) -> str:
        themes, loc = self.themes(), self.loc
        head = f'<section id="themes"><h2>{self.t("themes")}</h2>'
        if themes.empty:
            return head + f'<p class="empty">{self.t("no_rows")}</p></section>'
        topics = self.table("topic_week")
        topics = topics.set_index("topic_id") if not topics.empty else topics
        emerging = self.table("emerging_topics")
        signals = dict(zip(emerging["topic_id"], emerging["signals"], strict=False)) if not emerging.empty else {}
        impact = self.table("theme_impact")
        impact = impact.set_index("theme_id") if not impact.empty else impact
        rows = []
        for r in themes.to_dict("records"):
            badges = "".join(f' <span class="badge {k}">{self.t(k)}</span>' for k in theme_badges(r))
            tids = [t for t in _json_list(r.get("topic_ids")) if not topics.empty and t in topics.index]
            sub = []
            for tid in sorted(tids, key=lambda t: (-number(topics.at[t, "volume"]), t)):
                tr = topics.loc[tid].to_dict()
                tr["signals"] = signals.get(tid, "")
                tb = "".join(f' <span class="badge {k}">{self.t(k)}</span>' for k in theme_badges(tr))
                sub.append(
                    f'<tr data-topic="{escape(tid)}"><td>{escape(_label(tr.get("topic_label"), loc))}{tb}</td>'
                    f'<td class="r">{loc.whole(tr["volume"])}</td>'
                    f'<td class="r">{escape(self._change(tr))}</td>'
                    f'<td class="r">{loc.pct(tr.get("pct_negative"))}</td>'
                    f'<td class="terms">{escape(str(tr.get("top_terms") or ""))}</td></tr>'
                )
            folded = ""
            if sub:
                folded = (
                    f"<details><summary>{escape(loc.count('show_topics', len(sub)))}</summary>"
                    f'<table class="sub"><tbody>{"".join(sub)}</tbody></table></details>'
                )
            imp = impact.loc[r["theme_id"]].to_dict() if not impact.empty and r["theme_id"] in impact.index else {}
            effect = number(imp.get("rating_effect"))
            eff = (
                f"{escape(loc.rating_diff(effect, imp.get('rating_scale')))}"
                f"<br><small>{escape(_text(imp.get('rating_source')))}</small>"
                if not math.isnan(effect)
                else f"<small>{self.t('no_rating')}</small>"
            )
            rows.append(
                f'<tr class="theme" data-theme="{escape(str(r["theme_id"]))}" data-badges="{" ".join(theme_badges(r))}">'
                f"<td><b>{escape(_label(r['theme_label'], loc))}</b>{badges}{folded}</td>"
                f'<td class="r" data-col="volume">{loc.whole(r["volume"])}</td>'
                f'<td class="r">{loc.pct(r["share_pct"])}</td>'
                f'<td class="r" data-col="change">{escape(self._change(r))}</td>'
                f"<td>{svg.sentiment_bar(math.nan, math.nan, math.nan) if math.isnan(number(r.get('pct_negative'))) else self._neg_bar(r)}"
                f"<br><small>{escape(loc.pct(r.get('pct_negative')))} {self.t('negative')} · "
                f"{self.t('net')} {escape(loc.signed(r.get('net_sentiment')))}</small></td>"
                f'<td class="r">{eff}</td></tr>'
            )
        header = "".join(
            f"<th>{self.t(k)}</th>" for k in ("theme", "volume", "share", "change", "sentiment", "rating_effect")
        )
        return head + f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"

    def _change(self, r: dict) -> str:
        loc = self.loc
        pct = number(r.get("change_pct"))
        return (
            f"{loc.signed_int(r.get('change_abs'))} ({loc.signed_pct(pct)})"
            if not math.isnan(pct)
            else loc.signed_int(r.get("change_abs"))
        )

    def _neg_bar(self, r: dict) -> str:
        """A theme's positive / neutral / negative bar: the theme table holds % negative and net
        sentiment (% positive minus % negative), so % positive is their sum."""
        neg, net = number(r.get("pct_negative")), number(r.get("net_sentiment"))
        pos = 0.0 if math.isnan(net) else min(max(net + neg, 0.0), 100.0 - neg)
        loc = self.loc
        return svg.sentiment_bar(
            pos, 100.0 - neg - pos, neg, width=140,
            title=f"{loc.pct(pos)} {loc.t('positive')} · {loc.pct(neg)} {loc.t('negative')}",
        )

    def where_it_hurts(self) -> str:
        seg, loc = self.table("theme_segment_week"), self.loc
        head = f'<section id="segments"><h2>{self.t("where_it_hurts")}</h2>'
        if seg.empty:
            return head + f'<p class="empty">{self.t("no_rows")}</p></section>'
        order = [t for t in self.themes()["theme_id"] if t != OUTLIER_TOPIC_ID][: self.cfg.top_topics]
        labels = dict(zip(seg["theme_id"], seg["theme_label"], strict=False))
        blocks = []
        for field, g in seg.groupby("segment_field", sort=False):
            values = (
                g.groupby("segment_value")["segment_volume"]
                .max()
                .sort_values(ascending=False)
                .index[:MAX_SEGMENT_VALUES]
                .tolist()
            )
            if len(values) < 2:
                continue  # one value: nothing to compare
            cells = {(r["theme_id"], r["segment_value"]): r for r in g.to_dict("records")}
            body = []
            for tid in order:
                tds = []
                for v in values:
                    c = cells.get((tid, v))
                    if c is None:
                        tds.append('<td class="r muted">–</td>')
                        continue
                    why = [loc.t("reason_" + x) for x in str(c["reason"]).split(",") if x]
                    cls = "r out" if c["stands_out"] else "r"
                    title = f' title="{escape("; ".join(why))}"' if why else ""
                    tds.append(
                        f'<td class="{cls}"{title}>{loc.whole(c["volume"])}'
                        f"<br><small>{escape(loc.pct(c['pct_negative']))} {self.t('negative')}</small></td>"
                    )
                body.append(f"<tr><td>{escape(_label(labels.get(tid, tid), loc))}</td>{''.join(tds)}</tr>")
            header = "".join(f'<th class="r">{escape(loc.segment_value(v, field))}</th>' for v in values)
            note = (f'<p class="note">{self.t("language_note")}</p>'
                    if field == "language" and "mixed" in values else "")
            blocks.append(
                f'<h3>{escape(_field_name(str(field), loc))}</h3>{note}<div class="scroll"><table class="grid">'
                f"<thead><tr><th>{self.t('theme')}</th>{header}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table></div>"
            )
        rule = self.t("segment_rule", lift=loc.num(LIFT, 1), points=loc.whole(NEGATIVE_POINTS), min=MIN_CELL, p=P_LIMIT)
        return head + f'<p class="note">{rule}</p>{"".join(blocks)}</section>'

    def impact(self) -> str:
        imp, loc = self.table("theme_impact"), self.loc
        head = f'<section id="impact"><h2>{self.t("impact_title")}</h2>'
        if imp.empty:
            return head + f'<p class="empty">{self.t("no_rows")}</p></section>'
        imp = imp[imp["theme_id"] != OUTLIER_TOPIC_ID]
        points = [
            (_label(r["theme_label"], loc), float(r["volume"]), number(r["rating_effect"]), str(r["direction"]))
            for r in imp.to_dict("records")
        ]
        texts = [loc.rating_diff(r["rating_effect"], r.get("rating_scale")) for r in imp.to_dict("records")]
        chart = svg.impact_scatter(points, loc.t("volume"), loc.t("rating_effect"), effect_texts=texts)
        rows = "".join(
            f'<tr><td class="r">{loc.whole(r["priority"])}</td><td>{escape(_label(r["theme_label"], loc))}</td>'
            f'<td class="r">{loc.whole(r["volume"])}</td>'
            f'<td class="r">{escape(loc.rating_diff(r["rating_effect"], r.get("rating_scale")))}'
            + (
                f" <small>[{escape(loc.num(r['ci_low'], 2))}, {escape(loc.num(r['ci_high'], 2))}]</small>"
                if not math.isnan(number(r["ci_low"]))
                else ""
            )
            + f'</td><td class="r">{escape(loc.rating_diff(r["impact"], r.get("rating_scale")))}</td>'
            f"<td>{escape(_text(r.get('rating_source'))) or self.t('no_rating')}</td></tr>"
            for r in imp.to_dict("records")
        )
        header = "".join(
            f"<th>{self.t(k)}</th>" for k in ("priority", "theme", "volume", "rating_effect", "impact", "rating_source")
        )
        return (
            head + f'<p class="note">{self.t("impact_note")}</p>{chart}'
            f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table></section>"
        )

    def quotes(self) -> str:
        qw, loc = self.table("quote_week"), self.loc
        head = f'<section id="quotes"><h2>{self.t("quotes")}</h2>'
        if qw.empty:
            return head + f'<p class="empty">{self.t("no_rows")}</p></section>'
        qw = qw[qw["rank"] <= self.cfg.quotes_in_report]
        order = {t: i for i, t in enumerate(self.themes()["theme_id"])}
        qw = qw.assign(_o=qw["theme_id"].map(order).fillna(len(order))).sort_values(["_o", "topic_id", "rank"])
        channels = sorted({str(c) for c in qw["channel"].dropna()})
        segments: set[str] = set()
        items = []
        for _theme_id, g in qw.groupby("theme_id", sort=False):
            lis = []
            for r in g.to_dict("records"):
                segs = _segment_pairs(r.get("segments"))
                segments.update(segs)
                lis.append(
                    f'<li class="quote" data-channel="{escape(str(r.get("channel") or ""))}" '
                    f'data-segments="|{escape("|".join(segs))}|"><blockquote>{_quote_text(r["text"])}'
                    f'<span class="tl">{escape(_label(r["topic_label"], loc))}</span>'
                    f"{self._quote_meta(r)}</blockquote></li>"
                )
            items.append(
                f'<div class="qtheme"><h3>{escape(_label(g["theme_label"].iloc[0], loc))}</h3>'
                f"<ul>{''.join(lis)}</ul></div>"
            )
        opt = f'<option value="">{self.t("filter_all")}</option>'
        ch_opts = opt + "".join(f'<option value="{escape(c)}">{escape(loc.channel(c))}</option>' for c in channels)
        seg_opts = opt + "".join(
            f'<option value="{escape(s)}">{escape(s.replace("=", ": "))}</option>' for s in sorted(segments)
        )
        shown = escape(loc.t("quotes_shown", n="\x00")).replace("\x00", f'<span id="qf-count">{len(qw)}</span>')
        controls = (
            f'<div class="filters"><label>{self.t("filter_channel")} <select id="qf-channel">{ch_opts}'
            f'</select></label> <label>{self.t("filter_segment")} <select id="qf-segment">{seg_opts}'
            f'</select></label> <span class="note">{shown}</span></div>'
        )
        return head + controls + f'<div class="quotes">{"".join(items)}</div></section>'

    def trends(self) -> str:
        s, loc = self.s, self.loc
        weeks_all = _json_list(s.get("history_weeks"))
        n = self.cfg.trend_weeks
        weeks = [shift_week(self.week, -k) for k in range(n - 1, -1, -1)]
        head = f'<section id="trends"><h2>{self.t("trends")}</h2>'
        total = dict(zip(weeks_all, _json_list(s.get("weekly_volume")), strict=False))
        net = dict(zip(weeks_all, _json_list(s.get("weekly_net_sentiment")), strict=False))
        charts = [
            svg.week_bars([total.get(w, 0) for w in weeks], weeks, loc.t("overall"), width=460, height=120),
            svg.week_line([net.get(w) for w in weeks], weeks, loc.t("net_week")),
        ]
        multiples = []
        themes = self.themes()
        top = (
            themes[themes["theme_id"] != OUTLIER_TOPIC_ID].head(min(self.cfg.top_topics, 12))
            if not themes.empty
            else themes
        )
        for r in top.to_dict("records"):
            series = [number(v) for v in _json_list(r.get("trend"))]
            sweeks = [shift_week(self.week, -k) for k in range(len(series) - 1, -1, -1)]
            multiples.append(f'<div class="sm">{svg.week_bars(series, sweeks, _label(r["theme_label"], loc))}</div>')
        return (
            head + f'<div class="row">{"".join(charts)}</div>'
            f'<div class="multiples">{"".join(multiples)}</div></section>'
        )

    def quality(self) -> str:
        dq, loc = self.table("data_quality"), self.loc
        head = f'<section id="quality"><h2>{self.t("quality")}</h2>'
        if dq.empty:
            return head + f'<p class="empty">{self.t("no_rows")}</p></section>'
        rows = "".join(
            f'<tr class="{"bad" if r["status"] != "ok" else ""}"><td class="nw">{escape(str(r["source"]))}</td>'
            f'<td class="nw">{self.t("status_" + str(r["status"])) if r["status"] in ("ok", "failed", "partial") else escape(str(r["status"]))}</td>'
            f'<td class="r">{loc.whole(r["read"])}</td>'
            f'<td class="r">{loc.whole(r["accepted"])}</td><td class="r">{loc.whole(r["duplicates"])}</td>'
            f'<td class="r">{loc.whole(r["quarantined"])}</td><td class="r">{loc.whole(r["counted"])}</td>'
            f'<td class="r">{loc.whole(r.get("unreadable_ratings"))}</td>'
            f"<td>{escape(_breakdown_text(r['languages'], loc.language))}</td><td>{escape(str(r.get('error') or ''))}</td></tr>"
            for r in dq.to_dict("records")
        )
        cols = ["source", "status", "read", "accepted", "duplicates", "quarantined", "counted", "unreadable_ratings",
                "languages", "error"]
        header = "".join(f"<th>{self.t(c)}</th>" for c in cols)
        return (
            head
            + f'<div class="scroll"><table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table></div></section>'
        )

    def method(self) -> str:
        s = self.s
        if not s:
            return ""
        return (
            f'<section class="method"><h2>{self.t("method")}</h2><ul>'
            f"<li>{self.t('method_counts')}</li>"
            f"<li>{self.t('method_emerging', baseline=self.loc.whole(s.get('baseline_weeks')), min=self.loc.whole(s.get('min_volume')))}</li>"
            f"<li>{self.t('impact_note')}</li>"
            f"<li>{self.t('method_privacy')}</li></ul></section>"
        )

    def _legend(self, s: dict | None) -> str:
        keys = (("positive", svg.POSITIVE), ("neutral", svg.NEUTRAL), ("negative", svg.NEGATIVE))
        if s:
            vals = (s.get("pct_positive"), s.get("pct_neutral"), s.get("pct_negative"))
            return " ".join(
                f'<span class="dot" style="background:{c}"></span>{self.t(k)} {self.loc.pct(v)}'
                for (k, c), v in zip(keys, vals, strict=False)
            )
        return " ".join(f'<span class="dot" style="background:{c}"></span>{self.t(k)}' for k, c in keys)

    def _mix_title(self, r: dict) -> str:
        loc = self.loc
        return ", ".join(f"{loc.t(k)} {loc.pct(r.get('pct_' + k))}" for k in ("positive", "neutral", "negative"))


# The quote filter: hides quotes whose channel or segments do not match the chosen values.
_SCRIPT = """<script>
(function () {
  var ch = document.getElementById('qf-channel'), sg = document.getElementById('qf-segment');
  var count = document.getElementById('qf-count');
  if (!ch || !sg) { return; }
  function apply() {
    var c = ch.value, s = sg.value, shown = 0;
    var quotes = document.querySelectorAll('#quotes .quote');
    for (var i = 0; i < quotes.length; i++) {
      var q = quotes[i];
      var ok = (!c || q.getAttribute('data-channel') === c) &&
               (!s || q.getAttribute('data-segments').indexOf('|' + s + '|') >= 0);
      q.hidden = !ok;
      if (ok) { shown++; }
    }
    var groups = document.querySelectorAll('#quotes .qtheme');
    for (var j = 0; j < groups.length; j++) {
      groups[j].hidden = groups[j].querySelectorAll('.quote:not([hidden])').length === 0;
    }
    if (count) { count.textContent = String(shown); }
  }
  ch.addEventListener('change', apply);
  sg.addEventListener('change', apply);
  apply();
})();
</script>"""

_CSS = """
:root{--fg:#1d2329;--muted:#5d6670;--line:#dde1e5;--bg:#f7f8f9}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font-family:'Noto Sans Thai','Noto Sans','TH Sarabun New','Sarabun','Leelawadee UI','Tahoma','Loma','Garuda','Tlwg Typo',sans-serif;
font-size:15px;line-height:1.5}
header{background:#1f3b57;color:#fff;padding:18px 28px}
h1{margin:0;font-size:24px}.sub{margin:4px 0 0;opacity:.85}
main{max-width:1180px;margin:0 auto;padding:16px 28px 40px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:14px 0}
h2{font-size:18px;margin:0 0 10px}h3{font-size:15px;margin:10px 0 6px}
.banner{padding:10px 14px;border-radius:6px;margin:12px 0;font-weight:600}
.banner.bad{background:#fde2e4;border:1px solid #d1495b}.banner.warn{background:#fff4d6;border:1px solid #e0a800}
.banner.info{background:#e7f0fa;border:1px solid #3b6ea8}
.note{color:var(--muted);font-size:13px}.empty{color:var(--muted);font-style:italic}.muted{color:var(--muted)}
.changes{margin:0;padding-left:20px}.changes li{margin:0 0 10px}.ev{color:var(--muted);font-size:12px}
.changes .s-up,.changes .s-neg_up,.changes .s-emerging,.changes .s-source{font-weight:600}
.changes .ev,.changes blockquote{font-weight:400}
.tiles{display:flex;flex-wrap:wrap;gap:12px}.tile{flex:1 1 170px;border:1px solid var(--line);border-radius:6px;padding:10px 12px}
.tile .k{color:var(--muted);font-size:13px}.tile .n{font-size:24px;font-weight:700}.tile .n .small{font-size:15px}.tile .d{font-size:13px;color:var(--muted)}
.mix{margin-top:12px;font-size:13px}.dot{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top;text-align:left}
th{font-size:13px;color:var(--muted);font-weight:600}td.r,th.r{text-align:right;white-space:nowrap}.nw{white-space:nowrap}
table.sub td{font-size:13px;border-bottom:1px dotted var(--line)}details summary{cursor:pointer;color:#3b6ea8;font-size:13px}
table.grid td.out{background:#fde2e4;font-weight:700}.scroll{overflow-x:auto}
tr.bad td{background:#fde2e4}.terms{color:var(--muted);font-size:13px}
.badge{font-size:11px;border-radius:10px;padding:1px 7px;margin-left:4px;color:#fff;white-space:nowrap}
.badge.badge_new{background:#3b6ea8}.badge.badge_volume{background:#d1495b}.badge.badge_negative{background:#8e3b8e}
blockquote{margin:6px 0;padding:4px 10px;border-left:3px solid var(--line);background:var(--bg);font-size:14px;font-weight:400}
.qt{white-space:pre-line}cite{display:block;color:var(--muted);font-size:12px;font-style:normal}.tl{display:block;color:var(--muted);font-size:12px}
.filters{margin:0 0 10px}.filters select{font:inherit;margin-right:12px}
.quotes ul{list-style:none;padding:0;margin:0}.qtheme{margin-bottom:8px}
.row,.multiples{display:flex;flex-wrap:wrap;gap:18px}.sm{width:230px}
svg text{font-family:inherit;fill:var(--fg)}svg .t{font-size:12px;font-weight:600}svg .a{font-size:10px;fill:var(--muted)}svg .v{font-size:11px}
.method li{font-size:13px;color:var(--muted)}
"""


# -- helpers ---------------------------------------------------------------------------------


def _label(v: object, loc: Locale) -> str:
    """A theme or topic label; the outlier bucket in the report language."""
    return loc.t("other") if v in (None, "", OUTLIER_TOPIC_ID) else str(v)


def _text(v: object) -> str:
    """A cell as text; empty for a missing value (never 'nan')."""
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def _field_name(field: str, loc: Locale) -> str:
    return loc.t(field) if field in ("channel", "language") else field


def _segment_pairs(v: object) -> list[str]:
    try:
        d = json.loads(v) if isinstance(v, str) and v else {}
    except json.JSONDecodeError:
        return []
    if not isinstance(d, dict):
        return []
    return [f"{k}={val}".replace("|", "/") for k, val in sorted(d.items()) if val not in (None, "")]


def _evidence_value(v: object) -> str:
    if isinstance(v, float):
        return (
            "–"
            if math.isnan(v) or math.isinf(v)
            else (f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v)))
        )
    if isinstance(v, dict):
        return ", ".join(f"{k}: {_evidence_value(x)}" for k, x in v.items())
    if isinstance(v, list):
        return "[" + ", ".join(_evidence_value(x) for x in v) + "]"
    return "–" if v is None else str(v)


def _json_list(v: object) -> list:
    if isinstance(v, list):
        return v
    if not isinstance(v, str) or not v:
        return []
    try:
        out = json.loads(v)
    except json.JSONDecodeError:
        return []
    return out if isinstance(out, list) else []


def _breakdown_text(v: object, name: Callable[[object], str] = str) -> str:
    try:
        d = json.loads(v) if isinstance(v, str) else {}
    except json.JSONDecodeError:
        return str(v)
    return ", ".join(f"{name(k)} {n}" for k, n in d.items()) if isinstance(d, dict) else str(v)
