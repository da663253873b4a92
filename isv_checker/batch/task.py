"""The per-file task of a batch run: bytes in, a small picklable result out.

Runners (the local process pool, a Dask cluster) call `run_task` in their workers; it reads the
bytes (a scan's pages OCR'd on every core: the machine-wide Tesseract slots of `readers/ocr_slots.py`
keep the workers together to one Tesseract per core, so a worker with a long scan is not left
alone on one core while the others idle), checks them with the one pipeline, applies metadata
facts, and returns the report as JSON with its key columns, page count and timings. It knows
nothing of pools, timeouts or databases.
"""

from __future__ import annotations

import dataclasses
import resource
import sys
import time
from dataclasses import dataclass
from typing import Any

from ..checks.facts import GivenFacts
from ..document import DocFormat, Document, ReadMessage, ReadStatus
from ..report import Report, RulesetRef, build_report


@dataclass(frozen=True, slots=True)
class TaskSettings:
    """How every file of a run is read and judged (the same in every worker)."""

    ocr: str = "auto"
    rules_dir: str | None = None
    max_bytes: int = 256 * 1024 * 1024
    tender_parts: bool = False  # also send back what judging the file's tender needs (`parts.py`)


@dataclass(frozen=True, slots=True)
class Task:
    key: int
    source: str
    data: bytes
    settings: TaskSettings
    metadata: GivenFacts | None = None


@dataclass(frozen=True, slots=True)
class TaskResult:
    key: int
    report_json: str
    columns: dict[str, Any]
    pages: int
    read_seconds: float
    check_seconds: float
    peak_rss_mb: float
    part: bytes | None = None  # with `tender_parts`: the file's document and assessment, encoded


def run_task(task: Task) -> TaskResult:
    """Check one file. Bad files give a result with a status; a bug inside the checker gives `error`."""
    started = time.perf_counter()
    read_done = started
    part: bytes | None = None
    try:
        from ..pipeline import check_document, check_tender_file
        from ..readers import read_bytes
        from ..ruleset.load import cached_ruleset
        from ..settings import ReadOptions
        from .parts import encode_part

        options = ReadOptions(ocr=task.settings.ocr, max_bytes=task.settings.max_bytes)
        document = read_bytes(task.data, task.source, options)
        read_done = time.perf_counter()
        ruleset = cached_ruleset(task.settings.rules_dir)
        if task.settings.tender_parts:
            checked = check_tender_file(task.source, document, ruleset=ruleset, given=task.metadata)
            report, part = checked.report, encode_part(checked)
        else:
            report = check_document(document, ruleset=ruleset, given=task.metadata)
    except MemoryError:
        report = failure_report(
            task.source,
            ReadStatus.TOO_LARGE,
            ReadMessage(code="worker_read_memory"),
            data=task.data,
            ruleset=ruleset_ref(task.settings.rules_dir),
        )
    except Exception as exc:  # noqa: BLE001 - a bug in the checker must not end the run; the row says what happened
        report = failure_report(
            task.source,
            ReadStatus.ERROR,
            f"{type(exc).__name__}: {exc}",
            data=task.data,
            ruleset=ruleset_ref(task.settings.rules_dir),
        )
    finished = time.perf_counter()
    result = result_of(task.key, report, read_seconds=read_done - started, check_seconds=finished - read_done)
    return dataclasses.replace(result, part=part) if part is not None else result


def result_of(
    key: int, report: Report, *, read_seconds: float = 0.0, check_seconds: float = 0.0, peak_rss_mb: float | None = None
) -> TaskResult:
    from .columns import report_columns

    return TaskResult(
        key=key,
        report_json=report.model_dump_json(by_alias=True),
        columns=report_columns(report),
        pages=report.pages or 0,
        read_seconds=read_seconds,
        check_seconds=check_seconds,
        peak_rss_mb=peak_rss() if peak_rss_mb is None else peak_rss_mb,
    )


def peak_rss() -> float:
    """This process's peak resident memory so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def warm_up(settings: TaskSettings) -> None:
    """Load the ruleset and build the Dutch and English matchers before the first file is timed."""
    from ..pipeline import check_bytes
    from ..ruleset.load import cached_ruleset
    from ..settings import ReadOptions

    ruleset = cached_ruleset(settings.rules_dir)
    options = ReadOptions(ocr="never", ocr_workers=1)
    check_bytes(b"De aanbestedende dienst besteedt de opdracht aan.\n", "warm-up.txt", options, ruleset=ruleset)
    check_bytes(
        b"The contracting authority awards the contract to the supplier.\n", "warm-up.txt", options, ruleset=ruleset
    )


def ruleset_ref(rules_dir: str | None) -> RulesetRef | None:
    try:
        from ..ruleset.load import cached_ruleset

        info = cached_ruleset(rules_dir).info
    except Exception:  # noqa: BLE001 - best effort, as the comment below says
        return None
    return RulesetRef(id=info.id, version=info.version)


def failure_report(
    source: str,
    status: ReadStatus,
    message: ReadMessage | str,
    *,
    data: bytes | None = None,
    sha256: str | None = None,
    size: int | None = None,
    ruleset: RulesetRef | None = None,
) -> Report:
    """The report of a file that was never judged (refused, timed out, its worker died): verdict
    `unreadable` with an `ISV-READ` finding, as the rules stage gives an unreadable document."""
    return unjudged_report(failure_document(source, status, message, data=data, sha256=sha256, size=size), ruleset)


def failure_document(
    source: str,
    status: ReadStatus,
    message: ReadMessage | str,
    *,
    data: bytes | None = None,
    sha256: str | None = None,
    size: int | None = None,
) -> Document:
    """The `Document` of a file that was never read: its name, hash, size and why (with a code where
    there is one, English text where there is none), without text."""
    import hashlib

    from ..readers.sniff import format_from_name

    if data is not None:
        sha256, size = hashlib.sha256(data).hexdigest(), len(data)
    name = source.rsplit("!", 1)[-1]
    try:
        fmt = format_from_name(name)
    except Exception:  # noqa: BLE001 - an unknown name is an unknown format
        fmt = DocFormat.UNKNOWN
    if isinstance(message, str):
        return Document(path=source, sha256=sha256, size=size, format=fmt, status=status, message=message)
    from ..readers import unread_document

    return unread_document(source, fmt, status, message, size=size, sha256=sha256)


def unjudged_report(document: Document, ruleset: RulesetRef | None) -> Report:
    from ..checks.engine import unreadable

    return build_report(document, judgement=unreadable(document, ruleset))
