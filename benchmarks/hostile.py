"""The hostile corpus, end to end: what an auditor's run over broken, odd and malicious files ends with.

    python benchmarks/hostile.py [--timeout 10] [--memory 2048] [--fuzz-seconds 60] [--workdir DIR]

Builds the corpus of tests/hostile/corpus.py, then, each in an audited child process (an audit hook
for network, programs, reads and writes; a canary pipe and loopback listener for C libraries):

- `isv-check scan --format json` over the corpus (longline/ too, which CI's scan leaves out);
- `isv-check batch --timeout --memory` over the whole corpus mixed with valid samples;
- each fuzz harness for --fuzz-seconds (0 skips them).

Prints: files tried, reports per status, status mismatches, tracebacks (must be 0), hangs past the
timeout (0), forbidden events (0), max RSS, fuzzing executions and crashes found.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile import campaign  # noqa: E402
from tests.hostile.corpus import build_corpus, default_samples  # noqa: E402
from tests.hostile.sandbox import Canary  # noqa: E402

SAMPLES = ROOT / "samples"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per file in the batch run")
    parser.add_argument("--memory", type=int, default=2048, help="MB per batch worker (and 2x for the scan)")
    parser.add_argument("--fuzz-seconds", type=float, default=60.0, help="seconds per fuzz harness (0: none)")
    parser.add_argument("--workdir", type=Path, help="keep the corpus and results here (default: a temp folder)")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="isv-hostile-"))
    work.mkdir(parents=True, exist_ok=True)
    canary = Canary(work / "canary")
    try:
        return _run(args, work, canary)
    finally:
        canary.close()
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def _run(args: argparse.Namespace, work: Path, canary: Canary) -> int:
    started = time.perf_counter()
    root = work / "corpus"
    shutil.rmtree(root, ignore_errors=True)
    cases = build_corpus(root, default_samples(SAMPLES), canary_path=canary.path, canary_url=canary.url)
    built = time.perf_counter() - started
    valid = work / "valid"
    valid.mkdir(exist_ok=True)
    for name in campaign.VALID_SAMPLES:
        shutil.copy(SAMPLES / name, valid / name)
    print(
        f"corpus: {len(cases)} hostile files built in {built:.1f} s; {len(campaign.VALID_SAMPLES)} valid samples beside them"
    )

    scanned_cases = campaign.scanned_cases(cases, long_lines=True)
    scan = campaign.scan(root, _fresh(work / "scan"), timeout=900, memory_mb=2 * args.memory, long_lines=True)
    _report("scan", scan, scanned_cases, expected_files=len(scanned_cases), timeout=None)

    batch = campaign.batch([root, valid], _fresh(work / "batch"), timeout=args.timeout, memory_mb=args.memory)
    over = [(s, secs) for s, secs in batch.summary.get("slowest", []) if secs > args.timeout + 5]
    _report(
        "batch",
        batch,
        cases,
        expected_files=len(cases) + len(campaign.VALID_SAMPLES),
        timeout=args.timeout,
        also={f"/{campaign.LONG_LINES}/": {"timeout"}},
        hangs=len(over),
    )
    touched = canary.touched()
    print(f"canary (named pipe, loopback listener): {touched or 'untouched'}")

    crashes_total = 0
    if args.fuzz_seconds > 0:
        for harness in ("fuzz_docx.py", "fuzz_pdf.py"):
            folder = _fresh(work / harness.removesuffix(".py"))
            code, output, executions = campaign.run_harness(
                ROOT / "tests" / "hostile" / harness, args.fuzz_seconds, folder
            )
            crashes = sorted(p.name for p in folder.glob("crash-*")) + sorted(p.name for p in folder.glob("timeout-*"))
            crashes_total += len(crashes)
            print(
                f"fuzzing {harness}: {executions:,} executions in {args.fuzz_seconds:g} s, "
                f"{len(crashes)} crash(es){': ' + ', '.join(crashes) if crashes else ''} (exit {code})"
            )
    print(f"total time {time.perf_counter() - started:.0f} s")
    failed = (
        scan.tracebacks
        + batch.tracebacks
        + len(scan.run.events)
        + len(batch.run.events)
        + len(touched)
        + crashes_total
        + len(over)
        + int(scan.run.timed_out)
        + int(batch.run.timed_out)
    )
    return 1 if failed else 0


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _report(
    name: str,
    outcome: campaign.Outcome,
    cases: list,
    *,
    expected_files: int,
    timeout: float | None,
    also: dict[str, set[str]] | None = None,
    hangs: int | None = None,
) -> None:
    run = outcome.run
    statuses = outcome.per_status()
    wrong = campaign.mismatches(cases, outcome.statuses, also=also)
    print(
        f"\n{name}: {len(outcome.statuses)} report(s) for {expected_files} file(s) tried, in {run.seconds:.1f} s"
        f"{' (TIMED OUT)' if run.timed_out else ''}"
    )
    print("  per status: " + ", ".join(f"{status} {count}" for status, count in sorted(statuses.items())))
    print(f"  statuses not as expected: {len(wrong)}")
    for line in wrong[:10]:
        print(f"    {line}")
    print(f"  tracebacks: {outcome.tracebacks}")
    if timeout is not None:
        print(
            f"  hangs past the {timeout:g} s timeout: {hangs}; files stopped at the timeout: {statuses.get('timeout', 0)}"
        )
        print(f"  max RSS of a worker: {outcome.summary.get('peak_rss_mb', 0):.0f} MB")
    else:
        print(f"  hung: {'yes' if run.timed_out else 'no'}; max RSS: {run.max_rss_mb:.0f} MB")
    print(f"  forbidden events (network, programs, reads, writes): {len(run.events)}")
    for event in run.events[:5]:
        print(f"    {json.dumps(event)[:200]}")


if __name__ == "__main__":
    sys.exit(main())
