"""The verdict and the SDG targets follow from the facts; nothing here looks at text."""

from __future__ import annotations

from ..report import Applicability, CategoryResult, Clause, SdgTarget, Verdict
from ..ruleset.load import Ruleset


def verdict_of(readable: bool, applicability: Applicability | None, clause: Clause | None) -> Verdict:
    if not readable or applicability is None or clause is None:
        return "unreadable"
    if applicability.isv_required is None:
        return "needs_review"
    if not applicability.isv_required:
        return "not_required"
    if not clause.present:
        return "missing"
    return "compliant" if all(e.found for e in clause.elements) else "incomplete"


def sdg_targets(ruleset: Ruleset, clause: Clause, categories: tuple[CategoryResult, ...], language: str) -> tuple[SdgTarget, ...]:
    """Targets the contract contributes to once the clause is applied (ISV.md section 6)."""
    if not clause.present:
        return ()
    found = {e.id for e in clause.elements if e.found}
    category_ids = {c.id for c in categories}
    out: list[SdgTarget] = []
    seen: set[str] = set()
    for link in ruleset.sdg:
        applies = (
            link.when == "isv_applied"
            or (link.when == "element" and link.element in found)
            or (link.when == "category" and link.category in category_ids)
        )
        if applies and link.target not in seen:
            seen.add(link.target)
            title = link.title_en if language == "en" else link.title_nl
            out.append(SdgTarget(target=link.target, goal=link.goal, title=title, rationale=link.rationale, rule=link.id))
    return tuple(sorted(out, key=lambda t: tuple(int(p) if p.isdigit() else 99 for p in t.target.split("."))))
