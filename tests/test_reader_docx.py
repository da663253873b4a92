"""The DOCX reader, through the public reading API, on fixtures built by tests/fixtures/docx/make_fixtures.py."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import isv_checker
from isv_checker import Block, BlockKind, Document, ReadOptions, ReadStatus
from isv_checker.readers import office

FIXTURES = Path(__file__).parent / "fixtures" / "docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XPATH_NS = {
    "w": W_NS,
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
}
BIJLAGE_5 = "Bijlage 5 Internationale Sociale Voorwaarden"
ARTIKEL_3 = "Artikel 3 Gepaste zorgvuldigheid"


def read(name: str, options: ReadOptions | None = None) -> Document:
    return isv_checker.read_path(FIXTURES / name, options)


def texts(document: Document) -> list[str]:
    return [block.text for block in document.blocks]


def block_with(document: Document, text: str) -> Block:
    matches = [block for block in document.blocks if block.text == text]
    assert len(matches) == 1, f"{text!r} found {len(matches)} times in {texts(document)}"
    return matches[0]


def all_text(document: Document) -> str:
    return "\n".join(texts(document))


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def docx_bytes(document_xml: str | bytes | None, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal package around a hand-written word/document.xml (None leaves the part out)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        if document_xml is not None:
            archive.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def body_xml(paragraphs: str, prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<w:document xmlns:w="{W_NS}"><w:body>{paragraphs}<w:sectPr/></w:body></w:document>'
    )


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, content if info.filename == name else source.read(info.filename))
    return out.getvalue()


# --- structure: headings, lists, order ------------------------------------------------------------

BIJLAGE_BLOCKS = [
    # (kind, level, label, text)
    ("heading", 1, None, "Aanbestedingsleidraad Schoonmaakdiensten Rijkskantoren 2025"),
    ("paragraph", None, None, "1. Bijlage 5 Internationale Sociale Voorwaarden\t2"),
    ("paragraph", None, None, "1.1 Artikel 3 Gepaste zorgvuldigheid\t2"),
    ("heading", 1, "1.", BIJLAGE_5),
    ("paragraph", None, None, "Deze bijlage maakt deel uit van de Overeenkomst."),
    ("heading", 2, "1.1", ARTIKEL_3),
    (
        "paragraph",
        None,
        None,
        "De Opdrachtnemer neemt bij de uitvoering van de Overeenkomst de OESO-richtlijnen "
        "in acht. Dit geldt ook voor zijn onderaannemers.",
    ),
    ("list_item", 1, "1.", "De Opdrachtnemer identificeert risico's in de keten."),
    ("list_item", 1, "2.", "De Opdrachtnemer voorkomt en beperkt negatieve impact."),
    ("list_item", 2, "a)", "door het opstellen van een plan van aanpak;"),
    ("list_item", 2, "b)", "door jaarlijkse rapportage aan de Opdrachtgever."),
    ("list_item", 1, "3.", "De Opdrachtnemer legt verantwoording af."),
    ("paragraph", None, None, "Voor de tweede lijst geldt een nieuwe nummering:"),
    ("list_item", 1, "1.", "Eerste punt van de nieuwe lijst."),
    ("list_item", 1, "2.", "Tweede punt van de nieuwe lijst."),
    ("list_item", 1, "3.", "Vervolg van de gedeelde nummering."),
    ("heading", 2, "1.2", "Artikel 4 Ketentransparantie"),
    ("paragraph", None, None, "Risico's die in elk geval worden onderzocht:"),
    ("list_item", 1, "•", "kinderarbeid"),
    ("list_item", 1, "•", "dwangarbeid"),
    ("list_item", 1, "•", "discriminatie"),
    ("list_item", 2, "o", "op grond van geslacht"),
    ("list_item", 3, "▪", "bij de beloning"),
    ("heading", 3, "1.2.1", "Risicoanalyse"),
    ("heading", 4, None, "Toelichting op de risicoanalyse"),
    ("paragraph", None, None, "De risicoanalyse wordt jaarlijks geactualiseerd."),
    ("heading", 3, None, "Verklaring van de inschrijver"),
    ("paragraph", None, None, "De inschrijver verklaart dat hij de ISV naleeft."),
    ("heading", 1, "2.", "Bijlage 6 Verklaring omtrent het gedrag"),
    ("heading", 2, "2.1", "Artikel 1 Algemeen"),
    ("paragraph", None, None, "Lagere niveaus beginnen opnieuw te tellen."),
    ("list_item", 1, "IV.", "Vierde hoofdpunt"),
    ("list_item", 2, "A.", "Eerste subpunt"),
    ("list_item", 3, "4.1.1", "Juridisch genummerd punt"),
    ("header", None, None, "Aanbestedingsleidraad – Bijlage 5 ISV"),
    ("footer", None, None, "Pagina 1 van 3"),
    ("footnote", None, "1", "Zie de OESO-richtlijnen voor multinationale ondernemingen."),
    ("footnote", None, "2", "Het model staat op de website van de Rijksoverheid."),
    ("footnote", None, "2", "Raadpleeg ook de handreiking ISV."),
]


def test_bijlage_blocks_in_reading_order_with_kinds_levels_and_labels() -> None:
    document = read("isv_bijlage.docx")
    assert document.status is ReadStatus.OK
    assert document.format is isv_checker.DocFormat.DOCX
    got = [(b.kind.value, b.level, b.label, b.text) for b in document.blocks]
    assert got == BIJLAGE_BLOCKS
    assert [b.index for b in document.blocks] == list(range(len(BIJLAGE_BLOCKS)))


def test_heading_path_follows_dutch_heading_styles() -> None:
    document = read("isv_bijlage.docx")
    duty = next(b for b in document.blocks if b.text.startswith("De Opdrachtnemer neemt"))
    assert duty.heading_path == (BIJLAGE_5, ARTIKEL_3)
    assert block_with(document, "door het opstellen van een plan van aanpak;").heading_path == (BIJLAGE_5, ARTIKEL_3)
    assert block_with(document, "De risicoanalyse wordt jaarlijks geactualiseerd.").heading_path == (
        BIJLAGE_5,
        "Artikel 4 Ketentransparantie",
        "Risicoanalyse",
        "Toelichting op de risicoanalyse",
    )
    # a custom style with only an outline level closes the level-3 heading before it
    assert block_with(document, "De inschrijver verklaart dat hij de ISV naleeft.").heading_path == (
        BIJLAGE_5,
        "Artikel 4 Ketentransparantie",
        "Verklaring van de inschrijver",
    )
    assert block_with(document, "Lagere niveaus beginnen opnieuw te tellen.").heading_path == (
        "Bijlage 6 Verklaring omtrent het gedrag",
        "Artikel 1 Algemeen",
    )


def test_lists_sharing_a_definition_continue_each_others_numbering_as_word_does() -> None:
    """numId 22 restarts abstractNum 21 with a startOverride; numId 21 then continues the shared count."""
    document = read("isv_bijlage.docx")
    assert block_with(document, "Eerste punt van de nieuwe lijst.").label == "1."
    assert block_with(document, "Vervolg van de gedeelde nummering.").label == "3."


def test_level_that_names_the_style_beats_the_styles_own_ilvl() -> None:
    """ECMA-376 17.9.23: for a paragraph numbered through its style, the w:lvl whose w:pStyle names that
    style gives the level; an ilvl in the style's numPr is ignored."""
    rel_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel_type}styles" Target="styles.xml"/>'
        f'<Relationship Id="rId2" Type="{rel_type}numbering" Target="numbering.xml"/></Relationships>'
    )
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="Kop{n}"><w:name w:val="heading {n}"/>'
        f'<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="{n - 1}"/></w:pPr>'
        "</w:style>"
        for n in (1, 2)
    )
    numbering = (
        '<w:abstractNum w:abstractNumId="0">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Kop1"/>'
        '<w:lvlText w:val="%1"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Kop2"/>'
        '<w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    data = docx_bytes(
        body_xml(
            '<w:p><w:pPr><w:pStyle w:val="Kop1"/></w:pPr><w:r><w:t>Bijlage 5</w:t></w:r></w:p>'
            '<w:p><w:pPr><w:pStyle w:val="Kop2"/></w:pPr><w:r><w:t>Artikel 3</w:t></w:r></w:p>'
        ),
        {
            "word/_rels/document.xml.rels": rels.encode(),
            "word/styles.xml": f'<w:styles xmlns:w="{W_NS}">{styles}</w:styles>'.encode(),
            "word/numbering.xml": f'<w:numbering xmlns:w="{W_NS}">{numbering}</w:numbering>'.encode(),
        },
    )
    document = isv_checker.read_bytes(data, "kop.docx")
    assert [(b.kind, b.level, b.label) for b in document.blocks] == [
        (BlockKind.HEADING, 1, "1"),
        (BlockKind.HEADING, 2, "1.1"),
    ]


