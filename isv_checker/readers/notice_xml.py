"""Reads a procurement notice (eForms or TED R2.0.9 XML) into a `Document` whose `notice` holds its facts.

Notices come from outside, often in bulk, so the XML is parsed as untrusted input: no DTD is loaded,
no entity is expanded, nothing is fetched from the network, and a file that declares a document type
at all is refused unread, because notices never do and entity declarations are how XML attacks (the
"billion laughs", external entities that read local files) work. A size limit comes first.

The blocks hold the notice's words (title, descriptions, buyer names, codes and amounts as written),
each with the path and line of its element, so a report quotes a notice as it quotes a document.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from lxml import etree

from ..document import Block, BlockKind, ReadStatus
from ..notice import Amount, Notice, NoticeBuyer, NoticeLot
from ..records import trusted_maker
from ..settings import ReadOptions
from .extraction import Extraction, ReadFailure
from .sniff import NOTICE_ROOTS

_DECLARES = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class _PerThread(threading.local):
    """An lxml parser is not safe to share between threads (the web server's); nor is the last tree."""

    def __init__(self) -> None:
        self.parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
        )
        self.last: tuple[bytes, etree._Element] | None = None


_THREAD = _PerThread()


def parse(data: bytes, options: ReadOptions) -> etree._Element:
    """The notice's root element, or `ReadFailure` with a status for a file that is not safe or not whole.

    The last tree parsed in this thread is kept for the same bytes object: a bulk run glances at a
    notice (`glance`) and then reads the ones it selects, and parsing is most of reading."""
    last = _THREAD.last
    if last is not None and last[0] is data:
        return last[1]
    root = _parse(data, options)
    _THREAD.last = (data, root)
    return root


def _parse(data: bytes, options: ReadOptions) -> etree._Element:
    if len(data) > options.max_notice_bytes:
        raise ReadFailure(ReadStatus.TOO_LARGE, "notice_over_size", size=len(data), limit=options.max_notice_bytes)
    if _DECLARES.search(data):
        raise ReadFailure(ReadStatus.UNSUPPORTED, "xml_declarations")
    try:
        root = etree.fromstring(data, _THREAD.parser)
    except etree.XMLSyntaxError as exc:
        raise ReadFailure(ReadStatus.CORRUPT, "xml_not_well_formed", error=str(exc)) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ReadFailure(ReadStatus.UNSUPPORTED, "xml_declarations")  # in an encoding the byte check missed
    return root


def local(element: etree._Element) -> str:
    """An element's name without its namespace (what `etree.QName(element).localname` gives, without
    making a QName)."""
    return str(element.tag).rpartition("}")[2]


def namespace(element: etree._Element) -> str:
    """An element's namespace URI, "" for none (what `etree.QName(element).namespace or ""` gives)."""
    tag = str(element.tag)
    return tag[1 : tag.index("}")] if tag.startswith("{") else ""


class Indexed:
    """An element's children by tag, read in one pass, for the few elements a reader looks among again
    and again (a notice's root, its procurement project, a TED form's object): there one lxml tag
    matcher per look (`first_child`) costs more than reading every child's tag once. `first_child`,
    `all_children` and so `ChildPath` take it in place of its element. Lists in document order."""

    __slots__ = ("element", "by_tag")

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.by_tag: dict[str, list[etree._Element]] = {}
        for child in element:
            tag = child.tag
            same = self.by_tag.get(tag)
            if same is None:
                self.by_tag[tag] = [child]
            else:
                same.append(child)


def indexed(element: etree._Element | None) -> Indexed | None:
    return None if element is None else Indexed(element)


def first_child(element: etree._Element | Indexed, tag: str) -> etree._Element | None:
    """`next(element.iterchildren(tag), None)`. Most elements a reader steps into have one child or none,
    and comparing that child's tag costs a third of the tag matcher lxml's `iterchildren` builds on
    every call."""
    if isinstance(element, Indexed):
        same = element.by_tag.get(tag)
        return same[0] if same else None
    count = len(element)
    if count > 1:
        return next(element.iterchildren(tag), None)
    if count:
        child = element[0]
        return child if child.tag == tag else None
    return None


