"""Regression: a batch killed with SIGKILL left a worker's Tesseract running for about 55 s. Workers
and the programs they start die with the batch (`isv_checker.parent_death`)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import SAMPLES

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's"),
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract"),
]

SCANS = sorted(SAMPLES.glob("*.scan.pdf"))


def _long_scan(path: Path) -> Path:
    """A scanned PDF of some 40 pages (the samples' scans, repeated): OCR takes minutes, so whatever
    is still running a few seconds after the kill was left behind, not finishing its last page."""
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    while len(merged) < 40:
        for scan in SCANS:
            merged.import_pages(pdfium.PdfDocument(scan))
    merged.save(path)
    return path


def _processes() -> dict[int, tuple[int, str, str, str]]:
    """pid -> (parent pid, state, start time, command name) of every process, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), fields[0], fields[19], name)
    return table


def _descendants(root: int) -> dict[int, tuple[str, str]]:
    """pid -> (start time, command name) of every living process below `root`."""
    table = _processes()
    found: dict[int, tuple[str, str]] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, state, start, name) in table.items():
            if ppid == parent and pid not in found and state != "Z":
                found[pid] = (start, name)
                frontier.append(pid)
    return found


def _alive(processes: dict[int, tuple[str, str]]) -> dict[int, str]:
    table = _processes()
    return {
        pid: name
        for pid, (start, name) in processes.items()
        if pid in table and table[pid][2] == start and table[pid][1] != "Z"
    }


def test_a_batch_killed_outright_leaves_no_worker_and_no_tesseract(tmp_path):
    batch = subprocess.Popen(
        [sys.executable, "-m", "isv_checker", "batch", str(_long_scan(tmp_path / "long.scan.pdf"))]
        + ["--db", str(tmp_path / "r.sqlite")]
        + ["--workers", "1", "--timeout", "0", "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    try:
        deadline = time.monotonic() + 90
        below: dict[int, tuple[str, str]] = {}
        while time.monotonic() < deadline:
            below = _descendants(batch.pid)
            if any(name == "tesseract" for _, name in below.values()):
                break
            assert batch.poll() is None, "the batch ended before its OCR started"
            time.sleep(0.05)
        else:
            pytest.fail("no Tesseract started within 90 s")
        assert len(below) >= 3  # the fork server, a worker, its Tesseract
        batch.send_signal(signal.SIGKILL)
        batch.wait()
        deadline = time.monotonic() + 5
        while _alive(below) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _alive(below) == {}
    finally:
        if batch.poll() is None:
            batch.kill()
            batch.wait()
