"""The weekly HTML report: one self-contained page a product manager reads in two minutes.

No script and no external request: charts are inline SVG, styles are inline CSS with a Thai
font stack. Every customer-authored string is HTML-escaped.
"""

from __future__ import annotations

import json
import math
from html import escape

import pandas as pd

from voc.export import svg
from voc.export.config import ExportConfig
from voc.weeks import shift_week

ALL = "(all)"

# English and Thai for every fixed phrase; ``report_language`` picks one or both.
_TEXT: dict[str, tuple[str, str]] = {
    "week": ("Week", "สัปดาห์"),
    "records": ("Records", "ข้อความ"),
    "vs_prev": ("vs previous week", "เทียบกับสัปดาห์ก่อน"),
    "net": ("Net sentiment", "ความรู้สึกสุทธิ"),
    "mean_rating": ("Mean rating", "คะแนนเฉลี่ย"),
    "new_topics": ("New topics", "หัวข้อใหม่"),
    "emerging": ("Emerging topics", "หัวข้อที่กำลังเพิ่มขึ้น"),
    "top_topics": ("Top topics", "หัวข้อหลัก"),
    "trends": ("Trends", "แนวโน้ม"),
    "overall": ("All records per week", "จำนวนข้อความทั้งหมดต่อสัปดาห์"),
    "net_week": ("Net sentiment per week", "ความรู้สึกสุทธิรายสัปดาห์"),
    "drivers": ("What moves the rating", "หัวข้อที่มีผลต่อคะแนน"),
    "channels": ("By channel", "แยกตามช่องทาง"),
    "languages": ("By language", "แยกตามภาษา"),
    "segments": ("By segment", "แยกตามกลุ่ม"),
    "quality": ("Data quality", "คุณภาพข้อมูล"),
    "method": ("How to read this report", "วิธีอ่านรายงานนี้"),
    "topic": ("Topic", "หัวข้อ"),
    "volume": ("Volume", "จำนวน"),
    "share": ("Share", "สัดส่วน"),
    "change": ("Change", "เปลี่ยนแปลง"),
    "sentiment": ("Sentiment", "ความรู้สึก"),
    "terms": ("Top terms", "คำเด่น"),
    "quotes": ("Quotes", "ตัวอย่างข้อความ"),
    "source": ("Source", "แหล่งข้อมูล"),
    "status": ("Status", "สถานะ"),
    "effect": ("Effect on rating", "ผลต่อคะแนน"),
    "partial": ("Partial week: these sources failed to load, and their records are missing from every figure:",
                "ข้อมูลไม่ครบ: แหล่งข้อมูลต่อไปนี้โหลดไม่สำเร็จ ตัวเลขทั้งหมดจึงไม่รวมข้อมูลจากแหล่งนี้:"),
    "empty": ("No customer records this week: there is nothing to report.",
              "สัปดาห์นี้ไม่มีข้อความจากลูกค้า จึงไม่มีข้อมูลให้รายงาน"),
    "low": ("Little data this week: changes and shares are unreliable.",
            "สัปดาห์นี้มีข้อมูลน้อย ตัวเลขการเปลี่ยนแปลงและสัดส่วนอาจคลาดเคลื่อน"),
    "no_history": ("Not enough earlier weeks to test for rises; only new topics are listed.",
                   "ยังมีข้อมูลสัปดาห์ก่อนหน้าไม่พอสำหรับทดสอบการเพิ่มขึ้น จึงแสดงเฉพาะหัวข้อใหม่"),
    "no_emerging": ("No topic rose significantly this week.", "ไม่มีหัวข้อใดเพิ่มขึ้นอย่างมีนัยสำคัญในสัปดาห์นี้"),
    "no_topics": ("No topics this week.", "ไม่มีหัวข้อในสัปดาห์นี้"),
    "no_drivers": ("Too few rated records to estimate effects on the rating.",
                   "ข้อความที่มีคะแนนมีน้อยเกินไปสำหรับการประเมินผลต่อคะแนน"),
    "no_rows": ("No data.", "ไม่มีข้อมูล"),
    "positive": ("positive", "บวก"), "neutral": ("neutral", "กลาง"), "negative": ("negative", "ลบ"),
    "new": ("new topic", "หัวข้อใหม่"),
    "rising": ("rising", "เพิ่มขึ้น"),
    "languages_col": ("Languages", "ภาษา"),
    "volume_rise": ("volume up", "จำนวนเพิ่มขึ้น"),
    "negative_rise": ("more negative", "ความรู้สึกลบเพิ่มขึ้น"),
}