def test_properties_come_from_core_properties() -> None:
    assert read("isv_bijlage.docx").properties == {
        "title": BIJLAGE_5,
        "author": "Inkoopadviseur Rijksoverheid",
        "subject": "Aanbesteding schoonmaakdiensten",
        "keywords": "ISV; IMVO; gepaste zorgvuldigheid",
        "last_modified_by": "Juridisch adviseur",
        "created": "2025-01-15T09:30:00Z",
        "modified": "2025-02-01T14:00:00Z",
    }


# --- headers, footers, notes, comments, fields ---------------------------------------------------


def test_header_shared_by_two_sections_is_emitted_once_and_unused_first_page_header_not_at_all() -> None:
    document = read("isv_bijlage.docx")
    headers = [b for b in document.blocks if b.kind is BlockKind.HEADER]
    assert [b.text for b in headers] == ["Aanbestedingsleidraad – Bijlage 5 ISV"]
    assert "eerste pagina" not in all_text(document)
    assert all(b.heading_path == () and b.paragraph is None for b in headers)


def test_footnotes_follow_the_body_labelled_by_reference_order_and_orphans_are_left_out() -> None:
    document = read("isv_bijlage.docx")
    notes = [b for b in document.blocks if b.kind is BlockKind.FOOTNOTE]
    assert [(b.label, b.text) for b in notes] == [
        ("1", "Zie de OESO-richtlijnen voor multinationale ondernemingen."),
        ("2", "Het model staat op de website van de Rijksoverheid."),
        ("2", "Raadpleeg ook de handreiking ISV."),
    ]
    assert min(b.index for b in notes) > max(b.index for b in document.blocks if b.kind is BlockKind.PARAGRAPH)
    assert "Verweesde voetnoot" not in all_text(document)


