"""`isv-check scan` reads the next file while this one's last scanned pages are in Tesseract
(`readers/ocr_ahead.py`): both cores stay busy across files of two or three pages, the reports are the
same and come in the same order, and Ctrl-C and SIGTERM still stop every Tesseract.

A stand-in `tesseract` logs the size of the page image it gets, so the tests tell the files apart
(each file's pages have a size of their own), and when each page started and ended."""

from __future__ import annotations

import gc
import io
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import weakref
import zipfile
from pathlib import Path

import pytest

from isv_checker import ReadOptions, read_path
from isv_checker.pipeline import check, check_dossier_files, judge_checked_tender
from isv_checker.readers.ocr_ahead import read_ahead, waiting_for_tesseract
from isv_checker.render.json import report_json
from isv_checker.tender.dossier import read_dossier

from .test_batch_process_death import _alive, _descendants
from .test_ocr_slots import slots_env
from .test_reader_ocr import FIXTURES, fake_tesseract, tsv_words

pytestmark = pytest.mark.skipif(
    not os.path.isdir("/proc/self/fd"), reason="the stand-in tells pages apart by the in-memory file Linux passes"
)


def scan_pdf(path: Path, pages: int, width: int) -> Path:
    """An image-only PDF (a scan) of `pages` pages, each `width` by 400 points: a file's page images
    have a size of their own."""
    from PIL import Image, ImageDraw

    images = []
    for number in range(pages):
        image = Image.new("L", (width, 400), 255)
        ImageDraw.Draw(image).rectangle((40, 40 + 30 * number, 200, 60 + 30 * number), fill=0)
        images.append(image)
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=72.0)
    return path


def sized_tesseract(tmp_path: Path, seconds: float) -> tuple[str, Path]:
    """A stand-in `tesseract` that takes `seconds` per page, logs 'image-bytes start end' per page,
    and reads the image's size as its one word."""
    log = tmp_path / "pages.log"
    body = (
        'size=$(wc -c < "$1")\n'
        "start=$(date +%s.%N)\n"
        f"sleep {seconds}\n"
        f'echo "$size $start $(date +%s.%N)" >> {log}\n' + tsv_words("bytes", "$size")
    )
    return fake_tesseract(tmp_path, body), log


def pages_in(log: Path) -> list[tuple[int, float, float]]:
    return [(int(size), float(start), float(end)) for size, start, end in map(str.split, log.read_text().splitlines())]


def scan_env(command: str, own_tmp: Path) -> dict[str, str]:
    return slots_env(own_tmp, 2, PATH=f"{Path(command).parent}{os.pathsep}{os.environ['PATH']}")


def isv_check_json(
    command: str, path: Path, tesseract: str, own_tmp: Path, timeout: float
) -> subprocess.CompletedProcess[str]:
    """`isv-check COMMAND PATH -f json` as a process, with `tesseract` as its Tesseract."""
    return subprocess.run(
        [sys.executable, "-m", "isv_checker", command, str(path), "-f", "json"],
        env=scan_env(tesseract, own_tmp),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_scan_ocrs_the_next_files_pages_while_this_ones_last_page_runs(tmp_path, own_tmp):
    """Two slots, files of three pages: the third page of a file ran alone, its next file waiting."""
    folder = tmp_path / "scans"
    folder.mkdir()
    files = [scan_pdf(folder / f"scan-{n}.pdf", 3, width=300 + 20 * n) for n in range(3)]
    done = _through_slow_tesseract(tmp_path, own_tmp, "scan", folder)
    reports = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["file"] for r in reports] == [str(f) for f in files]
    assert [(r["status"], r["document"]["ocr_pages"]) for r in reports] == [("ocr", [1, 2, 3])] * 3


