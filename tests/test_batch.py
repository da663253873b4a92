"""Batch runs end to end: every file accounted for, resume after kill -9, timeouts, crashed and
memory-hungry workers, and the Dask backend giving the rows the local pool gives."""

from __future__ import annotations

import io
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from isv_checker.batch import BatchOptions, iter_stored_reports, run_batch
from isv_checker.batch.store import Store

from .batch_tasks import gil_holding_task, misbehaving_task, sleep_task, start_time_task
from .conftest import ROOT, SAMPLES

SAMPLE_FILES = [
    "gemeente-catering-2024.txt",
    "rvb-elektriciteit-2025.txt",
    "dictu-laptops-2025.docx",
    "rws-bedrijfskleding-2024.docx",
    "minbuza-energy-2026.pdf",
    "logius-datacenter-nvi-2025.pdf",
]


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def make_archive(root: Path) -> Path:
    """A small tender archive: documents in folders, a duplicate, a broken PDF, and a ZIP holding a
    document, a path-traversal member, a zip bomb and a nested ZIP."""
    archive = root / "archive"
    (archive / "2024" / "lot-1").mkdir(parents=True)
    for i, name in enumerate(SAMPLE_FILES):
        target = archive / ("2024/lot-1" if i % 2 else "2024") / name
        shutil.copy(SAMPLES / name, target)
    shutil.copy(SAMPLES / SAMPLE_FILES[0], archive / "copy-of-catering.txt")
    (archive / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<>> garbage")
    (archive / "sheet.xlsx").write_bytes(b"not a document")
    nested = _zip_bytes({"inner/rvb.txt": (SAMPLES / "rvb-elektriciteit-2025.txt").read_bytes() + b"\nBijlage.\n"})
    (archive / "notices.zip").write_bytes(
        _zip_bytes(
            {
                "docs/catering.docx": (SAMPLES / "gemeente-catering-2024.docx").read_bytes(),
                "../../escape.txt": b"owned",
                "bomb.txt": b"\0" * (30 * 1024 * 1024),
                "nested.zip": nested,
            }
        )
    )
    return archive


EXPECTED_FILES = len(SAMPLE_FILES) + 1 + 1 + 1 + 4  # samples, duplicate, broken PDF, spreadsheet, four ZIP members


def _rows(db: Path) -> dict[str, sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {r["source"]: r for r in conn.execute("SELECT * FROM documents")}
    finally:
        conn.close()


def test_batch_accounts_for_every_file_and_resumes(tmp_path):
    archive = make_archive(tmp_path)
    db = tmp_path / "results.sqlite"
    first = run_batch([archive], db, BatchOptions(workers=2))
    assert first.files_in == EXPECTED_FILES == first.accounted
    assert (first.refused, first.copied) == (3, 1)  # traversal + bomb + spreadsheet; the duplicate is copied
    assert first.checked == EXPECTED_FILES - 4
    assert first.other_files == 0
    rows = _rows(db)
    assert len(rows) == EXPECTED_FILES
    zip_source = f"{archive / 'notices.zip'}"
    assert rows[f"{zip_source}!../../escape.txt"]["status"] == "corrupt"
    assert "path traversal" in rows[f"{zip_source}!../../escape.txt"]["status_message"]
    assert rows[f"{zip_source}!bomb.txt"]["status"] == "too_large"
    assert rows[f"{zip_source}!nested.zip!inner/rvb.txt"]["status"] == "ok"
    assert rows[str(archive / "broken.pdf")]["status"] == "corrupt"
    assert rows[str(archive / "broken.pdf")]["verdict"] == "unreadable"
    assert rows[str(archive / "sheet.xlsx")]["status"] == "unsupported"
    original, duplicate = (
        rows[str(archive / "copy-of-catering.txt")],
        rows[str(archive / "2024" / "gemeente-catering-2024.txt")],
    )
    assert original["copied_from"] is None and duplicate["copied_from"] == original["source"]  # walked first, checked
    assert json.loads(duplicate["report"])["file"] == duplicate["source"]
    assert json.loads(duplicate["report"]) | {"file": ""} == json.loads(original["report"]) | {"file": ""}
    for row in rows.values():
        report = json.loads(row["report"])
        assert report["file"] == row["source"] and row["verdict"] == report["verdict"]
        assert row["ruleset_version"] and row["status"]
    with Store(db) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    again = run_batch([archive], db, BatchOptions(workers=2))
    assert (again.checked, again.copied, again.refused, again.skipped) == (0, 0, 0, EXPECTED_FILES)
    assert again.accounted == EXPECTED_FILES and len(_rows(db)) == EXPECTED_FILES
    assert again.verdicts == first.verdicts

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    text = (rules / "ruleset.yaml").read_text(encoding="utf-8")
    (rules / "ruleset.yaml").write_text(text.replace('version: "', 'version: "9', 1), encoding="utf-8")
    changed = run_batch([archive], db, BatchOptions(workers=2, rules_dir=str(rules)))
    assert changed.skipped == 0 and changed.checked == first.checked and changed.accounted == EXPECTED_FILES
    rows = _rows(db)
    assert len(rows) == EXPECTED_FILES
    assert {r["ruleset_version"] for r in rows.values()} == {changed.ruleset.split()[1]}

    reports = list(iter_stored_reports(db))
    assert len(reports) == EXPECTED_FILES and sorted(r.file for r in reports) == sorted(rows)


def test_hanging_crashing_and_memory_hungry_files_are_recorded_and_the_batch_finishes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("HANG.txt", "CRASH.txt", "HOG.txt"):
        (folder / name).write_text(f"{name}\n", encoding="utf-8")
    for i in range(3):
        (folder / f"ok-{i}.txt").write_text(f"Gewone tekst {i}.\n", encoding="utf-8")
    db = tmp_path / "r.sqlite"
    started = time.monotonic()
    summary = run_batch(
        [folder], db, BatchOptions(workers=2, timeout=3, memory_mb=1024), task_function=misbehaving_task
    )
    assert time.monotonic() - started < 40
    assert summary.accounted == summary.files_in == 6
    rows = {Path(s).name: r for s, r in _rows(db).items()}
    assert rows["HANG.txt"]["status"] == "timeout" and "3 s limit" in rows["HANG.txt"]["status_message"]
    assert rows["CRASH.txt"]["status"] == "error" and "SIGSEGV" in rows["CRASH.txt"]["status_message"]
    assert rows["HOG.txt"]["status"] == "too_large"
    assert all(rows[f"ok-{i}.txt"]["status"] == "ok" for i in range(3))
    assert all(r["verdict"] == "unreadable" for n, r in rows.items() if not n.startswith("ok"))

    rerun = run_batch([folder], db, BatchOptions(workers=1))
    assert rerun.skipped == 6  # failures are results too; --retry-failed checks them again
    retried = run_batch([folder], db, BatchOptions(workers=1, retry_failed=True))  # the real task this time
    assert (retried.checked, retried.skipped) == (3, 3)
    assert {r["status"] for r in _rows(db).values()} == {"ok"}


def _unique_archive(root: Path, copies: int) -> Path:
    """Many different documents (text and PDF samples, each made unique), for a run worth killing."""
    folder = root / "many"
    folder.mkdir()
    texts = sorted(SAMPLES.glob("*.txt"))
    pdfs = sorted(p for p in SAMPLES.glob("*.pdf") if not p.name.endswith(".scan.pdf"))[:6]
    for i in range(copies):
        source = texts[i % len(texts)]
        (folder / f"{i:03d}-{source.name}").write_bytes(source.read_bytes() + f"\nKenmerk {i}.\n".encode())
        if i < len(pdfs):
            (folder / f"{i:03d}-{pdfs[i].name}").write_bytes(pdfs[i].read_bytes() + f"\n%{i}\n".encode())
    return folder


def test_kill_9_mid_run_then_resume_gives_exactly_one_row_per_file(tmp_path):
    folder = _unique_archive(tmp_path, 60)
    total = len(list(folder.iterdir()))
    db = tmp_path / "r.sqlite"
    command = [sys.executable, "-m", "isv_checker", "batch", str(folder), "--db", str(db), "--workers", "2", "-q"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    landed = 0
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists():
            try:
                landed = len(_rows(db))
            except sqlite3.OperationalError:
                landed = 0
            if landed >= 8:
                break
        time.sleep(0.05)
    assert process.poll() is None, f"the batch finished before it could be killed: {process.stderr.read().decode()}"
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    process.stderr.close()
    before = _rows(db)
    assert 8 <= len(before) < total
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()

    resumed = run_batch([folder], db, BatchOptions(workers=2))
    assert resumed.skipped == len(before)  # nothing done twice
    assert resumed.checked == total - len(before)
    after = _rows(db)
    assert len(after) == total and sorted(after) == sorted(str(p) for p in folder.iterdir())
    for source, row in before.items():
        assert after[source]["checked_at"] == row["checked_at"] and after[source]["run_id"] == row["run_id"]
    runs = [json.loads(r["summary"]) if r["summary"] else None for r in Store(db).runs()]
    assert runs[0] is None and runs[1]["accounted"] == total  # the killed run never finished


def test_dask_backend_gives_the_same_rows_as_the_local_pool(tmp_path):
    distributed = pytest.importorskip("distributed")
    archive = make_archive(tmp_path)
    local_db, dask_db = tmp_path / "local.sqlite", tmp_path / "dask.sqlite"
    run_batch([archive], local_db, BatchOptions(workers=2))
    from isv_checker.batch.dask_runner import DaskRunner

    with (
        distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        summary = run_batch([archive], dask_db, BatchOptions(), runner=DaskRunner(client))
    assert summary.accounted == summary.files_in == EXPECTED_FILES
    assert "Dask" in summary.runner
    local, dask = _rows(local_db), _rows(dask_db)
    assert sorted(local) == sorted(dask)
    same = ("sha256", "status", "verdict", "status_message", "authority", "categories", "report", "copied_from")
    for source in local:
        assert {k: local[source][k] for k in same} == {k: dask[source][k] for k in same}, source


def test_same_bytes_named_txt_and_pdf_are_checked_each_by_its_own_name(tmp_path):
    """Regression: the result for text named `.pdf` (corrupt) was copied to the same bytes named `.txt`."""
    from isv_checker.batch.store import iter_stored_reports
    from isv_checker.cli import main

    text = "Artikel 1\nDe Opdrachtnemer past gepaste zorgvuldigheid toe in de keten.\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.pdf").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "r.sqlite"
    assert main(["batch", str(tmp_path / "in"), "--db", str(db), "--workers", "1", "-q"]) == 0
    statuses = {r.file.rsplit("/", 1)[-1]: r.status.value for r in iter_stored_reports(db)}
    assert statuses == {"a.pdf": "corrupt", "b.txt": "ok"}


def test_workers_keep_the_collector_off_what_they_load_once():
    """A worker freezes its preloaded heap (imports, ruleset, matchers) and raises gen-0's threshold,
    so full collections do not walk 100,000 long-lived objects on every file (see settle_heap)."""
    from isv_checker.batch.pool import GC_THRESHOLDS, LocalPoolRunner
    from isv_checker.batch.task import Task

    from .batch_tasks import heap_state_task

    runner = LocalPoolRunner(workers=1, task_function=heap_state_task)
    (result,) = list(runner.run([Task(0, "x.txt", b"x", runner.settings)]))
    assert tuple(result.columns["threshold"]) == GC_THRESHOLDS
    assert result.columns["frozen"] > 50_000  # spaCy, the ruleset and the matchers at least


def test_a_worker_has_its_next_file_before_the_parent_handles_its_result():
    """One file per worker waits read and ready in the parent, so when a result comes back the
    worker is handed the next file at once, not after the parent has written the result and read
    the next file (a 1-worker run lost about 3% of its time that way)."""
    from isv_checker.batch.pool import LocalPoolRunner
    from isv_checker.batch.task import Task, TaskSettings

    settings = TaskSettings(ocr="never")
    data = (SAMPLES / "gemeente-catering-2024.txt").read_bytes()
    pulled: list[int] = []

    def source():
        for key in range(5):
            pulled.append(key)
            yield Task(key, f"{key}.txt", data, settings)

    seen_when_yielded = {}
    for outcome in LocalPoolRunner(workers=1).run(source()):
        seen_when_yielded[outcome.key] = len(pulled)
    # when result k comes out, file k + 1 is with the worker (sent ahead: these files are small) and
    # files k + 2 and k + 3 have been read (the last to know whether more are to come); before, only k had
    assert seen_when_yielded == {k: min(k + 4, 5) for k in range(5)}


def test_a_worker_goes_on_to_a_small_file_sent_ahead_without_waiting_for_the_parent():
    """A busy worker is sent the next small file ahead, so it starts on it when it has sent its result,
    not when the parent, busy elsewhere (writing rows, or not scheduled on a loaded machine), answers."""
    from isv_checker.batch.pool import LocalPoolRunner
    from isv_checker.batch.task import Task, TaskSettings

    settings = TaskSettings(ocr="never")
    tasks = [Task(key, f"{key}.txt", b"kort", settings) for key in range(6)]
    started = []
    for outcome in LocalPoolRunner(workers=1, task_function=start_time_task).run(tasks):
        started.append(outcome.columns["started"])
        time.sleep(0.1)  # a slow parent
    gaps = [b - a for a, b in zip(started, started[1:], strict=False)]
    # the worker goes on to the file sent ahead at once, and is never left idle for the run's 1 s wait
    # the worker goes on to the file sent ahead at once, and is never left idle for the run's 1 s wait
    # (as it was when it had emptied while the parent handled results: gaps of 1.2 s)
    assert sum(gap < 0.05 for gap in gaps) >= 2 and max(gaps) < 0.8, gaps


def test_a_large_file_sent_ahead_does_not_hold_the_parent_until_the_busy_worker_takes_it():
    """A file sent ahead goes into the worker's pipe whole, however busy the worker is: with the
    socket's default buffer (about 200 KB) the parent waited in `send` until the worker's receiving
    thread had taken most of a larger file in, and meanwhile handed no file to a worker that finished
    (over 40 PDFs of 5-60 pages with two workers, about 0.2 s of a run on a loaded machine)."""
    from isv_checker.batch.pool import AHEAD_BYTES, LocalPoolRunner
    from isv_checker.batch.task import Task, TaskSettings

    settings = TaskSettings(ocr="never")
    pulled: dict[int, float] = {}

    def source():
        # a worker busy 1.5 s without letting its receiving thread run, then a file of the largest
        # size sent ahead, then small ones
        for key, task in enumerate(
            [Task(0, "HOLD", b"x", settings), Task(1, "large", b"x" * AHEAD_BYTES, settings)]
            + [Task(k, f"small-{k}", b"x", settings) for k in range(2, 5)]
        ):
            pulled[key] = time.time()
            yield task

    started = {
        o.key: o.columns["started"] for o in LocalPoolRunner(workers=1, task_function=gil_holding_task).run(source())
    }
    assert sorted(started) == [0, 1, 2, 3, 4]
    # the parent sent the large file ahead and went on reading the archive while the worker still
    # held its GIL (before: it read file 3 only once the worker let go, 1.5 s after it started)
    assert pulled[3] - started[0] < 0.75, pulled[3] - started[0]


def test_no_file_waits_behind_a_long_one_while_another_worker_is_free():
    """A file is sent ahead to a busy worker only while the other workers are busy too and more files
    are to come: the first worker ready used to take the second file ahead of a long first one, and a
    file sent ahead at the end of a run waited there while the other worker sat idle."""
    from isv_checker.batch.pool import LocalPoolRunner
    from isv_checker.batch.task import Task, TaskSettings

    settings = TaskSettings(ocr="never")
    tasks = [Task(0, "long", b"2.0", settings)] + [Task(k, f"short-{k}", b"0.05", settings) for k in range(1, 5)]
    ran_by = {o.key: o.columns["pid"] for o in LocalPoolRunner(workers=2, task_function=sleep_task).run(tasks)}
    assert len(ran_by) == 5
    assert [k for k, pid in ran_by.items() if pid == ran_by[0]] == [0], ran_by  # the long file's worker ran it alone


def test_a_batch_hands_over_the_largest_files_first(tmp_path):
    """Largest first, so that a run ends on small files (its last long file kept one worker busy while
    the other idled); the reports are the same, and files of the same content are still copied from
    the first found."""
    from isv_checker.batch.run import checking_order
    from isv_checker.batch.sources import collect

    folder = tmp_path / "in"
    folder.mkdir()
    for name, size in (("a.txt", 10), ("b.txt", 300), ("c.txt", 10), ("d.txt", 200)):
        (folder / name).write_text("x" * size, encoding="utf-8")
    with collect([folder]) as sources:
        assert [Path(i.source).name for i in checking_order(sources.items, tenders=False)] == [
            "b.txt",
            "d.txt",
            "a.txt",
            "c.txt",
        ]
        found = [Path(i.source).name for i in sources.items]
        assert [Path(i.source).name for i in checking_order(sources.items, tenders=True)] == found


def test_files_sent_ahead_to_a_worker_that_hangs_or_dies_are_checked_by_its_replacement(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a-HANG.txt", "b-ok.txt", "c-CRASH.txt", "d-ok.txt", "e-ok.txt"):
        (folder / name).write_text(f"Gewone tekst {name}.\n", encoding="utf-8")
    db = tmp_path / "r.sqlite"
    summary = run_batch([folder], db, BatchOptions(workers=1, timeout=3), task_function=misbehaving_task)
    assert summary.accounted == summary.files_in == 5
    rows = {Path(s).name: r["status"] for s, r in _rows(db).items()}
    assert rows == {
        "a-HANG.txt": "timeout",
        "b-ok.txt": "ok",
        "c-CRASH.txt": "error",
        "d-ok.txt": "ok",
        "e-ok.txt": "ok",
    }


def test_a_stopped_worker_takes_its_subprocesses_with_it(tmp_path):
    """OCR runs Tesseract as subprocesses and the worker enforces their page time limit: when the
    worker is killed for its timeout, they must go too, not run on orphaned and unlimited."""
    from isv_checker.batch.pool import LocalPoolRunner
    from isv_checker.batch.task import Task, TaskSettings

    source = tmp_path / "SPAWN.txt"
    runner = LocalPoolRunner(workers=1, timeout=3, task_function=misbehaving_task)
    (outcome,) = list(runner.run([Task(0, str(source), b"text", TaskSettings(ocr="never"))]))
    assert outcome.status == "timeout"
    pid = int(Path(str(source) + ".pid").read_text())
    for _ in range(50):  # SIGKILL is delivered at once, but the zombie may take a moment to be reaped
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except FileNotFoundError:
            break
        if state == "Z":
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"the worker's subprocess {pid} is still running")