def all_children(element: etree._Element | Indexed, tag: str) -> Iterable[etree._Element]:
    """The children `element.iterchildren(tag)` yields, found as `first_child` finds the first."""
    if isinstance(element, Indexed):
        return element.by_tag.get(tag, ())
    count = len(element)
    if count > 1:
        found: Iterable[etree._Element] = element.iterchildren(tag)
        return found
    if count:
        child = element[0]
        return (child,) if child.tag == tag else ()
    return ()


class ChildPath:
    """An element path of child steps ('cac:ProcurementProject/cbc:Name', a step may end in
    [@attribute='value']) made into namespaced tags once, and followed step by step (`first_child`,
    `all_children`). It finds what ElementPath's `find` and `findall` find, in the same order; those
    build a generator per step and a cache key from the namespace map on every call, which cost more
    than the rest of reading a notice."""

    _STEP = re.compile(r"(?:(\w+):)?([\w.-]+)(?:\[@([\w.-]+)='([^']*)'\])?")

    def __init__(self, path: str, namespaces: dict[str, str]) -> None:
        steps: list[tuple[str, str | None, str | None]] = []
        for step in path.split("/"):
            found = self._STEP.fullmatch(step)
            if found is None:
                raise ValueError(f"not a path of child steps: {path}")
            prefix, name, attribute, value = found.groups()
            steps.append((f"{{{namespaces[prefix]}}}{name}" if prefix else name, attribute, value))
        self.steps = tuple(steps)
        self.simple = len(steps) == 1 and steps[0][1] is None

    def all(self, element: etree._Element | Indexed) -> list[etree._Element]:
        tag, attribute, value = self.steps[0]
        nodes = [child for child in all_children(element, tag) if attribute is None or child.get(attribute) == value]
        for tag, attribute, value in self.steps[1:]:
            nodes = [
                child
                for node in nodes
                for child in all_children(node, tag)
                if attribute is None or child.get(attribute) == value
            ]
        return nodes

    def first(self, element: etree._Element | Indexed) -> etree._Element | None:
        if self.simple:
            return first_child(element, self.steps[0][0])
        return self._first(element, 0)

    def _first(self, node: etree._Element | Indexed, step: int) -> etree._Element | None:
        tag, attribute, value = self.steps[step]
        last = step == len(self.steps) - 1
        for child in all_children(node, tag):
            if attribute is None or child.get(attribute) == value:
                found = child if last else self._first(child, step + 1)
                if found is not None:
                    return found
        return None


# A notice's blocks are made from values of the right types (an int index and line, a BlockKind, str,
# a tuple of str), so they need not be validated again: a notice has twenty of them.
_make_block = trusted_maker(
    Block,
    {
        "index": 0,
        "kind": BlockKind.HEADING,
        "text": "Levering van laptops",
        "level": 2,
        "label": None,
        "page": None,
        "paragraph": None,
        "line": 12,
        "table": None,
        "row": None,
        "column": None,
        "heading_path": ("Lot LOT-0001",),
        "ocr": False,
        "inserted": False,
        "element": "/ContractNotice/cac:ProcurementProject/cbc:Name",
    },
)
# (root's name, its namespaces' prefixes) -> lxml's element path -> the path with prefixes
_PATHS: dict[tuple[str, tuple[tuple[str, str], ...]], dict[str, str]] = {}
_PATHS_LIMIT = 50_000