def test_comments_and_field_instructions_are_not_text() -> None:
    document = read("isv_bijlage.docx")
    text = all_text(document)
    assert "Opmerking van de jurist" not in text
    for instruction in ("TOC", "\\o", "PAGE", "NUMPAGES"):
        assert instruction not in text
    assert "Pagina 1 van 3" in text  # field results stay


# --- tracked changes, content controls, text boxes, characters -----------------------------------


def test_tracked_insertion_in_and_marked_deletion_out() -> None:
    document = read("wijzigingen.docx")
    changed = block_with(document, "De Opdrachtnemer en zijn onderaannemers leven de ISV na.")
    assert changed.inserted is True
    text = all_text(document)
    assert "niet leven" not in text and "Deze zin is geschrapt." not in text
    assert not any(b.inserted for b in document.blocks if b is not changed)


def test_moved_text_appears_only_where_it_was_moved_to() -> None:
    document = read("wijzigingen.docx")
    assert block_with(document, "Eerste alinea na de verplaatsing.")
    assert block_with(document, "Deze zin is verplaatst.").kind is BlockKind.PARAGRAPH


def test_content_controls_keep_their_content_but_not_placeholder_text() -> None:
    document = read("wijzigingen.docx")
    assert block_with(document, "Naam inschrijver: Schoonmaakbedrijf De Vries B.V.").kind is BlockKind.PARAGRAPH
    kvk = block_with(document, "12345678")
    assert (kvk.kind, kvk.table, kvk.row, kvk.column) == (BlockKind.TABLE_CELL, 1, 1, 2)
    assert block_with(document, "Datum van ondertekening: 1 maart 2025.")
    assert block_with(document, "Gekozen optie: (niet ingevuld)")
    text = all_text(document)
    assert "Klik of tik" not in text and "Kies een item" not in text


