import pandas as pd
import pytest

from voc.paths import REPO_ROOT
from voc.topics.sentiment import topic_sentiment
from voc.topics.taxonomy import load_taxonomy


def test_example_taxonomy_loads():
    tax = load_taxonomy(REPO_ROOT / "configs" / "taxonomy.example.yaml")
    assert tax.renames["T0001"] == "Card delivery"
    assert tax.merge_targets() == {"T0007": "T0003", "T0012": "T0003"}


@pytest.mark.parametrize(
    "text, message",
    [
        ("renames: {T0001: x}\nmerge: []\n", "merge"),
        ("renames: {card: x}\n", "not a topic id"),
        ("renames: {T0001: '  '}\n", "empty label"),
        ("merges: [{sources: [T0001], into: T0002}, {sources: [T0002], into: T0001}]\n", "cycle"),
        ("merges: [{sources: [T0001], into: T0001}]\n", "among its sources"),
        ("renames: [oops\n", "not valid YAML"),
    ],
)
def test_bad_taxonomy_says_what_and_where(tmp_path, text, message):
    path = tmp_path / "tax.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as err:
        load_taxonomy(path)
    assert str(path) in str(err.value)


def test_missing_taxonomy_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        load_taxonomy(tmp_path / "nope.yaml")


def test_sentiment_mix_and_net_per_week_and_topic():
    df = pd.DataFrame(
        {
            "iso_week": ["2026-W01"] * 5 + ["2026-W02"] * 2,
            "topic_id": ["T0001"] * 4 + ["other"] + ["T0001"] * 2,
            "topic_label": ["card"] * 4 + ["other"] + ["card"] * 2,
            "sentiment": ["positive", "negative", "negative", None, "neutral", None, None],
        }
    )
    out = topic_sentiment(df).set_index(["iso_week", "topic_id"])
    w1 = out.loc[("2026-W01", "T0001")]
    assert w1.volume == 4 and w1.scored == 3
    assert w1.pct_negative == pytest.approx(200 / 3)
    assert w1.net_sentiment == pytest.approx(100 / 3 - 200 / 3)
    assert out.loc[("2026-W01", "other")].pct_neutral == 100
    assert pd.isna(out.loc[("2026-W02", "T0001")].net_sentiment)  # nothing scored: unknown, not 0


def test_sentiment_needs_its_columns():
    with pytest.raises(ValueError, match="sentiment"):
        topic_sentiment(pd.DataFrame({"iso_week": [], "topic_id": []}))
