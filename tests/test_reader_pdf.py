"""The PDF reader on real LibreOffice-exported PDFs (tests/fixtures/pdf, made by make_fixtures.py)
and on small hand-written ones. OCR has its own file, test_reader_ocr.py."""

from __future__ import annotations

import importlib.util
import re
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from hypothesis import given
from hypothesis import strategies as st

from isv_checker import BlockKind, ReadOptions, ReadStatus, read_bytes, read_path
from isv_checker.readers import pdf as pdf_reader
from isv_checker.readers.extraction import ReadFailure

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
_spec = importlib.util.spec_from_file_location("make_pdf_fixtures", FIXTURES / "make_fixtures.py")
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)


@pytest.fixture(scope="module")
def tender():
    return read_path(FIXTURES / "tender_nl.pdf")


def raw_page_texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path.read_bytes())
    try:
        texts = []
        for page in pdf:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        pdf.close()


def squash(text: str) -> str:
    """Text modulo whitespace, line-end hyphenation and Word's private-use bullets."""
    text = re.sub("[\uf000-\uf0ff]", "\u2022", text)
    return re.sub(r"[\s\-\ufffe\xad\x02]", "", text)


# --------------------------------------------------------------------------------------------------
# a multi-page tender guide


def test_tender_reads_as_ok_dutch_pdf_with_properties(tender):
    assert tender.status is ReadStatus.OK, tender.message
    assert tender.format.value == "pdf"
    assert tender.pages == 11
    assert tender.language == "nl"
    assert tender.properties["title"] == make_fixtures.TITLE
    assert tender.properties["author"] == "Team Inkoop Voorbeeldstad"
    assert tender.properties["producer"].startswith("LibreOffice")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?", tender.properties["created"])
    assert tender.warnings == ()


def test_every_block_text_is_on_its_page(tender):
    """On its page, or, for a paragraph that a page break cut, begun there and ended on the next."""
    pages = [squash(t) for t in raw_page_texts(FIXTURES / "tender_nl.pdf")]
    assert len(tender.blocks) > 40
    runs_on = 0
    for block in tender.blocks:
        assert block.page is not None
        text = squash(block.text)
        if text in pages[block.page - 1]:
            continue
        assert any(text[:k] in pages[block.page - 1] and text[k:] in pages[block.page] for k in range(1, len(text)))
        runs_on += 1
    assert runs_on >= 1


def test_blocks_cover_the_body_text_in_order(tender):
    body = "".join(squash(b.text) for b in tender.blocks if b.kind not in (BlockKind.HEADER, BlockKind.FOOTER))
    raw = raw_page_texts(FIXTURES / "tender_nl.pdf")
    expected = "".join(squash(t.replace(make_fixtures.HEADER_TEXT, "")).split("Kenmerk2024")[0] for t in raw)
    assert body == expected


def test_headings_have_levels_and_paths(tender):
    headings = {b.text: b for b in tender.blocks if b.kind is BlockKind.HEADING}
    assert headings["1 Inleiding"].level == 1
    assert headings["1.1 Aanleiding"].level == 2
    assert headings["1.1 Aanleiding"].heading_path == ("1 Inleiding",)
    assert headings["5 Slotbepalingen"].page == 9
    isv = headings[make_fixtures.ISV_TITLE]
    assert (isv.level, isv.label, isv.page) == (2, "Artikel 7", 6)
    assert isv.heading_path == ("4 Contractvoorwaarden",)
    clause = next(b for b in tender.blocks if b.text.startswith("Opdrachtnemer neemt de Internationale"))
    assert clause.kind is BlockKind.PARAGRAPH
    assert clause.heading_path == ("4 Contractvoorwaarden", make_fixtures.ISV_TITLE)
    assert clause.page == 6


def test_title_wrapped_over_two_lines_is_one_heading(tender):
    # regression: each line of a wrapped 26 pt title used to become a heading of its own
    titles = [b for b in tender.blocks if b.kind is BlockKind.HEADING and "Schoonmaakdiensten" in b.text]
    assert [t.text for t in titles] == [make_fixtures.TITLE]


