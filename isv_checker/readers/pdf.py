"""PDF files: the text layer through pdfium, OCR for pages that have none.

Auditors scan thousands of files, so the common path costs little more than pdfium's own text
extraction: one `FPDFText_GetText` per page, split into lines, and per line two or three cheap calls
on one character (its baseline and font size; the font's name for lines short enough to be a
heading) to give `layout.segment_lines` the line's position, height and boldness. pdfium's char
indexes equal the text's offsets when both have the same length (the line breaks pdfium generates
are chars too); that, and the first, middle and last line's first character, are checked on every
page, and a page where they disagree is read without geometry rather than with wrong geometry.

Running headers and footers (lines repeating at the top or bottom of most pages, digits ignored, so
"Pagina 3 van 12" matches "Pagina 4 van 12") are emitted once, as HEADER and FOOTER blocks on the
first page where they occur, and kept out of the body so they neither split paragraphs nor repeat.

Pages without a text layer that carry an image are scans: they go to `ocr.py`, or, when OCR is off
or Tesseract is missing, into `Extraction.needs_ocr_pages`. Blank pages are just empty.

A paragraph that a page break cuts (the page ends mid-sentence and the next opens in lower case, in
the same type and indent) is one block again, located on the page where it starts: its `page` is
that page, as in the report's evidence; the rest of its text is on the next.

Tables are rebuilt from where their text stands (`aligned_tables`), ruled or not, into cells with
their row and column, the first row the header, as DOCX tables are. Finding one costs per line
only a second character's position: a line much wider than its characters need (cells with gaps
between them) or one that starts above the line before it (a cell after a cell that wrapped)
hints at a table, and only on a page with two such hints are the gaps between the words of the
lines around them measured. Walking a page's objects for ruling lines would cost about a tenth of
pdfium's page time on every page, and pdfplumber reads about 50 times slower than pdfium.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..document import Block, BlockKind, MessageParam, ReadMessage, ReadStatus
from ..settings import ReadOptions
from . import pdfium_calls
from .aligned_tables import AlignedTable, Piece, PlacedLine, find_tables
from .builder import BlockBuilder
from .extraction import Extraction, ReadFailure
from .layout import MAX_HEADING_WORDS, Line, Segment, continues_on_next_page, join_lines, segment_lines

_BREAK = re.compile("\r\n|[\r\n\x0c\ufffe]|\x02(?!\r\n)")
_DIGITS = re.compile(r"\d+")
_PUA_BULLETS = frozenset(chr(c) for c in range(0xF000, 0xF100))  # Symbol/Wingdings bullets, e.g. U+F0B7
_BOLD_NAME = re.compile(rb"bold|black|heavy|demi", re.IGNORECASE)
_FORCE_BOLD = 1 << 18
_EDGE_LINES = 3  # lines at the top and bottom of a page that may be a running header or footer
_EDGE_ZONE = 0.15  # ... when they sit within this fraction of the page height from its edge
_MAX_IMAGE_SCAN = 5_000  # page objects looked at to decide whether a text-less page is a scan
_PAGES_LISTED = 10
_SHORT = 0.8  # of the page's longest line: shorter lines may be table rows that gaps widen
_WIDE = 0.66  # font sizes a character of text takes at most on average, justified lines included,
_GAPPED = 3.0  # ... and the font sizes a line is wider than that when gaps part it into cells
_CELL_GAP = 0.8  # font sizes between two words that part two cells, wider than any word space
_EVEN_GAPS = 0.25  # font sizes between the widest and narrowest gap of a justified line at most
_NEAR = 3.0  # font sizes above and below a line of cells within which lines may belong to its table

_META_KEYS = (
    ("Title", "title"),
    ("Author", "author"),
    ("CreationDate", "created"),
    ("ModDate", "modified"),
    ("Producer", "producer"),
    ("Creator", "creator"),
)


@dataclass(slots=True)
class _Page:
    number: int
    height: float = 0.0
    lines: list[Line] = field(default_factory=list)
    chars: int = 0  # non-space characters in the text layer
    has_images: bool = False
    ocr: bool = False
    error: str = ""
    pieces: dict[int, tuple[Piece, ...]] = field(default_factory=dict)  # line number -> its pieces, on table pages


def read_pdf(data: bytes, options: ReadOptions) -> Extraction:
    data = bytes(data)  # pdfium reads from this buffer until the document is closed
    document = _open(data)
    try:
        count = len(document)
        if count > options.max_pages:
            raise ReadFailure(ReadStatus.TOO_LARGE, "pdf_too_many_pages", count=count, limit=options.max_pages)
        properties = _properties(document)
        if count == 0:
            return Extraction(blocks=(), pages=0, properties=properties, message=ReadMessage(code="pdf_no_pages"))
        pages = _read_text_layer(document, count, options)
        unreadable = [p.number for p in pages if p.error]
        if len(unreadable) == count:
            raise ReadFailure(ReadStatus.CORRUPT, "pdf_no_page_readable")
        warnings: list[ReadMessage] = []
        if unreadable:
            warnings.append(_said("pdf_pages_skipped", pages=_listing(unreadable)))
        ocr_pages, needs_ocr, message = _run_ocr(document, pages, options, warnings)
    finally:
        document.close()
    blocks = _build(pages, options)
    return Extraction(
        blocks=blocks,
        pages=count,
        ocr_pages=tuple(ocr_pages),
        needs_ocr_pages=tuple(needs_ocr),
        warnings=tuple(warnings),
        properties=properties,
        message=message,
    )


# --------------------------------------------------------------------------------------------------
# opening and properties


def _open(data: bytes) -> pdfium.PdfDocument:
    """Open from memory with pdfium's own call, so a failure leaves no handle behind and says why."""
    raw = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    if not raw:
        error = pdfium_c.FPDF_GetLastError()
        if error == pdfium_c.FPDF_ERR_PASSWORD:
            raise ReadFailure(ReadStatus.ENCRYPTED, "pdf_password")
        if error == pdfium_c.FPDF_ERR_SECURITY:
            raise ReadFailure(ReadStatus.ENCRYPTED, "pdf_security")
        raise ReadFailure(ReadStatus.CORRUPT, "pdf_damaged")
    # pdfium does not copy `data`: the caller keeps it referenced until the document is closed.
    return pdfium.PdfDocument(raw)


