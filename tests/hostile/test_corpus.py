"""Every hostile file, through `isv-check scan --format json` in an audited child process: one report
each, the expected status, a message a person understands, no traceback, no hang, memory under the
cap, and nothing read, written, started or connected to that the check has no business with."""

from __future__ import annotations

import pytest

from isv_checker import read_path

from .campaign import LONG_LINES, Outcome, mismatches, scan, scanned_cases, unfit_messages
from .conftest import Corpus
from .corpus import STATUSES

SCAN_TIMEOUT = 300.0
MEMORY_MB = 4096


@pytest.fixture(scope="module")
def scanned(hostile: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    return scan(hostile.root, tmp_path_factory.mktemp("scan"), timeout=SCAN_TIMEOUT, memory_mb=MEMORY_MB)


def test_scan_ends_in_time_without_traceback(scanned: Outcome) -> None:
    assert not scanned.run.timed_out, f"the scan hung: still running after {SCAN_TIMEOUT:g} s"
    assert scanned.tracebacks == 0, scanned.run.stderr[-3000:]
    assert scanned.run.returncode == 2, scanned.run.stderr[-2000:]  # unreadable files are among them


def test_every_file_gets_one_report(scanned: Outcome, hostile: Corpus) -> None:
    expected = {str(case.path) for case in scanned_cases(hostile.cases)}
    reported = [line for line in scanned.run.stdout.splitlines() if line.strip()]
    assert len(reported) == len(expected), "one JSON report per file"
    assert set(scanned.statuses) == expected


def test_every_status_is_the_expected_one(scanned: Outcome, hostile: Corpus) -> None:
    assert set(scanned.statuses.values()) <= STATUSES
    assert mismatches(scanned_cases(hostile.cases), scanned.statuses) == []


def test_every_message_is_for_a_person(scanned: Outcome) -> None:
    assert unfit_messages(scanned) == []


def test_nothing_forbidden_happened(scanned: Outcome, hostile: Corpus) -> None:
    """No network, no program but Tesseract, no file read outside the input and Python's own, no
    write outside the output folder; and nothing opened the canary pipe or called the listener."""
    assert scanned.run.events == []
    assert hostile.canary.touched() == []


def test_memory_stays_under_the_cap(scanned: Outcome) -> None:
    assert 0 < scanned.run.max_rss_mb < MEMORY_MB


@pytest.mark.parametrize(
    "name",
    [
        "text-one-8mb-line.txt",
        "text-8mb-without-spaces.txt",
        "text-2mb-digit-run-after-eur.txt",
        "docx-one-4mb-paragraph.docx",
    ],
)
def test_long_lines_are_read(hostile: Corpus, name: str) -> None:
    """The files the CI scan leaves out (the rules stage takes tens of seconds on them) read quickly."""
    document = read_path(hostile.root / LONG_LINES / name)
    assert document.status.value == "ok", document.message


@pytest.mark.slow
def test_long_lines_are_checked_in_a_scan(hostile: Corpus, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The folder the CI scan leaves out: lines of megabytes, judged in time linear in their length."""
    outcome = scan(
        hostile.root, tmp_path_factory.mktemp("scan-long"), timeout=SCAN_TIMEOUT, memory_mb=MEMORY_MB, long_lines=True
    )
    assert not outcome.run.timed_out and outcome.tracebacks == 0, outcome.run.stderr[-2000:]
    assert mismatches(scanned_cases(hostile.cases, long_lines=True), outcome.statuses) == []
    assert outcome.run.events == [] and hostile.canary.touched() == []