def test_text_box_text_appears_once_right_after_its_anchor() -> None:
    document = read("wijzigingen.docx")
    text = all_text(document)
    assert text.count("Let op: de ISV gelden voor de gehele keten.") == 1
    box = block_with(document, "Let op: de ISV gelden voor de gehele keten.")
    assert box.kind is BlockKind.TEXT_BOX
    assert document.blocks[box.index - 1].text == "Zie het kader hieronder."
    assert box.heading_path == (BIJLAGE_5,)
    vml = block_with(document, "Tekst in een VML-tekstvak.")
    assert vml.kind is BlockKind.TEXT_BOX and document.blocks[vml.index - 1].text == "Oud tekstvak volgt."


def test_text_box_in_a_table_cell_follows_the_cell() -> None:
    document = read("wijzigingen.docx")
    cell = block_with(document, "Celtekst met kader.\nTweede alinea.")
    box = block_with(document, "Kader in een cel.")
    assert cell.kind is BlockKind.TABLE_CELL and box.kind is BlockKind.TEXT_BOX
    assert box.index == cell.index + 1
    assert box.paragraph == cell.paragraph + 1  # counted in document order: anchor, box, second cell paragraph
    assert document.blocks[box.index + 1].paragraph == cell.paragraph + 3


@pytest.mark.parametrize(
    "text",
    [
        "Zie artikel 3 van deze bijlage.",  # complex field: instruction out, result in
        "Status: gevuld",  # a field nested in another's instruction stays out
        "Titel: Bijlage 5 ISV",  # fldSimple
        "IMVO-beleid, ketenverantwoordelijkheid,\tkolom\nnieuwe regel",  # hyphens, tab, break
        "Akkoord ✓",  # w:sym in Wingdings
        "Zichtbare tekst. Einde.",  # hidden (w:vanish) run left out
        "Meer informatie op de website over de ISV.",  # hyperlink
        "Opdrachtgever: Ministerie van Binnenlandse Zaken",  # inline customXml
        "Formule: E=mc²",  # Office Math
    ],
)
def test_inline_content(text: str) -> None:
    assert block_with(read("wijzigingen.docx"), text).kind is BlockKind.PARAGRAPH


def test_field_code_and_hidden_text_absent() -> None:
    text = all_text(read("wijzigingen.docx"))
    for absent in ("REF", "_Ref1234", "DOCPROPERTY", "MERGEFORMAT", "VERBORGEN", "«Naam»", "MERGEFIELD"):
        assert absent not in text


def test_endnotes_are_footnote_blocks_numbered_in_lower_roman() -> None:
    document = read("wijzigingen.docx")
    last = document.blocks[-1]
    assert (last.kind, last.label, last.text) == (BlockKind.FOOTNOTE, "i", "Eindnoot: zie ook de Wet op het IMVO.")


def test_field_that_never_ends_does_not_hide_the_rest_of_the_body() -> None:
    data = docx_bytes(
        body_xml(
            '<w:p><w:r><w:t xml:space="preserve">Voor het veld </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            "<w:r><w:instrText> PAGE </w:instrText></w:r></w:p>"
            "<w:p><w:r><w:t>De Opdrachtnemer leeft de ISV na.</w:t></w:r></w:p>"
        )
    )
    document = isv_checker.read_bytes(data, "veld.docx")
    assert texts(document) == ["Voor het veld", "De Opdrachtnemer leeft de ISV na."]
    assert any("never ends" in w for w in document.warnings)


# --- tables ---------------------------------------------------------------------------------------

