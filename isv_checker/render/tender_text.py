"""The short human summary `isv-check tender` prints: the tender's verdict and why, where each fact and
element was found (file and place), what the notes of information changed, and each file's own verdict,
in the language asked for (the catalogue's `tender_summary.` keys; ids as in `text.py`)."""

from __future__ import annotations

from collections import Counter

from ..checks.findings import finding_text
from ..checks.reasons import sentence
from ..i18n.catalogue import messages
from ..ruleset.load import Ruleset
from ..tender.report import TenderReport
from .text import facts_lines, named, place, where


def tender_lines(report: TenderReport, ruleset: Ruleset, lang: str = "en") -> list[str]:
    vocabulary = ruleset.vocabulary
    t = messages(lang, vocabulary)
    role_names = {r.id: named(r.id, r.name_nl, lang) for r in ruleset.tender.roles}
    lines = [f"{report.tender}: {t[f'verdict_tag.{report.verdict}']}: {t[f'tender_summary.verdict.{report.verdict}']}"]
    roles = Counter(f.role for f in report.files)
    unreadable = len(report.unreadable)
    detail = ", ".join(f"{role_names.get(role, role)} {n}" for role, n in roles.most_common())
    lines.append(
        t["tender_summary.files"].format(
            n=len(report.files),
            roles=detail,
            unreadable=t["tender_summary.files_unreadable"].format(n=unreadable) if unreadable else "",
        )
    )
    if report.passed_over:
        lines.append(t["tender_summary.passed_over"].format(n=len(report.passed_over)))
    app = report.applicability
    if app is not None:
        lines.extend(facts_lines(app, report.categories, vocabulary, lang))
        for reason in app.explanation:
            if reason.code.startswith("decision."):
                lines.append(f"  {sentence(reason, lang)}")
    clause = report.clause
    if clause is not None and clause.present:
        found = [e for e in clause.elements if e.found]
        lines.append(
            t["summary.clause"].format(
                location=place(clause.location or "", lang), found=len(found), total=len(clause.elements)
            )
        )
        for element in found:
            lines.append(f"    {named(element.id, element.name_nl, lang)}{where(element.evidence, lang)}")
        missing = [named(e.id, e.name_nl, lang) for e in clause.elements if not e.found]
        if missing:
            lines.append(t["summary.missing_elements"].format(elements=", ".join(missing)))
    for found_item in report.findings:
        if found_item.code and found_item.code.startswith(("tender.", "clause.elsewhere")):
            said = finding_text(found_item, lang, report)
            lines.append(f"  {t[f'severity.{found_item.severity}']}: {said}")
    if report.decoys:
        seen: dict[str, str] = {}
        for decoy in report.decoys:
            seen.setdefault(decoy.decoy, decoy.evidence.file or "")
        lines.append(t["summary.set_aside"].format(decoys=", ".join(f"{d} ({w})" for d, w in seen.items())))
    for entry in report.files:
        own = t[f"verdict_word.{entry.verdict}"] if entry.verdict else t[f"status.{entry.status.value}"]
        extra = t["tender_summary.same_as"].format(file=entry.same_as) if entry.same_as else ""
        order = t["tender_summary.note"].format(n=entry.amends_order) if entry.amends_order else ""
        status = "" if entry.status.readable else f", {t[f'status.{entry.status.value}']}"
        lines.append(
            t["tender_summary.file"].format(
                file=entry.file,
                role=role_names.get(entry.role, entry.role),
                more=f"{order}{status}{extra}",
                verdict=own,
            )
        )
    return lines
