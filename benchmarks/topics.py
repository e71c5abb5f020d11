"""Topic quality, speed and memory: banking77 (English), truevoice (Thai), a cross-lingual set, 100,000 messages.

Prints NMI against the human labels at both levels (topics and themes), the number of topics and
themes, seconds and peak RSS; on the cross-lingual set (tests/topics/data/crosslingual.csv: 20
issues x 8 messages in Thai, English and mixed) also "cross-lingual purity", the mean share of an
issue's messages in its majority theme, and how many issues have their Thai and English messages
in one theme. Targets (issue 16): banking77 topic NMI >= 0.82 in <= 15 s; truevoice object NMI
>= 0.42; purity >= 0.85; 100,000 messages in <= 120 s and <= 4 GB. Times exclude tokenizing
(the weekly flow gets records already tokenized; it is printed apart) and the one-off
``import bertopic``.
Usage: python benchmarks/topics.py [--only banking77,truevoice,crosslingual,demo,scale] [--rows 100000]
       [--embedding hybrid] [--sweep] [--minilm] [--analysis] [--json bench-results/topics.json]
``--sweep`` fits the handful of documented alternatives; ``--analysis`` adds truevoice data checks
(duplicates, label overlap, a supervised ceiling of NMI from 5-fold LinearSVC predictions).
"""

from __future__ import annotations

import argparse
import random
import time

from _common import peak_rss_mb, write_json


def _tokens(texts):
    from voc.text.tokenize import topic_tokens

    start = time.perf_counter()
    docs = [" ".join(topic_tokens(t)) for t in texts]
    return docs, time.perf_counter() - start


def _fit(docs, texts, labels, config):
    from sklearn.metrics import normalized_mutual_info_score

    from voc.topics.model import fit_topics

    start = time.perf_counter()
    fit = fit_topics(docs, texts, config)
    seconds = time.perf_counter() - start
    def nmi(x):
        return None if labels is None else round(float(normalized_mutual_info_score(labels, x)), 4)

    return fit, {
        "nmi": nmi(fit.assignments),
        "theme_nmi": nmi(fit.theme_assignments()),
        "fit_s": round(seconds, 2),
        "topics": len(fit.topics),
        "themes": len(fit.themes),
        "outlier_share": round(fit.outlier_share, 4),
    }


def _default(args):
    """The default config, or the default with another embedding (``--embedding``)."""
    from voc.topics.config import TopicsConfig

    embedding = TopicsConfig().embedding.model_dump()
    if args.embedding:
        embedding = {"name": f"topics.embedding.{args.embedding}.v1", "params": {}}
    if args.multilingual_weight is not None:
        embedding["params"]["multilingual_weight"] = args.multilingual_weight
    if args.thai_words_weight is not None:
        embedding["params"]["thai_words_weight"] = args.thai_words_weight
    if args.thai_words_scope is not None:
        embedding["params"]["thai_words_scope"] = args.thai_words_scope
    return TopicsConfig(embedding=embedding)


def _levels(f: dict) -> str:
    return (f"topic NMI {f['nmi']} ({f['topics']} topics), theme NMI {f['theme_nmi']} ({f['themes']} themes), "
            f"fit {f['fit_s']} s")


def _config(embedding: str, clustering: str, k: int | None = None, static_weight: float | None = None):
    from voc.topics.config import TopicsConfig

    emb = {"name": f"topics.embedding.{embedding}.v1"}
    if static_weight is not None:
        emb["params"] = {"static_weight": static_weight}
    return TopicsConfig(
        embedding=emb,
        clustering={"name": f"topics.clustering.{clustering}.v1", "params": {"n_topics": k} if k else {}},
    )


# The documented alternatives (name -> embedding, clustering, k, static weight); default is
# hybrid(0.95) + Ward with one topic per 30 records (100 on banking77 test).
BANKING_SWEEP = {
    "lsa + kmeans(auto, 1 per 50)": ("lsa", "kmeans", None, None),
    "lsa + kmeans(100)": ("lsa", "kmeans", 100, None),
    "lsa + ward(100)": ("lsa", "ward", 100, None),
    "static + kmeans(100)": ("static", "kmeans", 100, None),
    "static + ward(100)": ("static", "ward", 100, None),
    "hybrid(0.9) + kmeans(100)": ("hybrid", "kmeans", 100, 0.9),
    "hybrid(0.9) + ward(100)": ("hybrid", "ward", 100, 0.9),
    "hybrid(0.8) + ward(100)": ("hybrid", "ward", 100, 0.8),
    "hybrid(1.0) + ward(100)": ("hybrid", "ward", 100, 1.0),
    "hybrid(0.95) + kmeans(100)": ("hybrid", "kmeans", 100, 0.95),
    "hybrid(0.95) + ward(77)": ("hybrid", "ward", 77, 0.95),
}


