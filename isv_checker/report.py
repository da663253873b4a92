"""The report: what isv-checker tells about one document, the one record every output is made from.

It is a public contract (JSON Schema in `schema/report.schema.json`, generated from these models by
`isv_checker.schema`). Fields are only ever added; a breaking change bumps `SCHEMA_ID`.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from . import __version__
from .document import Block, DocFormat, Document, ReadMessage, ReadStatus
from .notice import Notice

SCHEMA_ID: Literal["isv-checker/report/1"] = "isv-checker/report/1"


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
    coded_warnings: tuple[ReadMessage, ...] = Field(
        default=(), description="`warnings` as codes with parameters, for every language"
    )
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
    element: str | None = Field(default=None, description="in a notice, the full path of the XML element quoted")
    file: str | None = Field(
        default=None,
        description="in a tender report, the file the words are in, relative to the tender; absent in a "
        "document's own report",
    )


class Source(_Record):
    """Where a fact was read. The document's own words are the default; a metadata CSV row, a
    procurement notice or another document of the same tender can give or override a fact."""

    kind: Literal["document", "metadata", "notice", "tender"] = "document"
    reference: str | None = Field(default=None, description="which record, e.g. 'notices.csv line 3'")


Param = str | int | float | bool | None | tuple[str, ...]


class Reason(_Record):
    """One step of a decision as a code with its parameters, so that every output renders it in its
    own language and nothing parses prose back. Their texts are the catalogue's `reason.<code>` (i18n/)."""

    code: str = Field(description="e.g. 'authority.central', 'value.below', 'decision.undecided'")
    params: dict[str, Param] = Field(default_factory=dict)
    source: Source | None = Field(default=None, description="where the fact the reason is about came from")


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
    source: Source | None = Field(default=None, description="absent: found in the document's text")


class Authority(_Record):
    name: str | None
    central_government: bool | None
    rule: str | None = None
    evidence: tuple[Evidence, ...] = ()
    source: Source | None = Field(default=None, description="absent: found in the document's text")


class Value(_Record):
    amount: float | None
    evidence: tuple[Evidence, ...] = ()
    basis: Literal["stated", "yearly_times_term", "lots_summed", "parts_summed", "yearly", "vat_removed"] | None = (
        Field(
            default=None,
            description="how the amount was reached: stated as the total, a yearly value times the term in `years`, "
            "the lots' values added up (each in `evidence`), the initial term's and the options' amounts of one "
            "sentence added up (each in `evidence`), a yearly value whose term the document does not "
            "give (the total is at least this), or an amount stated including VAT with the VAT taken off (the "
            "thresholds are without VAT; the rate the document states, else 21%); absent when given from outside",
        )
    )
    years: float | None = Field(default=None, description="the full term, options included, for yearly_times_term")
    runners_up: tuple[float, ...] = Field(
        default=(), description="other amounts whose words made them nearly as likely to be the value"
    )
    confidence: float | None = Field(
        default=None,
        description="how clearly the document labels the amount as its estimated value, 0 to 1 (1: the "
        "estimate words right beside it); absent when given from outside",
    )
    source: Source | None = Field(default=None, description="absent: found in the document's text")


class Applicability(_Record):
    isv_required: bool | None
    authority: Authority
    value_eur: Value
    threshold_eur: int | None
    period: str | None = Field(description="the threshold period in force on the document's date, e.g. '2024-2025'")
    document_date: str | None
    date_origin: str | None = Field(
        default=None,
        description="how the document gave its date: labelled, signed, header, title (stated as its own), or "
        "text, forward, metadata (not stated: it fixes the threshold only where every period it could be in agrees)",
    )
    works: bool
    procedure: str | None = Field(description="rule id of the procedure named in the document, if any")
    reasons: tuple[str, ...] = Field(description="the explanation's reasons as English sentences")
    explanation: tuple[Reason, ...] = Field(default=(), description="the reasons as codes with parameters")

    def reason(self, fact: str) -> Reason | None:
        """The reason about one fact ('authority', 'categories', 'date', 'value', 'decision')."""
        return next((r for r in self.explanation if r.code.partition(".")[0] == fact), None)


