"""The Dask runner: the same per-file task on a Dask distributed cluster, for archives that outgrow
one machine. Results come back here and land in the one database, written by this process only.

Tasks carry the files' bytes, so workers need no shared filesystem. Files travel in batches, each
one Dask task (`run_files`) that checks its files one after another and gives back an outcome for
each: a Dask task costs some 8 ms of CPU outside the files, in this client, the scheduler and the
worker's event loop (measured over 312 short PDFs: 3.7 s in all, against 1.1 s in batches of 8), a
task's worth of a 15 ms file, and on a machine whose cores the workers use that time is taken from
the files. A batch holds about `BATCH_SECONDS` of work, reckoned from the files done so far (no more
than `BATCH_FILES` files or `BATCH_BYTES`): a run starts with single files, short documents then go
in batches, and files that take seconds (scans to OCR, long documents) stay one to a task, so no
worker is left idle at the end of a run with a batch of slow files on the other.

At most two batches per worker thread are in flight, so an archive is never shipped to the cluster
all at once. A batch that fails as a whole (its worker died: Dask gives up on a task that took
`allowed-failures` workers with it) or runs past the timeout is sent again one file per task, so one
file that crashes or hangs a worker costs its batch-mates a second run, not their rows. (A file that
crashes its worker kills up to `allowed-failures` + 1 workers in its batch and as many again alone;
Dask retries the files queued on them, but one that was there at every death is recorded `error`:
seen in a test on a loaded machine, so the batch runner doubles the chance the task runner had.) A single
file past the timeout is recorded `timeout` and its future cancelled; Dask cannot interrupt a task
already running in a worker thread, so that thread stays busy until the file is done, while the
scheduler counts it free: a file it then queues behind that thread can time out too (with batches, a
hanging file holds a thread twice, once in its batch and once alone; workers with more threads than
files hang at once avoid it). Give the workers a memory limit and Dask's nanny restarts a worker that
grows past it: its file is then recorded as `error` with Dask's reason. Install with
`pip install "isv-checker[dask]"`.

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
from .task import Task, TaskResult, TaskSettings, run_task

SLOTS_EVERY = 2.0  # seconds between asking the scheduler how many worker threads there are
BATCH_SECONDS = 0.25  # the work a batch aims at, in seconds inside tasks
BATCH_FILES = 32
BATCH_BYTES = 16 * 1024 * 1024
RESULT_WAIT = 5.0  # seconds to wait for a finished batch's result before looking at the others again


def run_files(task_function: TaskFunction, tasks: list[Task]) -> list[Outcome]:
    """In a worker: the files of one batch, one after another, each with its own outcome (a file that
    raises does not take its batch-mates' results with it)."""
    return [_run_one(task_function, task) for task in tasks]


def _run_one(task_function: TaskFunction, task: Task) -> Outcome:
    started = time.perf_counter()
    try:
        return task_function(task)
    except MemoryError:
        return Failure(task.key, ReadStatus.TOO_LARGE, ReadMessage(code="dask_memory"), time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 - the file's row records the failure; the run goes on
        return Failure(task.key, ReadStatus.ERROR, _failed(exc), time.perf_counter() - started)


def _failed(exc: BaseException) -> str:
    return f"the Dask task failed: {type(exc).__name__}: {exc}"


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
        self._seconds = (0, 0.0)  # files done and their seconds inside tasks, for the batch size
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
        """Two batches per worker thread; the count is asked at most every `SLOTS_EVERY` seconds, so
        workers that join or die mid-run are noticed without a round trip per batch."""
        slots, asked = self._slots_cache
        now = time.monotonic()
        if now - asked >= SLOTS_EVERY:
            slots = 2 * (sum(self.client.nthreads().values()) or 1)
            self._slots_cache = (slots, now)
        return slots

    def _batch_files(self) -> int:
        """How many files the next batch holds: `BATCH_SECONDS` over the mean time of a file so far,
        one before any file is done."""
        done, seconds = self._seconds
        if not done:
            return 1
        if seconds <= 0:
            return BATCH_FILES
        return max(1, min(BATCH_FILES, int(BATCH_SECONDS * done / seconds)))

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
        held: list[Task] = []  # a file taken from `source` that did not fit in the last batch
        again: list[Task] = []  # files of a failed or overdue batch, to be sent one per task
        in_flight: dict[Any, tuple[list[Task], float]] = {}
        exhausted = False
        while True:
            while len(in_flight) < self._slots():
                if again:
                    batch = [again.pop(0)]
                else:
                    batch = self._next_batch(source, held) if not exhausted else []
                    if not batch:
                        exhausted = True
                        break
                for task in batch:
                    self._warm(task.settings)
                future = self.client.submit(
                    run_files,
                    self.task_function,
                    batch,
                    pure=False,
                    key=f"isv-check-{batch[0].key}-{len(batch)}-{time.time_ns()}",
                )
                in_flight[future] = (batch, time.monotonic())
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
                batch, started = in_flight.pop(future)
                try:
                    outcomes = self._outcomes(future, batch, started)
                except TimeoutError:  # its result was lost with its worker: computed again, or overdue
                    in_flight[future] = (batch, started)
                    continue
                if outcomes is None:
                    again.extend(batch)
                    continue
                yield from outcomes
            if self.timeout is not None:
                now = time.monotonic()
                for future, (batch, started) in list(in_flight.items()):
                    if now - started > self.timeout:
                        del in_flight[future]
                        future.cancel()
                        if len(batch) > 1:
                            again.extend(batch)
                            continue
                        yield Failure(
                            batch[0].key,
                            ReadStatus.TIMEOUT,
                            ReadMessage(code="dask_timeout", params={"seconds": float(self.timeout)}),
                            now - started,
                        )

    def _next_batch(self, source: Iterator[Task], held: list[Task]) -> list[Task]:
        """Up to `_batch_files()` files and `BATCH_BYTES` from `source` (at least one file, however
        large); a file that would overflow the bytes waits in `held` for the next batch."""
        size = self._batch_files()
        batch: list[Task] = []
        nbytes = 0
        while len(batch) < size:
            if held:
                task = held.pop()
            else:
                try:
                    task = next(source)
                except StopIteration:
                    break
            if batch and nbytes + len(task.data) > BATCH_BYTES:
                held.append(task)
                break
            batch.append(task)
            nbytes += len(task.data)
        return batch

    def _outcomes(self, future: Any, batch: list[Task], started: float) -> list[Outcome] | None:
        """The batch's outcomes, or None when the batch failed as a whole and has more than one file
        (it is sent again one file per task). Raises TimeoutError when the result does not come within
        `RESULT_WAIT`: a worker that died after finishing the batch took the result with it, and
        waiting for the recomputation here (which, with workers crashing one after another, was seen
        never to end) would stall every other batch and the timeout."""
        try:
            outcomes: list[Outcome] = future.result(timeout=RESULT_WAIT)
        except TimeoutError:
            raise
        except MemoryError:
            if len(batch) > 1:
                return None
            return [
                Failure(batch[0].key, ReadStatus.TOO_LARGE, ReadMessage(code="dask_memory"), time.monotonic() - started)
            ]
        except Exception as exc:  # noqa: BLE001 - the file's row records the failure; the run goes on
            if len(batch) > 1:
                return None
            return [Failure(batch[0].key, ReadStatus.ERROR, _failed(exc), time.monotonic() - started)]
        done, seconds = self._seconds
        for outcome in outcomes:
            if isinstance(outcome, TaskResult):
                done, seconds = done + 1, seconds + outcome.read_seconds + outcome.check_seconds
        self._seconds = (done, seconds)
        return outcomes

    def close(self) -> None:
        if self._own_client:
            self.client.close()
