"""Where the SDG table gets its reports: `iter_reports(path)` over any store of written reports.

Today: what `isv-check scan --format json` writes, a single JSON object (.json), a JSON array, or JSON
Lines (.jsonl, and also a .json file that holds several documents, which is what `scan -o x.json`
writes for a folder). A batch results store adds its reader to `READERS` under its suffix, e.g.

    READERS[".sqlite"] = iter_sqlite_reports   # (path) -> Iterator[Report]

and the table, the CLI and the tests pick it up unchanged.

Tender reports (`isv-check tender --format json`, schema `isv-checker/tender/1`) are read as tender
reports, told by their `schema`; a results database that holds tenders (`batch --tenders`) gives
its tenders' reports, not its documents': the table then counts tenders.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import ValidationError

from ..report import Report
from ..tender.report import TENDER_SCHEMA_ID, TenderReport

ReportReader = Callable[[Path], Iterator[Report | TenderReport]]


class ReportSourceError(Exception):
    """A results file that cannot be read as reports; the message names the file and the line."""


def _report(data: object, where: str) -> Report | TenderReport:
    if not isinstance(data, dict):
        raise ReportSourceError(f"{where}: not a report (expected a JSON object)")
    try:
        if data.get("schema") == TENDER_SCHEMA_ID:
            return TenderReport.model_validate(data)
        return Report.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(report)"
        raise ReportSourceError(f"{where}: not an isv-checker report: {field}: {first['msg']}") from None


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ReportSourceError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ReportSourceError(f"{path}: not a UTF-8 text file of JSON reports") from None


def iter_json_lines(path: Path) -> Iterator[Report | TenderReport]:
    """One report per non-empty line."""
    for number, line in enumerate(_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReportSourceError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        yield _report(data, f"{path}:{number}")


def iter_json(path: Path) -> Iterator[Report | TenderReport]:
    """One report, a list of reports, or (when the file holds several objects) JSON Lines."""
    text = _text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            yield from iter_json_lines(path)
            return
        raise ReportSourceError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    items = data if isinstance(data, list) else [data]
    for position, item in enumerate(items, start=1):
        yield _report(item, f"{path}" if len(items) == 1 else f"{path}[{position}]")


def iter_database(path: Path) -> Iterator[Report | TenderReport]:
    """The reports of a batch results database (`isv-check batch --db`): its tenders' when it holds
    tenders (`--tenders`), else its documents'.

    Only the store knows its tables, so this reader borrows it, imported here: reading JSON reports
    never loads the batch runner.
    """
    from ..batch.store import holds_tenders, iter_stored_reports, iter_stored_tender_reports

    try:
        if holds_tenders(path):
            yield from iter_stored_tender_reports(path)
        else:
            yield from iter_stored_reports(path)
    except Exception as exc:  # noqa: BLE001 - any failure to open is a bad input file, said in one line
        raise ReportSourceError(f"{path}: not a readable isv-checker results database ({exc})") from None


READERS: dict[str, ReportReader] = {
    ".json": iter_json,
    ".jsonl": iter_json_lines,
    ".ndjson": iter_json_lines,
    ".sqlite": iter_database,
    ".sqlite3": iter_database,
    ".db": iter_database,
}


def iter_reports(path: str | Path) -> Iterator[Report | TenderReport]:
    """The reports stored in `path`, in the order they were written; ReportSourceError for anything else."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReportSourceError(
            f"{path}: unknown results file; give reports written by `isv-check scan --format json` ({', '.join(sorted(READERS))})"
        )
    yield from reader(path)
