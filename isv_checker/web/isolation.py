"""Checks an upload in a worker process of its own, with a time limit and a memory cap.

The web page is open to whatever file a buyer picks, and a file that made the checker hang or
swallow memory would otherwise do it inside the server. So each check goes through the batch
runner's local pool (`batch.pool`): one worker, forked warm from the fork server, killed when it
passes the time limit or dies when it passes the memory cap, and killed with the server if the
server dies (`parent_death`). Either way the buyer gets the same page as for any file that could not
be checked, with the status `timeout` or `too_large`. The worker reads the upload from its folder,
makes the whole result (report and downloads) with `outputs`, and writes its progress beside the
upload (`progress`); only the result crosses back, and the worker is stopped together with any
Tesseract processes it started. The scheduler runs several of these at once, one thread each.

A failure inside the checker shows the buyer only that it failed; what failed goes to the log,
under the check's short id (and the file's name only where the operator asked for names). Forking
a worker costs about 0.13-0.15 s a check, and the first after start-up about 1.5 s more for the fork
server, which `warm_up` pays before the first buyer does. As for `isv-check batch`, a program that
makes the app itself needs `if __name__ == "__main__":`; where workers cannot start at all the check
runs in the server, without the limits and without progress.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast

from ..batch.pool import LocalPoolRunner
from ..batch.runner import Failure, RunnerError, TaskFunction
from ..batch.sources import ArchiveLimits
from ..batch.task import Task, TaskSettings, failure_document, unjudged_report
from ..document import ReadMessage, ReadStatus
from ..report import RulesetRef
from ..ruleset.load import Ruleset, cached_ruleset
from ..settings import ReadOptions
from ..tender.dossier import EmptyTender
from .outputs import check_tender_upload, check_upload
from .progress import ProgressReport, TurnedLong
from .results import Result, Stored
from .scheduler import Requeue, Upload, UploadKind

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckLimits:
    """How long one check may take (seconds) and how much memory its worker may use (MB); None: no
    limit. The time limit is there for a file that hangs the checker, not for a slow one: a scan of
    200 pages (`ocr_max_pages`) takes about two minutes of OCR on two cores."""

    timeout: float | None = 600.0
    memory_mb: int | None = 2048


@dataclass(frozen=True)
class CheckSetup:
    """What every check of one app is made with."""

    ruleset: Ruleset
    rules_dir: str | None  # where the workers load `ruleset` from (None: the bundled rules)
    options: ReadOptions
    limits: CheckLimits
    archive: ArchiveLimits


# What the page says when the checker itself failed; the worker's exception text goes to the log.
CHECKER_FAILED = ReadMessage(code="checker_failed")
EMPTY_TENDER = ReadMessage(code="empty_tender")


def check_file_in_worker(
    task: Task, *, name: str, folder: str, options: ReadOptions, long: bool, may_turn_long: bool
) -> Result | Requeue:
    """The worker's side for one file at `task.source`: its `Result`, as the page would make it in-process."""
    progress = ProgressReport(folder, long=long, may_turn_long=may_turn_long)
    data = Path(task.source).read_bytes()
    try:
        with progress.watching():
            return check_upload(data, name, cached_ruleset(task.settings.rules_dir), options, progress=progress)
    except TurnedLong as turned:
        return Requeue(turned.ocr_pages)


def check_tender_in_worker(
    task: Task,
    *,
    name: str,
    folder: str,
    options: ReadOptions,
    limits: ArchiveLimits,
    long: bool,
    may_turn_long: bool,
) -> Stored | Requeue:
    """The worker's side for a tender at `task.source`: its `TenderResult`, or for a tender without a
    single file an unreadable result that says so."""
    progress = ProgressReport(folder, long=long, may_turn_long=may_turn_long)
    ruleset = cached_ruleset(task.settings.rules_dir)
    try:
        with progress.watching():
            return check_tender_upload(task.source, name, ruleset, options, limits, progress=progress)
    except EmptyTender:
        return failed_result(b"", name, ruleset, ReadStatus.EMPTY, EMPTY_TENDER)
    except TurnedLong as turned:
        return Requeue(turned.ocr_pages)