class ElementResult(_Record):
    id: str
    rule: str
    name_nl: str
    name_en: str
    found: bool
    evidence: tuple[Evidence, ...] = ()


class Clause(_Record):
    present: bool
    location: str | None = Field(
        description="where the clause is, e.g. 'Bijlage 5 Internationale Sociale Voorwaarden (p. 4)'"
    )
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


Severity = Literal["info", "warning", "error"]


class Finding(_Record):
    """Something the buyer should know beside the verdict. `message` is the English text of `code`
    with `params`; other languages are rendered from those (`checks.findings.finding_text`)."""

    rule: str
    code: str | None = Field(
        default=None,
        description="the message's code, e.g. 'metadata.cpv', 'element.missing'; listed in checks/findings.py",
    )
    severity: Severity
    message: str
    evidence: tuple[Evidence, ...] = ()
    params: dict[str, Param] = Field(default_factory=dict, description="the message's parameters, for other languages")
    source: Source | None = None


# `required`: ISV is mandatory, and the file is a procurement notice, which never carries the clause
# itself: the clause is checked in the tender's documents, not missed in the notice.
Verdict = Literal["compliant", "incomplete", "missing", "required", "not_required", "needs_review", "unreadable"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)


class LotResult(_Record):
    """A lot of a procurement notice: the categories it falls in, and whether ISV applies to it."""

    id: str
    title: str | None = None
    cpv: tuple[str, ...] = ()
    value_eur: float | None = None
    categories: tuple[str, ...] = Field(default=(), description="ids of the ISV categories the lot falls in")
    isv_required: bool | None = Field(
        description="ISV is mandatory for this lot: the procedure needs it and the lot is in a category "
        "(None: the procedure's answer is undecided)"
    )
    evidence: tuple[Evidence, ...] = ()


class Judgement(_Record):
    """What the rules stage decided about one document: the report's judged fields, in one typed
    record that `checks.engine.judge` returns and `build_report` copies into the report."""

    ruleset: RulesetRef | None
    verdict: Verdict
    categories: tuple[CategoryResult, ...] = ()
    applicability: Applicability | None = None
    clause: Clause | None = None
    decoys: tuple[DecoyResult, ...] = ()
    sdg_targets: tuple[SdgTarget, ...] = ()
    findings: tuple[Finding, ...] = ()
    lots: tuple[LotResult, ...] = Field(default=(), description="a procurement notice's lots (when it has several)")


class Report(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_id: Literal["isv-checker/report/1"] = Field(default=SCHEMA_ID, alias="schema")
    checker: Checker = Field(default_factory=Checker)
    file: str
    sha256: str | None
    status: ReadStatus
    status_message: str
    coded_status_message: ReadMessage | None = Field(
        default=None, description="`status_message` as a code with parameters, for every language"
    )
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
    lots: tuple[LotResult, ...] = Field(default=(), description="a procurement notice's lots (when it has several)")
    notice: Notice | None = Field(default=None, description="a procurement notice's facts as read (format notice)")
    blocks: tuple[Block, ...] | None = Field(
        default=None, description="the document's text blocks, only when asked for (they make reports large)"
    )

    @property
    def readable(self) -> bool:
        return self.status.readable


def build_report(document: Document, *, include_blocks: bool = False, judgement: Judgement | None = None) -> Report:
    """The report of one document; `judgement` holds what the rules stage decided (absent: facts only)."""
    judged = {name: getattr(judgement, name) for name in Judgement.model_fields} if judgement else {}
    return Report(
        **judged,
        file=document.path,
        sha256=document.sha256,
        status=document.status,
        status_message=document.message,
        coded_status_message=document.coded_message,
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
            coded_warnings=document.coded_warnings,
            properties=document.properties,
        ),
        notice=document.notice,
        blocks=document.blocks if include_blocks else None,
    )
