"""The Dask runner: the same per-file task on a Dask distributed cluster, for archives that outgrow
one machine. Results come back here and land in the one database, written by this process only.

Tasks carry the file's bytes, so workers need no shared filesystem. At most two tasks per worker
thread are in flight, so an archive is never shipped to the cluster all at once. A task past the
timeout is recorded `timeout` and its future cancelled; Dask cannot interrupt a task already
running in a worker thread, so that thread stays busy until the file is done (give the workers a
memory limit and Dask's nanny restarts a worker that grows past it: its file is then recorded as
`error` with Dask's reason). Install with `pip install "isv-checker[dask]"`.

Workers are warmed as the local pool's are (`dask_warm.WarmWorker`, registered once the first file
that needs checking turns up, so a re-run of an unchanged archive warms nothing), and the number of
worker threads is asked of the scheduler at most every `SLOTS_EVERY` seconds, not before every task
(that round trip cost 0.39 s of the client's time over 300 files).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from ..document import ReadMessage, ReadStatus
from ..i18n.catalogue import catalogue
from .runner import Failure, Outcome, RunnerError, TaskFunction
from .task import Task, TaskSettings, run_task

SLOTS_EVERY = 2.0  # seconds between asking the scheduler how many worker threads there are


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
        self._slots_cache = (0, float("-inf"))  # (slots, when asked)
        self._warmed: set[TaskSettings] = set()
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
        """Two tasks per worker thread; the count is asked at most every `SLOTS_EVERY` seconds, so
        workers that join or die mid-run are noticed without a round trip per task."""
        slots, asked = self._slots_cache
        now = time.monotonic()
        if now - asked >= SLOTS_EVERY:
            slots = 2 * (sum(self.client.nthreads().values()) or 1)
            self._slots_cache = (slots, now)
        return slots

    def _warm(self, settings: TaskSettings) -> None:
        """Warm every worker, and each that joins later, for the run's ruleset (`dask_warm`)."""
        if settings in self._warmed:
            return
        from .dask_warm import WarmWorker

        self.client.register_plugin(WarmWorker(settings))
        self._warmed.add(settings)

    def start(self) -> None:
        """Nothing to start: the cluster runs already, and it is warmed for the run's ruleset when the
        first task goes out (`_warm`), since the settings travel with the tasks."""

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
                self._warm(task.settings)
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
