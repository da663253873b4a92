"""The task `benchmarks/dask.py` runs in both the local pool and the Dask workers: the real task, also
timed in CPU seconds, which a loaded machine disturbs far less than the wall clock of the rows.

Each task appends one line to `<$ISV_BENCH_CPU>/<pid>.cpu`: the CPU seconds of the thread that checked
the file (the checker's own work, the same wherever it runs) and of its whole process meanwhile (that
work plus whatever else the worker did on the side: a Dask worker's event loop, a pool worker's inbox
thread). Imported as `benchmarks.dask_cpu` with the repository on the path (workers import it by that
name), since the benchmarks' folder itself cannot be on a Dask process's path (see `dask.py`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from isv_checker.batch.task import Task, TaskResult, run_task

VARIABLE = "ISV_BENCH_CPU"


def timed_task(task: Task) -> TaskResult:
    thread, process = time.thread_time(), time.process_time()
    result = run_task(task)
    thread, process = time.thread_time() - thread, time.process_time() - process
    with open(Path(os.environ[VARIABLE]) / f"{os.getpid()}.cpu", "a", encoding="ascii") as out:
        out.write(f"{thread} {process}\n")
    return result


def collect(folder: Path) -> tuple[int, float, float]:
    """Tasks, thread CPU and process CPU written to `folder` since the last call, which empties it."""
    tasks, thread, process = 0, 0.0, 0.0
    for file in folder.glob("*.cpu"):
        for line in file.read_text(encoding="ascii").splitlines():
            a, b = line.split()
            tasks, thread, process = tasks + 1, thread + float(a), process + float(b)
        file.unlink()
    return tasks, thread, process
