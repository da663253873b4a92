"""A tender's files as parts: each file's role, its own report and, when it could be read, what its
judgement was made from, with every quote naming the file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..document import Document
from ..report import Report
from ..ruleset.models import TenderRole
from .dates import STATED
from .engine import Assessment
from .facts import Facts
from .tender_roles import number_in_name


@dataclass(frozen=True)
class Part:
    file: str
    role: TenderRole
    document: Document
    report: Report
    assessment: Assessment | None  # None: the file could not be read (or is a copy of another)
    order: int = 0  # the order parts are taken in: the rest by name, then the amending notes in their order

    @property
    def facts(self) -> Facts:
        assert self.assessment is not None, "only readable parts have facts"
        return self.assessment.facts


def in_order(parts: Sequence[Part]) -> tuple[Part, ...]:
    """Parts numbered in the order they count: the files that do not amend, by name, then the notes of
    information (rules/tender.yaml `amends`) by their stated date when every note states one, else by
    the number in their name (notes without a number last), then by name."""
    base = sorted((p for p in parts if not p.role.amends), key=lambda p: p.file)
    notes = [p for p in parts if p.role.amends]
    dates = {p.file: _stated_date(p) for p in notes}
    if all(dates.values()):
        notes.sort(key=lambda p: (dates[p.file] or "", _number(p), p.file))
    else:
        notes.sort(key=lambda p: (_number(p), p.file))
    return tuple(replace(p, order=i) for i, p in enumerate((*base, *notes), start=1))


def _number(part: Part) -> float:
    number = number_in_name(part.file)
    return float("inf") if number is None else number


def _stated_date(part: Part) -> str | None:
    if part.assessment is None:
        return None
    facts = part.assessment.facts
    return facts.date if facts.date and facts.date_origin in STATED else None
