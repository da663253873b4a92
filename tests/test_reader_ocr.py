"""OCR of scanned PDF pages. Tests marked `ocr` run the real Tesseract (skipped when it is absent);
the others drive the same flow with a stand-in `tesseract` shell script, so the failure paths
(missing program, missing language data, crashes, timeouts, page limits) are tested everywhere."""

from __future__ import annotations

import importlib.util
import shutil
import stat
from pathlib import Path

import pytest

from isv_checker import BlockKind, ReadOptions, ReadStatus, read_bytes, read_path
from isv_checker.readers import ocr

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
SCANNED = FIXTURES / "scanned_nl.pdf"
MIXED = FIXTURES / "mixed.pdf"

_HAS_TESSERACT = shutil.which("tesseract") is not None
_HAS_LANGUAGES = _HAS_TESSERACT and {"nld", "eng"} <= (ocr.installed_languages(shutil.which("tesseract")) or set())
needs_tesseract = pytest.mark.skipif(
    not _HAS_LANGUAGES, reason="needs tesseract with nld and eng (apt-get install tesseract-ocr tesseract-ocr-nld)"
)

TSV_HEADER = r"level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


def fake_tesseract(tmp_path: Path, body: str, languages: str = "eng nld") -> str:
    """A stand-in `tesseract` that lists `languages` and runs `body` (sh) to 'recognise' a page.

    Arguments are those the reader passes: IMAGE stdout -l LANGS --psm 3 --dpi DPI tsv, so $4 is
    the languages asked for.
    """
    script = tmp_path / "tesseract"
    listing = "\n".join(f"echo {code}" for code in languages.split())
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--list-langs" ]; then\n'
        "  echo 'List of available languages in \"/fake/\" (2):'\n"
        f"  {listing}\n"
        "  exit 0\n"
        "fi\n"
        "cat > /dev/null\n"
        f"{body}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def tsv_words(*words: str, conf: int = 91) -> str:
    """sh printf lines for one TSV line holding `words` (shell expansions allowed in them)."""
    out = [f"printf '{TSV_HEADER}'", r"printf '4\t1\t1\t1\t1\t0\t100\t100\t900\t30\t-1\t\n'"]
    for n, word in enumerate(words, start=1):
        row = rf"5\t1\t1\t1\t1\t{n}\t{100 * n}\t100\t90\t30\t{conf}\t%s\n"
        out.append(f"printf '{row}' \"{word}\"")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------
# without Tesseract


def test_scan_without_tesseract_needs_ocr_with_install_hint():
    doc = read_path(SCANNED, ReadOptions(tesseract_cmd="/nonexistent/tesseract"))
    assert doc.status is ReadStatus.NEEDS_OCR
    assert doc.pages == 2
    assert "page(s) 1-2" in doc.message
    assert "apt-get install tesseract-ocr tesseract-ocr-nld" in doc.message
    assert doc.blocks == () and doc.ocr_pages == ()


