"""The ODT reader, through the public reading API: a file written by LibreOffice and small hand-made packages."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import isv_checker
from isv_checker import BlockKind, DocFormat, Document, ReadStatus
from isv_checker.readers import office

from .test_reader_docx import block_with, texts

FIXTURE = Path(__file__).parent / "fixtures" / "docx" / "libreoffice.odt"
BIJLAGE_5 = "Bijlage 5 Internationale Sociale Voorwaarden"
ARTIKEL_3 = "Artikel 3 Gepaste zorgvuldigheid"
ODF_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
NSDECL = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in ODF_NS.items())


def odt_bytes(body: str, *, automatic_styles: str = "", prolog: str = "", manifest: str | None = None) -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content {NSDECL} office:version="1.3">'
        f"<office:automatic-styles>{automatic_styles}</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        if manifest is not None:
            archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def read_odt(body: str, **kwargs: str) -> Document:
    return isv_checker.read_bytes(odt_bytes(body, **kwargs), "test.odt")


LIBREOFFICE_BLOCKS = [
    # (kind, level, label, paragraph, table/row/column, text)
    ("heading", 1, None, 1, None, BIJLAGE_5),
    ("heading", 2, None, 2, None, ARTIKEL_3),
    (
        "paragraph",
        None,
        None,
        3,
        None,
        "De Opdrachtnemer neemt de OESO-richtlijnen in acht. Dit geldt ook voor onderaannemers.",
    ),
    ("paragraph", None, None, 4, None, "De Opdrachtnemer en zijn onderaannemers leven de ISV na."),
    ("paragraph", None, None, 5, None, "Een alinea met commentaar."),
    ("list_item", 1, "1.", 6, None, "De Opdrachtnemer identificeert risico's in de keten."),
    ("list_item", 1, "2.", 7, None, "De Opdrachtnemer voorkomt en beperkt negatieve impact."),
    ("list_item", 2, "a)", 8, None, "door het opstellen van een plan van aanpak;"),
    ("list_item", 2, "b)", 9, None, "door jaarlijkse rapportage."),
    ("list_item", 1, "•", 10, None, "kinderarbeid"),
    ("list_item", 1, "•", 11, None, "dwangarbeid"),
    ("paragraph", None, None, 12, None, "Zie het kader."),
    ("text_box", None, None, 13, None, "Let op: de ISV gelden voor de gehele keten."),
    ("table_cell", None, None, 14, (1, 1, 1), "Nr."),
    ("table_cell", None, None, 15, (1, 1, 2), "Eis"),
    ("table_cell", None, None, 16, (1, 1, 3), "Bewijs"),
    ("table_cell", None, None, 17, (1, 2, 1), "De Opdrachtnemer voert een risicoanalyse uit."),
    ("table_cell", None, None, 18, (1, 2, 3), "Verklaring\nTweede alinea in de cel."),
    ("heading", 2, None, 20, None, "Artikel 4 Slotbepaling"),
    ("paragraph", None, None, 21, None, "Met  spaties,\teen tab\nen een regeleinde."),
    ("header", None, None, None, None, "Aanbestedingsleidraad ICT – Bijlage 5"),
    ("footer", None, None, None, None, "Pagina 1"),
    ("footnote", None, "1", None, None, "Zie de OESO-richtlijnen voor multinationale ondernemingen."),
]


def test_libreoffice_odt_blocks() -> None:
    document = isv_checker.read_path(FIXTURE)
    assert (document.status, document.format) == (ReadStatus.OK, DocFormat.ODT)
    got = [
        (b.kind.value, b.level, b.label, b.paragraph, (b.table, b.row, b.column) if b.table else None, b.text)
        for b in document.blocks
    ]
    assert got == LIBREOFFICE_BLOCKS


def test_libreoffice_odt_structure_and_changes() -> None:
    document = isv_checker.read_path(FIXTURE)
    duty = next(b for b in document.blocks if b.text.startswith("De Opdrachtnemer neemt"))
    assert duty.heading_path == (BIJLAGE_5, ARTIKEL_3)
    assert block_with(document, "Met  spaties,\teen tab\nen een regeleinde.").heading_path == (
        BIJLAGE_5,
        "Artikel 4 Slotbepaling",
    )
    assert [b.inserted for b in document.blocks].count(True) == 1
    assert block_with(document, "De Opdrachtnemer en zijn onderaannemers leven de ISV na.").inserted
    text = "\n".join(texts(document))
    assert "niet leven" not in text  # the tracked deletion
    assert "Opmerking van de jurist" not in text  # the comment
    assert text.count("Let op: de ISV gelden voor de gehele keten.") == 1


def test_libreoffice_odt_properties() -> None:
    assert isv_checker.read_path(FIXTURE).properties == {
        "title": BIJLAGE_5,
        "author": "Inkoopadviseur Rijksoverheid",
        "last_modified_by": "Juridisch adviseur",
        "created": "2025-01-15T09:30:00",
        "modified": "2025-02-01T14:00:00",
        "subject": "Aanbesteding ICT-hardware",
        "keywords": "ISV, IMVO",
    }


def counted_paragraphs(path: Path) -> list[str]:
    """Text of each body text:p/text:h that holds text, in document order, outside notes, comments and
    tracked deletions; worked out independently of the reader."""
    root = etree.fromstring(zipfile.ZipFile(path).read("content.xml"))
    skip = "ancestor::text:note or ancestor::office:annotation or ancestor::text:tracked-changes"
    result = []
    for p in root.xpath(f"//office:text//*[self::text:p or self::text:h][not({skip})]", namespaces=ODF_NS):
        text = "".join(_own_text(p)).strip()
        if text:
            result.append(text)
    return result


def _own_text(element: etree._Element) -> list[str]:
    """A paragraph's text without notes, comments and frames (whose paragraphs count for themselves)."""
    parts = [element.text or ""]
    for child in element:
        name = etree.QName(child).localname
        if name == "s":
            parts.append(" " * int(child.get(f"{{{ODF_NS['text']}}}c", "1")))
        elif name in ("tab", "line-break"):
            parts.append("\t" if name == "tab" else "\n")
        elif name not in ("note", "annotation", "frame", "p", "h"):
            parts.extend(_own_text(child))
        parts.append(child.tail or "")
    return parts