TABLE_CELLS = [
    # (table, row, column, text)
    (1, 1, 1, "Nr."),
    (1, 1, 2, "Eis"),
    (1, 1, 3, "Toelichting"),
    (1, 2, 1, "1"),
    (1, 2, 2, "De Opdrachtnemer voert een risicoanalyse uit."),
    (1, 3, 1, "2"),
    (1, 3, 2, "Ketentransparantie"),
    (1, 3, 3, "Zie onderstaande tabel:\nEinde van de cel."),
    (2, 1, 1, "Risico"),
    (2, 1, 2, "Maatregel"),
    (2, 2, 1, "Kinderarbeid"),
    (2, 2, 2, "Onafhankelijke audit"),
    (1, 4, 2, "Eerste alinea in de cel.\nTweede alinea in de cel."),
    (1, 5, 2, "Rij met verspringing"),
    (1, 5, 3, "Laatste cel"),
    (1, 6, 1, "3"),
    (1, 6, 2, "Rij in een inhoudsbesturingselement"),
    (1, 6, 3, "Optioneel"),
    (3, 1, 1, "Ondertekening"),
    (3, 1, 2, "Plaats en datum"),
]


def test_table_cells_with_rows_columns_merges_and_nested_table_numbering() -> None:
    document = read("tabellen.docx")
    cells = [(b.table, b.row, b.column, b.text) for b in document.blocks if b.kind is BlockKind.TABLE_CELL]
    assert cells == TABLE_CELLS
    assert all(b.heading_path == ("Bijlage 7 Eisen en wensen",) for b in document.blocks[1:])
    between = block_with(document, "Tekst tussen de tabellen.")
    assert between.kind is BlockKind.PARAGRAPH and between.table is None


def test_table_cell_location_and_paragraph_of_its_first_paragraph() -> None:
    document = read("tabellen.docx")
    cell = block_with(document, "Zie onderstaande tabel:\nEinde van de cel.")
    assert cell.paragraph == 9
    assert cell.location() == "par. 9, table 1 r3 c3"
    assert block_with(document, "Risico").paragraph == 10
    assert block_with(document, "Eerste alinea in de cel.\nTweede alinea in de cel.").paragraph == 15


# --- paragraph locations: round trip against an independent count --------------------------------

_SYMBOLS = {"F0FC": "✓"}


