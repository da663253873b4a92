"""The SDG contribution table for the Jaarrapportage Bedrijfsvoering Rijk: pure counting over reports.

Each report counts as one contract. A contract reaches an SDG target through the links in
`rules/sdg.yaml`, taken as if ISV were fully applied (so a contract with the clause missing still
counts under the targets it should reach, as "missing"):

- `isv_applied` and `element` links: every contract in one of the ten categories, or with a clause;
- `category` links: only contracts of that category, and only in that category's row.

The table is laid out as the annual report prints it: one row per ISV category (every category of
the rules, in the order of their groups, so the table keeps its shape from year to year) with a cell
per SDG target, and rows per ministry and per year. A category row's cell holds the row's contracts
that reach the target; a category a target is not linked to has no cell there. A contract in two
categories is in both category rows but once in every total: the total row and its cells count
distinct contracts, never sums of rows. Per ministry and per year each contract is in exactly one row.

Unreadable reports and reports that need review are not counted; with a year, reports of other years
and reports without a date are left out (and counted for the method note). Reports of identical
files (same sha256) count once.

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
from functools import lru_cache

from ..checks.authorities import canonical
from ..report import Report
from ..ruleset.load import Ruleset
from ..ruleset.models import SdgLink
from ..tender.report import TenderReport
from .links import Conditions, reached, target_key

NO_CATEGORY = "none"  # the row a contract in none of the categories reaches its targets in
NO_AUTHORITY = ""  # the ministry row of contracts whose authority was not found
NO_DATE = ""  # the year row of contracts without a document date
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


def ministry_of(authority: str | None, ruleset: Ruleset) -> str:
    """The row of the table per ministry that a contract of `authority` goes in.

    The name is first matched to the authority names table (so "RWS" is Rijkswaterstaat), then to the
    ministry it reports under (`ministries:` in sdg.yaml). An authority under no ministry keeps its own
    name; NO_AUTHORITY when the report names none.
    """
    if not authority or not authority.strip():
        return NO_AUTHORITY
    entry = canonical(authority, ruleset)
    name = entry.name if entry is not None else " ".join(authority.split())
    return _ministries(ruleset).get(name, name)


@lru_cache(maxsize=4)
def _ministries(ruleset: Ruleset) -> dict[str, str]:
    return {name: m.ministry for m in ruleset.ministries for name in (m.ministry, *m.authorities)}


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
    authority: str | None = None  # as the report names it
    ministry: str = NO_AUTHORITY  # ministry_of(authority)

    @property
    def targets(self) -> frozenset[str]:
        return frozenset(t for t, _ in self.pairs)

    @property
    def year(self) -> str:
        return self.date[:4] if self.date else NO_DATE


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
    complete_value_eur: float = 0.0  # of the contracts counted in `complete`

    @property
    def share_complete(self) -> float | None:
        """Share of required contracts with a complete clause; None when none was required."""
        return self.complete / self.required if self.required else None

    @classmethod
    def of(cls, contracts: Iterable[Contract]) -> Counts:
        items = list(contracts)
        complete = [c for c in items if c.required and c.verdict == "compliant"]
        return cls(
            contracts=len(items),
            required=sum(c.required for c in items),
            complete=len(complete),
            incomplete=sum(c.required and c.verdict == "incomplete" for c in items),
            missing=sum(c.required and c.verdict == "missing" for c in items),
            voluntary=sum(not c.required and c.clause_present for c in items),
            value_eur=float(sum(c.value_eur for c in items if c.value_eur is not None)),
            without_value=sum(c.value_eur is None for c in items),
            complete_value_eur=float(sum(c.value_eur for c in complete if c.value_eur is not None)),
        )


@dataclass(frozen=True)
class Row:
    """One row of a table; `key` None is the table's total.

    `key` is a category id (per category), a ministry or an authority's name or
    NO_AUTHORITY (per ministry), a year or NO_DATE (per year). Only the rows per category and their
    total have `cells`: per target the row reaches, the row's contracts that reach it.
    """

    key: str | None
    counts: Counts
    cells: tuple[tuple[str, Counts], ...] = ()

    @property
    def total(self) -> bool:
        return self.key is None

    def cell(self, target: str) -> Counts | None:
        """The row's contracts that reach `target`; None where the row's category is not linked to it."""
        return dict(self.cells).get(target)


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
    targets: tuple[Target, ...]  # every target of the rules, in the UN's order
    by_category: tuple[Row, ...]  # every category, then the total
    by_ministry: tuple[Row, ...]  # the ministries in the rules' order, other authorities by name, NO_AUTHORITY, total
    by_year: tuple[Row, ...]  # years in order, NO_DATE, then the total
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
    authority = app.authority.name if app is not None else None
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
        authority=authority,
        ministry=ministry_of(authority, ruleset),
    )


def _category_rows(counted: list[Contract], ruleset: Ruleset, targets: Iterable[str]) -> tuple[Row, ...]:
    """Every category in the order of its group, and the total. A category row has a cell per target
    the category reaches, counted from the contracts' (target, row) pairs; the total a cell per target,
    of every contract that reaches it (a contract with a clause but no category too)."""
    order = dict.fromkeys([c for g in ruleset.groups for c in g.categories] + [c.category for c in ruleset.categories])
    rows = []
    for category in order:
        members = [c for c in counted if category in c.categories]
        linked = (
            t for t, pairs in contract_links([category], True, ruleset).items() if any(r == category for _, r in pairs)
        )
        cells = tuple((t, Counts.of(c for c in members if (t, category) in c.pairs)) for t in linked)
        rows.append(Row(category, Counts.of(members), cells))
    cells = tuple((t, Counts.of(c for c in counted if t in c.targets)) for t in targets)
    rows.append(Row(None, Counts.of(counted), cells))
    return tuple(rows)


def _rows_by(counted: list[Contract], key: str, first: Iterable[str] = ()) -> tuple[Row, ...]:
    """One row per value of the contracts' `key` (each contract in one row): the values of `first` in
    their order, the others by name, the empty value (not known) last; then the total."""
    values = {getattr(c, key) for c in counted}
    leading = [v for v in first if v in values]
    rest = sorted(values - set(leading) - {""}, key=str.casefold)
    order = leading + rest + ([""] if "" in values else [])
    rows = [Row(v, Counts.of(c for c in counted if getattr(c, key) == v)) for v in order]
    rows.append(Row(None, Counts.of(counted)))
    return tuple(rows)


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

    targets: dict[str, Target] = {}
    for link in sorted(ruleset.sdg, key=lambda link: target_key(link.target)):
        known = targets.get(link.target)
        targets[link.target] = Target(
            link.target, link.goal, link.title_nl, link.title_en, (*known.links, link) if known else (link,)
        )

    return SdgTable(
        year=year,
        ruleset=f"{ruleset.info.id} {ruleset.info.version}",
        reports=total_reports,
        sources=sources,
        targets=tuple(targets.values()),
        by_category=_category_rows(counted, ruleset, targets),
        by_ministry=_rows_by(counted, "ministry", (m.ministry for m in ruleset.ministries)),
        by_year=_rows_by(counted, "year"),
        total=Counts.of(counted),
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
