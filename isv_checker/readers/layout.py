"""Turns lines of text into headings, list items and paragraphs for formats that only give lines.

PDF pages, OCR output and plain text carry no paragraph or heading markup, so structure is recovered
from what tender documents print: numbering ("3.2 Uitvoering", "Artikel 7", "Bijlage 5"), bullets,
blank lines, and, where a reader can measure them cheaply, vertical gaps and font sizes. The rules are
heuristics; they err towards paragraphs, because a paragraph mistaken for a heading corrupts every
heading path after it.
"""

from __future__ import annotations

import re
from statistics import median
from typing import NamedTuple

from ..document import BlockKind

_SECTION_WORDS_L1 = r"hoofdstuk|chapter|bijlage|annex|appendix|deel|part|titel|title|schedule"
_SECTION_WORDS_L2 = r"artikel|article|paragraaf|section|clause|afdeling|onderdeel"
_SECTION_RE = re.compile(
    rf"^(?P<word>{_SECTION_WORDS_L1}|{_SECTION_WORDS_L2})\s+(?P<num>[0-9]{{1,3}}(?:\.[0-9]{{1,3}})*[a-z]?|[IVXLC]{{1,6}}|[A-Z])\b[.:]?(?:\s+|$)(?P<title>.*)$",
    re.IGNORECASE,
)
_L1_WORDS = frozenset(_SECTION_WORDS_L1.split("|"))
_SECTION_WORDS = frozenset(f"{_SECTION_WORDS_L1}|{_SECTION_WORDS_L2}".split("|"))
_NUMBERED_RE = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,4})(?P<dot>[.)]?)\s+(?P<title>\S.*)$")
_BULLETS = "•●▪■◦‣∙·-–—*□☐➢►o"
_BULLET_RE = re.compile(rf"^(?P<label>[{re.escape(_BULLETS)}])\s+(?P<rest>\S.*)$")
_ENUM_RE = re.compile(r"^(?P<label>\(?(?:[a-z]|[ivx]{1,4})\)|[a-z]\.|\(\d{1,2}\))\s+(?P<rest>\S.*)$")
_TERMINAL = (".", ":", ";", "!", "?")
_SOFT_HYPHENS = ("\x02", "\xad")
MAX_HEADING_WORDS = 14


class Line(NamedTuple):
    """A line as a reader sees it. `y` grows down the page; `height` is the glyph height in points;
    `x` is where the line's text starts, in points from the left edge.
    Named tuples, not frozen dataclasses, here: a PDF makes one per printed line, and a frozen
    dataclass takes about three times as long to make."""

    text: str
    number: int
    y: float | None = None
    height: float | None = None
    bold: bool = False
    x: float | None = None


class Segment(NamedTuple):
    kind: BlockKind
    text: str
    line: int
    level: int | None = None
    label: str | None = None


class Marker(NamedTuple):
    kind: BlockKind
    level: int | None
    label: str | None


def classify_line(text: str, *, emphasised: bool = False) -> Marker | None:
    """Recognise a heading or list marker at the start of a line; None for ordinary text.

    `emphasised` (bold or larger than body text) lets a short numbered line count as a heading even
    when it could be a numbered list item.
    """
    stripped = text.strip()
    if not stripped:
        return None
    first = stripped[0]
    if "a" <= first <= "z" and not _may_open_lowercase_marker(stripped.split(None, 1)[0]):
        return None  # the common body line, decided without the regular expressions below
    words = stripped.split()
    short = (
        len(words) <= MAX_HEADING_WORDS
        and not stripped.endswith((".", ",", ";", ":"))
        or (len(words) <= MAX_HEADING_WORDS and stripped.endswith(":") and emphasised)
    )
    # Each pattern is tried only where its first character or word allows it to match at all.
    m = _SECTION_RE.match(stripped) if short and words[0].lower() in _SECTION_WORDS else None
    if m:
        level = 1 if m.group("word").lower() in _L1_WORDS else 2
        return Marker(BlockKind.HEADING, level, f"{m.group('word')} {m.group('num')}")
    m = _NUMBERED_RE.match(stripped) if first.isdigit() else None
    if m:
        num = m.group("num")
        depth = num.count(".") + 1
        title = m.group("title")
        looks_like_title = short and title[:1].isupper() and m.group("dot") != ")"
        if looks_like_title and (depth > 1 or emphasised or len(title.split()) <= 6):
            return Marker(BlockKind.HEADING, depth, num)
        return Marker(BlockKind.LIST_ITEM, depth, num + m.group("dot"))
    m = _BULLET_RE.match(stripped) if first in _BULLETS else None
    if m:
        return Marker(BlockKind.LIST_ITEM, 1, m.group("label"))
    m = _ENUM_RE.match(stripped) if first == "(" or "a" <= first <= "z" else None
    if m:
        return Marker(BlockKind.LIST_ITEM, 2, m.group("label"))
    if short and len(words) <= 8 and stripped.isupper() and not any(c.isdigit() for c in stripped):
        # Capitals without digits: "ALGEMENE BEPALINGEN", not a standard's code like "NEN-EN-ISO 20345".
        letters = [c for c in stripped if c.isalpha()]
        if len(letters) >= 4 and all(c.isupper() for c in letters):
            return Marker(BlockKind.HEADING, 1, None)
    if emphasised and short and stripped[:1].isupper() and len(words) <= 10:
        return Marker(BlockKind.HEADING, 2, None)
    return None


