"""The SDG contribution table: totals checked against a hand-computed set of reports, golden Markdown
and HTML, the other formats reopened, the report sources, and the `sdg-table` command."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import docx
import pytest

from isv_checker.cli import main
from isv_checker.report import Report
from isv_checker.ruleset.load import cached_ruleset
from isv_checker.sdg.outputs import render_sdg_table, sdg_format, sdg_view
from isv_checker.sdg.sources import READERS, ReportSourceError, iter_reports
from isv_checker.sdg.table import NO_CATEGORY, Counts, aggregate

from .golden import assert_golden

ELEMENTS = ("due_diligence", "standards", "risk_analysis", "action_plan", "reporting", "remedy")


@pytest.fixture(scope="module")
def ruleset():
    return cached_ruleset()


def make(
    file: str,
    *,
    verdict: str = "compliant",
    categories: tuple[str, ...] = (),
    required: bool | None = True,
    value: float | None = 1_000_000.0,
    date: str | None = "2026-03-01",
    clause: bool = True,
    sha: str | None = None,
    found: int = 6,
) -> dict:
    """A report as `scan --format json` writes it, with only what the table reads filled in."""
    rules = {c.category: c for c in cached_ruleset().categories}
    document = {
        "format": "docx",
        "size": 1000,
        "block_count": 10,
        "block_kinds": {"paragraph": 10},
        "characters": 900,
        "ocr_pages": [],
        "warnings": [],
        "properties": {},
    }
    if verdict == "unreadable":
        return {
            "schema": "isv-checker/report/1",
            "file": file,
            "sha256": sha,
            "status": "corrupt",
            "status_message": "damaged",
            "language": None,
            "pages": None,
            "document": {**document, "block_count": 0, "block_kinds": {}, "characters": 0},
            "verdict": "unreadable",
        }
    return {
        "schema": "isv-checker/report/1",
        "file": file,
        "sha256": sha or f"{abs(hash(file)):064d}"[:64],
        "status": "ok",
        "status_message": "",
        "language": "nl",
        "pages": None,
        "document": document,
        "ruleset": {"id": "isv-rijk", "version": "test"},
        "verdict": verdict,
        "categories": [
            {
                "id": c,
                "rule": rules[c].id,
                "name_nl": rules[c].name_nl,
                "name_en": rules[c].name_en,
                "group": rules[c].group,
                "group_name_nl": rules[c].group,
                "group_name_en": rules[c].group,
                "evidence": [],
            }
            for c in categories
        ],
        "applicability": {
            "isv_required": required,
            "authority": {"name": "Rijkswaterstaat", "central_government": True},
            "value_eur": {"amount": value},
            "threshold_eur": 140000,
            "period": "2026-2027",
            "document_date": date,
            "works": False,
            "procedure": None,
            "reasons": [],
        },
        "clause": {
            "present": clause,
            "location": "Bijlage 5 (par. 40)" if clause else None,
            "elements": [
                {
                    "id": e,
                    "rule": f"ISV-EL-{e.upper().replace('_', '-')}",
                    "name_nl": e,
                    "name_en": e,
                    "found": clause and i < found,
                }
                for i, e in enumerate(ELEMENTS)
            ],
        },
    }


def hand_set() -> list[dict]:
    """Ten reports; with --year 2026, A to E count. Hand-computed figures are in the tests below."""
    return [
        make("A-werkkleding.docx", categories=("workwear",), value=1_000_000, sha="a" * 64),
        make("B-catering-afval.docx", verdict="incomplete", categories=("catering", "waste"), value=500_000, found=4),
        make("C-laptops.docx", verdict="missing", categories=("ict_workplace",), value=2_000_000, clause=False),
        make("D-gemeente-energie.docx", verdict="not_required", categories=("energy",), required=False, value=300_000),
        make("E-schoonmaak.docx", verdict="not_required", required=False, value=None, clause=False),
        make("F-onduidelijk.docx", verdict="needs_review", categories=("workwear",), required=None, value=None),
        make("G-kapot.pdf", verdict="unreadable"),
        make("A-werkkleding-kopie.docx", categories=("workwear",), value=1_000_000, sha="a" * 64),
        make("I-vorig-jaar.docx", categories=("workwear",), date="2025-12-31"),
        make("J-zonder-datum.docx", categories=("catering",), date=None, value=250_000),
    ]


def reports() -> list[Report]:
    return [Report.model_validate(r) for r in hand_set()]


def row(rows, target, category):
    return next(r.counts for r in rows if r.target == target and r.category == category)


def test_totals_reconcile_with_the_hand_computed_set(ruleset):
    table = aggregate(reports(), ruleset, year=2026)
    assert table.total == Counts(
        contracts=5, required=3, complete=1, incomplete=1, missing=1, voluntary=1, value_eur=3_800_000, without_value=1
    )
    assert table.total.share_complete == pytest.approx(1 / 3)

    # 8.7 reaches every contract in a category (A, B, C, D), not E: outside the categories without a clause
    assert row(table.by_target, "8.7", None) == Counts(
        contracts=4, required=3, complete=1, incomplete=1, missing=1, voluntary=1, value_eur=3_800_000, without_value=0
    )
    categories = [r.category for r in table.by_target if r.target == "8.7" and r.category]
    assert categories == ["workwear", "catering", "energy", "waste", "ict_workplace"]  # rules order
    rows_sum = sum(r.counts.contracts for r in table.by_target if r.target == "8.7" and r.category)
    assert rows_sum == 5  # B sits in two category rows ...
    assert row(table.by_target, "8.7", None).contracts == 4  # ... and once in the target's total
    assert row(table.by_target, "8.7", "catering") == row(table.by_target, "8.7", "waste")

    # category links reach only their own category's row
    assert [r.category for r in table.by_target if r.target == "12.5"] == ["waste", "ict_workplace", None]
    assert row(table.by_target, "12.5", None) == Counts(
        contracts=2, required=2, incomplete=1, missing=1, value_eur=2_500_000
    )
    assert row(table.by_target, "7.2", None) == Counts(contracts=1, voluntary=1, value_eur=300_000)
    assert row(table.by_target, "7.2", None).share_complete is None
    assert [r.category for r in table.by_target if r.target == "2.4"] == ["catering", None]

    # per category: every counted contract once per category it is in, and once in the grand total
    by_category = {r.category: r.counts for r in table.by_category}
    assert by_category[None] == table.total
    assert by_category["workwear"] == Counts(contracts=1, required=1, complete=1, value_eur=1_000_000)
    assert by_category[NO_CATEGORY] == Counts(contracts=1, without_value=1)
    assert sum(c.contracts for k, c in by_category.items() if k) == 6  # B twice

    ex = table.exclusions
    assert (ex.duplicates, ex.other_year, ex.outside, ex.undated_counted) == (1, 1, 1, 0)
    assert ex.unreadable == ("G-kapot.pdf",)
    assert ex.needs_review == ("F-onduidelijk.docx",)
    assert ex.undated == ("J-zonder-datum.docx",)


def test_without_a_year_every_dated_and_undated_report_counts(ruleset):
    table = aggregate(reports(), ruleset)
    assert table.total.contracts == 7  # A-E, I and J
    assert table.total.required == 5 and table.total.complete == 3
    assert table.exclusions.undated_counted == 1 and table.exclusions.undated == ()
    assert row(table.by_target, "12.7", None).contracts == 6


def test_identical_files_count_once_whatever_their_name(ruleset):
    twice = [Report.model_validate(make(name, categories=("energy",), sha="b" * 64)) for name in ("x.docx", "y.docx")]
    table = aggregate(twice, ruleset)
    assert table.total.contracts == 1 and table.exclusions.duplicates == 1


def test_targets_come_from_the_rules(ruleset):
    table = aggregate(reports(), ruleset, year=2026)
    expected = sorted(
        {
            link.target
            for link in ruleset.sdg
            if link.when != "category" or link.category in {"workwear", "catering", "waste", "ict_workplace", "energy"}
        },
        key=lambda t: tuple(int(p) for p in t.split(".")),
    )
    assert [t.target for t in table.targets] == expected
    view = sdg_view(table, ruleset, "nl")
    rationales = {link.rationale for link in ruleset.sdg}
    assert view["links"] and all(link["rationale"] in rationales for link in view["links"])
    assert not any("datacenters" in link["rule"].lower() for link in view["links"])  # no data centre contract


def test_method_note_says_what_was_not_counted(ruleset):
    method = " ".join(sdg_view(aggregate(reports(), ruleset, year=2026), ruleset, "nl")["method"])
    assert "1 rapport(en) zonder documentdatum tellen niet mee in de tabel: J-zonder-datum.docx" in method
    assert "1 onleesbare document(en) en 1 document(en) waarvoor handmatige beoordeling nodig is" in method
    assert "1 rapport(en) van een bestand dat al was geteld (gelijke sha256)" in method
    assert "Geef per contract één formaat op" in method
    assert "1 rapport(en) met een ander jaar" in method
    english = " ".join(sdg_view(aggregate(reports(), ruleset, year=2026), ruleset, "en")["method"])
    assert "Pass one format per contract" in english


@pytest.mark.parametrize(("lang", "fmt"), [("nl", "md"), ("nl", "html"), ("en", "md")])
def test_table_matches_golden(lang, fmt, ruleset):
    text = render_sdg_table(aggregate(reports(), ruleset, year=2026), ruleset, fmt, lang).decode("utf-8")
    text = text.replace(ruleset.info.version, "(version)")  # the rules' version moves on; the table does not
    if fmt == "html":
        assert re.search(r'src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', text)
        text = re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,(chart)", text)
    assert_golden(f"sdg/hand-set.2026.{lang}.{fmt}", text)


def test_csv_holds_the_same_numbers(ruleset):
    table = aggregate(reports(), ruleset, year=2026)
    rows = list(csv.reader(io.StringIO(render_sdg_table(table, ruleset, "csv").decode("utf-8"))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["SDG-subdoel", "Omschrijving", "Categorie", "category_id"]
    assert len(body) == len(table.by_target) + len(table.by_category)
    total_87 = next(r for r in body if r[0] == "8.7" and r[3] == "")
    assert total_87[4:] == ["4", "3", "1", "1", "1", "3800000.00", "0.3333"]
    grand = body[-1]
    assert grand[0] == "alle subdoelen" and grand[4:9] == ["5", "3", "1", "1", "1"]


def test_docx_table_reopens_with_tables_and_chart(ruleset):
    table = aggregate(reports(), ruleset, year=2026)
    document = docx.Document(io.BytesIO(render_sdg_table(table, ruleset, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Per SDG-subdoel en categorie", "Per categorie", "Methode"]
    targets, categories = document.tables
    assert len(targets.rows) == 1 + len(table.by_target)
    assert len(categories.rows) == 1 + len(table.by_category)
    assert [c.text for c in categories.rows[-1].cells][1:6] == ["Totaal", "5", "3", "1", "1"]
    assert document.inline_shapes and document.inline_shapes[0].type is not None  # the chart


def test_xlsx_holds_table_chart_and_contracts(ruleset):
    table = aggregate(reports(), ruleset, year=2026)
    with zipfile.ZipFile(io.BytesIO(render_sdg_table(table, ruleset, "xlsx"))) as book:
        names = book.namelist()
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
        contracts = book.read("xl/worksheets/sheet2.xml").decode("utf-8")
    assert "xl/media/image1.png" in names
    assert "Bijdrage van de ISV aan de SDG's, 2026" in strings and "Totaal 8.7" in strings
    assert "<v>3800000</v>" in sheet
    assert contracts.count("<row ") == 1 + table.total.contracts


def test_chart_is_a_png_of_every_category(ruleset):
    from isv_checker.sdg.outputs import chart_png

    png = chart_png(sdg_view(aggregate(reports(), ruleset, year=2026), ruleset, "nl"))
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert chart_png(sdg_view(aggregate([], ruleset), ruleset, "en")).startswith(b"\x89PNG")  # empty table


# --- report sources -------------------------------------------------------------------------------


def test_iter_reports_reads_json_json_lines_and_arrays(tmp_path):
    items = hand_set()[:3]
    (tmp_path / "one.json").write_text(json.dumps(items[0], indent=2), encoding="utf-8")
    (tmp_path / "lines.jsonl").write_text("\n".join(json.dumps(i) for i in items) + "\n\n", encoding="utf-8")
    (tmp_path / "scan.json").write_text(
        "\n".join(json.dumps(i) for i in items), encoding="utf-8"
    )  # scan -o x.json, several
    (tmp_path / "array.json").write_text(json.dumps(items), encoding="utf-8")
    assert [r.file for r in iter_reports(tmp_path / "one.json")] == ["A-werkkleding.docx"]
    for name in ("lines.jsonl", "scan.json", "array.json"):
        assert [r.file for r in iter_reports(tmp_path / name)] == [i["file"] for i in items], name
    assert set(READERS) >= {".json", ".jsonl"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.jsonl", '{"file": "x"}\nnot json\n', "bad.jsonl:1: not an isv-checker report"),
        ("bad2.jsonl", "\n[1, 2\n", "bad2.jsonl:2: not valid JSON"),
        ("list.json", "[1]", "not a report"),
        ("table.csv", "a,b", "unknown results file"),
    ],
)
def test_iter_reports_names_the_file_and_line(tmp_path, name, content, message):
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(ReportSourceError, match=re.escape(message)):
        list(iter_reports(tmp_path / name))


# --- the command ----------------------------------------------------------------------------------


def test_sdg_table_command(tmp_path, capsys, ruleset):
    results = tmp_path / "results.jsonl"
    results.write_text("\n".join(json.dumps(r) for r in hand_set()) + "\n", encoding="utf-8")
    for fmt in ("md", "csv", "html", "docx", "xlsx"):
        assert main(["sdg-table", str(results), "--year", "2026", "-o", str(tmp_path / f"table.{fmt}")]) == 0
    expected = render_sdg_table(aggregate(reports(), ruleset, year=2026), ruleset, "md")
    assert (tmp_path / "table.md").read_bytes() == expected
    assert main(["sdg-table", str(results), "-o", str(tmp_path / "table.en.md"), "--lang", "en"]) == 0
    assert (tmp_path / "table.en.md").read_text(encoding="utf-8").startswith("# Contribution of ISV to the SDGs")
    assert "5 contract(s) counted" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-o", "{tmp}/t.pdf"], "unknown table format"),
        (["-o", "{tmp}/t.md", "--year", "26"], "give a year"),
        (["-o", "{tmp}/t.xlsx", "--template", "{tmp}/x.j2"], "--template applies"),
    ],
)
def test_sdg_table_command_errors(extra, message, tmp_path, capsys):
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps(hand_set()[0]) + "\n", encoding="utf-8")
    assert main(["sdg-table", str(results), *[e.format(tmp=tmp_path) for e in extra]]) == 2
    assert message in capsys.readouterr().err


def test_sdg_table_command_on_a_broken_results_file(tmp_path, capsys):
    broken = tmp_path / "results.jsonl"
    broken.write_text('{"schema": "isv-checker/report/1"}\n', encoding="utf-8")
    assert main(["sdg-table", str(broken), "-o", str(tmp_path / "t.md")]) == 2
    assert "results.jsonl:1: not an isv-checker report" in capsys.readouterr().err
    assert sdg_format("t.XLSX") == "xlsx" and sdg_format("t.txt") is None


def test_sdg_table_reads_a_batch_results_database(tmp_path):
    """The table command reads the batch store directly, as the annual-report author would use it."""
    from isv_checker.cli import main

    from .conftest import SAMPLES

    db = tmp_path / "results.sqlite"
    inputs = [str(SAMPLES / "rws-bedrijfskleding-2024.docx"), str(SAMPLES / "gemeente-catering-2024.docx")]
    assert main(["batch", *inputs, "--db", str(db), "--workers", "1", "-q"]) == 0
    out = tmp_path / "table.csv"
    assert main(["sdg-table", str(db), "-o", str(out), "--lang", "en"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "8.7" in text and "2400000" in text.replace(",", "").replace(".", "")
