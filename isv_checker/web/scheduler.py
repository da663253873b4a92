"""The checks of the web page: taken at once, run side by side in a bounded pool of workers, followed.

An upload is written to a folder of its own and handed over here (`submit`); the page answers at
once with the check's token, and the check waits its turn. A dispatcher thread starts checks as the
fairness policy says (`fairness.starts`), each in a thread of its own that runs the check function
(`isolation.run_check`: a worker process with the time limit and the memory cap) and, when it is
done, removes the upload's folder and hands the result on (`finish`, which keeps it in the result
store, where its lifetime starts). Nothing here waits on a check while a page waits on it: every
method takes the lock for a moment only.

A check is followed by its token: `status` gives its place in the queue or its progress (read from
the file its worker writes, `progress`), and estimates of when it starts and ends (`estimates`).
`cancel` drops a waiting check or stops a running one (its worker's process group is killed, OCR
included); `drain` stops taking uploads, lets running checks finish for a grace period and cancels
the rest, for a clean shutdown.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import shutil
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from .estimates import Rates, start_in
from .fairness import Lane, Refused, Running, Waiting, lane_of_upload, order, refusal, starts
from .progress import PROGRESS_FILE, Progress, read_progress
from .results import TOKEN_BYTES, Stored

_log = logging.getLogger(__name__)

TICK = 0.25  # seconds between the dispatcher's looks at running checks (turned long, to be stopped)
KILL_WAIT = 10.0  # seconds `close` waits for the threads of cancelled checks


class UploadKind(StrEnum):
    FILE = "file"
    TENDER = "tender"  # several files, or a ZIP


@dataclass(frozen=True)
class Upload:
    """An upload waiting for its check: all of it lives in `folder`, which goes when the check is done."""

    kind: UploadKind
    name: str
    path: str  # the file, the folder of a tender's files, or the tender's ZIP
    folder: str
    size: int
    files: int | None = None  # how many files a tender has, when the server knows (not for a ZIP)


@dataclass(frozen=True)
class Requeue:
    """A worker's answer instead of a result: the check turned long in the extra worker (`fairness`)."""

    ocr_pages: int


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"  # the server could not run it at all (not: the file could not be checked)


@dataclass(frozen=True)
class JobStatus:
    """What a page shows of a check."""

    state: JobState
    name: str
    kind: UploadKind
    files: int | None
    long: bool = False  # in the long lane (`fairness`)
    position: int | None = None  # 1 = next to start
    waiting: int = 0  # checks waiting in all
    start_in: float | None = None  # seconds, estimated
    elapsed: float = 0.0  # seconds since it started (waited, while it waits)
    remaining: float | None = None  # seconds, estimated
    progress: Progress | None = None


CheckFunction = Callable[["Job"], "Stored | Requeue"]
FinishFunction = Callable[[str, Stored], bool]  # (token, result) -> kept in the store


@dataclass(eq=False)
class Job:
    token: str
    id: str  # a short name for the log, which never shows the token
    client: str
    upload: Upload
    lane: Lane
    arrived: float
    state: JobState = JobState.QUEUED
    extra: bool = False
    started: float | None = None
    finished: float | None = None
    cancel: bool = False
    requeued: int = 0
    progress: Progress | None = None
    unkept: Stored | None = None  # a result larger than the whole store: shown once, never kept
    thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def long(self) -> bool:
        return self.lane is Lane.LONG or (self.progress is not None and self.progress.long)


