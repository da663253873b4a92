"""Exports of a results database for hand-over: XLSX (a summary sheet, a filterable sheet per
verdict and, when the database holds tenders, a `tenders` sheet), CSV (one row per document, the key
columns) and JSON Lines (the full reports, one per line, readable by every tool that reads isv-check
reports). With `tenders`, CSV and JSON Lines hold the tenders instead: one row of key columns, or one
tender report (`isv-checker/tender/1`), per tender. The summary sheet is for a person, in the language
asked for (`export.` keys); the sheets of rows keep their column names and ids, which programs read."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ..i18n.catalogue import catalogue
from ..i18n.reading import code_text
from .store import EXPORT_COLUMNS, TENDER_EXPORT_COLUMNS, Filters, Store

VERDICT_ORDER = ("missing", "incomplete", "needs_review", "required", "compliant", "not_required", "unreadable")
_JSON_COLUMNS = {"categories", "elements_missing", "sdg_targets", "metadata_facts", "unreadable_files"}


class ExportError(ValueError):
    """An export that cannot be made (unknown file type)."""


def _cell(name: str, value: Any) -> Any:
    if name in _JSON_COLUMNS and isinstance(value, str):
        return ", ".join(json.loads(value))
    return value


def export_csv(store: Store, path: Path, filters: Filters | None = None) -> int:
    return _write_csv(path, EXPORT_COLUMNS, store.rows(filters))


def export_tenders_csv(store: Store, path: Path, filters: Filters | None = None) -> int:
    return _write_csv(path, TENDER_EXPORT_COLUMNS, store.tender_rows(filters))


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Any]) -> int:
    """`rows` as CSV with the header `columns`; the number of rows written."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(n, row[n]) for n in columns])
            count += 1
    return count