def test_scan_without_tesseract_on_path(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    doc = read_path(SCANNED)
    assert doc.status is ReadStatus.NEEDS_OCR
    assert "apt-get install tesseract-ocr" in doc.message


def test_ocr_switched_off():
    doc = read_path(SCANNED, ReadOptions(ocr="never"))
    assert doc.status is ReadStatus.NEEDS_OCR
    assert "switched off" in doc.message


def test_mixed_pdf_without_tesseract_lists_only_the_scanned_page():
    doc = read_path(MIXED, ReadOptions(tesseract_cmd="/nonexistent/tesseract"))
    assert doc.status is ReadStatus.NEEDS_OCR
    assert doc.message.startswith("page(s) 2 have no text layer")
    assert doc.blocks and {b.page for b in doc.blocks} == {1}
    assert doc.blocks[0].text == "Terms of Reference"


def test_always_without_tesseract_keeps_the_text_layer():
    doc = read_path(FIXTURES / "terms_en.pdf", ReadOptions(ocr="always", tesseract_cmd="/nonexistent/tesseract"))
    assert doc.status is ReadStatus.OK
    assert any("not OCR'd (OCR is not available)" in w for w in doc.warnings)
    assert not any(b.ocr for b in doc.blocks)


def test_always_never_asks_ocr_of_blank_pages(tmp_path):
    spec = importlib.util.spec_from_file_location("make_pdf_fixtures", FIXTURES / "make_fixtures.py")
    make_fixtures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_fixtures)
    text = make_fixtures.text_stream(["De opdrachtnemer past gepaste zorgvuldigheid toe in de keten."])
    data = make_fixtures.minimal_pdf(3, [text, b"", text])
    command = fake_tesseract(tmp_path, tsv_words("herkend"))
    doc = read_bytes(data, "blank-between.pdf", ReadOptions(ocr="always", tesseract_cmd=command))
    assert doc.status is ReadStatus.OCR
    assert doc.ocr_pages == (1, 3)
    doc = read_bytes(data, "blank-between.pdf", ReadOptions(ocr="always", tesseract_cmd="/nonexistent/tesseract"))
    assert doc.status is ReadStatus.OK
    assert doc.warnings == ("page(s) 1, 3 were not OCR'd (OCR is not available); their text layer was used",)


# --------------------------------------------------------------------------------------------------
# with a stand-in Tesseract


def test_ocr_flow_runs_tesseract_single_threaded(tmp_path):
    command = fake_tesseract(tmp_path, tsv_words("OMP_THREAD_LIMIT=$OMP_THREAD_LIMIT", "langs=$4"))
    doc = read_path(SCANNED, ReadOptions(tesseract_cmd=command, ocr_workers=2))
    assert doc.status is ReadStatus.OCR, doc.message
    assert doc.ocr_pages == (1, 2)
    assert [(b.page, b.text, b.ocr) for b in doc.blocks] == [
        (1, "OMP_THREAD_LIMIT=1 langs=nld+eng", True),
        (2, "OMP_THREAD_LIMIT=1 langs=nld+eng", True),
    ]
    assert "read by OCR" in doc.message


def test_missing_language_falls_back_to_the_installed_ones(tmp_path):
    command = fake_tesseract(tmp_path, tsv_words("langs=$4"), languages="eng osd")
    doc = read_path(MIXED, ReadOptions(tesseract_cmd=command))
    assert doc.status is ReadStatus.OCR
    assert doc.blocks[-1].text == "langs=eng"
    assert any("no language data for nld" in w and "tesseract-ocr-nld" in w for w in doc.warnings)


def test_no_requested_language_installed_needs_ocr(tmp_path):
    command = fake_tesseract(tmp_path, tsv_words("never"), languages="osd")
    doc = read_path(SCANNED, ReadOptions(tesseract_cmd=command))
    assert doc.status is ReadStatus.NEEDS_OCR
    assert "apt-get install tesseract-ocr-nld tesseract-ocr-eng" in doc.message


def test_tesseract_crash_is_a_warning_not_an_exception(tmp_path):
    command = fake_tesseract(tmp_path, "echo 'Error: cannot read input' >&2\nexit 1")
    doc = read_path(MIXED, ReadOptions(tesseract_cmd=command))
    assert doc.status is ReadStatus.NEEDS_OCR
    assert "OCR failed on page(s) 2" in doc.message
    assert "OCR of page 2 failed: Error: cannot read input" in doc.warnings
    assert {b.page for b in doc.blocks} == {1}


def test_tesseract_timeout(tmp_path):
    command = fake_tesseract(tmp_path, "exec sleep 30")
    doc = read_path(MIXED, ReadOptions(tesseract_cmd=command, ocr_page_timeout=0.5))
    assert doc.status is ReadStatus.NEEDS_OCR
    assert "OCR of page 2 took longer than 0.5 s and was stopped" in doc.warnings