def _properties(document: pdfium.PdfDocument) -> dict[str, str]:
    properties: dict[str, str] = {}
    for key, name in _META_KEYS:
        value = _metadata_value(document, key).replace("\x00", "").strip()
        if not value:
            continue
        if name in ("created", "modified"):
            value = pdf_date_to_iso(value)
        properties[name] = value
    return properties


def _metadata_value(document: pdfium.PdfDocument, key: str) -> str:
    """An Info entry as text; pypdfium2 decodes strictly, and damaged files hold invalid UTF-16 there."""
    try:
        value: str = document.get_metadata_value(key)
        return value
    except UnicodeDecodeError:
        tag = key.encode("ascii")
        size = pdfium_c.FPDF_GetMetaText(document, tag, None, 0)
        buffer = ctypes.create_string_buffer(size)
        pdfium_c.FPDF_GetMetaText(document, tag, buffer, size)
        return buffer.raw[: max(size - 2, 0)].decode("utf-16-le", errors="replace")


_PDF_DATE = re.compile(
    r"^(?:D:)?(?P<Y>\d{4})(?P<m>\d{2})?(?P<d>\d{2})?(?P<H>\d{2})?(?P<M>\d{2})?(?P<S>\d{2})?"
    r"(?P<tz>Z|[+-]\d{2}(?:'?\d{2})?)?"
)


