"""How fast and how safely `isv-check batch` goes through a tender archive, as ratios in one run.

    python benchmarks/batch.py [--files 300] [--speed-files N] [--repeats 5] [--workdir benchmarks/_work]
    python benchmarks/batch.py --files 1000          # the issue's archive size

Generates once (later runs reuse it from the work folder) a realistic archive of `--files` files:
text PDFs of 5-60 pages (pages taken from the bundled sample PDFs, each file made unique), DOCX,
a few scans (OCR), a few broken files (truncated, mislabelled, empty), in authority/year folders
and one ZIP with a nested ZIP; and one 500-page PDF. Then measures:

- raw pypdfium2 text extraction, pages/s, over the archive's text PDFs outside the ZIP (all of them,
  or the first `--speed-files`), in one process and split over two (how far this machine scales);
- `isv-check batch` (the library's `run_batch`) over the same PDFs with 1 and with 2 workers
  (these four in `--repeats` interleaved rounds, best of each: this machine is shared, and a busy
  spell slows one round, not all). Each batch run starts its workers. The first run also starts
  multiprocessing's fork server, which imports spaCy and builds the matchers (about 1.5 s, once per
  process, as an auditor's `isv-check batch` pays once per archive); later rounds reuse it, so the
  best round is the steady state, and the first 1-worker round is printed beside it. Over a few
  dozen files that start-up would be a large share, over an archive it is not, so the default speed
  set is every text PDF of the archive;
- the whole archive with 2 workers, then the re-run on the unchanged archive;
- the worker's peak RSS on the 500-page PDF; and that every file is accounted for.

Targets: batch 1 worker >= 50% of raw pages/s; 2 workers >= 1.7x 1 worker; re-run >= 20x faster
than the first run; peak RSS per worker <= 500 MB on the 500-page PDF; files in = accounted for.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import extract  # noqa: E402  (the baseline is the extraction benchmark's own)

SAMPLES = ROOT / "samples"
TARGETS = {"one_worker_vs_raw": 0.50, "two_vs_one": 1.7, "rerun_speedup": 20.0, "peak_rss_mb": 500.0}
SHARE_DOCX, SHARE_SCAN, SHARE_BROKEN, SHARE_ZIP = 0.25, 0.01, 0.01, 0.2
AUTHORITIES = ["rijkswaterstaat", "dictu", "rvb", "minbuza", "belastingdienst", "gemeente-utrecht"]


# --------------------------------------------------------------------------------------------------
# archive


def _text_pdfs() -> list[Path]:
    return sorted(p for p in SAMPLES.glob("*.pdf") if not p.name.endswith(".scan.pdf"))


def make_pdf(path: Path, pages: int, rng: random.Random, sources: list) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    while len(pdf) < pages:
        source = rng.choice(sources)
        take = min(len(source), pages - len(pdf))
        pdf.import_pages(source, list(range(take)))
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    path.write_bytes(buffer.getvalue() + f"\n%unique {path.name}\n".encode())


def make_docx(path: Path, source: Path, n: int) -> None:
    import docx

    document = docx.Document(str(source))
    document.add_paragraph(f"Kenmerk van dit document: BENCH-{n:05d}.")
    document.save(str(path))


def build_archive(workdir: Path, files: int) -> tuple[Path, list[Path], Path]:
    """(archive folder, its text PDFs in order, the 500-page PDF); written once per size."""
    import pypdfium2 as pdfium

    archive = workdir / f"batch_{files}"
    manifest = archive / "manifest.json"
    big = workdir / "batch_500p" / "big-500p.pdf"
    if not big.exists():
        big.parent.mkdir(parents=True, exist_ok=True)
        sources = [pdfium.PdfDocument(p) for p in _text_pdfs()]
        make_pdf(big, 500, random.Random(500), sources)
    if manifest.exists():
        data = json.loads(manifest.read_text())
        return archive / "tenders", [archive / p for p in data["pdfs"]], big
    print(f"generating an archive of {files} files in {archive} ...", flush=True)
    if archive.exists():
        shutil.rmtree(archive)
    tenders = archive / "tenders"
    rng = random.Random(files)
    sources = [pdfium.PdfDocument(p) for p in _text_pdfs()]
    docx_sources = sorted(SAMPLES.glob("*.docx"))
    scans = sorted(SAMPLES.glob("*.scan.pdf"))
    n_docx, n_scan, n_broken = (
        int(files * SHARE_DOCX),
        max(1, int(files * SHARE_SCAN)),
        max(3, int(files * SHARE_BROKEN)),
    )
    n_pdf = files - n_docx - n_scan - n_broken
    staged: list[tuple[str, bytes | Path]] = []
    pdfs: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n_pdf):
            name = f"{AUTHORITIES[i % len(AUTHORITIES)]}/{2018 + i % 8}/tender-{i:05d}.pdf"
            path = Path(tmp) / f"{i}.pdf"
            make_pdf(path, rng.randint(5, 60), rng, sources)
            staged.append((name, path.read_bytes()))
        for i in range(n_docx):
            path = Path(tmp) / f"{i}.docx"
            make_docx(path, docx_sources[i % len(docx_sources)], i)
            staged.append(
                (f"{AUTHORITIES[i % len(AUTHORITIES)]}/{2018 + i % 8}/bijlage-{i:05d}.docx", path.read_bytes())
            )
        for i in range(n_scan):
            data = scans[i % len(scans)].read_bytes() + f"\n%scan {i}\n".encode()
            staged.append((f"scans/scan-{i:03d}.pdf", data))
        good = staged[0][1]
        broken = [b"%PDF-1.7\n" + good[9 : len(good) // 3], b"dit is geen pdf", b""]  # type: ignore[index]
        for i in range(n_broken):
            staged.append((f"broken/broken-{i:03d}{'.pdf' if i % 3 != 2 else '.docx'}", broken[i % 3]))
    rng.shuffle(staged)
    in_zip = staged[: int(len(staged) * SHARE_ZIP)]
    nested, in_zip = in_zip[:5], in_zip[5:]
    for name, data in staged[len(in_zip) + len(nested) :]:
        target = tenders / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)  # type: ignore[arg-type]
        if name.endswith(".pdf") and not name.startswith(("scans/", "broken/")):
            pdfs.append(str(target.relative_to(archive)))
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in nested:
            z.writestr(name, data)
    with zipfile.ZipFile(tenders / "export-tenderned.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in in_zip:
            z.writestr(name, data)
        z.writestr("nested/more.zip", inner.getvalue())
    manifest.write_text(json.dumps({"files": files, "pdfs": pdfs}))
    return tenders, [archive / p for p in pdfs], big


# --------------------------------------------------------------------------------------------------
# measurements


def raw_pypdfium2(paths: list[Path]) -> tuple[int, float]:
    """The extraction benchmark's baseline (open + get_text_range), timed: (pages, seconds)."""
    started = time.perf_counter()
    pages = extract.raw_pypdfium2(paths)
    return pages, time.perf_counter() - started


