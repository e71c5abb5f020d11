"""Text-layer quality figures: PII recall and false positives on the planted set, language-id accuracy.

The planted PII set is the one `tests/text/test_redact.py` builds (loaded from that file, so the test and
this report always measure the same items); the language-id set is `tests/text/data/langid_cases.tsv`.
Usage: python benchmarks/text_quality.py [--json bench-results/text_quality.json]
"""

from __future__ import annotations

import argparse
import importlib.util

from _common import REPO, write_json


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", default="bench-results/text_quality.json")
    args = ap.parse_args()
    spec = importlib.util.spec_from_file_location("planted_pii", REPO / "tests" / "text" / "test_redact.py")
    planted = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(planted)
    from voc.text.langid import detect_language
    from voc.text.redact import redact

    figures: dict = {"pii_recall": {}}
    for kind, values in (("EMAIL", planted.EMAILS), ("THAI_ID", planted.THAI_IDS), ("CARD", planted.CARDS),
                         ("PHONE", planted.PHONES)):
        recall, _ = planted._recall(values, kind)
        figures["pii_recall"][kind] = {"items": len(values), "recall": round(recall, 4)}
    fp = sum(1 for i, v in enumerate(planted.NEGATIVES) if redact(planted._sentence(v, i))[1])
    figures["pii_false_positives"] = {"items": len(planted.NEGATIVES), "flagged": fp}
    rows = [line.split("\t", 1) for line in (REPO / "tests/text/data/langid_cases.tsv").read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    correct = sum(detect_language(text) == lang for lang, text in rows)
    figures["langid"] = {"lines": len(rows), "accuracy": round(correct / len(rows), 4)}
    for kind, r in figures["pii_recall"].items():
        print(f"PII recall {kind:8s}: {r['recall']:.1%} of {r['items']} planted items")
    print(f"PII false positives on order numbers, prices, dates, times: {fp} of {len(planted.NEGATIVES)}")
    print(f"language id: {correct}/{len(rows)} = {correct / len(rows):.1%} correct")
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