def test_ocr_page_limit(tmp_path):
    command = fake_tesseract(tmp_path, tsv_words("gelezen"))
    doc = read_path(SCANNED, ReadOptions(tesseract_cmd=command, ocr_max_pages=1))
    assert doc.status is ReadStatus.NEEDS_OCR
    assert doc.ocr_pages == (1,)
    assert doc.message.startswith("page(s) 2 have no text layer")
    assert "limited to 1 page(s) per file" in doc.message
    assert [(b.page, b.text) for b in doc.blocks] == [(1, "gelezen")]


def test_low_confidence_is_reported(tmp_path):
    command = fake_tesseract(tmp_path, tsv_words("vaag", conf=31))
    doc = read_path(MIXED, ReadOptions(tesseract_cmd=command))
    assert doc.status is ReadStatus.OCR
    assert any("confidence is low on page(s) 2 (31%)" in w for w in doc.warnings)


def test_parse_tsv_lines_paragraphs_and_confidence():
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t1700\t2200\t-1\t\n"
        "4\t1\t1\t1\t1\t0\t250\t200\t900\t30\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t250\t200\t140\t30\t90\tArtikel\n"
        "5\t1\t1\t1\t1\t2\t400\t200\t20\t30\t80\t7\n"
        "4\t1\t1\t1\t2\t0\t250\t250\t900\t30\t-1\t\n"
        "5\t1\t1\t1\t2\t1\t250\t250\t140\t30\t70\tTekst\n"
        "5\t1\t1\t1\t2\t2\t250\t250\t140\t30\t-1\t \n"
        "4\t1\t2\t1\t1\t0\t250\t400\t900\t30\t-1\t\n"
        "5\t1\t2\t1\t1\t1\t250\t400\t140\t30\t60\tVolgende\n"
    )
    lines, confidence = ocr.parse_tsv(tsv, dpi=200)
    assert [line.text for line in lines] == ["Artikel 7", "Tekst", "", "Volgende"]
    assert [line.y for line in lines] == [72.0, 90.0, None, 144.0]
    assert confidence == 75.0


# --------------------------------------------------------------------------------------------------
# the real Tesseract


@pytest.mark.ocr
@needs_tesseract
def test_scanned_pdf_is_read_by_ocr():
    doc = read_path(SCANNED)
    assert doc.status is ReadStatus.OCR, doc.message
    assert doc.ocr_pages == (1, 2)
    assert doc.language == "nl"
    assert all(b.ocr for b in doc.blocks)
    page1 = " ".join(b.text for b in doc.blocks if b.page == 1)
    page2 = " ".join(b.text for b in doc.blocks if b.page == 2)
    for word in ("Internationale", "Sociale", "Voorwaarden", "Opdrachtnemer", "productieketen"):
        assert word in page1, word
    assert "Geheimhouding" in page2 and "vertrouwelijke" in page2
    heading = doc.blocks[0]
    assert heading.kind is BlockKind.HEADING and heading.label == "Artikel 7" and heading.page == 1
    assert doc.blocks[1].heading_path == (heading.text,)


@pytest.mark.ocr
@needs_tesseract
def test_mixed_pdf_ocrs_only_the_scanned_page():
    doc = read_path(MIXED)
    assert doc.status is ReadStatus.OCR, doc.message
    assert doc.ocr_pages == (2,)
    text_blocks = [b for b in doc.blocks if b.page == 1]
    scan_blocks = [b for b in doc.blocks if b.page == 2]
    assert text_blocks and not any(b.ocr for b in text_blocks)
    assert scan_blocks and all(b.ocr for b in scan_blocks)
    assert "Geheimhouding" in " ".join(b.text for b in scan_blocks)


@pytest.mark.ocr
@needs_tesseract
def test_always_ocrs_pages_with_a_text_layer():
    doc = read_path(FIXTURES / "terms_en.pdf", ReadOptions(ocr="always"))
    assert doc.status is ReadStatus.OCR
    assert doc.ocr_pages == (1,)
    text = " ".join(b.text for b in doc.blocks)
    assert "Social" in text and "Conditions" in text and "OECD" in text
