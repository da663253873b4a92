"""The facts of a tender, gathered from all its files: where files disagree, the file of the lowest rank
(rules/tender.yaml: the notice, then the guidelines, ...) wins, the disagreement is a `Conflict` with
both quotes, and whether it changes the outcome is worked out by deciding with the other file's fact.

A note of information that corrects a fact in so many words ("de geraamde waarde wordt gewijzigd in")
is no conflict: its value replaces the others'. Categories are the union of the files' (a lot in a
category makes the tender one), named by the file of lowest rank that finds each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..report import Applicability, Authority, CategoryResult, Evidence, Value
from ..ruleset.load import Ruleset
from .applicability import decide, threshold_for
from .dates import STATED
from .facts import Facts
from .tender_parts import Part
from .tender_roles import any_of

VALUE_TOLERANCE = 0.01  # two values within 1% of each other are the same value, rounded
CONFLICT_CONFIDENCE = 0.85  # a value less clearly labelled as the estimate does not contradict another


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two files that state a fact differently; `changes`: deciding with `other` changes the outcome."""

    fact: str  # authority, value or date
    chosen_file: str
    chosen: str
    other_file: str
    other: str
    evidence: tuple[Evidence, ...]
    changes: bool


@dataclass(frozen=True, slots=True)
class Gathered:
    facts: Facts
    conflicts: tuple[Conflict, ...]
    sources: dict[str, str]  # fact -> the file it was taken from
    corrected_by: str | None = None  # a note that corrected the value


def gather_facts(parts: Sequence[Part], ruleset: Ruleset) -> Gathered:
    # a notice read as data before any file of its rank: its facts are the formal record
    readable = sorted(
        (p for p in parts if p.assessment is not None),
        key=lambda p: (p.role.rank, p.document.notice is None, p.order),
    )
    sources: dict[str, str] = {}
    conflicts: list[tuple[str, Part, Part]] = []

    def pick(
        fact: str,
        known: Callable[[Facts], bool],
        differs: Callable[[Facts, Facts], bool],
        sure: Callable[[Facts], bool] = lambda f: True,
    ) -> Part | None:
        # the file of lowest rank among those that state the fact clearly, else among all that state it
        candidates = sorted((p for p in readable if known(p.facts)), key=lambda p: not sure(p.facts))
        if not candidates:
            return None
        chosen = candidates[0]
        sources[fact] = chosen.file
        seen: list[Facts] = []
        for other in candidates[1:]:
            if differs(chosen.facts, other.facts) and not any(not differs(s, other.facts) for s in seen):
                conflicts.append((fact, chosen, other))
                seen.append(other.facts)
        return chosen

    authority_part = pick(
        "authority",
        lambda f: f.authority.central_government is not None,
        lambda a, b: a.authority.central_government != b.authority.central_government,
    )
    corrected = _correcting_note(readable, ruleset)
    if corrected is not None:
        value_part: Part | None = corrected
        sources["value"] = corrected.file
    else:
        value_part = pick(
            "value",
            lambda f: f.value.amount is not None,
            lambda a, b: _values_differ(a.value, b.value),
            lambda f: f.value.confidence is None or f.value.confidence >= CONFLICT_CONFIDENCE,
        )
    stated = [p for p in readable if p.facts.date and p.facts.date_origin in STATED]
    date_part = pick(
        "date",
        lambda f: bool(f.date) and (f.date_origin in STATED or not stated),
        lambda a, b: _period(ruleset, a.date) != _period(ruleset, b.date),
    )
    procedure_part = next((p for p in readable if p.facts.procedure), None)
    top = min((p.role.rank for p in readable), default=0)
    facts = Facts(
        authority=authority_part.facts.authority if authority_part else Authority(name=None, central_government=None),
        value=value_part.facts.value if value_part else Value(amount=None),
        date=date_part.facts.date if date_part else None,
        date_origin=date_part.facts.date_origin if date_part else None,
        categories=_categories(readable),
        works=any(p.facts.works for p in readable if p.role.rank == top) or any(p.facts.works for p in readable),
        procedure=procedure_part.facts.procedure if procedure_part else None,
    )
    base = decide(ruleset, facts)
    return Gathered(
        facts=facts,
        conflicts=tuple(_conflict(fact, chosen, other, facts, base, ruleset) for fact, chosen, other in conflicts),
        sources=sources,
        corrected_by=corrected.file if corrected else None,
    )


def _values_differ(a: Value, b: Value) -> bool:
    if a.amount is None or b.amount is None:
        return False
    if b.confidence is not None and b.confidence < CONFLICT_CONFIDENCE:
        return False
    return abs(a.amount - b.amount) > VALUE_TOLERANCE * max(a.amount, b.amount)


def _period(ruleset: Ruleset, date: str | None) -> str | None:
    import datetime as dt

    period = threshold_for(ruleset, dt.date.fromisoformat(date)) if date else None
    return f"{period.start.year}-{period.end.year}" if period else None


def _correcting_note(readable: Sequence[Part], ruleset: Ruleset) -> Part | None:
    """The last note whose value stands in a sentence that corrects it, or None."""
    words = any_of(ruleset.tender.corrects)
    found: Part | None = None
    for part in sorted((p for p in readable if p.role.amends), key=lambda p: p.order):
        value = part.facts.value
        if value.amount is None or not value.evidence:
            continue
        block = part.document.blocks[value.evidence[0].block]
        if words.search(block.text):
            found = part
    return found


def _categories(readable: Sequence[Part]) -> tuple[CategoryResult, ...]:
    out: dict[str, CategoryResult] = {}
    for part in readable:
        for category in part.facts.categories:
            out.setdefault(category.id, category)
    return tuple(out.values())


def _conflict(fact: str, chosen: Part, other: Part, facts: Facts, base: Applicability, ruleset: Ruleset) -> Conflict:
    if fact == "authority":
        alternative = replace(facts, authority=other.facts.authority)
        shown = (_authority(chosen.facts.authority), _authority(other.facts.authority))
        evidence = (*chosen.facts.authority.evidence[:1], *other.facts.authority.evidence[:1])
    elif fact == "value":
        alternative = replace(facts, value=other.facts.value)
        shown = (f"EUR {chosen.facts.value.amount:,.0f}", f"EUR {other.facts.value.amount:,.0f}")
        evidence = (*chosen.facts.value.evidence[:1], *other.facts.value.evidence[:1])
    else:
        alternative = replace(facts, date=other.facts.date, date_origin=other.facts.date_origin)
        shown = (str(chosen.facts.date), str(other.facts.date))
        evidence = ()
    changes = decide(ruleset, alternative).isv_required != base.isv_required
    return Conflict(
        fact=fact,
        chosen_file=chosen.file,
        chosen=shown[0],
        other_file=other.file,
        other=shown[1],
        evidence=evidence,
        changes=changes,
    )


def _authority(authority: Authority) -> str:
    return authority.name or "?"
