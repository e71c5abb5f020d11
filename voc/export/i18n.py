"""Every word the report and the workbook show, in English and Thai, and numbers and dates per locale.

``Locale(lang).t(key, **values)`` gives a phrase with its ``{placeholders}`` filled; ``count(key, n)``
picks the singular form (``key_one``) for 1 in English (Thai has no plural forms; both catalogues
hold the same keys). Numbers use Western digits with thousands separators in both languages
(what Thai business documents use); Thai dates use Thai month abbreviations and, by default, the
Common Era year (``buddhist_era=True`` writes the Buddhist Era year, CE + 543).
"""

from __future__ import annotations

import math
from datetime import date

EN: dict[str, str] = {
    # page
    "week": "Week", "generated_for": "Week {week} · {start} – {end}",
    "what_changed": "What changed this week", "nothing_changed": "No theme moved enough to mention.",
    "evidence": "Evidence",
    "headline": "The week in numbers", "records": "Messages", "vs_prev": "vs last week",
    "net": "Net sentiment", "rating": "Rating", "new_themes": "New themes", "emerging_themes": "Emerging themes",
    "themes": "Themes (topics folded under each)", "theme": "Theme", "topic": "Topic", "topics": "Topics",
    "volume": "Messages", "share": "Share", "change": "Change vs last week", "sentiment": "Sentiment",
    "pct_negative": "% negative", "rating_effect": "Effect on rating", "terms": "Top terms",
    "show_topics": "{n} topics", "show_topics_one": "1 topic",
    "badge_new": "new", "badge_volume": "above usual volume", "badge_negative": "more negative than usual",
    "where_it_hurts": "Where it hurts", "segment": "Segment", "value": "Value",
    "segment_rule": ("A cell is marked when the theme is at least {lift}× its overall share of messages in that "
                     "segment, or at least {points} points more negative there than overall, with at least {min} "
                     "messages and a binomial test p < {p}. Cells show messages and % negative."),
    "impact_title": "What to fix first: effect on rating against volume",
    "impact_note": ("Each dot is a theme: further right = more messages, lower = pulls the rating down more. "
                    "Effects compare a source's rated messages with the theme against its other rated messages "
                    "(rating scales are never mixed)."),
    "priority": "Priority", "impact": "Rating points lost or gained", "rating_source": "Rating source",
    "no_rating": "too few ratings to compare",
    "quotes": "Quotes", "filter_channel": "Channel", "filter_segment": "Segment", "filter_all": "all",
    "segment_none": "(none)",
    "quotes_shown": "{n} quotes shown", "channel": "Channel", "date": "Date", "source": "Source",
    "source_id": "Source id", "language": "Language",
    "trends": "Trends", "overall": "All messages per week", "net_week": "Net sentiment per week",
    "quality": "Data quality", "status": "Status", "read": "Read", "accepted": "Accepted",
    "duplicates": "Duplicates", "quarantined": "Quarantined", "counted": "Counted", "languages": "Languages",
    "error": "Error", "status_ok": "ok", "status_failed": "failed", "status_partial": "partial",
    "method": "How to read this report",
    "method_counts": ("Counts leave out exact and near duplicates. Net sentiment = % positive − % negative of the "
                      "messages with a sentiment score (−100 to +100)."),
    "method_emerging": ("A theme is emerging when its volume is well above its usual weekly level (exact Poisson "
                        "test over up to {baseline} earlier weeks) or its negative share rose (Fisher exact test), "
                        "with at least {min} messages this week; a theme first seen this week is new."),
    "method_privacy": "Customer text is shown as written, after personal data was redacted.",
    "partial": "Partial week: these sources failed to load, and their messages are missing from every figure:",
    "empty": "No customer messages this week: there is nothing to report.",
    "low": "Little data this week ({n} messages): changes and shares are unreliable.",
    "no_history": ("No earlier week with data to compare with: no theme is tested for a rise, and in the first week "
                   "with data none is called new."),
    "no_rows": "No data.", "positive": "positive", "neutral": "neutral", "negative": "negative",
    "other": "other",
    # evidence names
    "title": "Voice of Customer weekly report",
    "ev_records": "messages", "ev_prev_records": "messages last week", "ev_volume": "messages",
    "ev_prev_volume": "messages last week", "ev_change_abs": "change", "ev_pct_negative": "% negative",
    "ev_prev_pct_negative": "% negative last week", "ev_new_themes": "new themes",
    "ev_emerging_themes": "emerging themes", "ev_usual_per_week": "usual per week", "ev_weeks": "earlier weeks",
    "ev_net_sentiment": "net sentiment", "ev_net_change": "net change", "ev_scored": "scored",
    "ev_scale": "scale", "ev_mean": "mean", "ev_nps": "NPS", "ev_n": "ratings", "ev_prev": "last week",
    "ev_source": "source", "ev_status": "status", "ev_read": "rows read", "ev_sources": "sources",
    # sentences
    "s_volume": "{n} messages this week, {change} on last week ({prev}).",
    "s_volume_first": "{n} messages this week; no messages last week to compare with.",
    "s_up": "{theme} rose most: {n} messages, {change} on last week ({prev}).",
    "s_down": "{theme} fell most: {n} messages, {change} on last week ({prev}).",
    "s_up_one": "{theme} rose most: 1 message, {change} on last week ({prev}).",
    "s_down_one": "{theme} fell most: 1 message, {change} on last week ({prev}).",
    "s_new_one": "New theme: {theme}, 1 message this week.",
    "s_neg_up": "{theme} turned more negative: {neg} negative, {prev} last week.",
    "s_neg_down": "{theme} turned less negative: {neg} negative, {prev} last week.",
    "s_new": "New theme: {theme}, {n} messages this week.",
    "s_new_none": "No new themes this week.",
    "s_emerging_volume": "{theme} is emerging: {n} messages this week; usually about {usual} a week.",
    "s_emerging_negative": "{theme} is emerging: {neg} negative this week; {prev} last week.",
    "s_emerging_none": "No theme is emerging this week.",
    "s_sentiment": "Net sentiment {net} ({change} on last week): {pos} positive, {neg} negative of {n} scored.",
    "s_rating_mean": "{scale}: mean rating {mean} from {n} ratings ({prev} last week).",
    "s_rating_mean_first": "{scale}: mean rating {mean} from {n} ratings.",
    "s_rating_nps": "{scale}: NPS {nps} from {n} answers ({prev} last week).",
    "s_rating_nps_first": "{scale}: NPS {nps} from {n} answers.",
    "s_source_failed": "Source {source} failed to load ({error}); its messages are missing from every figure.",
    "s_source_partial": "Source {source} loaded only in part ({error}).",
    "s_model": "Sentiment was scored by {model}.",
    "all_sources": "All rated sources",
    "scale_stars": "Stars", "scale_csat": "CSAT", "scale_nps": "NPS", "scale_custom": "Rating",
    "unit_stars": "★", "unit_csat": "CSAT pts", "unit_nps": "NPS pts", "unit_custom": "pts",
    "col_rating_scale": "Rating scale",
    "channel_review": "review", "channel_forum": "forum", "channel_chat": "chat", "channel_call_note": "call note",
    "channel_survey": "survey", "channel_social": "social media", "channel_email": "email",
    "lang_th": "Thai", "lang_en": "English", "lang_mixed": "Thai + English", "lang_other": "other language",
    "language_note": ("Thai + English: Thai messages with English words in them (OTP, app, refund...); "
                      "a Thai incident can show mostly there."),
    # workbook
    "sheet_summary": "Summary", "sheet_themes": "Themes", "sheet_segments": "Where it hurts",
    "sheet_impact": "Impact", "sheet_quotes": "Quotes", "sheet_emerging": "Emerging topics",
    "sheet_sentiment": "Sentiment", "sheet_quality": "Data quality",
    "col_kind": "Kind", "col_sentence": "What changed", "col_count": "Count", "col_prev": "Last week",
    "col_quote": "Quote", "col_level": "Level", "col_id": "Id", "col_label": "Name",
    "col_prev_volume": "Messages last week", "col_change_abs": "Change", "col_change_pct": "Change %",
    "col_net": "Net sentiment", "col_is_new": "New", "col_is_emerging": "Emerging", "col_signals": "Why flagged",
    "col_trend": "Messages week {n}", "col_trend_week": "Messages {week}", "col_segment_volume": "Messages in segment",
    "col_share_in_segment": "Share of segment", "col_theme_share": "Share overall",
    "col_theme_negative": "% negative overall", "col_stands_out": "Stands out", "col_reason": "Why",
    "col_prev_negative": "% negative last week", "col_negative_change": "Change in % negative (points)",
    "col_rated": "Rated messages", "col_mean_with": "Mean rating with", "col_mean_without": "Mean rating without",
    "col_ci_low": "Effect low", "col_ci_high": "Effect high", "col_direction": "Direction",
    "col_rank": "Rank", "col_link": "Link", "col_text": "Message", "col_segments": "Segments",
    "col_expected": "Expected messages", "col_usual": "Usual per week", "col_baseline_negative": "% negative usual",
    "col_q_volume": "Volume test q", "col_q_negative": "Negative test q", "col_week": "Week",
    "col_scored": "Scored", "col_pct_positive": "% positive", "col_pct_neutral": "% neutral",
    "col_prev_net": "Net sentiment last week", "col_net_change": "Net change", "col_pct_scored": "% scored",
    "col_pct_with_topic": "% with topic", "col_records_in_week": "Messages in week",
    "unreadable_ratings": "Ratings not read",
    "yes": "yes", "no": "no", "level_theme": "theme", "level_topic": "topic",
    "reason_volume": "more messages than its usual share", "reason_negative": "more negative",
    "kind_volume": "volume", "kind_up": "biggest rise", "kind_down": "biggest fall", "kind_neg_up": "more negative",
    "kind_neg_down": "less negative", "kind_new": "new theme", "kind_emerging": "emerging theme",
    "kind_sentiment": "sentiment", "kind_rating": "rating", "kind_source": "source", "kind_model": "model",
    "direction_pulls down": "pulls down", "direction_lifts": "lifts", "direction_unclear": "unclear",
}