def render_report(
    week: str, tables: dict[str, pd.DataFrame], config: ExportConfig,
    history: pd.DataFrame | None = None,
) -> str:
    """The report of ``week`` as one HTML document (a string)."""
    return _Report(week, tables, config, history).html()


class _Report:
    def __init__(self, week: str, tables: dict[str, pd.DataFrame], config: ExportConfig,
                 history: pd.DataFrame | None) -> None:
        self.week = week
        self.cfg = config
        self.tables = tables
        summary = tables.get("summary")
        self.s = summary.iloc[0].to_dict() if summary is not None and len(summary) else {}
        self.history = history

    # -- words -------------------------------------------------------------------------
    def t(self, key: str) -> str:
        en, th = _TEXT[key]
        lang = self.cfg.report_language
        return escape(en if lang == "en" else th if lang == "th" else f"{en} · {th}")

    def table(self, name: str) -> pd.DataFrame:
        return self.tables.get(name, pd.DataFrame())

    # -- page --------------------------------------------------------------------------
    def html(self) -> str:
        s = self.s
        dates = f"{s.get('week_start', '')} – {s.get('week_end', '')}" if s else ""
        sections = [self.banners(), self.headline()]
        if s.get("data_status") != "empty":
            sections += [self.emerging(), self.top_topics(), self.trends(), self.drivers(),
                         self.breakdowns()]
        sections += [self.quality(), self.method()]
        lang = "th" if self.cfg.report_language == "th" else "en"
        return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(self.cfg.report_title)} – {escape(self.week)}</title>
