"""Accuracy of the checker on the labelled corpus in samples/ (labels in samples/labels.yaml).

    python benchmarks/accuracy.py [--mistakes]
    python benchmarks/accuracy.py --samples benchmarks/heldout --aggregate
    python benchmarks/accuracy.py --tenders [--mistakes]     # the tender dossiers of samples/tenders

Prints verdict accuracy, per-category and per-element precision/recall/F1, the verdict confusion
matrix, the documents wrongly called compliant or not required, and how often the facts that decide
applicability (value, the date's threshold period, authority) were read right. `--aggregate` leaves
out which documents were wrong: use it on a held-out set. `--tenders` scores tenders instead of documents:
each entry of labels.yaml names a dossier (a folder or a ZIP) checked as one with `check_tender`. Targets (issue 3): verdict accuracy >= 0.95,
category F1 >= 0.95, element F1 >= 0.95, zero false compliant; tests/test_accuracy.py holds them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from isv_checker.evaluation import evaluate, load_labels, render  # noqa: E402
from isv_checker.pipeline import check, check_tender  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--samples", type=Path, default=None, help="default: samples/ (samples/tenders/ with --tenders)"
    )
    parser.add_argument("--tenders", action="store_true", help="score tender dossiers, one verdict per tender")
    parser.add_argument("--mistakes", action="store_true", help="list every disagreement with the labels")
    parser.add_argument(
        "--aggregate",
        action="store_true",
        help="figures only, never which document was wrong (for a held-out set: never tune on it)",
    )
    args = parser.parse_args()
    folder = args.samples or (ROOT / "samples" / "tenders" if args.tenders else ROOT / "samples")
    labels = load_labels(folder / "labels.yaml")
    started = time.perf_counter()
    result = evaluate(labels, folder, check_tender if args.tenders else check)
    elapsed = time.perf_counter() - started
    if args.aggregate and args.mistakes:
        parser.error("--aggregate and --mistakes exclude each other")
    for line in render(result, names=not args.aggregate):
        print(line)
    print(f"checked {result.documents} {'tenders' if args.tenders else 'documents'} in {elapsed:.1f} s")
    if args.mistakes:
        print("mistakes:")
        for line in result.mistakes:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
