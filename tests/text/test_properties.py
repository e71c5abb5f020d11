"""Property tests: every text function is total on arbitrary Unicode; normalize is idempotent;
redaction never leaves a digit run that passes the Thai ID checksum or Luhn."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voc.text.flags import noise_flags
from voc.text.langid import detect_language
from voc.text.normalize import normalize
from voc.text.redact import is_luhn_valid, is_valid_thai_id, redact
from voc.text.tokenize import tokenize, topic_tokens

# Arbitrary Unicode, plus text built from the pieces that trip text code: Thai letters and
# marks, Thai digits, zero-width characters, HTML, URLs, emails, emoji, digit runs, laughter.
_PIECES = st.sampled_from(
    [
        "ก", "่", "้", "ุ", "ี", "ำ", "ํ", "า", "ๅ", "เ", "เเ", "ๆ", "๕", "๑๒๓", "\u200b", "\u200d", "\ufeff",
        "&amp;", "&lt;b&gt;", "<b>", "</p>", "<PHONE>", "<", ">", "&", "https://a.co/x?q=1", "www.", "@", "a@b.co",
        "#แท็ก", "😂", "👍🏽", "555", "5", "0", "1", "4", "9", "-", " ", "\n", "o", "O", "ooo", ".", ",", "?", "é", "e\u0301",
    ]
)
_MIXED = st.lists(_PIECES, max_size=40).map("".join)
TEXT = st.one_of(st.text(max_size=200), _MIXED, st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_LONG_RUN = re.compile(r"\d{13,19}")


@_SETTINGS
@given(TEXT)
def test_normalize_is_total_and_idempotent(text):
    once = normalize(text)
    assert isinstance(once, str)
    assert normalize(once) == once


@_SETTINGS
@given(TEXT)
def test_text_functions_are_total(text):
    out, types = redact(text)
    assert isinstance(out, str) and isinstance(types, list)
    assert detect_language(text) in {"th", "en", "mixed", "other"}
    assert all(isinstance(t, str) for t in tokenize(text))
    assert all(isinstance(t, str) for t in topic_tokens(text))
    assert isinstance(noise_flags(text), list)


_DIGIT_RUNS = st.lists(
    st.one_of(st.text(alphabet="0123456789", min_size=1, max_size=22), st.sampled_from([" ", "-", "x", "ก", "+", "(", ")"])),
    max_size=12,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_DIGIT_RUNS, TEXT))
def test_redaction_leaves_no_checksum_valid_id_or_card(text):
    out, _ = redact(text)
    for match in _LONG_RUN.finditer(out):
        start, end = match.span()
        if (start and out[start - 1].isdigit()) or (end < len(out) and out[end].isdigit()):
            continue  # part of a longer run of 20+ digits: neither an ID nor a card
        run = match.group()
        assert not (len(run) == 13 and is_valid_thai_id(run)), out
        assert not is_luhn_valid(run), out


def _split_one_pattern(text: str) -> list[str]:
    """Reference: one pattern of atoms or Thai runs over the whole text (the first design).

    The tokenizer cuts at atoms first, with a pattern of just the atom kinds present; this
    checks that the two agree.
    """
    from voc.text import patterns as p
    from voc.text import tokenize as t

    combined = re.compile(
        rf"(?P<atom>{p.PLACEHOLDER_RE.pattern}|{p.URL_RE.pattern}|{p.EMAIL_RE.pattern}|{p.MENTION_RE.pattern}"
        rf"|{p.HASHTAG_RE.pattern}|{p.LAUGHTER_RE.pattern}|{p.EMOJI_RE.pattern})"
        rf"|(?P<thai>[{p.THAI_CHARS}]+(?:\s+[{p.THAI_CHARS}]+)*)",
        re.IGNORECASE,
    )
    segment = t._thai_segmenter("nlpo3", t.user_dictionary())
    tokens: list[str] = []
    pos = 0
    for match in combined.finditer(text):
        start, end = match.span()
        if start > pos:
            tokens.extend(t._other_tokens(text[pos:start]))
        if match.lastgroup == "thai":
            tokens.extend(w for w in segment(match.group()) if not w.isspace())
        else:
            tokens.append(match.group())
        pos = end
    if pos < len(text):
        tokens.extend(t._other_tokens(text[pos:]))
    return tokens


_ATOMIC = st.sampled_from(
    ["ร้าน", "อร่อย", "มาก", " ", "  ", "ok", "WWW.", "www.a.co", "Www.", "http://x.y/z", "://", "@", "@nok", "a@b.co",
     "#", "#โปร", "<PHONE>", "<", "555", "5555", "😂", "👍🏽", "!", ".", ",", "cannot", "9", "12.5", "mazda2", "ๆ"]
)


@_SETTINGS
@given(st.lists(_ATOMIC, max_size=30).map("".join))
def test_cutting_at_atoms_first_splits_like_one_combined_pattern(text):
    text = normalize(text)
    assert tokenize(text, normalized=True) == _split_one_pattern(text)


_LATIN = st.sampled_from(
    ["ok", "OK", "can't", "cannot", "gonna", "U.S.", "e.g.", "Mr.", "a.m.", "iPhone's", "wifi", "2019", "3.5",
     "x.com", "(", ")", ",", ".", "!", "?", '"', "“", "'", "-", "/", ":)", "&", "%", "$", "10%", "e-mail",
     "café", "naïve", "SPF30/PA++", "7-Eleven", " ", " ", "  "]
)


@_SETTINGS
@given(st.lists(_LATIN, max_size=25).map("".join))
def test_english_word_by_word_equals_spacy_on_the_whole_run(run):
    from voc.text import tokenize as t

    whole = [tok.text for tok in t._spacy_tokenizer()(run) if not tok.is_space]
    assert t._english_tokens(run) == whole