<style>{_CSS}</style></head>
<body><header><h1>{escape(self.cfg.report_title)}</h1>
<p class="sub">{self.t("week")} {escape(self.week)} · {escape(dates)}</p><!--voc:history--><!--/voc:history--></header>
<main>{"".join(sections)}</main></body></html>
"""

    def banners(self) -> str:
        s, out = self.s, []
        if not s:
            return f'<div class="banner warn">{self.t("empty")}</div>'
        if s.get("is_partial"):
            missing = escape(str(s.get("missing_sources", "")))
            out.append(f'<div class="banner bad">{self.t("partial")} <b>{missing}</b></div>')
        status = s.get("data_status")
        if status == "empty":
            out.append(f'<div class="banner warn">{self.t("empty")}</div>')
        elif status == "low":
            out.append(f'<div class="banner warn">{self.t("low")} '
                       f'({_int(s.get("records"))} {self.t("records").lower()})</div>')
        if status != "empty" and _num_or_nan(s.get("baseline_weeks")) < 1:
            out.append(f'<div class="banner info">{self.t("no_history")}</div>')
        return "".join(out)

    def headline(self) -> str:
        s = self.s
        if not s:
            return ""
        tiles = [
            (self.t("records"), _int(s.get("records")),
             f'{_signed_int(s.get("change_abs"))} ({_signed_pct(s.get("change_pct"))}) {self.t("vs_prev")}'),
            (self.t("net"), _signed(s.get("net_sentiment")),
             f'{_signed(s.get("net_change"))} {self.t("vs_prev")}'),
            (self.t("mean_rating"), _fixed(s.get("mean_rating"), 2), f'n = {_int(s.get("rated"))}'),
            (self.t("emerging"), _int(s.get("emerging_topics")),
             f'{self.t("new_topics")}: {_int(s.get("new_topics"))}'),
        ]
        cells = "".join(
            f'<div class="tile"><div class="k">{k}</div><div class="n">{v}</div><div class="d">{d}</div></div>'
            for k, v, d in tiles
        )
        bar = svg.sentiment_bar(s.get("pct_positive", math.nan), s.get("pct_neutral", math.nan),
                                s.get("pct_negative", math.nan), width=420, height=16,
                                title=self._mix_title(s))
        return (f'<section><div class="tiles">{cells}</div>'
                f'<div class="mix">{bar} {self._legend(s)}</div></section>')

    def emerging(self) -> str:
        em = self.table("emerging_topics")
        head = f'<section><h2>{self.t("emerging")}</h2>'
        if em.empty:
            return head + f'<p class="empty">{self.t("no_emerging")}</p></section>'
        cards = []
        for r in em.to_dict("records"):
            signals = [s for s in str(r.get("signals", "")).split(",") if s]
            why = []
            if "new" in signals:
                why.append(f'{self.t("new")}: {_int(r["volume"])} {self.t("records").lower()}')
            if "volume" in signals:
                why.append(
                    f'{self.t("volume_rise")}: {_int(r["volume"])} vs {_fixed(r["expected_volume"], 1)} '
                    f'expected (×{_fixed(r["rate_ratio"], 1)}, q = {_p(r["volume_q_value"])})')
            if "negative_share" in signals:
                why.append(
                    f'{self.t("negative_rise")}: {_pct(100 * _num_or_nan(r["negative_share"]))} vs '
                    f'{_pct(100 * _num_or_nan(r["baseline_negative_share"]))} '
                    f'(q = {_p(r["negative_q_value"])})')
            quotes = _json_list(r.get("quotes"))[: self.cfg.quotes_in_report]
            q_html = "".join(f"<blockquote>{escape(q)}</blockquote>" for q in quotes)
            cards.append(
                f'<div class="card"><h3>{escape(str(r["topic_label"]))} '
                f'<span class="id">{escape(str(r["topic_id"]))}</span></h3>'
                f'<p class="why">{"<br>".join(why)}</p>'
                f'<p class="terms">{escape(str(r.get("top_terms") or ""))}</p>{q_html}</div>'
            )
        return head + f'<div class="cards">{"".join(cards)}</div></section>'

    def top_topics(self) -> str:
        tw = self.table("topic_week")
        head = f'<section><h2>{self.t("top_topics")}</h2>'
        tw = tw[tw["volume"] > 0].head(self.cfg.top_topics) if not tw.empty else tw
        if tw.empty:
            return head + f'<p class="empty">{self.t("no_topics")}</p></section>'
        quote_cols = [c for c in tw.columns if c.startswith("quote_")][:1]
        rows = []
        for r in tw.to_dict("records"):
            badge = "".join([
                f' <span class="badge new">{self.t("new")}</span>' if r.get("is_new") else "",
                f' <span class="badge up">{self.t("rising")}</span>' if r.get("is_emerging") else "",
            ])
            quote = escape(str(r.get(quote_cols[0]) or "")) if quote_cols else ""
            rows.append(
                f'<tr><td><b>{escape(str(r["topic_label"]))}</b>{badge}'
                f'<div class="q">{quote}</div></td>'
                f'<td class="r">{_int(r["volume"])}</td><td class="r">{_pct(r["share_pct"])}</td>'
                f'<td class="r">{_signed_int(r["change_abs"])}<br><small>{_signed_pct(r["change_pct"])}</small></td>'
                f'<td>{self._mix_bar(r)}'
                f'<br><small>net {_signed(r["net_sentiment"])}</small></td>'
                f'<td class="terms">{escape(str(r.get("top_terms") or ""))}</td></tr>'
            )
        header = "".join(f"<th>{self.t(k)}</th>" for k in ("topic", "volume", "share", "change", "sentiment", "terms"))
        return (head + f'<p class="legend">{self._legend(None)}</p>'
                f'<table><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table></section>')

    def trends(self) -> str:
        s = self.s
        weeks_all = _json_list(s.get("history_weeks"))
        n = self.cfg.trend_weeks
        weeks = [shift_week(self.week, -k) for k in range(n - 1, -1, -1)]
        head = f'<section><h2>{self.t("trends")}</h2>'
        total = dict(zip(weeks_all, _json_list(s.get("weekly_volume")), strict=False))
        net = dict(zip(weeks_all, _json_list(s.get("weekly_net_sentiment")), strict=False))
        charts = [
            svg.week_bars([total.get(w, 0) for w in weeks], weeks, _plain(self.t("overall")), width=460, height=120),
            svg.week_line([net.get(w) for w in weeks], weeks, _plain(self.t("net_week"))),
        ]
        multiples = []
        hist = self._topic_series(weeks)
        tw = self.table("topic_week")
        top = tw[(tw["volume"] > 0) & (tw["topic_id"] != "other")].head(min(self.cfg.top_topics, 12)) \
            if not tw.empty else tw
        for r in top.to_dict("records"):
            series, topic_weeks = hist.get(r["topic_id"]), weeks
            if series is None:  # no history given: the table's own (shorter) trend
                series = _json_list(r.get("trend"))[-len(weeks):]
                topic_weeks = weeks[len(weeks) - len(series):]
            multiples.append(f'<div class="sm">{svg.week_bars(series, topic_weeks, str(r["topic_label"]))}</div>')
        return (head + f'<div class="row">{"".join(charts)}</div>'
                f'<div class="multiples">{"".join(multiples)}</div></section>')

    def _topic_series(self, weeks: list[str]) -> dict[str, list[float]]:
        if self.history is None or self.history.empty:
            return {}
        h = pd.concat([self.history[["iso_week", "topic_id", "volume"]],
                       self.table("topic_week")[["iso_week", "topic_id", "volume"]]])
        # The week's own table wins over a stored copy of the same week.
        h = h.drop_duplicates(["iso_week", "topic_id"], keep="last")
        pivot = h.pivot_table(index="topic_id", columns="iso_week", values="volume", aggfunc="sum")
        return {tid: [float(pivot.at[tid, w]) if w in pivot.columns and not pd.isna(pivot.at[tid, w]) else 0.0
                      for w in weeks] for tid in pivot.index}

    def drivers(self) -> str:
        d = self.table("drivers")
        head = f'<section><h2>{self.t("drivers")}</h2>'
        if d.empty:
            return head + f'<p class="empty">{self.t("no_drivers")}</p></section>'
        span = float(max(d["ci_low"].abs().max(), d["ci_high"].abs().max(), 0.5))
        rows = "".join(
            f'<tr><td>{escape(str(r["topic_label"]))}</td><td>{escape(str(r["source"]))}</td>'
            f'<td class="r">{_fixed(r["mean_with"], 2)} vs {_fixed(r["mean_without"], 2)}</td>'
            f'<td>{svg.effect_interval(r["effect"], r["ci_low"], r["ci_high"], span)}</td>'
            f'<td class="r">{_signed(r["effect"], 2)} [{_fixed(r["ci_low"], 2)}, {_fixed(r["ci_high"], 2)}]</td>'
            f'<td class="r">{_int(r["rated_with"])}</td></tr>'
            for r in d.head(15).to_dict("records")
        )
        window = escape(str(d["window_start"].iloc[0]))
        return (head + f'<p class="note">Mean rating of records with the topic vs without it, per source, '
                f'weeks {window} – {escape(self.week)}; bars show the {self._conf()} interval.</p>'
                f'<table><thead><tr><th>{self.t("topic")}</th><th>{self.t("source")}</th><th>with vs without</th>'
                f'<th>{self.t("effect")}</th><th></th><th>n</th></tr></thead><tbody>{rows}</tbody></table></section>')

    def _conf(self) -> str:
        d = self.table("drivers")
        level = _num_or_nan(d["confidence"].iloc[0]) if "confidence" in d and len(d) else math.nan
        return "–" if math.isnan(level) else f"{100 * level:.0f}%"

    def breakdowns(self) -> str:
        sw = self.table("sentiment_week")
        if sw.empty:
            return ""
        base = sw[sw["segment_field"] == ALL]
        parts = [
            (self.t("channels"), base[(base["channel"] != ALL) & (base["language"] == ALL)], "channel"),
            (self.t("languages"), base[(base["channel"] == ALL) & (base["language"] != ALL)], "language"),
        ]
        seg = sw[(sw["segment_field"] != ALL) & (sw["channel"] == ALL) & (sw["language"] == ALL)
                 & (sw["segment_value"] != ALL)]
        for field in dict.fromkeys(seg["segment_field"]):
            title = f'{self.t("segments")}: {escape(str(field))}'
            parts.append((title, seg[seg["segment_field"] == field], "segment_value"))
        blocks = []
        for title, frame, key in parts:
            frame = frame.sort_values(["volume", key], ascending=[False, True])
            rows = "".join(
                f'<tr><td>{escape(str(r[key]))}</td><td class="r">{_int(r["volume"])}</td>'
                f'<td class="r">{_signed_pct(r["change_pct"])}</td>'
                f'<td>{self._mix_bar(r, width=120)}</td>'
                f'<td class="r">{_signed(r["net_sentiment"])}</td></tr>'
                for r in frame.to_dict("records")
            ) or f'<tr><td colspan="5">{self.t("no_rows")}</td></tr>'
            blocks.append(f'<div class="bd"><h3>{title}</h3><table><thead><tr><th></th><th>{self.t("volume")}</th>'
                          f'<th>{self.t("change")}</th><th>{self.t("sentiment")}</th><th>net</th></tr></thead>'
                          f'<tbody>{rows}</tbody></table></div>')
        return f'<section><div class="breakdowns">{"".join(blocks)}</div></section>'

    def quality(self) -> str:
        dq = self.table("data_quality")
        head = f'<section><h2>{self.t("quality")}</h2>'
        if dq.empty:
            return head + f'<p class="empty">{self.t("no_rows")}</p></section>'
        rows = "".join(
            f'<tr class="{"bad" if r["status"] == "failed" else ""}"><td>{escape(str(r["source"]))}</td>'
            f'<td>{escape(str(r["status"]))}</td><td class="r">{_int(r["read"])}</td>'
            f'<td class="r">{_int(r["accepted"])}</td><td class="r">{_int(r["duplicates"])}</td>'
            f'<td class="r">{_int(r["quarantined"])}</td><td class="r">{_int(r["counted"])}</td>'
            f'<td>{escape(_breakdown_text(r["languages"]))}</td><td>{escape(str(r.get("error") or ""))}</td></tr>'
            for r in dq.to_dict("records")
        )
        cols = ["source", "status", "read", "accepted", "duplicates", "quarantined", "counted",
                "languages_col", "error"]
        header = "".join(f"<th>{self.t(c) if c in _TEXT else escape(c)}</th>" for c in cols)
        return head + f'<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table></section>'

    def method(self) -> str:
        s = self.s
        if not s:
            return ""
        mt = "Benjamini-Hochberg adjusted" if s.get("multiple_testing") == "bh" else "unadjusted"
        basis = "its share of the week's records" if s.get("volume_basis") == "share" else "its weekly count"
        return (
            f'<section class="method"><h2>{self.t("method")}</h2><ul>'
            "<li>Counts leave out exact and near duplicates. Net sentiment = % positive − % negative of "
            "the records with a sentiment score (−100 to +100).</li>"
            f"<li>A topic is <b>emerging</b> when {basis} rose against the baseline of up to "
            f"{_int(s.get('baseline_weeks'))} earlier weeks with data (exact Poisson rate test), or its "
            "negative share rose (Fisher exact test), at "
            f"{mt} q ≤ {s.get('alpha')}, with at least {_int(s.get('min_volume'))} records this week; "
            "a topic first seen this week is listed as new.</li>"
            "<li>Rating effects compare records with a topic against the same source's other rated "
            "records (ratings are not mixed across sources).</li>"
            "<li>Customer text is shown as written, after personal data was redacted.</li></ul></section>"
        )

    def _legend(self, s: dict | None) -> str:
        keys = (("positive", svg.POSITIVE), ("neutral", svg.NEUTRAL), ("negative", svg.NEGATIVE))
        if s:
            vals = (s.get("pct_positive"), s.get("pct_neutral"), s.get("pct_negative"))
            return " ".join(f'<span class="dot" style="background:{c}"></span>{self.t(k)} {_pct(v)}'
                            for (k, c), v in zip(keys, vals, strict=True))
        return " ".join(f'<span class="dot" style="background:{c}"></span>{self.t(k)}' for k, c in keys)

    def _mix_title(self, r: dict) -> str:
        return (f'positive {_pct(r.get("pct_positive"))}, neutral {_pct(r.get("pct_neutral"))}, '
                f'negative {_pct(r.get("pct_negative"))}')

    def _mix_bar(self, r: dict, width: int = 160) -> str:
        """A table row's sentiment mix as one bar, titled with its percentages."""
        return svg.sentiment_bar(r["pct_positive"], r["pct_neutral"], r["pct_negative"], width=width,
                                 title=self._mix_title(r))


