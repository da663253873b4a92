"""One test per bug the hostile corpus or the fuzzers found, named after the bug; and every file in
regressions/ (inputs the fuzzers crashed on, each named after what it pins) read without an error."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from isv_checker import ReadStatus, read_bytes, read_path
from isv_checker.readers import office

from . import forge
from .corpus import ISV_TEXT, valid_odt

REGRESSIONS = Path(__file__).parent / "regressions"


def test_named_pipe_is_refused_instead_of_blocking_the_scan(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    started = time.monotonic()
    document = read_path(pipe)
    assert document.status is ReadStatus.UNSUPPORTED and "regular file" in document.message
    assert time.monotonic() - started < 5


def test_link_to_dev_zero_is_refused_instead_of_read_for_ever(tmp_path: Path) -> None:
    link = tmp_path / "endless.txt"
    link.symlink_to("/dev/zero")
    assert read_path(link).status is ReadStatus.UNSUPPORTED


def test_a_file_growing_past_the_limit_is_read_only_to_the_limit(tmp_path: Path) -> None:
    from isv_checker import ReadOptions

    path = tmp_path / "groeit.txt"
    path.write_text("tekst " * 100)
    assert read_path(path, ReadOptions(max_bytes=600)).status is ReadStatus.OK
    assert read_path(path, ReadOptions(max_bytes=599)).status is ReadStatus.TOO_LARGE


def _understated_bomb() -> bytes:
    prefix = forge.document_xml(forge.paragraph(ISV_TEXT[0]) + "<w:p><w:r><w:t>")[: -len("</w:body></w:document>")]
    stream, crc, _ = forge.deflated_run(prefix, b"a", 1024, b"</w:t></w:r></w:p></w:body></w:document>")
    return forge.raw_zip(
        [
            forge.member("[Content_Types].xml", b"<Types/>"),
            forge.RawMember("word/document.xml", stream, zipfile.ZIP_DEFLATED, crc, len(stream), 40_000),
        ]
    )


def test_zip_member_understating_its_size_is_not_inflated(tmp_path: Path) -> None:
    """ZipFile.read inflated up to 2 GiB before cutting a member to its declared size: a 1 MB DOCX
    cost 2.3 GB. Under a 700 MB address-space cap it must now come back corrupt, quickly."""
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(_understated_bomb())
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (700 << 20, 700 << 20));"
        "from isv_checker.readers import read_path; d = read_path(sys.argv[1]); print(d.status.value, d.message)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(bomb)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("corrupt"), result.stdout


def _encrypt_members(data: bytes) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return forge.raw_zip(
        [forge.member(i.filename, archive.read(i), flags=1, method=i.compress_type) for i in archive.infolist()]
    )


def test_odt_with_encrypted_zip_members_is_encrypted_not_a_traceback() -> None:
    """sniff read the `mimetype` member without catching zipfile's RuntimeError for encrypted members."""
    document = read_bytes(_encrypt_members(valid_odt()), "beveiligd.odt")
    assert document.status is ReadStatus.ENCRYPTED


def test_docx_with_encrypted_zip_members_is_encrypted_not_corrupt(docx_bytes: bytes) -> None:
    assert read_bytes(_encrypt_members(docx_bytes), "beveiligd.docx").status is ReadStatus.ENCRYPTED


def test_damaged_mimetype_member_is_corrupt_not_a_traceback() -> None:
    members = [forge.member("mimetype", forge.ODT_MIME), forge.member("content.xml", b"<x/>")]
    members[0] = forge.RawMember("mimetype", b"\xff" * 40, zipfile.ZIP_DEFLATED, 0, 40, len(forge.ODT_MIME))
    assert read_bytes(forge.raw_zip(members), "kapot.odt").status is ReadStatus.CORRUPT


def test_sniffing_failure_becomes_an_error_status(monkeypatch: pytest.MonkeyPatch) -> None:
    import isv_checker.readers as readers

    def broken(data: bytes, name: str) -> None:
        raise ValueError("simulated sniffing bug")

    monkeypatch.setattr(readers, "sniff", broken)
    document = read_bytes(b"tekst", "x.txt")
    assert document.status is ReadStatus.ERROR and "simulated sniffing bug" in document.message


def test_main_part_under_another_name_is_read() -> None:
    """sniff required word/document.xml; the content types say where the main part is."""
    main = "word/document2.xml"
    data = forge.docx_package(
        forge.document_xml(forge.paragraph(ISV_TEXT[0])),
        main=main,
        content_types=forge.CONTENT_TYPES.replace("/word/document.xml", "/" + main),
    )
    document = read_bytes(data, "tender.docx")
    assert document.status is ReadStatus.OK and document.blocks[0].text == ISV_TEXT[0]


