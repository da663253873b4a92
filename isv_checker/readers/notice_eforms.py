"""Reads an eForms notice (UBL 2.3, eForms SDK 1.x) into a `Notice` and its blocks.

The elements are those of the SDK's example notices: the buyer is a `cac:ContractingParty` whose party
id points into `efac:Organizations` in the extension; the procedure's facts sit in the root's
`cac:ProcurementProject` and `cac:TenderingProcess`, each lot's in a `cac:ProcurementProjectLot`
(lot groups, `schemeName="LotsGroup"`, are not lots); award figures in `efac:NoticeResult`.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from ..document import Block, BlockKind
from ..notice import Notice, NoticeBuyer, NoticeKind, NoticeLot
from .notice_xml import (
    ChildPath,
    FactSheet,
    Glance,
    Indexed,
    all_children,
    cpv_code,
    indexed,
    iso_date,
    local,
    make_buyer,
    make_lot,
    make_notice,
    text_of,
    unique,
)

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
}
_ADDITIONAL_TYPE = f"{{{NS['cac']}}}ProcurementAdditionalType"
_TYPE_CODE = f"{{{NS['cbc']}}}ProcurementTypeCode"
_EXT = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"
_ROOT_KINDS: dict[str, NoticeKind] = {
    "PriorInformationNotice": "prior_information",
    "ContractNotice": "contract",
    "ContractAwardNotice": "award",
}


def _kind(root_name: str, type_code: str) -> NoticeKind:
    """The notice type code list (pin-*, cn-*, can-*, veat, can-modif, subco, ...) over the root's name."""
    if type_code == "can-modif":
        return "modification"
    if type_code.startswith("pin"):
        return "prior_information"
    if type_code.startswith("cn") or type_code in ("subco", "qu-sy"):
        return "contract"
    if type_code.startswith("can") or type_code == "veat":
        return "award"
    return _ROOT_KINDS.get(root_name, "other")


def _path(path: str) -> ChildPath:
    compiled = _PATHS.get(path)
    if compiled is None:
        compiled = _PATHS[path] = ChildPath(path, NS)
    return compiled


_PATHS: dict[str, ChildPath] = {}  # the reader's own paths, a few dozen


def _find(element: etree._Element | Indexed | None, path: str) -> etree._Element | None:
    return None if element is None else _path(path).first(element)


def _findall(element: etree._Element | Indexed | None, path: str) -> list[etree._Element]:
    return [] if element is None else _path(path).all(element)


def _text(element: etree._Element | Indexed | None, path: str) -> str | None:
    found = _find(element, path)
    return text_of(found)


def _in_language(elements: list[etree._Element], language: str | None) -> etree._Element | None:
    """Of an element repeated per language (cbc:Name languageID=...), the notice's own language's."""
    if not elements:
        return None
    return next((e for e in elements if e.get("languageID") == language), elements[0])


