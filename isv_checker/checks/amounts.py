"""Finds money amounts in Dutch and English tender prose and turns them into euros.

Tenders write the same value many ways: "EUR 2.400.000", "€ 2.400.000,-", "€ 1,2 miljoen",
"circa 850.000 euro excl. btw", "EUR 3.5 million", "k€ 450", "€450k", "EUR 2,400,000.00", and ranges
"tussen € 1 en 1,5 miljoen" (the upper end: the threshold is met by the maximum). This module
only recognises and normalises them; which amount is the contract's estimated value is decided by the
rules, from the words around each one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_CURRENCY = r"(?:€|EUR|Euro|euro|EURO)"
_NUMBER = r"\d{1,3}(?:[.,\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?"
# "min" is how OCR reads "mln" ("€ 2,4 min excl. btw"); no amount of euros is counted in minutes
_SCALE = r"miljard|miljoen|mln\.?|mio\.?|min\.?|million|billion|bn|thousand|duizend|k|K|m|M"
_DASH = r"(?:,-{1,2}|,—|\.-)"

_AMOUNT_RE = re.compile(
    rf"""
    (?:
        (?P<rcur>{_CURRENCY})\s?(?P<rlow>{_NUMBER})\s?(?:en|tot|à|a|-|–|to|and)\s?(?P<rnum>{_NUMBER})\s?(?P<rscale>{_SCALE})(?!\w)
      | (?P<kcur>k€|K€|kEUR)\s?(?P<knum>{_NUMBER})
      | (?P<pre>{_CURRENCY})\s?(?P<pnum>{_NUMBER})(?:\s?(?P<pscale>{_SCALE})(?!\w))?{_DASH}?
      | (?P<snum>{_NUMBER})\s?(?P<sscale>{_SCALE})?\s?(?P<post>{_CURRENCY})(?!\w)
    )
    """,
    re.VERBOSE,
)
_SCALES = {
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "duizend": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mln": Decimal(1_000_000),
    "mio": Decimal(1_000_000),
    "min": Decimal(1_000_000),
    "miljoen": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "miljard": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
}


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount in euros found at text[start:end]."""

    euros: Decimal
    start: int
    end: int
    text: str


def parse_number(raw: str) -> Decimal | None:
    """Parse "2.400.000", "2,400,000.00", "1,2", "3.5", "850 000" into a Decimal; None if unclear.

    One kind of separator used once is a decimal mark unless exactly three digits follow it, so "1.200"
    is 1200, as Dutch tenders write it, and "3.5" is 3.5. Repeated, it separates thousands. With two
    kinds, the last one is the decimal mark. A space only ever separates thousands.
    """
    s = raw.replace("\u00a0", " ").strip()
    parts = re.split(r"([.,\s])", s)
    digits, seps = parts[0::2], parts[1::2]
    if not seps:
        return _dec(s)
    if any(not d.isdigit() for d in digits):
        return None
    kinds = set(seps)
    if len(kinds) > 1:
        if seps.count(seps[-1]) > 1 or seps[-1] == " ":
            return None
        return _dec("".join(digits[:-1]) + "." + digits[-1])
    if len(seps) > 1 or seps[0] == " " or len(digits[-1]) == 3:
        if any(len(d) != 3 for d in digits[1:]):
            return None
        return _dec("".join(digits))
    return _dec(digits[0] + "." + digits[1])


def _dec(s: str) -> Decimal | None:
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


_CURRENCY_WORDS = ("€", "EUR", "Euro", "euro")  # every spelling of _CURRENCY contains one of these
_DIGIT_AFTER = 2  # "€ 1": a number starts right after the currency, or after one space
_DIGIT_BEFORE = 11  # "1 thousand euro": the number ends at most a space, a scale word and a space before


def _may_hold_amount(text: str) -> bool:
    """Whether `text` has a currency word with a digit where `_AMOUNT_RE` needs one. Exact as a
    filter (never False where the pattern would match), and cheap: "Europese aanbesteding" and
    "euro" without a number are the common case."""
    for word in _CURRENCY_WORDS:
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            if any(c.isdigit() for c in text[end : end + _DIGIT_AFTER]) or any(
                c.isdigit() for c in text[max(0, at - _DIGIT_BEFORE) : at]
            ):
                return True
            at = text.find(word, end)
    return False