def _may_open_lowercase_marker(word: str) -> bool:
    """Could a line whose first word is `word` (starting with a-z) match any marker pattern? Only
    a section word ("artikel 3"), the bullet "o", or an enumerator such as "a)", "b." or "iv)" can."""
    return word.lower() in _SECTION_WORDS or word == "o" or (len(word) <= 5 and word[-1] in ").")


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines into one text, undoing end-of-line hyphenation of a lower-case word."""
    out = ""
    for raw in parts:
        part = raw.strip()
        if not part:
            continue
        if not out:
            out = part
            continue
        if out.endswith(_SOFT_HYPHENS):
            # a break after a capital or digit ("OESO-", "2024-") is a printed hyphen, not a syllable break
            keep = len(out) >= 2 and out[-2].isalnum() and not out[-2].islower()
            out = out[:-1] + ("-" if keep else "") + part
        elif out.endswith("-") and len(out) >= 2 and out[-2].islower() and part[:1].islower():
            out = out[:-1] + part
        elif out.endswith("-") and len(out) >= 2 and out[-2].isdigit() and part[:1].isdigit():
            out = out + part  # a code or range broken at its hyphen: "30192000-" / "1"
        else:
            out = out + " " + part
    return out.replace("\x02", "").replace("\xad", "")


def segment_lines(lines: list[Line]) -> list[Segment]:
    """Group a page's (or a text file's) lines into headings, list items and paragraphs."""
    texts = [line.text.strip() for line in lines]
    body_height = _body_height(lines, texts)
    widths = [len(text) for text in texts if text]
    full_width = sorted(widths)[int(len(widths) * 0.9)] if widths else 0
    spacing = _typical_spacing(lines, texts)

    segments: list[Segment] = []
    current: list[str] = []
    current_start = 0
    current_marker: Marker | None = None
    prev: Line | None = None
    prev_text = ""
    prev_emphasised = False

    def flush() -> None:
        nonlocal current, current_marker
        if current:
            text = " ".join(current)  # the lines are stripped and non-empty: join_lines only has to
            if "-" in text or "\x02" in text or "\xad" in text:  # undo hyphenation, if there is any
                text = join_lines(current)
            if text:
                if current_marker is None:
                    segments.append(Segment(BlockKind.PARAGRAPH, text, current_start))
                else:
                    segments.append(
                        Segment(current_marker.kind, text, current_start, current_marker.level, current_marker.label)
                    )
        current = []
        current_marker = None

    for line, stripped in zip(lines, texts, strict=True):
        if not stripped:
            flush()
            prev = None
            continue
        emphasised = line.bold or (
            body_height is not None and line.height is not None and line.height >= body_height * 1.15
        )
        marker = classify_line(stripped, emphasised=emphasised)
        # With font information, a non-emphasised numbered short line is more likely a list item.
        if (
            marker is not None
            and marker.kind is BlockKind.HEADING
            and not emphasised
            and body_height is not None
            and marker.label is not None
            and not _SECTION_RE.match(stripped)
            and "." not in marker.label
        ):
            marker = Marker(BlockKind.LIST_ITEM, 1, marker.label)
        starts_new = prev is None or not current
        if not starts_new and prev is not None:
            gap = None
            if spacing and prev.y is not None and line.y is not None:
                gap = line.y - prev.y
            if current_marker is not None and current_marker.kind is BlockKind.HEADING:
                unnumbered = marker is None or (marker.kind is BlockKind.HEADING and marker.label is None)
                if unnumbered and emphasised and _continues_heading(prev, line, current):
                    starts_new = False
                elif (
                    (marker is None or (marker.kind is BlockKind.LIST_ITEM and _runs_on(prev_text, full_width)))
                    and not emphasised
                    and not prev_emphasised
                    and len(current) == 1
                    and (current_marker.label or "")[:1].isdigit()
                    and _wraps_on(prev, line, gap, spacing, full_width)
                ):
                    # "6.1 Opdrachtnemer betracht ..." running on in body type: a numbered clause, not a heading
                    current_marker = Marker(BlockKind.LIST_ITEM, current_marker.level, current_marker.label)
                    starts_new = False
                else:
                    starts_new = True
            elif (
                gap is not None
                and spacing is not None
                and (gap > spacing * 1.45 or gap < 0)
                or _height_changed(prev, line)
                or marker is not None
                and (prev_text.endswith(_TERMINAL) or len(prev_text) < full_width * 0.75)
                or prev_text.endswith(_TERMINAL)
                and len(prev_text) < full_width * 0.75
                and full_width >= 40
            ):
                starts_new = True
        if starts_new:
            flush()
            current_start = line.number
            current_marker = marker
        current.append(stripped)
        prev = line
        prev_text = stripped
        prev_emphasised = emphasised
    flush()
    return segments


def _body_height(lines: list[Line], texts: list[str]) -> float | None:
    heights = [round(line.height, 1) for line, text in zip(lines, texts, strict=True) if line.height and text]
    if len(heights) < 3:
        return None
    return median(heights)


def _typical_spacing(lines: list[Line], texts: list[str]) -> float | None:
    gaps = [
        b.y - a.y
        for a, b, a_text, b_text in zip(lines, lines[1:], texts, texts[1:], strict=False)
        if a.y is not None and b.y is not None and a_text and b_text and b.y > a.y
    ]
    if len(gaps) < 3:
        return None
    return median(gaps)


def _continues_heading(prev: Line, line: Line, parts: list[str]) -> bool:
    """A heading wrapped onto a second line: measured lines of the same size and weight, one line
    apart, and still short. Without measurements a heading is always one line."""
    if prev.y is None or line.y is None or not prev.height or not line.height:
        return False
    if prev.bold != line.bold or _height_changed(prev, line):
        return False
    if not 0 < line.y - prev.y <= 1.6 * max(prev.height, line.height):
        return False
    return sum(len(part.split()) for part in parts) + len(line.text.split()) <= MAX_HEADING_WORDS


def _runs_on(text: str, full_width: int) -> bool:
    """A full-width line without closing punctuation: what follows it is its continuation."""
    return not text.endswith(_TERMINAL) and len(text) >= full_width * 0.75


def _wraps_on(prev: Line, line: Line, gap: float | None, spacing: float | None, full_width: int) -> bool:
    """`line` continues `prev` as wrapped text: measured at normal line spacing and the same size,
    after a line nearly as long as the page's full lines."""
    if gap is None or not spacing or full_width < 40:
        return False
    return 0 < gap <= spacing * 1.2 and not _height_changed(prev, line) and len(prev.text.strip()) >= full_width * 0.6


def _height_changed(a: Line, b: Line) -> bool:
    if not a.height or not b.height:
        return False
    ratio = a.height / b.height
    return ratio > 1.15 or ratio < 1 / 1.15


def continues_on_next_page(before: Segment, last: Line, after: Segment, first: Line) -> bool:
    """Is `after`, the first block of a page, the rest of `before`, the last block of the page before?

    A page break cuts a paragraph where the page is full, not where a sentence ends, and a value
    with its label or an obligation cut in two is missed by every rule that reads a block. The rest
    of a paragraph opens the page in lower case, in the same type and at the same indent (a list
    item's text hangs to the right of its label); a heading, a table, a list item or a sentence
    that ended never continues anything. `last` and `first` are the printed lines on either side.
    """
    if before.kind not in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM) or after.kind is not BlockKind.PARAGRAPH:
        return False
    if before.text.endswith(_TERMINAL) or not after.text[:1].islower():
        return False
    if _height_changed(last, first):
        return False
    if last.x is None or first.x is None:
        return True
    indent = first.x - last.x
    size = first.height or last.height or 10.0
    if abs(indent) <= size * 0.6:
        return True
    return before.kind is BlockKind.LIST_ITEM and 0 < indent <= size * 4
