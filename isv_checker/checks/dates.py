"""Finds the document's date, which fixes the threshold period: "14 april 2025", "2025-04-14", "14-04-2025"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..document import Block, BlockKind, Document
from .title import title_blocks

_MONTHS = {
    "januari": 1,
    "februari": 2,
    "maart": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "augustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "october": 10,
    "jan": 1,
    "feb": 2,
    "mrt": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_WORDS = r"(?P<d>\d{1,2})\s+(?P<m>[a-zA-Z]{3,9})\.?\s+(?P<y>(?:19|20)\d{2})"
_WORDS_EN = r"(?P<m2>[A-Z][a-z]{2,8})\s+(?P<d2>\d{1,2}),\s+(?P<y2>(?:19|20)\d{2})"
_ISO = r"(?P<iy>(?:19|20)\d{2})-(?P<im>\d{2})-(?P<id>\d{2})"
_NUMERIC = r"(?P<nd>\d{1,2})[-/.](?P<nm>\d{1,2})[-/.](?P<ny>(?:19|20)\d{2})"
DATE_RE = re.compile(rf"\b(?:{_WORDS}|{_WORDS_EN}|{_ISO}|{_NUMERIC})\b")
SEARCH_BLOCKS = 40


# Where a document's date was read, most trusted first. "notice" is a procurement notice's dispatch
# date (or publication date), an element of its own. The next four are the document's own
# statement of its date; "text" is a date near the top that no word marks; "forward" is a date the text
# looks ahead or back to (a start, a deadline, an old contract's end), which is still near the document's
# own; "metadata" is the file's properties, the last resort: Word templates keep creation dates of years
# ago, a PDF carries the day it was exported, a file's modification time is the day it was copied.
ORIGINS = ("notice", "labelled", "signed", "header", "title", "text", "forward", "metadata")
STATED = frozenset({"notice", "labelled", "signed", "header", "title"})

_LABEL_RE = re.compile(r"\b(?:datum|date|dated|gedateerd|d\.d\.)\b\W{0,3}$", re.IGNORECASE)
_SIGNED_RE = re.compile(
    r"(?:(?:^|[\s·|(\[])(?:te\s+)?[A-Z][\w'\-]+(?:[ -](?:aan\s+(?:den|de|het)\s+)?[A-Z][\w'\-]+){0,2},\s*(?:d\.d\.\s*)?"
    r"|\b(?:ondertekend|getekend|signed|opgemaakt|vastgesteld|overeengekomen|agreed)\b.{0,40}?\b(?:op|on|d\.d\.)\s+"
    r"|^\s*)$"
)
_VERSION_RE = re.compile(r"\b(?:versie|version|v\d+(?:\.\d+)*|concept|draft|status|kenmerk|reference)\b", re.IGNORECASE)
_FORWARD_RE = re.compile(
    r"\b(?:gaat\s+in|ingaat|ingang|ingangsdatum|aanvang|start\w*|begin\w*|loopt|lopen|eindig\w*|afloop|"
    r"verloopt|tot\s+en\s+met|t/m|tot|uiterlijk|vóór|deadline|sluitingsdatum|sluit|termijn|"
    r"takes?\s+effect|effective|commenc\w*|ends?|ending|expir\w*|until|before|no\s+later|closing|due|"
    r"inschrijving\w*|gepubliceerd|published|aangekondigd|vanaf|per)\b",
    re.IGNORECASE,
)
_REACH = 45  # characters before a date in which its label, place or verb is looked for
_FORWARD_REACH = 25  # the verb or preposition that makes a date a start or a deadline sits close to it


@dataclass(frozen=True)
class FoundDate:
    date: dt.date
    block: int | None
    start: int
    end: int
    origin: str  # one of ORIGINS

    @property
    def stated(self) -> bool:
        """The document states this as its own date: labelled, signed, in a header or footer, in the title."""
        return self.origin in STATED


def parse_dates(text: str) -> list[tuple[dt.date, int, int]]:
    found = []
    for m in DATE_RE.finditer(text):
        try:
            if m.group("d"):
                month = _MONTHS.get(m.group("m").lower())
                if month is None:
                    continue
                value = dt.date(int(m.group("y")), month, int(m.group("d")))
            elif m.group("d2"):
                month = _MONTHS.get(m.group("m2").lower())
                if month is None:
                    continue
                value = dt.date(int(m.group("y2")), month, int(m.group("d2")))
            elif m.group("iy"):
                value = dt.date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
            else:
                value = dt.date(int(m.group("ny")), int(m.group("nm")), int(m.group("nd")))
        except ValueError:
            continue
        found.append((value, m.start(), m.end()))
    return found


def document_date(document: Document) -> FoundDate | None:
    """The date a person would call the document's date, most trusted first (`ORIGINS`): a date
    labelled "Datum", or signed ("Den Haag, 14 april 2025", "ondertekend te Utrecht op ..."), anywhere;
    a date in a header, footer or version line; one in the title area; an unmarked date near the top;
    a date the text looks ahead or back to, unless the file's own date falls in the year before it;
    last, the file's own date. Of equal rank, the first wins."""
    best: FoundDate | None = None
    title = title_blocks(document)
    for block in document.blocks:
        text = block.text
        if not _YEAR_RE.search(text):
            continue
        for value, start, end in parse_dates(text):
            found = FoundDate(value, block.index, start, end, _origin(text, start, block, title))
            if found.origin == "text" and block.index >= SEARCH_BLOCKS:
                continue  # an unmarked date deep in the body is about something else
            if best is None or ORIGINS.index(found.origin) < ORIGINS.index(best.origin):
                best = found
                if found.origin == "labelled":
                    return found
    metadata = _metadata_date(document)
    if metadata is None:
        return best
    if best is None:
        return metadata
    if best.origin == "forward" and best.date - _FORWARD_LEAD <= metadata.date <= best.date:
        return metadata  # the file's date, in the months before the start or deadline the text gives
    return best


# A start or deadline lies at most this long after the document that sets it.
_FORWARD_LEAD = dt.timedelta(days=366)


_YEAR_RE = re.compile(r"(?:19|20)\d\d")


def _origin(text: str, start: int, block: Block, title: set[int]) -> str:
    before = text[max(0, start - _REACH) : start]
    # the words since the previous date or sentence belong to this date
    before = re.split(r"[.;:]\s|\d{4}\b", before)[-1] if not _LABEL_RE.search(before) else before
    if _LABEL_RE.search(before):
        return "labelled"
    if _SIGNED_RE.search(before):
        return "signed"
    if block.kind in (BlockKind.HEADER, BlockKind.FOOTER) or _VERSION_RE.search(before):
        return "header"
    if _FORWARD_RE.search(before[-_FORWARD_REACH:]):
        return "forward"
    if block.index in title:
        return "title"
    return "text"


def _metadata_date(document: Document) -> FoundDate | None:
    """The file's last-modified date, else its creation date (a template's creation date is the oldest
    date a file carries)."""
    for key in ("modified", "created"):
        stamp = document.properties.get(key)
        if stamp:
            try:
                return FoundDate(dt.date.fromisoformat(stamp[:10]), None, 0, 0, "metadata")
            except ValueError:
                continue
    return None
