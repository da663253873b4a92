"""The local runner: worker processes this process owns, one file at a time each, so one hung or
runaway file can be killed without losing the others.

Each worker is a child process with its own pipe. It watches the batch and kills itself and what it
started when the batch ends (`parent_death.die_with`: a batch killed with SIGKILL leaves no worker and
no Tesseract behind), caps its address space (`RLIMIT_AS`, the
memory cap: a file that needs more fails with `MemoryError` and is recorded `too_large`), ignores
Ctrl-C (the parent decides when to stop), warms up (ruleset and matchers), takes what it loaded out
of the garbage collector's way (`settle_heap`) and then says it is ready. The parent keeps one file
per worker read and waiting, sends a task, starts the clock, and waits on every pipe and every
process at once: a worker that reports gets the waiting file, then its result is yielded. A worker
busy with a file is also sent the next one when that is small (`AHEAD_BYTES`): a receiving thread in
the worker takes it in at once, and the worker starts on it the moment it has sent its result, without
waiting for the parent to be scheduled and answer (over 312 three-page PDFs on a busy machine that
wait was several milliseconds a file). A file is sent ahead only while every other worker is busy
too and the archive has more to come, and never a large one: a file that waits behind another in a
worker while a worker is free (one still starting, or one at the end of a run) would keep that
worker idle for as long as the other file takes. A worker
past the wall-clock timeout is killed, its file yielded as `timeout` and the worker replaced; a
worker that died (a segfault, the kernel's OOM killer) has its file yielded as `error` with the
signal, or as `too_large` when it aborted under the memory cap, and is replaced too.

Workers are forked from a fork server that has already imported the reading and matching code and
built the default ruleset's matchers (`preload`), so a replacement is ready in a fraction of a second
rather than paying the imports and the warm-up again. As with any multiprocessing start method but
fork, a script that runs a batch needs `if __name__ == "__main__":`.
"""

from __future__ import annotations

import gc
import os
import queue as queues
import resource
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from ..document import ReadMessage, ReadStatus
from ..i18n.catalogue import catalogue
from ..parent_death import die_with
from . import fork_server
from .runner import Failure, Outcome, RunnerError, TaskFunction
from .task import Task, TaskSettings, run_task, warm_up

