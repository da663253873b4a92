"""Bad files come back as a status with a message a person understands; nothing raises."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from isv_checker import DocFormat, ReadStatus, read_bytes, read_path


def test_zero_bytes():
    doc = read_bytes(b"", "leeg.docx")
    assert doc.status is ReadStatus.EMPTY
    assert "0 bytes" in doc.message


def test_one_byte_pdf_is_corrupt():
    assert read_bytes(b"%", "x.pdf").status is ReadStatus.CORRUPT


def test_random_bytes_named_pdf():
    doc = read_bytes(os.urandom(4096) + b"\x00", "random.pdf")
    assert doc.status is ReadStatus.CORRUPT
    assert "PDF" in doc.message


def test_pdf_renamed_docx_is_read_as_pdf(blank_pdf_bytes):
    doc = read_bytes(blank_pdf_bytes, "contract.docx")
    assert doc.format is DocFormat.PDF
    assert doc.status is ReadStatus.EMPTY  # a blank page: valid, no text
    assert any("content is PDF" in w for w in doc.warnings)


def test_docx_renamed_pdf_is_read_as_docx(docx_bytes):
    doc = read_bytes(docx_bytes, "contract.pdf")
    assert doc.format is DocFormat.DOCX
    assert doc.status is ReadStatus.OK
    assert any("content is DOCX" in w for w in doc.warnings)


def test_truncated_zip_is_corrupt(docx_bytes):
    doc = read_bytes(docx_bytes[: len(docx_bytes) // 2], "half.docx")
    assert doc.status is ReadStatus.CORRUPT
    assert doc.message


def test_docx_without_main_part_is_corrupt(docx_bytes):
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if item.filename != "word/document.xml":
                dst.writestr(item, src.read(item))
    doc = read_bytes(out.getvalue(), "no-body.docx")
    assert doc.status is ReadStatus.CORRUPT
    assert "word/document.xml" in doc.message


def test_plain_zip_and_spreadsheet_are_unsupported():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "hello")
    assert read_bytes(buf.getvalue(), "archive.zip").status is ReadStatus.UNSUPPORTED
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    doc = read_bytes(buf.getvalue(), "prijzen.xlsx")
    assert doc.status is ReadStatus.UNSUPPORTED and "Excel" in doc.message


def test_password_protected_office_file_is_encrypted():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100
    doc = read_bytes(ole, "beveiligd.docx")
    assert doc.status is ReadStatus.ENCRYPTED


def test_legacy_doc_is_unsupported_with_advice():
    doc = read_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "oud.doc")
    assert doc.status is ReadStatus.UNSUPPORTED
    assert ".docx" in doc.message


def test_missing_file_and_folder(tmp_path):
    missing = read_path(tmp_path / "bestaat-niet.pdf")
    assert missing.status is ReadStatus.ERROR
    assert "cannot open" in missing.message
    assert read_path(tmp_path).status is ReadStatus.UNSUPPORTED


def test_size_limit(tmp_path):
    from isv_checker import ReadOptions

    path = tmp_path / "groot.txt"
    path.write_text("tekst " * 1000)
    doc = read_path(path, ReadOptions(max_bytes=1000))
    assert doc.status is ReadStatus.TOO_LARGE


def test_reader_crash_becomes_error_status(monkeypatch, docx_bytes):
    from isv_checker import readers

    def boom(data, options):
        raise ValueError("simulated reader bug")

    monkeypatch.setattr(readers, "_reader_for", lambda fmt: boom)
    doc = read_bytes(docx_bytes, "x.docx")
    assert doc.status is ReadStatus.ERROR
    assert "simulated reader bug" in doc.message


@pytest.mark.parametrize("options", [dict(ocr="sometimes"), dict(max_pages=0), dict(ocr_dpi=5)])
def test_bad_settings_are_refused(options):
    from isv_checker import ReadOptions

    with pytest.raises(ValueError):
        ReadOptions(**options)
