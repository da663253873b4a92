"""`isv-check notices`: the population of a notice archive, tried as an auditor runs it, on a TED-style
bulk package made by samples/notices/make_bulk.py (whose manifest holds each notice's true facts)."""

from __future__ import annotations

import collections
import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isv_checker.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notices"
JUNK = 6


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> tuple[Path, list[dict]]:
    folder = tmp_path_factory.mktemp("bulk")
    out, manifest = folder / "notices.tar.gz", folder / "manifest.jsonl"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "samples" / "notices" / "make_bulk.py"),
            *("--count", "400", "--seed", "3", "--junk", str(JUNK), "-o", str(out), "--manifest", str(manifest)),
        ],
        check=True,
        capture_output=True,
    )
    return out, [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def run(package, tmp_path_factory) -> tuple[object, list[dict], Path]:
    pkg, _ = package
    folder = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(app, ["notices", str(pkg), "-o", str(folder / "p.jsonl"), "--workers", "2"])
    rows = [json.loads(line) for line in (folder / "p.jsonl").read_text(encoding="utf-8").splitlines()]
    return result, rows, folder


def test_every_notice_is_counted(package, run):
    """Count in = count out: judged (Dutch), other countries, unreadable (the junk members)."""
    _, manifest = package
    result, _, _ = run
    notices = [m for m in manifest if m.get("country")]
    dutch = sum(1 for m in notices if m["country"] == "NL")
    line = result.output.splitlines()[0]
    assert line == (
        f"notices read: {len(manifest)} (judged {dutch}, other countries {len(notices) - dutch}, "
        f"outside the dates 0, unreadable {JUNK})"
    ), result.output
    assert result.exit_code == 2  # the junk members are reported, each with its status
    assert (
        result.output.count(": corrupt: ") + result.output.count(": unsupported: ") + result.output.count(": empty: ")
        == JUNK
    )


def test_a_procedures_notices_are_one_row(package, run):
    """The rows' notices are exactly the generator's procedures (an award with its contract notice;
    a prior information notice that names no procedure on its own)."""
    _, manifest = package
    _, rows, _ = run
    expected = collections.defaultdict(set)
    for m in manifest:
        if m.get("country") == "NL":
            expected[m["procedure_key"] or m["member"]].add(m["member"])
    got = {frozenset(f.split("!", 1)[1] for f in row["files"]) for row in rows}
    assert got == {frozenset(members) for members in expected.values()}
    assert any(len(row["files"]) > 1 and "award" in row["notice_kinds"] for row in rows)


def test_each_answer_follows_from_its_facts(run):
    _, rows, _ = run
    answers = collections.Counter(row["isv_mandatory"] for row in rows)
    assert answers["yes"] and answers["no"]
    for row in rows:
        if row["isv_mandatory"] == "yes":
            assert row["bound_by_isv"] is True and row["categories"]
            value = row["estimated_value_eur"]
            assert value is None or value >= row["threshold_eur"], row
        if row["bound_by_isv"] is False or not row["categories"]:
            assert row["isv_mandatory"] == "no", row
        assert row["reasons"] and row["procedure"] and row["year"]


def test_csv_and_xlsx_and_dates(package, tmp_path):
    pkg, manifest = package
    csv_out, xlsx_out = tmp_path / "p.csv", tmp_path / "p.xlsx"
    for out in (csv_out, xlsx_out):
        result = CliRunner().invoke(
            app, ["notices", str(pkg), "-o", str(out), "--workers", "1", "--from", "2024-01-01", "--to", "2024-12-31"]
        )
        assert "outside the dates" in result.output
    table = list(csv.DictReader(io.StringIO(csv_out.read_text(encoding="utf-8"))))
    assert table and list(table[0])[:7] == [
        "procedure", "buyer", "legal_type", "country", "bound_by_isv", "isv_mandatory", "categories"
    ]  # fmt: skip
    assert {row["year"] for row in table} == {"2024"}
    with zipfile.ZipFile(xlsx_out) as book:
        sheets = book.read("xl/workbook.xml").decode()
    for sheet in ("Procedures", "Per category", "Per year", "Per buyer", "Unreadable"):
        assert f'name="{sheet}"' in sheets


def test_other_countries_and_zips_and_folders(package, tmp_path):
    pkg, manifest = package
    folder = tmp_path / "archive"
    folder.mkdir()
    shutil.copy(FIXTURES / "eforms-cn-dictu-lots.xml", folder / "a.xml")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(FIXTURES / "ted-f02-amounts-in-dkk.xml", "dk/notice.xml")
        archive.writestr("readme.txt", "not a notice")
    (folder / "more.zip").write_bytes(buffer.getvalue())
    result = CliRunner().invoke(app, ["notices", str(folder), "--country", "DK", "--country", "NL", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "notices read: 2 (judged 2, other countries 0, outside the dates 0, unreadable 0)"
    )
    belgian = sum(1 for m in manifest if m.get("country") == "BE")
    result = CliRunner().invoke(app, ["notices", str(pkg), "--country", "BEL", "-q", "-o", str(tmp_path / "be.jsonl")])
    rows = [json.loads(line) for line in (tmp_path / "be.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sum(len(r["files"]) for r in rows) == belgian and all(r["isv_mandatory"] == "no" for r in rows)


def test_results_show_which_mandatory_procedures_were_checked(tmp_path):
    """A tender folder named after the buyer's reference holds the notice and its contract: its
    procedure is checked; the others are listed as not checked."""
    archive = tmp_path / "archive" / "DICTU-2024-0318 werkplekdiensten"
    archive.mkdir(parents=True)
    shutil.copy(FIXTURES / "eforms-cn-dictu-lots.xml", archive / "aankondiging.xml")
    shutil.copy(ROOT / "samples" / "dictu-laptops-2025.docx", archive / "overeenkomst.docx")
    db = tmp_path / "results.sqlite"
    runner = CliRunner()
    assert runner.invoke(app, ["batch", str(tmp_path / "archive"), "--db", str(db), "--tenders", "-q"]).exit_code == 0
    result = runner.invoke(app, ["notices", str(ROOT / "samples" / "notices"), str(FIXTURES), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["results", "--db", str(db), "--notices"])
    assert listed.exit_code == 0, listed.output
    dictu = next(line for line in listed.output.splitlines() if "a7c4e3d2-1f60-4b8e-9c55-0e2d3f4a5b61" in line)
    assert dictu.startswith("yes") and "tender:" in dictu
    summary = listed.output.splitlines()[-1]
    assert "of which 1 checked" in summary
    unchecked = runner.invoke(app, ["results", "--db", str(db), "--notices", "--unchecked"])
    assert "a7c4e3d2" not in unchecked.output and "not checked" in unchecked.output
    assert runner.invoke(app, ["results", "--db", str(db), "--unchecked"]).exit_code == 2
