"""Runs the rules stage over one document: match once, then decide categories, the facts,
applicability, clause, verdict and SDG targets from the same hits, into one `Judgement`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..document import Document
from ..notice import Notice
from ..records import trusted_maker
from ..report import Applicability, Clause, Finding, Judgement, RulesetRef, Severity, Verdict
from ..ruleset.load import Ruleset
from ..ruleset.models import Matcher as MatchSpec
from .applicability import decide, read_facts
from .categories import find_categories, subject_blocks, weak_key
from .clause import ClauseOutcome, find_clause
from .facts import Facts, GivenFacts, merge
from .findings import Context, finding
from .hits import HitIndex
from .matching import RuleMatcher
from .notice import absent_clause, lot_results, notice_facts, notice_text_blocks
from .verdict import sdg_targets, verdict_of


@lru_cache(maxsize=4)
def rules_matcher(ruleset: Ruleset) -> RuleMatcher:
    """Every rule's matcher, built once per ruleset and process (building it costs about 0.1 s)."""
    return RuleMatcher([*ruleset.rules(), *_weak(ruleset)])


@lru_cache(maxsize=4)
def notice_matcher(ruleset: Ruleset) -> RuleMatcher:
    """The matcher of what a notice's words (titles, descriptions) are checked for: the categories,
    strong and weak, the only rules a notice's judgement reads there. A rule's hits do not depend on
    the other rules, so these are the hits `rules_matcher` would give; it builds in a fraction of the
    time, which a worker judging a bulk package of notices pays once, and with no other rule's terms
    fewer of a text's words start one (the authorities' terms made every notice's words cost 10% more)."""
    return RuleMatcher([*ruleset.categories, *_weak(ruleset)])


@lru_cache(maxsize=4)
def names_matcher(ruleset: Ruleset) -> RuleMatcher:
    """The matcher of a buyer's name as a notice gives it (`facts.recognise_authority`): the authorities."""
    return RuleMatcher(ruleset.authorities)


def _weak(ruleset: Ruleset) -> list[tuple[str, MatchSpec]]:
    return [(weak_key(c.id), MatchSpec(terms=c.weak)) for c in ruleset.categories if c.weak]


@dataclass(frozen=True)
class Assessment:
    """A readable document's judgement with what it was made from: the facts, the clause outcome and
    the rule hits. A tender check judges its documents one by one and then the tender from these."""

    judgement: Judgement
    facts: Facts
    outcome: ClauseOutcome
    hits: HitIndex
    language: str


def judge(document: Document, ruleset: Ruleset, given: GivenFacts | None = None) -> Judgement:
    """Everything the rules decide about a document. `given`: facts from outside it (a notices CSV
    row, ...), laid over those the document states before anything is decided."""
    if not document.readable:
        return unreadable(document, ruleset_ref(ruleset), given)
    return assess(document, ruleset, given).judgement


@lru_cache(maxsize=4)
def ruleset_ref(ruleset: Ruleset) -> RulesetRef:
    """The ruleset as a report names it; frozen, so one record per ruleset serves every judgement."""
    return RulesetRef(id=ruleset.info.id, version=ruleset.info.version)


def assess(document: Document, ruleset: Ruleset, given: GivenFacts | None = None) -> Assessment:
    """`judge` for a readable document, keeping what the judgement was made from."""
    language = document.language or "nl"
    if document.notice is not None:
        # only a notice's words (title, descriptions) can name a category; its codes and names are data
        words = [document.blocks[i] for i in notice_text_blocks(document.notice)]
        hits = HitIndex.of(notice_matcher(ruleset).run(words, language) if words else [])
        return assess_notice(document, document.notice, ruleset, hits, language, given)
    hits = HitIndex.of(rules_matcher(ruleset).run(document.blocks, language))
    subject = subject_blocks(document, ruleset)
    categories = find_categories(document, ruleset, hits, subject)
    facts = read_facts(document, ruleset, hits, categories, subject)
    notes: tuple[Finding, ...] = ()
    if given is not None:
        facts, notes = merge(facts, given, ruleset)
    outcome = find_clause(document, ruleset, hits, language)
    # CPV codes given from outside are the formal record of what is bought: no category then decides
    formal_codes = given is not None and bool(given.cpv)
    applicability = decide(ruleset, facts, clause_present=outcome.clause.present and not formal_codes)
    context = Context(
        explanation=applicability.explanation,
        elements=outcome.clause.elements,
        status_message=document.message,
        coded_status_message=document.coded_message,
        ocr_pages=document.ocr_pages,
    )
    reading = (finding("read.ocr", "info", context=context),) if document.ocr_pages else ()
    verdict = verdict_of(True, applicability, outcome.clause, clause_open=bool(outcome.annex_refs))
    elsewhere: tuple[Finding, ...] = ()
    if outcome.annex_refs and verdict == "needs_review" and applicability.isv_required is not None:
        annexes = tuple(ref.label for ref in outcome.annex_refs)
        evidence = tuple(ref.evidence for ref in outcome.annex_refs)
        elsewhere = (finding("clause.elsewhere", "warning", {"annexes": annexes}, evidence=evidence),)
    judgement = Judgement(
        ruleset=ruleset_ref(ruleset),
        verdict=verdict,
        categories=facts.categories,
        applicability=applicability,
        clause=outcome.clause,
        decoys=outcome.decoys,
        sdg_targets=sdg_targets(ruleset, outcome.clause, facts.categories, language),
        findings=elsewhere + verdict_findings(verdict, applicability, outcome.clause, context) + reading + notes,
    )
    return Assessment(judgement=judgement, facts=facts, outcome=outcome, hits=hits, language=language)


