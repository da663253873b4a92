"""How each language writes what is not a phrase: counts as words, euros, numbers, shares, dates, and
the place of a quote ('par. 17, table 1 r2 c1' in the report, 'par. 17, tabel 1, rij 2, kol. 1' on a
Dutch page). The words come from the catalogue (`number.<n>`, `month.<n>`, `location.<kind>`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from .catalogue import catalogue


def number_word(count: int, lang: str) -> str:
    """A small count as a word ("six", "zes"), as the messages write counts; larger ones as digits."""
    return catalogue(lang).get(f"number.{count}", str(count))


def format_number(value: float, lang: str, decimals: int = 0) -> str:
    """1,234.5 in English, 1.234,5 in Dutch."""
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_decimal(value: float, lang: str, decimals: int = 0) -> str:
    """A measurement without thousands separators, as a log line shows it: '1234.5' / '1234,5'."""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "nl" else text


def amount(value: float, lang: str) -> str:
    """Whole euros with the thousands separator of `lang` (1,200,000; 1.200.000)."""
    return format_number(value, lang)  # not round(): a digit run read as an amount may be infinite


def format_eur(value: float | None, lang: str) -> str:
    """EUR amounts as each language writes them: '€ 2.400.000' and 'EUR 2,400,000'."""
    if value is None:
        return catalogue(lang)["unknown"]
    return ("€ " if lang == "nl" else "EUR ") + amount(value, lang)


def format_share(share: float | None, lang: str) -> str:
    """A share as a percentage with one decimal ('66,7%' / '66.7%'); '—' when there is nothing to divide."""
    if share is None:
        return "—"
    return format_number(share * 100, lang, 1) + "%"


def format_seconds(seconds: float, lang: str) -> str:
    """Seconds as a person writes them: '120', '2.5' / '2,5'."""
    text = f"{seconds:g}"
    return text.replace(".", ",") if lang == "nl" else text


def format_date(value: str | dt.date | None, lang: str) -> str:
    """'16 mei 2024' / '16 May 2024'; ISO text that does not parse is shown as it is."""
    words = catalogue(lang)
    if value is None:
        return words["unknown"]
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
    else:
        day = value
    return f"{day.day} {words[f'month.{day.month}']} {day.year}"


# the parts of a location label (`Block.location`) that are words, and the catalogue key of each
_LOCATION_PARTS = (
    (re.compile(r"\btable (?P<table>\d+) r(?P<row>\d+) c(?P<column>\d+)"), "location.table"),
    (re.compile(r"\bline (?P<line>\d+)"), "location.line"),
    (re.compile(r"\bblock (?P<block>\d+)"), "location.block"),
    (re.compile(r"\bheader\b"), "location.header"),
    (re.compile(r"\bfooter\b"), "location.footer"),
    (re.compile(r"\bfootnote\b"), "location.footnote"),
    (re.compile(r"\btext box\b"), "location.text_box"),
)


def location_label(location: str, lang: str) -> str:
    """A report's location label ('par. 17, table 1 r2 c1') in the words of `lang`."""
    words = catalogue(lang)
    for pattern, key in _LOCATION_PARTS:
        location = pattern.sub(_in_words(words[key]), location)
    return location


def _in_words(text: str) -> Callable[[re.Match[str]], str]:
    return lambda match: text.format(**match.groupdict())