def test_list_items(tender):
    items = [b for b in tender.blocks if b.kind is BlockKind.LIST_ITEM]
    assert [b.label for b in items] == ["•", "•", "•", "a)", "b)", "c)", "1.", "2.", "3."]
    assert items[0].text == "\u2022 een schone en gezonde werkomgeving voor medewerkers en bezoekers;"
    assert items[5].text == "c) duurzaamheid en maatschappelijke waarde, met een weging van 20 procent."  # wrapped
    assert all(b.heading_path[-1] == make_fixtures.ISV_TITLE for b in items[6:])


def test_running_header_and_footer_are_emitted_once(tender):
    headers = [b for b in tender.blocks if b.kind is BlockKind.HEADER]
    footers = [b for b in tender.blocks if b.kind is BlockKind.FOOTER]
    assert [(b.text, b.page) for b in headers] == [(make_fixtures.HEADER_TEXT, 1)]
    assert [(b.text, b.page) for b in footers] == [("Kenmerk 2024-0815 Pagina 1 van 11", 1)]
    assert headers[0].index == 0 and headers[0].heading_path == ()
    for block in tender.blocks:
        if block.kind not in (BlockKind.HEADER, BlockKind.FOOTER):
            assert "Pagina" not in block.text and "Voorbeeldstad" not in block.text, block.text


def test_hyphenated_line_ends_are_joined(tender):
    clause = next(b for b in tender.blocks if b.text.startswith("Opdrachtnemer neemt de Internationale"))
    assert "leveranciersselectie" in clause.text  # a soft hyphen at a line end (pdfium: U+FFFE)
    assert "ketenverantwoordelijkheid" in clause.text
    assert "OESO-richtlijnen" in clause.text  # a hard hyphen inside a line stays
    for block in tender.blocks:
        assert not set(block.text) & {"\ufffe", "\xad", "\x02"}, block.text


def test_same_text_without_geometry(monkeypatch, tender):
    """When char indexes do not line up with the text, lines lose their geometry but not their text."""
    monkeypatch.setattr(pdf_reader._Geometry, "_aligned", staticmethod(lambda *args: False))
    plain = read_path(FIXTURES / "tender_nl.pdf")
    assert plain.status is ReadStatus.OK
    edges = (BlockKind.HEADER, BlockKind.FOOTER)  # placed after the page's last block, which may run on

    def text(blocks):
        return squash("".join(b.text for b in blocks if b.kind not in edges))

    assert text(plain.blocks) == text(tender.blocks)
    headings = [b.text for b in plain.blocks if b.kind is BlockKind.HEADING]
    assert "1.1 Aanleiding" in headings and make_fixtures.ISV_TITLE in headings
    assert sum(b.kind is BlockKind.HEADER for b in plain.blocks) == 1
    assert sum(b.kind is BlockKind.FOOTER for b in plain.blocks) == 1


def test_english_pdf():
    doc = read_path(FIXTURES / "terms_en.pdf")
    assert doc.status is ReadStatus.OK
    assert doc.language == "en"
    assert doc.pages == 1
    assert doc.properties["title"] == "Terms of Reference"
    assert [b.text for b in doc.blocks if b.kind is BlockKind.HEADING] == ["Terms of Reference", "2 Reporting"]
    assert [b.text for b in doc.blocks if b.kind is BlockKind.LIST_ITEM] == [
        "\u2022 the risks identified;",
        "\u2022 the measures taken;",
        "\u2022 the results achieved.",
    ]
    assert not any(b.kind in (BlockKind.HEADER, BlockKind.FOOTER) for b in doc.blocks)


# --------------------------------------------------------------------------------------------------
# hand-written PDFs


def test_scaled_text_matrix_gives_the_real_font_size():
    """Producers that write '1 Tf' and scale with the text matrix: the heading must still look big."""
    body = "\n".join(
        f"BT /F1 10 Tf 72 {700 - 14 * i} Td (Dit is gewone tekst van regel {i} in de alinea over de opdracht) Tj ET"
        for i in range(6)
    )
    heading = "BT /F1 1 Tf 18 0 0 18 72 740 Tm (Uitgangspunten) Tj ET"
    doc = read_bytes(make_fixtures.minimal_pdf(1, [f"{heading}\n{body}".encode()]), "scaled.pdf")
    assert doc.status is ReadStatus.OK
    assert doc.blocks[0].kind is BlockKind.HEADING and doc.blocks[0].text == "Uitgangspunten"
    assert doc.blocks[1].kind is BlockKind.PARAGRAPH and doc.blocks[1].heading_path == ("Uitgangspunten",)