class CheckScheduler:
    """See the module's docstring. `check` runs one check (in a thread of its own); `finish` keeps its
    result; finished checks are remembered for `keep` seconds (for their pages), their results not."""

    def __init__(
        self,
        check: CheckFunction,
        finish: FinishFunction,
        *,
        workers: int,
        queue_limit: int,
        client_limit: int,
        keep: float,
        rates: Rates | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_done: Callable[[Job, Any], None] | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        self.queue_limit = queue_limit
        self.client_limit = client_limit
        self.keep = keep
        self.rates = rates or Rates()
        self._check = check
        self._finish = finish
        self._on_done = on_done
        self._clock = clock
        self._cond = threading.Condition()
        self._queued: list[Job] = []
        self._running: list[Job] = []
        self._finished: dict[str, Job] = {}
        self._jobs: dict[str, Job] = {}
        self._dispatcher: threading.Thread | None = None
        self._stopping = False
        self._closed = False
        self._killed: set[int] = set()  # process groups of stopped workers

    # --- taking uploads ------------------------------------------------------------------------------

    def refusal(self, client: str) -> Refused | None:
        with self._cond:
            return self._refusal(client)

    def _refusal(self, client: str) -> Refused | None:
        mine = sum(1 for j in (*self._queued, *self._running) if j.client == client)
        return refusal(
            waiting=len(self._queued),
            of_client=mine,
            queue_limit=self.queue_limit,
            client_limit=self.client_limit,
            stopping=self._stopping,
        )

    def submit(self, upload: Upload, client: str) -> str | Refused:
        """Queue a check of `upload` and return its token, or why it cannot be taken (the caller then
        removes the upload's folder)."""
        with self._cond:
            refused = self._refusal(client)
            if refused is not None:
                return refused
            token = secrets.token_urlsafe(TOKEN_BYTES)
            job = Job(token, job_id(token), client, upload, lane_of_upload(upload.size), self._clock())
            self._jobs[token] = job
            self._queued.append(job)
            if self._dispatcher is None:
                self._dispatcher = threading.Thread(target=self._dispatch_loop, name="isv-check-dispatch", daemon=True)
                self._dispatcher.start()
            self._cond.notify_all()
        return token

    def retry_after(self, refused: Refused, client: str) -> int:
        """Seconds after which an upload refused for `refused` may well be taken: when half the queue
        has started (the queue is full), or the client's first check is done (it has too many)."""
        with self._cond:
            now, wall = self._clock(), time.time()
            busy = [self._remaining(j, now, wall) for j in self._running]
            queue = order(self._waiting(), self._running_records(), now)
            jobs = {j.token: j for j in self._queued}
            ahead = [self._expected(jobs[w.key]) for w in queue]
            if refused is Refused.CLIENT:
                mine = [j for j in self._running if j.client == client]
                if mine:
                    seconds = min(self._remaining(j, now, wall) for j in mine)
                else:
                    first = next((i for i, w in enumerate(queue) if w.client == client), len(queue))
                    seconds = start_in(busy, ahead[:first], self.workers) + (ahead[first] if first < len(ahead) else 0)
            elif refused is Refused.STOPPING:
                seconds = 60.0
            else:
                seconds = start_in(busy, ahead[: max(1, len(ahead) // 2)], self.workers)
        return int(min(3600, max(30, seconds)))

    # --- following checks -------------------------------------------------------------------------

    def status(self, token: str) -> JobStatus | None:
        with self._cond:
            self._prune()
            job = self._jobs.get(token) or self._finished.get(token)
            if job is None:
                return None
            now, wall = self._clock(), time.time()
            base: dict[str, Any] = {
                "state": job.state,
                "name": job.upload.name,
                "kind": job.upload.kind,
                "files": job.upload.files,
                "long": job.long,
            }
            if job.state is JobState.QUEUED:
                queue = order(self._waiting(), self._running_records(), now)
                position = next(i for i, w in enumerate(queue) if w.key == token)
                jobs = {j.token: j for j in self._queued}
                ahead = [self._expected(jobs[w.key]) for w in queue[:position]]
                busy = [self._remaining(j, now, wall) for j in self._running]
                return JobStatus(
                    **base,
                    position=position + 1,
                    waiting=len(queue),
                    start_in=start_in(busy, ahead, self.workers),
                    elapsed=now - job.arrived,
                    remaining=self._expected(job),
                    progress=job.progress,
                )
            if job.state is JobState.RUNNING:
                self._look(job)
                started = job.started if job.started is not None else now
                return JobStatus(
                    **base,
                    elapsed=now - started,
                    remaining=self._remaining(job, now, wall),
                    progress=job.progress,
                )
            elapsed = (job.finished or now) - (job.started or job.arrived)
            return JobStatus(**base, elapsed=elapsed, progress=job.progress)

    def take_unkept(self, token: str) -> Stored | None:
        """A finished check's result that the store could not keep, once."""
        with self._cond:
            job = self._finished.get(token)
            if job is None or job.unkept is None:
                return None
            result, job.unkept = job.unkept, None
            return result

    def cancel(self, token: str) -> bool:
        """Drop a waiting check or stop a running one; False when there is no such check (any more)."""
        with self._cond:
            job = self._jobs.get(token)
            if job is None:
                return False
            job.cancel = True
            if job.state is JobState.QUEUED:
                self._queued.remove(job)
                self._end(job, JobState.CANCELLED)
                remove_folder(job.upload.folder)
            elif job.state is JobState.RUNNING:
                self._stop(job)
            self._cond.notify_all()
            return True

    def health(self) -> dict[str, Any]:
        with self._cond:
            alive = sum(1 for j in self._running if j.progress is not None and _alive(j.progress.pid))
            return {
                "status": "stopping" if self._stopping else "ready",
                "queued": len(self._queued),
                "running": len(self._running),
                "workers": self.workers,
                "workers_alive": alive,
                "queue_limit": self.queue_limit,
            }

    def counts(self) -> tuple[int, int]:
        """(waiting, running)."""
        with self._cond:
            return len(self._queued), len(self._running)

    # --- stopping -------------------------------------------------------------------------------

    def drain(self, grace: float) -> None:
        """Take no more uploads, cancel the waiting checks, give the running ones `grace` seconds to
        finish, then stop those still running and wait for their workers to end."""
        deadline = self._clock() + grace
        with self._cond:
            self._stopping = True
            self._cancel_waiting()
            while self._running and self._clock() < deadline:
                self._cond.wait(timeout=min(TICK, max(0.0, deadline - self._clock())))
        self.close()

    def _cancel_waiting(self) -> None:
        """Drop every check still waiting for a worker, its upload with it; the lock is held."""
        for job in list(self._queued):
            job.cancel = True
            self._queued.remove(job)
            self._end(job, JobState.CANCELLED)
            remove_folder(job.upload.folder)

    def close(self) -> None:
        """Stop every check now: the waiting ones are dropped, the running ones' workers killed."""
        with self._cond:
            self._stopping = True
            self._closed = True
            self._cancel_waiting()
            for job in self._running:
                job.cancel = True
                self._stop(job)
            threads = [j.thread for j in self._running if j.thread is not None]
            self._cond.notify_all()
        deadline = self._clock() + KILL_WAIT
        for thread in threads:
            while thread.is_alive() and self._clock() < deadline:
                with self._cond:
                    for job in self._running:
                        self._stop(job)  # a worker that had not said its pid yet
                thread.join(TICK)
        for group in self._killed:  # until the OCR of stopped workers is gone too
            while _group_alive(group) and self._clock() < deadline:
                time.sleep(0.05)

    # --- inside ------------------------------------------------------------------------------------

    def _waiting(self) -> list[Waiting]:
        return [Waiting(j.token, j.client, j.lane, j.arrived) for j in self._queued]

    def _running_records(self) -> list[Running]:
        return [Running(j.token, j.client, Lane.LONG if j.long else Lane.QUICK, j.extra) for j in self._running]

    def _expected(self, job: Job) -> float:
        return self.rates.expected(Lane.LONG if job.long else job.lane, job.upload.size, job.progress)

    def _remaining(self, job: Job, now: float, wall: float) -> float:
        elapsed = now - (job.started if job.started is not None else now)
        return self.rates.remaining(job.lane, job.upload.size, elapsed, job.progress, wall)

    def _look(self, job: Job) -> None:
        progress = read_progress(job.upload.folder)
        if progress is not None:
            job.progress = progress

    def _stop(self, job: Job) -> None:
        """Kill a running check's worker and what it started (it leads its own process group)."""
        self._look(job)
        pid = job.progress.pid if job.progress is not None else None
        if pid is None or pid == os.getpid():
            return  # not started yet (`_run` sees `cancel`), or checked in this process
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            return
        self._killed.add(pid)

    def _dispatch_loop(self) -> None:
        with self._cond:
            while not self._closed:
                for job in self._running:
                    self._look(job)
                    if job.cancel:
                        self._stop(job)
                if not self._stopping:
                    jobs = {j.token: j for j in self._queued}
                    for start in starts(self._waiting(), self._running_records(), self.workers, self._clock()):
                        self._start(jobs[start.key], start.extra)
                self._prune()
                self._cond.wait(timeout=TICK if self._queued or self._running else None)

    def _start(self, job: Job, extra: bool) -> None:
        self._queued.remove(job)
        self._running.append(job)
        job.state, job.extra, job.started = JobState.RUNNING, extra, self._clock()
        job.thread = threading.Thread(target=self._run, args=(job,), name=f"isv-check-{job.id}", daemon=True)
        job.thread.start()

    def _run(self, job: Job) -> None:
        outcome: Any = None
        if not job.cancel:
            try:
                outcome = self._check(job)
            except Exception:  # noqa: BLE001 - a check the server could not run fails alone; the log says why
                _log.exception("check %s could not be run", job.id)
        with self._cond:
            self._look(job)
            if isinstance(outcome, Requeue) and not job.cancel and not self._stopping:
                self._running.remove(job)
                job.lane, job.extra, job.state, job.started = Lane.LONG, False, JobState.QUEUED, None
                job.requeued += 1
                (Path(job.upload.folder) / PROGRESS_FILE).unlink(missing_ok=True)  # its worker has ended
                self._queued.append(job)
                self._cond.notify_all()
                return
        remove_folder(job.upload.folder)
        kept = False
        if outcome is not None and not isinstance(outcome, Requeue) and not job.cancel:
            kept = self._finish(job.token, outcome)
        with self._cond:
            self._running.remove(job)
            if job.cancel or isinstance(outcome, Requeue):
                state = JobState.CANCELLED
            elif outcome is None:
                state = JobState.FAILED
            else:
                state = JobState.DONE
                if not kept:
                    job.unkept = outcome
                self.rates.learn(self._clock() - (job.started or self._clock()), job.progress, time.time())
            self._end(job, state)
            self._cond.notify_all()
        if self._on_done is not None:
            self._on_done(job, outcome if job.state is JobState.DONE else None)

    def _end(self, job: Job, state: JobState) -> None:
        job.state, job.finished = state, self._clock()
        self._jobs.pop(job.token, None)
        self._finished[job.token] = job

    def _prune(self) -> None:
        cutoff = self._clock() - self.keep
        for token in [t for t, j in self._finished.items() if (j.finished or 0) < cutoff]:
            del self._finished[token]


def job_id(token: str) -> str:
    """A check's name in the log: short, the same for every line about it, and no key to its result."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:10]


def remove_folder(folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
