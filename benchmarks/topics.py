"""Topic quality, speed and memory: banking77 (English), truevoice (Thai), 100,000 messages.

Prints NMI against the human labels, seconds and peak RSS. Targets (issue 8): banking77 test
NMI >= 0.80 in <= 15 s including embeddings; truevoice NMI (object) >= 0.55; Thai labels in
Thai; 100,000 messages in <= 120 s and <= 4 GB. Times exclude tokenizing (the weekly flow gets
records already tokenized; it is printed apart) and the one-off ``import bertopic``.
Usage: python benchmarks/topics.py [--only banking77,truevoice,scale] [--rows 100000]
       [--sweep] [--minilm] [--analysis] [--json bench-results/topics.json]
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
    return fit, {
        "nmi": round(float(normalized_mutual_info_score(labels, fit.assignments)), 4) if labels is not None else None,
        "fit_s": round(seconds, 2),
        "topics": int(len(fit.topics)),
        "outlier_share": round(fit.outlier_share, 4),
    }


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
    from voc.topics.config import TopicsConfig

    df = pd.read_csv(shared_data_dir() / "banking77" / "test.csv")
    docs, tok_s = _tokens(df.text)
    fit, f = _fit(docs, df.text.tolist(), df.category, TopicsConfig())
    f["tokenize_s"] = round(tok_s, 2)
    f["labels_sample"] = fit.topics.label.head(8).tolist()
    print(f"banking77 test ({len(df)} queries, 77 intents), default config: NMI {f['nmi']}, "
          f"fit {f['fit_s']} s (+ tokenize {f['tokenize_s']} s), {f['topics']} topics, "
          f"outliers {100 * f['outlier_share']:.1f}%  [target NMI >= 0.80 in <= 15 s]")
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
    from voc.topics.config import TopicsConfig
    from voc.topics.labels import THAI_RE

    df = pd.read_csv(shared_data_dir() / "truevoice" / "train.csv")
    texts = df.texts.str.strip().tolist()
    docs, tok_s = _tokens(texts)
    fit, f = _fit(docs, texts, df.object, TopicsConfig())
    f["tokenize_s"] = round(tok_s, 2)
    f["labels_with_thai"] = round(sum(bool(THAI_RE.search(x)) for x in fit.topics.label) / max(len(fit.topics), 1), 4)
    f["labels_sample"] = fit.topics.label.head(8).tolist()
    print(f"truevoice train ({len(df)} utterances, 26 objects), default config: NMI(object) {f['nmi']}, "
          f"fit {f['fit_s']} s (+ tokenize {f['tokenize_s']} s), {f['topics']} topics, "
          f"labels with Thai words {100 * f['labels_with_thai']:.0f}%  [target NMI >= 0.55]")
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


def scale(args, figures):
    """N messages made by joining halves of two real tokenized messages (Thai and English)."""
    import json

    import pandas as pd

    from voc.paths import shared_data_dir
    from voc.topics.config import TopicsConfig

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
    fit, f = _fit(docs, texts, None, TopicsConfig())
    f.update(rows=args.rows, peak_rss_mb=round(peak_rss_mb(), 1), peak_rss_before_fit_mb=round(rss_before, 1),
             pool_tokenize_s=round(tok_s, 2), pool_size=len(pool))
    print(f"{args.rows} messages, default config: fit {f['fit_s']} s, peak RSS {f['peak_rss_mb']:.0f} MiB "
          f"(before fit {rss_before:.0f} MiB), {f['topics']} topics  [target <= 120 s, <= 4 GB]")
    figures["scale"] = f


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="banking77,truevoice,scale")
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
    parts = {"banking77": banking77, "truevoice": truevoice, "scale": scale}
    for name in args.only.split(","):
        parts[name.strip()](args, figures)
    print(f"wrote {write_json(args.json, {'topics': figures})}")


if __name__ == "__main__":
    main()