# Number words, Dutch written as one compound ("honderdachtenzeventigduizend") and English as
# separate words ("one hundred and seventy-eight thousand"): the parts and what each is worth.
_SMALL: dict[str, Decimal] = {
    word: Decimal(value)
    for value, words in (
        (1, ("een", "één", "eén", "one", "a")), (2, ("twee", "two")), (3, ("drie", "three")),
        (4, ("vier", "four")), (5, ("vijf", "five")), (6, ("zes", "six")), (7, ("zeven", "seven")),
        (8, ("acht", "eight")), (9, ("negen", "nine")), (10, ("tien", "ten")), (11, ("elf", "eleven")),
        (12, ("twaalf", "twelve")), (13, ("dertien", "thirteen")), (14, ("veertien", "fourteen")),
        (15, ("vijftien", "fifteen")), (16, ("zestien", "sixteen")), (17, ("zeventien", "seventeen")),
        (18, ("achttien", "eighteen")), (19, ("negentien", "nineteen")), (20, ("twintig", "twenty")),
        (30, ("dertig", "thirty")), (40, ("veertig", "forty")), (50, ("vijftig", "fifty")),
        (60, ("zestig", "sixty")), (70, ("zeventig", "seventy")), (80, ("tachtig", "eighty")),
        (90, ("negentig", "ninety")),
    )
    for word in words
} | {"anderhalf": Decimal("1.5"), "tweeënhalf": Decimal("2.5"), "tweeenhalf": Decimal("2.5")}  # fmt: skip
_HUNDRED = ("honderd", "hundred")
_BIG: dict[str, Decimal] = {
    "duizend": Decimal(1_000), "thousand": Decimal(1_000), "miljoen": Decimal(1_000_000),
    "million": Decimal(1_000_000), "miljard": Decimal(1_000_000_000), "billion": Decimal(1_000_000_000),
}  # fmt: skip
_JOINS = ("en", "ën", "and")  # "acht-en-zeventig", "tweeëntwintig", "hundred and five"
_HALF = "half"  # "one and a half million", "twee en een half miljoen", "een half miljoen"
_PART = "|".join(sorted((*_SMALL, *_HUNDRED, *_BIG, *_JOINS, _HALF), key=len, reverse=True))
_PART_RE = re.compile(_PART, re.IGNORECASE)
_WORDS_RE = re.compile(
    rf"(?<!\w)(?:{_PART})+(?:[\s-]+(?:{_PART})+)*\s+(?:euro|euros|EUR)\b",
    re.IGNORECASE,
)


def _words_value(words: str) -> Decimal | None:
    """The number that number words spell, or None if they spell none ("en", a lone "a")."""
    parts = [p.lower() for p in _PART_RE.findall(words.replace("-", " "))]
    if "".join(parts) != "".join(words.lower().split()).replace("-", ""):
        return None  # letters that are no number word: not a written-out amount
    total, current, seen = Decimal(0), Decimal(0), False
    for at, part in enumerate(parts):
        if part in _JOINS or (part == "a" and at and parts[at - 1] == _HALF):
            continue  # "half a million": the "a" is no one
        seen = True
        if part == _HALF:
            # "a half", "een half": the "a" counted as one was a half
            current += Decimal("-0.5") if at and parts[at - 1] in ("a", "een", "één", "eén") else Decimal("0.5")
        elif part in _SMALL:
            current += _SMALL[part]
        elif part in _HUNDRED:
            current = (current or Decimal(1)) * 100
        else:
            total += (current or Decimal(1)) * _BIG[part]
            current = Decimal(0)
    return total + current if seen else None


def find_amounts(text: str) -> list[Amount]:
    """Every euro amount in `text`, in order, with its character span, digits or words ("twee
    miljoen euro", "three hundred thousand euros")."""
    found: list[Amount] = []
    if not _may_hold_amount(text):
        return _amounts_in_words(text) if _names_euros(text) else found
    for m in _AMOUNT_RE.finditer(text):
        if m.group("rnum"):
            number, scale = m.group("rnum"), m.group("rscale")  # a range's upper end: "€ 1 en 1,5 miljoen"
        elif m.group("knum"):
            number, scale = m.group("knum"), "k"
        elif m.group("pnum"):
            number, scale = m.group("pnum"), m.group("pscale")
        else:
            number, scale = m.group("snum"), m.group("sscale")
        value = parse_number(number)
        if value is None:
            continue
        if scale:
            value *= _SCALES[scale.rstrip(".").lower()]
        found.append(Amount(euros=value, start=m.start(), end=m.end(), text=m.group(0)))
    found = _ranges(text, found)
    if not _names_euros(text):
        return found
    words = [w for w in _amounts_in_words(text) if not any(a.start < w.end and w.start < a.end for a in found)]
    return sorted([*found, *words], key=lambda a: a.start) if words else found


_RANGE_OPEN = re.compile(r"\b(?:tussen|van|between|from)\s+$", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"^\s*(?:en|tot|and|to|-|–)\s*$", re.IGNORECASE)


def _ranges(text: str, found: list[Amount]) -> list[Amount]:
    """A range with the currency twice ("tussen EUR 400.000 en EUR 600.000") is one amount, the upper end
    (the threshold is met by the maximum), as the pattern already gives "€ 1 en 1,5 miljoen"."""
    out: list[Amount] = []
    i = 0
    while i < len(found):
        low = found[i]
        high = found[i + 1] if i + 1 < len(found) else None
        if (
            high is not None
            and _RANGE_JOIN.match(text[low.end : high.start])
            and _RANGE_OPEN.search(text[max(0, low.start - 12) : low.start])
        ):
            out.append(
                Amount(euros=max(low.euros, high.euros), start=low.start, end=high.end, text=text[low.start : high.end])
            )
            i += 2
            continue
        out.append(low)
        i += 1
    return out


def _names_euros(text: str) -> bool:
    return "euro" in text or "Euro" in text or "EUR" in text


def _amounts_in_words(text: str) -> list[Amount]:
    """Amounts written out, as a contract sometimes repeats its value: "twee miljoen euro",
    "honderdachtenzeventigduizend euro", "three hundred thousand euros"."""
    found = []
    for m in _WORDS_RE.finditer(text):
        words = text[m.start() : m.end()].rsplit(None, 1)[0]
        value = _words_value(words)
        if value is not None and value >= 1000:
            found.append(Amount(euros=value, start=m.start(), end=m.end(), text=m.group(0)))
    return found
