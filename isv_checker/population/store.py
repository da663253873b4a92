"""The population in the results database, beside batch results: which mandatory tenders were checked.

`isv-check notices --db results.sqlite` keeps one row per procedure in the table `procedures`, which
it adds to a results database (new or made by `batch`) when it first writes there. A procedure counts as checked when a batch result belongs to it: a tender (a folder or ZIP
of `batch --tenders`) or a document whose path names one of the procedure's identifiers (its
procedure id, a notice's publication number in either spelling, the buyer's own reference), or a
notice read by the batch that is one of the procedure's own notices. Archives are commonly kept in
folders named after the tender's reference; that is the link this relies on, and the README says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..batch.store import Store

COLUMNS = (
    ("procedure", "TEXT PRIMARY KEY", "the procedure's id (eForms procedure id, else its contract notice's number)"),
    ("buyer", "TEXT", "the buyer (the one whose legal type decided)"),
    ("country", "TEXT", "the buyer's country as the notice writes it"),
    ("bound_by_isv", "INTEGER", "1 when the buyer is bound by ISV (central government), empty when undecided"),
    ("isv_mandatory", "TEXT", "yes, no or undecided"),
    ("categories", "TEXT", "ISV risk categories, a JSON array"),
    ("estimated_value_eur", "REAL", "the estimated value in euros"),
    ("first_date", "TEXT", "the first notice's dispatch (else publication) date"),
    ("year", "INTEGER", "the year of first_date"),
    ("identifiers", "TEXT", "what links batch results to the procedure, a JSON array"),
    ("row", "TEXT NOT NULL", "the procedure's full row, JSON (as isv-check notices writes it)"),
    ("saved_at", "TEXT", "UTC time the row was written"),
)

_TED_NUMBER = re.compile(r"^(\d{4})/S\s*\d{1,3}-(\d{3,7})$")
_WORDS = re.compile(r"[\\/!\s_,;()\[\]]+")


def identifiers(row: dict[str, Any]) -> list[str]:
    """The procedure's identifiers as they may appear in a folder name, lower case: a TED number
    '2021/S 050-128455' also as '128455-2021', its document id."""
    found = [row["procedure"], *row["notices"], *row.get("references", [])]
    out = [spelling for value in found if value for spelling in _spellings(str(value))]
    return [i for i in dict.fromkeys(out) if len(i) >= 6]


def _spellings(value: str) -> tuple[str, ...]:
    """An identifier lower case, and a TED number also as a folder names it ('128455-2021')."""
    ted = _TED_NUMBER.match(value)
    return (value.lower(), f"{ted.group(2)}-{ted.group(1)}") if ted else (value.lower(),)


def save_procedures(store: Store, rows: Iterable[dict[str, Any]]) -> int:
    """Write (or replace) the procedures' rows in one transaction; the count written."""
    import datetime as dt

    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    written = 0
    with store.transaction() as conn:
        conn.execute(_create())
        for row in rows:
            values = (
                row["procedure"],
                row["buyer"],
                row["country"],
                None if row["bound_by_isv"] is None else int(row["bound_by_isv"]),
                row["isv_mandatory"],
                json.dumps(row["categories"]),
                row["estimated_value_eur"],
                row["first_date"],
                row["year"],
                json.dumps(identifiers(row)),
                json.dumps(row, ensure_ascii=False),
                now,
            )
            conn.execute(f"INSERT OR REPLACE INTO procedures VALUES ({', '.join('?' * len(COLUMNS))})", values)
            written += 1
    return written


def _create() -> str:
    columns = ",\n  ".join(f"{name} {kind}" for name, kind, _ in COLUMNS)
    return f"CREATE TABLE IF NOT EXISTS procedures (\n  {columns}\n)"


@dataclass(frozen=True, slots=True)
class Checked:
    """A batch result that belongs to a procedure: the tender or document, and its verdict."""

    what: str  # "tender" or "document"
    source: str
    verdict: str | None


def procedures_with_checks(store: Store) -> list[tuple[dict[str, Any], list[Checked]]]:
    """Every stored procedure with the batch results that belong to it (tenders first)."""
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "procedures" not in tables:
        return []
    results: list[tuple[set[str], Checked]] = []
    if "tenders" in tables:
        for tender, verdict, report in store.conn.execute("SELECT tender, verdict, report FROM tenders"):
            ids = _words(tender) | _notice_ids(json.loads(report).get("documents", []) if report else [])
            results.append((ids, Checked("tender", tender, verdict)))
    for source, verdict, fmt, report in store.conn.execute("SELECT source, verdict, format, report FROM documents"):
        ids = _words(source)
        if fmt == "notice":
            ids |= _notice_ids([json.loads(report)])
        results.append((ids, Checked("document", source, verdict)))
    out = []
    for text, idents in store.conn.execute("SELECT row, identifiers FROM procedures ORDER BY first_date, procedure"):
        wanted = set(json.loads(idents))
        checks = [checked for ids, checked in results if wanted & ids]
        checks.sort(key=lambda c: (c.what != "tender", c.source))
        out.append((json.loads(text), checks))
    return out


def _words(path: str) -> set[str]:
    """The path's parts and the words of its names, lower case, with and without a file's suffix, and the
    numbers and ids inside them ('TN-2024-123456 DICTU' gives 'tn-2024-123456', 'dictu' and '2024-123456')."""
    lower = path.lower()
    words = {w for w in _WORDS.split(lower) if w}
    stems = {w.rsplit(".", 1)[0] for w in words}
    inner = {m.group(0) for m in re.finditer(r"\d{3,8}-\d{4}|\d{4}-\d{3,8}|[0-9a-f]{8}-[0-9a-f-]{27}", lower)}
    return words | stems | inner


def _notice_ids(reports: Iterable[dict[str, Any]]) -> set[str]:
    out: set[str] = set()
    for report in reports:
        notice = report.get("notice") or {}
        for key in ("procedure_id", "publication_number", "notice_id", "previous_notice"):
            value = notice.get(key)
            if value:
                out.update(_spellings(str(value)))
    return out
