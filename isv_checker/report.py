"""The report: what isv-checker tells about one document, the one record every output is made from.

It is a public contract (JSON Schema in `schema/report.schema.json`, generated from these models by
`isv_checker.schema`). Fields are only ever added; a breaking change bumps `SCHEMA_ID`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from . import __version__
from .document import Block, DocFormat, Document, ReadStatus

SCHEMA_ID = "isv-checker/report/1"


class Checker(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Literal["isv-checker"] = "isv-checker"
    version: str = __version__


class DocumentFacts(BaseModel):
    """What reading found, for people who want to know what the checker saw."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: DocFormat
    size: int | None
    block_count: int
    block_kinds: dict[str, int]
    characters: int
    ocr_pages: tuple[int, ...]
    warnings: tuple[str, ...]
    properties: dict[str, str]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(_Record):
    """Where the checker's words come from: block text[start:end], quoted (at most 300 characters)."""

    block: int
    start: int
    end: int
    quote: str = Field(max_length=300)
    page: int | None = None
    paragraph: int | None = None
    line: int | None = None
    heading_path: tuple[str, ...] = ()
    location: str = Field(description="a short human label, e.g. 'p. 3' or 'par. 12'")


class RulesetRef(_Record):
    id: str
    version: str


class CategoryResult(_Record):
    id: str
    rule: str
    name_nl: str
    name_en: str
    group: str = Field(description="the category's group in the later eight-group naming")
    group_name_nl: str
    group_name_en: str
    evidence: tuple[Evidence, ...]


class Authority(_Record):
    name: str | None
    central_government: bool | None
    rule: str | None = None
    evidence: tuple[Evidence, ...] = ()


class Value(_Record):
    amount: float | None
    evidence: tuple[Evidence, ...] = ()


class Applicability(_Record):
    isv_required: bool | None
    authority: Authority
    value_eur: Value
    threshold_eur: int | None
    period: str | None = Field(description="the threshold period in force on the document's date, e.g. '2024-2025'")
    document_date: str | None
    works: bool
    procedure: str | None = Field(description="rule id of the procedure named in the document, if any")
    reasons: tuple[str, ...]


class ElementResult(_Record):
    id: str
    rule: str
    name_nl: str
    name_en: str
    found: bool
    evidence: tuple[Evidence, ...] = ()


class Clause(_Record):
    present: bool
    location: str | None = Field(description="where the clause is, e.g. 'Bijlage 5 Internationale Sociale Voorwaarden (p. 4)'")
    evidence: tuple[Evidence, ...] = ()
    elements: tuple[ElementResult, ...]


class DecoyResult(_Record):
    rule: str
    decoy: str
    reason: str
    evidence: Evidence


class SdgTarget(_Record):
    target: str
    goal: int
    title: str
    rationale: str
    rule: str


class Finding(_Record):
    rule: str
    severity: Literal["info", "warning", "error"]
    message: str
    evidence: tuple[Evidence, ...] = ()


Verdict = Literal["compliant", "incomplete", "missing", "not_required", "needs_review", "unreadable"]


class Report(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_id: Literal["isv-checker/report/1"] = Field(default=SCHEMA_ID, alias="schema")
    checker: Checker = Field(default_factory=Checker)
    file: str
    sha256: str | None
    status: ReadStatus
    status_message: str
    language: Literal["nl", "en"] | None
    pages: int | None
    document: DocumentFacts
    ruleset: RulesetRef | None = None
    verdict: Verdict | None = None
    categories: tuple[CategoryResult, ...] = ()
    applicability: Applicability | None = None
    clause: Clause | None = None
    decoys: tuple[DecoyResult, ...] = ()
    sdg_targets: tuple[SdgTarget, ...] = ()
    findings: tuple[Finding, ...] = ()
    blocks: tuple[Block, ...] | None = Field(
        default=None, description="the document's text blocks, only when asked for (they make reports large)"
    )

    @property
    def readable(self) -> bool:
        return self.status.readable


def build_report(document: Document, *, include_blocks: bool = False, judged: dict[str, Any] | None = None) -> Report:
    """The report of one document; `judged` holds what the rules stage decided (absent: facts only)."""
    return Report(
        **(judged or {}),
        file=document.path,
        sha256=document.sha256,
        status=document.status,
        status_message=document.message,
        language=document.language,
        pages=document.pages,
        document=DocumentFacts(
            format=document.format,
            size=document.size,
            block_count=len(document.blocks),
            block_kinds=document.kind_counts(),
            characters=document.char_count,
            ocr_pages=document.ocr_pages,
            warnings=document.warnings,
            properties=document.properties,
        ),
        blocks=document.blocks if include_blocks else None,
    )
