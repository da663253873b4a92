"""Reads a TED R2.0.9 notice (2014-2023) into a `Notice` and its blocks.

Two wrappers carry the same forms: `TED_EXPORT`, as TED publishes a notice (with a coded data
section: publication number and date, dispatch date), and `TED_ESENDERS`, as a buyer's eSender sends
it. `FORM_SECTION` may hold the form in several languages; the original is read. The forms are
F01_2014 to F25_2014; their number says the kind of notice. R2.0.9 has no strategic procurement
codes (eForms' BT-06), so a TED notice's `strategic` stays empty.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from ..document import Block, BlockKind
from ..notice import Amount, Notice, NoticeBuyer, NoticeKind, NoticeLot
from .notice_xml import (
    FactSheet,
    Glance,
    Indexed,
    all_children,
    cpv_code,
    first_child,
    indexed,
    iso_date,
    local,
    make_buyer,
    make_lot,
    make_notice,
    namespace,
    text_of,
    unique,
)

# The kind of each standard form (Implementing Regulation 2015/1986): prior information, contract
# notice, award, modification; corrigenda (F14), buyer profiles (F08) and the rest are "other".
_FORM_KINDS: dict[str, NoticeKind] = {
    "F01": "prior_information",
    "F04": "prior_information",
    "F16": "prior_information",
    "F02": "contract",
    "F05": "contract",
    "F07": "contract",
    "F12": "contract",
    "F17": "contract",
    "F24": "contract",
    "F03": "award",
    "F06": "award",
    "F13": "award",
    "F15": "award",
    "F18": "award",
    "F25": "award",
    "F20": "modification",
}
# F21-F23 (social and other specific services) say their kind inside: NOTICE TYPE="..."
_SOCIAL_KINDS: dict[str, NoticeKind] = {
    "PRI_ONLY": "prior_information",
    "PRI_CALL_COMPETITION": "prior_information",
    "CONTRACT": "contract",
    "AWARD_CONTRACT": "award",
}
_CONTRACT_TYPES = {"WORKS": "works", "SUPPLIES": "supplies", "SERVICES": "services"}


class _Reader(FactSheet):
    def __init__(self, root: etree._Element) -> None:
        super().__init__(root, "CURRENCY")
        self.root = root
        self.ns = namespace(root)
        self._tags: dict[str, str] = {}
        section = self.child(root, "FORM_SECTION")
        forms = list(section) if section is not None else []
        self.form = next((f for f in forms if f.get("CATEGORY") == "ORIGINAL"), forms[0] if forms else None)
        self.coded = self.child(root, "CODED_DATA_SECTION")

    def tag(self, name: str, ns: str | None = None) -> str:
        space = self.ns if ns is None else ns
        return f"{{{space}}}{name}" if space else name

    def child(self, element: etree._Element | Indexed | None, *path: str) -> etree._Element | None:
        """The first element down `path` (names in the notice's namespace: a form's elements share it)."""
        node: etree._Element | Indexed | None = element
        for name in path:
            if node is None:
                return None
            node = first_child(node, self._tags.get(name) or self._tag(name))
        return node if not isinstance(node, Indexed) else node.element

    def children(self, element: etree._Element | Indexed | None, name: str) -> list[etree._Element]:
        if element is None:
            return []
        return list(all_children(element, self._tags.get(name) or self._tag(name)))

    def _tag(self, name: str) -> str:
        tag = self._tags[name] = self.tag(name)
        return tag

    def cpv(self, element: etree._Element | None) -> etree._Element | None:
        code = self.child(element, "CPV_CODE")
        return code

    def cpv_put(self, code_element: etree._Element | None, fact: str = "", heading: tuple[str, ...] = ()) -> int | None:
        if code_element is None:
            return None
        return self.put(fact, code_element, code_element.get("CODE"), heading_path=heading)

    def buyers(self, body: etree._Element | None) -> tuple[NoticeBuyer, ...]:
        ca_type = self.child(body, "CA_TYPE")
        ca_other = self.child(body, "CA_TYPE_OTHER")
        legal: str | None = None
        legal_text: str | None = None
        legal_element: etree._Element | None = None
        if ca_type is not None:
            legal, legal_element = ca_type.get("VALUE"), ca_type
        elif ca_other is not None:
            legal, legal_text, legal_element = "other", text_of(ca_other), ca_other
        out: list[NoticeBuyer] = []
        addresses = [
            *self.children(body, "ADDRESS_CONTRACTING_BODY"),
            *self.children(body, "ADDRESS_CONTRACTING_BODY_ADDITIONAL"),
        ]
        for address in addresses:
            block = self.put("", self.child(address, "OFFICIALNAME"), heading_path=("Buyer",))
            if block is None:  # no name
                continue
            legal_block = (
                self.put("", legal_element, legal_text or legal, heading_path=("Buyer",))
                if legal_element is not None
                else None
            )
            country = self.child(address, "COUNTRY")
            out.append(
                make_buyer(
                    {
                        "name": self.words(block) or "",
                        "legal_type": legal,
                        "legal_type_text": legal_text,
                        "country": country.get("VALUE") if country is not None else None,
                        "block": block or 0,
                        "legal_type_block": legal_block,
                    }
                )
            )
        return tuple(out)

    def lots(self, obj: Indexed | None, divided: bool) -> tuple[tuple[NoticeLot, ...], list[tuple[str, int]]]:
        """The lots, and for a contract not divided into lots the CPV codes (with their blocks) of its one
        description."""
        lots: list[NoticeLot] = []
        undivided_cpv: list[tuple[str, int]] = []
        for descr in self.children(obj, "OBJECT_DESCR"):
            number = text_of(self.child(descr, "LOT_NO")) or descr.get("ITEM") or str(len(lots) + 1)
            heading = (f"Lot {number}",) if divided else ()
            title_element = self.child(descr, "TITLE")
            title = (
                self.put("", title_element, kind=BlockKind.HEADING, heading_path=heading, level=2) if divided else None
            )
            # F01 and some forms give a lot its own main CPV; the rest are additional codes
            elements = [
                self.cpv(self.child(descr, "CPV_MAIN")),
                *(self.cpv(c) for c in self.children(descr, "CPV_ADDITIONAL")),
            ]
            codes = [
                (code, block)
                for e in elements
                if e is not None
                and (code := cpv_code(e.get("CODE")))
                and (block := self.cpv_put(e, "" if divided else "cpv_additional", heading)) is not None
            ]
            description = self.put("", self.child(descr, "SHORT_DESCR"), heading_path=heading)
            if not divided:
                undivided_cpv.extend(codes)
                continue
            lots.append(
                make_lot(
                    {
                        "id": number,
                        "title": self.words(title),
                        "cpv": tuple(c for c, _ in codes),
                        "estimated": self.amount(self.child(descr, "VAL_OBJECT"), "", heading),
                        "awarded": None,
                        "title_block": title,
                        "description_block": description,
                        "cpv_blocks": tuple(b for _, b in codes),
                    }
                )
            )
        return tuple(lots), undivided_cpv

    def awarded_lots(self, form: etree._Element, lots: tuple[NoticeLot, ...]) -> tuple[NoticeLot, ...]:
        """An award notice's value per lot (AWARD_CONTRACT/.../VAL_TOTAL), added to its lots."""
        values: dict[str, dict[str, Amount]] = {"awarded": {}, "estimated": {}}
        for award in self.children(form, "AWARD_CONTRACT"):
            number = text_of(self.child(award, "LOT_NO")) or award.get("ITEM") or ""
            heading = (f"Lot {number}",)
            for field, name in (("awarded", "VAL_TOTAL"), ("estimated", "VAL_ESTIMATED_TOTAL")):
                found = self.amount(self.child(award, "AWARDED_CONTRACT", "VALUES", name), "", heading)
                if found is not None:
                    previous = values[field].get(number)
                    values[field][number] = (
                        found
                        if previous is None
                        else previous.model_copy(update={"amount": previous.amount + found.amount})
                    )
        if not lots:
            numbers = [n for n in dict.fromkeys([*values["awarded"], *values["estimated"]]) if n]
            if len(numbers) < 2:
                return ()
            return tuple(
                NoticeLot(id=n, awarded=values["awarded"].get(n), estimated=values["estimated"].get(n)) for n in numbers
            )
        return tuple(
            lot.model_copy(
                update={
                    "awarded": values["awarded"].get(lot.id),
                    "estimated": lot.estimated or values["estimated"].get(lot.id),
                }
            )
            for lot in lots
        )

    def dates(self) -> tuple[etree._Element | None, etree._Element | None]:
        """The elements of the dispatch date and the publication date."""
        dispatch = self.child(self.form, "COMPLEMENTARY_INFO", "DATE_DISPATCH_NOTICE")
        if dispatch is None:
            dispatch = self.child(self.coded, "CODIF_DATA", "DS_DATE_DISPATCH")
        return dispatch, self.child(self.coded, "REF_OJS", "DATE_PUB")

    def glance(self) -> Glance:
        body = self.child(self.form, "CONTRACTING_BODY")
        addresses = [
            *self.children(body, "ADDRESS_CONTRACTING_BODY"),
            *self.children(body, "ADDRESS_CONTRACTING_BODY_ADDITIONAL"),
        ]
        countries = tuple(
            code for a in addresses if (c := self.child(a, "COUNTRY")) is not None and (code := c.get("VALUE"))
        )
        dispatch, published = self.dates()
        return Glance(
            countries=countries,
            dispatch_date=iso_date(text_of(dispatch)),
            publication_date=iso_date(text_of(published)),
        )

    def read(self) -> tuple[Notice, list[Block]]:
        root, form = self.root, self.form
        form_name = local(form) if form is not None else local(root)
        kind = _FORM_KINDS.get(form_name[:3], "other")
        notice_type = self.child(form, "NOTICE")
        if notice_type is not None and notice_type.get("TYPE") in _SOCIAL_KINDS:
            kind = _SOCIAL_KINDS[notice_type.get("TYPE", "")]
        obj = indexed(self.child(form, "OBJECT_CONTRACT"))  # looked among a dozen times
        title_element = self.child(obj, "TITLE")
        title = self.put("title", title_element, kind=BlockKind.HEADING, level=1)
        self.put("description", self.child(obj, "SHORT_DESCR"))
        buyers = self.buyers(self.child(form, "CONTRACTING_BODY"))
        main = self.cpv(self.child(obj, "CPV_MAIN"))
        main_block = self.cpv_put(main, "cpv_main")
        ctype = self.child(obj, "TYPE_CONTRACT")
        self.put("contract_type", ctype, ctype.get("CTYPE") if ctype is not None else None)
        divided = self.child(obj, "LOT_DIVISION") is not None
        lots, undivided_cpv = self.lots(obj, divided)
        estimated = self.amount(self.child(obj, "VAL_ESTIMATED_TOTAL"), "estimated")
        awarded = self.amount(self.child(obj, "VAL_TOTAL"), "awarded") or self.amount(
            self.child(obj, "VAL_RANGE_TOTAL", "HIGH"), "awarded"
        )
        if kind == "award" and form is not None:
            lots = self.awarded_lots(form, lots)
        procedure = self.child(form, "PROCEDURE")
        procedure_type: str | None = None
        if procedure is not None:
            chosen = next((p for p in procedure if isinstance(p.tag, str) and local(p).startswith("PT_")), None)
            if chosen is not None:
                procedure_type = local(chosen)[3:].lower()
                self.put("procedure_type", chosen, local(chosen))
        basis = self.child(form, "LEGAL_BASIS")
        self.put("legal_basis", basis, basis.get("VALUE") if basis is not None else None)
        dispatch_element, published_element = self.dates()
        dispatch = self.put("dispatch_date", dispatch_element)
        published = self.put("publication_date", published_element)
        number = self.put("publication_number", self.child(self.coded, "NOTICE_DATA", "NO_DOC_OJS"))
        previous = self.child(procedure, "NOTICE_NUMBER_OJ")
        if previous is None:
            previous = self.child(self.coded, "NOTICE_DATA", "REF_NOTICE", "NO_DOC_OJS")
        notice = make_notice(
            {
                "format": "ted",
                "kind": kind,
                "type_code": form_name,
                "publication_number": self.words(number),
                "procedure_id": None,
                "notice_id": root.get("DOC_ID"),
                "previous_notice": text_of(previous),
                "buyer_reference": text_of(self.child(obj, "REFERENCE_NUMBER")),
                "legal_basis": basis.get("VALUE") if basis is not None else None,
                "buyers": buyers,
                "contract_type": _CONTRACT_TYPES.get(ctype.get("CTYPE", "") if ctype is not None else ""),
                "procedure_type": procedure_type,
                "title": self.words(title),
                "cpv_main": cpv_code(main.get("CODE")) if main is not None else None,
                "cpv_additional": unique(c for c, _ in undivided_cpv),
                "cpv_blocks": tuple(b for b in (main_block, *(b for _, b in undivided_cpv)) if b is not None),
                "estimated": estimated,
                "awarded": awarded,
                "lots": lots,
                "dispatch_date": iso_date(self.words(dispatch)),
                "publication_date": iso_date(self.words(published)),
                "strategic": (),
                "language": form.get("LG") if form is not None else None,
                "where": self.where,
            }
        )
        return notice, self.blocks


def read_ted(root: etree._Element) -> tuple[Notice, list[Block]]:
    return _Reader(root).read()


def glance_ted(root: etree._Element) -> Glance:
    return _Reader(root).glance()


def country_codes(root: etree._Element) -> Iterator[str]:
    """Every COUNTRY code anywhere in the notice (a buyer's among them), as `glance_ted` reads one."""
    space = namespace(root)
    return (code for e in root.iter(f"{{{space}}}COUNTRY" if space else "COUNTRY") if (code := e.get("VALUE")))
