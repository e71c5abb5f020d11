"""Near-duplicate messages: the same complaint pasted into chat and a forum, templated bot text.

MinHash over character 4-grams (Thai has no spaces, so words would need segmenting first
and a one-word edit would move every word boundary), banded LSH to find candidates, and the
signature agreement to confirm them. Records are compared with group leaders in the given
order, so the first record of a group is its leader and the result is deterministic.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

import numpy as np

from voc.text.config import NearDupConfig
from voc.text.normalize import normalize

_DEFAULT = NearDupConfig()
_SHINGLE = 4
_SEED = 20240601  # fixed: the same texts give the same groups in every run
_CHUNK_SHINGLES = 200_000  # bounds memory at about 50 MB per chunk with 64 permutations


RecordId = TypeVar("RecordId", bound=Hashable)


def find_near_duplicates(
    record_ids: Sequence[RecordId],
    texts: Sequence[str],
    config: NearDupConfig | None = None,
    *,
    normalized: bool = False,
) -> list[RecordId | None]:
    """For each record, the id of an earlier record it nearly duplicates, else None.

    Args:
        record_ids: ids, same length and order as ``texts``.
        texts: message texts; normalized here unless ``normalized`` is True.
        config: similarity threshold (Jaccard of character 4-grams), permutations, min length.
        normalized: the texts already went through ``normalize``.

    Raises:
        ValueError: when ``record_ids`` and ``texts`` differ in length.
    """
    cfg = config or _DEFAULT
    if len(record_ids) != len(texts):
        raise ValueError(f"record_ids ({len(record_ids)}) and texts ({len(texts)}) differ in length")
    result: list[RecordId | None] = [None] * len(texts)
    if not cfg.enabled or not len(texts):
        return result
    keys = [_shingle_text(t if normalized else normalize(t)) for t in texts]
    eligible = [i for i, k in enumerate(keys) if len(k) >= cfg.min_chars]
    if len(eligible) < 2:
        return result
    signatures = _signatures([keys[i] for i in eligible], cfg.num_perm)
    bands, rows = _band_shape(cfg.num_perm, cfg.threshold)
    band_keys = _band_keys(signatures, bands, rows)
    # Only rows that share a bucket with another row can be (or have) a near-duplicate; the
    # rest lead their own group and skip the ordered pass below.
    shared = np.zeros(len(eligible), dtype=bool)
    for band in range(bands):
        _, inverse, counts = np.unique(band_keys[:, band], return_inverse=True, return_counts=True)
        shared |= counts[inverse] > 1
    bucket_keys = band_keys.tolist()
    buckets: list[dict[int, list[int]]] = [{} for _ in range(bands)]
    for row in np.flatnonzero(shared).tolist():
        candidates: set[int] = set()
        row_keys = bucket_keys[row]
        for band in range(bands):
            leaders = buckets[band].get(row_keys[band])
            if leaders:
                candidates.update(leaders)
        leader = _first_similar(signatures, row, sorted(candidates), cfg.threshold)
        if leader is None:
            for band in range(bands):
                buckets[band].setdefault(row_keys[band], []).append(row)
        else:
            result[eligible[row]] = record_ids[eligible[leader]]
    return result


def _shingle_text(text: str) -> str:
    # Case and spacing do not make a message different.
    return "".join(text.lower().split()) if isinstance(text, str) else ""


def _first_similar(
    signatures: np.ndarray, row: int, candidates: list[int], threshold: float
) -> int | None:
    if not candidates:
        return None
    agreement = (signatures[candidates] == signatures[row]).mean(axis=1)
    hits = np.flatnonzero(agreement >= threshold)
    return candidates[int(hits[0])] if hits.size else None


def _band_shape(num_perm: int, threshold: float) -> tuple[int, int]:
    """Bands x rows whose LSH S-curve rises a little below the threshold (recall over precision)."""
    target = max(threshold - 0.1, 0.05)
    best = (num_perm, 1)
    best_gap = float("inf")
    for rows in range(1, num_perm + 1):
        if num_perm % rows:
            continue
        bands = num_perm // rows
        gap = abs((1 / bands) ** (1 / rows) - target)
        if gap < best_gap:
            best, best_gap = (bands, rows), gap
    return best


def _band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One uint64 key per (text, band): a random linear mix of the band's signature values."""
    rng = np.random.default_rng(_SEED + 1)
    mix = rng.integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
    usable = bands * rows
    shaped = signatures[:, :usable].astype(np.uint64).reshape(len(signatures), bands, rows)
    with np.errstate(over="ignore"):
        return (shaped * mix).sum(axis=2, dtype=np.uint64)


def _signatures(texts: list[str], num_perm: int) -> np.ndarray:
    """MinHash signatures (uint32, one row per text) of the texts' character 4-gram sets."""
    rng = np.random.default_rng(_SEED)
    # Permutations x -> a*x + b mod 2**32 with odd a: bijections on uint32, cheap to vectorize.
    a = (rng.integers(0, 2**31, size=(num_perm, 1), dtype=np.uint32) << np.uint32(1)) | np.uint32(1)
    b = rng.integers(0, 2**32, size=(num_perm, 1), dtype=np.uint32)
    out = np.empty((len(texts), num_perm), dtype=np.uint32)
    start = 0
    while start < len(texts):
        stop, total = start, 0
        while stop < len(texts) and (total == 0 or total + len(texts[stop]) <= _CHUNK_SHINGLES):
            total += max(len(texts[stop]) - _SHINGLE + 1, 1)
            stop += 1
        out[start:stop] = _chunk_signatures(texts[start:stop], a, b).T
        start = stop
    return out


def _chunk_signatures(texts: list[str], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Signatures of one chunk as (num_perm, texts): rows contiguous for the min-reduction."""
    # One buffer for the whole chunk; windows that cross from one text into the next are masked.
    padded = [t if len(t) >= _SHINGLE else t.ljust(_SHINGLE, "\0") for t in texts]
    lengths = np.fromiter((len(t) for t in padded), dtype=np.int64, count=len(padded))
    joined = "".join(padded).encode("utf-32-le", "surrogatepass")
    codes = np.frombuffer(joined, dtype=np.uint32).astype(np.uint64)
    n_windows = len(codes) - _SHINGLE + 1
    with np.errstate(over="ignore"):
        # Polynomial hash of each window of 4 code points, then a 64-bit mix (splitmix64
        # finalizer) whose high half is the shingle's 32-bit hash; uint64 wraps on purpose.
        h = codes[:n_windows].copy()
        for k in range(1, _SHINGLE):
            h = h * np.uint64(1_000_003) + codes[k : n_windows + k]
        h ^= h >> np.uint64(31)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(29)
    ends = np.cumsum(lengths)
    text_of = np.repeat(np.arange(len(padded)), lengths)[:n_windows]
    valid = np.arange(n_windows) + _SHINGLE <= ends[text_of]
    hashes = (h[valid] >> np.uint64(32)).astype(np.uint32)
    per_text = lengths - _SHINGLE + 1
    starts = np.concatenate([[0], np.cumsum(per_text)[:-1]])
    # One permutation at a time into one reused buffer: a chunk's row (<= 800 KB) stays in
    # cache, where a (num_perm x shingles) matrix would stream 50 MB through memory 3 times.
    out = np.empty((len(a), len(texts)), dtype=np.uint32)
    permuted = np.empty_like(hashes)
    with np.errstate(over="ignore"):
        for i in range(len(a)):
            np.multiply(hashes, a[i], out=permuted)
            permuted += b[i]
            np.minimum.reduceat(permuted, starts, out=out[i])
    return out
