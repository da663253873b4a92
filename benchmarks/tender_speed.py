"""What judging a tender as one costs on top of checking its files one by one, in one run.

    python benchmarks/tender_speed.py [--repeats 5] [--tenders samples/tenders]

For every dossier of `samples/tenders` (folders and ZIPs), measures best of `--repeats` interleaved
rounds (the machines are shared and noisy), in one process with the matchers built before timing:

- files: each file of the dossier checked alone with `check_bytes` (bytes already in memory, as the
  tender check has them after listing the dossier), summed over the dossier;
- tender: `check_tender` on the dossier (listing and loading the files, reading and judging each once,
  judging the tender, building the tender report).

Prints the ratio tender / files per dossier and over all dossiers. Target (issue 15): at most 1.10.
Scanned PDFs are read with OCR in both arms when Tesseract is installed (`--ocr never` leaves it out).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 1.10


def dossier_files(path: Path) -> list[tuple[str, bytes]]:
    """The readable-or-not files of a dossier, as the tender check lists them."""
    from isv_checker.batch.sources import Refused, collect

    out = []
    with collect([path]) as sources:
        for item in sources.items:
            try:
                out.append((item.name, item.load()))
            except Refused:
                continue
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenders", type=Path, default=ROOT / "samples" / "tenders")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--ocr", choices=("auto", "never"), default="auto")
    args = parser.parse_args()

    from isv_checker.pipeline import check_bytes, check_tender
    from isv_checker.ruleset.load import cached_ruleset
    from isv_checker.settings import ReadOptions

    ruleset = cached_ruleset()
    options = ReadOptions(ocr=args.ocr)
    dossiers = sorted(p for p in args.tenders.iterdir() if p.suffix == ".zip" or (p.is_dir() and p.name != "source"))
    check_bytes(b"De aanbestedende dienst besteedt de opdracht aan.\n", "warm-up.txt", options, ruleset=ruleset)
    best_files = {d: float("inf") for d in dossiers}
    best_tender = {d: float("inf") for d in dossiers}
    for _ in range(args.repeats):
        for dossier in dossiers:
            files = dossier_files(dossier)
            started = time.perf_counter()
            for name, data in files:
                check_bytes(data, name, options, ruleset=ruleset)
            best_files[dossier] = min(best_files[dossier], time.perf_counter() - started)
            started = time.perf_counter()
            check_tender(dossier, options, ruleset=ruleset)
            best_tender[dossier] = min(best_tender[dossier], time.perf_counter() - started)
    print(f"{'dossier':<40} {'files s':>8} {'tender s':>9} {'ratio':>6}")
    for dossier in dossiers:
        ratio = best_tender[dossier] / best_files[dossier]
        print(f"{dossier.name:<40} {best_files[dossier]:>8.3f} {best_tender[dossier]:>9.3f} {ratio:>6.2f}")
    total_files, total_tender = sum(best_files.values()), sum(best_tender.values())
    ratio = total_tender / total_files
    print(f"{'all dossiers':<40} {total_files:>8.3f} {total_tender:>9.3f} {ratio:>6.2f}  (target <= {TARGET:.2f})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
