"""The tender report: what isv-checker tells about one tender dossier.

It has the judged fields of a document report (verdict, categories, applicability, clause, decoys,
SDG targets, findings) in the same shapes, with every evidence item naming its `file`, plus the
dossier's files, the amendments its notes of information made and each file's own report, unchanged.
A public contract like the document report (JSON Schema in `schema/tender.schema.json`): fields are
only ever added; a breaking change bumps `TENDER_SCHEMA_ID`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ..document import ReadStatus
from ..report import (
    Applicability,
    CategoryResult,
    Checker,
    Clause,
    DecoyResult,
    Evidence,
    Finding,
    LotResult,
    Report,
    RulesetRef,
    SdgTarget,
    Verdict,
)

TENDER_SCHEMA_ID: Literal["isv-checker/tender/1"] = "isv-checker/tender/1"


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TenderFile(_Record):
    """One file of the dossier: the part it plays and how reading and judging it went."""

    file: str = Field(description="relative to the tender (a ZIP's member name)")
    role: str = Field(description="the part it plays: a role id of rules/tender.yaml (notice, guidelines, note, ...)")
    status: ReadStatus
    verdict: Verdict | None = Field(description="the file's own verdict, judged alone")
    sha256: str | None
    same_as: str | None = Field(
        default=None, description="another file of the dossier with the same bytes: read once, under that name"
    )
    amends_order: int | None = Field(
        default=None, description="for a file that amends the others (a note of information): its place, 1 first"
    )


class Amendment(_Record):
    """What a note of information changed in the clause."""

    file: str
    change: Literal["removes_clause", "removes_element", "adds_clause", "adds_element"]
    element: str | None = Field(default=None, description="the element's id, for the element changes")
    evidence: tuple[Evidence, ...] = ()


class TenderReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_id: Literal["isv-checker/tender/1"] = Field(default=TENDER_SCHEMA_ID, alias="schema")
    checker: Checker = Field(default_factory=Checker)
    tender: str = Field(description="the tender's path as given (a folder or a ZIP)")
    ruleset: RulesetRef | None = None
    verdict: Verdict
    categories: tuple[CategoryResult, ...] = ()
    applicability: Applicability | None = None
    clause: Clause | None = None
    decoys: tuple[DecoyResult, ...] = ()
    sdg_targets: tuple[SdgTarget, ...] = ()
    findings: tuple[Finding, ...] = ()
    files: tuple[TenderFile, ...] = Field(description="every file of the dossier, in the order they were judged")
    amendments: tuple[Amendment, ...] = ()
    lots: tuple[LotResult, ...] = Field(
        default=(), description="the lots of the tender's notice (read as data), if several"
    )
    documents: tuple[Report, ...] = Field(description="each file's own report, judged alone, unchanged")
    passed_over: tuple[str, ...] = Field(
        default=(),
        description="hidden, lock and system files of the dossier (.DS_Store, ~$ lock files), not read and no "
        "part of the tender, as scan and batch pass them over",
    )

    @property
    def unreadable(self) -> tuple[TenderFile, ...]:
        return tuple(f for f in self.files if not f.status.readable)


T = TypeVar("T")


def with_file(item: T, file: str) -> T:
    """`item` with every `Evidence` inside it naming `file`: a tender's facts and clause come from
    several files, and a quote is no use to a reader who cannot tell which file it is in."""
    if isinstance(item, Evidence):
        return item.model_copy(update={"file": file})
    if isinstance(item, BaseModel):
        changes: dict[str, Any] = {}
        for name in type(item).model_fields:
            value = getattr(item, name)
            stamped = with_file(value, file)
            if stamped is not value:
                changes[name] = stamped
        return item.model_copy(update=changes) if changes else item
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        updates = {}
        for f in dataclasses.fields(item):
            value = getattr(item, f.name)
            stamped = with_file(value, file)
            if stamped is not value:
                updates[f.name] = stamped
        return dataclasses.replace(item, **updates) if updates else item
    if isinstance(item, tuple) and item:
        items = tuple(with_file(i, file) for i in item)
        return items if any(a is not b for a, b in zip(items, item, strict=True)) else item  # type: ignore[return-value]
    return item