def assess_notice(
    document: Document,
    notice: Notice,
    ruleset: Ruleset,
    hits: HitIndex,
    language: str,
    given: GivenFacts | None = None,
) -> Assessment:
    """A procurement notice judged from its facts as data (`checks/notice.py`). It never holds the
    clause: when ISV is mandatory the verdict is `required`, and a finding says where to check it."""
    stated = notice_facts(document, notice, ruleset, hits)
    facts, notes = stated.facts, stated.findings
    if given is not None:
        facts, given_notes = merge(facts, given, ruleset)
        notes += given_notes
    applicability = decide(ruleset, facts)
    clause = absent_clause(ruleset)
    outcome = ClauseOutcome(clause=clause, decoys=(), regions=frozenset())
    verdict = verdict_of(True, applicability, clause, notice=True)
    context = Context(explanation=applicability.explanation, elements=clause.elements)
    lots = lot_results(document, stated.lots, applicability.isv_required) if len(notice.lots) > 1 else ()
    findings: list[Finding] = [_no_clause(notice.kind)]
    if verdict == "needs_review":
        undecided = applicability.reason("decision")
        findings.append(
            finding("verdict.needs_review", "warning", dict(undecided.params) if undecided else {}, context=context)
        )
    in_lots = tuple(lot.id for lot in lots if lot.isv_required is not False)
    if lots and in_lots and applicability.isv_required is not False:
        findings.append(
            finding(
                "notice.lots",
                "info",
                {"lots": in_lots, "of": len(lots)},
                evidence=tuple(e for lot in lots for e in lot.evidence[:1]),
            )
        )
    judgement = _make_judgement(
        {
            "ruleset": ruleset_ref(ruleset),
            "verdict": verdict,
            "categories": tuple(facts.categories),
            "applicability": applicability,
            "clause": clause,
            "decoys": (),
            "sdg_targets": sdg_targets(ruleset, clause, facts.categories, language),
            "findings": (*findings, *notes),
            "lots": lots,
        }
    )
    return Assessment(judgement=judgement, facts=facts, outcome=outcome, hits=hits, language=language)


@lru_cache(maxsize=8)
def _no_clause(kind: str) -> Finding:
    """The finding that a notice does not carry the clause: the same for every notice of a kind (and
    frozen), so made once per kind, not rendered again for each notice of a bulk package."""
    return finding("notice.no_clause", "info", {"kind": kind})


# A notice's judgement holds only records made above, and every notice of a bulk package makes one:
# it is not validated again (`records.trusted_maker`; tests hold it to a validated one).
_make_judgement = trusted_maker(
    Judgement,
    {
        "ruleset": RulesetRef(id="isv-nl", version="1"),
        "verdict": "required",
        "categories": (),
        "applicability": None,
        "clause": Clause(present=False, location=None, elements=()),
        "decoys": (),
        "sdg_targets": (),
        "findings": (),
        "lots": (),
    },
)


def unreadable(document: Document, ruleset: RulesetRef | None, given: GivenFacts | None = None) -> Judgement:
    """The judgement of a document that could not be read, or whose check failed: `unreadable`, with why."""
    context = Context(status_message=document.message, coded_status_message=document.coded_message)
    findings = [finding("read.failed", "error", {"status": document.status.value}, context=context)]
    if given is not None:
        findings.append(finding("metadata.unchecked", "info", source=given.source))
    return Judgement(ruleset=ruleset, verdict="unreadable", findings=tuple(findings))


def verdict_findings(
    verdict: Verdict, applicability: Applicability, clause: Clause, context: Context
) -> tuple[Finding, ...]:
    """What the verdict means for the buyer, as findings: the clause missing, facts to review, the
    elements a present clause does not state."""
    findings: list[Finding] = []
    if verdict == "missing":
        findings.append(finding("verdict.missing", "error"))
    if verdict == "needs_review" and applicability.isv_required is None:
        undecided = applicability.reason("decision")
        params = dict(undecided.params) if undecided else {}
        findings.append(finding("verdict.needs_review", "warning", params, context=context))
    if clause.present and verdict == "not_required":
        findings.append(finding("clause.not_required", "info", evidence=clause.evidence))
    if clause.present:
        for element in clause.elements:
            if not element.found:
                severity: Severity = "warning" if verdict == "incomplete" else "info"
                element_params = {"element": element.id}
                findings.append(
                    finding("element.missing", severity, element_params, context=context, rule=element.rule)
                )
    return tuple(findings)