MB = 1024 * 1024
THREAD_LIMITS = {"OMP_THREAD_LIMIT": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
START_FAILURES = 3
AHEAD_BYTES = 1024 * 1024  # a file up to this size is sent to a worker before it has finished the one it is on
# gen-0 collections every 50,000 net container allocations instead of 700: a worker makes and drops
# a document's blocks, tokens and hits per file, and only a few of them ever form cycles.
GC_THRESHOLDS = (50_000, 20, 10)


def _worker_main(
    conn: Connection, task_function: TaskFunction, settings: TaskSettings, memory_mb: int | None, runner_pid: int
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        os.setpgid(0, 0)  # a group of its own: a stopped worker takes its OCR subprocesses with it (`_kill_group`)
    except OSError:
        pass
    die_with(runner_pid)  # a batch killed outright (SIGKILL) takes its workers and their Tesseracts along
    os.environ.update(THREAD_LIMITS)
    if memory_mb:
        limit = memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        warm_up(settings)
    except BaseException as exc:  # noqa: BLE001 - the worker reports whatever ended the task
        conn.send(("broken", f"{type(exc).__name__}: {exc}"))
        return
    settle_heap()
    inbox: queues.SimpleQueue[Any] = queues.SimpleQueue()
    threading.Thread(target=_receive, args=(conn, inbox), name="isv-check-inbox", daemon=True).start()
    conn.send(("ready", os.getpid()))
    while True:
        task = inbox.get()
        if task is None:
            return
        started = time.perf_counter()
        try:
            outcome: Any = task_function(task)
        except MemoryError:
            outcome = Failure(
                task.key,
                ReadStatus.TOO_LARGE,
                ReadMessage(code="worker_memory", params={"mb": memory_mb}),
                time.perf_counter() - started,
            )
        except BaseException as exc:  # noqa: BLE001 - the worker reports whatever ended the task
            outcome = Failure(task.key, ReadStatus.ERROR, f"{type(exc).__name__}: {exc}", time.perf_counter() - started)
        del task
        try:
            conn.send(("done", outcome))
        except (BrokenPipeError, OSError):
            return


def _receive(conn: Connection, inbox: queues.SimpleQueue[Any]) -> None:
    """Take tasks off the pipe as they come, also while the worker checks a file: the parent's send
    of a file sent ahead returns at once rather than wait for the worker to finish the one it is on."""
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            task = None
        inbox.put(task)
        if task is None:
            return


def settle_heap() -> None:
    """Keep the garbage collector off what a worker loads once and keeps for good.

    The imports, the ruleset and spaCy's matchers are some 100,000 objects that live as long as the
    worker. Left in the collected heap, every full collection walks all of them (measured with
    `gc.callbacks` over the benchmark's 182 PDFs: 9 full collections, 0.63 s of the run's 0.96 s of
    collecting, about 6% of the worker's time). `gc.freeze()` moves them out of its sight; it also
    keeps collections in a forked worker from writing to pages it shares with the fork server. The
    higher gen-0 threshold does the rest: no collection at all over those 182 files.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def room_for_ahead(conn: Connection) -> None:
    """Make the parent's end of a worker's pipe hold a whole file sent ahead, so that sending it
    returns at once instead of when the worker has taken most of it in.

    The pipe is a Unix socket pair; a stream socket's sender may have only its send buffer's worth
    in flight (about 200 KB by default). A worker takes a file sent ahead off the pipe in its
    receiving thread, which must get the GIL from the thread busy with the file before, every
    switch interval (5 ms) while that one runs Python. So a 500 KB PDF sent ahead held the parent
    in `send` for tens of milliseconds, and a worker that finished meanwhile waited for its next
    file: over 40 PDFs of 5-60 pages with two workers, 82 sends held the parent 0.84 s on a loaded
    machine. The kernel caps the size (`net.core.wmem_max`); where that is lower, sends wait as
    before. A connection that is not a socket is left as it is."""
    fd = os.dup(conn.fileno())
    try:
        sock = socket.socket(fileno=fd)
    except OSError:
        os.close(fd)
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 2 * AHEAD_BYTES)
    except OSError:
        pass
    finally:
        sock.close()


def _kill_group(process: Any) -> None:
    """Kill a worker and what it started: Tesseract runs as subprocesses whose page time limit the
    worker enforces, so killing the worker alone left them running, orphaned, with no limit at all
    (seen after a timed-out scan). The worker leads its own process group; a worker that could not
    make one is killed alone."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:  # no such group: the worker is gone, or never led one
        pass
    if process.is_alive():
        process.kill()


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection
    ready: bool = False
    tasks: deque[Task] = field(default_factory=deque)  # the file it is on first, then one sent ahead
    started: float = 0.0  # when it started on tasks[0]

    @property
    def task(self) -> Task | None:
        return self.tasks[0] if self.tasks else None

    def takes(self, task: Task, ahead: bool) -> bool:
        """Whether to send it `task` now: when it is idle, or (`ahead`) a small one ahead of the one it is on."""
        return self.ready and (not self.tasks or (ahead and len(self.tasks) == 1 and len(task.data) <= AHEAD_BYTES))


class LocalPoolRunner:
    """Worker processes on this machine; see the module's docstring."""

    def __init__(
        self,
        *,
        workers: int,
        timeout: float | None = 120.0,
        memory_mb: int | None = 2048,
        settings: TaskSettings | None = None,
        task_function: TaskFunction = run_task,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        self.timeout = timeout if timeout and timeout > 0 else None
        self.memory_mb = memory_mb if memory_mb and memory_mb > 0 else None
        self.settings = settings or TaskSettings()
        self.task_function = task_function
        self.description = self.describe("en")
        self._context = fork_server.context()
        self._pool: list[_Worker] = []
        self._start_failures = 0
        self._more_to_come = True  # the archive has files not yet queued: files may be sent ahead
        self.replaced = 0

    # ----------------------------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        room_for_ahead(parent)
        process = self._context.Process(
            target=_worker_main,
            args=(child, self.task_function, self.settings, self.memory_mb, os.getpid()),
            name="isv-check-worker",
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._pool.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Stop a worker for good (if it has not stopped itself) and forget it."""
        _kill_group(worker.process)
        worker.process.join(5)
        worker.conn.close()
        self._pool.remove(worker)

    def _replace(self, worker: _Worker) -> None:
        self._retire(worker)
        self.replaced += 1
        self._spawn()

    def _death_outcome(self, worker: _Worker) -> tuple[ReadStatus, ReadMessage | str]:
        """How a worker's death mid-file is recorded. Under a memory cap, an abort is the cap: pdfium
        is built without exceptions, so an allocation the cap refuses ends in std::terminate, i.e.
        SIGABRT (measured: a PDF inflating to 1 GB aborts under a 1,024 MB cap and reads `ok` with
        2.1 GB and no cap); Python's own allocations raise MemoryError instead. Any other death is
        `error`, with the signal."""
        if self.memory_mb and worker.process.exitcode == -signal.SIGABRT:
            return ReadStatus.TOO_LARGE, ReadMessage(code="worker_aborted", params={"mb": self.memory_mb})
        return ReadStatus.ERROR, self._death_message(worker)

    def _death_message(self, worker: _Worker, who: str = "the worker checking it") -> str:
        code = worker.process.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            why = f"{who} died on {name}"
            if self.memory_mb and -code in (signal.SIGKILL, signal.SIGSEGV, signal.SIGBUS):
                why += f" (it may have run out of memory; the cap is {self.memory_mb} MB)"
            return why
        return f"{who} exited unexpectedly (exit code {code})"

    def describe(self, lang: str) -> str:
        key = "batch.runner_local.one" if self.workers == 1 else "batch.runner_local"
        return catalogue(lang)[key].format(n=self.workers)

    def start(self) -> None:
        """Start the fork server now, without waiting for it: it imports the checker and builds the
        matchers (over a second) while this process walks and hashes the archive. Workers are forked
        from it when the first file is handed over."""
        fork_server.start()

    # ----------------------------------------------------------------------------------------------

    def run(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        source = iter(tasks)
        queue: deque[Task] = deque()
        exhausted = False
        self._more_to_come = True

        def pull() -> None:
            nonlocal exhausted
            try:
                queue.append(next(source))
            except StopIteration:
                exhausted = True
                self._more_to_come = False

        pull()
        if not queue:
            return
        try:
            while len(self._pool) < self.workers:
                self._spawn()
            while True:
                # One file per worker waits here, read and ready: `_collect` hands it over the moment
                # a worker reports, before the parent writes that result and reads the next file.
                # (Without it a worker sat idle through both: about 3% of a 1-worker run.) One more is
                # read, so that the run knows when the archive has no more files than are queued, and
                # sends none of those ahead (`_feed`). Workers are
                # fed until they take no more, so one that emptied while the parent was writing results
                # gets work now, not after the next wait (which, with nothing else to come, took its
                # full second).
                while True:
                    while not exhausted and len(queue) <= self.workers:
                        pull()
                    if not sum(self._feed(worker, queue) for worker in self._pool):
                        break
                busy = [w for w in self._pool if w.task is not None]
                if exhausted and not queue and not busy:
                    return
                wait_for = 1.0
                if self.timeout is not None and busy:
                    wait_for = max(0.0, min(wait_for, min(w.started + self.timeout for w in busy) - time.monotonic()))
                handles: list[Any] = [w.conn for w in self._pool] + [w.process.sentinel for w in self._pool]
                wait(handles, timeout=wait_for)
                yield from self._collect(queue)
                yield from self._expire(queue)
        finally:
            self.close()

    def _feed(self, worker: _Worker, queue: deque[Task]) -> int:
        """Send `worker` the queued files it takes (one when it is idle, and a small one ahead); how many."""
        sent = 0
        ahead = self._more_to_come and all(other.ready and other.tasks for other in self._pool if other is not worker)
        while queue and worker.takes(queue[0], ahead):
            task = queue.popleft()
            if not worker.tasks:
                worker.started = time.monotonic()
            worker.tasks.append(task)
            sent += 1
            try:
                worker.conn.send(task)
            except (BrokenPipeError, OSError):
                break  # the worker died; its sentinel says so when the run next looks
        return sent

    @staticmethod
    def _requeue(worker: _Worker, queue: deque[Task]) -> None:
        """Files sent ahead to a worker that is gone go back to the front of the queue, in order."""
        while len(worker.tasks) > 1:
            queue.appendleft(worker.tasks.pop())

    def _collect(self, queue: deque[Task]) -> Iterator[Outcome]:
        """Results, deaths and start-ups since the last look. A worker that hands in a result gets the
        next queued file at once, before the result is yielded (and written to the database), so
        the worker is not idle while the parent writes."""
        for worker in list(self._pool):
            dead = False
            while True:
                try:
                    if not worker.conn.poll():
                        break
                    kind, payload = worker.conn.recv()
                except (EOFError, OSError):
                    dead = True
                    break
                if kind == "ready":
                    worker.ready = True
                    self._start_failures = 0
                    self._feed(worker, queue)
                elif kind == "done":
                    task = worker.tasks.popleft() if worker.tasks else None
                    worker.started = time.monotonic()  # the worker is on the file sent ahead, if any
                    self._feed(worker, queue)
                    if task is not None:
                        yield payload
                elif kind == "broken":
                    self._retire(worker)
                    raise RunnerError(f"a worker could not start: {payload}")
            if dead or not worker.process.is_alive():
                worker.process.join(5)
                task = worker.task
                self._requeue(worker, queue)
                if task is not None:
                    status, message = self._death_outcome(worker)
                    yield Failure(task.key, status, message, time.monotonic() - worker.started)
                elif not worker.ready:
                    self._start_failures += 1
                    if self._start_failures >= START_FAILURES:
                        raise RunnerError(
                            f"workers die before they are ready: {self._death_message(worker, 'a new worker')}"
                        )
                self._replace(worker)  # also ends what the dead worker started

    def _expire(self, queue: deque[Task]) -> Iterator[Outcome]:
        if self.timeout is None:
            return
        now = time.monotonic()
        for worker in list(self._pool):
            task = worker.task
            if task is not None and now - worker.started > self.timeout:
                self._requeue(worker, queue)
                self._replace(worker)
                yield Failure(
                    task.key,
                    ReadStatus.TIMEOUT,
                    ReadMessage(code="worker_timeout", params={"seconds": float(self.timeout)}),
                    now - worker.started,
                )

    def close(self) -> None:
        for worker in list(self._pool):
            try:
                if worker.task is None and worker.process.is_alive():
                    worker.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        deadline = time.monotonic() + 5
        for worker in list(self._pool):
            worker.process.join(max(0.0, deadline - time.monotonic()) if worker.task is None else 0)
            self._retire(worker)
