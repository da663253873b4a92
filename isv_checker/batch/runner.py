"""Runners: what carries batch tasks to workers and their outcomes back, behind one interface.

`run(tasks)` pulls tasks lazily from an iterable (so the caller can hash the next file while
workers check the previous ones) and yields an outcome for every task, in completion order: the
worker's `TaskResult`, or a `Failure` when the task did not finish (timeout, the worker died). The
caller, never a runner, writes results down.

Two runners: `LocalPoolRunner` (`pool.py`), worker processes on this machine with a wall-clock
timeout and a memory cap per file, and `DaskRunner` (`dask_runner.py`), the same task on a Dask
distributed cluster. Both take the task function, `task.run_task` unless a test hands another.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from ..document import ReadMessage, ReadStatus
from .task import Task, TaskResult, TaskSettings, run_task

TaskFunction = Callable[[Task], TaskResult]


@dataclass(frozen=True, slots=True)
class Failure:
    """A task that gave no result: `status` is timeout, too_large or error; `message` says why, with a
    code where the runner knows why (a time or memory limit), as English text where it does not (an
    exception's own words)."""

    key: int
    status: ReadStatus
    message: ReadMessage | str
    seconds: float


Outcome = TaskResult | Failure


class Runner(Protocol):
    description: str  # in English, as the results database records it

    def describe(self, lang: str) -> str:
        """What runs the files ('2 local worker processes') in the words of `lang`."""
        ...

    def start(self) -> None:
        """Get ready without waiting (start the fork server that warms up workers): the run calls it
        as soon as it knows files will need checking, before it walks and hashes the archive."""
        ...

    def run(self, tasks: Iterable[Task]) -> Iterator[Outcome]: ...

    def close(self) -> None: ...


class RunnerError(RuntimeError):
    """The runner itself cannot go on (workers cannot start, the cluster is unreachable)."""


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def make_runner(
    *,
    workers: int | None = None,
    timeout: float | None = 120.0,
    memory_mb: int | None = 2048,
    scheduler: str | None = None,
    settings: TaskSettings | None = None,
    task_function: TaskFunction = run_task,
) -> Runner:
    """A Dask runner when `scheduler` names a cluster (tcp://host:8786), else the local pool."""
    settings = settings or TaskSettings()
    if scheduler:
        from .dask_runner import DaskRunner

        return DaskRunner(scheduler, timeout=timeout, task_function=task_function)
    from .pool import LocalPoolRunner

    return LocalPoolRunner(
        workers=workers or default_workers(),
        timeout=timeout,
        memory_mb=memory_mb,
        settings=settings,
        task_function=task_function,
    )
