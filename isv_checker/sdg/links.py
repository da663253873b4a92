"""Which SDG targets a contract reaches: the one reading of the links in `rules/sdg.yaml`.

A link holds only where ISV is applied, and then by its `when`: `isv_applied` always, `element` when the
clause states that element, `category` when the contract falls in that category. A report asks what its
clause gives today (`checks.verdict.sdg_targets`); the SDG table and the memo ask what a contract gives
once ISV is fully applied (`Conditions.fully_applied`, through `sdg.table.contract_links`). Both ask
`reached`, so the report and the table cannot come to read a link differently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..ruleset.load import Ruleset
from ..ruleset.models import SdgLink


@dataclass(frozen=True)
class Conditions:
    """What the links are conditioned on, as ids: of the clause's elements stated, of the contract's categories."""

    isv_applied: bool
    elements: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()

    @classmethod
    def fully_applied(cls, categories: Iterable[str], clause_present: bool, ruleset: Ruleset) -> Conditions:
        """A contract as if its clause were there and complete: what the table counts it under.

        ISV concerns a contract in one of the categories, or one that has a clause anyway; a contract
        with neither is outside, and reaches nothing.
        """
        own = frozenset(categories)
        return cls(
            isv_applied=bool(own) or clause_present,
            elements=frozenset(e.element for e in ruleset.elements),
            categories=own,
        )


def holds(link: SdgLink, conditions: Conditions) -> bool:
    if not conditions.isv_applied:
        return False
    if link.when == "isv_applied":
        return True
    if link.when == "element":
        return link.element in conditions.elements
    return link.category in conditions.categories


def target_key(target: str) -> tuple[int, ...]:
    """Targets in the UN's order: 8.7 before 8.10, and the lettered means-of-implementation targets (8.a) last."""
    return tuple(int(p) if p.isdigit() else 99 for p in target.split("."))


def reached(links: Iterable[SdgLink], conditions: Conditions) -> dict[str, tuple[SdgLink, ...]]:
    """Per target, in target order, the links that hold, in the order of sdg.yaml; empty where ISV is not applied.

    Several links may reach one target (8.7 through ISV and through a category); a report names the
    first, the table counts every one in its own row.
    """
    out: dict[str, list[SdgLink]] = {}
    for link in links:
        if holds(link, conditions):
            out.setdefault(link.target, []).append(link)
    return {target: tuple(out[target]) for target in sorted(out, key=target_key)}
