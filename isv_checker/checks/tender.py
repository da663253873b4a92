"""Judges a tender from its parts: its facts (`tender_facts.gather_facts`), its clause (`tender_clause.gather_clause`),
then the verdict, with the doubts a file-by-file check cannot have:

- files that disagree on a fact, where the disagreement changes whether ISV is mandatory: needs_review;
- an unreadable file: unless its role cannot hold the clause (a price schedule), it may hold it, so a clause missing or incomplete in the others is no
  verdict (needs_review); an unreadable file that outranks the files the deciding facts came from
  may state other facts (needs_review), and an unreadable note of information may amend the clause;
- an annex the clause is said to be in that is not among the files: needs_review when the clause in the
  others is missing or incomplete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..report import (
    Applicability,
    CategoryResult,
    Clause,
    DecoyResult,
    Finding,
    LotResult,
    Param,
    Reason,
    SdgTarget,
    Verdict,
)
from ..ruleset.load import Ruleset
from ..tender.report import Amendment, with_file
from .applicability import decide
from .engine import verdict_findings
from .facts import GivenFacts, merge
from .findings import Context, finding
from .reasons import sentence
from .tender_clause import GatheredClause, gather_clause
from .tender_facts import Gathered, gather_facts
from .tender_parts import Part
from .verdict import sdg_targets, verdict_of


@dataclass(frozen=True, slots=True)
class TenderJudgement:
    verdict: Verdict
    categories: tuple[CategoryResult, ...]
    applicability: Applicability
    clause: Clause
    decoys: tuple[DecoyResult, ...]
    sdg_targets: tuple[SdgTarget, ...]
    findings: tuple[Finding, ...]
    amendments: tuple[Amendment, ...]
    lots: tuple[LotResult, ...] = ()


def judge_tender(parts: Sequence[Part], ruleset: Ruleset, given: GivenFacts | None = None) -> TenderJudgement:
    """`parts` in order (`tender_parts.in_order`); copies of another file (same bytes) are left out by the caller.
    `given`: facts from outside the tender (a notices CSV row naming it), laid over the gathered facts
    as `facts.merge` lays them over a document's."""
    gathered = gather_facts(parts, ruleset)
    given_notes: tuple[Finding, ...] = ()
    if given is not None:
        gathered, given_notes = _with_given(gathered, given, ruleset)
    outcome = gather_clause(parts, ruleset)
    # a notice's CPV codes, or codes given from outside, are the formal record of what is bought
    formal_codes = any(p.document.notice is not None for p in parts) or (given is not None and bool(given.cpv))
    applicability = _with_doubts(
        decide(ruleset, gathered.facts, clause_present=outcome.clause.present and not formal_codes), gathered, parts
    )
    clause = outcome.clause
    unreadable = [p for p in parts if p.assessment is None]
    open_clause = any(p.role.holds_clause for p in unreadable) or bool(outcome.absent_annexes)
    # only notices (which never hold the clause) could be read: the verdict says ISV is required, not missing
    only_notices = all(p.document.notice is not None for p in parts if p.assessment is not None)
    verdict = verdict_of(
        True, applicability, clause, clause_open=open_clause, notice=only_notices and not clause.present
    )
    if verdict == "compliant" and any(p.role.amends for p in unreadable):
        verdict = "needs_review"  # an unreadable note of information may delete what the others state
    context = Context(explanation=applicability.explanation, elements=clause.elements)
    findings: list[Finding] = [*_tender_findings(gathered, outcome.amendments, unreadable, outcome, context)]
    findings.extend(verdict_findings(verdict, applicability, clause, context))
    findings.extend(given_notes)
    languages = [p.assessment.language for p in parts if p.assessment is not None]
    language = max(set(languages), key=languages.count) if languages else "nl"
    return TenderJudgement(
        verdict=verdict,
        categories=gathered.facts.categories,
        applicability=applicability,
        clause=clause,
        decoys=outcome.decoys,
        sdg_targets=sdg_targets(ruleset, clause, gathered.facts.categories, language),
        findings=tuple(findings),
        amendments=outcome.amendments,
        lots=_lots(parts, applicability.isv_required),
    )


