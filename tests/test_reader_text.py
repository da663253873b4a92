"""Plain text reader: encodings, line locations, structure recovered from numbering and bullets."""

from __future__ import annotations

from isv_checker import BlockKind, ReadStatus, read_bytes, read_path

TENDER = """\
AANBESTEDINGSLEIDRAAD LEVERING BEDRIJFSKLEDING

1 Inleiding

Het Ministerie van Justitie en Veiligheid besteedt de levering van
bedrijfskleding aan. De geraamde opdrachtwaarde bedraagt EUR 2.400.000
excl. btw.

Bijlage 5 Internationale Sociale Voorwaarden

Artikel 3 Gepaste zorgvuldigheid
De Opdrachtnemer neemt de volgende verplichtingen op zich:
a) hij past gepaste zorgvuldigheid toe in de keten;
b) hij voert binnen drie maanden een risicoanalyse uit.
- Fair Wear-lidmaatschap geldt als bewijs.
"""


def test_blocks_keep_line_numbers_and_exact_text(tmp_path):
    path = tmp_path / "leidraad.txt"
    path.write_text(TENDER, encoding="utf-8")
    doc = read_path(path)
    assert doc.status is ReadStatus.OK
    assert doc.language == "nl"
    lines = TENDER.splitlines()
    for block in doc.blocks:
        first_line = lines[block.line - 1].strip()
        assert block.text.startswith(first_line), (block.line, block.text)
    paragraph = next(b for b in doc.blocks if b.text.startswith("Het Ministerie"))
    assert paragraph.line == 5
    assert paragraph.text.endswith("EUR 2.400.000 excl. btw.")


def test_headings_and_heading_path():
    doc = read_bytes(TENDER.encode(), "leidraad.txt")
    headings = [(b.level, b.text) for b in doc.blocks if b.kind is BlockKind.HEADING]
    assert (1, "Bijlage 5 Internationale Sociale Voorwaarden") in headings
    assert (2, "Artikel 3 Gepaste zorgvuldigheid") in headings
    item = next(b for b in doc.blocks if "risicoanalyse" in b.text)
    assert item.kind is BlockKind.LIST_ITEM and item.label == "b)"
    assert item.heading_path == ("Bijlage 5 Internationale Sociale Voorwaarden", "Artikel 3 Gepaste zorgvuldigheid")
    bullet = next(b for b in doc.blocks if "Fair Wear" in b.text)
    assert bullet.kind is BlockKind.LIST_ITEM and bullet.label == "-"


def test_a_list_of_annexes_before_the_body_opens_no_annex():
    """Annex titles one after the other with nothing between them are a list of the annexes (a table of
    contents without page numbers): the body's numbered sections after the list are not the last
    annex's, but the numbered sections under the annex itself, later, are."""
    text = (
        "Inhoud\n\nBijlage 1 Prijzenblad\n\nBijlage 2 Internationale Sociale Voorwaarden\n\n"
        "1 Inleiding\n\nDe opdracht betreft catering.\n\n"
        "Bijlage 2 Internationale Sociale Voorwaarden\n\n1 Doel\n\nOpdrachtnemer past gepaste zorgvuldigheid toe.\n"
    )
    doc = read_bytes(text.encode(), "toc.txt")
    paths = {b.text: b.heading_path for b in doc.blocks if b.kind is not BlockKind.HEADING}
    assert paths["De opdracht betreft catering."] == ("1 Inleiding",)
    assert paths["Opdrachtnemer past gepaste zorgvuldigheid toe."] == (
        "Bijlage 2 Internationale Sociale Voorwaarden",
        "1 Doel",
    )


def test_cp1252_is_decoded_with_a_warning():
    text = "Artikel 7 Boete\nDe boete bedraagt € 500 per overtreding; geen café-regeling.\n"
    doc = read_bytes(text.encode("cp1252"), "boete.txt")
    assert doc.status is ReadStatus.OK
    assert any("€ 500" in b.text and "café" in b.text for b in doc.blocks)
    assert any("cp1252" in w for w in doc.warnings)


def test_utf16_with_bom():
    text = "The supplier shall apply due diligence in its supply chain.\n"
    doc = read_bytes(text.encode("utf-16"), "clause.txt")
    assert doc.status is ReadStatus.OK
    assert doc.language == "en"
    assert doc.blocks[0].text == text.strip()


def test_crlf_and_whitespace_only_file():
    doc = read_bytes(b"Regel een\r\nRegel twee.\r\n\r\nNieuwe alinea.\r\n", "crlf.txt")
    assert [b.text for b in doc.blocks] == ["Regel een Regel twee.", "Nieuwe alinea."]
    assert [b.line for b in doc.blocks] == [1, 4]
    empty = read_bytes(b"  \n\n\t\n", "blank.txt")
    assert empty.status is ReadStatus.EMPTY


def test_pipe_and_tab_tables_become_cells():
    text = (
        "5 Maatschappelijke eisen\n"
        "\n"
        "Nr. | Eis | Omschrijving\n"
        "|---|---|---|\n"
        "M-01 | Social Return | Opdrachtnemer besteedt 5% aan Social Return.\n"
        "M-02 | Keten | Opdrachtnemer past gepaste zorgvuldigheid toe.\n"
        "\n"
        "CPV\tOmschrijving\n"
        "30213100-6\tDraagbare computers\n"
        "Een gewone zin met | een streep is geen tabel.\n"
    )
    doc = read_bytes(text.encode(), "eisen.txt")
    cells = [(b.table, b.row, b.column, b.text) for b in doc.blocks if b.kind is BlockKind.TABLE_CELL]
    assert (1, 1, 1, "Nr.") in cells
    assert (1, 3, 3, "Opdrachtnemer past gepaste zorgvuldigheid toe.") in cells
    assert (2, 2, 1, "30213100-6") in cells
    assert not any(row > 3 for table, row, _, _ in cells if table == 1)
    m02 = next(b for b in doc.blocks if b.text == "M-02")
    assert m02.line == 6 and m02.heading_path == ("5 Maatschappelijke eisen",)
    assert doc.blocks[-1].kind is BlockKind.PARAGRAPH