def _numbered_docx(start: int, fmt: str, text: str, paragraphs: int = 50) -> bytes:
    numbering = (
        f'<w:numbering xmlns:w="{forge.W_NS}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0">'
        f'<w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )
    body = "".join(
        forge.paragraph(f"punt {i}", props='<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>')
        for i in range(paragraphs)
    )
    return forge.docx_package(
        forge.document_xml(body),
        parts={"word/numbering.xml": numbering.encode()},
        rels='<Relationship Id="rN" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/numbering" Target="numbering.xml"/>',
    )


@pytest.mark.parametrize(
    "start, fmt, text",
    [(4_000_000_000, "lowerLetter", "%1."), (10**15, "upperRoman", "%1."), (1, "decimal", "%1" * 100_000)],
    ids=["letter-counter", "roman-counter", "label-text"],
)
def test_list_labels_cannot_grow_to_gigabytes(start: int, fmt: str, text: str) -> None:
    """A counter of 4e9 in lowerLetter was a label of 150 million letters per paragraph (memory
    error, 23 s); a 200,000-character lvlText was 400 KB per label."""
    started = time.monotonic()
    document = read_bytes(_numbered_docx(start, fmt, text), "lijst.docx")
    assert document.status is ReadStatus.OK
    assert max(len(b.label or "") for b in document.blocks) <= office.MAX_LABEL_CHARS
    assert time.monotonic() - started < 10


def test_format_number_falls_back_to_decimal_past_words_largest_counter() -> None:
    assert office.format_number(27, "lowerLetter") == "aa"
    assert office.format_number(office.MAX_LETTER_COUNTER + 1, "lowerLetter") == str(office.MAX_LETTER_COUNTER + 1)
    assert office.format_number(10**15, "upperRoman") == str(10**15)


def test_odt_space_count_cannot_make_a_3gb_string() -> None:
    """text:s c="3000000000" built a 3 GB string, then spaCy refused it with a ValueError traceback."""
    data = forge.odt_package(
        '<text:p>Internationale Sociale Voorwaarden</text:p><text:p>a<text:s text:c="3000000000"/>b</text:p>'
    )
    document = read_bytes(data, "spaties.odt")
    assert document.status is ReadStatus.OK
    assert max(len(b.text) for b in document.blocks) < 2000


def test_huge_page_is_rendered_for_ocr_within_the_pixel_cap() -> None:
    """A 5 x 5 metre page at 200 dpi was a 1.6-gigapixel bitmap; now the dpi drops to fit the cap."""
    import pypdfium2 as pdfium

    from isv_checker.readers.ocr import MAX_RENDER_PIXELS, _render

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(14400, 14400)
    image, dpi = _render(pdf, 1, 200)
    assert isinstance(image, bytes) and dpi < 200
    assert (14400 * dpi / 72) ** 2 <= MAX_RENDER_PIXELS
    assert len(image) <= MAX_RENDER_PIXELS + 1000  # a byte a pixel, and the TIFF's header


def test_rules_stage_failure_becomes_an_error_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the rules stage raised out of `check`, ending a scan of many files with a traceback."""
    import isv_checker.checks.engine as engine
    from isv_checker.pipeline import check_bytes

    real = engine.judge

    def judge(document, ruleset, given=None):  # type: ignore[no-untyped-def]
        if document.readable:
            raise ValueError("simulated rules bug")
        return real(document, ruleset, given)

    monkeypatch.setattr(engine, "judge", judge)
    report = check_bytes(b"Internationale Sociale Voorwaarden\n", "x.txt")
    assert report.status is ReadStatus.ERROR and report.verdict == "unreadable"
    assert "simulated rules bug" in report.status_message


def test_regression_files_read_without_error() -> None:
    for path in sorted(REGRESSIONS.glob("*")):
        if path.name == "README.md":
            continue
        assert path.stat().st_size < 100_000, f"{path.name}: regression files stay under 100 KB"
        document = read_path(path)
        assert document.status is not ReadStatus.ERROR, f"{path.name}: {document.message}"


def test_rules_stage_is_fast_on_long_blocks() -> None:
    """It was quadratic in a block's length: `_PrefixTerms._firsts` tried every prefix of a token,
    `_near_spans` scanned every span per pivot and `sentence_of` rescanned the block per anchor."""
    code = (
        "import sys, time; from isv_checker.pipeline import check_bytes;"
        "words = 'gepaste zorgvuldigheid in de keten volgens de OESO-richtlijnen ';"
        "[check_bytes(data, 'lang.txt') for data in (words.encode() * 6400, b'ISV' * 134000, b'EUR ' + b'1' * 400000)]"
    )
    try:
        subprocess.run([sys.executable, "-c", code], timeout=15, check=True, capture_output=True)
    except subprocess.TimeoutExpired:
        pytest.fail("three 400 KB one-line documents took more than 15 s (quadratic: over a minute; linear: a few s)")


def test_pdf_metadata_with_invalid_utf16_is_skipped_not_an_error() -> None:
    """Found by fuzz_pdf.py: pypdfium2 decodes Info strings strictly, so a damaged Author made the whole
    PDF status `error`; now the value is decoded with replacement characters."""
    document = read_path(REGRESSIONS / "pdf-metadata-with-invalid-utf16.pdf")
    assert document.status is ReadStatus.OK
    assert "\ufffd" in document.properties["author"]


def test_zip_member_with_unknown_compression_is_corrupt_not_encrypted(tmp_path: Path) -> None:
    """batch/sources.py caught RuntimeError (encrypted) before NotImplementedError, its subclass, so a
    member compressed with a method zipfile lacks was reported as password-protected."""
    from isv_checker.batch.sources import Refused, collect

    archive = tmp_path / "tenders.zip"
    archive.write_bytes(forge.raw_zip([forge.RawMember("ppmd.txt", b"x" * 10, 98, 0, 10, 10)]))
    with collect([archive]) as sources:
        (item,) = sources.items
        with pytest.raises(Refused) as refused:
            item.load()
    assert refused.value.status is ReadStatus.CORRUPT
