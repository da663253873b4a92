"""Marked-up copies for a tender: the Word files of the dossier that hold its clause, each commented as
`annotate_docx` comments a draft, but with the tender's verdict and facts, and each file's own quotes.

A tender's clause is often split: the guidelines declare the ISV applicable, the annex states them.
Each Word file that holds part of it gets the comments on its own words; the elements another file
states are named on its clause comment, not quoted. When no Word file holds the clause, the wording
to add goes where it belongs: the Word file of the contract conditions (the draft contract, else the
guidelines, else any Word file, by the roles of rules/tender.yaml), commented with what is missing.
"""

from __future__ import annotations

from ..document import DocFormat
from ..report import Clause, Evidence, Report
from ..tender.report import TenderReport

# where the wording to add belongs when no Word file holds the clause, best first (role ids)
CONDITIONS_ROLES = ("contract", "guidelines", "annex", "requirements", "other")


def _mine(evidence: tuple[Evidence, ...], file: str) -> tuple[Evidence, ...]:
    """The quotes in `file`, without the file name: in the file's own copy they are its own words."""
    return tuple(e.model_copy(update={"file": None}) for e in evidence if e.file == file)


def file_report(tender: TenderReport, file: str) -> Report:
    """The report a Word file of the tender is commented from: its own reading, the tender's verdict,
    facts, clause and findings, and only the quotes that are in this file."""
    own = next(d for d in tender.documents if d.file == file)
    clause = tender.clause
    if clause is not None:
        elements = tuple(e.model_copy(update={"evidence": _mine(e.evidence, file)}) for e in clause.elements)
        clause = Clause(
            present=clause.present,
            location=clause.location,
            evidence=_mine(clause.evidence, file),
            elements=elements,
        )
    decoys = tuple(
        d.model_copy(update={"evidence": d.evidence.model_copy(update={"file": None})})
        for d in tender.decoys
        if d.evidence.file == file
    )
    return own.model_copy(
        update={
            "verdict": tender.verdict,
            "categories": tender.categories,
            "applicability": tender.applicability,
            "clause": clause,
            "decoys": decoys,
            "findings": tender.findings,
            "sdg_targets": tender.sdg_targets,
        }
    )


def annotation_targets(tender: TenderReport) -> tuple[str, ...]:
    """The Word files to comment: those that hold the tender's clause, else the one where the wording
    to add belongs; empty when the tender has no readable Word file."""
    reports = {d.file: d for d in tender.documents}
    words = {
        f.file: f
        for f in tender.files
        if f.same_as is None
        and f.file in reports
        and reports[f.file].document.format is DocFormat.DOCX
        and reports[f.file].readable
    }
    clause = tender.clause
    holding: list[str] = []
    if clause is not None and clause.present:
        quoted = [e.file for e in clause.evidence] + [q.file for el in clause.elements for q in el.evidence]
        holding = [f for f in dict.fromkeys(quoted) if f in words]
    if holding:
        return tuple(holding)
    for role in CONDITIONS_ROLES:
        for name, entry in words.items():
            if entry.role == role:
                return (name,)
    return ()
