"""How long a whole `isv-check` process takes for small jobs, against a bare Python, in one run.

    python benchmarks/startup.py [--repeats 7]

Measures wall-clock time of whole processes, best of `--repeats` interleaved rounds (the machine is
shared and noisy; a busy spell slows one round, not all): `python -c pass` (the floor every command
stands on), `isv-check --version`, `isv-check --help`, `isv-check scan` of a small contract as .txt
(samples/dictu-laptops-2025.txt, 5 KB) and as a 2-page text PDF
(samples/dev5-15-rdw-bedrijfskleding-zbo.pdf), each with the matcher cache filled (as every run
after the first), and the .txt scan once more with an empty cache folder each round (the first run
after installing or changing a rule: spaCy is imported and the matchers built and stored).
Every command runs this tree's code (`python -m isv_checker` from this tree's folder). Besides the
wall-clock time it prints each process's CPU time (user + system, best round), which a loaded machine
disturbs least.

The package's bytecode is compiled first (`compileall`, as `pip install` does for an installed
package, and as any run does unless PYTHONDONTWRITEBYTECODE is set): a tree run from source under
PYTHONDONTWRITEBYTECODE, with no `__pycache__`, compiles every module it imports on every run (about
80 ms of a scan). `--no-bytecode` measures that case instead: it removes the package's `__pycache__`
folders and runs every command under PYTHONDONTWRITEBYTECODE=1.
Target (issue 19): the scan of one small file under 0.4 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TXT = ROOT / "samples" / "dictu-laptops-2025.txt"
PDF = ROOT / "samples" / "dev5-15-rdw-bedrijfskleding-zbo.pdf"
TARGET = 0.4


def prepare_bytecode(tree: Path, env: dict[str, str], *, compiled: bool = True) -> str:
    """Compile the package's bytecode (as an installed package has it), or remove it and keep every
    run from writing it (`compiled=False`); what was done, for the printout."""
    package = tree / "isv_checker"
    if compiled:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True, stdout=subprocess.DEVNULL)
        return "the package's bytecode compiled first, as an installed package has it"
    for cache in package.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return "no bytecode: every module the package imports is compiled from source on every run"


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one process; CPU time is what a loaded machine
    disturbs least."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # a scan exits 1 when a document needs attention
        raise SystemExit(f"{' '.join(argv)}: exit {done.returncode}: {done.stderr.decode(errors='replace')}")
    return seconds, after.ru_utime - used.ru_utime + after.ru_stime - used.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--no-bytecode", action="store_true", help="run with no bytecode of the package (see the docstring)"
    )
    args = parser.parse_args()
    warm_cache = Path(tempfile.mkdtemp(prefix="isv-startup-cache-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ISV_CHECKER_CACHE_DIR": str(warm_cache)}
    bytecode = prepare_bytecode(ROOT, env, compiled=not args.no_bytecode)
    tool = [sys.executable, "-m", "isv_checker"]
    cases: dict[str, tuple[list[str], bool]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], False),
        "isv-check --version": ([*tool, "--version"], False),
        "isv-check --help": ([*tool, "--help"], False),
        f"isv-check scan {TXT.name}": ([*tool, "scan", str(TXT)], False),
        f"isv-check scan {PDF.name}": ([*tool, "scan", str(PDF)], False),
        f"isv-check scan {TXT.name}, empty cache": ([*tool, "scan", str(TXT)], True),
    }
    try:
        timed([*tool, "scan", str(TXT)], env)  # fills the cache the warm cases read
        best = dict.fromkeys(cases, float("inf"))
        best_cpu = dict.fromkeys(cases, float("inf"))
        for _ in range(args.repeats):
            for name, (argv, cold) in cases.items():
                if cold:
                    cold_cache = tempfile.mkdtemp(prefix="isv-startup-cold-")
                    seconds, cpu = timed(argv, {**env, "ISV_CHECKER_CACHE_DIR": cold_cache})
                    shutil.rmtree(cold_cache, ignore_errors=True)
                else:
                    seconds, cpu = timed(argv, env)
                best[name] = min(best[name], seconds)
                best_cpu[name] = min(best_cpu[name], cpu)
    finally:
        shutil.rmtree(warm_cache, ignore_errors=True)
    floor = best["python -c pass"]
    print(f"whole processes, best of {args.repeats} interleaved rounds; {bytecode}\n")
    print(f"{'':58} {'seconds':>8} {'- python':>9} {'CPU s':>7}")
    for name, seconds in best.items():
        print(f"{name:58} {seconds:>8.3f} {seconds - floor:>9.3f} {best_cpu[name]:>7.3f}")
    worst_scan = max(best[f"isv-check scan {TXT.name}"], best[f"isv-check scan {PDF.name}"])
    verdict = "met" if worst_scan < TARGET else "NOT met"
    print(f"\ntarget: a scan of one small file under {TARGET} s: {worst_scan:.3f} s -> {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