def warm_worker(task: Task) -> None:
    """Nothing: the worker's start-up is what warms the fork server (`warm_up`)."""


def warm_up(setup: CheckSetup) -> bool:
    """Start the fork server and one worker, so the first buyer does not wait for them; False when
    workers cannot start here (checks then run in the server)."""
    runner = LocalPoolRunner(
        workers=1,
        timeout=60.0,
        memory_mb=setup.limits.memory_mb,
        settings=_settings(setup),
        task_function=cast(TaskFunction, warm_worker),
    )
    try:
        list(runner.run([Task(key=0, source="warm-up", data=b"", settings=_settings(setup))]))
    except RunnerError as exc:
        _log.warning("workers cannot start; uploads will be checked in the server process: %s", exc)
        return False
    return True


def run_check(
    upload: Upload,
    setup: CheckSetup,
    *,
    long: bool,
    may_turn_long: bool,
    label: str,
    cancelled: Callable[[], bool] = lambda: False,
) -> Stored | Requeue:
    """Check `upload` in a worker; a timeout, the memory cap or a dead worker gives an unreadable
    result with that status and why. `label` names the check in the log; a worker that died because
    the check was `cancelled` is no failure to log."""
    if upload.kind is UploadKind.FILE:
        work: Callable[[Task], Any] = partial(
            check_file_in_worker,
            name=upload.name,
            folder=upload.folder,
            options=setup.options,
            long=long,
            may_turn_long=may_turn_long,
        )

        def in_server() -> Stored:
            return check_upload(Path(upload.path).read_bytes(), upload.name, setup.ruleset, setup.options)

    else:
        work = partial(
            check_tender_in_worker,
            name=upload.name,
            folder=upload.folder,
            options=setup.options,
            limits=setup.archive,
            long=long,
            may_turn_long=may_turn_long,
        )

        def in_server() -> Stored:
            try:
                return check_tender_upload(upload.path, upload.name, setup.ruleset, setup.options, setup.archive)
            except EmptyTender:
                return failed_result(b"", upload.name, setup.ruleset, ReadStatus.EMPTY, EMPTY_TENDER)

    runner = LocalPoolRunner(
        workers=1,
        timeout=setup.limits.timeout,
        memory_mb=setup.limits.memory_mb,
        settings=_settings(setup),
        # the pool is typed for batch tasks; here its worker returns the page's result instead
        task_function=cast(TaskFunction, work),
    )
    task = Task(key=0, source=upload.path, data=b"", settings=_settings(setup))
    try:
        outcomes = list(runner.run([task]))
    except RunnerError as exc:
        # Workers cannot start where the main module cannot be imported again (a program read from
        # standard input): check here, without the limits, rather than refuse every upload.
        _log.warning("checking uploads in the server process, without a time limit: %s", exc)
        return in_server()
    (outcome,) = outcomes
    if not isinstance(outcome, Failure):
        return cast("Stored | Requeue", outcome)
    message: ReadMessage | str = outcome.message
    if outcome.status is ReadStatus.ERROR and not cancelled():
        # an exception inside the checker, or a worker that died: its text is for the operator
        _log.error("check %s failed in its worker: %s", label, message)
        message = CHECKER_FAILED
    data = Path(upload.path).read_bytes() if upload.kind is UploadKind.FILE and Path(upload.path).is_file() else b""
    return failed_result(data, upload.name, setup.ruleset, outcome.status, message)


def _settings(setup: CheckSetup) -> TaskSettings:
    return TaskSettings(ocr=setup.options.ocr, rules_dir=setup.rules_dir, max_bytes=setup.options.max_bytes)


def failed_result(data: bytes, name: str, ruleset: Ruleset, status: ReadStatus, message: ReadMessage | str) -> Result:
    document = failure_document(name, status, message, data=data)
    report = unjudged_report(document, RulesetRef(id=ruleset.info.id, version=ruleset.info.version))
    return Result(document, report, {}, {})