class _Reader(FactSheet):
    def __init__(self, root: etree._Element) -> None:
        super().__init__(root, "currencyID")
        self.root = root
        self.top = Indexed(root)  # the root's children, looked among a dozen times
        self.language = _text(self.top, "cbc:NoticeLanguageCode")
        self.extension = _find(self.top, _EXT)

    def buyers(self) -> tuple[NoticeBuyer, ...]:
        companies: dict[str, etree._Element] = {}
        for company in _findall(self.extension, "efac:Organizations/efac:Organization/efac:Company"):
            ident = _text(company, "cac:PartyIdentification/cbc:ID")
            if ident:
                companies[ident] = company
        out: list[NoticeBuyer] = []
        for party in _findall(self.top, "cac:ContractingParty"):
            ident = _text(party, "cac:Party/cac:PartyIdentification/cbc:ID")
            company = companies.get(ident or "")
            name_element = _in_language(_findall(company, "cac:PartyName/cbc:Name"), self.language)
            legal = _find(party, "cac:ContractingPartyType/cbc:PartyTypeCode[@listName='buyer-legal-type']")
            if name_element is None:
                continue
            block = self.put("", name_element, kind=BlockKind.PARAGRAPH, heading_path=("Buyer",))
            legal_block = self.put("", legal, heading_path=("Buyer",))
            out.append(
                make_buyer(
                    {
                        "name": self.words(block) or "",
                        "legal_type": self.words(legal_block),
                        "legal_type_text": None,
                        "country": _text(company, "cac:PostalAddress/cac:Country/cbc:IdentificationCode"),
                        "block": block or 0,
                        "legal_type_block": legal_block,
                    }
                )
            )
        return tuple(out)

    def lot(self, element: etree._Element) -> NoticeLot | None:
        ident = _find(element, "cbc:ID")
        if ident is None or ident.get("schemeName") == "LotsGroup":
            return None
        lot_id = text_of(ident) or "?"
        heading = (f"Lot {lot_id}",)
        project = indexed(_find(element, "cac:ProcurementProject"))
        title_element = _in_language(_findall(project, "cbc:Name"), self.language)
        title = self.put("", title_element, kind=BlockKind.HEADING, heading_path=heading, level=2)
        description = self.put(
            "", _in_language(_findall(project, "cbc:Description"), self.language), heading_path=heading
        )
        cpv_elements = [
            *_findall(project, "cac:MainCommodityClassification/cbc:ItemClassificationCode"),
            *_findall(project, "cac:AdditionalCommodityClassification/cbc:ItemClassificationCode"),
        ]
        # each element with its own block (None for an element without text, which makes none)
        cpv_placed = [(e, self.put("", e, heading_path=heading)) for e in cpv_elements]
        estimated = self.amount(
            _find(project, "cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount"), "", heading
        )
        if estimated is None:
            estimated = self.amount(
                _find(element, "cac:TenderingProcess/cac:FrameworkAgreement/cbc:EstimatedMaximumValueAmount"),
                "",
                heading,
            )
        codes = [(code, block) for e, block in cpv_placed if block is not None and (code := cpv_code(text_of(e)))]
        return make_lot(
            {
                "id": lot_id,
                "title": self.words(title),
                "cpv": tuple(c for c, _ in codes),
                "estimated": estimated,
                "awarded": None,
                "title_block": title,
                "description_block": description,
                "cpv_blocks": tuple(b for _, b in codes),
            }
        )

    def read(self) -> tuple[Notice, list[Block]]:
        root, top, ext = self.root, self.top, self.extension
        type_code = _text(top, "cbc:NoticeTypeCode") or ""
        project = indexed(_find(top, "cac:ProcurementProject"))
        title_element = _in_language(_findall(project, "cbc:Name"), self.language)
        title = self.put("title", title_element, kind=BlockKind.HEADING, level=1)
        self.put("description", _in_language(_findall(project, "cbc:Description"), self.language))
        buyers = self.buyers()
        main = _find(project, "cac:MainCommodityClassification/cbc:ItemClassificationCode")
        additional = _findall(project, "cac:AdditionalCommodityClassification/cbc:ItemClassificationCode")
        cpv_blocks = tuple(
            b
            for fact, e in [("cpv_main", main), *(("cpv_additional", a) for a in additional)]
            if cpv_code(text_of(e) if e is not None else None) and (b := self.put(fact, e)) is not None
        )
        nature_element = _find(project, "cbc:ProcurementTypeCode[@listName='contract-nature']")
        nature = self.words(self.put("contract_type", nature_element))
        procedure = self.put("procedure_type", _find(top, "cac:TenderingProcess/cbc:ProcedureCode"))
        basis = self.put("legal_basis", _find(top, "cbc:RegulatoryDomain"))
        issue = self.put("dispatch_date", _find(top, "cbc:IssueDate"))
        publication = self.put("publication_date", _find(ext, "efac:Publication/efbc:PublicationDate"))
        number = self.put("publication_number", _find(ext, "efac:Publication/efbc:NoticePublicationID"))
        estimated = self.amount(
            _find(project, "cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount"), "estimated"
        )
        result = _find(ext, "efac:NoticeResult")
        awarded = self.amount(_find(result, "cbc:TotalAmount"), "awarded") or self.amount(
            _find(result, "efbc:OverallMaximumFrameworkContractsAmount"), "awarded"
        )
        lots = tuple(lot for e in _findall(top, "cac:ProcurementProjectLot") if (lot := self.lot(e)) is not None)
        strategic = unique(
            text_of(code)
            for additional_type in root.iterdescendants(_ADDITIONAL_TYPE)  # .//cac:ProcurementAdditionalType
            for code in all_children(additional_type, _TYPE_CODE)  # /cbc:ProcurementTypeCode
            if code.get("listName") in ("strategic-procurement", "social-objective", "environmental-impact")
        )
        kind = _kind(local(root), type_code)
        notice = make_notice(
            {
                "format": "eforms",
                "kind": kind,
                "type_code": type_code or local(root),
                "publication_number": self.words(number),
                "procedure_id": _text(top, "cbc:ContractFolderID"),
                "notice_id": _text(top, "cbc:ID"),
                "previous_notice": _text(top, "cac:TenderingProcess/cac:NoticeDocumentReference/cbc:ID"),
                "buyer_reference": _text(project, "cbc:ID"),
                "legal_basis": self.words(basis),
                "buyers": buyers,
                "contract_type": nature if nature in ("works", "supplies", "services") else None,
                "procedure_type": self.words(procedure),
                "title": self.words(title),
                "cpv_main": cpv_code(text_of(main)),
                "cpv_additional": unique(cpv_code(text_of(e)) for e in additional),
                "cpv_blocks": cpv_blocks,
                "estimated": estimated,
                "awarded": awarded,
                "lots": lots,
                "dispatch_date": iso_date(self.words(issue)),
                "publication_date": iso_date(self.words(publication)),
                "strategic": strategic,
                "language": self.language,
                "where": self.where,
            }
        )
        return notice, self.blocks


def read_eforms(root: etree._Element) -> tuple[Notice, list[Block]]:
    return _Reader(root).read()


def glance_eforms(root: etree._Element) -> Glance:
    """The buyers' countries and the dates, without reading the rest (`notice_xml.glance`)."""
    buyers = {
        _text(party, "cac:Party/cac:PartyIdentification/cbc:ID") for party in _findall(root, "cac:ContractingParty")
    }
    extension = _find(root, _EXT)
    countries = tuple(
        code
        for company in _findall(extension, "efac:Organizations/efac:Organization/efac:Company")
        if _text(company, "cac:PartyIdentification/cbc:ID") in buyers
        and (code := _text(company, "cac:PostalAddress/cac:Country/cbc:IdentificationCode"))
    )
    return Glance(
        countries=countries,
        dispatch_date=iso_date(_text(root, "cbc:IssueDate")),
        publication_date=iso_date(_text(extension, "efac:Publication/efbc:PublicationDate")),
    )


_COUNTRY_CODE = f"{{{NS['cbc']}}}IdentificationCode"


def country_codes(root: etree._Element) -> Iterator[str]:
    """Every country code anywhere in the notice (a buyer's among them), as `glance_eforms` reads one."""
    return (code for e in root.iter(_COUNTRY_CODE) if (code := text_of(e)))
