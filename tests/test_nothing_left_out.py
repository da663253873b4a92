"""Regressions from the first week of real users (issue 18, "Nothing silently left out"): every file
of an archive gets a row whatever its type, `results` filters reject values that can match nothing,
metadata rows that match no file are reported, and a path that is not there is a usage error, not a
document."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pytest

from isv_checker.cli import main

from .conftest import SAMPLES

LEGACY = Path(__file__).parent / "fixtures" / "legacy"
# what an auditor's archive holds besides DOCX and PDF: legacy Word and RTF, a scan as an image,
# a spreadsheet, a file of unknown type and one without a suffix
OTHER_FILES = {
    "bestek.doc": (LEGACY / "dictu-laptops-2025.doc").read_bytes(),
    "bestek.rtf": (LEGACY / "dictu-laptops-2025.rtf").read_bytes(),
    "scan.png": (Path(__file__).parent.parent / "docs" / "web.png").read_bytes(),
    "prijzen.xlsx": b"PK\x03\x04 a spreadsheet",
    "data.bin": b"\x00\x01\x02",
    "LEESMIJ": b"lees mij",
}
JUNK = {".DS_Store": b"\0", "Thumbs.db": b"\0", "~$bestek.docx": b"\0"}


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "archief"
    folder.mkdir()
    shutil.copy(SAMPLES / "dictu-laptops-2025.docx", folder)
    for name, data in {**OTHER_FILES, **JUNK}.items():
        (folder / name).write_bytes(data)
    with zipfile.ZipFile(tmp_path / "archief.zip", "w") as pack:
        for path in sorted(folder.iterdir()):
            pack.write(path, f"2019/{path.name}")
    return folder, tmp_path / "archief.zip"


def test_every_file_of_an_archive_gets_a_row_count_in_equals_count_out(archive, tmp_path, capsys):
    folder, pack = archive
    db = tmp_path / "r.sqlite"
    assert main(["batch", str(folder), str(pack), "--db", str(db), "--workers", "1"]) == 0
    err = capsys.readouterr().err
    files_in = 2 * (1 + len(OTHER_FILES))  # the folder and the ZIP, junk left out
    assert f"{files_in} file(s) in, {files_in} accounted for" in err
    assert "passed over, not counted in: 6 file(s): 4 an operating system file; 2 an Office lock file" in err
    assert main(["results", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"\n{files_in} document(s)\n" in out
    for name in OTHER_FILES:
        assert out.count(name) == 2, name
    assert main(["results", "--db", str(db), "--status", "unsupported"]) == 0
    assert "\n8 document(s)\n" in capsys.readouterr().out  # png, xlsx, bin, no suffix; twice
    assert main(["results", "--db", str(db), "--verdict", "incomplete"]) == 0
    assert "\n6 document(s)\n" in capsys.readouterr().out  # the DOCX, the .doc and the .rtf; twice
    exported = tmp_path / "out.csv"
    assert main(["export", "--db", str(db), "-o", str(exported)]) == 0
    with exported.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == files_in


def test_scan_of_a_folder_holding_no_document_lists_its_files(tmp_path, capsys):
    (tmp_path / "scan.png").write_bytes(OTHER_FILES["scan.png"])
    (tmp_path / "prijzen.xlsx").write_bytes(OTHER_FILES["prijzen.xlsx"])
    assert main(["scan", str(tmp_path), "--list-skipped"]) == 1  # listed for a person to look at
    captured = capsys.readouterr()
    assert "no documents found" not in captured.err
    assert f"{tmp_path / 'scan.png'}: not read, unsupported" in captured.out
    assert "not read, unsupported (a .xlsx file, not a document type" in captured.out
    assert "0 document(s) checked, 2 other file(s) not read, of types isv-checker does not read (1 .xlsx, 1 .png)" in (
        captured.out
    )


def test_scan_of_a_missing_path_says_so_and_goes_on(capsys, monkeypatch):
    monkeypatch.chdir(SAMPLES)
    assert main(["scan", "nope.docx", "gemeente-catering-2024.txt"]) == 2
    captured = capsys.readouterr()
    assert "isv-check: no such file or folder: nope.docx" in captured.err
    assert "nope.docx" not in captured.out and "UNREADABLE" not in captured.out
    assert "gemeente-catering-2024.txt: NOT_REQUIRED" in captured.out
    assert "1 document(s) checked, 1 path(s) not found" in captured.out


@pytest.fixture
def results_db(tmp_path, capsys):
    folder = tmp_path / "archief"
    folder.mkdir()
    for name in ("rvb-elektriciteit-2025.txt", "dictu-laptops-2025.docx"):
        shutil.copy(SAMPLES / name, folder)
    notices = tmp_path / "notices.csv"
    notices.write_text(
        "bestand;aanbestedende dienst;geraamde waarde\n"
        "dictu-laptops-2025.docx;DICTU;1200000\n"
        "dictu-laptops-2052.docx;DICTU;1200000\n",
        encoding="utf-8",
    )
    db = tmp_path / "r.sqlite"
    assert main(["batch", str(folder), "--db", str(db), "--workers", "1", "--metadata", str(notices)]) == 0
    return db, capsys.readouterr().err


def test_a_metadata_row_that_matches_no_file_is_reported(results_db, capsys):
    _, err = results_db
    assert "warning: metadata row notices.csv line 3 (file 'dictu-laptops-2052.docx') matches no file" in err
    assert "metadata: 2 row(s), 1 matched a file, 1 matched none" in err


def test_batch_help_lists_the_metadata_columns(capsys):
    assert main(["batch", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    for column in (
        "file",
        "reference",
        "authority",
        "central_government",
        "estimated_value",
        "cpv",
        "publication_date",
    ):
        assert column in out


@pytest.mark.parametrize("category", ["energy", "Energie", "ENERGY", "energie"])
def test_results_take_a_category_by_id_or_dutch_or_english_name(results_db, category, capsys):
    db, _ = results_db
    assert main(["results", "--db", str(db), "--category", category]) == 0
    out = capsys.readouterr().out
    assert "rvb-elektriciteit-2025.txt" in out and "\n1 document(s)\n" in out


@pytest.mark.parametrize(
    ("flag", "value", "listed"),
    [
        ("--category", "Energiee", "energy (Energie, Energy)"),
        ("--status", "bogus", "'unsupported'"),
        ("--verdict", "missend", "'missing'"),
    ],
)
def test_results_reject_a_filter_value_that_can_match_nothing(results_db, flag, value, listed, capsys):
    db, _ = results_db
    assert main(["results", "--db", str(db), flag, value]) == 2
    assert main(["export", "--db", str(db), "-o", str(db.with_suffix(".csv")), flag, value]) == 2
    assert listed in capsys.readouterr().err
