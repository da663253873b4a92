"""Finds the document's date, which fixes the threshold period: "14 april 2025", "2025-04-14", "14-04-2025"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..document import Document
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


@dataclass(frozen=True)
class FoundDate:
    date: dt.date
    block: int | None
    start: int
    end: int
    labelled: bool  # next to "Datum"/"Date"


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
    """The date a person would call the document's date, most trusted first: a date labelled "Datum"
    or written as "Den Haag, 14 april 2025" near the top; a date in the title area; the file's own
    creation date; the first date near the top (which may be a deadline or an old contract's end)."""
    first: FoundDate | None = None
    title = title_blocks(document)
    for block in document.blocks[:SEARCH_BLOCKS]:
        lower = block.text.lower()
        for value, start, end in parse_dates(block.text):
            labelled = (
                "datum" in lower[:start] or "date" in lower[:start] or bool(re.match(r"^[A-Z][a-z]+,\s", block.text))
            )
            found = FoundDate(value, block.index, start, end, labelled)
            if labelled:
                return found
            if first is None:
                first = found
    if first is not None and first.block in title:
        return first
    created = document.properties.get("created")
    if created:
        try:
            return FoundDate(dt.date.fromisoformat(created[:10]), None, 0, 0, False)
        except ValueError:
            pass
    return first