def test_paragraph_numbers_point_at_the_right_paragraph() -> None:
    document = isv_checker.read_path(FIXTURE)
    expected = counted_paragraphs(FIXTURE)
    body = [b for b in document.blocks if b.paragraph is not None]
    for block in body:
        first_line = block.text.split("\n")[0] if block.kind is BlockKind.TABLE_CELL else block.text
        assert first_line == expected[block.paragraph - 1]
    assert sum(len(b.text.split("\n")) if b.kind is BlockKind.TABLE_CELL else 1 for b in body) == len(expected)


# --- hand-made packages ------------------------------------------------------------------------------

LIST_STYLE = (
    '<text:list-style style:name="L1">'
    '<text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"/>'
    '<text:list-level-style-number text:level="2" style:num-prefix="(" style:num-suffix=")" style:num-format="i"/>'
    '<text:list-level-style-number text:level="3" style:num-suffix="" style:num-format="1" text:display-levels="3"/>'
    "</text:list-style>"
)


START_5 = 'text:start-value="5"'


def item(text: str, inner: str = "", attrs: str = "") -> str:
    return f"<text:list-item {attrs}><text:p>{text}</text:p>{inner}</text:list-item>"


def test_list_labels_restart_continue_and_nest() -> None:
    deeper = "<text:list>" + item("diep") + "</text:list>"
    nested = "<text:list>" + item("sub") + item("sub2", deeper) + "</text:list>"
    body = (
        f'<text:list text:style-name="L1">{item("een")}{item("twee", nested)}</text:list>'
        "<text:p>tussendoor</text:p>"
        f'<text:list text:style-name="L1" text:continue-numbering="true">{item("drie")}</text:list>'
        f'<text:list text:style-name="L1">{item("opnieuw")}{item("vijf", attrs=START_5)}</text:list>'
    )
    document = read_odt(body, automatic_styles=LIST_STYLE)
    assert [(b.text, b.level, b.label) for b in document.blocks] == [
        ("een", 1, "1."),
        ("twee", 1, "2."),
        ("sub", 2, "(i)"),
        ("sub2", 2, "(ii)"),
        ("diep", 3, "2.ii.1"),
        ("tussendoor", None, None),
        ("drie", 1, "3."),
        ("opnieuw", 1, "1."),
        ("vijf", 1, "5."),
    ]


def test_heading_numbered_by_a_list_stays_a_heading() -> None:
    body = (
        '<text:list text:style-name="L1"><text:list-item><text:h text:outline-level="1">Bijlage 5</text:h>'
        "</text:list-item></text:list><text:p>De Opdrachtnemer</text:p>"
    )
    document = read_odt(body, automatic_styles=LIST_STYLE)
    assert [(b.kind, b.level, b.label, b.heading_path) for b in document.blocks] == [
        (BlockKind.HEADING, 1, "1.", ()),
        (BlockKind.PARAGRAPH, None, None, ("Bijlage 5",)),
    ]


