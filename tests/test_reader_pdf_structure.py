"""Two ways a PDF's text layer cut facts apart (issue 14), on small PDFs written here:

- a paragraph that runs across a page break came out as two blocks, so "De geraamde waarde ... bedraagt"
  at the foot of a page lost the amount at the top of the next one;
- a table came out as lines, so an amount in the "Geraamde waarde" column lost its header.

Each is checked on the blocks and through the CLI, as a buyer runs it.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from isv_checker import BlockKind, read_bytes
from isv_checker.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
_spec = importlib.util.spec_from_file_location("make_pdf_fixtures", FIXTURES / "make_fixtures.py")
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)


def placed(*items: tuple[float, float, float, str]) -> bytes:
    """A content stream of (font size, x, distance from the top, text) pieces in Helvetica, each its
    own text object, in the order given (the order a producer writes them in)."""
    parts = []
    for size, x, top, text in items:
        escaped = text.encode("cp1252").replace(b"(", b"\\(").replace(b")", b"\\)")
        parts.append(b"BT /F1 %g Tf %g %g Td (%s) Tj ET" % (size, x, 842 - top, escaped))
    return b"\n".join(parts)


def body(top: float, lines: list[str], *, x: float = 72, size: float = 10, pitch: float = 13) -> list:
    return [(size, x, top + i * pitch, line) for i, line in enumerate(lines)]


def scan_json(tmp_path: Path, name: str, data: bytes, capsys) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    main(["scan", str(path), "--format", "json", "--blocks"])
    return json.loads(capsys.readouterr().out)


_INTRO = [
    "Het Centraal Justitieel Incassobureau (CJIB) besteedt de levering van kantoorartikelen aan",
    "voor alle vestigingen, via een Europese openbare aanbesteding. De opdracht omvat schrijfwaren,",
    "ordners, notitieblokken en bureau-accessoires, geleverd op afroep aan de vestigingen in Leeuwarden",
]

# --------------------------------------------------------------------------------------------------
# a paragraph cut by a page break


def _cut_paragraph(second_page: list) -> bytes:
    first_page = placed(
        (14, 72, 80, "1 Opdracht"),
        *body(104, _INTRO + ["en Den Haag. De looptijd is twee jaar met tweemaal een optie van een jaar. De geraamde"]),
        *body(104 + 4 * 13, ["waarde van deze opdracht over de volledige looptijd inclusief opties"], x=72),
    )
    return make_fixtures.minimal_pdf(2, [first_page, placed(*second_page)])


_REST = [
    "bedraagt € 1.250.000 exclusief btw. Deze raming is gebaseerd op de afname in de afgelopen jaren",
    "en vormt geen afnamegarantie voor de opdrachtnemer of voor de deelnemende vestigingen.",
]


def test_a_paragraph_cut_by_a_page_break_is_one_block_on_the_page_it_starts_on():
    doc = read_bytes(_cut_paragraph([*body(80, _REST), (14, 72, 130, "2 Planning")]), "cut.pdf")
    paragraphs = [b for b in doc.blocks if b.kind is BlockKind.PARAGRAPH]
    assert len(paragraphs) == 1
    text = paragraphs[0].text
    assert (
        "De geraamde waarde van deze opdracht over de volledige looptijd inclusief opties bedraagt € 1.250.000" in text
    )
    assert text.endswith("voor de deelnemende vestigingen.")
    assert paragraphs[0].page == 1
    assert [(b.kind, b.page) for b in doc.blocks][-1] == (BlockKind.HEADING, 2)


def test_the_estimated_value_cut_by_a_page_break_is_read(tmp_path, capsys):
    report = scan_json(tmp_path, "cut.pdf", _cut_paragraph(body(80, _REST)), capsys)
    value = report["applicability"]["value_eur"]
    assert value["amount"] == 1_250_000
    assert value["evidence"][0]["page"] == 1  # the block's page is the page it starts on


@pytest.mark.parametrize(
    ("why", "second_page"),
    [
        ("a heading opens the next page", [(14, 72, 80, "Bedraagt de waarde meer"), *body(104, _REST)]),
        ("a capital opens the next page", body(80, ["Bedraagt € 1.250.000 exclusief btw.", *_REST[1:]])),
        ("smaller type: a footnote, not the rest", body(80, _REST, size=7, pitch=9)),
        ("another indent: a quotation", body(80, _REST, x=130)),
    ],
)
def test_blocks_that_do_not_continue_the_page_before_stay_apart(why, second_page):
    doc = read_bytes(_cut_paragraph(second_page), "apart.pdf")
    assert {b.page for b in doc.blocks if b.kind is not BlockKind.HEADING} == {1, 2}, why
    assert any(b.text.endswith("inclusief opties") for b in doc.blocks), why


def test_a_finished_sentence_is_not_joined_to_the_next_page():
    first = placed(*body(80, [*_INTRO, "en Den Haag."]))
    second = placed(
        *body(80, ["en verder geldt dat de opdrachtnemer de artikelen levert op afroep van de vestigingen."])
    )
    doc = read_bytes(make_fixtures.minimal_pdf(2, [first, second]), "apart.pdf")
    assert [b.page for b in doc.blocks] == [1, 2]


# --------------------------------------------------------------------------------------------------
# tables without ruling lines

_LOTS = [
    ("1", ["Kantoorartikelen: schrijfwaren, ordners,", "notitieblokken, bureau-accessoires"], "€ 64.000"),
    ("2", ["Toner en inktcartridges"], "€ 48.500"),
    ("3", ["Computersupplies: kabels en adapters"], "€ 37.000"),
]
_COLUMNS = (72, 130, 400)


def _lot_table(top: float, rows: list, *, header: bool = True, by_line: bool = False) -> list:
    """The lots table, each cell a text object; a producer writes it cell by cell (`by_line` False:
    LibreOffice, Word) or line by line across the columns."""
    items: list = []
    if header:
        items += [(10, _COLUMNS[0], top, "Perceel"), (10, _COLUMNS[1], top, "Omschrijving")]
        items += [(10, _COLUMNS[2], top, "Geraamde waarde"), (10, _COLUMNS[2], top + 13, "(excl. btw)")]
        top += 32
    for number, description, amount in rows:
        cells = [(0, [number]), (1, description), (2, [amount])]
        if by_line:
            for line in range(max(len(lines) for _, lines in cells)):
                items += [(10, _COLUMNS[c], top + line * 13, lines[line]) for c, lines in cells if line < len(lines)]
        else:
            items += [(10, _COLUMNS[c], top + i * 13, text) for c, lines in cells for i, text in enumerate(lines)]
        top += 13 * max(len(lines) for _, lines in cells) + 6
    return items


def _cells(doc) -> list[tuple[int | None, int | None, int | None, str]]:
    return [(b.table, b.row, b.column, b.text) for b in doc.blocks if b.kind is BlockKind.TABLE_CELL]


_EXPECTED = [
    (1, 1, 1, "Perceel"),
    (1, 1, 2, "Omschrijving"),
    (1, 1, 3, "Geraamde waarde (excl. btw)"),
    (1, 2, 1, "1"),
    (1, 2, 2, "Kantoorartikelen: schrijfwaren, ordners, notitieblokken, bureau-accessoires"),
    (1, 2, 3, "€ 64.000"),
    (1, 3, 1, "2"),
    (1, 3, 2, "Toner en inktcartridges"),
    (1, 3, 3, "€ 48.500"),
    (1, 4, 1, "3"),
    (1, 4, 2, "Computersupplies: kabels en adapters"),
    (1, 4, 3, "€ 37.000"),
]


def _lots_pdf(*, by_line: bool = False) -> bytes:
    page = placed(
        (14, 72, 80, "2 Percelen"),
        *body(104, _INTRO[:2] + ["ordners en bureau-accessoires. De opdracht is verdeeld in drie percelen."]),
        *_lot_table(160, _LOTS, by_line=by_line),
        *body(330, ["De genoemde bedragen zijn ramingen en vormen geen afnamegarantie voor de opdrachtnemer."]),
    )
    return make_fixtures.minimal_pdf(1, [page])


@pytest.mark.parametrize("by_line", [False, True], ids=["written cell by cell", "written line by line"])
def test_a_table_without_ruling_lines_comes_out_as_cells_with_its_header_row(by_line):
    doc = read_bytes(_lots_pdf(by_line=by_line), "lots.pdf")
    assert _cells(doc) == _EXPECTED
    assert all(b.page == 1 for b in doc.blocks)
    kinds = [b.kind for b in doc.blocks]
    assert kinds[:3] == [BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.TABLE_CELL]
    assert doc.blocks[-1].kind is BlockKind.PARAGRAPH and doc.blocks[-1].text.startswith("De genoemde bedragen")


def test_lot_values_under_the_estimate_column_are_summed(tmp_path, capsys):
    report = scan_json(tmp_path, "lots.pdf", _lots_pdf(), capsys)
    assert report["applicability"]["value_eur"]["amount"] == 149_500


def test_a_table_that_runs_on_to_the_next_page_is_one_table_without_its_repeated_header(tmp_path, capsys):
    total = [("Totaal", ["alle percelen"], "€ 149.500")]
    first = placed(
        (14, 72, 80, "2 Percelen"),
        *body(104, _INTRO),
        *_lot_table(700, _LOTS[:1]),
        (8, 260, 820, "Pagina 1 van 2"),
    )
    second = placed(*_lot_table(80, _LOTS[1:] + total), (8, 260, 820, "Pagina 2 van 2"))
    data = make_fixtures.minimal_pdf(2, [first, second])
    doc = read_bytes(data, "two-pages.pdf")
    cells = _cells(doc)
    assert cells[:9] == _EXPECTED[:9]
    assert cells[-3:] == [(1, 5, 1, "Totaal"), (1, 5, 2, "alle percelen"), (1, 5, 3, "€ 149.500")]
    assert sum(text == "Perceel" for *_, text in cells) == 1
    assert [b.page for b in doc.blocks if b.kind is BlockKind.TABLE_CELL and b.row == 3] == [2, 2, 2]
    report = scan_json(tmp_path, "two-pages.pdf", data, capsys)
    assert report["applicability"]["value_eur"]["amount"] == 149_500


def _cut_row_pdf(last_words: str, rest: tuple[str, str]) -> bytes:
    """Lot 1's row runs from the foot of page 1 on to page 2, under the repeated header, with its
    number cell empty there (Word lets a row break across pages)."""
    first = placed(
        (14, 72, 80, "2 Percelen"),
        *body(104, _INTRO),
        *_lot_table(700, [("1", ["Kantoorartikelen: schrijfwaren, ordners,", last_words], "€ 64.000 per jaar,")]),
        (8, 260, 820, "Pagina 1 van 2"),
    )
    second = _lot_table(80, []) + [(10, _COLUMNS[1], 112, rest[0]), (10, _COLUMNS[2], 112, rest[1])]
    second += _lot_table(131, _LOTS[1:], header=False)
    return make_fixtures.minimal_pdf(2, [first, placed(*second, (8, 260, 820, "Pagina 2 van 2"))])


def test_a_row_that_a_page_break_cuts_is_one_row():
    """A name cut in two by the break ("Internationale" / "Sociale Voorwaarden") is whole again."""
    doc = read_bytes(_cut_row_pdf("notitieblokken en", ("bureau-accessoires", "excl. opties")), "cut-row.pdf")
    cells = _cells(doc)
    assert (1, 2, 2, "Kantoorartikelen: schrijfwaren, ordners, notitieblokken en bureau-accessoires") in cells
    assert (1, 2, 3, "€ 64.000 per jaar, excl. opties") in cells
    assert [row for _, row, column, _ in cells if column == 1] == [1, 2, 3, 4]


def test_a_row_whose_text_ends_before_the_page_break_is_not_continued():
    doc = read_bytes(_cut_row_pdf("notitieblokken.", ("Bureau-accessoires", "Excl. opties")), "kept-row.pdf")
    cells = _cells(doc)
    assert (1, 2, 2, "Kantoorartikelen: schrijfwaren, ordners, notitieblokken.") in cells
    assert (1, 3, 2, "Bureau-accessoires") in cells


def test_text_that_only_leaves_gaps_is_not_a_table():
    contents = placed(
        (14, 72, 80, "Inhoudsopgave"),
        (10, 72, 104, "1 Inleiding"),
        (10, 480, 104, "3"),
        (10, 72, 117, "2 Opdracht"),
        (10, 480, 117, "4"),
        (10, 72, 130, "3 Internationale Sociale Voorwaarden"),
        (10, 480, 130, "7"),
        *body(160, _INTRO),
    )
    doc = read_bytes(make_fixtures.minimal_pdf(1, [contents]), "toc.pdf")
    assert _cells(doc) == []
    assert all(b.kind is not BlockKind.TABLE_CELL for b in doc.blocks)
