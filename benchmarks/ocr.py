"""How close the OCR path comes to the bare `tesseract` command, as ratios measured in one run.

    python benchmarks/ocr.py [--rounds 3] [--workers 2] [--part path|batch|tender|both] [--workdir DIR] [--compare DIR]
    git worktree add --detach /tmp/main-tree main && python benchmarks/ocr.py --part path --compare /tmp/main-tree

Pages without a text layer are the costliest part of a real archive: about a CPU-second of Tesseract
each, against milliseconds for a text page. So the yardstick is Tesseract itself, on the same page
images, in the same run, interleaved with the checker's runs (best of `--rounds`; the machine is
shared, and a busy spell slows one round, not all). Every figure is given three ways: wall-clock
pages/s; CPU-seconds per page (this process's and all its descendants': whole processes, OCR
subprocesses included), which a neighbour's load moves less; and how many Tesseracts ran at once on
average ("at once", sampled from /proc every 20 ms), which shows whether the cores were kept fed
whatever the neighbours did (bare tesseract: just under `--workers`). Linux only.

`--part path` (the issue's target: the OCR path at >= 90% of bare tesseract) on the scanned samples
(samples/*.scan.pdf, every page a scan):
- bare tesseract: the pages rendered once beforehand with pypdfium2 at the reader's dpi, in grey, as
  PGM files; then `OMP_THREAD_LIMIT=1 tesseract page.pgm out -l LANGS --psm 3 --dpi DPI tsv` per
  page, `--workers` at a time (the languages are the reader's default, nld+eng);
- `isv-check scan FILES -f json` as a whole process (start-up, rendering, OCR, the rules stage),
  and with `--compare DIR` the same command from another tree (e.g. main's), in the same rounds;
- `read_ahead` over the files in this process (rendering, OCR, TSV parsing, layout), the loop `scan`
  reads with: the next file starts once this one's last page is in Tesseract (`readers/ocr_ahead.py`;
  read one at a time, 2-3-page files kept 1.3 Tesseracts busy on two cores);
- `read_path` on one long scan (14 pages), which keeps the cores busy by itself.

`--part batch` (both cores busy across files) on a folder of scanned PDFs of different lengths,
made from the scanned samples' pages (one long file among short ones, as in a real archive):
- bare tesseract on all their pages, `--workers` at a time (what two cores can do);
- `isv-check batch FOLDER --workers 2` and `--workers 1` as whole processes, each with a new
  results database: wall time, and CPU use (CPU-seconds over wall-seconds times the workers).
The ideal wall time is the bare run's CPU-seconds divided by the workers.

`--part tender` (not in `both`) on a tender's dossier of TENDER_FILES scanned samples (every sixth of
samples/*.scan.pdf, one to three pages each, copied into a folder):
- bare tesseract on all their pages, `--workers` at a time;
- `isv-check tender FOLDER -f json` as a whole process (listing, reading each file, judging each and
  the tender), and with `--compare DIR` the same command from another tree, in the same rounds. Its
  files are read as `scan` reads its files (`readers/ocr_ahead.py`); read one after another, the
  dossier kept fewer Tesseracts busy than there are cores.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
TARGET = 0.90
# pages per file, in the order the batch meets them: one long scan among short ones, late enough
# that a worker takes it when little else is left (an archive's order is whatever its names give)
BATCH_LENGTHS = (2, 3, 1, 2, 5, 2, 14, 3, 1, 2)
TENDER_FILES = 10  # scanned files in the `--part tender` dossier


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # this process's and its waited-for descendants' user + system seconds
    in_flight: float  # Tesseracts running among this process's descendants, on average over the run


class TesseractCounter:
    """Counts, every 20 ms, the Tesseract processes descending from this one. How many run at once
    shows whether a run keeps the cores fed, whatever else the (shared) machine is doing; CPU use
    would mix in the neighbours' load."""

    def __init__(self) -> None:
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TesseractCounter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mean(self) -> float:
        return sum(self.samples) / len(self.samples) if self.samples else 0.0

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.02):
            parents: dict[int, int] = {}
            tesseracts: list[int] = []
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                try:
                    stat = Path(entry.path, "stat").read_text()
                except OSError:
                    continue
                name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
                parents[int(entry.name)] = int(rest[1])
                if name == "tesseract" and rest[0] != "Z":  # a zombie has finished, only not yet been reaped
                    tesseracts.append(int(entry.name))
            count = 0
            for pid in tesseracts:
                seen = 0
                while pid > 1 and pid != me and seen < 64:
                    pid, seen = parents.get(pid, 0), seen + 1
                count += pid == me
            self.samples.append(count)


