"""Accuracy of the notice reader and judge on labelled notices.

    python benchmarks/notice_accuracy.py                                      # samples/notices, mistakes named
    python benchmarks/notice_accuracy.py --samples benchmarks/heldout-notices --aggregate

Prints the applicability accuracy (isv_required as labelled), the wrong "not required" and wrong
"required" counts, and the share of notices on which each labelled fact was read right. `--aggregate`
leaves out which notice was wrong: use it on the held-out set, written blind by someone who never saw
the checker, and never tune on it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from isv_checker.notice_evaluation import evaluate, render  # noqa: E402
from isv_checker.pipeline import check  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=Path, default=ROOT / "samples" / "notices")
    parser.add_argument("--aggregate", action="store_true", help="figures only, never which notice was wrong")
    args = parser.parse_args()
    labels = yaml.safe_load((args.samples / "labels.yaml").read_text(encoding="utf-8"))
    started = time.perf_counter()
    scores = evaluate(labels, args.samples, check)
    for line in render(scores, names=not args.aggregate):
        print(line)
    print(f"checked {scores.notices} notices in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
