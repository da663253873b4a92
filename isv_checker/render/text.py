"""The short human summary `isv-check scan` prints: the verdict and why, in a few lines per document."""

from __future__ import annotations

from collections.abc import Sequence

from ..checks.reasons import sentence
from ..document import BlockKind
from ..i18n.notation import number_word
from ..report import Applicability, CategoryResult, Evidence, Report
from ..ruleset.models import Vocabulary

_KIND_NAMES = {
    BlockKind.HEADING.value: "headings",
    BlockKind.PARAGRAPH.value: "paragraphs",
    BlockKind.LIST_ITEM.value: "list items",
    BlockKind.TABLE_CELL.value: "table cells",
    BlockKind.HEADER.value: "header lines",
    BlockKind.FOOTER.value: "footer lines",
    BlockKind.FOOTNOTE.value: "notes",
    BlockKind.TEXT_BOX.value: "text boxes",
}
_VERDICT_LINES = {
    "compliant": "ISV required; the clause is present and states all {elements} elements",
    "incomplete": "ISV required; the clause is present but incomplete",
    "missing": "ISV required, but no ISV clause was found",
    "required": "ISV is mandatory for this procurement; a notice does not hold the clause: check the tender's documents",
    "not_required": "ISV is not mandatory for this document",
    "needs_review": "a fact needed to decide is missing; review by hand",
    "unreadable": "the document could not be checked",
}


def where(evidence: Sequence[Evidence]) -> str:
    """The first quote's place, in brackets; with its file in a tender's report."""
    if not evidence:
        return ""
    first = evidence[0]
    return f" ({first.file}, {first.location})" if first.file else f" ({first.location})"


def facts_lines(app: Applicability, categories: Sequence[CategoryResult], vocabulary: Vocabulary) -> list[str]:
    """The facts that decide whether ISV is mandatory, one line each, for a document or a tender."""
    cats = ", ".join(f"{c.id}{where(c.evidence)}" for c in categories) or (
        f"none of the {number_word(len(vocabulary.categories), 'en')}"
    )
    lines = [f"  categories: {cats}"]
    authority = app.authority
    if authority.name:
        kind = "central government" if authority.central_government else "not central government"
        lines.append(f"  authority: {authority.name} ({kind}){where(authority.evidence)}")
    else:
        lines.append("  authority: not recognised")
    if app.value_eur.amount is not None:
        value = f"EUR {app.value_eur.amount:,.0f}{where(app.value_eur.evidence)}"
    else:
        value = "not stated"
    threshold = f"; threshold EUR {app.threshold_eur:,} ({app.period})" if app.threshold_eur else ""
    lines.append(f"  value: {value}{threshold}")
    return lines


_NOTICE_KINDS = {
    "prior_information": "prior information notice",
    "contract": "contract notice",
    "award": "contract award notice",
    "modification": "modification notice",
    "other": "notice",
}


def notice_lines(report: Report) -> list[str]:
    """A notice's identity and its lots, each lot with its categories and whether ISV applies to it."""
    notice = report.notice
    if notice is None:
        return []
    number = f" {notice.publication_number}" if notice.publication_number else ""
    dates = f", sent {notice.dispatch_date}" if notice.dispatch_date else ""
    procedure = f", procedure {notice.procedure_id}" if notice.procedure_id else ""
    fmt = "eForms" if notice.format == "eforms" else "TED R2.0.9"
    lines = [f"  notice: {fmt} {_NOTICE_KINDS[notice.kind]} ({notice.type_code}){number}{dates}{procedure}"]
    for lot in report.lots:
        categories = ", ".join(lot.categories) or "no ISV category"
        isv = {True: "ISV applies", False: "no ISV", None: "ISV undecided"}[lot.isv_required]
        title = f" {lot.title}" if lot.title else ""
        lines.append(f"  lot {lot.id}{title}: {categories}; {isv}")
    return lines


def summary_lines(report: Report, vocabulary: Vocabulary) -> list[str]:
    facts = report.document
    lines: list[str] = []
    if report.verdict:
        verdict_line = _VERDICT_LINES[report.verdict].format(elements=number_word(len(vocabulary.elements), "en"))
        if report.verdict == "needs_review" and report.applicability and report.applicability.isv_required:
            verdict_line = "ISV required, but the clause cannot be judged from this document alone; review by hand"
        lines.append(f"{report.file}: {report.verdict.upper()}: {verdict_line}")
    else:
        lines.append(f"{report.file}: {report.status.value}")
    if not report.readable:
        lines.append(f"  {report.status.value}: {report.status_message}")
        lines.extend(f"  warning: {w}" for w in facts.warnings)
        return lines
    app = report.applicability
    if app is not None:
        lines.extend(facts_lines(app, report.categories, vocabulary))
        undecided = app.reason("decision")
        if undecided is not None:
            lines.append(f"  {sentence(undecided)}")
    lines.extend(f"  {f.message}" for f in report.findings if f.code == "clause.elsewhere")
    lines.extend(notice_lines(report))
    clause = report.clause
    if clause is not None and clause.present:
        found = [e for e in clause.elements if e.found]
        lines.append(f"  clause: {clause.location}; {len(found)} of {len(clause.elements)} elements")
        missing = [e.id for e in clause.elements if not e.found]
        if missing:
            lines.append(f"  missing elements: {', '.join(missing)}")
    if report.decoys:
        seen: dict[str, str] = {}
        for decoy in report.decoys:
            seen.setdefault(decoy.decoy, decoy.evidence.location)
        lines.append("  set aside: " + ", ".join(f"{d} ({where})" for d, where in seen.items()))
    parts = [facts.format.value]
    if report.pages is not None:
        parts.append(f"{report.pages} page{'s' if report.pages != 1 else ''}")
    parts.append({"nl": "Dutch", "en": "English", None: "language unknown"}[report.language])
    parts.append(f"{facts.block_count} blocks")
    lines.append(f"  read: {report.status.value}, {', '.join(parts)}")
    if report.status_message:
        lines.append(f"  {report.status_message}")
    lines.extend(f"  warning: {w}" for w in facts.warnings)
    return lines


def block_kinds_line(report: Report) -> str:
    kinds = sorted(report.document.block_kinds.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{count} {_KIND_NAMES.get(kind, kind)}" for kind, count in kinds)
