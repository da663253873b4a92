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
all at once. A batch that runs past the timeout, or fails as a whole for a reason other than its
workers dying, is sent again one file per task. A single file past the timeout is recorded `timeout`
and its future cancelled; Dask cannot interrupt a task already running in a worker thread, so that
thread stays busy until the file is done, while the scheduler counts it free: a file it then queues
behind that thread can time out too (with batches, a hanging file holds a thread twice, once in its
batch and once alone; workers with more threads than files hang at once avoid it).

A file that crashes its worker (a segfault, os._exit, a kill past a memory limit) is recorded `error`
only when it kills workers with nothing else of the run on the cluster. Dask blames a worker's death
on every task the worker held, running or queued beside the one that killed it, and gives up on a
task (`KilledWorker`) that was there at `allowed-failures` + 1 deaths. So a task Dask gives up on,
batch or single file, is not believed: its files are checked again one at a time, each alone (sent
once nothing else of the run is in flight, and nothing is sent beside it). A file that kills its
workers alone is the one: Dask gives up on it after as many deaths, and its row says `error`, naming
the crashes; every other file gets its real result. (Sent again one per task beside the rest, as they
were before, the file queued behind the crashing one died with it each time and was recorded `error`
too.) Pinning tasks to workers or keeping them off one (`workers=`, `allow_other_workers=`) would not
do: the worker a task died on is gone (its nanny starts a new one under a new address), and Dask
sends a task it retries to any worker, beside whatever is queued there.

What a crash costs: up to twice `allowed-failures` + 1 worker restarts (in its batch, then alone),
the wait for what is in flight to finish, and the cluster's other threads while the dead task's files
are checked alone (a batch holds some `BATCH_SECONDS` of work). It is bounded: a file goes out at most
once in a batch, once on its own (after its batch timed out or failed) and once alone, where it is
recorded whatever befalls it. What the runner cannot see can still be blamed on a file checked alone:
a worker killed from outside, or crashed by a timed-out file still running in one of its threads. Give
the workers a memory limit and Dask's nanny restarts a worker that grows past it: the file that grew
is recorded `error` the same way. Install with `pip install "isv-checker[dask]"`.

Workers are warmed as the local pool's are (`dask_warm.WarmWorker`, registered once the first file
that needs checking turns up, so a re-run of an unchanged archive warms nothing), and the number of
worker threads is asked of the scheduler at most every `SLOTS_EVERY` seconds, not before every task
(that round trip cost 0.39 s of the client's time over 300 files).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

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


def _crashed(deaths: int) -> str:
    return (
        f"the Dask workers checking it died {deaths} times, with no other file of the run on the cluster"
        " (Dask's KilledWorker; the workers' logs say why)"
    )


@dataclass(frozen=True, slots=True)
class _Sent:
    """A task in flight: its files, when it went out, and whether it went alone (nothing else of the
    run in flight beside it), so that its workers' deaths are its own."""

    files: list[Task]
    started: float
    alone: bool = False


_Again = Literal["singly", "alone"]  # how the files of a task that gave no outcomes go out again


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
        again: list[Task] = []  # files of an overdue or failed batch, to be sent one per task
        alone: list[Task] = []  # files of a task Dask gave up on, to be sent one at a time, alone
        in_flight: dict[Any, _Sent] = {}
        exhausted = False
        while True:
            if alone and not in_flight:
                files = [alone.pop(0)]
                in_flight[self._submit(files)] = _Sent(files, time.monotonic(), alone=True)
            while not alone and len(in_flight) < self._slots():
                if again:
                    batch = [again.pop(0)]
                else:
                    batch = self._next_batch(source, held) if not exhausted else []
                    if not batch:
                        exhausted = True
                        break
                in_flight[self._submit(batch)] = _Sent(batch, time.monotonic())
            if not in_flight:
                return
            wait_for = 1.0
            if self.timeout is not None:
                first_deadline = min(sent.started for sent in in_flight.values()) + self.timeout
                wait_for = max(0.05, min(wait_for, first_deadline - time.monotonic()))
            try:
                done, _ = distributed.wait(list(in_flight), timeout=wait_for, return_when="FIRST_COMPLETED")
            except TimeoutError:  # nothing finished within wait_for
                done = set()
            for future in done:
                sent = in_flight.pop(future)
                try:
                    outcomes = self._outcomes(future, sent)
                except TimeoutError:  # its result was lost with its worker: computed again, or overdue
                    in_flight[future] = sent
                    continue
                if outcomes == "singly":
                    again.extend(sent.files)
                elif outcomes == "alone":
                    alone.extend(sent.files)
                else:
                    yield from outcomes
            if self.timeout is not None:
                now = time.monotonic()
                for future, sent in list(in_flight.items()):
                    if now - sent.started > self.timeout:
                        del in_flight[future]
                        future.cancel()
                        if len(sent.files) > 1:
                            again.extend(sent.files)
                            continue
                        yield Failure(
                            sent.files[0].key,
                            ReadStatus.TIMEOUT,
                            ReadMessage(code="dask_timeout", params={"seconds": float(self.timeout)}),
                            now - sent.started,
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

    def _submit(self, files: list[Task]) -> Any:
        for task in files:
            self._warm(task.settings)
        return self.client.submit(
            run_files,
            self.task_function,
            files,
            pure=False,
            key=f"isv-check-{files[0].key}-{len(files)}-{time.time_ns()}",
        )

    def _outcomes(self, future: Any, sent: _Sent) -> list[Outcome] | _Again:
        """The task's outcomes, or how its files go out again: "alone" when Dask gave up on it because
        its workers died (unless it went alone: then its one file is the one that kills them), "singly"
        when a batch failed as a whole otherwise. Raises TimeoutError when the result does not come
        within `RESULT_WAIT`: a worker that died after finishing the batch took the result with it,
        and waiting for the recomputation here (which, with workers crashing one after another, was
        seen never to end) would stall every other batch and the timeout."""
        try:
            outcomes: list[Outcome] = future.result(timeout=RESULT_WAIT)
        except TimeoutError:
            raise
        except self._distributed.KilledWorker as exc:
            if not sent.alone:
                return "alone"
            return [Failure(sent.files[0].key, ReadStatus.ERROR, _crashed(exc.allowed_failures + 1), self._since(sent))]
        except MemoryError:
            if len(sent.files) > 1:
                return "singly"
            return [
                Failure(sent.files[0].key, ReadStatus.TOO_LARGE, ReadMessage(code="dask_memory"), self._since(sent))
            ]
        except Exception as exc:  # noqa: BLE001 - the file's row records the failure; the run goes on
            if len(sent.files) > 1:
                return "singly"
            return [Failure(sent.files[0].key, ReadStatus.ERROR, _failed(exc), self._since(sent))]
        done, seconds = self._seconds
        for outcome in outcomes:
            if isinstance(outcome, TaskResult):
                done, seconds = done + 1, seconds + outcome.read_seconds + outcome.check_seconds
        self._seconds = (done, seconds)
        return outcomes

    @staticmethod
    def _since(sent: _Sent) -> float:
        return time.monotonic() - sent.started

    def close(self) -> None:
        if self._own_client:
            self.client.close()