def counted_paragraphs(path: Path) -> list[str]:
    """The text of each w:p that holds text, in document order, worked out with XPath independently
    of the reader: one copy of mc:AlternateContent, no deletions, placeholders, hidden runs or text
    inside field instructions; text-box paragraphs count for themselves, not for their anchor."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    excluded = (
        "ancestor::w:del",
        "ancestor::w:moveFrom",
        "ancestor::mc:Fallback",
        "ancestor::w:sdt[w:sdtPr/w:showingPlcHdr]",
        "ancestor::w:r[w:rPr/w:vanish]",
    )
    fields: list[str] = []  # state of each open complex field: "instruction" or "result"
    result = []
    for p in root.iter(f"{{{W_NS}}}p"):
        if p.xpath("ancestor::mc:Fallback", namespaces=XPATH_NS):
            continue
        parts = []
        nodes = ".//w:t|.//w:tab|.//w:br|.//w:noBreakHyphen|.//w:sym|.//m:t|.//w:fldChar"
        for node in p.xpath(nodes, namespaces=XPATH_NS):
            if node.xpath("ancestor::w:p[1]", namespaces=XPATH_NS)[0] is not p:
                continue
            if any(node.xpath(x, namespaces=XPATH_NS) for x in excluded):
                continue
            name = etree.QName(node).localname
            if name == "fldChar":
                kind = node.get(f"{{{W_NS}}}fldCharType")
                if kind == "begin":
                    fields.append("instruction")
                elif kind == "separate":
                    fields[-1] = "result"
                else:
                    fields.pop()
            elif name == "sym":
                parts.append(_SYMBOLS.get(node.get(f"{{{W_NS}}}char", ""), ""))
            elif "instruction" not in fields:
                parts.append({"tab": "\t", "br": "\n", "noBreakHyphen": "-"}.get(name) or node.text or "")
        text = "".join(parts).strip()
        if text:
            result.append(text)
    return result


@pytest.mark.parametrize("name", ["isv_bijlage.docx", "wijzigingen.docx", "tabellen.docx", "libreoffice.docx"])
def test_paragraph_numbers_point_at_the_right_paragraph(name: str) -> None:
    document = read(name)
    expected = counted_paragraphs(FIXTURES / name)
    body = [b for b in document.blocks if b.paragraph is not None]
    assert body, "no block carries a paragraph number"
    for block in body:
        paragraph = expected[block.paragraph - 1]
        if block.kind is BlockKind.TABLE_CELL:
            assert block.text.split("\n")[0] == paragraph, block
        else:
            assert block.text == paragraph, block
    # every counted paragraph is in exactly one block: its own, or a line of its table cell
    covered = sum(len(b.text.split("\n")) if b.kind is BlockKind.TABLE_CELL else 1 for b in body)
    assert covered == len(expected)
    numbers = [b.paragraph for b in body]
    assert len(numbers) == len(set(numbers))
    assert all(
        b.paragraph is None
        for b in document.blocks
        if b.kind in (BlockKind.HEADER, BlockKind.FOOTER, BlockKind.FOOTNOTE)
    )


def test_blank_paragraphs_are_not_counted() -> None:
    data = docx_bytes(
        body_xml(
            '<w:p><w:r><w:t>Eerste</w:t></w:r></w:p><w:p/><w:p><w:r><w:t xml:space="preserve">   </w:t></w:r></w:p>'
            "<w:p><w:r><w:t>Tweede</w:t></w:r></w:p>"
        )
    )
    document = isv_checker.read_bytes(data, "leeg.docx")
    assert [(b.paragraph, b.text) for b in document.blocks] == [(1, "Eerste"), (2, "Tweede")]


# --- a file written by LibreOffice -----------------------------------------------------------------


def test_libreoffice_docx() -> None:
    document = read("libreoffice.docx")
    assert document.status is ReadStatus.OK
    assert [(b.kind.value, b.level) for b in document.blocks[:2]] == [("heading", 1), ("heading", 2)]
    duty = next(b for b in document.blocks if b.text.startswith("De Opdrachtnemer neemt"))
    assert duty.text == "De Opdrachtnemer neemt de OESO-richtlijnen in acht. Dit geldt ook voor onderaannemers."
    assert duty.heading_path == (BIJLAGE_5, ARTIKEL_3)
    assert block_with(document, "De Opdrachtnemer en zijn onderaannemers leven de ISV na.").inserted
    assert [b.label for b in document.blocks if b.kind is BlockKind.LIST_ITEM] == ["1.", "2.", "a)", "b)", "•", "•"]
    assert all_text(document).count("Let op: de ISV gelden voor de gehele keten.") == 1
    assert block_with(document, "Let op: de ISV gelden voor de gehele keten.").kind is BlockKind.TEXT_BOX
    spanned = block_with(document, "De Opdrachtnemer voert een risicoanalyse uit.")
    assert (spanned.table, spanned.row, spanned.column) == (1, 2, 1)
    assert block_with(document, "Verklaring\nTweede alinea in de cel.").column == 3
    assert block_with(document, "Met  spaties,\teen tab\nen een regeleinde.")
    assert [(b.kind, b.label, b.text) for b in document.blocks if b.paragraph is None] == [
        (BlockKind.HEADER, None, "Aanbestedingsleidraad ICT – Bijlage 5"),
        (BlockKind.FOOTER, None, "Pagina 1"),
        (BlockKind.FOOTNOTE, "1", "Zie de OESO-richtlijnen voor multinationale ondernemingen."),
    ]
    assert "Opmerking van de jurist" not in all_text(document)
    assert document.properties["title"] == BIJLAGE_5
    assert document.properties["author"] == "Inkoopadviseur Rijksoverheid"


# --- formats the name does not decide ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["bijlage.docm", "sjabloon.dotx", "sjabloon.dotm"])
def test_macro_and_template_packages_read_like_docx(name: str) -> None:
    data = (FIXTURES / "tabellen.docx").read_bytes()
    content_type = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    data = replace_part(
        data,
        "[Content_Types].xml",
        types.replace(
            b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", content_type
        ),
    )
    document = isv_checker.read_bytes(data, name)
    assert document.status is ReadStatus.OK
    assert len(document.blocks) == len(read("tabellen.docx").blocks)


def test_strict_open_xml_namespaces_are_read() -> None:
    strict = body_xml(
        '<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>Artikel 3</w:t></w:r></w:p>'
        "<w:p><w:r><w:t>De Opdrachtnemer</w:t></w:r></w:p>"
    ).replace(W_NS, "http://purl.oclc.org/ooxml/wordprocessingml/main")
    document = isv_checker.read_bytes(docx_bytes(strict), "strikt.docx")
    assert [(b.kind, b.text, b.heading_path) for b in document.blocks] == [
        (BlockKind.HEADING, "Artikel 3", ()),
        (BlockKind.PARAGRAPH, "De Opdrachtnemer", ("Artikel 3",)),
    ]


def test_password_protected_docx_is_encrypted() -> None:
    data = (FIXTURES / "versleuteld.docx").read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0") and "EncryptionInfo".encode("utf-16-le") in data
    document = isv_checker.read_bytes(data, "x.docx")
    assert document.status is ReadStatus.ENCRYPTED
    assert read("versleuteld.docx").status is ReadStatus.ENCRYPTED


# --- damaged files ----------------------------------------------------------------------------------


def test_malformed_document_xml_is_corrupt() -> None:
    data = replace_part(
        (FIXTURES / "tabellen.docx").read_bytes(),
        "word/document.xml",
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>kapot'.encode(),
    )
    document = isv_checker.read_bytes(data, "kapot.docx")
    assert document.status is ReadStatus.CORRUPT
    assert "word/document.xml" in document.message


def test_missing_document_xml_is_corrupt() -> None:
    document = isv_checker.read_bytes(docx_bytes(None, {"word/styles.xml": b"<x/>"}), "leeg.docx")
    assert document.status is ReadStatus.CORRUPT


def test_document_without_body_is_corrupt() -> None:
    data = docx_bytes(f'<w:document xmlns:w="{W_NS}"/>')
    assert isv_checker.read_bytes(data, "x.docx").status is ReadStatus.CORRUPT


def test_truncated_package_is_corrupt() -> None:
    data = (FIXTURES / "tabellen.docx").read_bytes()
    document = isv_checker.read_bytes(data[: len(data) // 2], "afgebroken.docx")
    assert document.status is ReadStatus.CORRUPT


def test_damaged_styles_part_is_skipped_with_a_warning() -> None:
    data = replace_part((FIXTURES / "isv_bijlage.docx").read_bytes(), "word/styles.xml", b"<w:styles")
    document = isv_checker.read_bytes(data, "x.docx")
    assert document.status is ReadStatus.OK
    assert any("word/styles.xml" in w for w in document.warnings)
    assert block_with(document, "De risicoanalyse wordt jaarlijks geactualiseerd.")


def test_damaged_relationships_part_loses_headers_and_notes_with_a_warning() -> None:
    data = replace_part((FIXTURES / "isv_bijlage.docx").read_bytes(), "word/_rels/document.xml.rels", b"<Relation")
    document = isv_checker.read_bytes(data, "x.docx")
    assert document.status is ReadStatus.OK
    assert any("document.xml.rels" in w for w in document.warnings)
    assert not any(b.kind in (BlockKind.HEADER, BlockKind.FOOTNOTE) for b in document.blocks)
    assert block_with(document, "De Opdrachtnemer legt verantwoording af.").kind is BlockKind.PARAGRAPH


def test_block_limit_gives_too_large() -> None:
    document = read("isv_bijlage.docx", ReadOptions(max_blocks=5))
    assert document.status is ReadStatus.TOO_LARGE


# --- hostile files ----------------------------------------------------------------------------------


def test_external_entity_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIM-XXE-MARKER")
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    data = docx_bytes(body_xml("<w:p><w:r><w:t>Voor &xxe; na</w:t></w:r></w:p>", prolog))
    document = isv_checker.read_bytes(data, "xxe.docx")
    assert document.status in (ReadStatus.OK, ReadStatus.CORRUPT)
    assert all("GEHEIM-XXE-MARKER" not in b.text for b in document.blocks)


def test_parser_never_resolves_entities_even_where_a_dtd_is_allowed(tmp_path: Path) -> None:
    """The DOCTYPE refusal is a second wall: the parser itself neither reads files nor expands entities."""
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIM-XXE-MARKER")
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}"><!ENTITY kort "uitgebreid">]>'
    data = docx_bytes(body_xml("<w:p><w:r><w:t>Voor &xxe; &kort; na</w:t></w:r></w:p>", prolog))
    root = office.OfficePackage(data, allow_dtd=True).xml("word/document.xml")
    text = "".join(root.itertext())
    assert "GEHEIM-XXE-MARKER" not in text and "uitgebreid" not in text
    assert "Voor" in text


def test_external_entity_in_an_optional_part_is_skipped(tmp_path: Path) -> None:
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIM-XXE-MARKER")
    data = replace_part(
        (FIXTURES / "isv_bijlage.docx").read_bytes(),
        "word/footnotes.xml",
        f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]><w:footnotes xmlns:w="{W_NS}"><w:footnote w:id="1">'
        f"<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:footnote></w:footnotes>".encode(),
    )
    document = isv_checker.read_bytes(data, "xxe.docx")
    assert document.status is ReadStatus.OK
    assert "GEHEIM-XXE-MARKER" not in all_text(document)
    assert any("DOCTYPE" in w for w in document.warnings)


def test_billion_laughs_does_not_expand() -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    data = docx_bytes(body_xml("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", f"<!DOCTYPE w:document [{entities}]>"))
    started = time.perf_counter()
    document = isv_checker.read_bytes(data, "lol.docx")
    assert time.perf_counter() - started < 5
    assert document.status in (ReadStatus.OK, ReadStatus.CORRUPT, ReadStatus.EMPTY)
    assert all("lol" not in b.text for b in document.blocks)


def test_zip_bomb_member_is_too_large() -> None:
    """A 20 MB run of spaces packs about 1000:1, over the 200:1 allowed for members above 10 MB."""
    payload = body_xml("<w:p><w:r><w:t>" + " " * (20 * 1024 * 1024) + "</w:t></w:r></w:p>")
    data = docx_bytes(payload)
    assert len(data) < 1024 * 1024
    document = isv_checker.read_bytes(data, "bom.docx")
    assert document.status is ReadStatus.TOO_LARGE
    assert "word/document.xml" in document.message


def test_total_unpacked_size_is_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office, "MAX_UNCOMPRESSED_BYTES", 10_000)
    document = read("isv_bijlage.docx")
    assert document.status is ReadStatus.TOO_LARGE
    assert "10,000" in document.message


# --- size and speed --------------------------------------------------------------------------------


def test_hundred_thousand_paragraphs() -> None:
    count = 100_000
    data = docx_bytes(body_xml("".join(f"<w:p><w:r><w:t>Alinea {i}</w:t></w:r></w:p>" for i in range(1, count + 1))))
    started = time.perf_counter()
    document = isv_checker.read_bytes(data, "groot.docx")
    elapsed = time.perf_counter() - started
    assert document.status is ReadStatus.OK
    assert len(document.blocks) == count
    assert (document.blocks[0].text, document.blocks[-1].text) == ("Alinea 1", f"Alinea {count}")
    assert document.blocks[-1].paragraph == count
    assert elapsed < 20, f"{elapsed:.1f} s for {count} paragraphs"  # ~2 s here; guards against quadratic work


# --- label rendering --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fmt", "printed"),
    [
        (3, "decimal", "3"),
        (27, "lowerLetter", "aa"),
        (2, "upperLetter", "B"),
        (1994, "upperRoman", "MCMXCIV"),
        (4, "lowerRoman", "iv"),
        (7, "decimalZero", "07"),
        (5, "none", ""),
        (5, "chineseCounting", "5"),
    ],
)
def test_number_formats(value: int, fmt: str, printed: str) -> None:
    assert office.format_number(value, fmt) == printed
