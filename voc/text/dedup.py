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
import pandas as pd

from voc.text.config import NearDupConfig, NoiseConfig
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
    groups: Sequence[object] | None = None,
) -> list[RecordId | None]:
    """For each record, the id of an earlier record it nearly duplicates, else None.

    Args:
        record_ids: ids, same length and order as ``texts``.
        texts: message texts; normalized here unless ``normalized`` is True.
        config: similarity threshold (Jaccard of character 4-grams), permutations, min length.
        normalized: the texts already went through ``normalize``.
        groups: when given (same length), a record only repeats an earlier record of its own group
            (the same author, say); None values form no group and repeat nothing.

    Raises:
        ValueError: when ``record_ids`` and ``texts`` differ in length.
    """
    cfg = config or _DEFAULT
    if len(record_ids) != len(texts):
        raise ValueError(f"record_ids ({len(record_ids)}) and texts ({len(texts)}) differ in length")
    if groups is not None and len(groups) != len(texts):
        raise ValueError(f"groups ({len(groups)}) and texts ({len(texts)}) differ in length")
    result: list[RecordId | None] = [None] * len(texts)
    if not cfg.enabled or not len(texts):
        return result
    keys = [_shingle_text(t if normalized else normalize(t)) for t in texts]
    eligible = [i for i, k in enumerate(keys) if len(k) >= cfg.min_chars]
    if groups is not None:
        eligible = [i for i in eligible if groups[i] is not None and groups[i] == groups[i]]  # not None/NaN
    if len(eligible) < 2:
        return result
    signatures = _signatures([keys[i] for i in eligible], cfg.num_perm)
    bands, rows = _band_shape(cfg.num_perm, cfg.threshold)
    band_keys = _band_keys(signatures, bands, rows)
    group_of: list[int] | None = None
    if groups is not None:
        # a group's own salt on every band key: records of different groups never share a bucket
        codes = pd.factorize(pd.Series([groups[i] for i in eligible], dtype=object))[0].astype(np.uint64)
        with np.errstate(over="ignore"):
            band_keys = band_keys ^ ((codes + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15))[:, None]
        group_of = codes.tolist()
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
        if group_of is not None:  # a hash collision must not join two groups
            candidates = {c for c in candidates if group_of[c] == group_of[row]}
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


SAME_AUTHOR = "same_author"
CROSS_CHANNEL_PASTE = "cross_channel_paste"
TEMPLATE = "template"
REPEAT_REASONS = (SAME_AUTHOR, CROSS_CHANNEL_PASTE, TEMPLATE)
"""Why a record is folded into an earlier one of its week (``record_text.near_dup_reason``)."""


def week_repeats(
    records: pd.DataFrame,
    config: NearDupConfig | None = None,
    noise: NoiseConfig | None = None,
) -> pd.DataFrame:
    """Which records repeat an earlier record of the same ISO week, and why.

    Volume counts customers' messages, so a near-identical text is folded only when it is the
    same customer repeating themselves or not a customer at all (issue #13):

    - ``same_author``: a near-duplicate of an earlier message by the same author;
    - ``cross_channel_paste``: a text of at least ``paste_min_chars`` that nearly repeats one on
      another source or channel within ``paste_window_hours`` (one customer pasting it around);
    - ``template``: bot or auto-reply text (``text.noise.template_patterns``) repeating an earlier one.

    Two customers who write the same complaint stay two voices, and nothing is compared across
    weeks. Exact duplicates (``duplicate_of`` set at ingest) are left as they are.

    Args:
        records: ``record_id``, ``iso_week``, ``created_at``, ``author_key``, ``source``,
            ``channel``, ``text_clean`` (normalized) and ``duplicate_of``.
        config: the ``text.near_dup`` settings.
        noise: the ``text.noise`` settings (template patterns).

    Returns:
        ``near_dup_of`` and ``near_dup_reason`` (None where the record counts), on ``records``' index.
    """
    from voc.text.flags import is_auto_reply

    cfg = config or _DEFAULT
    out = pd.DataFrame({"near_dup_of": pd.Series(None, index=records.index, dtype=object),
                        "near_dup_reason": pd.Series(None, index=records.index, dtype=object)})
    if not cfg.enabled or records.empty:
        return out
    times = pd.to_datetime(records["created_at"], utc=True)
    dup = records["duplicate_of"]
    originals = dup.isna() | (dup.astype(object).fillna("").astype(str) == "")
    window = pd.Timedelta(hours=cfg.paste_window_hours)
    for _, week in records[originals.to_numpy()].groupby("iso_week", sort=True):
        week = week.assign(_t=times[week.index]).sort_values(["_t", "record_id"], kind="stable")
        ids = week["record_id"].astype(str).tolist()
        texts = [t if isinstance(t, str) else "" for t in week["text_clean"]]
        index = week.index.tolist()
        pos = {rid: k for k, rid in enumerate(ids)}
        folded: dict[int, tuple[str, str]] = {}
        authors = [a if isinstance(a, str) and a else None for a in week["author_key"]]
        for k, leader in enumerate(find_near_duplicates(ids, texts, cfg, normalized=True, groups=authors)):
            if leader is not None:
                folded[k] = (leader, SAME_AUTHOR)
        where = list(zip(week["source"].astype(str), week["channel"].astype(str), strict=False))
        t = week["_t"].tolist()
        long_enough = [k for k in range(len(ids))
                       if k not in folded and len(_shingle_text(texts[k])) >= cfg.paste_min_chars]
        found = find_near_duplicates([ids[k] for k in long_enough], [texts[k] for k in long_enough], cfg,
                                     normalized=True)
        for k, leader in zip(long_enough, found, strict=False):
            if leader is None:
                continue
            j = pos[leader]
            if where[j] != where[k] and abs(t[k] - t[j]) <= window:
                folded[k] = (leader, CROSS_CHANNEL_PASTE)
        bots = [k for k in range(len(ids)) if k not in folded and is_auto_reply(texts[k], noise)]
        found = find_near_duplicates([ids[k] for k in bots], [texts[k] for k in bots], cfg, normalized=True)
        for k, leader in zip(bots, found, strict=False):
            if leader is not None:
                folded[k] = (leader, TEMPLATE)
        for k, (leader, reason) in folded.items():
            out.at[index[k], "near_dup_of"] = leader
            out.at[index[k], "near_dup_reason"] = reason
    return out
