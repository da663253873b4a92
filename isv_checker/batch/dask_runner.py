"""The Dask runner: the same per-file task on a Dask distributed cluster, for archives that outgrow
one machine. Results come back here and land in the one database, written by this process only.

Tasks carry the file's bytes, so workers need no shared filesystem. At most two tasks per worker
thread are in flight, so an archive is never shipped to the cluster all at once. A task past the
timeout is recorded `timeout` and its future cancelled; Dask cannot interrupt a task already
running in a worker thread, so that thread stays busy until the file is done (give the workers a
memory limit and Dask's nanny restarts a worker that grows past it: its file is then recorded as
`error` with Dask's reason). Install with `pip install "isv-checker[dask]"`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from ..document import ReadMessage, ReadStatus
from ..i18n.catalogue import catalogue
from .runner import Failure, Outcome, RunnerError, TaskFunction
from .task import Task, run_task


class DaskRunner:
    def __init__(
        self, scheduler: str | Any, *, timeout: float | None = 120.0, task_function: TaskFunction = run_task
    ) -> None:
        """`scheduler`: an address such as tcp://host:8786, or a `distributed.Client` to use."""
        try:
            import distributed
        except ImportError:
            raise RunnerError('--scheduler needs Dask distributed: pip install "isv-checker[dask]"') from None
        self._distributed = distributed
        self.timeout = timeout if timeout and timeout > 0 else None
        self.task_function = task_function
        self.client: Any  # distributed.Client, typed loosely: distributed is an optional extra
        if isinstance(scheduler, str):
            try:
                self.client = distributed.Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise RunnerError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
            self._own_client = True
        else:
            self.client = scheduler
            self._own_client = False
        self.description = self.describe("en")

    def describe(self, lang: str) -> str:
        return catalogue(lang)["batch.runner_dask"].format(address=self.client.scheduler.address)

    def _slots(self) -> int:
        threads = sum(self.client.nthreads().values()) or 1
        return 2 * threads

    def run(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        distributed = self._distributed
        source = iter(tasks)
        in_flight: dict[Any, tuple[Task, float]] = {}
        exhausted = False
        while True:
            while not exhausted and len(in_flight) < self._slots():
                try:
                    task = next(source)
                except StopIteration:
                    exhausted = True
                    break
                future = self.client.submit(
                    self.task_function, task, pure=False, key=f"isv-check-{task.key}-{time.time_ns()}"
                )
                in_flight[future] = (task, time.monotonic())
            if not in_flight:
                return
            wait_for = 1.0
            if self.timeout is not None:
                first_deadline = min(started for _, started in in_flight.values()) + self.timeout
                wait_for = max(0.05, min(wait_for, first_deadline - time.monotonic()))
            try:
                done, _ = distributed.wait(list(in_flight), timeout=wait_for, return_when="FIRST_COMPLETED")
            except TimeoutError:  # nothing finished within wait_for
                done = set()
            for future in done:
                task, started = in_flight.pop(future)
                yield self._outcome(future, task, started)
            if self.timeout is not None:
                now = time.monotonic()
                for future, (task, started) in list(in_flight.items()):
                    if now - started > self.timeout:
                        del in_flight[future]
                        future.cancel()
                        yield Failure(
                            task.key,
                            ReadStatus.TIMEOUT,
                            ReadMessage(code="dask_timeout", params={"seconds": float(self.timeout)}),
                            now - started,
                        )

    def _outcome(self, future: Any, task: Task, started: float) -> Outcome:
        try:
            result: Outcome = future.result()
            return result
        except MemoryError:
            return Failure(
                task.key,
                ReadStatus.TOO_LARGE,
                ReadMessage(code="dask_memory"),
                time.monotonic() - started,
            )
        except Exception as exc:  # noqa: BLE001 - the file's row records the failure; the run goes on
            return Failure(
                task.key,
                ReadStatus.ERROR,
                f"the Dask task failed: {type(exc).__name__}: {exc}",
                time.monotonic() - started,
            )

    def close(self) -> None:
        if self._own_client:
            self.client.close()
