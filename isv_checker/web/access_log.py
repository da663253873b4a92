"""The access log of the web page: one JSON line per request and one per check, for the operator.

It says who asked for what and how it went, never what was uploaded. A request is logged with its
route (`/result/<token>`, never the token itself, which would open the result to whoever reads the
log), its status, its time and the size of the answer; a check with its short id (which the request
lines that concern it carry too), size, lane, time waited and time run, pages, OCR pages, state,
reading status and verdict. An uploaded file's name is logged only where the operator asked for it
(`ISV_LOG_FILE_NAMES`, `serve --log-file-names`): a name often says what the tender is about.

The lines go to the logger `isv_checker.web.access`; `serve` writes them to standard error.
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .scheduler import Job

ACCESS_LOG = "isv_checker.web.access"
_log = logging.getLogger(ACCESS_LOG)


def _emit(event: str, **fields: Any) -> None:
    if _log.isEnabledFor(logging.INFO):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        _log.info(json.dumps({"time": stamp, "event": event, **fields}, ensure_ascii=False))


def log_request(
    *, client: str | None, method: str, route: str, status: int, seconds: float, size: int | None, job: str | None
) -> None:
    _emit(
        "request",
        client=client,
        method=method,
        route=route,
        status=status,
        ms=round(seconds * 1000, 1),
        bytes=size,
        job=job,
    )


def log_refused(*, client: str | None, reason: str, retry_after: int, waiting: int) -> None:
    _emit("refused", client=client, reason=reason, retry_after=retry_after, waiting=waiting)


def log_check(job: Job, outcome: Any, *, names: bool) -> None:
    """A check that has ended: done, cancelled or failed."""
    report = getattr(outcome, "report", None)
    progress = job.progress
    fields: dict[str, Any] = {
        "job": job.id,
        "client": job.client,
        "kind": job.upload.kind.value,
        "bytes": job.upload.size,
        "files": job.upload.files,
        "lane": "long" if job.long else "quick",
        "extra_worker": job.extra,
        "requeued": job.requeued,
        "waited_s": round((job.started or job.arrived) - job.arrived, 2),
        "ran_s": round((job.finished or 0) - job.started, 2) if job.started is not None else None,
        "pages": progress.pages_total if progress is not None else None,
        "ocr_pages": progress.ocr_total if progress is not None else None,
        "state": job.state.value,
        "status": getattr(getattr(report, "status", None), "value", None),
        "verdict": getattr(report, "verdict", None),
    }
    if names:
        fields["name"] = job.upload.name
    _emit("check", **fields)
