"""Runs the rules stage over one document: match once, then decide categories, applicability,
clause, verdict and SDG targets from the same hits."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..document import Document
from .matching import RuleMatcher
from ..report import Applicability, CategoryResult, Clause, Finding, RulesetRef
from ..ruleset.load import Ruleset
from ..ruleset.models import Matcher as MatchSpec
from .applicability import decide
from .categories import find_categories, weak_key
from .clause import find_clause
from .hits import HitIndex
from .verdict import sdg_targets, verdict_of


@lru_cache(maxsize=4)
def _matcher(ruleset: Ruleset) -> RuleMatcher:
    extra = [(weak_key(c.id), MatchSpec(terms=c.weak)) for c in ruleset.categories if c.weak]
    return RuleMatcher([*ruleset.rules(), *extra])


def judge(document: Document, ruleset: Ruleset) -> dict[str, Any]:
    """The report fields the rules decide, for `report.build_report`."""
    ref = RulesetRef(id=ruleset.info.id, version=ruleset.info.version)
    if not document.readable:
        return {"ruleset": ref, "verdict": "unreadable", "findings": (
            Finding(rule="ISV-READ", severity="error", message=f"the document could not be checked: {document.status.value}: {document.message}"),
        )}
    language = document.language or "nl"
    hits = HitIndex.of(_matcher(ruleset).run(document.blocks, language))
    categories = find_categories(document, ruleset, hits, ruleset.subject_sections)
    applicability = decide(document, ruleset, hits, categories)
    outcome = find_clause(document, ruleset, hits, language)
    reading = (Finding(rule="ISV-READ-OCR", severity="info", message=document.message),) if document.ocr_pages else ()
    return {
        "ruleset": ref,
        "decoys": outcome.decoys,
        "clause": outcome.clause,
        **conclude(ruleset, applicability, outcome.clause, categories, language, reading),
    }


VERDICT_FINDING_RULES = frozenset({"ISV-VERDICT-MISSING", "ISV-VERDICT-NEEDS-REVIEW", "ISV-CLAUSE-NOT-REQUIRED"})


def conclude(
    ruleset: Ruleset,
    applicability: Applicability,
    clause: Clause,
    categories: tuple[CategoryResult, ...],
    language: str,
    other_findings: tuple[Finding, ...] = (),
) -> dict[str, Any]:
    """Verdict, findings and SDG targets from the decided facts; used again when tender metadata
    changes a fact after the document was judged."""
    verdict = verdict_of(True, applicability, clause)
    findings: list[Finding] = []
    if verdict == "missing":
        findings.append(Finding(rule="ISV-VERDICT-MISSING", severity="error", message="ISV is mandatory for this tender, but no ISV clause was found"))
    if verdict == "needs_review":
        findings.append(Finding(rule="ISV-VERDICT-NEEDS-REVIEW", severity="warning", message="; ".join(applicability.reasons)))
    if clause.present and verdict == "not_required":
        findings.append(Finding(rule="ISV-CLAUSE-NOT-REQUIRED", severity="info", message="an ISV clause is present although ISV is not mandatory here (allowed and encouraged)", evidence=clause.evidence))
    if clause.present:
        for element in clause.elements:
            if not element.found:
                findings.append(Finding(rule=element.rule, severity="warning" if verdict == "incomplete" else "info", message=f"the clause does not state: {element.name_en}"))
    return {
        "verdict": verdict,
        "categories": categories,
        "applicability": applicability,
        "sdg_targets": sdg_targets(ruleset, clause, categories, language),
        "findings": tuple(findings) + other_findings,
    }