class FactSheet:
    """What both notice readers build: the blocks, in the order they are made, each with its element's
    path and line, and which block holds each fact (`Notice.where`)."""

    def __init__(self, root: etree._Element, currency_attribute: str) -> None:
        self.blocks: list[Block] = []
        self.where: dict[str, int] = {}
        self.currency_attribute = currency_attribute  # eForms currencyID, TED CURRENCY
        self.tree = root.getroottree()
        root_name = f"/{_prefixed(root)}"
        # namespace URI -> the prefix the notice uses for it (the default namespace has none)
        prefixes = tuple((f"{{{uri}}}", f"{prefix}:" if prefix else "") for prefix, uri in root.nsmap.items())
        paths = _PATHS.get((root_name, prefixes))
        if paths is None:
            paths = {}
            if len(_PATHS) < 64:  # a package's notices share a handful of namespace maps
                _PATHS[(root_name, prefixes)] = paths
        self.paths: dict[str, str] = paths
        self.root_name, self.prefixes = root_name, prefixes

    def put(
        self,
        fact: str,
        element: etree._Element | None,
        text: str | None = None,
        kind: BlockKind = BlockKind.PARAGRAPH,
        heading_path: tuple[str, ...] = (),
        level: int | None = None,
    ) -> int | None:
        """A block of the element's text (or of `text`, its runs of white space made one space); its
        index, kept as `fact`'s first place. None where there is no text."""
        if element is None:
            return None
        words = text_of(element) if text is None else " ".join(text.split())
        if not words:
            return None
        index = len(self.blocks)
        self.blocks.append(
            _make_block(
                {
                    "index": index,
                    "kind": kind,
                    "text": words,
                    "level": level,
                    "label": None,
                    "page": None,
                    "paragraph": None,
                    "line": element.sourceline,
                    "table": None,
                    "row": None,
                    "column": None,
                    "heading_path": heading_path,
                    "ocr": False,
                    "inserted": False,
                    "element": self.path(element),
                }
            )
        )
        if fact and fact not in self.where:
            self.where[fact] = index
        return index

    def words(self, index: int | None) -> str | None:
        """The words of block `index` (of an element put without a text of its own: its `text_of`)."""
        return None if index is None else self.blocks[index].text

    def path(self, element: etree._Element) -> str:
        """/Root/prefix:Name[n]/...: prefixes as the notice writes them, [n] where siblings share a name
        (lxml's own element path, in C, with the namespace URIs put back as prefixes; the notices of a
        package share their few hundred paths, so each is written with prefixes once)."""
        raw = self.tree.getelementpath(element)
        return self.paths.get(raw) or self._prefixed_path(raw)

    def _prefixed_path(self, raw: str) -> str:
        path = raw
        for uri, prefix in self.prefixes:
            path = path.replace(uri, prefix)
        path = f"{self.root_name}/{path}"
        if len(self.paths) < _PATHS_LIMIT:
            self.paths[raw] = path
        return path

    def amount(self, element: etree._Element | None, fact: str = "", heading: tuple[str, ...] = ()) -> Amount | None:
        """An amount element as an `Amount` (its currency, or EUR where the notice names none), with its block."""
        value = amount_of(element.text if element is not None else None)
        if element is None or value is None:
            return None
        currency = (element.get(self.currency_attribute) or "").upper() or "EUR"
        block = self.put(fact, element, f"{currency} {(element.text or '').strip()}", heading_path=heading)
        return make_amount({"amount": value, "currency": currency, "block": block or 0})


# A notice's records are made by its reader from values of their fields' types (str from `text_of`,
# float from `amount_of`, int block indexes, tuples, the kinds' and contract types' literals), so they
# are not validated again (`records.trusted_maker`); each maker takes every field, in the model's order.
make_amount = trusted_maker(Amount, {"amount": 1250000.0, "currency": "EUR", "block": 7})
make_buyer = trusted_maker(
    NoticeBuyer,
    {
        "name": "Belastingdienst",
        "legal_type": "cga",
        "legal_type_text": None,
        "country": "NLD",
        "block": 2,
        "legal_type_block": 3,
    },
)
make_lot = trusted_maker(
    NoticeLot,
    {
        "id": "LOT-0001",
        "title": "Laptops",
        "cpv": ("30213100",),
        "estimated": make_amount({"amount": 500000.0, "currency": "EUR", "block": 9}),
        "awarded": None,
        "title_block": 6,
        "description_block": 7,
        "cpv_blocks": (8,),
    },
)
make_notice = trusted_maker(
    Notice,
    {
        "format": "eforms",
        "kind": "contract",
        "type_code": "cn-standard",
        "publication_number": "00123456-2024",
        "procedure_id": "1e8a3c52-6f0d-4a5e-9a55-2d1c3e0f7b11",
        "notice_id": "5f1c2e3d-0000-4000-8000-000000000001",
        "previous_notice": None,
        "buyer_reference": "2024-001",
        "legal_basis": "32014L0024",
        "buyers": (),
        "contract_type": "supplies",
        "procedure_type": "open",
        "title": "Laptops",
        "cpv_main": "30213100",
        "cpv_additional": ("30237000",),
        "cpv_blocks": (4, 5),
        "estimated": make_amount({"amount": 1250000.0, "currency": "EUR", "block": 7}),
        "awarded": None,
        "lots": (),
        "dispatch_date": "2024-03-05",
        "publication_date": "2024-03-08",
        "strategic": ("env-imp",),
        "language": "NLD",
        "where": {"title": 0, "estimated": 7},
    },
)