def pdf_date_to_iso(value: str) -> str:
    """'D:20240115093000+01'00'' -> '2024-01-15T09:30:00+01:00'; a date PDF readers cannot parse is kept as is."""
    m = _PDF_DATE.match(value.strip())
    if not m:
        return value
    year = int(m["Y"])
    if m["m"] is None:
        return m["Y"]
    month, day = int(m["m"]), int(m["d"] or 1)
    try:
        date = datetime(year, month, day).date()
        if m["H"] is None:
            return date.isoformat() if m["d"] else date.isoformat()[:7]
        moment = datetime(year, month, day, int(m["H"]), int(m["M"] or 0), int(m["S"] or 0))
        tz = m["tz"]
        if tz == "Z":
            moment = moment.replace(tzinfo=UTC)
        elif tz:
            digits = tz[1:].replace("'", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
            moment = moment.replace(tzinfo=timezone(offset if tz[0] == "+" else -offset))
    except ValueError:
        return value
    return moment.isoformat().replace("+00:00", "Z") if tz == "Z" else moment.isoformat()


# --------------------------------------------------------------------------------------------------
# the text layer


def _read_text_layer(document: pdfium.PdfDocument, count: int, options: ReadOptions) -> list[_Page]:
    geometry = _Geometry()
    pages: list[_Page] = []
    min_chars = options.min_text_chars_per_page
    for index in range(count):
        page = _Page(number=index + 1)
        pages.append(page)
        raw_page = pdfium_c.FPDF_LoadPage(document, index)
        if not raw_page:
            page.error = "cannot be loaded"
            continue
        try:
            page.height = pdfium_c.FPDF_GetPageHeightF(raw_page)
            textpage = pdfium_c.FPDFText_LoadPage(raw_page)
            if not textpage:
                page.error = "its text cannot be loaded"
                continue
            try:
                n_chars = pdfium_c.FPDFText_CountChars(textpage)
                text = _text(textpage, n_chars) if n_chars > 0 else ""
                page.chars = _visible_chars(text, min_chars)
                if text:
                    with_geometry = len(text) == n_chars and pdfium_c.FPDFPage_GetRotation(raw_page) == 0
                    page.lines, page.pieces = geometry.lines(textpage, text, page.height, with_geometry)
            finally:
                pdfium_c.FPDFText_ClosePage(textpage)
            if page.chars < min_chars:
                page.has_images = _has_images(raw_page)
        finally:
            pdfium_c.FPDF_ClosePage(raw_page)
    return pages


def _text(textpage: pdfium_c.FPDF_TEXTPAGE, n_chars: int) -> str:
    buffer = (ctypes.c_ushort * (n_chars + 1))()
    written = pdfium_c.FPDFText_GetText(textpage, 0, n_chars, buffer)
    if written <= 1:
        return ""
    return ctypes.string_at(buffer, 2 * (written - 1)).decode("utf-16-le", errors="replace")


def _visible_chars(text: str, min_chars: int) -> int:
    """Non-space characters, counted exactly only near the scanned-page threshold, where it matters."""
    rough = len(text) - text.count(" ") - text.count("\r") - text.count("\n")
    if rough > 2 * min_chars + 64:
        return rough
    return sum(map(len, text.split()))


class _Geometry:
    """Splits a page's text into `Line`s, measuring each line on one character only.

    Per line: the character's origin (baseline) and font size, and for lines short enough that
    boldness can make them a heading, the font's name (its weight is asked once per font). The font size is multiplied by
    the text matrix's scale only when it looks unscaled (under 3 pt), as producers that set text
    with "1 Tf" and a scaling matrix do; that saves a call per line everywhere else.
    """

    def __init__(self) -> None:
        self._x = ctypes.c_double()
        self._y = ctypes.c_double()
        self._matrix = pdfium_c.FS_MATRIX()
        self._name = ctypes.create_string_buffer(128)
        self._name_size = ctypes.c_ulong(128)
        self._flags = ctypes.c_int()
        self._x_end = ctypes.c_double()
        self._y_end = ctypes.c_double()
        self._left, self._right, self._bottom, self._top = (ctypes.c_double() for _ in range(4))
        # made once: pdfium_calls passes pointers as given, not converted per call
        self._x_ref, self._y_ref = ctypes.byref(self._x), ctypes.byref(self._y)
        self._x_end_ref, self._y_end_ref = ctypes.byref(self._x_end), ctypes.byref(self._y_end)
        self._left_ref, self._right_ref = ctypes.byref(self._left), ctypes.byref(self._right)
        self._bottom_ref, self._top_ref = ctypes.byref(self._bottom), ctypes.byref(self._top)
        self._matrix_ref, self._flags_ref = ctypes.byref(self._matrix), ctypes.byref(self._flags)
        self._fonts: dict[tuple[bytes, int], bool] = {}  # (font name, flags) -> bold, per document

    def lines(
        self, textpage: pdfium_c.FPDF_TEXTPAGE, text: str, page_height: float, with_geometry: bool
    ) -> tuple[list[Line], dict[int, tuple[Piece, ...]]]:
        """The page's lines, and on a page that may hold a table, the pieces of the lines around it."""
        spans = _physical_lines(text)
        if with_geometry and self._aligned(textpage, text, spans):
            lines, hints = self._measure(textpage, spans, page_height)
            if len(hints) < 2:
                return lines, {}
            return lines, self._pieces_around(textpage, spans, lines, hints)
        return [Line(text=_bullet(chunk.strip()), number=n) for n, (_, chunk) in enumerate(spans, start=1)], {}

    @staticmethod
    def _aligned(textpage: pdfium_c.FPDF_TEXTPAGE, text: str, spans: list[tuple[int, str]]) -> bool:
        """Do char indexes equal text offsets? Checked at the first, middle and last line's start,
        since a character pdfium dropped or added would shift every offset after it."""
        get_unicode = pdfium_calls.get_unicode
        starts = [start for start, chunk in spans if chunk[:1].strip()]
        if not starts:
            return False
        return all(get_unicode(textpage, i) == ord(text[i]) for i in {starts[0], starts[len(starts) // 2], starts[-1]})

    def _measure(
        self, textpage: pdfium_c.FPDF_TEXTPAGE, spans: list[tuple[int, str]], page_height: float
    ) -> tuple[list[Line], list[int]]:
        """The lines, and the indexes of those that hint at a table: a line that starts above the one
        before it (a cell after a cell that wrapped), or that is much wider than its characters
        need (cells on one line with gaps between them), measured on its last character."""
        x, y, name, fonts = self._x, self._y, self._name, self._fonts
        x_end, x_end_ref, y_end_ref = self._x_end, self._x_end_ref, self._y_end_ref
        x_ref, y_ref, matrix, matrix_ref = self._x_ref, self._y_ref, self._matrix, self._matrix_ref
        name_size, flags, flags_ref = self._name_size, self._flags, self._flags_ref
        get_origin = pdfium_calls.get_char_origin
        get_size = pdfium_calls.get_font_size
        get_matrix = pdfium_calls.get_matrix
        get_weight = pdfium_calls.get_font_weight
        get_font = pdfium_calls.get_font_info
        lines: list[Line] = []
        append = lines.append
        after_bold = False
        hints: list[int] = []
        previous_top = -1.0
        # a line nearly as long as the page's longest is running text: its gaps are word spaces
        short = max(len(chunk) for _, chunk in spans) * _SHORT
        for number, (start, chunk) in enumerate(spans, start=1):
            stripped = chunk.strip()
            if not stripped:
                append(Line(text="", number=number))
                continue
            first = start if chunk[0].isalnum() else start + _first_measurable(chunk)
            top = height = left = None
            if get_origin(textpage, first, x_ref, y_ref):
                top = page_height - y.value
                left = x.value
                height = get_size(textpage, first)
                if height < 3 and get_matrix(textpage, first, matrix_ref):
                    height *= math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
                if top < previous_top - height * 0.5:
                    hints.append(number - 1)
                previous_top = top
                if (
                    len(stripped) < short
                    and " " in stripped
                    and get_origin(textpage, start + len(chunk.rstrip()) - 1, x_end_ref, y_end_ref)
                    and x_end.value - left > (len(stripped) * _WIDE + _GAPPED) * height
                ):
                    hints.append(number - 1)
            bold = False
            if _may_be_heading(stripped, after_bold) and get_font(textpage, first, name, name_size, flags_ref):
                font = (name.value, flags.value)
                bold = fonts.get(font)  # type: ignore[assignment]
                if bold is None:
                    bold = fonts[font] = (
                        _BOLD_NAME.search(font[0]) is not None
                        or bool(font[1] & _FORCE_BOLD)
                        or get_weight(textpage, first) >= 600
                    )
            if stripped[0] in _PUA_BULLETS:
                stripped = _bullet(stripped)
            append(Line(stripped, number, top, height or None, bold, left))  # positional: one per line
            after_bold = bold
        return lines, hints

    def _pieces_around(
        self, textpage: pdfium_c.FPDF_TEXTPAGE, spans: list[tuple[int, str]], lines: list[Line], hints: list[int]
    ) -> dict[int, tuple[Piece, ...]]:
        """Pieces of the lines that hint at a table and of every line from a few lines' height above
        the first printed line of several pieces (pdfium may give each cell on it as a line of its
        own) to as far below the last, until no more are found: the tables, not the whole page."""
        pieces: dict[int, tuple[Piece, ...]] = {}
        todo = set(hints)
        margin = min((line.x for line in lines if line.x is not None), default=0.0)
        while todo:
            for index in todo:
                pieces[index] = self._pieces(textpage, *spans[index], lines[index].height or 0.0)
            zones = _zones(lines, pieces, hints, margin)
            if not zones:
                break
            top = min(y - _NEAR * size for y, size in zones)
            bottom = max(y + _NEAR * size for y, size in zones)
            todo = {
                i
                for i, line in enumerate(lines)
                if i not in pieces and line.text and line.y is not None and line.height and top <= line.y <= bottom
            }
        return {index + 1: found for index, found in pieces.items() if found}

    def _pieces(self, textpage: pdfium_c.FPDF_TEXTPAGE, start: int, chunk: str, size: float) -> tuple[Piece, ...]:
        """The line cut where the gap between two words is wider than `_CELL_GAP` font sizes; a
        justified line, whose gaps are all alike however wide, stays whole."""
        text = chunk.rstrip()
        begin = len(text) - len(text.lstrip())
        if begin == len(text) or size <= 0:
            return ()
        box = self._box
        found: list[Piece] = []
        gaps: list[float] = []
        x0 = box(textpage, start + begin)[0]
        first_x0 = x0
        at = text.find(" ", begin)
        while at >= 0:
            after = at
            while after < len(text) and text[after].isspace():
                after += 1
            right = box(textpage, start + at - 1)[1]
            left = box(textpage, start + after)[0]
            gaps.append(left - right)
            if left - right > _CELL_GAP * size:
                found.append(Piece(x0, right, text[begin:at]))
                begin, x0 = after, left
            at = text.find(" ", after)
        last = len(text) - 1 if text[-1] != "\xad" or len(text) < 2 else len(text) - 2
        found.append(Piece(x0, box(textpage, start + last)[1], text[begin:]))
        if len(found) > 1 and len(gaps) >= 2 and max(gaps) - min(gaps) <= _EVEN_GAPS * size:
            return (Piece(first_x0, found[-1].x1, text[len(text) - len(text.lstrip()) :]),)
        return tuple(found)

    def _box(self, textpage: pdfium_c.FPDF_TEXTPAGE, index: int) -> tuple[float, float]:
        """(left, right) of a character's glyph."""
        if pdfium_calls.get_char_box(textpage, index, self._left_ref, self._right_ref, self._bottom_ref, self._top_ref):
            return self._left.value, self._right.value
        return math.nan, math.nan


def _zones(
    lines: list[Line], pieces: dict[int, tuple[Piece, ...]], hints: list[int], margin: float
) -> list[tuple[float, float]]:
    """(y, font size) of the printed lines with pieces that stand apart, counting all pdfium lines
    on the same baseline; of the lines that hinted at a table; and of lines of one piece that start
    well right of the text's left edge, which may be a cell that wraps on alone below its row."""
    count: dict[float, int] = {}
    sizes: dict[float, float] = {}
    for i, found in pieces.items():
        y, size, x = lines[i].y, lines[i].height, lines[i].x
        if y is None or not size:
            continue
        key = round(y / 2.0)  # baselines within about a point are one printed line
        inner = x is not None and x > margin + 2 * size
        count[key] = count.get(key, 0) + len(found) + (2 if i in hints or inner else 0)
        sizes[key] = size
    return [(key * 2.0, sizes[key]) for key, n in count.items() if n >= 2]


def _may_be_heading(line: str, after_bold: bool) -> bool:
    """Whether boldness can change how `layout` reads the line, so is worth a call to find out:
    numbered lines; lines of up to ten words, or ending in a colon, that start with a capital or a
    symbol; and, after a bold line, a short line that may be a wrapped heading's second line. Body
    lines, most of which start in lower case, never become headings."""
    first = line[0]
    if first.isdigit():
        return True
    if first.islower():
        return after_bold and line.count(" ") < MAX_HEADING_WORDS
    return line.count(" ") < 10 or line.endswith(":")


def _first_measurable(chunk: str) -> int:
    """Offset of the character to measure a line by: its first letter or digit near the start, so
    a bullet drawn in a symbol font does not stand for the line's text."""
    for i, char in enumerate(chunk[:6]):
        if char.isalnum():
            return i
    return len(chunk) - len(chunk.lstrip())


def _physical_lines(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each printed line. pdfium joins a line ending in a hyphen to the next one
    with U+FFFE (older builds: U+0002) in between; that becomes a soft hyphen ending the first line,
    which `layout.join_lines` turns back into a joined word when it joins the lines again."""
    spans: list[tuple[int, str]] = []
    pos = 0
    if "\x02" not in text and "\x0c" not in text and text.count("\n") == text.count("\r") == text.count("\r\n"):
        # The common page: CRLF line ends, maybe U+FFFE hyphenation; split with str methods, which
        # gives what the pattern below gives, 2.5-4x faster (every line hyphenated - one in forty).
        for chunk in text.split("\r\n"):
            if "\ufffe" in chunk:
                *hyphenated, last = chunk.split("\ufffe")
                at = pos
                for piece in hyphenated:
                    spans.append((at, piece + "\xad"))
                    at += len(piece) + 1
                spans.append((at, last))
            else:
                spans.append((pos, chunk))
            pos += len(chunk) + 2
        return spans
    return _physical_lines_by_pattern(text)


def _physical_lines_by_pattern(text: str) -> list[tuple[int, str]]:
    """`_physical_lines` for any mix of breaks (CR, LF, form feeds, U+0002 of older pdfium)."""
    spans: list[tuple[int, str]] = []
    pos = 0
    for m in _BREAK.finditer(text):
        chunk = text[pos : m.start()]
        if m.group() in ("\ufffe", "\x02"):
            chunk += "\xad"
        spans.append((pos, chunk))
        pos = m.end()
    spans.append((pos, text[pos:]))
    return spans


def _bullet(text: str) -> str:
    """Word's Symbol-font bullets reach the text layer as private-use characters; print them as '•'."""
    if text and text[0] in _PUA_BULLETS and (len(text) == 1 or text[1].isspace()):
        return "\u2022" + text[1:]
    return text


def _has_images(raw_page: pdfium_c.FPDF_PAGE) -> bool:
    """True if the page draws an image, directly or inside a form XObject (how many scanners wrap one)."""
    budget = [_MAX_IMAGE_SCAN]

    def scan(count: int, get: Callable[[Any, int], Any], parent: Any, depth: int) -> bool:
        for i in range(count):
            budget[0] -= 1
            if budget[0] < 0:
                return False
            obj = get(parent, i)
            if not obj:
                continue
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                return True
            if (
                kind == pdfium_c.FPDF_PAGEOBJ_FORM
                and depth < 4
                and scan(pdfium_c.FPDFFormObj_CountObjects(obj), pdfium_c.FPDFFormObj_GetObject, obj, depth + 1)
            ):
                return True
        return False

    return scan(pdfium_c.FPDFPage_CountObjects(raw_page), pdfium_c.FPDFPage_GetObject, raw_page, 0)


# --------------------------------------------------------------------------------------------------
# OCR of pages without a text layer


def _run_ocr(
    document: pdfium.PdfDocument, pages: list[_Page], options: ReadOptions, warnings: list[ReadMessage]
) -> tuple[list[int], list[int], ReadMessage | None]:
    """OCR what needs it; returns (OCR'd pages, pages still needing OCR, why they still need it)."""
    min_chars = options.min_text_chars_per_page

    def scanned(page: _Page) -> bool:
        return page.chars < min_chars and page.has_images

    if options.ocr == "always":
        candidates = [p for p in pages if not p.error and (p.chars or p.has_images)]
    else:
        candidates = [p for p in pages if not p.error and scanned(p)]
    if not candidates:
        return [], [], None

    def without_text(group: list[_Page]) -> list[int]:
        return [p.number for p in group if scanned(p)]

    def text_kept(group: list[_Page], code: str) -> None:
        kept = [p.number for p in group if not scanned(p)]
        if kept:
            warnings.append(_said(code, pages=_listing(kept), limit=options.ocr_max_pages))

    if options.ocr == "never":
        return [], without_text(candidates), _said("ocr_off")

    from .ocr import LOW_CONFIDENCE, OcrUnavailable, find_engine, ocr_pdf_pages

    try:
        engine = find_engine(options.tesseract_cmd, options.ocr_languages)
    except OcrUnavailable as exc:
        text_kept(candidates, "ocr_kept_unavailable")
        return [], without_text(candidates), exc.said
    if engine.warning is not None:
        warnings.append(engine.warning)

    todo, over = candidates[: options.ocr_max_pages], candidates[options.ocr_max_pages :]
    results = ocr_pdf_pages(document, [p.number for p in todo], options, engine)
    done: list[int] = []
    failed: list[_Page] = []
    low: list[str] = []
    for page in todo:
        result = results[page.number]
        if result.error is not None:
            warnings.append(result.error)
            failed.append(page)
            continue
        page.lines = list(result.lines)
        page.ocr = True
        done.append(page.number)
        if result.confidence is not None and result.confidence < LOW_CONFIDENCE:
            low.append(f"{page.number} ({result.confidence:.0f}%)")
    if low:
        warnings.append(_said("ocr_low_confidence", pages=", ".join(low)))
    reasons: list[ReadMessage] = []
    needs = without_text(failed)
    if needs:
        reasons.append(_said("ocr_failed_pages", pages=_listing(needs)))
    text_kept(failed, "ocr_kept_failed")
    if over:
        needs += without_text(over)
        if without_text(over):
            reasons.append(_said("ocr_page_limit", limit=options.ocr_max_pages))
        text_kept(over, "ocr_kept_limit")
    return (
        done,
        sorted(needs),
        ReadMessage(code="joined", because=tuple(reasons)) if len(reasons) > 1 else next(iter(reasons), None),
    )


# --------------------------------------------------------------------------------------------------
# running headers and footers, then blocks


def _running_lines(pages: list[_Page]) -> list[list[tuple[int, str, str]]]:
    """Per page, (line index, zone, key) of its lines that repeat at the top ('header') or bottom
    ('footer') of most pages: on at least half the pages with text, or on four pages in long files.

    Keys ignore digits, so a line whose digits change must show a page number to count: one of
    its numbers goes up by one from page to page. "Vraag 12" and "Vraag 13" opening two pages are
    questions, not a running header.
    """
    edges = [_edge_lines(page) for page in pages]
    seen: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for page, page_edges in zip(pages, edges, strict=True):
        for i, zone, key in page_edges:
            seen.setdefault((zone, key), []).append((page.number, page.lines[i].text))
    needed = max(2, min(4, math.ceil(sum(1 for page in pages if page.lines) * 0.5)))
    running = {item for item, found in seen.items() if len(found) >= needed and _repeats(found)}
    return [[edge for edge in page_edges if edge[1:] in running] for page_edges in edges]


def _repeats(found: list[tuple[int, str]]) -> bool:
    """The same text everywhere, or a number in it that counts the pages."""
    texts = {text for _, text in found}
    if len(texts) == 1:
        return True
    numbers = [(page, [int(n) for n in _DIGITS.findall(text)]) for page, text in found]
    pairs = [(a, b) for (page_a, a), (page_b, b) in pairwise(numbers) if page_b == page_a + 1 and len(a) == len(b)]
    if not pairs:
        return False
    width = len(pairs[0][0])
    return any(sum(b[i] - a[i] == 1 for a, b in pairs if len(a) == width) * 2 >= len(pairs) for i in range(width))


def _edge_lines(page: _Page) -> list[tuple[int, str, str]]:
    """(line index, zone, key) of the lines that could be a running header or footer."""
    filled = [i for i, line in enumerate(page.lines) if line.text]
    if len(filled) < 2:
        return []
    first, last = filled[:_EDGE_LINES], filled[-_EDGE_LINES:]
    middle = filled[len(filled) // 2]
    out: list[tuple[int, str, str]] = []
    for i in dict.fromkeys(first + last):
        line = page.lines[i]
        if line.y is not None and page.height > 0:
            where = line.y / page.height
            zone = "header" if where < _EDGE_ZONE else "footer" if where > 1 - _EDGE_ZONE else ""
        else:
            zone = "header" if i < middle or (i == middle and i in first) else "footer"
        if zone:
            out.append((i, zone, _DIGITS.sub("#", " ".join(line.text.lower().split()))))
    return out


@dataclass(slots=True)
class _Entry:
    """A block to be, kept until the page after its own is read: the first block there may be its rest."""

    kind: BlockKind
    text: str
    page: int
    ocr: bool
    level: int | None = None
    label: str | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None
    segment: Segment | None = None  # a body block of running text, which a page break may cut
    first: Line | None = None  # its first printed line, when it opens its page's body
    last: Line | None = None  # its last printed line, when it closes its page's body
    through: int = 0  # the page its text runs on to, when a page break cut it


def _build(pages: list[_Page], options: ReadOptions) -> tuple[Block, ...]:
    running = _running_lines(pages) if len(pages) > 1 else [[] for _ in pages]
    emitted: set[tuple[str, str]] = set()
    entries: list[_Entry] = []
    tables = _TableCount()
    for page, edge in zip(pages, running, strict=True):
        if not page.lines:
            tables.open = None
            continue
        headers: list[str] = []
        footers: list[str] = []
        body = page.lines
        if edge:
            drop = {i for i, _, _ in edge}
            body = [line for i, line in enumerate(page.lines) if i not in drop]
            for i, zone, key in sorted(edge):
                if (zone, key) not in emitted:
                    emitted.add((zone, key))
                    (headers if zone == "header" else footers).append(join_lines([page.lines[i].text]))
        entries.extend(_Entry(BlockKind.HEADER, text, page.number, page.ocr) for text in headers)
        _body(page, body, entries, tables)
        entries.extend(_Entry(BlockKind.FOOTER, text, page.number, page.ocr) for text in footers)
        if len(entries) > options.max_blocks:
            raise ReadFailure(ReadStatus.TOO_LARGE, "too_many_blocks", limit=options.max_blocks)
    builder = BlockBuilder()
    for entry in _join_across_pages(entries):
        builder.add(
            entry.kind,
            entry.text,
            level=entry.level,
            label=entry.label,
            page=entry.page,
            table=entry.table,
            row=entry.row,
            column=entry.column,
            ocr=entry.ocr,
        )
    return builder.blocks


@dataclass(slots=True)
class _OpenTable:
    """The table that closed the last page's body, which a table opening the next page may go on."""

    number: int
    rows: int
    columns: tuple[float, ...]
    header: tuple[str, ...]
    end: int  # the number of entries after its last cell


@dataclass(slots=True)
class _TableCount:
    count: int = 0
    open: _OpenTable | None = None


def _body(page: _Page, body: list[Line], entries: list[_Entry], tables: _TableCount) -> None:
    """The page's body as entries: tables where its lines stand in columns, the rest segmented into
    headings, list items and paragraphs."""
    found = _tables(page, body)
    taken = {index for table in found for index in table.lines}
    at = {table.first: table for table in found}
    lines = body
    if taken:  # a table's lines leave one blank line behind, so no paragraph runs through the table
        lines = [line for line in body if line.number not in taken or line.number in at]
        lines = [Line("", line.number) if line.number in at else line for line in lines]
    first_line = next((line for line in lines if line.text), None)
    last_line = next((line for line in reversed(lines) if line.text), None)
    boundaries = sorted(at)
    opened = len(entries)
    for segment in segment_lines(lines):
        while boundaries and boundaries[0] < segment.line:
            _add_table(page, at[boundaries.pop(0)], entries, tables, opens=len(entries) == opened)
        tables.open = None
        entries.append(
            _Entry(
                segment.kind,
                segment.text,
                page.number,
                page.ocr,
                level=segment.level,
                label=segment.label,
                segment=segment,
                first=first_line if len(entries) == opened else None,
            )
        )
    closes_page = len(entries) > opened and not boundaries
    for boundary in boundaries:
        _add_table(page, at[boundary], entries, tables, opens=len(entries) == opened)
    if closes_page and last_line is not None and last_line.number not in taken:
        entries[-1].last = last_line


def _tables(page: _Page, body: list[Line]) -> list[AlignedTable]:
    if not page.pieces:
        return []
    placed = [
        PlacedLine(line.number, line.y, line.height, page.pieces[line.number])
        for line in body
        if line.number in page.pieces and line.y is not None and line.height
    ]
    return find_tables(placed)


def _add_table(page: _Page, table: AlignedTable, entries: list[_Entry], tables: _TableCount, opens: bool) -> None:
    """A table's cells; a table that opens the page in the columns of the one that closed the page
    before goes on with it (one table, as in the DOCX it came from), its repeated header row left out."""
    rows = table.rows
    before = tables.open if opens else None
    between: list[_Entry] = []
    continues = before is not None and _same_columns(before.columns, table.columns)
    if before is not None and continues:
        number, offset = before.number, before.rows
        if rows[0] == before.header:
            rows = rows[1:]
        # the page's footer and the next one's header come after the table, so its cells stay together
        between = entries[before.end :]
        del entries[before.end :]
        if rows and _joined_cut_row(entries, page, number, offset, rows[0]):
            rows = rows[1:]
    else:
        tables.count += 1
        number, offset = tables.count, 0
    for row, cells in enumerate(rows, start=offset + 1):
        for column, text in enumerate(cells, start=1):
            if text:
                entries.append(
                    _Entry(BlockKind.TABLE_CELL, text, page.number, page.ocr, table=number, row=row, column=column)
                )
    header = before.header if before is not None and continues else table.rows[0]
    tables.open = _OpenTable(number, offset + len(rows), table.columns, header, len(entries))
    entries.extend(between)


def _joined_cut_row(
    entries: list[_Entry], page: _Page, table: int, row: int, cells: tuple[str, ...] | list[str]
) -> bool:
    """Add the first row of a table's next page to its last row when it is that row's rest, which the
    page break cut (Word lets a row break across pages): its first cell is empty, and a cell of the last
    row that it goes on in stops in the middle of a sentence ("Zijn de Internationale" / "Sociale
    Voorwaarden ..."). Whether it did."""
    if not cells or cells[0] or not any(cells[1:]):
        return False
    last = {e.column: e for e in entries if e.table == table and e.row == row}
    if not any(text and column in last and last[column].text[-1:].isalpha() for column, text in enumerate(cells, 1)):
        return False
    for column, text in enumerate(cells, start=1):
        if not text:
            continue
        if column in last:
            last[column].text = f"{last[column].text} {text}"
        else:
            entries.append(
                _Entry(BlockKind.TABLE_CELL, text, page.number, page.ocr, table=table, row=row, column=column)
            )
    return True


def _same_columns(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= 3.0 for x, y in zip(a, b, strict=True))


def _join_across_pages(entries: list[_Entry]) -> list[_Entry]:
    """Entries with a paragraph that a page break cut in two made one again, on the page it starts on."""
    out: list[_Entry] = []
    open_end: _Entry | None = None  # the entry that closed the last page's body
    for entry in entries:
        if entry.kind in (BlockKind.HEADER, BlockKind.FOOTER):
            out.append(entry)
            continue
        if (
            entry.first is not None
            and open_end is not None
            and entry.segment is not None
            and open_end.segment is not None
            and open_end.last is not None
            and entry.page == max(open_end.page, open_end.through) + 1
            and continues_on_next_page(open_end.segment, open_end.last, entry.segment, entry.first)
        ):
            cut = open_end.last.text.endswith(("\xad", "\x02"))
            open_end.text = join_lines([open_end.text + ("\xad" if cut else ""), entry.text])
            open_end.segment = open_end.segment._replace(text=open_end.text)
            open_end.last = entry.last
            open_end.through = entry.page
            if entry.last is None:
                open_end = None
            continue
        out.append(entry)
        open_end = entry if entry.last is not None else None
    return out


def _listing(pages: list[int]) -> str:
    """Page numbers as every language writes them: '1, 2, 3' and, past the first ten, '(+5)'."""
    shown = ", ".join(str(p) for p in pages[:_PAGES_LISTED])
    return shown + (f" (+{len(pages) - _PAGES_LISTED})" if len(pages) > _PAGES_LISTED else "")


def _said(code: str, **params: MessageParam) -> ReadMessage:
    return ReadMessage(code=code, params=params)