def banking77(args, figures):
    import pandas as pd

    from voc.paths import shared_data_dir

    df = pd.read_csv(shared_data_dir() / "banking77" / "test.csv")
    docs, tok_s = _tokens(df.text)
    fit, f = _fit(docs, df.text.tolist(), df.category, _default(args))
    f["tokenize_s"] = round(tok_s, 2)
    f["labels_sample"] = fit.topics.label.head(8).tolist()
    print(f"banking77 test ({len(df)} queries, 77 intents): {_levels(f)} (+ tokenize {f['tokenize_s']} s), "
          f"outliers {100 * f['outlier_share']:.1f}%  [target topic NMI >= 0.82 in <= 15 s]")
    print("  labels:", " | ".join(f["labels_sample"]))
    if args.sweep:
        f["sweep"] = {}
        for name, spec in BANKING_SWEEP.items():
            _, s = _fit(docs, df.text.tolist(), df.category, _config(*spec))
            f["sweep"][name] = s
            print(f"  {name}: NMI {s['nmi']}, fit {s['fit_s']} s, {s['topics']} topics")
    if args.minilm:
        for clustering in ("kmeans", "ward"):
            _, s = _fit(docs, df.text.tolist(), df.category, _config("sentence_transformer", clustering, 100))
            f[f"minilm_{clustering}_100"] = s
            print(f"  all-MiniLM-L6-v2 + {clustering}(100): NMI {s['nmi']}, fit {s['fit_s']} s")
    figures["banking77"] = f


def truevoice(args, figures):
    import pandas as pd

    from voc.paths import shared_data_dir
    from voc.topics.labels import THAI_RE

    df = pd.read_csv(shared_data_dir() / "truevoice" / "train.csv")
    texts = df.texts.str.strip().tolist()
    docs, tok_s = _tokens(texts)
    fit, f = _fit(docs, texts, df.object, _default(args))
    f["tokenize_s"] = round(tok_s, 2)
    f["labels_with_thai"] = round(sum(bool(THAI_RE.search(x)) for x in fit.topics.label) / max(len(fit.topics), 1), 4)
    f["labels_sample"] = fit.topics.label.head(8).tolist()
    print(f"truevoice train ({len(df)} utterances, 26 objects), NMI against object: {_levels(f)} "
          f"(+ tokenize {f['tokenize_s']} s), labels with Thai words {100 * f['labels_with_thai']:.0f}%  "
          "[target topic NMI >= 0.42]")
    print("  labels:", " | ".join(f["labels_sample"]))
    if args.sweep:
        f["sweep"] = {}
        for name, spec in {
            "default at k=24": ("hybrid", "ward", 24, None),
            "lsa + kmeans(24)": ("lsa", "kmeans", 24, None),
            "lsa + kmeans(100)": ("lsa", "kmeans", 100, None),
        }.items():
            _, s = _fit(docs, texts, df.object, _config(*spec))
            f["sweep"][name] = s
            print(f"  {name}: NMI(object) {s['nmi']}, fit {s['fit_s']} s")
    if args.analysis:
        f["analysis"] = _truevoice_analysis(df, docs)
    figures["truevoice"] = f


