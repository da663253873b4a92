"""Task functions for the batch tests: the real task, except for files whose names ask for trouble.

They are handed to the runner as `task_function` (workers import them from here), so no test hook
lives in the library: HANG sleeps past any timeout, CRASH kills its worker with SIGSEGV (LATE-CRASH
after two seconds' work, as a file that crashes its reader half-way does), HOG asks for
more memory than the worker's cap allows, SPAWN starts a long subprocess (as OCR starts Tesseract),
writes its pid next to the file and hangs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from isv_checker.batch.task import Task, TaskResult, run_task


def misbehaving_task(task: Task) -> TaskResult:
    name = task.source.rsplit("/", 1)[-1]
    if "SPAWN" in name:
        child = subprocess.Popen(["sleep", "600"])
        Path(task.source + ".pid").write_text(str(child.pid))
        time.sleep(600)
    if "HANG" in name:
        time.sleep(600)
    if "LATE-CRASH" in name:
        time.sleep(2)
    if "CRASH" in name:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "HOG" in name:
        hog = bytearray(8 * 1024 * 1024 * 1024)
        del hog
    return run_task(task)


def heap_state_task(task: Task) -> TaskResult:
    """The worker's collector settings and how many objects it has frozen, in place of a report."""
    import gc

    frozen = gc.get_freeze_count()
    return TaskResult(task.key, "{}", {"threshold": gc.get_threshold(), "frozen": frozen}, 0, 0.0, 0.0, 0.0)


def start_time_task(task: Task) -> TaskResult:
    """When (wall clock) the worker started on the file, in place of a report."""
    return TaskResult(task.key, "{}", {"started": time.time()}, 0, 0.0, 0.0, 0.0)


def sleep_task(task: Task) -> TaskResult:
    """Sleeps the seconds its file's bytes say, and tells which worker ran it, in place of a report."""
    time.sleep(float(task.data))
    return TaskResult(task.key, "{}", {"pid": os.getpid()}, 0, 0.0, 0.0, 0.0)


def gil_holding_task(task: Task) -> TaskResult:
    """A file named HOLD keeps the worker's GIL for 1.5 s (pure Python, no thread switch), so its
    thread receiving the next file cannot run; when the worker started, in place of a report."""
    import sys

    started = time.time()
    if task.source == "HOLD":
        interval = sys.getswitchinterval()
        sys.setswitchinterval(100.0)
        try:
            while time.time() - started < 1.5:
                pass
        finally:
            sys.setswitchinterval(interval)
    return TaskResult(task.key, "{}", {"started": started}, 0, 0.0, 0.0, 0.0)