def _lots(parts: Sequence[Part], required: bool | None) -> tuple[LotResult, ...]:
    """The lots of the tender's notice read as data (the first, by rank), each ISV's when the tender
    needs ISV and the lot is in a category."""
    notices = sorted(
        (p for p in parts if p.document.notice is not None and p.assessment is not None),
        key=lambda p: (p.role.rank, p.order),
    )
    for part in notices:
        if part.report.lots:
            return tuple(
                with_file(lot, part.file).model_copy(update={"isv_required": required if lot.categories else False})
                for lot in part.report.lots
            )
    return ()


# the gathered facts a given fact settles: a conflict between files over them no longer matters
_SETTLES = {
    "authority": ("authority",),
    "central_government": ("authority",),
    "estimated_value": ("value",),
    "publication_date": ("date",),
}


def _with_given(gathered: Gathered, given: GivenFacts, ruleset: Ruleset) -> tuple[Gathered, tuple[Finding, ...]]:
    """The gathered facts with `given` laid over them; the files' disagreements about a fact the given
    facts settle are dropped, and that fact's source is "" (outside the tender: it outranks every file)."""
    facts, notes = merge(gathered.facts, given, ruleset)
    settled = {fact for name, settles in _SETTLES.items() if getattr(given, name) is not None for fact in settles}
    return (
        replace(
            gathered,
            facts=facts,
            conflicts=tuple(c for c in gathered.conflicts if c.fact not in settled),
            sources={**gathered.sources, **dict.fromkeys(settled, "")},
            corrected_by=None if "value" in settled else gathered.corrected_by,
        ),
        notes,
    )


def _with_doubts(applicability: Applicability, gathered: Gathered, parts: Sequence[Part]) -> Applicability:
    """The decision left open where files disagree in a way that matters, or where an unreadable file
    outranks the files that gave the deciding facts."""
    if applicability.isv_required is None:
        return applicability
    doubts: list[Reason] = []
    for conflict in gathered.conflicts:
        if conflict.changes:
            doubts.append(
                Reason(
                    code="decision.conflict",
                    params={
                        "fact": conflict.fact,
                        "chosen": conflict.chosen,
                        "chosen_file": conflict.chosen_file,
                        "other": conflict.other,
                        "other_file": conflict.other_file,
                    },
                )
            )
    ranks = {p.file: p.role.rank for p in parts}
    deciding = [ranks.get(f, 0) for fact, f in gathered.sources.items() if fact in ("authority", "value")]
    weakest = max(deciding, default=len(ranks) + 100)
    above = [p.file for p in parts if p.assessment is None and p.role.rank < weakest and p.role.rank <= 2]
    if above:
        doubts.append(Reason(code="decision.unreadable", params={"files": tuple(above)}))
    if not doubts:
        return applicability
    return applicability.model_copy(
        update={
            "isv_required": None,
            "explanation": (*applicability.explanation, *doubts),
            "reasons": (*applicability.reasons, *(sentence(d, "en") for d in doubts)),
        }
    )


def _tender_findings(
    gathered: Gathered,
    amendments: Sequence[Amendment],
    unreadable: Sequence[Part],
    outcome: GatheredClause,
    context: Context,
) -> list[Finding]:
    out: list[Finding] = []
    params: dict[str, Param]
    for part in unreadable:
        params = {"file": part.file, "status": part.document.status.value}
        out.append(finding("tender.unreadable", "warning", params))
    for conflict in gathered.conflicts:
        params = {
            "fact": conflict.fact,
            "chosen": conflict.chosen,
            "chosen_file": conflict.chosen_file,
            "other": conflict.other,
            "other_file": conflict.other_file,
        }
        out.append(finding("tender.conflict", "warning", params, evidence=conflict.evidence))
    if gathered.corrected_by is not None and gathered.facts.value.amount is not None:
        params = {"file": gathered.corrected_by, "value": gathered.facts.value.amount}
        out.append(finding("tender.value_corrected", "info", params, evidence=gathered.facts.value.evidence[:1]))
    for absent in outcome.absent_annexes:
        params = {"file": absent.file, "annex": absent.ref.label}
        out.append(finding("tender.annex_absent", "warning", params, evidence=(absent.ref.evidence,)))
    for amendment in amendments:
        params = {"file": amendment.file}
        if amendment.element is not None:
            params["element"] = amendment.element
        out.append(finding(f"tender.{amendment.change}", "info", params, context=context, evidence=amendment.evidence))
    return out
