"""Legacy Word (.doc) and RTF files, read through antiword and catdoc (`readers/legacy.py`), as a
buyer meets them: `isv-check scan` on the file gives a verdict, as it does on the DOCX it came from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from isv_checker.cli import main
from isv_checker.document import DocFormat, ReadStatus
from isv_checker.readers import read_bytes, read_path

from .conftest import SAMPLES

FIXTURES = Path(__file__).parent / "fixtures" / "legacy"
DOC = FIXTURES / "dictu-laptops-2025.doc"
RTF = FIXTURES / "dictu-laptops-2025.rtf"


@pytest.mark.parametrize(("path", "fmt"), [(DOC, "doc"), (RTF, "rtf")], ids=["doc", "rtf"])
def test_scan_gives_the_docx_verdict_on_a_legacy_file(path, fmt, capsys):
    assert main(["scan", str(SAMPLES / "dictu-laptops-2025.docx")]) == 1
    from_docx = capsys.readouterr().out
    assert main(["scan", str(path)]) == 1  # incomplete: a document that needs attention, not an unreadable one
    out = capsys.readouterr().out
    assert f"{path}: INCOMPLETE" in out and "INCOMPLETE" in from_docx
    assert "missing elements: action_plan, reporting, remedy" in out
    assert f"read: ok, {fmt}, Dutch" in out
    assert "clause: 6 Internationale Sociale Voorwaarden (ISV) (par. " in out  # located by paragraph


def test_a_legacy_file_in_a_folder_is_read(tmp_path, capsys):
    shutil.copy(DOC, tmp_path)
    shutil.copy(RTF, tmp_path)
    assert main(["scan", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.count(": INCOMPLETE") == 2 and "2 document(s) checked\n" in out


def test_content_decides_an_rtf_named_docx_is_read_as_rtf():
    document = read_bytes(RTF.read_bytes(), "bestek.docx")
    assert (document.status, document.format) == (ReadStatus.OK, DocFormat.RTF)
    assert "the name says DOCX but the content is RTF" in document.warnings[0]


def test_without_the_converter_the_file_is_unsupported_with_the_install_hint(monkeypatch, capsys):
    monkeypatch.setenv("PATH", "/nonexistent")
    document = read_path(DOC)
    assert document.status is ReadStatus.UNSUPPORTED
    assert "apt-get install antiword" in document.message
    assert "apt-get install catdoc" in read_path(RTF).message
    assert main(["scan", str(DOC)]) == 2
    assert (
        "unsupported: a legacy Word file (.doc) is read with antiword, which is not installed"
        in capsys.readouterr().out
    )


def test_a_damaged_word_file_is_corrupt():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "WordDocument".encode("utf-16-le") + b"\0" * 3000
    document = read_bytes(ole, "kapot.doc")
    assert document.status is ReadStatus.CORRUPT
    assert "antiword could not read the file" in document.message and "/tmp" not in document.message


def test_a_legacy_excel_file_is_unsupported_not_a_word_file():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "Workbook".encode("utf-16-le") + b"\0" * 3000
    document = read_bytes(ole, "prijzen.xls")
    assert document.status is ReadStatus.UNSUPPORTED and "Excel" in document.message