def _adopt_orphans() -> None:
    """Become the reaper of this process's orphaned descendants (Linux). A batch's fork server is
    never waited for by the batch, so without this the CPU time of its workers and their
    Tesseracts would be lost to `RUSAGE_CHILDREN`."""
    import ctypes

    pr_set_child_subreaper = 36
    if ctypes.CDLL(None, use_errno=True).prctl(pr_set_child_subreaper, 1, 0, 0, 0) != 0:
        sys.exit("this benchmark counts CPU time through a child subreaper: Linux only")


def _reap_orphans(patience: float = 30.0) -> None:
    """Wait for the descendants that were handed to this process (see `_adopt_orphans`)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.01)
    raise RuntimeError("a descendant process did not end")


def _cpu_now() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(run: Callable[[], None]) -> Timing:
    cpu, wall = _cpu_now(), time.perf_counter()
    with TesseractCounter() as counter:
        run()
        wall = time.perf_counter() - wall
    _reap_orphans()
    return Timing(wall=wall, cpu=_cpu_now() - cpu, in_flight=counter.mean)


def _env(tree: Path = ROOT) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _count_pages(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    total = 0
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        total += len(pdf)
        pdf.close()
    return total


# --------------------------------------------------------------------------------------------------
# bare tesseract


def render_pages(paths: list[Path], out: Path, dpi: int) -> list[Path]:
    """Every page of `paths` as a grey PGM at `dpi`, as the reader renders it (untimed)."""
    import pypdfium2 as pdfium

    out.mkdir(parents=True, exist_ok=True)
    images: list[Path] = []
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        for index in range(len(pdf)):
            image = out / f"{path.name}-{index + 1}.pgm"
            if not image.exists():
                page = pdf[index]
                bitmap = page.render(scale=dpi / 72, grayscale=True)
                buffer = io.BytesIO()
                bitmap.to_pil().save(buffer, format="PPM")
                image.write_bytes(buffer.getvalue())
                bitmap.close()
                page.close()
            images.append(image)
        pdf.close()
    return images


def bare_tesseract(images: list[Path], out: Path, languages: str, dpi: int, workers: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(image: Path) -> None:
        base = out / image.stem
        command = ["tesseract", str(image), str(base), "-l", languages, "--psm", "3", "--dpi", str(dpi), "tsv"]
        subprocess.run(command, env=env, check=True, capture_output=True)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, images))


# --------------------------------------------------------------------------------------------------
# the checker


def scan_process(paths: list[Path], out: Path, tree: Path = ROOT) -> None:
    command = [sys.executable, "-m", "isv_checker", "scan", *map(str, paths), "-f", "json", "-o", str(out)]
    done = subprocess.run(command, cwd=tree, env=_env(tree), capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"isv-check scan failed ({done.returncode}): {done.stderr[-2000:]}")


def read_in_process(paths: list[Path]) -> None:
    from isv_checker.readers import read_path
    from isv_checker.readers.ocr_ahead import read_ahead
    from isv_checker.settings import ReadOptions

    options = ReadOptions()
    with read_ahead(paths, lambda path: read_path(path, options)) as documents:
        for path, document in zip(paths, documents, strict=True):
            if not document.ocr_pages:
                raise RuntimeError(f"{path.name}: no page was read by OCR ({document.status})")


def tender_process(folder: Path, out: Path, tree: Path = ROOT) -> None:
    """`isv-check tender FOLDER -f json` as a process, then a check that every file was read by OCR."""
    import json

    command = [sys.executable, "-m", "isv_checker", "tender", str(folder), "-f", "json", "-o", str(out)]
    done = subprocess.run(command, cwd=tree, env=_env(tree), capture_output=True, text=True)
    if done.returncode not in (0, 1, 2):
        raise RuntimeError(f"isv-check tender failed ({done.returncode}): {done.stderr[-2000:]}")
    statuses = {d["file"]: d["status"] for d in json.loads(out.read_text())["documents"]}
    if set(statuses.values()) != {"ocr"}:
        raise RuntimeError(f"not every file was read by OCR: {statuses}")


def batch_process(folder: Path, db: Path, workers: int) -> None:
    """`isv-check batch` without its time limit (on a busy machine the long scan would pass it and
    be counted as done), then a check that every file was read by OCR."""
    import sqlite3

    db.unlink(missing_ok=True)
    command = [sys.executable, "-m", "isv_checker", "batch", str(folder), "--db", str(db), "-w", str(workers)]
    done = subprocess.run([*command, "--timeout", "0", "-q"], cwd=ROOT, env=_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"isv-check batch failed ({done.returncode}): {done.stderr[-2000:]}")
    connection = sqlite3.connect(db)
    statuses = dict(connection.execute("SELECT name, status FROM documents").fetchall())
    connection.close()
    if set(statuses.values()) != {"ocr"}:
        raise RuntimeError(f"not every file was read by OCR: {statuses}")


def make_batch_folder(folder: Path, scans: list[Path]) -> list[Path]:
    """Scanned PDFs of BATCH_LENGTHS pages, their pages taken in turn from the scanned samples; each
    file is unique (a batch skips a file it has seen)."""
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    sources = [pdfium.PdfDocument(str(p)) for p in scans]
    pages = [(source, index) for source in sources for index in range(len(source))]
    made: list[Path] = []
    cursor = 0
    for number, length in enumerate(BATCH_LENGTHS, start=1):
        path = folder / f"scan-{number:02d}-{length}p.pdf"
        made.append(path)
        if path.exists():
            cursor += length
            continue
        pdf = pdfium.PdfDocument.new()
        for _ in range(length):
            source, index = pages[cursor % len(pages)]
            pdf.import_pages(source, [index])
            cursor += 1
        buffer = io.BytesIO()
        pdf.save(buffer)
        pdf.close()
        path.write_bytes(buffer.getvalue() + f"\n%unique {path.name}\n".encode())
    for source in sources:
        source.close()
    return made


# --------------------------------------------------------------------------------------------------
# report


def _best(timings: list[Timing]) -> Timing:
    return Timing(
        wall=min(t.wall for t in timings),
        cpu=min(t.cpu for t in timings),
        in_flight=max(t.in_flight for t in timings),
    )


def _rounds(runs: dict[str, Callable[[], None]], rounds: int) -> dict[str, list[Timing]]:
    timings: dict[str, list[Timing]] = {name: [] for name in runs}
    for number in range(1, rounds + 1):
        for name, run in runs.items():
            timing = _timed(run)
            timings[name].append(timing)
            print(
                f"  round {number}: {name:<24} {timing.wall:7.2f} s wall {timing.cpu:7.2f} CPU-s"
                f" {timing.in_flight:5.2f} Tesseracts at once",
                flush=True,
            )
    return timings


def measure_path(work: Path, rounds: int, workers: int, languages: str, dpi: int, compare: Path | None) -> None:
    scans = sorted(SAMPLES.glob("*.scan.pdf"))
    pages = _count_pages(scans)
    images = render_pages(scans, work / "pages", dpi)
    long_scan = max(make_batch_folder(work / "batch-scans", scans), key=lambda path: _count_pages([path]))
    long_pages = _count_pages([long_scan])
    long_images = render_pages([long_scan], work / "batch-pages", dpi)
    print(f"OCR path: {len(scans)} scanned samples, {pages} pages, {dpi} dpi, -l {languages}, {workers} at a time;")
    print(f"and one scan of {long_pages} pages (a file's pages wait for its last: on 2-3 pages that is a large share)")
    read_in_process(scans[:1])  # imports and a first Tesseract outside the timing, as a warm process has them
    runs = {
        "bare tesseract": lambda: bare_tesseract(images, work / "tsv", languages, dpi, workers),
        "isv-check scan (process)": lambda: scan_process(scans, work / "scan.jsonl"),
        **({f"scan, {compare.name}": lambda: scan_process(scans, work / "compare.jsonl", compare)} if compare else {}),
        "read_ahead (in process)": lambda: read_in_process(scans),
        "bare tesseract, long": lambda: bare_tesseract(long_images, work / "tsv", languages, dpi, workers),
        "read_path, long": lambda: read_in_process([long_scan]),
    }
    best = {name: _best(t) for name, t in _rounds(runs, rounds).items()}
    print(f"\n{'':<26}{'pages/s':>9}{'ratio':>8}{'CPU-s/page':>12}{'CPU ratio':>11}{'at once':>9}")
    for name, timing in best.items():
        bare, count = (best["bare tesseract, long"], long_pages) if "long" in name else (best["bare tesseract"], pages)
        wall_ratio = bare.wall / timing.wall
        cpu_ratio = bare.cpu / timing.cpu if timing.cpu else float("nan")
        print(
            f"{name:<26}{count / timing.wall:9.3f}{wall_ratio:8.2f}{timing.cpu / count:12.3f}{cpu_ratio:11.2f}"
            f"{timing.in_flight:9.2f}"
        )
        if not name.startswith("bare"):
            verdict = "met" if wall_ratio >= TARGET else "NOT met"
            print(f"  target >= {TARGET:.2f} of bare tesseract pages/s: {verdict}")


def measure_batch(work: Path, rounds: int, workers: int, languages: str, dpi: int, *, one_worker: bool) -> None:
    scans = sorted(SAMPLES.glob("*.scan.pdf"))
    folder = work / "batch-scans"
    files = make_batch_folder(folder, scans)
    pages = _count_pages(files)
    images = render_pages(files, work / "batch-pages", dpi)
    print(f"\nBatch: {len(files)} scanned PDFs of {', '.join(map(str, BATCH_LENGTHS))} pages ({pages} pages)")
    runs = {
        "bare tesseract": lambda: bare_tesseract(images, work / "batch-tsv", languages, dpi, workers),
        f"batch --workers {workers}": lambda: batch_process(folder, work / "batch.sqlite", workers),
        "batch --workers 1": lambda: batch_process(folder, work / "batch.sqlite", 1),
    }
    if not one_worker:
        del runs["batch --workers 1"]
    best = {name: _best(t) for name, t in _rounds(runs, rounds).items()}
    bare = best["bare tesseract"]
    ideal = bare.cpu / workers
    print(f"\nideal wall (bare tesseract CPU-s / {workers} cores): {ideal:.2f} s")
    print(f"{'':<26}{'wall s':>8}{'pages/s':>9}{'vs bare':>9}{'vs ideal':>10}{'CPU use':>9}{'at once':>9}")
    for name, timing in best.items():
        cores = 1 if name == "batch --workers 1" else workers
        use = timing.cpu / (timing.wall * cores)
        print(
            f"{name:<26}{timing.wall:8.2f}{pages / timing.wall:9.3f}{bare.wall / timing.wall:9.2f}"
            f"{ideal / timing.wall:10.2f}{use:9.0%}{timing.in_flight:9.2f}"
        )


def measure_tender(work: Path, rounds: int, workers: int, languages: str, dpi: int, compare: Path | None) -> None:
    scans = sorted(SAMPLES.glob("*.scan.pdf"))[::6][:TENDER_FILES]
    folder = work / "tender-dossier"
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / scan.name for scan in scans]
    for scan, copy in zip(scans, files, strict=True):
        copy.write_bytes(scan.read_bytes())
    pages = _count_pages(files)
    images = render_pages(files, work / "tender-pages", dpi)
    lengths = ", ".join(str(_count_pages([path])) for path in files)
    print(f"\nTender: a dossier of {len(files)} scanned PDFs of {lengths} pages ({pages} pages), {workers} at a time")
    runs = {
        "bare tesseract": lambda: bare_tesseract(images, work / "tender-tsv", languages, dpi, workers),
        "isv-check tender": lambda: tender_process(folder, work / "tender.json"),
        **(
            {f"tender, {compare.name}": lambda: tender_process(folder, work / "tender-compare.json", compare)}
            if compare
            else {}
        ),
    }
    best = {name: _best(t) for name, t in _rounds(runs, rounds).items()}
    bare = best["bare tesseract"]
    print(f"\n{'':<26}{'wall s':>8}{'pages/s':>9}{'ratio':>8}{'CPU-s/page':>12}{'CPU ratio':>11}{'at once':>9}")
    for name, timing in best.items():
        print(
            f"{name:<26}{timing.wall:8.2f}{pages / timing.wall:9.3f}{bare.wall / timing.wall:8.2f}"
            f"{timing.cpu / pages:12.3f}{bare.cpu / timing.cpu:11.2f}{timing.in_flight:9.2f}"
        )
    if compare:
        ratio = best[f"tender, {compare.name}"].wall / best["isv-check tender"].wall
        print(f"isv-check tender: {ratio:.2f}x the speed of {compare.name}'s (wall, best of {rounds})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="parallel pages (bare) and batch workers")
    parser.add_argument("--part", choices=("path", "batch", "tender", "both"), default="both")
    parser.add_argument("--no-one-worker", action="store_true", help="batch: leave out the --workers 1 runs")
    parser.add_argument("--workdir", type=Path, default=None, help="keep rendered pages here between runs")
    parser.add_argument(
        "--compare", type=Path, default=None, help="path, tender: also time `scan` or `tender` from this tree"
    )
    args = parser.parse_args()
    if shutil.which("tesseract") is None:
        sys.exit("tesseract is not on PATH")
    sys.path.insert(0, str(ROOT))
    from isv_checker.settings import ReadOptions

    defaults = ReadOptions()
    _adopt_orphans()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="isv-ocr-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    # Tesseract slots of this run's own (`readers/ocr_slots.py` keeps them in the temporary
    # directory): another isv-checker OCR-ing on the machine must not take this run's cores.
    private = work / "tmp"
    private.mkdir(exist_ok=True)
    os.environ["TMPDIR"] = tempfile.tempdir = str(private)
    try:
        if args.part in ("path", "both"):
            measure_path(work, args.rounds, args.workers, defaults.ocr_languages, defaults.ocr_dpi, args.compare)
        if args.part in ("batch", "both"):
            measure_batch(
                work,
                args.rounds,
                args.workers,
                defaults.ocr_languages,
                defaults.ocr_dpi,
                one_worker=not args.no_one_worker,
            )
        if args.part == "tender":
            measure_tender(work, args.rounds, args.workers, defaults.ocr_languages, defaults.ocr_dpi, args.compare)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
