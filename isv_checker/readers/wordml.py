"""WordprocessingML's text rules: which elements print which characters, and which are never text.

Two modules look at the characters of a Word paragraph: the DOCX reader, which makes them a block's
text, and the marked-up copy (`render/annotate.py`), which finds a quote from that text again in the
paragraph's runs to put a comment on it. The copy finds the quote only while both see the same
characters, so the rules live here once: what a run prints (text, tabs, breaks, symbols), what is
hidden (`w:vanish`), which content never prints (deletions, properties, placeholders of empty
content controls, the duplicate `mc:Fallback` copy of alternate content).
"""

from __future__ import annotations

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
VAL = W + "val"

P, R, T, RPR, PPR = W + "p", W + "r", W + "t", W + "rPr", W + "pPr"
TBL, TR, TC, TXBX_CONTENT = W + "tbl", W + "tr", W + "tc", W + "txbxContent"
SDT, SDT_PR, SDT_CONTENT = W + "sdt", W + "sdtPr", W + "sdtContent"
INS, DEL, MOVE_FROM = W + "ins", W + "del", W + "moveFrom"
ALTERNATE_CONTENT, CHOICE, FALLBACK = MC + "AlternateContent", MC + "Choice", MC + "Fallback"
SYM, FLD_CHAR = W + "sym", W + "fldChar"
MATH_T = MATH + "t"

RUN_CHARS = {W + "tab": "\t", W + "ptab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
"""Run children that print one character each."""

RUN_SILENT = frozenset(
    W + t
    for t in (
        "softHyphen",
        "instrText",
        "delText",
        "delInstrText",
        "lastRenderedPageBreak",
        "footnoteRef",
        "endnoteRef",
        "annotationRef",
        "commentReference",
        "separator",
        "continuationSeparator",
        "pgNum",
        "dayShort",
        "monthShort",
        "yearShort",
    )
)
"""Run children that print nothing a reader of the text would see: a soft hyphen shows only at a line
end, field codes and deleted text not at all, note and comment marks are numbers Word draws."""

INLINE_SKIP = frozenset(
    (
        DEL,
        MOVE_FROM,
        RPR,
        W + "rt",
        W + "bookmarkStart",
        W + "bookmarkEnd",
        W + "proofErr",
        W + "commentRangeStart",
        W + "commentRangeEnd",
        SDT_PR,
        W + "sdtEndPr",
        W + "smartTagPr",
        W + "customXmlPr",
        FALLBACK,
    )
)
"""A paragraph's content that holds no printed text: tracked deletions and moved-from text, properties,
markers, ruby guide text, and the Fallback copy of content whose Choice is read."""

BLOCK_SKIP = frozenset(
    (
        DEL,
        MOVE_FROM,
        W + "tcPr",
        W + "tblPr",
        W + "tblGrid",
        W + "trPr",
        W + "tblPrEx",
        SDT_PR,
        W + "sdtEndPr",
        W + "bookmarkStart",
        W + "bookmarkEnd",
        W + "customXmlPr",
        W + "proofErr",
        W + "permStart",
        W + "permEnd",
        FALLBACK,
    )
)
"""The same between paragraphs and tables: deletions, properties and markers."""

SYMBOL_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf0fc": "✓", "\uf076": "❖", "\uf0a8": "◦"}
"""Symbol-font characters Word uses as bullets, as the Unicode characters they show."""


def is_on(element: etree._Element) -> bool:
    """Word's boolean properties: present means on, unless w:val says 0/false/off."""
    return element.get(VAL, "true").lower() not in ("0", "false", "off")


def is_on_attribute(value: str | None) -> bool:
    """Word's boolean attributes (`w:default`, `w:customMarkFollows`): on only when they say so."""
    return value is not None and value.lower() in ("1", "true", "on")


def decimal(value: str | None, default: int | None = None) -> int | None:
    """Word's whole-number values; `default` for a missing or malformed one, which a damaged file may hold."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def is_hidden(rpr: etree._Element | None) -> bool:
    """Whether run properties hide the run's text (`w:vanish`, Word's hidden text)."""
    if rpr is None:
        return False
    vanish = rpr.find(W + "vanish")
    return vanish is not None and is_on(vanish)


def symbol(code: str | None) -> str:
    """The character of a w:sym; symbol fonts keep theirs in the private-use range F000-F0FF."""
    try:
        value = int(code or "", 16)
    except ValueError:
        return ""
    if 0xF000 <= value <= 0xF0FF:
        return SYMBOL_BULLETS.get(chr(value), chr(value - 0xF000))
    try:
        return chr(value)
    except (ValueError, OverflowError):
        return ""


def printed(child: etree._Element) -> str | None:
    """What a run's child prints: a w:t its text, a tab or break its character, a w:sym its symbol;
    None for any other child (properties, field characters, note marks, drawings, ...)."""
    tag = child.tag
    if tag == T:
        return child.text or ""
    char = RUN_CHARS.get(tag)
    if char is not None:
        return char
    if tag == SYM:
        return symbol(child.get(W + "char"))
    return None


def run_text(run: etree._Element) -> str:
    """The text a run prints, hidden runs none. Field instructions are not told apart here: a field
    spans runs, so only a walk over the paragraph (the reader's) can keep them out."""
    if is_hidden(run.find(RPR)):
        return ""
    return "".join(text for text in map(printed, run) if text is not None)


def sdt_content(sdt: etree._Element) -> etree._Element | None:
    """The content of a content control, or None while it only shows its placeholder text."""
    content = None
    for child in sdt:
        if child.tag == SDT_PR:
            placeholder = child.find(W + "showingPlcHdr")
            if placeholder is not None and is_on(placeholder):
                return None
        elif child.tag == SDT_CONTENT:
            content = child
    return content


def alternate_branch(alternate: etree._Element) -> etree._Element | None:
    """mc:AlternateContent holds the same content twice; read the first Choice (else the Fallback)."""
    choice = alternate.find(CHOICE)
    return choice if choice is not None else alternate.find(FALLBACK)
