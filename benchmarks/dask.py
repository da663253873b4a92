"""`isv-check batch` on a real Dask cluster against the local pool, on this machine's loopback, in one run.

    python benchmarks/dask.py [--rounds 3] [--folder DIR] [--workdir benchmarks/_work]

Starts a cluster of separate processes on 127.0.0.1: `dask scheduler` and two `dask worker --nthreads 1
--no-nanny` (as an auditor's cluster would run them, only on one machine). Then, in `--rounds` paired
rounds (pool then Dask, each into a fresh database; the Dask workers are new processes in each round,
as the pool's are in each run), checks the folder (default: the 312 short PDFs
of `batch_process.py`, where what a task costs besides reading and judging shows most) with
`run_batch` on the local pool (`workers=2`) and on the cluster (`scheduler=`), and compares:

- verdict and status, file by file (must be identical);
- time inside tasks, the sum of the rows' read_seconds + check_seconds: Dask / pool, best of each
  (target <= 1.15: workers as warm as the pool's), and the spread of the pairs;
- CPU inside tasks (`dask_cpu.timed_task`): of the thread that checks the files, and of the worker
  process meanwhile, which adds what a Dask worker's event loop takes from the files; on a loaded
  machine these say more than the wall clock;
- the slowest task of each run (a cold worker's first task pays the imports and the warm-up);
- each run's wall time.

Then one more run on the cluster in which one worker is killed (SIGKILL) a third of the way in: every
file must still get its row, with the pool's verdict.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
# This file is named dask.py: with its folder on the path, `import distributed` would import it as `dask`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))

TARGET = 1.15
DASK = str(Path(sys.executable).with_name("dask"))


class Cluster:
    """A scheduler and two workers, each its own process, on loopback."""

    def __init__(self, workdir: Path) -> None:
        self.env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.logs = workdir
        self.file = workdir / "scheduler.json"
        self.file.unlink(missing_ok=True)
        self.scheduler = self._start(
            "scheduler",
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(self.file),
        )
        deadline = time.monotonic() + 60
        while not self.file.exists() or not self.file.read_text().strip():
            if time.monotonic() > deadline or self.scheduler.poll() is not None:
                raise SystemExit(f"the Dask scheduler did not start; see {self.logs / 'scheduler.log'}")
            time.sleep(0.1)
        self.address = json.loads(self.file.read_text())["address"]
        self.workers = [self.add_worker(f"w{i}") for i in (1, 2)]
        self.wait_for(2)

    def _start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - kept open for the process's life
        return subprocess.Popen([DASK, *args], stdout=log, stderr=subprocess.STDOUT, env=self.env)

    def add_worker(self, name: str) -> subprocess.Popen[bytes]:
        return self._start(
            name, "worker", self.address, "--name", name, "--nthreads", "1", "--no-nanny", "--no-dashboard"
        )

    def restart_workers(self) -> None:
        """New worker processes, cold, as a cluster started for an archive has: each run is paired with
        a pool run whose workers are new processes too."""
        for worker in self.workers:
            worker.terminate()
        for worker in self.workers:
            worker.wait(30)
        self.workers = [self.add_worker(f"w{i}") for i in (1, 2)]
        self.wait_for(2)

    def wait_for(self, n: int) -> None:
        import distributed

        with distributed.Client(self.address, timeout="30s") as client:
            client.wait_for_workers(n, timeout=60)

    def close(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                process.terminate()
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def _rows(db: Path) -> dict[str, tuple[str, str]]:
    conn = sqlite3.connect(db)
    rows = {s: (st, v) for s, st, v in conn.execute("SELECT source, status, verdict FROM documents")}
    conn.close()
    return rows


def _inside(db: Path) -> float:
    conn = sqlite3.connect(db)
    (seconds,) = conn.execute("SELECT SUM(read_seconds + check_seconds) FROM documents").fetchone()
    conn.close()
    return float(seconds or 0.0)


def _run(folder: Path, db: Path, progress: Any = None, **options: Any) -> tuple[Any, float]:
    from benchmarks.dask_cpu import timed_task
    from isv_checker.batch import BatchOptions, run_batch

    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    started = time.perf_counter()
    summary = run_batch([folder], db, BatchOptions(**options), progress=progress, task_function=timed_task)
    return summary, time.perf_counter() - started


class _KillOne:
    """A progress display that kills a worker once `after` files are done."""

    lang = "en"

    def __init__(self, worker: subprocess.Popen[bytes], after: int) -> None:
        self.worker, self.after, self.done, self.killed_at = worker, after, 0, -1

    def start(self, *, total: int, description: str) -> None: ...

    def advance(self, *, kind: str, status: str, verdict: str | None, pages: int) -> None:
        self.done += 1
        if self.done == self.after:
            os.kill(self.worker.pid, signal.SIGKILL)
            self.killed_at = self.done

    def close(self) -> None: ...


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="paired rounds (default 3)")
    parser.add_argument("--folder", type=Path, help="the folder to check (default: 312 short PDFs)")
    parser.add_argument("--workdir", type=Path, default=BENCH / "_work")
    args = parser.parse_args(argv)
    try:
        import distributed  # noqa: F401 - imported before the benchmarks' folder is on the path (see above)
    except ImportError:
        raise SystemExit('needs Dask distributed: pip install "isv-checker[dask]"') from None
    sys.path.append(str(BENCH))
    import batch_process

    from benchmarks.dask_cpu import VARIABLE, collect

    folder = args.folder or batch_process.short_folder(args.workdir)
    runs = args.workdir / "dask_runs"
    runs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as logs, tempfile.TemporaryDirectory() as cpu_dir:
        os.environ[VARIABLE] = cpu_dir  # before the cluster and the pool's fork server start
        cpu = Path(cpu_dir)
        cluster = Cluster(Path(logs))
        try:
            print(f"cluster: scheduler {cluster.address}, 2 worker processes (1 thread each); folder {folder}")
            pairs: list[tuple[float, float, float, float]] = []
            cpus: list[tuple[float, float, float, float]] = []  # thread and process CPU: pool, Dask
            same = True
            for round_ in range(args.rounds):
                pool, pool_s = _run(folder, runs / "pool.sqlite", workers=2)
                _, pool_thread, pool_process = collect(cpu)
                cluster.restart_workers()
                collect(cpu)
                dask, dask_s = _run(folder, runs / "dask.sqlite", scheduler=cluster.address)
                _, dask_thread, dask_process = collect(cpu)
                cpus.append((pool_thread, pool_process, dask_thread, dask_process))
                pool_in, dask_in = _inside(runs / "pool.sqlite"), _inside(runs / "dask.sqlite")
                pool_rows, dask_rows = _rows(runs / "pool.sqlite"), _rows(runs / "dask.sqlite")
                differ = sum(pool_rows.get(s) != r for s, r in dask_rows.items()) + len(pool_rows.keys() - dask_rows)
                same &= differ == 0 and pool.accounted == dask.accounted == pool.files_in
                pairs.append((pool_in, dask_in, pool_s, dask_s))
                print(
                    f"round {round_ + 1}: inside tasks pool {pool_in:.2f} s, Dask {dask_in:.2f} s = "
                    f"{dask_in / pool_in:.2f}x (slowest task {pool.slowest[0][0]:.2f} s, {dask.slowest[0][0]:.2f} s); "
                    f"wall pool {pool_s:.2f} s, Dask {dask_s:.2f} s; {len(dask_rows)} files, {differ} differ",
                    f"\n  CPU inside tasks, thread / process: pool {pool_thread:.2f} / {pool_process:.2f} s, "
                    f"Dask {dask_thread:.2f} / {dask_process:.2f} s = {dask_thread / pool_thread:.2f}x / "
                    f"{dask_process / pool_process:.2f}x",
                    flush=True,
                )
            ratios = sorted(d / p for p, d, _, _ in pairs)
            best_of_each = min(d for _, d, _, _ in pairs) / min(p for p, _, _, _ in pairs)
            print(
                f"\ntime inside tasks, Dask / pool: best of each {best_of_each:.2f}x; pairs from {ratios[0]:.2f}x to "
                f"{ratios[-1]:.2f}x, median {ratios[len(ratios) // 2]:.2f}x; wall, best of each: "
                f"pool {min(p[2] for p in pairs):.2f} s, Dask {min(p[3] for p in pairs):.2f} s"
            )
            print(
                "CPU inside tasks, Dask / pool, best of each: the checking thread "
                f"{min(c[2] for c in cpus) / min(c[0] for c in cpus):.2f}x, the worker process "
                f"{min(c[3] for c in cpus) / min(c[1] for c in cpus):.2f}x"
            )

            kill = _KillOne(cluster.workers[1], after=max(1, len(pool_rows) // 3))
            killed, killed_s = _run(folder, runs / "killed.sqlite", progress=kill, scheduler=cluster.address)
            killed_rows = _rows(runs / "killed.sqlite")
            lost = len(pool_rows.keys() - killed_rows.keys())
            wrong = sum(pool_rows[s] != r for s, r in killed_rows.items() if s in pool_rows)
            kept = lost == 0 and wrong == 0 and killed.accounted == killed.files_in
            print(
                f"a worker killed after {kill.killed_at} of {killed.files_in} files: {killed.accounted} accounted for, "
                f"{lost} lost, {wrong} with another verdict or status than the pool's; {killed_s:.1f} s"
            )
        finally:
            cluster.close()
    print()
    ok_speed = best_of_each <= TARGET
    print(
        f"target time inside tasks <= {TARGET}x the local pool's: {best_of_each:.2f}x -> {'met' if ok_speed else 'NOT met'}"
    )
    print(f"target same verdicts as the local pool: {'met' if same else 'NOT met'}")
    print(f"target nothing lost when a worker is killed: {'met' if kept else 'NOT met'}")
    return 0 if ok_speed and same and kept else 1


if __name__ == "__main__":
    sys.exit(main())
