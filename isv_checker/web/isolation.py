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
server. As for `isv-check batch`, a program that makes the app itself needs
`if __name__ == "__main__":`; where workers cannot start at all the check runs in the server.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import cast

from ..batch.pool import LocalPoolRunner
from ..batch.runner import Failure, RunnerError, TaskFunction
from ..batch.task import Task, TaskSettings, failure_document, unjudged_report
from ..document import ReadStatus
from ..report import RulesetRef
from ..ruleset.load import Ruleset, cached_ruleset
from ..settings import ReadOptions
from .outputs import check_upload
from .results import Result

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckLimits:
    """How long one upload may take (seconds) and how much memory its worker may use (MB); None: no
    limit. The time limit is there for a file that hangs the checker, not for a slow one: a scan of
    200 pages (`ocr_max_pages`) takes about two minutes of OCR on two cores."""

    timeout: float | None = 600.0
    memory_mb: int | None = 2048


# What the page says when the checker itself failed; the worker's exception text goes to the log.
CHECKER_FAILED = "isv-checker failed checking this file; the server's log says why"


def check_in_worker(task: Task, *, options: ReadOptions) -> Result:
    """The worker's side: the upload's `Result`, exactly as the page would make it in-process."""
    return check_upload(task.data, task.source, cached_ruleset(task.settings.rules_dir), options)


def check_isolated(
    data: bytes, name: str, ruleset: Ruleset, rules_dir: str | None, options: ReadOptions, limits: CheckLimits
) -> Result:
    """Check an upload in a worker that loads `ruleset` from `rules_dir`; a timeout, the memory cap or
    a dead worker gives an unreadable result with that status and why."""
    settings = TaskSettings(ocr=options.ocr, rules_dir=rules_dir, max_bytes=options.max_bytes)
    runner = LocalPoolRunner(
        workers=1,
        timeout=limits.timeout,
        memory_mb=limits.memory_mb,
        settings=settings,
        # the pool is typed for batch tasks; here its worker returns the page's Result instead
        task_function=cast(TaskFunction, partial(check_in_worker, options=options)),
    )
    try:
        outcomes = list(runner.run([Task(key=0, source=name, data=data, settings=settings)]))
    except RunnerError as exc:
        # Workers cannot start where the main module cannot be imported again (a program read from
        # standard input): check here, without the limits, rather than refuse every upload.
        _log.warning("checking uploads in the server process, without a time limit: %s", exc)
        return check_upload(data, name, ruleset, options)
    (outcome,) = outcomes
    if not isinstance(outcome, Failure):
        return cast(Result, outcome)
    message = outcome.message
    if outcome.status is ReadStatus.ERROR:
        # an exception inside the checker, or a worker that died: its text is for the operator
        _log.error("checking %s failed in its worker: %s", name, message)
        message = CHECKER_FAILED
    return failed_result(data, name, ruleset, outcome.status, message)


def failed_result(data: bytes, name: str, ruleset: Ruleset, status: ReadStatus, message: str) -> Result:
    document = failure_document(name, status, message, data=data)
    report = unjudged_report(document, RulesetRef(id=ruleset.info.id, version=ruleset.info.version))
    return Result(document, report, {}, {})