_CSS = """
:root{--fg:#1d2329;--muted:#5d6670;--line:#dde1e5;--bg:#f7f8f9}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font-family:'Noto Sans Thai','Noto Sans','TH Sarabun New','Sarabun','Leelawadee UI','Tahoma',
'Loma','Garuda','Tlwg Typo',sans-serif;
font-size:15px;line-height:1.5}
header{background:#1f3b57;color:#fff;padding:18px 28px}
h1{margin:0;font-size:24px}.sub{margin:4px 0 0;opacity:.85}
main{max-width:1180px;margin:0 auto;padding:16px 28px 40px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:14px 0}
h2{font-size:18px;margin:0 0 10px}h3{font-size:15px;margin:0 0 6px}
.banner{padding:10px 14px;border-radius:6px;margin:12px 0;font-weight:600}
.banner.bad{background:#fde2e4;border:1px solid #d1495b}.banner.warn{background:#fff4d6;border:1px solid #e0a800}
.banner.info{background:#e7f0fa;border:1px solid #3b6ea8}
.note{color:var(--muted);font-size:13px}.empty{color:var(--muted);font-style:italic}
.tiles{display:flex;flex-wrap:wrap;gap:12px}
.tile{flex:1 1 200px;border:1px solid var(--line);border-radius:6px;padding:10px 12px}
.tile .k{color:var(--muted);font-size:13px}.tile .n{font-size:28px;font-weight:700}
.tile .d{font-size:13px;color:var(--muted)}
.mix{margin-top:12px;font-size:13px}
.dot{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top;text-align:left}
th{font-size:13px;color:var(--muted);font-weight:600}td.r{text-align:right;white-space:nowrap}
tr.bad td{background:#fde2e4}.terms{color:var(--muted);font-size:13px}
.q{color:var(--muted);font-size:13px;margin-top:2px}
.badge{font-size:11px;border-radius:10px;padding:1px 7px;margin-left:4px;color:#fff;white-space:nowrap}
.badge.new{background:#3b6ea8}.badge.up{background:#d1495b}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{flex:1 1 340px;border:1px solid var(--line);border-left:4px solid #d1495b;border-radius:6px;
padding:10px 12px}
.card .id{color:var(--muted);font-weight:400;font-size:12px}.why{margin:4px 0;font-size:14px}
blockquote{margin:6px 0;padding:4px 10px;border-left:3px solid var(--line);background:var(--bg);font-size:14px}
.row,.multiples,.breakdowns{display:flex;flex-wrap:wrap;gap:18px}.sm{width:230px}.bd{flex:1 1 330px}
svg text{font-family:inherit;fill:var(--fg)}svg .t{font-size:12px;font-weight:600}
svg .a{font-size:10px;fill:var(--muted)}svg .v{font-size:11px}
.method li{font-size:13px;color:var(--muted)}
"""


