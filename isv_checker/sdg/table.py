"""The SDG contribution table for the Jaarrapportage Bedrijfsvoering Rijk: pure counting over reports.

Each report counts as one contract. A contract reaches an SDG target through the links in
`rules/sdg.yaml`, taken as if ISV were fully applied (so a contract with the clause missing still
shows in the rows of the targets it should reach, under "missing"):

- `isv_applied` and `element` links: every contract in one of the ten categories, or with a clause;
- `category` links: only contracts of that category, and only in that category's row.

Rows are per (target, category) with a total per target, and per category with a grand total. A
contract in two categories is in both category rows but once in every total: totals count distinct
contracts, never sums of rows. Unreadable reports and reports that need review are not counted;
with a year, reports of other years and reports without a date are left out (and counted for the
method note). Reports of identical files (same sha256) count once.

Given tender reports (`isv-check tender --format json`, a results database of `batch --tenders`),
each tender counts as one contract instead, from its own verdict and facts: the annual report counts
tenders, and a tender's files are not contracts of their own. The same tender given twice (the same
files) counts once. Tender and document reports are not mixed in one table; `SdgTable.unit` says
which were counted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..report import Report
from ..ruleset.load import Ruleset
from ..ruleset.models import SdgLink
from ..tender.report import TenderReport
from .links import Conditions, reached, target_key

NO_CATEGORY = "none"
UNITS = ("documents", "tenders")
COUNTED = frozenset(("compliant", "incomplete", "missing", "not_required"))


def contract_links(
    categories: Iterable[str], clause_present: bool, ruleset: Ruleset
) -> dict[str, list[tuple[SdgLink, str]]]:
    """Per target, the (link, category row) pairs a contract reaches once ISV is fully applied.

    An `isv_applied` or `element` link counts in every category row of the contract (NO_CATEGORY for a
    contract with a clause but no category), a `category` link only in its own. Empty for a contract
    outside the ten categories without a clause: ISV does not concern it.
    """
    own = list(categories)
    rows = own or [NO_CATEGORY]
    return {
        target: [
            (link, row)
            for link in links
            for row in ([link.category or NO_CATEGORY] if link.when == "category" else rows)
        ]
        for target, links in reached(ruleset.sdg, Conditions.fully_applied(own, clause_present, ruleset)).items()
    }


@dataclass(frozen=True)
class Contract:
    """What the table needs of one report."""

    file: str
    sha256: str | None
    verdict: str
    required: bool
    clause_present: bool
    categories: tuple[str, ...]
    value_eur: float | None
    date: str | None
    pairs: frozenset[tuple[str, str]]  # (target, category row) pairs

    @property
    def targets(self) -> frozenset[str]:
        return frozenset(t for t, _ in self.pairs)


@dataclass(frozen=True)
class Counts:
    contracts: int = 0
    required: int = 0
    complete: int = 0
    incomplete: int = 0
    missing: int = 0
    voluntary: int = 0  # not required, clause present anyway
    value_eur: float = 0.0
    without_value: int = 0

    @property
    def share_complete(self) -> float | None:
        """Share of required contracts with a complete clause; None when none was required."""
        return self.complete / self.required if self.required else None

    @classmethod
    def of(cls, contracts: Iterable[Contract]) -> Counts:
        items = list(contracts)
        return cls(
            contracts=len(items),
            required=sum(c.required for c in items),
            complete=sum(c.required and c.verdict == "compliant" for c in items),
            incomplete=sum(c.required and c.verdict == "incomplete" for c in items),
            missing=sum(c.required and c.verdict == "missing" for c in items),
            voluntary=sum(not c.required and c.clause_present for c in items),
            value_eur=float(sum(c.value_eur for c in items if c.value_eur is not None)),
            without_value=sum(c.value_eur is None for c in items),
        )


@dataclass(frozen=True)
class Row:
    target: str | None  # None in the per-category table
    category: str | None  # a category id, NO_CATEGORY, or None for a total
    counts: Counts


@dataclass(frozen=True)
class Target:
    target: str
    goal: int
    title_nl: str
    title_en: str
    links: tuple[SdgLink, ...]


@dataclass(frozen=True)
class Exclusions:
    """What is not in the table, for the method note."""

    duplicates: int = 0
    unreadable: tuple[str, ...] = ()
    needs_review: tuple[str, ...] = ()
    other_year: int = 0
    undated: tuple[str, ...] = ()  # left out because a year was asked for
    undated_counted: int = 0  # counted because no year was asked for
    outside: int = 0  # counted, but linked to no target


@dataclass(frozen=True)
class SdgTable:
    year: int | None
    ruleset: str
    reports: int
    sources: int
    targets: tuple[Target, ...]
    by_target: tuple[Row, ...]
    by_category: tuple[Row, ...]
    total: Counts
    exclusions: Exclusions
    contracts: tuple[Contract, ...] = field(default=(), repr=False)
    unit: str = "documents"  # what each contract is: a document's report, or a tender's (UNITS)


class MixedResults(ValueError):
    """Tender reports and document reports given together: a table counts one or the other."""


def _unit(report: Report | TenderReport) -> str:
    return "tenders" if isinstance(report, TenderReport) else "documents"


def _identity(report: Report | TenderReport) -> tuple[str, str | None, bool]:
    """(name, digest of the content, readable) of a report: a tender's digest is of its files'."""
    if isinstance(report, TenderReport):
        digests = sorted(f.sha256 or f"{f.file}:{f.status.value}" for f in report.files)
        return report.tender, hashlib.sha256("\n".join(digests).encode()).hexdigest(), True
    return report.file, report.sha256, report.readable


def _contract(report: Report | TenderReport, ruleset: Ruleset) -> Contract:
    app = report.applicability
    clause_present = bool(report.clause and report.clause.present)
    categories = tuple(dict.fromkeys(c.id for c in report.categories))
    links = contract_links(categories, clause_present, ruleset)
    name, digest, _ = _identity(report)
    return Contract(
        file=name,
        sha256=digest,
        verdict=report.verdict or "unreadable",
        required=bool(app and app.isv_required),
        clause_present=clause_present,
        categories=categories,
        value_eur=app.value_eur.amount if app is not None else None,
        date=app.document_date if app is not None else None,
        pairs=frozenset((target, row) for target, pairs in links.items() for _, row in pairs),
    )


def aggregate(
    reports: Iterable[Report | TenderReport], ruleset: Ruleset, *, year: int | None = None, sources: int = 1
) -> SdgTable:
    """Count `reports` into the table; pure, so the same reports always give the same table. All
    document reports or all tender reports; MixedResults for both."""
    seen: set[str] = set()
    duplicates = other_year = undated_counted = 0
    unreadable: list[str] = []
    needs_review: list[str] = []
    undated: list[str] = []
    counted: list[Contract] = []
    total_reports = 0
    unit: str | None = None
    for report in reports:
        total_reports += 1
        if unit is None:
            unit = _unit(report)
        elif _unit(report) != unit:
            raise MixedResults(
                "give either tender results (isv-check tender --format json, batch --tenders) or document results,"
                " not both: a table counts tenders or documents"
            )
        name, digest, readable = _identity(report)
        if digest is not None:
            if digest in seen:
                duplicates += 1
                continue
            seen.add(digest)
        verdict = report.verdict or "unreadable"
        if not readable or verdict == "unreadable":
            unreadable.append(name)
            continue
        contract = _contract(report, ruleset)
        if year is not None:
            if contract.date is None:
                undated.append(name)
                continue
            if not contract.date.startswith(f"{year:04d}"):
                other_year += 1
                continue
        if verdict not in COUNTED:
            needs_review.append(name)
            continue
        if contract.date is None:
            undated_counted += 1
        counted.append(contract)

    order = {c.category: i for i, c in enumerate(ruleset.categories)}
    order[NO_CATEGORY] = len(order)
    targets: dict[str, Target] = {}
    for link in sorted(ruleset.sdg, key=lambda link: target_key(link.target)):
        known = targets.get(link.target)
        targets[link.target] = Target(
            link.target, link.goal, link.title_nl, link.title_en, (*known.links, link) if known else (link,)
        )

    by_target: list[Row] = []
    for target in targets:
        members = [c for c in counted if target in c.targets]
        if not members:
            continue
        rows = sorted({row for c in members for t, row in c.pairs if t == target}, key=lambda r: order.get(r, 99))
        for row in rows:
            by_target.append(Row(target, row, Counts.of(c for c in members if (target, row) in c.pairs)))
        by_target.append(Row(target, None, Counts.of(members)))

    by_category: list[Row] = []
    present = sorted({r for c in counted for r in (c.categories or (NO_CATEGORY,))}, key=lambda r: order.get(r, 99))
    for category in present:
        members = [c for c in counted if (category in c.categories) or (category == NO_CATEGORY and not c.categories)]
        by_category.append(Row(None, category, Counts.of(members)))
    total = Counts.of(counted)
    by_category.append(Row(None, None, total))

    used = {t for c in counted for t in c.targets}
    return SdgTable(
        year=year,
        ruleset=f"{ruleset.info.id} {ruleset.info.version}",
        reports=total_reports,
        sources=sources,
        targets=tuple(t for t in targets.values() if t.target in used),
        by_target=tuple(by_target),
        by_category=tuple(by_category),
        total=total,
        exclusions=Exclusions(
            duplicates=duplicates,
            unreadable=tuple(unreadable),
            needs_review=tuple(needs_review),
            other_year=other_year,
            undated=tuple(undated),
            undated_counted=undated_counted,
            outside=sum(1 for c in counted if not c.pairs),
        ),
        contracts=tuple(counted),
        unit=unit or "documents",
    )
