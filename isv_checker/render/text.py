"""The short human summary `isv-check scan` prints: the verdict and why, in a few lines per document,
in the language asked for; every word is the catalogue's (`summary.` keys). In English, categories,
elements and formats are named by their ids, as the summary always has (the README and scripts read
them); in Dutch by their Dutch names from the rules and the catalogue. Decoys keep their ids: the rules
give them a reason, no name."""

from __future__ import annotations

from collections.abc import Sequence

from ..checks.findings import finding_text
from ..checks.reasons import sentence
from ..i18n.catalogue import catalogue, messages
from ..i18n.notation import format_eur, location_label
from ..i18n.reading import message_text, message_texts
from ..report import Applicability, CategoryResult, Evidence, Report
from ..ruleset.models import Vocabulary


def named(ident: str, name: str, lang: str) -> str:
    """An id of the rules' vocabulary as the summary shows it: itself in English, else its name."""
    return ident if lang == "en" else name


def place(location: str, lang: str) -> str:
    """A location label as the report has it in English ('table 1 r2 c1'), in its words otherwise."""
    return location if lang == "en" else location_label(location, lang)


def where(evidence: Sequence[Evidence], lang: str = "en") -> str:
    """The first quote's place, in brackets; with its file in a tender's report."""
    if not evidence:
        return ""
    first = evidence[0]
    shown = place(first.location, lang)
    return f" ({first.file}, {shown})" if first.file else f" ({shown})"


def facts_lines(
    app: Applicability, categories: Sequence[CategoryResult], vocabulary: Vocabulary, lang: str = "en"
) -> list[str]:
    """The facts that decide whether ISV is mandatory, one line each, for a document or a tender."""
    t = messages(lang, vocabulary)
    cats = ", ".join(f"{named(c.id, c.name_nl, lang)}{where(c.evidence, lang)}" for c in categories)
    cats = cats or t["summary.no_category"]
    lines = [t["summary.categories"].format(categories=cats)]
    authority = app.authority
    if authority.name:
        kind = t["param.central.yes"] if authority.central_government else t["param.central.no"]
        lines.append(
            t["summary.authority"].format(name=authority.name, kind=kind, where=where(authority.evidence, lang))
        )
    else:
        lines.append(t["summary.authority_unknown"])
    if app.value_eur.amount is not None:
        value = format_eur(app.value_eur.amount, lang) + where(app.value_eur.evidence, lang)
    else:
        value = t["summary.value_none"]
    threshold = ""
    if app.threshold_eur:
        threshold = t["summary.threshold"].format(threshold=format_eur(app.threshold_eur, lang), period=app.period)
    lines.append(t["summary.value"].format(value=value, threshold=threshold))
    return lines


_NOTICE_FORMATS = {"eforms": "eForms", "ted": "TED R2.0.9"}


def notice_lines(report: Report, lang: str = "en") -> list[str]:
    """A notice's identity and its lots, each lot with its categories and whether ISV applies to it."""
    notice = report.notice
    if notice is None:
        return []
    t = catalogue(lang)
    number = f" {notice.publication_number}" if notice.publication_number else ""
    dates = t["summary.notice_sent"].format(date=notice.dispatch_date) if notice.dispatch_date else ""
    procedure = t["summary.notice_procedure"].format(procedure=notice.procedure_id) if notice.procedure_id else ""
    fmt = _NOTICE_FORMATS.get(notice.format, "TED R2.0.9")
    lines = [
        t["summary.notice"].format(
            format=fmt,
            kind=t[f"summary.notice_kind.{notice.kind}"],
            type_code=notice.type_code,
            number=number,
            sent=dates,
            procedure=procedure,
        )
    ]
    names = {c.id: named(c.id, c.name_nl, lang) for c in report.categories}
    for lot in report.lots:
        categories = ", ".join(names.get(c, c) for c in lot.categories) or t["no_category_row"]
        isv = t[{True: "summary.lot_isv", False: "summary.lot_no_isv", None: "summary.lot_undecided"}[lot.isv_required]]
        title = f" {lot.title}" if lot.title else ""
        lines.append(t["summary.lot"].format(lot=lot.id, title=title, categories=categories, isv=isv))
    return lines


def summary_lines(report: Report, vocabulary: Vocabulary, lang: str = "en") -> list[str]:
    t = messages(lang, vocabulary)
    facts = report.document
    lines: list[str] = []
    status = t[f"status.{report.status.value}"]
    if report.verdict:
        key = f"summary.verdict.{report.verdict}"
        if report.verdict == "needs_review" and report.applicability and report.applicability.isv_required:
            key = "summary.verdict.clause_open"
        lines.append(f"{report.file}: {t[f'verdict_tag.{report.verdict}']}: {t[key]}")
    else:
        lines.append(f"{report.file}: {status}")
    warnings = message_texts(facts.warnings, facts.coded_warnings, lang)
    if not report.readable:
        detail = message_text(report.status_message, report.coded_status_message, lang)
        lines.append(f"  {status}: {detail}" if detail else f"  {status}")
        lines.extend(t["summary.warning"].format(warning=w) for w in warnings)
        return lines
    app = report.applicability
    if app is not None:
        lines.extend(facts_lines(app, report.categories, vocabulary, lang))
        undecided = app.reason("decision")
        if undecided is not None:
            lines.append(f"  {sentence(undecided, lang)}")
    lines.extend(f"  {finding_text(f, lang, report)}" for f in report.findings if f.code == "clause.elsewhere")
    lines.extend(notice_lines(report, lang))
    clause = report.clause
    if clause is not None and clause.present:
        found = [e for e in clause.elements if e.found]
        lines.append(
            t["summary.clause"].format(
                location=place(clause.location or "", lang), found=len(found), total=len(clause.elements)
            )
        )
        missing = [named(e.id, e.name_nl, lang) for e in clause.elements if not e.found]
        if missing:
            lines.append(t["summary.missing_elements"].format(elements=", ".join(missing)))
    if report.decoys:
        seen: dict[str, str] = {}
        for decoy in report.decoys:
            seen.setdefault(decoy.decoy, place(decoy.evidence.location, lang))
        lines.append(t["summary.set_aside"].format(decoys=", ".join(f"{d} ({w})" for d, w in seen.items())))
    parts = [t[f"format_name.{facts.format.value}"]]
    if report.pages is not None:
        parts.append(t["summary.pages.one" if report.pages == 1 else "summary.pages"].format(n=report.pages))
    parts.append(t[f"summary.language.{report.language or 'unknown'}"])
    parts.append(t["summary.blocks"].format(n=facts.block_count))
    lines.append(t["summary.read"].format(status=status, parts=", ".join(parts)))
    detail = message_text(report.status_message, report.coded_status_message, lang)
    if detail:
        lines.append(f"  {detail}")
    lines.extend(t["summary.warning"].format(warning=w) for w in warnings)
    return lines