TH: dict[str, str] = {
    "week": "สัปดาห์", "generated_for": "สัปดาห์ {week} · {start} – {end}",
    "what_changed": "สัปดาห์นี้มีอะไรเปลี่ยนไป", "nothing_changed": "ไม่มีธีมใดเปลี่ยนแปลงมากพอที่จะกล่าวถึง",
    "evidence": "หลักฐาน",
    "headline": "ตัวเลขของสัปดาห์", "records": "ข้อความ", "vs_prev": "เทียบกับสัปดาห์ก่อน",
    "net": "ความรู้สึกสุทธิ", "rating": "คะแนน", "new_themes": "ธีมใหม่", "emerging_themes": "ธีมที่กำลังเพิ่มขึ้น",
    "themes": "ธีม (หัวข้อย่อยอยู่ใต้แต่ละธีม)", "theme": "ธีม", "topic": "หัวข้อ", "topics": "หัวข้อ",
    "volume": "ข้อความ", "share": "สัดส่วน", "change": "เปลี่ยนแปลงจากสัปดาห์ก่อน", "sentiment": "ความรู้สึก",
    "pct_negative": "% เชิงลบ", "rating_effect": "ผลต่อคะแนน", "terms": "คำเด่น",
    "show_topics": "{n} หัวข้อ", "show_topics_one": "1 หัวข้อ",
    "badge_new": "ใหม่", "badge_volume": "มากกว่าปกติ", "badge_negative": "เชิงลบมากกว่าปกติ",
    "where_it_hurts": "จุดที่มีปัญหา", "segment": "กลุ่ม", "value": "ค่า",
    "segment_rule": ("ช่องที่ทำเครื่องหมายคือช่องที่ธีมมีสัดส่วนข้อความในกลุ่มนั้นอย่างน้อย {lift} เท่าของสัดส่วนรวม "
                     "หรือเป็นเชิงลบมากกว่าภาพรวมอย่างน้อย {points} จุด โดยมีอย่างน้อย {min} ข้อความ "
                     "และการทดสอบทวินามได้ p < {p} ในแต่ละช่องแสดงจำนวนข้อความและ % เชิงลบ"),
    "impact_title": "ควรแก้อะไรก่อน: ผลต่อคะแนนเทียบกับจำนวนข้อความ",
    "impact_note": ("แต่ละจุดคือหนึ่งธีม ยิ่งไปทางขวายิ่งมีข้อความมาก ยิ่งอยู่ต่ำยิ่งดึงคะแนนลงมาก "
                    "ผลต่อคะแนนเปรียบเทียบข้อความที่มีคะแนนของธีมนั้นกับข้อความอื่นจากแหล่งเดียวกัน "
                    "(ไม่รวมคะแนนต่างมาตราส่วนเข้าด้วยกัน)"),
    "priority": "ลำดับความสำคัญ", "impact": "คะแนนที่เสียหรือได้", "rating_source": "แหล่งของคะแนน",
    "no_rating": "คะแนนน้อยเกินกว่าจะเปรียบเทียบ",
    "quotes": "ตัวอย่างข้อความ", "filter_channel": "ช่องทาง", "filter_segment": "กลุ่ม", "filter_all": "ทั้งหมด",
    "segment_none": "(ไม่ระบุ)",
    "quotes_shown": "แสดง {n} ข้อความ", "channel": "ช่องทาง", "date": "วันที่", "source": "แหล่งข้อมูล",
    "source_id": "รหัสในแหล่งข้อมูล", "language": "ภาษา",
    "trends": "แนวโน้ม", "overall": "จำนวนข้อความทั้งหมดต่อสัปดาห์", "net_week": "ความรู้สึกสุทธิรายสัปดาห์",
    "quality": "คุณภาพข้อมูล", "status": "สถานะ", "read": "อ่านได้", "accepted": "รับเข้า",
    "duplicates": "ซ้ำ", "quarantined": "กักไว้", "counted": "นับรวม", "languages": "ภาษา",
    "error": "ข้อผิดพลาด", "status_ok": "ปกติ", "status_failed": "ล้มเหลว", "status_partial": "ได้บางส่วน",
    "method": "วิธีอ่านรายงานนี้",
    "method_counts": ("การนับไม่รวมข้อความที่ซ้ำหรือเกือบซ้ำ ความรู้สึกสุทธิ = % เชิงบวก − % เชิงลบ "
                      "ของข้อความที่มีผลวิเคราะห์ความรู้สึก (−100 ถึง +100)"),
    "method_emerging": ("ธีมที่กำลังเพิ่มขึ้นคือธีมที่มีจำนวนข้อความสูงกว่าระดับปกติรายสัปดาห์อย่างชัดเจน "
                        "(การทดสอบปัวซองแบบแม่นตรงเทียบกับสูงสุด {baseline} สัปดาห์ก่อนหน้า) "
                        "หรือสัดส่วนเชิงลบเพิ่มขึ้น (การทดสอบแม่นตรงของฟิชเชอร์) โดยมีอย่างน้อย {min} ข้อความในสัปดาห์นี้ "
                        "ธีมที่พบครั้งแรกในสัปดาห์นี้คือธีมใหม่"),
    "method_privacy": "ข้อความของลูกค้าแสดงตามที่เขียน หลังลบข้อมูลส่วนบุคคลแล้ว",
    "partial": "ข้อมูลไม่ครบ: แหล่งข้อมูลต่อไปนี้โหลดไม่สำเร็จ ตัวเลขทั้งหมดจึงไม่รวมข้อความจากแหล่งนี้:",
    "empty": "สัปดาห์นี้ไม่มีข้อความจากลูกค้า จึงไม่มีข้อมูลให้รายงาน",
    "low": "สัปดาห์นี้มีข้อมูลน้อย ({n} ข้อความ) ตัวเลขการเปลี่ยนแปลงและสัดส่วนอาจคลาดเคลื่อน",
    "no_history": "ยังไม่มีข้อมูลสัปดาห์ก่อนหน้าให้เทียบ จึงยังไม่ทดสอบการเพิ่มขึ้น และสัปดาห์แรกที่มีข้อมูลจะไม่นับธีมใดเป็นธีมใหม่",
    "no_rows": "ไม่มีข้อมูล", "positive": "เชิงบวก", "neutral": "เป็นกลาง", "negative": "เชิงลบ",
    "other": "อื่น ๆ",
    "title": "รายงานเสียงของลูกค้ารายสัปดาห์",
    "ev_records": "ข้อความ", "ev_prev_records": "ข้อความสัปดาห์ก่อน", "ev_volume": "ข้อความ",
    "ev_prev_volume": "ข้อความสัปดาห์ก่อน", "ev_change_abs": "เปลี่ยนแปลง", "ev_pct_negative": "% เชิงลบ",
    "ev_prev_pct_negative": "% เชิงลบสัปดาห์ก่อน", "ev_new_themes": "ธีมใหม่",
    "ev_emerging_themes": "ธีมที่กำลังเพิ่มขึ้น", "ev_usual_per_week": "ปกติต่อสัปดาห์", "ev_weeks": "สัปดาห์ก่อนหน้า",
    "ev_net_sentiment": "ความรู้สึกสุทธิ", "ev_net_change": "ความรู้สึกสุทธิเปลี่ยนไป", "ev_scored": "วิเคราะห์แล้ว",
    "ev_scale": "มาตราส่วน", "ev_mean": "ค่าเฉลี่ย", "ev_nps": "NPS", "ev_n": "จำนวนคะแนน", "ev_prev": "สัปดาห์ก่อน",
    "ev_source": "แหล่งข้อมูล", "ev_status": "สถานะ", "ev_read": "แถวที่อ่าน", "ev_sources": "แหล่งข้อมูล",
    "s_volume": "สัปดาห์นี้มี {n} ข้อความ {change} จากสัปดาห์ก่อน ({prev})",
    "s_volume_first": "สัปดาห์นี้มี {n} ข้อความ สัปดาห์ก่อนไม่มีข้อความให้เปรียบเทียบ",
    "s_up": "{theme} เพิ่มขึ้นมากที่สุด: {n} ข้อความ {change} จากสัปดาห์ก่อน ({prev})",
    "s_down": "{theme} ลดลงมากที่สุด: {n} ข้อความ {change} จากสัปดาห์ก่อน ({prev})",
    "s_up_one": "{theme} เพิ่มขึ้นมากที่สุด: 1 ข้อความ {change} จากสัปดาห์ก่อน ({prev})",
    "s_down_one": "{theme} ลดลงมากที่สุด: 1 ข้อความ {change} จากสัปดาห์ก่อน ({prev})",
    "s_new_one": "ธีมใหม่: {theme} 1 ข้อความในสัปดาห์นี้",
    "s_neg_up": "{theme} เป็นเชิงลบมากขึ้น: เชิงลบ {neg} สัปดาห์ก่อน {prev}",
    "s_neg_down": "{theme} เป็นเชิงลบน้อยลง: เชิงลบ {neg} สัปดาห์ก่อน {prev}",
    "s_new": "ธีมใหม่: {theme} {n} ข้อความในสัปดาห์นี้",
    "s_new_none": "สัปดาห์นี้ไม่มีธีมใหม่",
    "s_emerging_volume": "{theme} กำลังเพิ่มขึ้น: สัปดาห์นี้ {n} ข้อความ ปกติประมาณสัปดาห์ละ {usual} ข้อความ",
    "s_emerging_negative": "{theme} กำลังเพิ่มขึ้น: เชิงลบ {neg} ในสัปดาห์นี้ สัปดาห์ก่อน {prev}",
    "s_emerging_none": "สัปดาห์นี้ไม่มีธีมที่กำลังเพิ่มขึ้น",
    "s_sentiment": "ความรู้สึกสุทธิ {net} ({change} จากสัปดาห์ก่อน): เชิงบวก {pos} เชิงลบ {neg} จาก {n} ข้อความที่วิเคราะห์",
    "s_rating_mean": "{scale}: คะแนนเฉลี่ย {mean} จาก {n} คะแนน (สัปดาห์ก่อน {prev})",
    "s_rating_mean_first": "{scale}: คะแนนเฉลี่ย {mean} จาก {n} คะแนน",
    "s_rating_nps": "{scale}: NPS {nps} จาก {n} คำตอบ (สัปดาห์ก่อน {prev})",
    "s_rating_nps_first": "{scale}: NPS {nps} จาก {n} คำตอบ",
    "s_source_failed": "แหล่งข้อมูล {source} โหลดไม่สำเร็จ ({error}) ตัวเลขทั้งหมดจึงไม่รวมข้อความจากแหล่งนี้",
    "s_source_partial": "แหล่งข้อมูล {source} โหลดได้เพียงบางส่วน ({error})",
    "s_model": "วิเคราะห์ความรู้สึกด้วยโมเดล {model}",
    "all_sources": "ทุกแหล่งที่มีคะแนน",
    "scale_stars": "ดาว", "scale_csat": "CSAT", "scale_nps": "NPS", "scale_custom": "คะแนน",
    "unit_stars": "★", "unit_csat": "คะแนน CSAT", "unit_nps": "คะแนน NPS", "unit_custom": "คะแนน",
    "col_rating_scale": "มาตราส่วนคะแนน",
    "channel_review": "รีวิว", "channel_forum": "กระทู้", "channel_chat": "แชท", "channel_call_note": "บันทึกการโทร",
    "channel_survey": "แบบสำรวจ", "channel_social": "โซเชียลมีเดีย", "channel_email": "อีเมล",
    "lang_th": "ไทย", "lang_en": "อังกฤษ", "lang_mixed": "ไทย + อังกฤษ", "lang_other": "ภาษาอื่น",
    "language_note": ("ไทย + อังกฤษ: ข้อความภาษาไทยที่มีคำภาษาอังกฤษปน (OTP, app, refund...) "
                      "ปัญหาที่ลูกค้าไทยแจ้งจึงอาจอยู่ในคอลัมน์นี้เป็นส่วนใหญ่"),
    "sheet_summary": "สรุป", "sheet_themes": "ธีม", "sheet_segments": "จุดที่มีปัญหา",
    "sheet_impact": "ผลกระทบ", "sheet_quotes": "ตัวอย่างข้อความ", "sheet_emerging": "หัวข้อที่เพิ่มขึ้น",
    "sheet_sentiment": "ความรู้สึก", "sheet_quality": "คุณภาพข้อมูล",
    "col_kind": "ประเภท", "col_sentence": "สิ่งที่เปลี่ยนไป", "col_count": "จำนวน", "col_prev": "สัปดาห์ก่อน",
    "col_quote": "ตัวอย่างข้อความ", "col_level": "ระดับ", "col_id": "รหัส", "col_label": "ชื่อ",
    "col_prev_volume": "ข้อความสัปดาห์ก่อน", "col_change_abs": "เปลี่ยนแปลง", "col_change_pct": "เปลี่ยนแปลง %",
    "col_net": "ความรู้สึกสุทธิ", "col_is_new": "ใหม่", "col_is_emerging": "กำลังเพิ่มขึ้น", "col_signals": "เหตุที่ถูกระบุ",
    "col_trend": "ข้อความสัปดาห์ที่ {n}", "col_trend_week": "ข้อความ {week}", "col_segment_volume": "ข้อความในกลุ่ม",
    "col_share_in_segment": "สัดส่วนในกลุ่ม", "col_theme_share": "สัดส่วนรวม",
    "col_theme_negative": "% เชิงลบรวม", "col_stands_out": "โดดเด่น", "col_reason": "เหตุผล",
    "col_prev_negative": "% เชิงลบสัปดาห์ก่อน", "col_negative_change": "% เชิงลบเปลี่ยนไป (จุด)",
    "col_rated": "ข้อความที่มีคะแนน", "col_mean_with": "คะแนนเฉลี่ยเมื่อมีธีม", "col_mean_without": "คะแนนเฉลี่ยเมื่อไม่มีธีม",
    "col_ci_low": "ผลต่ำสุด", "col_ci_high": "ผลสูงสุด", "col_direction": "ทิศทาง",
    "col_rank": "ลำดับ", "col_link": "ลิงก์", "col_text": "ข้อความ", "col_segments": "กลุ่ม",
    "col_expected": "ข้อความที่คาด", "col_usual": "ปกติต่อสัปดาห์", "col_baseline_negative": "% เชิงลบปกติ",
    "col_q_volume": "ค่า q จำนวน", "col_q_negative": "ค่า q เชิงลบ", "col_week": "สัปดาห์",
    "col_scored": "วิเคราะห์แล้ว", "col_pct_positive": "% เชิงบวก", "col_pct_neutral": "% เป็นกลาง",
    "col_prev_net": "ความรู้สึกสุทธิสัปดาห์ก่อน", "col_net_change": "ความรู้สึกสุทธิเปลี่ยนไป", "col_pct_scored": "% วิเคราะห์แล้ว",
    "col_pct_with_topic": "% มีหัวข้อ", "col_records_in_week": "ข้อความในสัปดาห์",
    "unreadable_ratings": "คะแนนที่อ่านไม่ได้",
    "yes": "ใช่", "no": "ไม่", "level_theme": "ธีม", "level_topic": "หัวข้อ",
    "reason_volume": "ข้อความมากกว่าสัดส่วนปกติ", "reason_negative": "เชิงลบมากกว่า",
    "kind_volume": "จำนวน", "kind_up": "เพิ่มขึ้นมากที่สุด", "kind_down": "ลดลงมากที่สุด", "kind_neg_up": "เชิงลบมากขึ้น",
    "kind_neg_down": "เชิงลบน้อยลง", "kind_new": "ธีมใหม่", "kind_emerging": "ธีมที่กำลังเพิ่มขึ้น",
    "kind_sentiment": "ความรู้สึก", "kind_rating": "คะแนน", "kind_source": "แหล่งข้อมูล", "kind_model": "โมเดล",
    "direction_pulls down": "ดึงคะแนนลง", "direction_lifts": "ช่วยเพิ่มคะแนน", "direction_unclear": "ไม่ชัดเจน",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "th": TH}

EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TH_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
DASH = "–"


class Locale:
    """Phrases, numbers and dates in one report language (``en`` or ``th``)."""

    def __init__(self, lang: str = "en", buddhist_era: bool = False) -> None:
        if lang not in CATALOGUES:
            raise ValueError(f"unknown report language {lang!r}; use one of {', '.join(CATALOGUES)}")
        self.lang = lang
        self.buddhist_era = buddhist_era
        self.words = CATALOGUES[lang]

    def t(self, key: str, **values: object) -> str:
        """The phrase ``key``, placeholders filled (plain text: escape it before it goes in HTML)."""
        text = self.words[key]
        return text.format(**values) if values else text

    def count(self, key: str, n: int, **values: object) -> str:
        """``key`` for ``n`` things: the ``key_one`` form when ``n`` is 1 and the catalogue has one."""
        one = f"{key}_one"
        return self.t(one if n == 1 and one in self.words else key, n=self.whole(n), **values)

    # -- numbers -------------------------------------------------------------------------
    def whole(self, v: object) -> str:
        f = number(v)
        return DASH if math.isnan(f) or math.isinf(f) else f"{round(f):,}"

    def signed_int(self, v: object) -> str:
        f = number(v)
        return DASH if math.isnan(f) or math.isinf(f) else f"{round(f):+,}".replace("-", "−")

    def num(self, v: object, digits: int = 1) -> str:
        f = number(v)
        return DASH if math.isnan(f) or math.isinf(f) else f"{f:,.{digits}f}"

    def signed(self, v: object, digits: int = 1) -> str:
        f = number(v)
        return DASH if math.isnan(f) or math.isinf(f) else f"{f:+,.{digits}f}".replace("-", "−")

    def pct(self, v: object, digits: int = 0) -> str:
        """``v`` (0-100) as a percentage."""
        f = number(v)
        return DASH if math.isnan(f) or math.isinf(f) else f"{f:.{digits}f}%"

    def signed_pct(self, v: object, digits: int = 0) -> str:
        f = number(v)
        return DASH if math.isnan(f) or math.isinf(f) else f"{f:+.{digits}f}%".replace("-", "−")

    def rating_unit(self, scale: object) -> str:
        """The unit a rating difference on ``scale`` is in: ``★`` for stars, ``NPS pts`` for 0-10 NPS answers."""
        if not isinstance(scale, str) or not scale:
            return ""
        parts = scale.split("_")
        kind = "_".join(parts[:-2]) if len(parts) >= 3 else scale
        return self.words.get(f"unit_{kind}", self.t("unit_custom"))

    def rating_diff(self, v: object, scale: object, digits: int = 2) -> str:
        """A signed difference in rating points with its unit: ``−0.35 ★``, ``+5.4 NPS pts``."""
        text = self.signed(v, 1 if isinstance(scale, str) and scale.startswith("nps") else digits)
        unit = self.rating_unit(scale)
        return f"{text} {unit}" if unit and text != DASH else text

    def date(self, v: object) -> str:
        """An ISO date (``2026-03-02``) as the locale writes it: ``2 Mar 2026`` / ``2 มี.ค. 2026``."""
        try:
            d = v if isinstance(v, date) else date.fromisoformat(str(v)[:10])
        except ValueError:
            return str(v) if v not in (None, "") else DASH
        if self.lang == "th":
            year = d.year + 543 if self.buddhist_era else d.year
            return f"{d.day} {TH_MONTHS[d.month - 1]} {year}"
        return f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}"

    def evidence_name(self, key: str) -> str:
        """The name of an evidence count (``records`` -> messages), the key itself when unnamed."""
        return self.words.get(f"ev_{key}", key)

    def segment_value(self, v: object, field: object = None) -> str:
        """A segment value as shown: ``(none)`` (records without the field, voc.insights.weekdata.NONE) in words,
        a channel (``field="channel"``) by its name in the report language."""
        if v == "(none)":
            return self.t("segment_none")
        if field == "language":
            return self.language(v)
        return self.channel(v) if field == "channel" else str(v)

    def language(self, v: object) -> str:
        """A language code of voc.text (``th``, ``en``, ``mixed``: Thai with English words) in words."""
        if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
            return ""
        return self.words.get(f"lang_{v}", str(v))

    def channel(self, v: object) -> str:
        """A channel (voc.schema.CHANNELS: ``call_note``...) in the report language; any other value as it is."""
        if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
            return ""
        return self.words.get(f"channel_{v}", str(v))

    def sentiment(self, label: object) -> str:
        return self.t(label) if label in ("positive", "neutral", "negative") else str(label or DASH)


def number(v: object) -> float:
    """``v`` as a float; NaN for anything that is not a number."""
    if isinstance(v, bool):
        return float(v)
    try:
        return float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
