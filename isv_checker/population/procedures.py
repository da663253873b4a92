"""One row per procedure: each notice judged as `isv-check scan` judges it, then a procedure's notices
(prior information, contract notice, award, modification) merged into one row.

Notices of one procedure are linked by what they share: eForms notices by their procedure id
(ContractFolderID), TED R2.0.9 notices by the earlier notice an award or a contract notice names
(NOTICE_NUMBER_OJ); links are followed both ways, so a prior information notice, its contract notice
and the award end in one procedure. The procedure's answer is its most telling notice's: the contract
notice, else the award, else a modification, else the prior information notice; a notice that leaves
it undecided gives way to one of the same procedure that decides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from operator import attrgetter
from typing import Any

from ..document import Document, ReadStatus
from ..notice import Notice
from ..report import Judgement, Report

KIND_ORDER = ("contract", "award", "modification", "prior_information", "other")


@dataclass(frozen=True, slots=True)
class NoticeRow:
    """What one notice says and what the checker made of it; small and picklable (workers return it)."""

    file: str
    status: str
    status_message: str = ""
    format: str | None = None
    kind: str | None = None
    type_code: str | None = None
    publication_number: str | None = None
    notice_id: str | None = None
    procedure_id: str | None = None
    previous_notice: str | None = None
    buyer_reference: str | None = None
    title: str | None = None
    buyer: str | None = None
    buyers: tuple[str, ...] = ()
    legal_type: str | None = None
    country: str | None = None
    bound: bool | None = None
    contract_type: str | None = None
    procedure_type: str | None = None
    categories: tuple[str, ...] = ()
    category_evidence: tuple[str, ...] = ()  # per category: "CPV 30213100" or the words quoted
    lots: int = 0
    isv_lots: tuple[str, ...] = ()
    value_eur: float | None = None
    value_basis: str | None = None
    dispatch_date: str | None = None
    publication_date: str | None = None
    period: str | None = None
    threshold_eur: int | None = None
    isv_required: bool | None = None
    verdict: str | None = None
    reasons: tuple[str, ...] = ()

    @property
    def date(self) -> str | None:
        return self.dispatch_date or self.publication_date

    @property
    def identifiers(self) -> tuple[str, ...]:
        return tuple(i for i in (self.procedure_id, self.publication_number, self.notice_id) if i)

    def __reduce__(self) -> tuple[type[NoticeRow], tuple[Any, ...]]:
        """Pickled as its values, made again by `__init__`: the workers send every judged row back, and
        the state functions dataclasses give a frozen class walk its fields in Python (36 µs a row
        there and back, against 10)."""
        return NoticeRow, _values(self)


_values = attrgetter(*(f.name for f in fields(NoticeRow)))


def row_of(report: Report) -> NoticeRow:
    """A notice's report as a row (a file that is not a readable notice keeps its status and message)."""
    return _row(report.file, report.status, report.status_message, report.notice, report)


def judged_row(document: Document, judgement: Judgement) -> NoticeRow:
    """The row of `row_of(build_report(document, judgement=judgement))`, without building the report: a
    row reads only the judged fields and the document's name, status and notice, which the report
    copies as they are."""
    return _row(document.path, document.status, document.message, document.notice, judgement)


def _row(file: str, status: ReadStatus, message: str, notice: Notice | None, judged: Report | Judgement) -> NoticeRow:
    app = judged.applicability
    if notice is None or app is None:
        return NoticeRow(file=file, status=status.value, status_message=message)
    lead = next((b for b in notice.buyers if b.name == app.authority.name), notice.buyers[0] if notice.buyers else None)
    evidence = tuple(
        f"{c.id}: " + "; ".join(_shown(e.quote, e.element) for e in c.evidence[:3]) for c in judged.categories
    )
    return NoticeRow(
        file=file,
        status=status.value,
        status_message=message,
        format=notice.format,
        kind=notice.kind,
        type_code=notice.type_code,
        publication_number=notice.publication_number,
        notice_id=notice.notice_id,
        procedure_id=notice.procedure_id,
        previous_notice=notice.previous_notice,
        buyer_reference=notice.buyer_reference,
        title=notice.title,
        buyer=lead.name if lead else None,
        buyers=tuple(b.name for b in notice.buyers),
        legal_type=lead.legal_type if lead else None,
        country=lead.country if lead else None,
        bound=app.authority.central_government,
        contract_type=notice.contract_type,
        procedure_type=notice.procedure_type,
        categories=tuple(c.id for c in judged.categories),
        category_evidence=evidence,
        lots=len(notice.lots),
        isv_lots=tuple(lot.id for lot in judged.lots if lot.categories),
        value_eur=app.value_eur.amount,
        value_basis=app.value_eur.basis,
        dispatch_date=notice.dispatch_date,
        publication_date=notice.publication_date,
        period=app.period,
        threshold_eur=app.threshold_eur,
        isv_required=app.isv_required,
        verdict=judged.verdict,
        reasons=app.reasons,
    )