def _truevoice_analysis(df, docs) -> dict:
    """Why NMI against ``object`` stays low: duplicates, overlapping labels, a supervised ceiling."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import normalized_mutual_info_score as nmi
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.svm import LinearSVC

    per_text = df.groupby("texts").object.nunique()
    x = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=(1, 2),
                        min_df=2, sublinear_tf=True).fit_transform(docs)
    # Labels seen through a supervised classifier: the most NMI these words can explain.
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    predicted = cross_val_predict(LinearSVC(C=0.5), x, df.object, cv=folds)
    a = {
        "duplicate_texts": int(df.texts.duplicated().sum()),
        "texts_with_several_objects": int((per_text > 1).sum()),
        "nmi_object_vs_destination": round(float(nmi(df.object, df.destination)), 4),
        "supervised_accuracy": round(float((predicted == df.object).mean()), 4),
        "supervised_nmi": round(float(nmi(df.object, predicted)), 4),
    }
    print(f"  data: {a['duplicate_texts']} duplicate texts, {a['texts_with_several_objects']} texts with "
          f"several objects; NMI(object, destination) {a['nmi_object_vs_destination']}; supervised "
          f"LinearSVC (5-fold) accuracy {a['supervised_accuracy']}, NMI {a['supervised_nmi']}")
    return a


def crosslingual(args, figures):
    """The cross-lingual set: does an issue's Thai, English and mixed talk share one theme?"""
    from pathlib import Path

    import pandas as pd

    from voc.text.pipeline import process_texts

    df = pd.read_csv(Path(__file__).resolve().parent.parent / "tests" / "topics" / "data" / "crosslingual.csv")
    start = time.perf_counter()
    layer = process_texts(df.text.tolist())
    tok_s = time.perf_counter() - start
    fit, f = _fit(layer.topic_tokens.tolist(), layer.text_clean.tolist(), df.issue, _default(args))
    frame = pd.DataFrame({"issue": df.issue, "language": df.language, "theme": fit.theme_assignments(),
                          "topic": fit.assignments})
    majority = frame.groupby("issue").theme.agg(lambda s: s.value_counts().iloc[0] / len(s))
    topic_majority = frame.groupby("issue").topic.agg(lambda s: s.value_counts().iloc[0] / len(s))

    def together(group) -> bool:
        top = group.theme.value_counts().index[0]
        langs = set(group.loc[group.theme == top, "language"])
        return {"th", "en"} <= langs

    f.update(
        purity=round(float(majority.mean()), 4), topic_purity=round(float(topic_majority.mean()), 4),
        issues_th_en_together=int(frame.groupby("issue").apply(together, include_groups=False).sum()),
        issues=int(df.issue.nunique()), tokenize_s=round(tok_s, 2),
        theme_labels=fit.themes.label.tolist(),
    )
    print(f"cross-lingual set ({len(df)} messages, {f['issues']} issues, Thai/English/mixed): {_levels(f)}; "
          f"purity {f['purity']} (topics {f['topic_purity']}), {f['issues_th_en_together']}/{f['issues']} issues "
          f"with Thai and English in their majority theme  [target purity >= 0.85]")
    print("  themes:", " | ".join(f["theme_labels"]))
    figures["crosslingual"] = f