def placed_lines(*lines: tuple[float, float, str]) -> bytes:
    """A content stream with (font size, distance from the top, text) lines in Helvetica."""
    parts = []
    for size, top, text in lines:
        escaped = text.encode("cp1252").replace(b"(", b"\\(").replace(b")", b"\\)")
        parts.append(b"BT /F1 %g Tf 72 %g Td (%s) Tj ET" % (size, 842 - top, escaped))
    return b"\n".join(parts)


def test_numbered_clause_in_body_type_is_a_list_item_not_a_heading():
    stream = placed_lines(
        (14, 80, "6 Internationale Sociale Voorwaarden"),
        (10, 104, "6.1 Opdrachtnemer betracht gepaste zorgvuldigheid ten aanzien van de productieketen van de"),
        (10, 117, "geleverde apparatuur, zoals uitgewerkt in de OESO-richtlijnen voor multinationale"),
        (10, 130, "ondernemingen en de UN Guiding Principles."),
        (10, 150, "6.2 Rapportage"),
        (10, 163, "Opdrachtnemer rapporteert jaarlijks over de voortgang van het plan van aanpak aan de"),
        (10, 176, "opdrachtgever, uiterlijk op 1 maart van ieder jaar."),
    )
    doc = read_bytes(make_fixtures.minimal_pdf(1, [stream]), "clauses.pdf")
    kinds = [(b.kind, b.label, b.text[:24], b.heading_path) for b in doc.blocks]
    top = "6 Internationale Sociale Voorwaarden"
    assert kinds == [
        (BlockKind.HEADING, "6", top[:24], ()),
        (BlockKind.LIST_ITEM, "6.1", "6.1 Opdrachtnemer betrac", (top,)),
        (BlockKind.HEADING, "6.2", "6.2 Rapportage", (top,)),
        (BlockKind.PARAGRAPH, None, "Opdrachtnemer rapporteer", (top, "6.2 Rapportage")),
    ]
    assert doc.blocks[1].text.endswith("ondernemingen en de UN Guiding Principles.")


def test_soft_hyphen_after_a_capital_keeps_the_hyphen():
    lines = [
        "Opdrachtnemer past gepaste zorg\xad",
        "vuldigheid toe volgens de OESO\xad",
        "richtlijnen voor multinationale ondernemingen en",
        "rapporteert over de voortgang van het plan van aanpak.",
    ]
    doc = read_bytes(make_fixtures.minimal_pdf(1, [make_fixtures.text_stream(lines)]), "hyphens.pdf")
    assert doc.blocks[0].text == (
        "Opdrachtnemer past gepaste zorgvuldigheid toe volgens de OESO-richtlijnen voor multinationale "
        "ondernemingen en rapporteert over de voortgang van het plan van aanpak."
    )


def test_page_number_footer_on_pages_without_geometry(monkeypatch):
    monkeypatch.setattr(pdf_reader._Geometry, "_aligned", staticmethod(lambda *args: False))
    pages = [
        make_fixtures.text_stream(
            [f"Hoofdstuk tekst {word} die per pagina verschilt.", "Meer tekst.", f"Pagina {n} van 4"]
        )
        for n, word in enumerate(["een", "twee", "drie", "vier"], start=1)
    ]
    doc = read_bytes(make_fixtures.minimal_pdf(4, pages), "footers.pdf")
    footers = [(b.text, b.page) for b in doc.blocks if b.kind is BlockKind.FOOTER]
    assert footers == [("Pagina 1 van 4", 1)]
    assert sum("Pagina" in b.text for b in doc.blocks) == 1


def test_zero_pages_is_empty():
    doc = read_path(FIXTURES / "zero_pages.pdf")
    assert doc.status is ReadStatus.EMPTY
    assert doc.pages == 0
    assert "no pages" in doc.message


