"""The population's outputs: one row per procedure as JSON Lines, CSV or XLSX, and the counts the annual
report needs (per category, per buyer, per year), each split by whether ISV was mandatory.

Files are written whole or not at all (a temporary file renamed into place): an interrupted run never
leaves half a spreadsheet where the last good one was.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n.catalogue import catalogue
from .run import Population

NO_CATEGORY = "(none)"  # the key that counts procedures in no ISV category

FORMATS = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}
ANSWERS = ("yes", "no", "undecided")
# the columns of CSV and XLSX, in order; lists are joined with " | "
COLUMNS = (
    "procedure",
    "buyer",
    "legal_type",
    "country",
    "bound_by_isv",
    "isv_mandatory",
    "categories",
    "category_evidence",
    "isv_lots",
    "lots",
    "estimated_value_eur",
    "value_basis",
    "threshold_eur",
    "period",
    "contract_type",
    "first_date",
    "year",
    "notices",
    "notice_kinds",
    "notice_dates",
    "decided_by",
    "title",
    "buyers",
    "reasons",
    "files",
)


@dataclass
class Counts:
    """Procedures per key, split by the answer (yes / no / undecided)."""

    by: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, key: str, answer: str) -> None:
        self.by.setdefault(key, Counter())[answer] += 1

    in_order: bool = False  # by key (years), not by the number of mandatory procedures

    def rows(self) -> list[tuple[str, int, int, int, int]]:
        """(key, procedures, yes, no, undecided): most mandatory first, or by key."""
        out = [(k, sum(c.values()), c["yes"], c["no"], c["undecided"]) for k, c in self.by.items()]
        return sorted(out, key=lambda r: r[0] if self.in_order else (-r[2], -r[1], r[0]))


@dataclass
class Summary:
    procedures: int
    answers: Counter[str]
    per_category: Counts
    per_buyer: Counts
    per_year: Counts
    notices: int
    counted: Counter[str]


def summarise(population: Population, rows: list[dict[str, Any]]) -> Summary:
    per_category, per_buyer, per_year = Counts(), Counts(), Counts(in_order=True)
    answers: Counter[str] = Counter()
    for row in rows:
        answer = row["isv_mandatory"]
        answers[answer] += 1
        for category in row["categories"] or [NO_CATEGORY]:
            per_category.add(category, answer)
        per_buyer.add(row["buyer"] or "(unknown)", answer)
        per_year.add(str(row["year"] or "(no date)"), answer)
    return Summary(
        procedures=len(rows),
        answers=answers,
        per_category=per_category,
        per_buyer=per_buyer,
        per_year=per_year,
        notices=population.notices,
        counted=population.counted,
    )


def summary_lines(summary: Summary, *, buyers: int = 15, lang: str = "en") -> Iterator[str]:
    """The counts as `isv-check notices` prints them, in the words of `lang` (the catalogue's `notices.`)."""
    t = catalogue(lang)
    counted = summary.counted
    yield t["notices.read"].format(
        n=summary.notices,
        judged=counted["judged"],
        country=counted["country"],
        dates=counted["dates"],
        unreadable=counted["unreadable"],
    )
    answers = summary.answers
    yield t["notices.procedures"].format(
        n=summary.procedures, yes=answers["yes"], no=answers["no"], undecided=answers["undecided"]
    )
    for title, counts, limit in (
        ("notices.per_category", summary.per_category, None),
        ("notices.per_year", summary.per_year, None),
        ("notices.per_buyer", summary.per_buyer, buyers),
    ):
        yield ""
        yield t["notices.table"].format(per=t[title])
        rows = counts.rows()
        for key, total, yes, no, undecided in rows[:limit]:
            shown = t["notices.no_category"] if key == NO_CATEGORY else key
            yield f"  {shown:<48} {total:>6} {yes:>6} {no:>6} {undecided:>6}"
        if limit is not None and len(rows) > limit:
            yield t["notices.more"].format(n=len(rows) - limit)


def write_rows(rows: list[dict[str, Any]], summary: Summary, path: Path, unreadable: Iterable[dict[str, Any]]) -> None:
    """Write `rows` to `path` in the format its suffix names, atomically."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ValueError(f"{path.name}: write .jsonl, .csv or .xlsx")
    if kind == "jsonl":
        _atomic_text(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    elif kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        writer.writerows([_cell(row[c]) for c in COLUMNS] for row in rows)
        _atomic_text(path, buffer.getvalue())
    else:
        _atomic(path, lambda target: _xlsx(target, rows, summary, list(unreadable)))


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return " | ".join("" if v is None else str(v) for v in value)
    if value is None:
        return ""
    return value


def _atomic_text(path: Path, text: str) -> None:
    _atomic(path, lambda target: Path(target).write_text(text, encoding="utf-8"))


def _atomic(path: Path, write: Any) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or Path("."))
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _xlsx(target: str, rows: list[dict[str, Any]], summary: Summary, unreadable: list[dict[str, Any]]) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(target, {"strings_to_numbers": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    euros = workbook.add_format({"num_format": "#,##0"})
    sheet = workbook.add_worksheet("Procedures")
    sheet.write_row(0, 0, COLUMNS, bold)
    for r, row in enumerate(rows, start=1):
        for c, column in enumerate(COLUMNS):
            value = _cell(row[column])
            if column in ("estimated_value_eur", "threshold_eur") and isinstance(value, (int, float)):
                sheet.write_number(r, c, value, euros)
            else:
                sheet.write(r, c, value)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)
    for title, counts in (
        ("Per category", summary.per_category),
        ("Per year", summary.per_year),
        ("Per buyer", summary.per_buyer),
    ):
        page = workbook.add_worksheet(title)
        page.write_row(0, 0, (title[4:], "procedures", "ISV mandatory", "not mandatory", "undecided"), bold)
        for r, values in enumerate(counts.rows(), start=1):
            page.write_row(r, 0, values)
        page.set_column(0, 0, 48)
    page = workbook.add_worksheet("Unreadable")
    page.write_row(0, 0, ("file", "status", "why"), bold)
    for r, item in enumerate(unreadable, start=1):
        page.write_row(r, 0, (item["file"], item["status"], item["status_message"]))
    workbook.close()
