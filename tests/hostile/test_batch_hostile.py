"""The batch run over the whole hostile corpus mixed with valid files, audited: files in = reports
out, every status as expected (the long-line files end at the timeout), the memory cap holds, and
the valid files' verdicts are the ones they get when checked alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from isv_checker.pipeline import check

from ..conftest import SAMPLES
from .campaign import LONG_LINES, VALID_SAMPLES, Outcome, batch, mismatches, unfit_messages
from .conftest import Corpus

TIMEOUT = 15.0
MEMORY_MB = 2048


@pytest.fixture(scope="module")
def valid_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("valid")
    for name in VALID_SAMPLES:
        shutil.copy(SAMPLES / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def batched(hostile: Corpus, valid_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    return batch(
        [hostile.root, valid_folder], tmp_path_factory.mktemp("batch"), timeout=TIMEOUT, memory_mb=MEMORY_MB, workers=2
    )


def test_batch_completes_without_traceback(batched: Outcome) -> None:
    assert not batched.run.timed_out
    assert batched.run.returncode == 0, batched.run.stderr[-3000:]
    assert batched.tracebacks == 0, batched.run.stderr[-3000:]


def test_count_in_equals_count_out(batched: Outcome, hostile: Corpus) -> None:
    expected = {str(case.path) for case in hostile.cases}
    summary = batched.summary
    assert summary["files_in"] == summary["accounted"] == len(batched.statuses)
    assert expected <= set(batched.statuses)
    assert len(batched.statuses) == len(hostile.cases) + len(VALID_SAMPLES)


def test_statuses_as_expected(batched: Outcome, hostile: Corpus) -> None:
    assert mismatches(hostile.cases, batched.statuses, also={f"/{LONG_LINES}/": {"timeout"}}) == []
    assert unfit_messages(batched) == []


def test_no_file_ran_past_the_timeout_or_the_memory_cap(batched: Outcome) -> None:
    slowest = batched.summary["slowest"]
    assert all(seconds <= TIMEOUT + 5 for _, seconds in slowest), slowest
    assert 0 < batched.summary["peak_rss_mb"] < MEMORY_MB


def test_nothing_forbidden_happened(batched: Outcome, hostile: Corpus) -> None:
    assert batched.run.events == []
    assert hostile.canary.touched() == []


TWIN = ("dictu-laptops-2025.txt", "renamed/text-named.pdf")
"""The text sample and its copy under a PDF name in the corpus: same bytes, different statuses."""


def test_valid_files_keep_their_verdicts(batched: Outcome, valid_folder: Path) -> None:
    """Broken neighbours in the same run change nothing for the valid files."""
    for name in VALID_SAMPLES:
        alone = check(valid_folder / name)
        source = str(valid_folder / name)
        assert (batched.statuses[source], batched.verdicts[source]) == (alone.status.value, alone.verdict), name


def test_same_bytes_under_another_name_keep_their_own_status(
    batched: Outcome, hostile: Corpus, valid_folder: Path
) -> None:
    assert batched.statuses[str(hostile.root / TWIN[1])] == "corrupt"
    assert batched.statuses[str(valid_folder / TWIN[0])] == "ok"


def test_pdf_inflating_to_a_gigabyte_is_accounted_for_under_the_memory_cap(tmp_path: Path) -> None:
    """pdfium inflates a content stream whole: 1 GB costs it about 2.2 GB, and under a
    1 GB cap it aborts its process. The batch records the file as over the cap and goes on with the next."""
    from . import forge

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "inflating.pdf").write_bytes(forge.inflating_pdf(1024))
    shutil.copy(SAMPLES / VALID_SAMPLES[1], folder / VALID_SAMPLES[1])
    outcome = batch([folder], tmp_path / "out", timeout=120, memory_mb=1024, workers=1)
    assert outcome.tracebacks == 0 and outcome.run.returncode == 0, outcome.run.stderr[-2000:]
    assert outcome.statuses[str(folder / "inflating.pdf")] == "too_large"
    assert outcome.statuses[str(folder / VALID_SAMPLES[1])] == "ok"
