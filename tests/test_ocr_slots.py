"""Tesseract runs under a machine-wide limit of one per core, shared by every process that reads
(`readers/ocr_slots.py`), and a batch worker with a scan uses every free core for it.

A stand-in `tesseract` writes when each page starts and ends, so the tests see how many ran at once."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from isv_checker import ReadOptions, ReadStatus, read_path
from isv_checker.readers import ocr_slots

from .conftest import ROOT
from .test_reader_ocr import SCANNED, fake_tesseract, needs_tesseract, tsv_words


def logging_tesseract(tmp_path: Path, seconds: float = 0.4) -> tuple[str, Path]:
    """A stand-in `tesseract` that takes `seconds` per page and logs its start and end times."""
    log = tmp_path / "pages.log"
    body = f'echo "start $(date +%s.%N)" >> {log}\nsleep {seconds}\necho "end $(date +%s.%N)" >> {log}\n' + tsv_words(
        "gelezen"
    )
    return fake_tesseract(tmp_path, body), log


def most_at_once(log: Path) -> int:
    events = sorted(
        (float(stamp), kind == "start") for kind, stamp in (line.split() for line in log.read_text().splitlines())
    )
    running = most = 0
    for _, started in events:  # at equal times an end sorts before a start
        running += 1 if started else -1
        most = max(most, running)
    return most


def scanned_pdf(path: Path, pages: int) -> Path:
    """A scanned PDF of `pages` pages, the scanned fixture's pages repeated."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(SCANNED))
    pdf = pdfium.PdfDocument.new()
    while len(pdf) < pages:
        pdf.import_pages(source, [len(pdf) % len(source)])
    buffer = io.BytesIO()
    pdf.save(buffer)
    path.write_bytes(buffer.getvalue() + f"\n%{path.name}\n".encode())
    return path


def slots_env(own_tmp: Path, slots: int, **more: str) -> dict[str, str]:
    """The environment of a process that reads with the test's slots' folder."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TMPDIR": str(own_tmp),
        ocr_slots.SLOTS_VARIABLE: str(slots),
        **more,
    }


_READ = """
import sys
from isv_checker import ReadOptions, read_path
document = read_path(sys.argv[1], ReadOptions(tesseract_cmd=sys.argv[2], ocr_workers=3))
print(document.status.value, len(document.ocr_pages))
"""


def test_two_processes_never_run_more_tesseracts_than_slots(tmp_path, own_tmp):
    command, log = logging_tesseract(tmp_path)
    env = slots_env(own_tmp, 2)
    pdfs = [scanned_pdf(tmp_path / f"scan-{n}.pdf", 4) for n in (1, 2)]
    readers = [
        subprocess.Popen([sys.executable, "-c", _READ, str(pdf), command], env=env, stdout=subprocess.PIPE, text=True)
        for pdf in pdfs
    ]
    outputs = [reader.communicate(timeout=60)[0].split() for reader in readers]
    assert outputs == [["ocr", "4"], ["ocr", "4"]]
    assert most_at_once(log) == 2  # alone, each process would have run three at once


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="a worker OCRs on every core; this machine has one")
def test_a_batch_worker_ocrs_a_long_scan_on_every_core(tmp_path, own_tmp):
    """Batch workers used to OCR one page at a time: a long scan kept one core busy while the
    others, their short files done, sat idle."""
    command, log = logging_tesseract(tmp_path)
    folder = tmp_path / "archive"
    folder.mkdir()
    scanned_pdf(folder / "long-scan.pdf", 6)
    bin_dir = Path(command).parent
    env = slots_env(own_tmp, 2, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    db = tmp_path / "results.sqlite"
    done = subprocess.run(
        [sys.executable, "-m", "isv_checker", "batch", str(folder), "--db", str(db), "--workers", "1", "-q"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(log.read_text().splitlines()) == 12
    assert most_at_once(log) == 2


def test_a_page_waits_for_a_slot_and_a_killed_holder_frees_it(tmp_path, own_tmp, monkeypatch):
    monkeypatch.setenv(ocr_slots.SLOTS_VARIABLE, "1")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from isv_checker.readers import ocr_slots; ocr_slots.take_slot(); print('held', flush=True); input()",
        ],
        env=slots_env(own_tmp, 1),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    command = fake_tesseract(tmp_path, tsv_words("gelezen"))
    documents = []
    reader = threading.Thread(target=lambda: documents.append(read_path(SCANNED, ReadOptions(tesseract_cmd=command))))
    reader.start()
    time.sleep(0.5)
    assert reader.is_alive() and not documents  # waiting for the one slot
    holder.send_signal(signal.SIGKILL)  # no clean-up: the kernel drops its lock
    holder.wait(10)
    reader.join(30)
    assert not reader.is_alive()
    assert documents[0].status is ReadStatus.OCR and documents[0].ocr_pages == (1, 2)


def test_a_quick_check_does_not_wait_for_a_nicer_long_one(tmp_path, own_tmp, monkeypatch):
    """The web page runs long checks at nice 10 so that a quick one gets the cores first."""
    monkeypatch.setenv(ocr_slots.SLOTS_VARIABLE, "1")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os; os.nice(10); from isv_checker.readers import ocr_slots; ocr_slots.take_slot();"
            " print('held', flush=True); input()",
        ],
        env=slots_env(own_tmp, 1),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        command = fake_tesseract(tmp_path, tsv_words("gelezen"))
        document = read_path(SCANNED, ReadOptions(tesseract_cmd=command))
        assert document.status is ReadStatus.OCR and document.ocr_pages == (1, 2)
        assert holder.poll() is None  # still holding its slot
    finally:
        holder.kill()
        holder.wait(10)


def test_without_a_usable_slots_folder_ocr_runs_unlimited(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setattr("tempfile.tempdir", str(not_a_folder))
    command = fake_tesseract(tmp_path, tsv_words("gelezen"))
    document = read_path(SCANNED, ReadOptions(tesseract_cmd=command))
    assert document.status is ReadStatus.OCR and document.ocr_pages == (1, 2)


@needs_tesseract
@pytest.mark.ocr
def test_the_page_as_a_file_or_on_standard_input_reads_the_same(monkeypatch):
    """Tesseract reads the page from an in-memory file on Linux, from standard input elsewhere."""
    from isv_checker.readers import ocr

    as_file = read_path(SCANNED)
    monkeypatch.setattr(ocr, "_PROC_FDS", False)
    on_stdin = read_path(SCANNED)
    assert as_file.status is ReadStatus.OCR
    assert [(b.page, b.text) for b in as_file.blocks] == [(b.page, b.text) for b in on_stdin.blocks]