def raw_pypdfium2_two_processes(paths: list[Path]) -> tuple[int, float]:
    """The same extraction split over two processes: how far this machine scales at all."""
    from concurrent.futures import ProcessPoolExecutor

    halves = [paths[0::2], paths[1::2]]
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(raw_pypdfium2, [paths[:1], paths[1:2]]))  # start both processes first
        started = time.perf_counter()
        results = list(pool.map(raw_pypdfium2, halves))
        elapsed = time.perf_counter() - started
    return sum(pages for pages, _ in results), elapsed


def batch(paths: list[Path], db: Path, workers: int):  # type: ignore[no-untyped-def]
    from isv_checker.batch import BatchOptions, run_batch

    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    started = time.perf_counter()
    summary = run_batch(paths, db, BatchOptions(workers=workers, timeout=300))
    return summary, time.perf_counter() - started


def one_worker(paths: list[Path], db: Path):  # type: ignore[no-untyped-def]
    """(seconds, (summary, (read, check seconds inside the worker))) of a 1-worker run: the inside
    figures are read from this run's own rows, so the best run is reported with its own breakdown."""
    summary, seconds = batch(paths, db, 1)
    conn = sqlite3.connect(db)
    inside = conn.execute("SELECT SUM(read_seconds), SUM(check_seconds) FROM documents").fetchone()
    conn.close()
    return seconds, (summary, inside)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300, help="files in the generated archive (default 300)")
    parser.add_argument(
        "--speed-files",
        type=int,
        default=0,
        help="text PDFs for the pages/s comparison (default 0: all of the archive's)",
    )
    parser.add_argument(
        "--repeats", type=int, default=5, help="interleaved rounds of the speed runs, best of each (default 5)"
    )
    parser.add_argument("--workdir", type=Path, default=Path(__file__).resolve().parent / "_work")
    args = parser.parse_args(argv)

    tenders, pdfs, big = build_archive(args.workdir, args.files)
    speed = pdfs[: args.speed_files] if args.speed_files > 0 else pdfs
    runs = args.workdir / "batch_runs"
    speed_dir = runs / "speed"
    if speed_dir.exists():
        shutil.rmtree(speed_dir)
    speed_dir.mkdir(parents=True)
    for i, path in enumerate(speed):  # a folder of just these PDFs, so every batch run reads the same files
        shutil.copy(path, speed_dir / f"{i:03d}-{path.name}")
    print(f"archive: {args.files} files under {tenders}; speed set: {len(speed)} text PDFs; {runs}")

    speed_files = sorted(speed_dir.iterdir())
    best: dict[str, tuple[float, object]] = {}
    first: dict[str, float] = {}
    for _ in range(args.repeats):  # interleaved rounds, best of each: a busy spell slows all, not one
        for name, measure in (
            ("raw", lambda: raw_pypdfium2(speed_files)[::-1]),
            ("raw2", lambda: raw_pypdfium2_two_processes(speed_files)[::-1]),
            ("one", lambda: one_worker([speed_dir], runs / "one.sqlite")),
            ("two", lambda: batch([speed_dir], runs / "two.sqlite", 2)[::-1]),
        ):
            seconds, outcome = measure()
            first.setdefault(name, seconds)
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, outcome)
    raw_s, raw_pages = best["raw"]
    raw2_s, raw2_pages = best["raw2"]
    one_s, (one, (read_s, check_s)) = best["one"]
    two_s, two = best["two"]
    raw_rate, one_rate, two_rate = raw_pages / raw_s, one.pages / one_s, two.pages / two_s
    print(f"\n{'text PDFs':40} {'pages':>7} {'seconds':>8} {'pages/s':>8} {'vs raw':>7}")
    print(f"{'raw pypdfium2 (one core)':40} {raw_pages:7d} {raw_s:8.2f} {raw_rate:8.1f} {'100%':>7}")
    print(
        f"{'raw pypdfium2, 2 processes (ceiling)':40} {raw2_pages:7d} {raw2_s:8.2f} {raw2_pages / raw2_s:8.1f} "
        f"{raw2_pages / raw2_s / raw_rate:7.0%}"
    )
    print(f"{'isv-check batch, 1 worker':40} {one.pages:7d} {one_s:8.2f} {one_rate:8.1f} {one_rate / raw_rate:7.0%}")
    print(f"{'isv-check batch, 2 workers':40} {two.pages:7d} {two_s:8.2f} {two_rate:8.1f} {two_rate / raw_rate:7.0%}")
    print(
        f"{'  first 1-worker round (cold fork server)':40} {one.pages:7d} {first['one']:8.2f} {one.pages / first['one']:8.1f} "
        f"{one.pages / first['one'] / raw_rate:7.0%}"
    )

    full_db = runs / "archive.sqlite"
    full, full_s = batch([tenders], full_db, 2)
    from isv_checker.batch import BatchOptions, run_batch

    started = time.perf_counter()
    rerun = run_batch([tenders], full_db, BatchOptions(workers=2))
    rerun_s = time.perf_counter() - started
    conn = sqlite3.connect(full_db)
    rows = conn.execute("SELECT COUNT(*), COUNT(DISTINCT source) FROM documents").fetchone()
    conn.close()
    print(
        f"(inside the 1 worker: reading {one.pages / read_s:.0f} pages/s = {one.pages / read_s / raw_rate:.0%} of raw, "
        f"reading + rules {one.pages / (read_s + check_s):.0f} pages/s = {one.pages / (read_s + check_s) / raw_rate:.0%} of raw; "
        f"the rest of the {one_s:.1f} s is starting the worker and handing files over)"
    )
    print(
        f"(this machine scales raw extraction {raw2_pages / raw2_s / raw_rate:.2f}x from 1 to 2 processes; "
        f"batch 2 workers vs 1: {two_rate / one_rate:.2f}x)"
    )
    print(
        f"\nwhole archive, 2 workers: {full.files_in} files in, {full.accounted} accounted for "
        f"({full.checked} checked, {full.copied} copied, {full.refused} refused); {rows[0]} rows, {rows[1]} sources; "
        f"{full.pages} pages in {full_s:.1f} s"
    )
    print("  status:  " + ", ".join(f"{k} {v}" for k, v in full.statuses.most_common()))
    print("  verdict: " + ", ".join(f"{k} {v}" for k, v in full.verdicts.most_common()))
    print("  slowest: " + "; ".join(f"{Path(s.split('!')[-1]).name} {t:.1f} s" for t, s in full.slowest))
    print(
        f"re-run on the unchanged archive: {rerun_s:.2f} s ({rerun.skipped} already done, {rerun.checked} checked, "
        f"{rerun.refused} refused again) = {full_s / rerun_s:.0f}x faster"
    )

    big_run, big_s = batch([big], runs / "big.sqlite", 1)
    conn = sqlite3.connect(runs / "big.sqlite")
    peak = conn.execute("SELECT peak_rss_mb FROM documents").fetchone()[0] or 0.0
    conn.close()
    print(
        f"500-page PDF, 1 worker: {big_run.pages} pages in {big_s:.1f} s; worker peak RSS {peak:.0f} MB "
        f"(whole-archive run: {full.peak_rss_mb:.0f} MB)"
    )

    results = {
        "one_worker_vs_raw": (
            one_rate / raw_rate,
            ">=",
            f"batch 1 worker >= {TARGETS['one_worker_vs_raw']:.0%} of raw pypdfium2 pages/s",
        ),
        "two_vs_one": (two_rate / one_rate, ">=", f"2 workers >= {TARGETS['two_vs_one']}x 1 worker"),
        "rerun_speedup": (
            full_s / rerun_s,
            ">=",
            f"re-run >= {TARGETS['rerun_speedup']:.0f}x faster than the first run",
        ),
        "peak_rss_mb": (peak, "<=", f"peak RSS per worker <= {TARGETS['peak_rss_mb']:.0f} MB on a 500-page PDF"),
    }
    print()
    failed = 0
    for key, (value, op, label) in results.items():
        ok = value >= TARGETS[key] if op == ">=" else value <= TARGETS[key]
        failed += not ok
        shown = (
            f"{value:.0%}"
            if key == "one_worker_vs_raw"
            else f"{value:.2f}x"
            if key != "peak_rss_mb"
            else f"{value:.0f} MB"
        )
        print(f"target {label}: {shown} -> {'met' if ok else 'NOT met'}")
    accounted = full.files_in == full.accounted == rows[0] == rows[1] and rerun.accounted == rerun.files_in
    failed += not accounted
    print(f"target every file accounted for: {full.accounted}/{full.files_in} -> {'met' if accounted else 'NOT met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
