"""A Word document's paragraph styles and list numbering: the heading level a style gives, and the
labels Word prints before numbered paragraphs.

Labels are rendered from numbering.xml: counters are kept per abstract numbering definition (numIds
sharing one continue each other, as in Word), a `startOverride` restarts its level the first time its
numId appears there, and deeper levels restart after a higher one unless `lvlRestart` says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from .office import MAX_LABEL_CHARS, format_number
from .wordml import PPR, SYMBOL_BULLETS, VAL, W, decimal, is_on, is_on_attribute

_HEADING_NAME = re.compile(r"^(?:heading|kop)\s*([1-9])$", re.IGNORECASE)
_TITLE_NAMES = frozenset(("title", "titel"))
_LEVEL_REF = re.compile(r"%([1-9])")


@dataclass(slots=True)
class Style:
    """What a style, or a paragraph's own properties, say about its heading level and numbering."""

    name: str = ""
    based_on: str | None = None
    outline_level: int | None = None
    num_id: str | None = None
    ilvl: int | None = None


class Styles:
    """Paragraph and numbering styles, with Word's basedOn inheritance resolved on demand."""

    def __init__(self, root: etree._Element | None) -> None:
        self._styles: dict[str, Style] = {}
        self.default_paragraph: str | None = None
        self._levels: dict[str, int | None] = {}
        if root is None:
            return
        for element in root.iterchildren(W + "style"):
            style_id = element.get(W + "styleId")
            if not style_id or element.get(W + "type", "paragraph") not in ("paragraph", "numbering"):
                continue
            style = Style()
            for child in element:
                if child.tag == W + "name":
                    style.name = child.get(VAL, "")
                elif child.tag == W + "basedOn":
                    style.based_on = child.get(VAL)
                elif child.tag == PPR:
                    read_ppr_numbering(child, style)
            self._styles[style_id] = style
            if element.get(W + "type", "paragraph") == "paragraph" and is_on_attribute(element.get(W + "default")):
                self.default_paragraph = style_id

    def _chain(self, style_id: str | None) -> Iterator[tuple[str, Style]]:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            style = self._styles[style_id]
            yield style_id, style
            style_id = style.based_on

    def heading_level(self, style_id: str | None) -> int | None:
        """The nearest outline level or heading/Kop/Title name along the basedOn chain."""
        if style_id is None:
            return None
        if style_id not in self._levels:
            self._levels[style_id] = self._heading_level(style_id)
        return self._levels[style_id]

    def _heading_level(self, style_id: str) -> int | None:
        for sid, style in self._chain(style_id):
            if style.outline_level is not None:
                return style.outline_level + 1 if style.outline_level < 9 else None
            for name in (style.name, sid):
                match = _HEADING_NAME.match(name)
                if match:
                    return int(match.group(1))
                if name.lower() in _TITLE_NAMES:
                    return 1
        return None

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) from the nearest style in the chain that sets a numId."""
        for _, style in self._chain(style_id):
            if style.num_id is not None:
                return style.num_id, style.ilvl
        return None, None


def read_ppr_numbering(ppr: etree._Element, into: Style) -> None:
    """The outline level and numbering (numId, ilvl) a w:pPr sets, a style's or a paragraph's own."""
    for child in ppr:
        if child.tag == W + "outlineLvl":
            into.outline_level = decimal(child.get(VAL))
        elif child.tag == W + "numPr":
            for item in child:
                if item.tag == W + "numId":
                    into.num_id = item.get(VAL)
                elif item.tag == W + "ilvl":
                    into.ilvl = decimal(item.get(VAL), 0)


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None
    legal: bool = False
    style: str | None = None


@dataclass(slots=True)
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # startOverride per level
    levels: dict[int, _Level] = field(default_factory=dict)  # full w:lvl overrides


class Numbering:
    """Renders list and heading labels as Word prints them, keeping the running counters."""

    def __init__(self, root: etree._Element | None, styles: Styles) -> None:
        self._abstracts: dict[str, dict[int, _Level]] = {}
        self._links: dict[str, str] = {}  # abstractNumId -> numbering style id (numStyleLink)
        self._nums: dict[str, _Num] = {}
        self._styles = styles
        self._counters: dict[str, list[int | None]] = {}
        self._seen: set[tuple[str, int]] = set()
        if root is None:
            return
        for element in root:
            if element.tag == W + "abstractNum":
                abstract_id = element.get(W + "abstractNumId", "")
                self._abstracts[abstract_id] = {
                    decimal(lvl.get(W + "ilvl"), 0) or 0: _read_level(lvl) for lvl in element.iterchildren(W + "lvl")
                }
                link = element.find(W + "numStyleLink")
                if link is not None and link.get(VAL):
                    self._links[abstract_id] = link.get(VAL, "")
            elif element.tag == W + "num":
                ref = element.find(W + "abstractNumId")
                num = _Num(abstract=ref.get(VAL, "") if ref is not None else "")
                for override in element.iterchildren(W + "lvlOverride"):
                    ilvl = decimal(override.get(W + "ilvl"), 0) or 0
                    for child in override:
                        if child.tag == W + "startOverride":
                            num.starts[ilvl] = decimal(child.get(VAL), 1) or 0
                        elif child.tag == W + "lvl":
                            num.levels[ilvl] = _read_level(child)
                self._nums[element.get(W + "numId", "")] = num

    def _resolve(self, num_id: str) -> tuple[str, dict[int, _Level]] | None:
        num = self._nums.get(num_id)
        if num is None:
            return None
        abstract_id = num.abstract
        for _ in range(5):  # follow numStyleLink to the definition that holds the levels
            link = self._links.get(abstract_id)
            if link is None:
                break
            linked_num, _ = self._styles.numbering(link)
            if linked_num is None or linked_num not in self._nums:
                break
            abstract_id = self._nums[linked_num].abstract
        levels = self._abstracts.get(abstract_id)
        if levels is None:
            return None
        return abstract_id, {**levels, **num.levels} if num.levels else levels

    def level_for_style(self, num_id: str, style_id: str | None) -> int | None:
        resolved = self._resolve(num_id)
        if resolved is None or style_id is None:
            return None
        for ilvl, level in resolved[1].items():
            if level.style == style_id:
                return ilvl
        return None

    def label(self, num_id: str, ilvl: int) -> str | None:
        """Advance the counter for (numId, ilvl) and return the label printed there, or None."""
        resolved = self._resolve(num_id)
        if resolved is None:
            return None
        abstract_id, levels = resolved
        ilvl = min(max(ilvl, 0), 8)
        level = levels.get(ilvl)
        if level is None:
            return None
        counters = self._counters.setdefault(abstract_id, [None] * 9)
        if (num_id, ilvl) not in self._seen:
            self._seen.add((num_id, ilvl))
            start = self._nums[num_id].starts.get(ilvl)
            if start is not None:
                counters[ilvl] = start - 1
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                counters[deeper] = None
        if level.fmt == "bullet":
            return _bullet(level.text)

        def number(match: re.Match[str]) -> str:
            n = int(match.group(1)) - 1
            ref = levels.get(n, _Level())
            value = counters[n]
            return format_number(ref.start - 1 if value is None else value, "decimal" if level.legal else ref.fmt)

        label = _LEVEL_REF.sub(number, level.text)[:MAX_LABEL_CHARS]
        return label if label.strip() else None


def _read_level(element: etree._Element) -> _Level:
    level = _Level()
    for child in element:
        tag = child.tag
        if tag == W + "start":
            level.start = decimal(child.get(VAL), 1) or 0
        elif tag == W + "numFmt":
            level.fmt = child.get(VAL, "decimal")
        elif tag == W + "lvlText":
            level.text = child.get(VAL, "")[:MAX_LABEL_CHARS]
        elif tag == W + "lvlRestart":
            level.restart = decimal(child.get(VAL))
        elif tag == W + "isLgl":
            level.legal = is_on(child)
        elif tag == W + "pStyle":
            level.style = child.get(VAL)
    return level


def _bullet(text: str) -> str | None:
    if not text.strip():
        return None
    return "".join(SYMBOL_BULLETS.get(c, "•" if "\ue000" <= c <= "\uf8ff" else c) for c in text)
