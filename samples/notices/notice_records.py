"""What the bulk generator knows about one notice, before it is written as eForms or R2.0.9 XML.

One record feeds both the XML and the manifest line, so the manifest cannot tell a different story than
the notice: the ground truth is the generator's own facts, not something read back from its output.
Amounts are whole cents, so a value written as "143000.00" and the manifest's 143000.0 are the same number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from notice_buyers import Buyer

EFORMS = "eforms"
TED = "ted"
CONTRACT = "contract"
AWARD = "award"
PRIOR_INFORMATION = "prior_information"


@dataclass(frozen=True)
class Supplier:
    name: str
    town: str
    nuts: str

    @property
    def country(self) -> str:
        return self.nuts[:2]


@dataclass(frozen=True)
class Lot:
    id: str  # LOT-0001 or PAR-0001 (eForms), 1, 2, ... (R2.0.9), "" for an R2.0.9 notice without lots
    cpv: tuple[str, ...]  # the lot's main code first, then its additional codes
    title: str
    value: int | None  # estimated value in cents; None when the notice states none for the lot
    strategic: str  # eForms strategic-procurement code (BT-06)
    awarded: int | None = None  # award notices: the value of the contract concluded, in cents
    winner: Supplier | None = None
    tenders: int = 0  # award notices: tenders received


@dataclass(frozen=True)
class Notice:
    format: str  # EFORMS or TED
    kind: str  # CONTRACT, AWARD or PRIOR_INFORMATION
    buyer: Buyer
    contract_type: str  # works, supplies or services
    cpv_main: str
    cpv_additional: tuple[str, ...]  # every other code of the notice, lots included, each once
    lots: tuple[Lot, ...]
    value: int | None  # estimated total in cents; None when the notice states none
    procedure_type: str  # eForms procurement-procedure-type code; R2.0.9 writes its own element for it
    dispatch: date
    publication: date
    title: str  # in the buyer's language
    title_en: str  # the English title TED adds to an R2.0.9 notice
    description: str
    reference: str  # the buyer's own file number
    notice_uuid: str
    folder_id: str  # eForms ContractFolderID; "" for a prior information notice
    duration_months: int
    framework: bool
    issue_time: str  # HH:MM:SS
    follows: int = -1  # award: index of its contract notice among the generated notices, -1 if none
    refers_to: str = ""  # award: publication number of the contract notice it follows
    number: int = 0  # publication number within its year
    issue: int = 0  # OJ S issue of the publication date

    @property
    def publication_id(self) -> str:
        return publication_id(self.format, self.number, self.publication, self.issue)

    @property
    def procedure_key(self) -> str | None:
        """The key that ties an award to its contract notice: ContractFolderID, or the F02's OJ number."""
        if self.kind == PRIOR_INFORMATION:
            return None
        if self.format == EFORMS:
            return self.folder_id
        return self.refers_to if self.kind == AWARD else self.publication_id


def publication_id(fmt: str, number: int, published: date, issue: int) -> str:
    """eForms NoticePublicationID ('00123456-2024') or R2.0.9 NO_DOC_OJS ('2020/S 087-209416')."""
    if fmt == EFORMS:
        return f"{number:08d}-{published.year}"
    return f"{published.year}/S {issue:03d}-{number:06d}"


def money(cents: int, decimals: bool = False) -> str:
    """An amount as the notices write it: '143000' or '143000.00' for whole euros, '142999.50' otherwise."""
    euros, rest = divmod(cents, 100)
    return str(euros) if rest == 0 and not decimals else f"{euros}.{rest:02d}"