def _prefixed(element: etree._Element) -> str:
    return f"{element.prefix}:{local(element)}" if element.prefix else local(element)


def text_of(element: etree._Element | None) -> str | None:
    """All text inside an element (paragraphs of a TED <P> list joined by spaces), or None."""
    if element is None:
        return None
    if not len(element):  # no children (most elements a notice's facts are read from): its own text
        own = element.text
        return (" ".join(own.split()) or None) if own else None
    joined = " ".join(t for t in element.itertext() if isinstance(t, str))
    return " ".join(joined.split()) or None


_EIGHT_DIGITS = re.compile(r"\d{8}")
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_CPV = re.compile(r"\s*(\d{8})")


def iso_date(raw: str | None) -> str | None:
    """YYYY-MM-DD from '2024-03-05+01:00', '2024-03-05Z', '20240305'; None when it is no date."""
    if not raw:
        return None
    raw = raw.strip()
    if _EIGHT_DIGITS.fullmatch(raw):
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    found = _ISO_DATE.match(raw)
    return found.group(1) if found else None


def amount_of(raw: str | None) -> float | None:
    """A decimal as XML writes it ('1234567.89'); tolerates spaces and a decimal comma."""
    if raw is None:
        return None
    cleaned = raw.strip().replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value >= 0 and value == value and value != float("inf") else None


def cpv_code(raw: str | None) -> str | None:
    """The 8 digits of a CPV code ('30213100-6' -> '30213100')."""
    if not raw:
        return None
    found = _CPV.match(raw)
    return found.group(1) if found else None


def unique(codes: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for c in codes if c))


def read_notice(data: bytes, options: ReadOptions) -> Extraction:
    """The reader of format `notice`: parse safely, then read by the root element's format."""
    root = parse(data, options)
    fmt = NOTICE_ROOTS.get(local(root))
    if fmt is None:
        raise ReadFailure(ReadStatus.UNSUPPORTED, "xml_unknown_notice", root=local(root))
    if fmt == "eforms":
        from .notice_eforms import read_eforms

        notice, blocks = read_eforms(root)
    else:
        from .notice_ted import read_ted

        notice, blocks = read_ted(root)
    return Extraction(blocks=tuple(blocks), notice=notice, language=_LANGUAGES.get((notice.language or "").upper()))


# a notice's own language code (eForms ISO 639-3, TED two letters) where it is one the checker reads
_LANGUAGES: dict[str, Literal["nl", "en"]] = {"NLD": "nl", "NL": "nl", "ENG": "en", "EN": "en"}


@dataclass(frozen=True, slots=True)
class Glance:
    """What a bulk run needs to know before reading a notice in full: its buyers' countries and dates."""

    countries: tuple[str, ...]
    dispatch_date: str | None
    publication_date: str | None


def names_none_of(data: bytes, options: ReadOptions, countries: frozenset[str]) -> bool:
    """Whether a notice names none of `countries` (upper case) in any of its country codes, its buyers'
    or any other's: then none of its buyers is of one of them. A TED day holds notices of every country,
    and this is a search of the parsed tree in C for one tag, where `glance` follows the paths from each
    buyer to its address. False for a file that is not a notice that parses (reading it says why)."""
    found = _notice_root(data, options)
    if found is None:
        return False
    fmt, root = found
    if fmt == "eforms":
        from .notice_eforms import country_codes
    else:
        from .notice_ted import country_codes
    return not any(code.upper() in countries for code in country_codes(root))


def glance(data: bytes, options: ReadOptions) -> Glance | None:
    """The buyers' countries and the dates of a notice, or None when it is not a notice that parses
    (reading it in full then says what is wrong). A TED day holds notices of every country; most
    need only this."""
    found = _notice_root(data, options)
    if found is None:
        return None
    fmt, root = found
    if fmt == "eforms":
        from .notice_eforms import glance_eforms

        return glance_eforms(root)
    from .notice_ted import glance_ted

    return glance_ted(root)


def _notice_root(data: bytes, options: ReadOptions) -> tuple[str, etree._Element] | None:
    """The notice's format ("eforms" or "ted") and root, or None for a file that is not a notice that parses."""
    try:
        root = parse(data, options)
    except ReadFailure:
        return None
    fmt = NOTICE_ROOTS.get(local(root))
    return (fmt, root) if fmt in ("eforms", "ted") else None