def _through_slow_tesseract(
    tmp_path: Path, own_tmp: Path, command: str, folder: Path
) -> subprocess.CompletedProcess[str]:
    """`isv-check COMMAND FOLDER -f json` over three scans of three pages with a Tesseract that takes
    half a second a page: each page is recognised once, and two files' pages were in it at once."""
    tesseract, log = sized_tesseract(tmp_path, 0.5)
    done = isv_check_json(command, folder, tesseract, own_tmp, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    pages = pages_in(log)
    assert len(pages) == 9 and len({size for size, _, _ in pages}) == 3  # each page once, three files
    assert any(
        one[0] != other[0] and one[1] < other[2] and other[1] < one[2]
        for one, other in itertools.combinations(pages, 2)
    ), "no two files' pages were in Tesseract at once"
    return done


def test_scan_reports_are_those_of_each_file_checked_alone(tmp_path, own_tmp, monkeypatch):
    """Scans, text PDFs, a DOCX and a file of another type in one folder: the same reports in the
    same order as `check` gives each file alone, whichever of them was read ahead."""
    folder = tmp_path / "archive"
    folder.mkdir()
    scan_pdf(folder / "a-scan.pdf", 3, width=300)
    (folder / "b-text.pdf").write_bytes((FIXTURES / "terms_en.pdf").read_bytes())
    scan_pdf(folder / "c-scan.pdf", 2, width=320)
    scan_pdf(folder / "d-scan.pdf", 1, width=340)
    (folder / "e-mixed.pdf").write_bytes((FIXTURES / "mixed.pdf").read_bytes())
    (folder / "f-sheet.xlsx").write_bytes(b"PK\x03\x04 not really")
    (folder / "g-annex.docx").write_bytes((FIXTURES.parent / "docx" / "isv_bijlage.docx").read_bytes())
    scan_pdf(folder / "h-scan.pdf", 2, width=360)
    command, _ = sized_tesseract(tmp_path, 0.2)
    env = scan_env(command, own_tmp)
    done = isv_check_json("scan", folder, command, own_tmp, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    monkeypatch.setenv("PATH", env["PATH"])
    names = sorted(path for path in folder.iterdir() if path.suffix != ".xlsx")
    alone = [json.loads(report_json(check(path, ReadOptions()))) for path in names]
    scanned = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["file"] for r in scanned] == sorted(str(p) for p in folder.iterdir())
    assert [r for r in scanned if not r["file"].endswith(".xlsx")] == alone
    assert sum(r["status"] == "ocr" for r in alone) == 5


def test_files_without_ocr_are_read_one_at_a_time_in_the_callers_thread():
    """Reading a text layer ahead in another thread would only contend with the rules stage."""
    items = [FIXTURES / "terms_en.pdf", FIXTURES / "missing.pdf", FIXTURES / "terms_en.pdf"]
    calls: list[tuple[Path, threading.Thread]] = []

    def read(path: Path) -> str:
        calls.append((path, threading.current_thread()))
        return read_path(path).status.value

    with read_ahead(items, read) as documents:
        assert list(documents) == ["ok", "error", "ok"]
    assert calls == [(path, threading.current_thread()) for path in items]


def _scan_until_two_pages_run(tmp_path: Path, own_tmp: Path, files: int) -> tuple[subprocess.Popen[bytes], dict]:
    """`isv-check scan` over one-page scans whose Tesseract takes a minute, once two of them run."""
    folder = tmp_path / "scans"
    folder.mkdir()
    for n in range(files):
        scan_pdf(folder / f"scan-{n}.pdf", 1, width=300 + 20 * n)
    command = fake_tesseract(tmp_path, f'echo "$$" >> {tmp_path / "started.log"}\nexec sleep 60')
    scan = subprocess.Popen(
        [sys.executable, "-m", "isv_checker", "scan", str(folder), "-f", "json"],
        env=scan_env(command, own_tmp),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as a command started from a terminal
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        below = _descendants(scan.pid)
        if sum(name == "sleep" for _, name in below.values()) >= 2:
            return scan, below
        assert scan.poll() is None, "the scan ended before its OCR started"
        time.sleep(0.05)
    scan.kill()
    pytest.fail("two files' pages never ran at once")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_sigterm_leaves_no_tesseract_of_any_file_behind(tmp_path, own_tmp):
    scan, below = _scan_until_two_pages_run(tmp_path, own_tmp, files=4)
    try:
        scan.send_signal(signal.SIGTERM)
        scan.wait(30)
        deadline = time.monotonic() + 5
        while _alive(below) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _alive(below) == {}
    finally:
        if scan.poll() is None:
            scan.kill()
            scan.wait()


def test_ctrl_c_stops_the_files_read_ahead_too(tmp_path, own_tmp):
    """Ctrl-C from a terminal: the scan's process group gets SIGINT. No further page is started (the
    remaining files' pages would each take a minute), and no Tesseract is left."""
    scan, below = _scan_until_two_pages_run(tmp_path, own_tmp, files=5)
    try:
        os.killpg(scan.pid, signal.SIGINT)
        assert scan.wait(30) != 0
        deadline = time.monotonic() + 5
        while _alive(below) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _alive(below) == {}
        assert len((tmp_path / "started.log").read_text().split()) <= 3  # of five
    finally:
        if scan.poll() is None:
            os.killpg(scan.pid, signal.SIGKILL)
            scan.wait()


def test_a_long_run_holds_nothing_for_the_files_it_has_handed_over():
    """Every file of a long batch is read ahead (each sends its last page at once): the reader
    threads of the files handed over are let go as they end, not kept until the run ends."""
    readers: list[weakref.ref[threading.Thread]] = []

    def read(item: int) -> int:
        readers.append(weakref.ref(threading.current_thread()))
        with waiting_for_tesseract(last=True):
            pass
        return item

    items = list(range(200))
    with read_ahead(items, read) as results:
        handed = list(results)
        deadline = time.monotonic() + 10
        while any(t.name.startswith("read-ahead-") for t in threading.enumerate()) and time.monotonic() < deadline:
            time.sleep(0.01)
        gc.collect()
        kept = sum(ref() is not None and ref() is not threading.current_thread() for ref in readers)
    assert handed == items
    assert len(readers) == len(items) and len({id(ref) for ref in readers}) == len(items)
    assert sum(ref() is threading.current_thread() for ref in readers) < len(items) // 2  # most were read ahead
    assert kept == 0  # reader threads of files handed over, still held


# -- a tender's files (`isv-check tender`, `check_tender`, the web page's dossier) -------------------


def test_tender_ocrs_the_next_files_pages_while_this_ones_last_page_runs(tmp_path, own_tmp):
    """A dossier of scans is read as `scan` reads its files: two files' pages in Tesseract at once."""
    folder = tmp_path / "dossier"
    folder.mkdir()
    for n in range(3):
        scan_pdf(folder / f"bijlage-{n}.pdf", 3, width=300 + 20 * n)
    report = json.loads(_through_slow_tesseract(tmp_path, own_tmp, "tender", folder).stdout)
    assert [(d["file"], d["status"], d["document"]["ocr_pages"]) for d in report["documents"]] == [
        (f"bijlage-{n}.pdf", "ocr", [1, 2, 3]) for n in range(3)
    ]


def _mixed_dossier(root: Path) -> Path:
    """Scans, a copy of a scan right after it (read ahead while the scan is still in Tesseract), text
    files, a ZIP holding a scan and a copy of a file outside it, a file of another type, and hidden
    and lock files passed over."""
    root.mkdir()
    scan_pdf(root / "a-leidraad.scan.pdf", 3, width=300)
    (root / "b-kopie.pdf").write_bytes((root / "a-leidraad.scan.pdf").read_bytes())
    scan_pdf(root / "c-bijlage.pdf", 2, width=320)
    (root / "d-voorwaarden.pdf").write_bytes((FIXTURES / "terms_en.pdf").read_bytes())
    scan_pdf(root / "e-nota.pdf", 1, width=340)
    (root / "f-annex.docx").write_bytes((FIXTURES.parent / "docx" / "isv_bijlage.docx").read_bytes())
    (root / "g-prijzen.xlsx").write_bytes(b"PK\x03\x04 not really")
    (root / ".DS_Store").write_bytes(b"\0")
    (root / "~$f-annex.docx").write_bytes(b"lock")
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("scans/h-scan.pdf", scan_pdf(root / "h.tmp", 2, width=360).read_bytes())
        archive.writestr("scans/i-kopie.pdf", (root / "c-bijlage.pdf").read_bytes())
        archive.writestr("j-mixed.pdf", (FIXTURES / "mixed.pdf").read_bytes())
    (root / "h.tmp").unlink()
    (root / "k-bijlagen.zip").write_bytes(inner.getvalue())
    return root


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_a_tender_read_ahead_gets_the_report_of_its_files_read_one_after_another(
    tmp_path, own_tmp, monkeypatch, as_zip
):
    """`isv-check tender` (files read ahead) gives the same tender report as the files read in turn
    (as before, and as the web page reads them): the same documents, copies pointing at the same
    first file, the same files passed over, in the same order."""
    dossier = _mixed_dossier(tmp_path / "dossier")
    if as_zip:
        with zipfile.ZipFile(tmp_path / "dossier.zip", "w") as archive:
            for path in sorted(dossier.rglob("*")):
                archive.write(path, path.relative_to(dossier).as_posix())
        dossier = tmp_path / "dossier.zip"
    command, log = sized_tesseract(tmp_path, 0.3)
    env = scan_env(command, own_tmp)
    done = isv_check_json("tender", dossier, command, own_tmp, timeout=180)
    assert done.returncode in (0, 1, 2), done.stderr
    read_ahead_report = json.loads(done.stdout)
    pages = pages_in(log)
    assert any(
        one[0] != other[0] and one[1] < other[2] and other[1] < one[2]
        for one, other in itertools.combinations(pages, 2)
    ), "no file was read ahead"

    monkeypatch.setenv("PATH", env["PATH"])
    read = read_dossier(dossier, ahead=False)
    judged = judge_checked_tender(str(dossier), check_dossier_files(read), passed_over=read.passed_over)
    in_turn = json.loads(judged.model_dump_json(by_alias=True))
    assert read_ahead_report == in_turn
    files = {f["file"]: f for f in in_turn["files"]}
    assert files["b-kopie.pdf"]["same_as"] == "a-leidraad.scan.pdf"
    assert files["k-bijlagen.zip!scans/i-kopie.pdf"]["same_as"] == "c-bijlage.pdf"
    assert files["g-prijzen.xlsx"]["status"] == "unsupported"
    assert sum(d["status"] == "ocr" for d in in_turn["documents"]) == 5  # mixed.pdf: one page scanned
    assert in_turn["passed_over"] == [".DS_Store", "~$f-annex.docx"]


def test_the_web_pages_worker_reads_a_tenders_files_one_at_a_time(tmp_path, own_tmp, monkeypatch):
    """Its progress (pages read of pages in the files read so far, and the one being read) and its
    lowering of a long check's priority follow one file's OCR at a time (`web/progress.py`)."""
    from isv_checker.ruleset.load import cached_ruleset
    from isv_checker.web.outputs import check_tender_upload
    from isv_checker.web.progress import ProgressReport

    folder = tmp_path / "upload"
    folder.mkdir()
    for n in range(3):
        scan_pdf(folder / f"bijlage-{n}.pdf", 2, width=300 + 20 * n)
    command, log = sized_tesseract(tmp_path, 0.2)
    monkeypatch.setenv("PATH", scan_env(command, own_tmp)["PATH"])
    progress = ProgressReport(tmp_path)
    with progress.watching():
        result = check_tender_upload(folder, "upload", cached_ruleset(), progress=progress)
    assert [r.report.status for r in result.files.values()] == ["ocr"] * 3
    assert (progress.progress.pages_read, progress.progress.pages_total, progress.progress.files_read) == (6, 6, 3)
    pages = pages_in(log)
    assert len(pages) == 6
    assert not any(
        one[0] != other[0] and one[1] < other[2] and other[1] < one[2]
        for one, other in itertools.combinations(pages, 2)
    ), "two files' pages were in Tesseract at once"