def _shown(quote: str, element: str | None) -> str:
    """A category's evidence as a reader checks it: a CPV code as such, words in quotes."""
    if element is not None and ("Classification" in element or element.endswith("CPV_CODE")):
        return f"CPV {quote}"
    return f"“{quote}”"


@dataclass
class Procedure:
    """A procedure's notices and the row they make."""

    key: str
    notices: list[NoticeRow] = field(default_factory=list)

    @property
    def lead(self) -> NoticeRow:
        """The notice the procedure's facts come from: the most telling kind, then the earliest; one
        that decides whether ISV is mandatory before one that does not."""
        return min(
            self.notices,
            key=lambda n: (n.isv_required is None, KIND_ORDER.index(n.kind or "other"), n.date or "9999", n.file),
        )

    @property
    def first_date(self) -> str | None:
        return min((n.date for n in self.notices if n.date), default=None)

    def row(self) -> dict[str, Any]:
        lead = self.lead
        ordered = sorted(self.notices, key=lambda n: (n.date or "9999", KIND_ORDER.index(n.kind or "other"), n.file))
        categories = tuple(dict.fromkeys(c for n in self.notices for c in n.categories))
        return {
            "procedure": self.key,
            "title": lead.title,
            "buyer": lead.buyer,
            "buyers": list(dict.fromkeys(b for n in self.notices for b in n.buyers)),
            "legal_type": lead.legal_type,
            "country": lead.country,
            "bound_by_isv": lead.bound,
            "contract_type": lead.contract_type,
            "categories": list(categories),
            "category_evidence": list(dict.fromkeys(e for n in self.notices for e in n.category_evidence)),
            "isv_lots": list(lead.isv_lots) if lead.isv_required is not False else [],
            "lots": lead.lots,
            "estimated_value_eur": lead.value_eur,
            "value_basis": lead.value_basis,
            "period": lead.period,
            "threshold_eur": lead.threshold_eur,
            "isv_mandatory": {True: "yes", False: "no", None: "undecided"}[lead.isv_required],
            "reasons": list(lead.reasons),
            "decided_by": lead.publication_number or lead.file,
            "notices": [n.publication_number or n.notice_id or n.file for n in ordered],
            "notice_kinds": [n.kind for n in ordered],
            "notice_dates": [n.date for n in ordered],
            "first_date": self.first_date,
            "year": int(self.first_date[:4]) if self.first_date else None,
            "files": [n.file for n in ordered],
            "references": list(dict.fromkeys(n.buyer_reference for n in ordered if n.buyer_reference)),
        }


def group(rows: Iterable[NoticeRow]) -> list[Procedure]:
    """Readable notices grouped into procedures by the identifiers they share (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    readable = [r for r in rows if r.format is not None]
    for row in readable:
        ids = [*row.identifiers, *([row.previous_notice] if row.previous_notice else [])] or [f"file:{row.file}"]
        for other in ids[1:]:
            union(ids[0], other)
        find(ids[0])
    members: dict[str, list[NoticeRow]] = defaultdict(list)
    for row in readable:
        members[find((row.identifiers or (f"file:{row.file}",))[0])].append(row)
    procedures = []
    for notices in members.values():
        procedures.append(Procedure(key=_key(notices), notices=notices))
    return sorted(procedures, key=lambda p: (p.first_date or "", p.key))


def _key(notices: Sequence[NoticeRow]) -> str:
    """The procedure's name: its eForms procedure id, else its contract notice's number, else the first's."""
    for notice in notices:
        if notice.procedure_id:
            return notice.procedure_id
    ordered = sorted(notices, key=lambda n: (KIND_ORDER.index(n.kind or "other"), n.date or "9999"))
    for notice in ordered:
        if notice.publication_number:
            return notice.publication_number
    return ordered[0].notice_id or ordered[0].file


def as_dict(row: NoticeRow) -> dict[str, Any]:
    return asdict(row)
