"""The key facts of a report as flat columns: what the results database holds beside the full report
JSON, and what CSV and XLSX exports show. One list, so the database and every export agree."""

from __future__ import annotations

import json
from typing import Any

from ..report import VERDICTS, Report
from ..tender.report import TenderReport
from .metadata import facts_used

# name, SQL type, description (the SQL types are SQLite's; JSON arrays are stored as text)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("status", "TEXT NOT NULL", "how reading went (ok, ocr, corrupt, timeout, ...)"),
    ("status_message", "TEXT", "what a person should know about reading"),
    ("verdict", "TEXT", ", ".join(VERDICTS[:-1]) + " or " + VERDICTS[-1]),
    ("format", "TEXT", "docx, pdf, text, odt, unknown"),
    ("language", "TEXT", "nl or en"),
    ("pages", "INTEGER", "page count (PDFs)"),
    ("isv_required", "INTEGER", "1 mandatory, 0 not, empty when undecided"),
    ("authority", "TEXT", "the contracting authority"),
    ("central_government", "INTEGER", "1 when the authority is central government"),
    ("value_eur", "REAL", "the estimated contract value in euros"),
    ("threshold_eur", "INTEGER", "the EU threshold that applies"),
    ("document_date", "TEXT", "the date that fixes the threshold period"),
    ("categories", "TEXT", "ISV risk categories, a JSON array"),
    ("clause_present", "INTEGER", "1 when an ISV clause was found"),
    ("clause_location", "TEXT", "where the clause is"),
    ("elements_missing", "TEXT", "clause elements not found, a JSON array"),
    ("sdg_targets", "TEXT", "SDG targets, a JSON array"),
    ("metadata_facts", "TEXT", "facts taken from the metadata CSV, a JSON array"),
)


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def report_columns(report: Report) -> dict[str, Any]:
    """The column values of one report (keys as in COLUMNS)."""
    return {
        "status": report.status.value,
        "status_message": report.status_message,
        "verdict": report.verdict,
        "format": report.document.format.value,
        "language": report.language,
        "pages": report.pages,
        **_judged_columns(report),
    }


def _judged_columns(report: Report | TenderReport) -> dict[str, Any]:
    """The columns of what was judged, the same for a document and a tender."""
    applicability, clause = report.applicability, report.clause
    return {
        "isv_required": _flag(applicability.isv_required) if applicability else None,
        "authority": applicability.authority.name if applicability else None,
        "central_government": _flag(applicability.authority.central_government) if applicability else None,
        "value_eur": applicability.value_eur.amount if applicability else None,
        "threshold_eur": applicability.threshold_eur if applicability else None,
        "document_date": applicability.document_date if applicability else None,
        "categories": json.dumps([c.id for c in report.categories]),
        "clause_present": _flag(clause.present) if clause else None,
        "clause_location": clause.location if clause and clause.present else None,
        "elements_missing": json.dumps(
            [e.id for e in clause.elements if not e.found] if clause and clause.present else []
        ),
        "sdg_targets": json.dumps([t.target for t in report.sdg_targets]),
        "metadata_facts": json.dumps(facts_used(report)),
    }


# a tender's key facts: those a document has that still make sense for a dossier, and what the
# dossier adds (the file that holds the clause, how many files, how many could not be read)
TENDER_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("verdict", "TEXT", "the tender's verdict: " + ", ".join(VERDICTS[:-1]) + " or " + VERDICTS[-1]),
    ("isv_required", "INTEGER", "1 mandatory, 0 not, empty when undecided"),
    ("authority", "TEXT", "the contracting authority"),
    ("central_government", "INTEGER", "1 when the authority is central government"),
    ("value_eur", "REAL", "the estimated contract value in euros"),
    ("threshold_eur", "INTEGER", "the EU threshold that applies"),
    ("document_date", "TEXT", "the date that fixes the threshold period"),
    ("categories", "TEXT", "ISV risk categories, a JSON array"),
    ("clause_present", "INTEGER", "1 when the tender's files hold an ISV clause"),
    ("clause_file", "TEXT", "the file that holds the clause (the one that states most of it)"),
    ("clause_location", "TEXT", "where the clause is: the file and the place in it"),
    ("elements_missing", "TEXT", "clause elements stated in none of the files, a JSON array"),
    ("sdg_targets", "TEXT", "SDG targets, a JSON array"),
    ("metadata_facts", "TEXT", "facts taken from the metadata CSV for the tender, a JSON array"),
    ("documents", "INTEGER", "files in the tender"),
    ("unreadable", "INTEGER", "files of the tender that could not be read"),
    ("unreadable_files", "TEXT", "those files with their status, a JSON array"),
)


def tender_columns(report: TenderReport) -> dict[str, Any]:
    """The column values of one tender report (keys as in TENDER_COLUMNS)."""
    return {
        "verdict": report.verdict,
        **_judged_columns(report),
        "clause_file": clause_file(report),
        "documents": len(report.files),
        "unreadable": len(report.unreadable),
        "unreadable_files": json.dumps([f"{f.file} ({f.status.value})" for f in report.unreadable]),
    }


def clause_file(report: TenderReport) -> str | None:
    """The file that holds the tender's clause: the one its location names (the file that states
    most of it, or the note that added it)."""
    clause = report.clause
    if clause is None or not clause.present or not clause.location:
        return None
    names = sorted((f.file for f in report.files), key=len, reverse=True)
    return next((n for n in names if clause.location == n or clause.location.startswith(n + ": ")), None)
