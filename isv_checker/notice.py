"""The facts a procurement notice states as data, as the notice reader found them.

An eForms notice (UBL 2.3, 2023 on) and a TED R2.0.9 notice (2014-2023) carry the same facts in
different elements; the readers (`readers/notice_eforms.py`, `readers/notice_ted.py`) bring both into
this one record, so that the rules stage judges a notice without knowing its format. Like `Document`,
it describes and never judges: legal types and kinds stay the codes the notice uses, and whether a
buyer is bound by ISV is decided by the rules (`rules/notices.yaml`).

Every fact points at the block of the notice's `Document` that holds the element it was read from
(`where`), so a report quotes a notice's facts as it quotes a document's words: block, text, and the
element's path and line.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

NoticeFormat = Literal["eforms", "ted"]
NoticeKind = Literal["prior_information", "contract", "award", "modification", "other"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Amount(_Record):
    """An amount as the notice states it; `currency` as given (ISO 4217), `block` where it is."""

    amount: float
    currency: str
    block: int


class NoticeBuyer(_Record):
    name: str
    legal_type: str | None = Field(
        description="eForms buyer-legal-type code (cga, body-pl-cga, la, ...) or R2.0.9 CA_TYPE value "
        "(MINISTRY, NATIONAL_AGENCY, ...; 'other' for CA_TYPE_OTHER); None when the notice gives none"
    )
    legal_type_text: str | None = Field(default=None, description="the text of R2.0.9 CA_TYPE_OTHER")
    country: str | None = Field(description="ISO 3166 code as the notice gives it (eForms NLD, TED NL)")
    block: int = Field(description="the block holding the buyer's name")
    legal_type_block: int | None = None


class NoticeLot(_Record):
    id: str = Field(description="eForms LOT-0001; TED the lot number or ITEM as written")
    title: str | None = None
    cpv: tuple[str, ...] = Field(default=(), description="main then additional CPV codes, 8 digits")
    estimated: Amount | None = Field(default=None, description="the lot's estimated value (or framework maximum)")
    awarded: Amount | None = Field(default=None, description="the value awarded for the lot (award notices)")
    title_block: int | None = None
    description_block: int | None = None
    cpv_blocks: tuple[int, ...] = Field(default=(), description="the blocks of `cpv`, in the same order")


class Notice(_Record):
    format: NoticeFormat
    kind: NoticeKind
    type_code: str = Field(description="eForms NoticeTypeCode (cn-standard, ...) or the R2.0.9 form (F02_2014)")
    publication_number: str | None = Field(
        default=None, description="eForms NoticePublicationID (00123456-2024); TED 2021/S 123-456789"
    )
    procedure_id: str | None = Field(
        default=None, description="eForms ContractFolderID, shared by a procedure's notices"
    )
    notice_id: str | None = Field(default=None, description="eForms notice id (a UUID); TED the DOC_ID")
    previous_notice: str | None = Field(
        default=None, description="the notice this one follows up (TED NOTICE_NUMBER_OJ, eForms previous notice)"
    )
    buyer_reference: str | None = Field(default=None, description="the buyer's own reference of the procedure")
    legal_basis: str | None = Field(default=None, description="CELEX number of the directive, e.g. 32014L0024")
    buyers: tuple[NoticeBuyer, ...] = ()
    contract_type: Literal["works", "supplies", "services"] | None = None
    procedure_type: str | None = Field(default=None, description="eForms procedure code or R2.0.9 PT_ element")
    title: str | None = None
    cpv_main: str | None = None
    cpv_additional: tuple[str, ...] = ()
    cpv_blocks: tuple[int, ...] = Field(default=(), description="the blocks of cpv_main and cpv_additional, in order")
    estimated: Amount | None = Field(default=None, description="the overall estimated value (or framework maximum)")
    awarded: Amount | None = Field(default=None, description="the total value awarded (award notices)")
    lots: tuple[NoticeLot, ...] = ()
    dispatch_date: str | None = Field(default=None, description="ISO date the notice was sent for publication")
    publication_date: str | None = None
    strategic: tuple[str, ...] = Field(default=(), description="strategic procurement codes (env-imp, soc-obj, ...)")
    language: str | None = Field(default=None, description="the notice's language as it states it (NLD, EN, ...)")
    where: dict[str, int] = Field(
        default_factory=dict,
        description="the block of each fact that has one: title, description, cpv_main, cpv_additional, "
        "estimated, awarded, dispatch_date, publication_date, procedure_type, contract_type, legal_basis",
    )

    @property
    def countries(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(b.country for b in self.buyers if b.country))