# -- formatting ------------------------------------------------------------------------------

def _num_or_nan(v: object) -> float:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return f


def _int(v: object) -> str:
    f = _num_or_nan(v)
    return "–" if math.isnan(f) else f"{int(round(f)):,}"


def _signed_int(v: object) -> str:
    f = _num_or_nan(v)
    return "–" if math.isnan(f) else f"{int(round(f)):+,}"


def _fixed(v: object, digits: int) -> str:
    f = _num_or_nan(v)
    return "–" if math.isnan(f) else ("∞" if math.isinf(f) else f"{f:.{digits}f}")


def _signed(v: object, digits: int = 1) -> str:
    f = _num_or_nan(v)
    return "–" if math.isnan(f) else f"{f:+.{digits}f}"


def _pct(v: object) -> str:
    f = _num_or_nan(v)
    return "–" if math.isnan(f) else f"{f:.0f}%"


def _signed_pct(v: object) -> str:
    f = _num_or_nan(v)
    return "new" if math.isnan(f) else f"{f:+.0f}%"


def _p(v: object) -> str:
    f = _num_or_nan(v)
    return "–" if math.isnan(f) else (f"{f:.3f}" if f >= 0.001 else "<0.001")


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


def _breakdown_text(v: object) -> str:
    try:
        d = json.loads(v) if isinstance(v, str) else {}
    except json.JSONDecodeError:
        return str(v)
    return ", ".join(f"{k} {n}" for k, n in d.items()) if isinstance(d, dict) else str(v)


def _plain(escaped: str) -> str:
    """Undo escaping of a fixed phrase that svg escapes again."""
    for entity, char in (("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&#x27;", "'"), ("&quot;", '"')):
        escaped = escaped.replace(entity, char)
    return escaped