def test_nested_table_repeated_and_covered_cells() -> None:
    nested = (
        "<table:table><table:table-row><table:table-cell><text:p>Binnen</text:p></table:table-cell>"
        "</table:table-row></table:table>"
    )
    body = (
        '<text:h text:outline-level="1">Bijlage 7</text:h>'
        '<table:table><table:table-column table:number-columns-repeated="4"/>'
        '<table:table-header-rows><table:table-row><table:table-cell table:number-columns-spanned="2">'
        "<text:p>Kop</text:p></table:table-cell><table:covered-table-cell/>"
        '<table:table-cell table:number-columns-repeated="1"/><table:table-cell><text:p>Vier</text:p>'
        "</table:table-cell></table:table-row></table:table-header-rows>"
        '<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
        f"<table:table-cell><text:p>Voor</text:p>{nested}<text:p>Na</text:p></table:table-cell></table:table-row>"
        "</table:table>"
        "<table:table><table:table-row><table:table-cell><text:p>Derde</text:p></table:table-cell></table:table-row>"
        "</table:table>"
    )
    document = read_odt(body)
    cells = [(b.table, b.row, b.column, b.paragraph, b.text) for b in document.blocks if b.kind is BlockKind.TABLE_CELL]
    assert cells == [
        (1, 1, 1, 2, "Kop"),
        (1, 1, 4, 3, "Vier"),
        (1, 2, 3, 4, "Voor\nNa"),
        (2, 1, 1, 5, "Binnen"),
        (3, 1, 1, 7, "Derde"),
    ]
    assert all(b.heading_path == ("Bijlage 7",) for b in document.blocks if b.kind is BlockKind.TABLE_CELL)


def test_section_toc_and_multi_paragraph_insertion() -> None:
    body = (
        '<text:tracked-changes><text:changed-region text:id="c1"><text:insertion><office:change-info>'
        "<dc:creator>Jurist</dc:creator></office:change-info></text:insertion></text:changed-region></text:tracked-changes>"
        "<text:table-of-content><text:table-of-content-source>"
        "<text:index-title-template>Inhoud</text:index-title-template></text:table-of-content-source>"
        "<text:index-body><text:p>Artikel 3\t2</text:p></text:index-body></text:table-of-content>"
        '<text:section><text:p>Vast<text:change-start text:change-id="c1"/> nieuw</text:p>'
        '<text:p>Geheel nieuw</text:p><text:p>Nieuw<text:change-end text:change-id="c1"/> en oud</text:p>'
        "<text:p>Oud</text:p></text:section>"
    )
    document = read_odt(body)
    assert [(b.text, b.inserted) for b in document.blocks] == [
        ("Artikel 3 2", False),
        ("Vast nieuw", True),
        ("Geheel nieuw", True),
        ("Nieuw en oud", True),
        ("Oud", False),
    ]


def test_encrypted_odt() -> None:
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
        "</manifest:file-entry></manifest:manifest>"
    )
    assert read_odt("<text:p>x</text:p>", manifest=manifest).status is ReadStatus.ENCRYPTED


def test_malformed_content_is_corrupt() -> None:
    data = odt_bytes("<text:p>kapot")
    data = data.replace(b"</office:text></office:body></office:document-content>", b"")
    document = isv_checker.read_bytes(data, "kapot.odt")
    assert document.status is ReadStatus.CORRUPT


def test_missing_content_is_corrupt() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    assert isv_checker.read_bytes(out.getvalue(), "leeg.odt").status is ReadStatus.CORRUPT


def test_external_entity_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIM-XXE-MARKER")
    prolog = f'<!DOCTYPE office:document-content [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    document = read_odt("<text:p>Voor &xxe; na</text:p>", prolog=prolog)
    assert document.status in (ReadStatus.OK, ReadStatus.CORRUPT)
    assert all("GEHEIM-XXE-MARKER" not in b.text for b in document.blocks)
    if document.status is ReadStatus.OK:
        assert texts(document) == ["Voor  na"]


def test_billion_laughs_does_not_expand() -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    started = time.perf_counter()
    document = read_odt("<text:p>&lol9;</text:p>", prolog=f"<!DOCTYPE office:document-content [{entities}]>")
    assert time.perf_counter() - started < 5
    assert document.status in (ReadStatus.OK, ReadStatus.CORRUPT, ReadStatus.EMPTY)
    assert all("lol" not in b.text for b in document.blocks)


def test_unpacked_size_limit_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office, "MAX_UNCOMPRESSED_BYTES", 1_000)
    assert isv_checker.read_path(FIXTURE).status is ReadStatus.TOO_LARGE
