"""Checks an upload in a worker process of its own, with a time limit and a memory cap.

The web page is open to whatever file a buyer picks, and a file that made the checker hang or
swallow memory would otherwise do it inside the server, holding the lock every later upload waits
for. So each upload goes through the batch runner's local pool (`batch.pool`): one worker, forked
warm from the fork server, killed when it passes the time limit or dies when it passes the memory
cap. Either way the buyer gets the same page as for any file that could not be checked, with the
status `timeout` or `too_large`, and the next upload gets a fresh worker. The worker makes the whole
`Result` (report and downloads) with `outputs.check_upload`; only the result crosses back, and the
worker is stopped together with any Tesseract processes it started.

A failure inside the checker shows the buyer only that it failed; what failed goes to the log.
It costs about 0.13-0.15 s an upload (measured on two samples: 0.27-0.35 s against 0.14-0.19 s in
the server's own process), and the first upload after start-up about 1.5 s more, for the fork
server. A tender (several files, or a ZIP) goes the same way: its worker reads the files from the
upload's temporary folder, which the server removes once the worker is done or stopped. As for `isv-check batch`, a program that makes the app itself needs
`if __name__ == "__main__":`; where workers cannot start at all the check runs in the server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import cast

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
from .results import Result, Stored

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckLimits:
    """How long one upload may take (seconds) and how much memory its worker may use (MB); None: no
    limit. The time limit is there for a file that hangs the checker, not for a slow one: a scan of
    200 pages (`ocr_max_pages`) takes about two minutes of OCR on two cores."""

    timeout: float | None = 600.0
    memory_mb: int | None = 2048


# What the page says when the checker itself failed; the worker's exception text goes to the log.
CHECKER_FAILED = ReadMessage(code="checker_failed")
EMPTY_TENDER = ReadMessage(code="empty_tender")


def check_in_worker(task: Task, *, options: ReadOptions) -> Result:
    """The worker's side: the upload's `Result`, exactly as the page would make it in-process."""
    return check_upload(task.data, task.source, cached_ruleset(task.settings.rules_dir), options)


def check_tender_in_worker(task: Task, *, name: str, options: ReadOptions, limits: ArchiveLimits) -> Stored:
    """The worker's side for a tender at `task.source`: its `TenderResult`, or for a tender without a
    single file an unreadable result that says so."""
    ruleset = cached_ruleset(task.settings.rules_dir)
    try:
        return check_tender_upload(task.source, name, ruleset, options, limits)
    except EmptyTender:
        return failed_result(b"", name, ruleset, ReadStatus.EMPTY, EMPTY_TENDER)


def check_isolated(
    data: bytes, name: str, ruleset: Ruleset, rules_dir: str | None, options: ReadOptions, limits: CheckLimits
) -> Result:
    """Check an upload in a worker that loads `ruleset` from `rules_dir`; a timeout, the memory cap or
    a dead worker gives an unreadable result with that status and why."""
    outcome = _run_isolated(
        Task(key=0, source=name, data=data, settings=_settings(rules_dir, options)),
        partial(check_in_worker, options=options),
        limits,
        name,
        ruleset,
        lambda: check_upload(data, name, ruleset, options),
    )
    return cast(Result, outcome)


def check_tender_isolated(
    path: str,
    name: str,
    ruleset: Ruleset,
    rules_dir: str | None,
    options: ReadOptions,
    limits: CheckLimits,
    archive: ArchiveLimits,
) -> Stored:
    """Check the tender at `path` (a folder or a ZIP) as `check_isolated` checks a file: a timeout, the
    memory cap or a dead worker gives an unreadable result for the whole tender, with that status."""

    def in_server() -> Stored:
        try:
            return check_tender_upload(path, name, ruleset, options, archive)
        except EmptyTender:
            return failed_result(b"", name, ruleset, ReadStatus.EMPTY, EMPTY_TENDER)

    return _run_isolated(
        Task(key=0, source=path, data=b"", settings=_settings(rules_dir, options)),
        partial(check_tender_in_worker, name=name, options=options, limits=archive),
        limits,
        name,
        ruleset,
        in_server,
    )


def _settings(rules_dir: str | None, options: ReadOptions) -> TaskSettings:
    return TaskSettings(ocr=options.ocr, rules_dir=rules_dir, max_bytes=options.max_bytes)


def _run_isolated(
    task: Task,
    work: Callable[[Task], Stored],
    limits: CheckLimits,
    name: str,
    ruleset: Ruleset,
    in_server: Callable[[], Stored],
) -> Stored:
    runner = LocalPoolRunner(
        workers=1,
        timeout=limits.timeout,
        memory_mb=limits.memory_mb,
        settings=task.settings,
        # the pool is typed for batch tasks; here its worker returns the page's result instead
        task_function=cast(TaskFunction, work),
    )
    try:
        outcomes = list(runner.run([task]))
    except RunnerError as exc:
        # Workers cannot start where the main module cannot be imported again (a program read from
        # standard input): check here, without the limits, rather than refuse every upload.
        _log.warning("checking uploads in the server process, without a time limit: %s", exc)
        return in_server()
    (outcome,) = outcomes
    if not isinstance(outcome, Failure):
        return cast(Stored, outcome)
    message: ReadMessage | str = outcome.message
    if outcome.status is ReadStatus.ERROR:
        # an exception inside the checker, or a worker that died: its text is for the operator
        _log.error("checking %s failed in its worker: %s", name, message)
        message = CHECKER_FAILED
    return failed_result(task.data, name, ruleset, outcome.status, message)


def failed_result(data: bytes, name: str, ruleset: Ruleset, status: ReadStatus, message: ReadMessage | str) -> Result:
    document = failure_document(name, status, message, data=data)
    report = unjudged_report(document, RulesetRef(id=ruleset.info.id, version=ruleset.info.version))
    return Result(document, report, {}, {})
