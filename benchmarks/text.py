"""Speed of the text layer on the wisesight train texts: docs/s per step and for the whole layer.

    python benchmarks/text.py [--limit N] [--repeat R] [--json bench-results/text.json]

Every figure is from one process. Each step runs on the previous step's output (tokenize
reads normalized, redacted text), after one warm-up pass on 200 texts, so model loading is
not counted. The tokenizer's caches (segmentations, run splits, topic terms) are emptied before
every run, so each run is a first pass over the corpus. Both wall-clock and CPU-time rates are
printed: on a shared machine CPU time is the steadier figure. The two Thai engines are compared on the same clean texts.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voc.paths import shared_data_dir  # noqa: E402
from voc.text.config import TextConfig, TokenizeConfig  # noqa: E402
from voc.text.dedup import find_near_duplicates  # noqa: E402
from voc.text.flags import noise_flags  # noqa: E402
from voc.text.langid import detect_language  # noqa: E402
from voc.text.normalize import normalize  # noqa: E402
from voc.text.pipeline import process_texts  # noqa: E402
from voc.text.redact import redact  # noqa: E402
from voc.text.tokenize import clear_caches, tokenize, topic_tokens  # noqa: E402


def _timed(fn, n_docs: int, repeat: int) -> dict[str, float]:
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        clear_caches()  # every run is a first pass over the corpus: no segmentation remembered
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return {
        "docs_per_s_wall": round(n_docs / best_wall, 1),
        "docs_per_s_cpu": round(n_docs / max(best_cpu, 1e-9), 1),
        "seconds_wall": round(best_wall, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="use the first N texts (0: all)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the best is kept")
    parser.add_argument("--json", type=Path, default=Path("bench-results/text.json"))
    args = parser.parse_args()

    path = shared_data_dir() / "wisesight" / "train.jsonl"
    if not path.exists():
        print(f"no wisesight data at {path}; set VOC_SHARED_DATA", file=sys.stderr)
        return 1
    with path.open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh]
    if args.limit:
        texts = texts[: args.limit]
    n = len(texts)
    cfg = TextConfig()

    process_texts(texts[:200], cfg)  # warm-up: spaCy, nlpo3 dictionary, py3langid, vocabularies
    for engine in ("nlpo3", "newmm"):
        tokenize("ร้านนี้อร่อย", config=TokenizeConfig(engine=engine))

    clean = [normalize(t, cfg.normalize) for t in texts]
    redacted = [redact(t, cfg.redact)[0] for t in clean]
    languages = [detect_language(t) for t in redacted]
    tokens = [tokenize(t, lang, cfg.tokenize, normalized=True) for t, lang in zip(redacted, languages, strict=True)]
    ids = [str(i) for i in range(n)]

    steps = {
        "normalize": lambda: [normalize(t, cfg.normalize) for t in texts],
        "redact (raw text, as ingest calls it)": lambda: [redact(t, cfg.redact) for t in texts],
        "language id": lambda: [detect_language(t) for t in redacted],
        "tokenize": lambda: [
            tokenize(t, lang, cfg.tokenize, normalized=True) for t, lang in zip(redacted, languages, strict=True)
        ],
        "topic tokens (from tokens)": lambda: [
            topic_tokens(t, lang, cfg.tokenize, tokens=tok)
            for t, lang, tok in zip(redacted, languages, tokens, strict=True)
        ],
        "noise flags": lambda: [noise_flags(t, cfg.noise) for t in redacted],
        "near-duplicates": lambda: find_near_duplicates(ids, redacted, cfg.near_dup, normalized=True),
        "whole layer (process_texts)": lambda: process_texts(texts, cfg),
    }
    results: dict[str, dict[str, float]] = {}
    print(f"{n} wisesight train texts, best of {args.repeat}")
    print(f"{'step':40s} {'docs/s wall':>12s} {'docs/s cpu':>12s}")
    for name, fn in steps.items():
        results[name] = _timed(fn, n, args.repeat)
        r = results[name]
        print(f"{name:40s} {r['docs_per_s_wall']:12,.0f} {r['docs_per_s_cpu']:12,.0f}")

    engines: dict[str, dict[str, float]] = {}
    for engine in ("nlpo3", "newmm"):
        ecfg = TokenizeConfig(engine=engine)
        engines[engine] = _timed(
            lambda ecfg=ecfg: [
                tokenize(t, lang, ecfg, normalized=True) for t, lang in zip(redacted, languages, strict=True)
            ],
            n,
            args.repeat,
        )
        r = engines[engine]
        print(f"{'tokenize, engine ' + engine:40s} {r['docs_per_s_wall']:12,.0f} {r['docs_per_s_cpu']:12,.0f}")
    agree = sum(
        tokenize(t, lang, TokenizeConfig(engine="nlpo3"), normalized=True)
        == tokenize(t, lang, TokenizeConfig(engine="newmm"), normalized=True)
        for t, lang in zip(redacted[:2000], languages[:2000], strict=True)
    ) / min(n, 2000)
    print(f"nlpo3 and newmm give identical tokens on {agree:.1%} of the first {min(n, 2000)} texts")

    report = {
        "data": str(path),
        "docs": n,
        "repeat": args.repeat,
        "python": platform.python_version(),
        "steps": results,
        "thai_engines": engines,
        "engine_token_agreement": round(agree, 4),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
