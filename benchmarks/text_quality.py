"""Text-layer quality figures: PII recall and false positives on the planted sets, language-id accuracy.

The PII sets are the ones the tests build (loaded from their files, so the tests and this report always
measure the same items): the planted set of `tests/text/test_redact.py` and the wider labelled set written
by `tests/text/pii_cases.py` (every separator, grouping, digit script and email form, and look-alike dates,
times, IPs, versions, prices and order numbers). The language-id set is `tests/text/data/langid_cases.tsv`.
Usage: python benchmarks/text_quality.py [--json bench-results/text_quality.json]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys

from _common import REPO, write_json


def _load(name: str, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", default="bench-results/text_quality.json")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO / "tests" / "text"))  # test_redact.py imports pii_cases from its folder
    import pii_cases
    planted = _load("planted_pii", REPO / "tests" / "text" / "test_redact.py")
    from voc.text.langid import detect_language
    from voc.text.redact import redact

    figures: dict = {"pii_recall": {}}
    for kind, values in (("EMAIL", planted.EMAILS), ("THAI_ID", planted.THAI_IDS), ("CARD", planted.CARDS),
                         ("PHONE", planted.PHONES)):
        recall, _ = planted._recall(values, kind)
        figures["pii_recall"][kind] = {"items": len(values), "recall": round(recall, 4)}
    fp = sum(1 for i, v in enumerate(planted.NEGATIVES) if redact(planted._sentence(v, i))[1])
    figures["pii_false_positives"] = {"items": len(planted.NEGATIVES), "flagged": fp}
    wide = pii_cases.measure(redact)
    figures["pii_labelled_set"] = {
        "items": wide["items"],
        "recall": {
            k: {"items": v["items"], "recall": round(wide["recall"][k], 4)} for k, v in wide["per_kind"].items()
        },
        "negatives": wide["negatives"],
        "false_positives": wide["false_positives"],
        "false_positive_rate": round(wide["false_positive_rate"], 4),
        "missed": {k: v["missed"][:5] for k, v in wide["per_kind"].items() if v["missed"]},
        "false_positive_items": wide["false_positive_items"][:5],
    }
    rows = [line.split("\t", 1) for line in (REPO / "tests/text/data/langid_cases.tsv").read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    correct = sum(detect_language(text) == lang for lang, text in rows)
    figures["langid"] = {"lines": len(rows), "accuracy": round(correct / len(rows), 4)}
    for kind, r in figures["pii_recall"].items():
        print(f"PII recall {kind:8s}: {r['recall']:.1%} of {r['items']} planted items")
    print(f"PII false positives on order numbers, prices, dates, times: {fp} of {len(planted.NEGATIVES)}")
    print(f"labelled PII set (tests/text/pii_cases.py): {wide['items']} items")
    for kind, v in wide["per_kind"].items():
        print(f"  recall {kind:8s}: {wide['recall'][kind]:.1%} of {v['items']} planted items")
        for form, text, out in v["missed"][:3]:
            print(f"    missed ({form}): {text!r} -> {out!r}")
    print(f"  false positives: {wide['false_positives']} of {wide['negatives']} look-alikes "
          f"= {wide['false_positive_rate']:.1%}")
    for text, out in wide["false_positive_items"][:3]:
        print(f"    {text!r} -> {out!r}")
    print(f"language id: {correct}/{len(rows)} = {correct / len(rows):.1%} correct")
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
