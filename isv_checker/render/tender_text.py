"""The short human summary `isv-check tender` prints: the tender's verdict and why, where each fact and
element was found (file and place), what the notes of information changed, and each file's own verdict."""

from __future__ import annotations

from collections import Counter

from ..checks.reasons import sentence
from ..i18n.notation import number_word
from ..ruleset.models import Vocabulary
from ..tender.report import TenderReport
from .text import facts_lines, where

_VERDICT_LINES = {
    "compliant": "ISV required; the tender's clause states all {elements} elements",
    "incomplete": "ISV required; the tender's clause is present but incomplete",
    "missing": "ISV required, but none of the tender's files holds an ISV clause",
    "not_required": "ISV is not mandatory for this tender",
    "needs_review": "the tender's files do not settle it; review by hand",
    "required": "ISV is mandatory; the tender's files hold no clause to check (only the notice was given)",
    "unreadable": "the tender could not be checked",
}


def tender_lines(report: TenderReport, vocabulary: Vocabulary) -> list[str]:
    verdict_line = _VERDICT_LINES[report.verdict].format(elements=number_word(len(vocabulary.elements), "en"))
    lines = [f"{report.tender}: {report.verdict.upper()}: {verdict_line}"]
    roles = Counter(f.role for f in report.files)
    unreadable = len(report.unreadable)
    detail = ", ".join(f"{role} {n}" for role, n in roles.most_common())
    lines.append(f"  files: {len(report.files)} ({detail}){f'; {unreadable} unreadable' if unreadable else ''}")
    if report.passed_over:
        lines.append(f"  passed over: {len(report.passed_over)} hidden, lock or system file(s)")
    app = report.applicability
    if app is not None:
        lines.extend(facts_lines(app, report.categories, vocabulary))
        for reason in app.explanation:
            if reason.code.startswith("decision."):
                lines.append(f"  {sentence(reason)}")
    clause = report.clause
    if clause is not None and clause.present:
        found = [e for e in clause.elements if e.found]
        lines.append(f"  clause: {clause.location}; {len(found)} of {len(clause.elements)} elements")
        for element in found:
            lines.append(f"    {element.id}{where(element.evidence)}")
        missing = [e.id for e in clause.elements if not e.found]
        if missing:
            lines.append(f"  missing elements: {', '.join(missing)}")
    for found_item in report.findings:
        if found_item.code and found_item.code.startswith(("tender.", "clause.elsewhere")):
            lines.append(f"  {found_item.severity}: {found_item.message}")
    if report.decoys:
        seen: dict[str, str] = {}
        for decoy in report.decoys:
            seen.setdefault(decoy.decoy, decoy.evidence.file or "")
        lines.append("  set aside: " + ", ".join(f"{d} ({where})" for d, where in seen.items()))
    for entry in report.files:
        own = entry.verdict or entry.status.value
        extra = f", same as {entry.same_as}" if entry.same_as else ""
        order = f", note {entry.amends_order}" if entry.amends_order else ""
        status = "" if entry.status.readable else f", {entry.status.value}"
        lines.append(f"  - {entry.file} [{entry.role}{order}{status}{extra}]: {own} on its own")
    return lines
