"""The Dask runner on a real local cluster (worker processes): workers warmed, frozen and without the
statistical profiler, also one that joins later; short files in batches, every file back exactly once
with its own report; a file that hangs costs its batch-mates nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from isv_checker.batch import BatchOptions, run_batch
from isv_checker.batch.task import TaskSettings

from .conftest import SAMPLES

distributed = pytest.importorskip("distributed")

TEXTS = ["gemeente-catering-2024.txt", "rvb-elektriciteit-2025.txt", "cjib-printwerk-2022.txt"]


def _cluster(workers: int, threads: int = 1) -> distributed.LocalCluster:
    return distributed.LocalCluster(
        n_workers=workers, processes=True, threads_per_worker=threads, dashboard_address=None
    )


def _folder(root: Path, n: int, *, odd: str | None = None, texts: list[str] = TEXTS) -> Path:
    """`n` different short text documents (no two the same bytes, so none is copied from another) made
    of `texts` in turn, sizes falling with the index among those of one text (with one text, the order
    in which a run sends them); with `odd`, the last and smallest is named to ask for trouble."""
    folder = root / "in"
    folder.mkdir()
    for i in range(n):
        text = (SAMPLES / texts[i % len(texts)]).read_text(encoding="utf-8")
        name = f"{odd}-{i:02d}.txt" if odd and i == n - 1 else f"doc-{i:02d}.txt"
        (folder / name).write_text(text + "\nBijlage." * (n - i), encoding="utf-8")
    return folder


def _rows(db: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute("SELECT source, status, status_message, verdict, report FROM documents"))
    finally:
        conn.close()


def _worker_state(dask_worker) -> dict:
    import gc

    from isv_checker.batch.dask_warm import PROFILER

    return {
        "profiler": [name for name in PROFILER if name in dask_worker.periodic_callbacks],
        "heartbeat": "heartbeat" in dask_worker.periodic_callbacks,
        "frozen": gc.get_freeze_count(),
        "threshold": gc.get_threshold(),
    }


def test_workers_are_warmed_frozen_and_not_profiled_also_one_that_joins_later():
    """The plugin freezes what warm-up loaded and stops the worker's statistical profiler (which
    takes the GIL from the checking thread every 10 ms), and a worker that joins after it was
    registered gets the same; heartbeats go on."""
    from isv_checker.batch.dask_warm import WarmWorker
    from isv_checker.batch.pool import GC_THRESHOLDS

    with _cluster(1) as cluster, distributed.Client(cluster) as client:
        assert all(s["profiler"] for s in client.run(_worker_state).values())  # Dask's default: on
        client.register_plugin(WarmWorker(TaskSettings()))
        cluster.scale(2)
        client.wait_for_workers(2, timeout=60)
        states = client.run(_worker_state)
    assert len(states) == 2
    for state in states.values():
        assert state["profiler"] == [] and state["heartbeat"]
        assert tuple(state["threshold"]) == GC_THRESHOLDS
        assert state["frozen"] > 50_000  # spaCy, the ruleset and the matchers at least


def test_short_files_go_in_batches_and_every_file_comes_back_once_with_its_own_report(tmp_path):
    from isv_checker.batch.dask_runner import DaskRunner

    folder = _folder(tmp_path, 30)
    local = run_batch([folder], tmp_path / "local.sqlite", BatchOptions(workers=2))
    with _cluster(2) as cluster, distributed.Client(cluster) as client:
        with distributed.get_task_stream(client) as stream:
            summary = run_batch([folder], tmp_path / "dask.sqlite", BatchOptions(), runner=DaskRunner(client))
        tasks = {t["key"] for t in stream.data if str(t["key"]).startswith("isv-check-")}
    assert summary.accounted == summary.checked == local.checked == 30
    assert len(tasks) < 30  # batches, not a task per file
    rows = _rows(tmp_path / "dask.sqlite")
    assert sorted(r["source"] for r in rows) == sorted(str(p) for p in folder.iterdir())
    for row in rows:
        assert json.loads(row["report"])["file"] == row["source"]  # no report lands on a batch-mate's row
    assert {r["source"]: (r["status"], r["verdict"]) for r in rows} == {
        r["source"]: (r["status"], r["verdict"]) for r in _rows(tmp_path / "local.sqlite")
    }


@pytest.fixture
def batches_of_eight(monkeypatch):
    """Batches of eight files from the first results on, however fast the files: the first files go
    one per task (nothing is known yet), one for each of the two slots per worker thread; of 30 files
    on two workers of three threads the last batch then holds the last two."""
    from isv_checker.batch import dask_runner

    monkeypatch.setattr(dask_runner, "BATCH_SECONDS", 1000.0)
    monkeypatch.setattr(dask_runner, "BATCH_FILES", 8)


def test_a_file_that_hangs_in_a_batch_times_out_alone(tmp_path, batches_of_eight):
    """A batch past the timeout is sent again one file per task; only the hanging file is recorded
    `timeout`. (Three threads a worker: Dask cannot interrupt a running task, so the hanging file
    keeps a thread busy after its batch timed out and another after it timed out alone, and the
    scheduler, which thinks them free, could queue a batch-mate behind them on a worker of fewer.)"""
    from isv_checker.batch.dask_runner import DaskRunner

    from .batch_tasks import misbehaving_task

    folder = _folder(tmp_path, 30, odd="HANG")
    with _cluster(2, threads=3) as cluster, distributed.Client(cluster) as client:
        runner = DaskRunner(client, timeout=8.0, task_function=misbehaving_task)
        summary = run_batch([folder], tmp_path / "dask.sqlite", BatchOptions(), runner=runner)
    assert summary.accounted == 30
    statuses = {Path(r["source"]).name: r["status"] for r in _rows(tmp_path / "dask.sqlite")}
    assert statuses.pop("HANG-29.txt") == "timeout"
    assert set(statuses.values()) == {"ok"} and len(statuses) == 29


@pytest.mark.parametrize("allowed_failures", [0, 1])
def test_a_file_that_crashes_its_workers_in_a_batch_is_the_only_error(tmp_path, batches_of_eight, allowed_failures):
    """A batch whose workers die with it (a file in it kills its worker with SIGSEGV after two
    seconds' work) is given up by Dask after `allowed_failures` + 1 deaths, so is the task queued
    beside it on the worker; their files are then checked one at a time with nothing else of the run on
    the cluster: only the file that kills workers alone is recorded `error`, with a reason naming the
    crashes, and every other file gets its real verdict. One worker with one thread: the scheduler
    queues a second task on it while the first runs, and that task dies with the worker each time the
    crashing file is running (sent again one per task beside each other, as they were, the file queued
    behind the crashing one was recorded `error` too: always with no retries, now and then with one)."""
    import dask

    from isv_checker.batch.dask_runner import DaskRunner

    from .batch_tasks import misbehaving_task

    folder = _folder(tmp_path, 30, texts=TEXTS[:1])
    # Largest first: doc-00 and doc-01 go one per task (nothing is timed yet), doc-02 to doc-09 together.
    crash = folder / "LATE-CRASH-04.txt"
    (folder / "doc-04.txt").rename(crash)
    local = run_batch([folder], tmp_path / "local.sqlite", BatchOptions(workers=2))
    failures = dask.config.set({"distributed.scheduler.allowed-failures": allowed_failures})
    with failures, _cluster(1) as cluster, distributed.Client(cluster) as client:
        runner = DaskRunner(client, task_function=misbehaving_task)
        summary = run_batch([folder], tmp_path / "dask.sqlite", BatchOptions(), runner=runner)
    assert summary.accounted == local.accounted == 30
    rows = {r["source"]: r for r in _rows(tmp_path / "dask.sqlite")}
    crashed = rows.pop(str(crash))
    expected = {r["source"]: (r["status"], r["verdict"]) for r in _rows(tmp_path / "local.sqlite")}
    del expected[str(crash)]
    assert {source: (r["status"], r["verdict"]) for source, r in rows.items()} == expected
    assert crashed["status"] == "error"
    assert f"died {allowed_failures + 1} times" in crashed["status_message"]