def test_thousands_of_blank_pages_are_empty_fast_and_never_ocrd(monkeypatch):
    from isv_checker.readers import ocr

    monkeypatch.setattr(ocr, "find_engine", lambda *a: pytest.fail("OCR must not be considered for blank pages"))
    data = make_fixtures.minimal_pdf(5000)
    start = time.perf_counter()
    doc = read_bytes(data, "blank.pdf")
    elapsed = time.perf_counter() - start
    assert doc.status is ReadStatus.EMPTY
    assert doc.pages == 5000
    assert doc.ocr_pages == ()
    assert elapsed < 5, f"{elapsed:.1f} s for 5,000 blank pages"


def test_page_limit():
    doc = read_bytes(make_fixtures.minimal_pdf(30), "many.pdf", ReadOptions(max_pages=20))
    assert doc.status is ReadStatus.TOO_LARGE
    assert "30 pages" in doc.message and "20-page limit" in doc.message


# --------------------------------------------------------------------------------------------------
# bad files


def test_encrypted():
    doc = read_path(FIXTURES / "encrypted.pdf")
    assert doc.status is ReadStatus.ENCRYPTED
    assert "password" in doc.message
    assert doc.blocks == ()


def test_truncated_export_is_corrupt():
    # LibreOffice writes the page tree at the end; half a file leaves pdfium nothing to open
    doc = read_path(FIXTURES / "truncated.pdf")
    assert doc.status is ReadStatus.CORRUPT
    assert "damaged or incomplete" in doc.message


def test_truncated_cross_reference_is_rebuilt_and_read():
    pages = [make_fixtures.text_stream([f"Dit is pagina {w} van het bestek."]) for w in ("een", "twee", "drie")]
    data = make_fixtures.minimal_pdf(3, pages)
    doc = read_bytes(data[: data.rfind(b"xref")], "cut.pdf")
    assert doc.status is ReadStatus.OK
    assert [(b.page, b.text) for b in doc.blocks] == [
        (1, "Dit is pagina een van het bestek."),
        (2, "Dit is pagina twee van het bestek."),
        (3, "Dit is pagina drie van het bestek."),
    ]


def test_garbage_after_a_pdf_header_is_corrupt():
    doc = read_path(FIXTURES / "garbage.pdf")
    assert doc.status is ReadStatus.CORRUPT


def test_documents_are_closed_after_every_read(monkeypatch):
    """Documents are closed as the reader goes, failures included, not left to the garbage collector."""
    data = (FIXTURES / "tender_nl.pdf").read_bytes()
    opened: list[pdfium.PdfDocument] = []
    real_open = pdf_reader._open

    def tracking_open(blob: bytes) -> pdfium.PdfDocument:
        document = real_open(blob)
        opened.append(document)
        return document

    monkeypatch.setattr(pdf_reader, "_open", tracking_open)
    for _ in range(3):
        pdf_reader.read_pdf(data, ReadOptions())
    with pytest.raises(ReadFailure):
        pdf_reader.read_pdf(data, ReadOptions(max_pages=2))
    assert len(opened) == 4
    assert all(document.raw is None for document in opened)


# --------------------------------------------------------------------------------------------------
# units


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("D:20240115093000+01'00'", "2024-01-15T09:30:00+01:00"),
        ("D:20240115093000-05'30", "2024-01-15T09:30:00-05:30"),
        ("D:20240115093000Z", "2024-01-15T09:30:00Z"),
        ("D:20261127141403Z'", "2026-11-27T14:14:03Z"),
        ("D:20240115093000Z00'00'", "2024-01-15T09:30:00Z"),
        ("D:20240115093000", "2024-01-15T09:30:00"),
        ("D:20240115", "2024-01-15"),
        ("D:202401", "2024-01"),
        ("D:2024", "2024"),
        ("20240115093000", "2024-01-15T09:30:00"),
        ("D:20241399", "D:20241399"),
        ("gisteren", "gisteren"),
    ],
)
def test_pdf_date_to_iso(raw, iso):
    assert pdf_reader.pdf_date_to_iso(raw) == iso


