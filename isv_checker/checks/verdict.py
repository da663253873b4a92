"""The verdict and the SDG targets follow from the facts; nothing here looks at text."""

from __future__ import annotations

from ..report import Applicability, CategoryResult, Clause, SdgTarget, Verdict
from ..ruleset.load import Ruleset
from ..sdg.links import Conditions, reached


def verdict_of(
    readable: bool,
    applicability: Applicability | None,
    clause: Clause | None,
    clause_open: bool = False,
    notice: bool = False,
) -> Verdict:
    """`clause_open`: the clause may be in a file that was not checked (an annex the document names, an
    unreadable file of the tender), so that a clause missing or incomplete here is not a verdict.
    `notice`: a procurement notice, which never carries the clause: mandatory ISV is `required`."""
    if not readable or applicability is None or clause is None:
        return "unreadable"
    if applicability.isv_required is None:
        return "needs_review"
    if not applicability.isv_required:
        return "not_required"
    if notice:
        return "required"
    complete = clause.present and all(e.found for e in clause.elements)
    if clause_open and not complete:
        return "needs_review"
    if not clause.present:
        return "missing"
    return "compliant" if complete else "incomplete"


def sdg_targets(
    ruleset: Ruleset, clause: Clause, categories: tuple[CategoryResult, ...], language: str
) -> tuple[SdgTarget, ...]:
    """Targets the contract contributes to once the clause is applied (ISV.md section 6). Without the
    clause no link holds (`sdg.links.holds`): none is looked at, as for every notice."""
    if not clause.present:
        return ()
    conditions = Conditions(
        isv_applied=clause.present,
        elements=frozenset(e.id for e in clause.elements if e.found),
        categories=frozenset(c.id for c in categories),
    )
    return tuple(
        SdgTarget(
            target=target,
            goal=link.goal,
            title=link.title_en if language == "en" else link.title_nl,
            rationale=link.rationale_en,
            rule=link.id,
        )
        for target, (link, *_) in reached(ruleset.sdg, conditions).items()
    )