def scale(args, figures):
    """N messages made by joining halves of two real tokenized messages (Thai and English)."""
    import json

    import pandas as pd

    from voc.paths import shared_data_dir

    data = shared_data_dir()
    pool_texts = (
        pd.read_csv(data / "banking77" / "train.csv").text.tolist()
        + pd.read_csv(data / "truevoice" / "train.csv").texts.tolist()
        + [json.loads(line)["text"] for line in (data / "wisesight" / "valid.jsonl").open(encoding="utf-8")]
    )
    pool, tok_s = _tokens(pool_texts)
    pool = [d.split() for d in pool if d]
    rng = random.Random(7)
    docs, texts = [], []
    for _ in range(args.rows):
        a, b = rng.choice(pool), rng.choice(pool)
        doc = " ".join(a[: max(1, len(a) // 2)] + b[len(b) // 2:])
        docs.append(doc)
        texts.append(doc)
    rss_before = peak_rss_mb()
    fit, f = _fit(docs, texts, None, _default(args))
    f.update(rows=args.rows, peak_rss_mb=round(peak_rss_mb(), 1), peak_rss_before_fit_mb=round(rss_before, 1),
             pool_tokenize_s=round(tok_s, 2), pool_size=len(pool))
    print(f"{args.rows} messages: fit {f['fit_s']} s, peak RSS {f['peak_rss_mb']:.0f} MiB "
          f"(before fit {rss_before:.0f} MiB), {f['topics']} topics, {f['themes']} themes  [target <= 120 s, <= 4 GB]")
    figures["scale"] = f


def demo(args, figures):
    """The demo's last week: is the planted OTP incident one theme, with both languages, flagged once?"""
    import pandas as pd

    from voc.demo.generate import PLANTED, generate_messages
    from voc.insights.config import InsightsConfig
    from voc.insights.themes import theme_week_table
    from voc.text.pipeline import process_texts
    from voc.topics.weekly import assign_week_topics

    week = "2026-W48"
    messages = generate_messages(week, n_weeks=10, total=6000, seed=7)
    layer = process_texts([m.text for m in messages])
    window = pd.DataFrame({
        "record_id": [f"r{i:05d}" for i in range(len(messages))],
        "iso_week": ["{}-W{:02d}".format(*m.at.isocalendar()[:2]) for m in messages],
        "text_clean": layer.text_clean, "topic_tokens": layer.topic_tokens, "language": layer.language,
    })
    start = time.perf_counter()
    result = assign_week_topics(window, week, None, _default(args))
    seconds = time.perf_counter() - start
    truth = pd.DataFrame({"record_id": window.record_id, "planted": [m.theme for m in messages],
                          "written_in": [m.lang for m in messages], "sentiment": [m.tone for m in messages],
                          "text": layer.text_clean, "duplicate_of": None, "near_dup_of": None})
    records = result.window_assignments.merge(truth, on="record_id").merge(window[["record_id", "language"]])
    table = theme_week_table(week, records, result.registry, InsightsConfig())
    this = records[records.iso_week == week]
    otp = this[this.planted == PLANTED["emerging"]]
    theme = otp.theme_id.value_counts().index[0]
    majority = this.groupby("theme_id").planted.agg(lambda s: s.value_counts().index[0])
    flagged = table[table.is_emerging]
    f = {
        "records": len(records), "fit_s": round(seconds, 2), "themes": len(table),
        "otp_share_in_its_theme": round(float((otp.theme_id == theme).mean()), 4),
        "otp_theme_languages": sorted(set(otp.loc[otp.theme_id == theme, "written_in"])),
        "otp_theme_topics": int(table.set_index("theme_id").at[theme, "topics"]),
        "otp_theme_label": str(table.set_index("theme_id").at[theme, "theme_label"]),
        "emerging_flags_on_otp": int(sum(majority.get(t) == PLANTED["emerging"] for t in flagged.theme_id)),
        "theme_labels": table.theme_label.tolist(),
    }
    print(f"demo {week} ({f['records']} records in the window): {f['themes']} themes, fit {f['fit_s']} s; the OTP "
          f"incident: {100 * f['otp_share_in_its_theme']:.0f}% of its messages in theme '{f['otp_theme_label']}' "
          f"({f['otp_theme_topics']} topics, written in {', '.join(f['otp_theme_languages'])}), emerging flags on "
          f"OTP themes: {f['emerging_flags_on_otp']}  [target one theme, flagged once]")
    print("  themes:", " | ".join(f["theme_labels"]))
    figures["demo"] = f


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="banking77,truevoice,crosslingual,demo,scale")
    ap.add_argument("--embedding", default=None, help="embedding backend instead of the default's, e.g. hybrid")
    ap.add_argument("--multilingual-weight", type=float, default=None,
                    help="multilingual_weight of the crosslingual embedding (share of the USE v3 block)")
    ap.add_argument("--thai-words-weight", type=float, default=None,
                    help="thai_words_weight of the crosslingual embedding (share of the e5-words block)")
    ap.add_argument("--thai-words-scope", choices=("thai", "all"), default=None)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--sweep", action="store_true", help="also k-means with fixed k")
    ap.add_argument("--minilm", action="store_true", help="also the packaged all-MiniLM-L6-v2 (slow on CPU)")
    ap.add_argument("--analysis", action="store_true", help="also truevoice data checks and a supervised ceiling")
    ap.add_argument("--json", default="bench-results/topics.json")
    args = ap.parse_args()
    figures: dict = {}
    start = time.perf_counter()
    import bertopic  # noqa: F401  (imports torch, transformers, umap: timed apart)

    figures["import_bertopic_s"] = round(time.perf_counter() - start, 2)
    print(f"import bertopic: {figures['import_bertopic_s']} s (once per process)")
    parts = {"banking77": banking77, "truevoice": truevoice, "crosslingual": crosslingual, "demo": demo,
             "scale": scale}
    for name in args.only.split(","):
        parts[name.strip()](args, figures)
    print(f"wrote {write_json(args.json, {'topics': figures})}")


if __name__ == "__main__":
    main()
