"""Topic quality, speed and memory: banking77 (English), truevoice (Thai), 100,000 messages.

Prints NMI against the human labels, seconds and peak RSS. Targets (issue 8): banking77 test
NMI >= 0.80 in <= 15 s including embeddings; truevoice NMI (object) >= 0.55; Thai labels in
Thai; 100,000 messages in <= 120 s and <= 4 GB. Times exclude tokenizing (the weekly flow gets
records already tokenized; it is printed apart) and the one-off ``import bertopic``.
Usage: python benchmarks/topics.py [--only banking77,truevoice,scale] [--rows 100000]
       [--sweep] [--minilm] [--json bench-results/topics.json]
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


def _kmeans(k):
    from voc.topics.config import TopicsConfig

    return TopicsConfig(clustering={"name": "topics.clustering.kmeans.v1", "params": {"n_topics": k}})


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
        for k in (40, 77, 100):
            _, s = _fit(docs, df.text.tolist(), df.category, _kmeans(k))
            f["sweep"][f"kmeans_{k}"] = s
            print(f"  LSA + k-means({k}): NMI {s['nmi']}, fit {s['fit_s']} s")
    if args.minilm:
        cfg = TopicsConfig(
            embedding={"name": "topics.embedding.sentence_transformer.v1"},
            clustering={"name": "topics.clustering.kmeans.v1", "params": {"n_topics": 100}},
        )
        _, s = _fit(docs, df.text.tolist(), df.category, cfg)
        f["minilm_kmeans_100"] = s
        print(f"  all-MiniLM-L6-v2 + k-means(100): NMI {s['nmi']}, fit {s['fit_s']} s")
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
        for k in (24, 60):
            _, s = _fit(docs, texts, df.object, _kmeans(k))
            f["sweep"][f"kmeans_{k}"] = s
            print(f"  LSA + k-means({k}): NMI(object) {s['nmi']}, fit {s['fit_s']} s")
    figures["truevoice"] = f


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