def test_physical_lines_split_at_pdfium_hyphen_joins():
    text = "eerste regel met prijs\ufffekwaliteit en meer\r\ntweede\r\n"
    spans = pdf_reader._physical_lines(text)
    assert spans == [(0, "eerste regel met prijs\xad"), (23, "kwaliteit en meer"), (42, "tweede"), (50, "")]
    assert text[23] == "k" and text[42] == "t"
    assert pdf_reader._physical_lines("a\r\nb") == [(0, "a"), (3, "b")]
    assert pdf_reader._physical_lines("zorg\x02vuldigheid\r\nketen\x02\r\nbeleid") == [
        (0, "zorg\xad"),
        (5, "vuldigheid"),
        (17, "keten\x02"),
        (25, "beleid"),
    ]


def test_numbered_lines_opening_pages_are_not_a_running_header():
    """Digits are ignored when matching running headers, but a changing number must count pages."""
    pages = [
        make_fixtures.text_stream([f"Vraag {q}", f"Wat bedoelt u met eis {q}? Het antwoord staat in de nota."])
        for q in (12, 17, 23, 31)
    ]
    doc = read_bytes(make_fixtures.minimal_pdf(4, pages), "nvi.pdf")
    assert not any(b.kind in (BlockKind.HEADER, BlockKind.FOOTER) for b in doc.blocks)
    assert [(b.page, b.text[:8]) for b in doc.blocks] == [
        (1, "Vraag 12"),
        (2, "Vraag 17"),
        (3, "Vraag 23"),
        (4, "Vraag 31"),
    ]


def test_unchecked_pdfium_calls_answer_as_the_checked_bindings():
    """readers/pdfium_calls drops ctypes' argument checks for speed: a wrong return type or argument
    there would give silently wrong positions, sizes or bold flags, so compare it with pypdfium2's own
    bindings on every line start of a real PDF."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    from isv_checker.readers import pdfium_calls

    data = (FIXTURES / "tender_nl.pdf").read_bytes()
    document = pdf_reader._open(data)
    try:
        page = pdfium_c.FPDF_LoadPage(document, 0)
        textpage = pdfium_c.FPDFText_LoadPage(page)
        try:
            count = pdfium_c.FPDFText_CountChars(textpage)
            assert count > 100
            for i in range(0, count, 7):
                a, b = (ctypes.c_double(), ctypes.c_double()), (ctypes.c_double(), ctypes.c_double())
                assert pdfium_calls.get_char_origin(
                    textpage, i, ctypes.byref(a[0]), ctypes.byref(a[1])
                ) == pdfium_c.FPDFText_GetCharOrigin(textpage, i, b[0], b[1])
                assert (a[0].value, a[1].value) == (b[0].value, b[1].value)
                assert pdfium_calls.get_font_size(textpage, i) == pdfium_c.FPDFText_GetFontSize(textpage, i)
                assert pdfium_calls.get_font_weight(textpage, i) == pdfium_c.FPDFText_GetFontWeight(textpage, i)
                assert pdfium_calls.get_unicode(textpage, i) == pdfium_c.FPDFText_GetUnicode(textpage, i)
                m1, m2 = pdfium_c.FS_MATRIX(), pdfium_c.FS_MATRIX()
                assert pdfium_calls.get_matrix(textpage, i, ctypes.byref(m1)) == pdfium_c.FPDFText_GetMatrix(
                    textpage, i, m2
                )
                assert (m1.a, m1.b, m1.c, m1.d) == (m2.a, m2.b, m2.c, m2.d)
                n1, n2 = ctypes.create_string_buffer(128), ctypes.create_string_buffer(128)
                f1, f2 = ctypes.c_int(), ctypes.c_int()
                assert pdfium_calls.get_font_info(
                    textpage, i, n1, ctypes.c_ulong(128), ctypes.byref(f1)
                ) == pdfium_c.FPDFText_GetFontInfo(textpage, i, n2, 128, f2)
                assert (n1.value, f1.value) == (n2.value, f2.value)
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
            pdfium_c.FPDF_ClosePage(page)
    finally:
        document.close()


@given(st.text(alphabet="ab -\r\n\ufffe\x02\x0c", max_size=40))
def test_physical_lines_split_as_the_break_pattern_does(text):
    """Pages with CRLF line ends and U+FFFE hyphenation are split with str methods for speed; the
    result must be exactly what the general break pattern gives."""
    assert pdf_reader._physical_lines(text) == pdf_reader._physical_lines_by_pattern(text)