def export_tenders_jsonl(store: Store, path: Path, filters: Filters | None = None) -> int:
    """The judged tenders' reports, one per line, as `isv-check tender --format json` writes them."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in store.tender_rows(filters, with_report=True):
            if row["report"]:
                handle.write(row["report"] + "\n")
                count += 1
    return count


def export_jsonl(store: Store, path: Path, filters: Filters | None = None) -> int:
    count = 0
    where, params = (filters or Filters()).sql()
    with path.open("w", encoding="utf-8") as handle:
        for (text,) in store.conn.execute(f"SELECT report FROM documents{where} ORDER BY source", params):
            handle.write(text + "\n")
            count += 1
    return count


def export_xlsx(store: Store, path: Path, filters: Filters | None = None, lang: str = "en") -> int:
    import xlsxwriter

    t = catalogue(lang)

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    summary = workbook.add_worksheet("summary")
    by_verdict = dict(store.counts("verdict", filters))
    by_status = dict(store.counts("status", filters))
    total = sum(by_verdict.values())
    summary.set_column(0, 0, 28)
    summary.set_column(1, 1, 60)
    line = 0

    def put(label: str, value: Any = None, fmt: Any = None) -> None:
        nonlocal line
        summary.write(line, 0, label, fmt)
        if value is not None:
            summary.write(line, 1, value)
        line += 1

    by_tender_verdict = dict(store.tender_counts(filters))
    put(t["export.title"], fmt=bold)
    put(t["export.database"], str(store.path))
    put(t["export.documents"], total)
    if by_tender_verdict:
        put(t["export.tenders"], sum(by_tender_verdict.values()))
    runs = store.runs()
    if runs:
        last = runs[-1]
        put(t["export.ruleset"], f"{last['ruleset_id']} {last['ruleset_version']}")
        put(t["export.started"], last["started_at"])
        put(t["export.finished"], last["finished_at"] or t["export.interrupted"])
        run = json.loads(last["summary"] or "{}")
        passed_over = run.get("passed_over", [])
        put(t["export.passed_over"], len(passed_over))
        for source, why in passed_over:
            put(f"  {code_text(why, lang)}", source)
        if run.get("outside_tenders"):
            put(t["export.outside_tenders"], run["outside_tenders"])
        unmatched = run.get("metadata_unmatched", [])
        if run.get("metadata_rows"):
            put(t["export.metadata_unmatched"], len(unmatched))
            for row in unmatched:
                put("", row)
    line += 1
    put(t["export.verdict"], fmt=bold)
    for verdict in [*VERDICT_ORDER, *(v for v in by_verdict if v not in VERDICT_ORDER)]:
        if verdict in by_verdict:
            put(t.get(f"verdict_word.{verdict}", str(verdict)), by_verdict[verdict])
    line += 1
    put(t["export.status"], fmt=bold)
    for status, n in by_status.items():
        put(t.get(f"status.{status}", str(status)), n)
    if by_tender_verdict:
        line += 1
        put(t["export.tender_verdict"], fmt=bold)
        for verdict in [*VERDICT_ORDER, *(v for v in by_tender_verdict if v not in VERDICT_ORDER)]:
            if verdict in by_tender_verdict:
                put(t.get(f"verdict_word.{verdict}", str(verdict)), by_tender_verdict[verdict])

    widths = {"source": 60, "status_message": 40, "authority": 30, "report": 20, "sha256": 20, "clause_location": 30}
    for verdict in [*VERDICT_ORDER, *(v for v in by_verdict if v not in VERDICT_ORDER)]:
        if verdict not in by_verdict:
            continue
        sheet = workbook.add_worksheet(str(verdict)[:31])
        for col, name in enumerate(EXPORT_COLUMNS):
            sheet.write(0, col, name, bold)
            sheet.set_column(col, col, widths.get(name, 14))
        rows = 0
        verdict_filter = dataclasses.replace(filters or Filters(), verdict=verdict)
        for row in store.rows(verdict_filter):
            rows += 1
            for col, name in enumerate(EXPORT_COLUMNS):
                value = _cell(name, row[name])
                if value is not None:
                    sheet.write(rows, col, value)
        sheet.autofilter(0, 0, rows, len(EXPORT_COLUMNS) - 1)
        sheet.freeze_panes(1, 1)
    if by_tender_verdict:
        tender_widths = {**widths, "tender": 60, "name": 30, "clause_file": 40, "unreadable_files": 40}
        sheet = workbook.add_worksheet("tenders")
        for col, name in enumerate(TENDER_EXPORT_COLUMNS):
            sheet.write(0, col, name, bold)
            sheet.set_column(col, col, tender_widths.get(name, 14))
        rows = 0
        for row in store.tender_rows(filters):
            rows += 1
            for col, name in enumerate(TENDER_EXPORT_COLUMNS):
                value = _cell(name, row[name])
                if value is not None:
                    sheet.write(rows, col, value)
        sheet.autofilter(0, 0, rows, len(TENDER_EXPORT_COLUMNS) - 1)
        sheet.freeze_panes(1, 1)
    workbook.close()
    return total


EXPORTERS: dict[str, Callable[[Store, Path, Filters | None], int]] = {
    ".xlsx": export_xlsx,
    ".csv": export_csv,
    ".jsonl": export_jsonl,
}


TENDER_EXPORTERS: dict[str, Callable[[Store, Path, Filters | None], int]] = {
    ".xlsx": export_xlsx,  # the workbook has its tenders sheet either way
    ".csv": export_tenders_csv,
    ".jsonl": export_tenders_jsonl,
}


def export(
    db_path: str | os.PathLike[str],
    output: str | os.PathLike[str],
    filters: Filters | None = None,
    *,
    tenders: bool = False,
    lang: str = "en",
) -> int:
    """Write the database's rows to `output`, in the format its suffix names; returns the row count
    (tenders for a CSV or JSON Lines export of tenders, else documents). `lang`: the summary sheet's."""
    out = Path(output)
    exporter = (TENDER_EXPORTERS if tenders else EXPORTERS).get(out.suffix.lower())
    if exporter is None:
        raise ExportError(f"{out}: export to {', '.join(EXPORTERS)} (the file's suffix chooses)")
    with Store(db_path, create=False) as store:
        if tenders and not store.tender_count():
            raise ExportError(
                f"{db_path} holds no tenders: run `isv-check batch --tenders` to judge each folder or ZIP as one"
            )
        if exporter is export_xlsx:
            return export_xlsx(store, out, filters, lang)
        return exporter(store, out, filters)
