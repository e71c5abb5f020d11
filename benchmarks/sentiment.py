"""Sentiment figures: model load time, batch prediction speed, peak memory, wisesight quality.

    python benchmarks/sentiment.py [--model default] [--docs 20000] [--batch-size 4096]
                                   [--retrain configs/train/default-linear.yaml] [--json PATH]

Speed is measured on wisesight test texts (repeated to --docs) after one warm-up batch; quality
is the four-class wisesight test score. --retrain also trains from the config into a temporary
folder and checks that the new model's metrics equal the shipped model's card.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="default", help="model name or path")
    parser.add_argument("--docs", type=int, default=20000, help="documents to score for the speed figure")
    parser.add_argument("--batch-size", type=int, default=4096)
    parser.add_argument("--retrain", default=None, help="training config to retrain from and compare")
    parser.add_argument("--json", default="bench-results/sentiment.json", help="where to write the figures")
    args = parser.parse_args()

    t0 = time.perf_counter()
    from voc.sentiment.catalog import load_model
    from voc.sentiment.config import wisesight_file
    from voc.sentiment.data import read_labelled
    from voc.sentiment.evaluate import evaluate_model

    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = load_model(args.model)
    load_s = time.perf_counter() - t0
    figures: dict = {"model": model.ref, "import_seconds": round(import_s, 3), "load_seconds": round(load_s, 3)}
    print(f"model {model.ref}: imports {import_s:.2f} s, load {load_s:.2f} s")

    test = read_labelled([wisesight_file("test")])
    texts = (test.texts * (args.docs // len(test.texts) + 1))[: args.docs]
    model.predict(texts[: args.batch_size])  # warm-up: first-call allocations are not the steady state
    t0 = time.perf_counter()
    for i in range(0, len(texts), args.batch_size):
        model.predict(texts[i : i + args.batch_size])
    predict_s = time.perf_counter() - t0
    figures.update(docs=len(texts), batch_size=args.batch_size, predict_seconds=round(predict_s, 3),
                   docs_per_second=round(len(texts) / predict_s, 1))
    print(f"batch prediction: {len(texts)} docs in {predict_s:.2f} s = {len(texts) / predict_s:,.0f} docs/s "
          f"(batch {args.batch_size}, mean {sum(map(len, texts)) / len(texts):.0f} chars)")

    # the sentiment stage also splits every text into clauses and scores the parts of mixed messages
    from voc.sentiment.clauses import clause_rows

    t0 = time.perf_counter()
    for i in range(0, len(texts), args.batch_size):
        part = texts[i : i + args.batch_size]
        clause_rows(range(len(part)), part, model, model.predict(part))
    stage_s = time.perf_counter() - t0
    figures["stage_docs_per_second_with_clauses"] = round(len(texts) / stage_s, 1)
    print(f"with clause sentiments (the pipeline stage): {len(texts) / stage_s:,.0f} docs/s")
    english = Path(str(wisesight_file("test").resolved_path())).parent.parent / "tweeteval-sentiment" / "valid.csv"
    if english.is_file():
        import pandas as pd

        en = pd.read_csv(english)["text"].astype(str).tolist()
        en = (en * (args.docs // len(en) + 1))[: args.docs]
        t0 = time.perf_counter()
        for i in range(0, len(en), args.batch_size):
            model.predict(en[i : i + args.batch_size])
        en_s = time.perf_counter() - t0
        figures["english_docs_per_second"] = round(len(en) / en_s, 1)
        print(f"English tweets (tweeteval valid repeated): {len(en) / en_s:,.0f} docs/s")
    if model.path is not None:
        size = sum(p.stat().st_size for p in Path(model.path).rglob("*") if p.is_file())
        figures["model_folder_mb"] = round(size / 1e6, 1)
        print(f"model folder {size / 1e6:.1f} MB")

    scores = evaluate_model(model, test)
    figures["wisesight_test"] = {"micro_f1": round(scores["micro_f1"], 4), "macro_f1": round(scores["macro_f1"], 4),
                                 "confusion": scores["confusion"]}
    print(f"wisesight test (4 classes, n={scores['n']}): micro-F1 {scores['micro_f1']:.4f}, "
          f"macro-F1 {scores['macro_f1']:.4f}")
    figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(f"peak RSS {figures['peak_rss_mb']:.0f} MB")

    status = 0
    if args.retrain:
        from voc.sentiment.train import load_train_config, train_model

        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            directory = train_model(load_train_config(args.retrain), Path(tmp))
            train_s = time.perf_counter() - t0
            new = json.loads((directory / "card.json").read_text(encoding="utf-8"))
        shipped = json.loads((model.path / "card.json").read_text(encoding="utf-8"))
        same = new["metrics"] == shipped["metrics"]
        figures["retrain"] = {"seconds": round(train_s, 1), "metrics_equal_shipped_card": same,
                              "headline": new["headline"]}
        print(f"retrain from {args.retrain}: {train_s:.0f} s; metrics equal the shipped card: {same}")
        status = 0 if same else 1
        figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
        print(f"peak RSS with retraining {figures['peak_rss_mb']:.0f} MB")

    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print(f"figures written to {out}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
