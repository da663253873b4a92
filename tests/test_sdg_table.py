"""The SDG contribution table: totals checked against a hand-computed set of reports, the layout a
report author pastes (one compact table per category and SDG target, per target, per ministry, per
year), golden Markdown and HTML, the other formats reopened, the language of every format, the report
sources, and the `sdg-table` command."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import subprocess
import zipfile

import docx
import pytest

from isv_checker.cli import main
from isv_checker.report import Report
from isv_checker.ruleset.load import cached_ruleset
from isv_checker.sdg.outputs import render_sdg_table, sdg_format
from isv_checker.sdg.sources import READERS, ReportSourceError, iter_reports
from isv_checker.sdg.table import NO_AUTHORITY, NO_DATE, Counts, aggregate
from isv_checker.sdg.view import sdg_view

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
    authority: str | None = "Rijkswaterstaat",
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
            "authority": {"name": authority, "central_government": authority is not None},
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


IENW = "Ministerie van Infrastructuur en Waterstaat"
JENV = "Ministerie van Justitie en Veiligheid"


def hand_set() -> list[dict]:
    """Ten reports; with --year 2026, A to E count. Hand-computed figures are in the tests below."""
    return [
        make("A-werkkleding.docx", categories=("workwear",), value=1_000_000, sha="a" * 64),
        make(
            "B-catering-afval.docx",
            verdict="incomplete",
            categories=("catering", "waste"),
            value=500_000,
            found=4,
            authority="DJI",
        ),
        make(
            "C-laptops.docx",
            verdict="missing",
            categories=("ict_workplace",),
            value=2_000_000,
            clause=False,
            authority=IENW,
        ),
        make(
            "D-gemeente-energie.docx",
            verdict="not_required",
            categories=("energy",),
            required=False,
            value=300_000,
            authority="Gemeente Zwolle",
        ),
        make("E-schoonmaak.docx", verdict="not_required", required=False, value=None, clause=False, authority=None),
        make("F-onduidelijk.docx", verdict="needs_review", categories=("workwear",), required=None, value=None),
        make("G-kapot.pdf", verdict="unreadable"),
        make("A-werkkleding-kopie.docx", categories=("workwear",), value=1_000_000, sha="a" * 64),
        make("I-vorig-jaar.docx", categories=("workwear",), date="2025-12-31"),
        make("J-zonder-datum.docx", categories=("catering",), date=None, value=250_000),
    ]


def reports() -> list[Report]:
    return [Report.model_validate(r) for r in hand_set()]


def rows_of(rows):
    return {r.key: r.counts for r in rows}


GROUP_ORDER = [
    "workwear",
    "catering",
    "waste",
    "energy",
    "office_supplies",
    "paper_print",
    "laboratory",
    "ict_workplace",
    "datacenters",
    "data_connections",
]


def test_totals_reconcile_with_the_hand_computed_set(ruleset):
    table = aggregate(reports(), ruleset, year=2026)
    assert table.total == Counts(
        contracts=5,
        required=3,
        complete=1,
        incomplete=1,
        missing=1,
        voluntary=1,
        value_eur=3_800_000,
        without_value=1,
        complete_value_eur=1_000_000,
    )
    assert table.total.share_complete == pytest.approx(1 / 3)

    # one row per category of the rules, in the order of their groups, then the total
    assert [r.key for r in table.by_category] == [*GROUP_ORDER, None]
    by_category = rows_of(table.by_category)
    assert by_category[None] == table.total
    assert by_category["workwear"] == Counts(
        contracts=1, required=1, complete=1, value_eur=1_000_000, complete_value_eur=1_000_000
    )
    assert by_category["laboratory"] == Counts()  # no contract, still a row
    assert sum(c.contracts for k, c in by_category.items() if k) == 5  # B in two rows, E in none ...
    assert by_category[None].contracts == 5  # ... and each once in the total

    # a category's cells: every target it is linked to, with the row's contracts; none where it is not
    workwear = table.by_category[0]
    assert [t for t, _ in workwear.cells] == ["5.1", "6.3", "8.7", "8.8", "10.3", "12.7"]
    assert workwear.cell("8.7") == by_category["workwear"] and workwear.cell("2.4") is None
    catering, waste = table.by_category[1], table.by_category[2]
    assert catering.cell("12.5") is None and waste.cell("12.5") == by_category["waste"]
    assert catering.cell("2.4") == Counts(contracts=1, required=1, incomplete=1, value_eur=500_000)

    # the total's cells count every contract that reaches the target once: 8.7 reaches A, B, C, D, not E
    total = table.by_category[-1]
    assert [t for t, _ in total.cells] == [t.target for t in table.targets]
    assert total.cell("8.7") == Counts(
        contracts=4,
        required=3,
        complete=1,
        incomplete=1,
        missing=1,
        voluntary=1,
        value_eur=3_800_000,
        complete_value_eur=1_000_000,
    )
    assert total.cell("12.5") == Counts(contracts=2, required=2, incomplete=1, missing=1, value_eur=2_500_000)
    assert total.cell("7.2") == Counts(contracts=1, voluntary=1, value_eur=300_000)
    assert total.cell("15.2") == Counts()  # no paper contract: a column of zeros, not a missing column

    ex = table.exclusions
    assert (ex.duplicates, ex.other_year, ex.outside, ex.undated_counted) == (1, 1, 1, 0)
    assert ex.unreadable == ("G-kapot.pdf",)
    assert ex.needs_review == ("F-onduidelijk.docx",)
    assert ex.undated == ("J-zonder-datum.docx",)


def test_per_ministry_each_contract_once_under_its_ministry(ruleset):
    """Rijkswaterstaat and the ministry itself are one row; DJI (an alias) is Justitie en Veiligheid; a
    municipality stays as found; a report without an authority has a row of its own."""
    table = aggregate(reports(), ruleset, year=2026)
    assert [r.key for r in table.by_ministry] == [JENV, IENW, "Gemeente Zwolle", NO_AUTHORITY, None]
    ministries = rows_of(table.by_ministry)
    assert ministries[IENW] == Counts(
        contracts=2, required=2, complete=1, missing=1, value_eur=3_000_000, complete_value_eur=1_000_000
    )
    assert ministries[JENV] == Counts(contracts=1, required=1, incomplete=1, value_eur=500_000)
    assert ministries[NO_AUTHORITY] == Counts(contracts=1, without_value=1)
    assert ministries[None] == table.total
    assert sum(c.contracts for k, c in ministries.items() if k is not None) == table.total.contracts


def test_per_year_each_contract_once_under_its_year(ruleset):
    table = aggregate(reports(), ruleset)
    assert [r.key for r in table.by_year] == ["2025", "2026", NO_DATE, None]
    years = rows_of(table.by_year)
    assert years["2026"].contracts == 5 and years["2025"].contracts == 1 and years[NO_DATE].contracts == 1
    assert years[None] == table.total and table.total.contracts == 7
    assert sdg_view(table, ruleset)["by_year"][-2]["label"] == "zonder documentdatum"
    assert sdg_view(aggregate(reports(), ruleset, year=2026), ruleset)["by_year"] == []  # one year: no table


def test_without_a_year_every_dated_and_undated_report_counts(ruleset):
    table = aggregate(reports(), ruleset)
    assert table.total.contracts == 7  # A-E, I and J
    assert table.total.required == 5 and table.total.complete == 3
    assert table.exclusions.undated_counted == 1 and table.exclusions.undated == ()
    assert table.by_category[-1].cell("12.7").contracts == 6


def test_identical_files_count_once_whatever_their_name(ruleset):
    twice = [Report.model_validate(make(name, categories=("energy",), sha="b" * 64)) for name in ("x.docx", "y.docx")]
    table = aggregate(twice, ruleset)
    assert table.total.contracts == 1 and table.exclusions.duplicates == 1


def test_targets_and_links_come_from_the_rules(ruleset):
    table = aggregate(reports(), ruleset, year=2026)
    expected = sorted({link.target for link in ruleset.sdg}, key=lambda t: tuple(int(p) for p in t.split(".")))
    assert [t.target for t in table.targets] == expected  # every target: the table keeps its shape
    view = sdg_view(table, ruleset, "nl")
    assert [r["target"] for r in view["by_target"]] == expected
    assert {link["rule"] for link in view["links"]} == {link.id for link in ruleset.sdg}
    assert {link["rationale"] for link in view["links"]} == {link.rationale_nl for link in ruleset.sdg}
    english = sdg_view(table, ruleset, "en")
    assert {link["rationale"] for link in english["links"]} == {link.rationale_en for link in ruleset.sdg}


def test_method_note_says_what_was_not_counted(ruleset):
    method = " ".join(sdg_view(aggregate(reports(), ruleset, year=2026), ruleset, "nl")["method"])
    assert "1 rapport(en) zonder documentdatum tellen niet mee in de tabel: J-zonder-datum.docx" in method
    assert "1 onleesbare document(en) en 1 document(en) waarvoor handmatige beoordeling nodig is" in method
    assert "1 rapport(en) van een bestand dat al was geteld (gelijke sha256)" in method
    assert "Geef per contract één formaat op" in method
    assert "1 rapport(en) met een ander jaar" in method
    assert "ondergebracht bij het ministerie" in method
    assert f"regelset isv-rijk {ruleset.info.version}" in method
    assert "bij draagt" not in method  # issue 18: the typo "daadwerkelijk bij draagt"
    english = " ".join(sdg_view(aggregate(reports(), ruleset, year=2026), ruleset, "en")["method"])
    assert "Pass one format per contract" in english and f"ruleset isv-rijk {ruleset.info.version}" in english


@pytest.mark.parametrize(("lang", "fmt"), [("nl", "md"), ("nl", "html"), ("en", "md")])
def test_table_matches_golden(lang, fmt, ruleset):
    text = render_sdg_table(aggregate(reports(), ruleset, year=2026), ruleset, fmt, lang).decode("utf-8")
    text = text.replace(ruleset.info.version, "(version)")  # the rules' version moves on; the table does not
    if fmt == "html":
        assert re.search(r'src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', text)
        text = re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,(chart)", text)
    assert_golden(f"sdg/hand-set.2026.{lang}.{fmt}", text)


def test_csv_holds_every_table_in_one_sheet_of_numbers(ruleset):
    table = aggregate(reports(), ruleset)
    rows = list(csv.reader(io.StringIO(render_sdg_table(table, ruleset, "csv").decode("utf-8"))))
    header, body = rows[0], rows[1:]
    targets = [t.target for t in table.targets]
    assert header[:4] == ["Tabel", "Sleutel", "Groep", "Naam"] and header[-len(targets) :] == targets
    sections = [r[0] for r in body]
    assert sections.count("Per categorie en SDG-subdoel") == len(table.by_category)
    assert sections.count("Per SDG-subdoel") == len(targets)
    assert sections.count("Per ministerie") == len(table.by_ministry)
    assert sections.count("Per jaar") == len(table.by_year)
    column = {name: i for i, name in enumerate(header)}
    workwear = next(r for r in body if r[1] == "workwear")
    assert workwear[column["8.7"]] == "2" and workwear[column["2.4"]] == ""  # A and I complete; not linked
    total = next(r for r in body if r[0] == "Per categorie en SDG-subdoel" and r[3] == "Totaal")
    assert total[4:9] == ["7", "5", "3", "1", "1"] and total[column["12.5"]] == "0"
    assert total[column["Waarde volledig toegepast (EUR)"]] == "2250000.00"  # A, I and J


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_docx_is_one_compact_portrait_table_per_category(ruleset):
    """Regression (issue 18): the table repeated every category under each of five targets, 7 pages
    landscape. Now one row per category with a column per target, on portrait A4."""
    table = aggregate(reports(), ruleset, year=2026)
    document = docx.Document(io.BytesIO(render_sdg_table(table, ruleset, "docx")))
    section = document.sections[0]
    assert section.page_width < section.page_height  # portrait
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Per categorie en SDG-subdoel", "Per SDG-subdoel", "Per ministerie", "Methode"]
    main, targets, ministries = document.tables
    categories = len(ruleset.categories)
    assert len(main.rows) == 2 + categories + 1  # two header rows, the categories, the total
    assert len(main.columns) == 1 + 4 + len(table.targets)
    assert [c.text for c in main.rows[1].cells][5:] == [t.target for t in table.targets]
    workwear = [c.text for c in main.rows[2].cells]
    assert workwear[:5] == ["Bedrijfskleding", "1", "1", "100,0%", "1,0"]
    assert workwear[5] == "\u00b7" and workwear[5 + [t.target for t in table.targets].index("8.7")] == "1"
    assert "Consumptieve dienstverlening" in main.rows[3].cells[0].text  # catering's group
    assert [c.text for c in main.rows[-1].cells][:5] == ["Totaal", "3", "1", "33,3%", "1,0"]
    assert len(targets.rows) == 1 + len(table.targets)
    assert [c.text for c in ministries.rows[-1].cells][:4] == ["Totaal", "5", "3", "1"]
    assert document.inline_shapes and document.inline_shapes[0].type is not None  # the chart


def many_reports(count: int = 300) -> list[Report]:
    """A year's worth of reports over every category, authority and verdict: an archive's table."""
    ruleset = cached_ruleset()
    categories = [c.category for c in ruleset.categories]
    authorities = ["Rijkswaterstaat", "DJI", "Belastingdienst", "DUO", "SSC-ICT", "Gemeente Utrecht", "Logius"]
    verdicts = ["compliant", "incomplete", "missing", "not_required"]
    out = []
    for number in range(count):
        verdict = verdicts[number // 3 % len(verdicts)]
        chosen = (categories[number % len(categories)],) + ((categories[3],) if number % 7 == 0 else ())
        out.append(
            make(
                f"{number:03d}.docx",
                verdict=verdict,
                categories=tuple(dict.fromkeys(chosen)),
                required=verdict != "not_required",
                clause=verdict != "missing",
                value=100_000.0 * (number % 13 + 1),
                date=f"{2021 + number % 6}-05-01",
                authority=authorities[number % len(authorities)],
            )
        )
    return [Report.model_validate(r) for r in out]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice to lay out pages")
def test_docx_table_fits_the_first_page(tmp_path, ruleset):
    """Laid out by LibreOffice, a table of 300 contracts has its whole table per category and SDG
    target on the first page, and the document takes a few pages, not seven."""
    out = tmp_path / "table.docx"
    out.write_bytes(render_sdg_table(aggregate(many_reports(), ruleset), ruleset, "docx"))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pages = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "table.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    first = [" ".join(line.split()) for line in pages[0].splitlines()]
    assert any(line.startswith("Dataverbindingen") for line in first)  # the last category ...
    assert any(re.match(r"Totaal \d+ \d+ \d+,\d%", line) for line in first)  # ... and its total, on page 1
    assert len(pages) <= 4


def test_xlsx_holds_the_tables_a_native_chart_and_the_picture(ruleset):
    table = aggregate(reports(), ruleset)
    with zipfile.ZipFile(io.BytesIO(render_sdg_table(table, ruleset, "xlsx"))) as book:
        names = book.namelist()
        workbook = book.read("xl/workbook.xml").decode("utf-8")
        strings = html.unescape(book.read("xl/sharedStrings.xml").decode("utf-8"))
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
        contracts = book.read("xl/worksheets/sheet5.xml").decode("utf-8")
        chart = book.read("xl/charts/chart1.xml").decode("utf-8")
        drawing = book.read("xl/drawings/drawing1.xml").decode("utf-8")
    sheets = re.findall(r'<sheet name="([^"]+)"', workbook)
    assert sheets == ["SDG-tabel", "Per ministerie", "Per jaar", "Methode", "Contracten"]
    assert "Bijdrage van de ISV aan de SDG's" in strings and "Consumptieve dienstverlening" in strings
    assert "<v>2000000</v>" in sheet  # the value with ISV applied completely, in whole euros
    assert contracts.count("<row ") == 1 + table.total.contracts
    # a chart Excel draws from the table's cells: the categories' names and their share complete
    assert "<c:barChart>" in chart
    first, last = 7, 6 + len(ruleset.categories)
    assert f"'SDG-tabel'!$B${first}:$B${last}" in chart and f"'SDG-tabel'!$E${first}:$E${last}" in chart
    # ... beside the picture: both anchored on the same row of the first sheet
    assert "xl/media/image1.png" in names
    anchors = re.findall(
        r"<xdr:from><xdr:col>(\d+)</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>", drawing
    )
    assert len(anchors) == 2 and anchors[0][1] == anchors[1][1] and anchors[0][0] != anchors[1][0]


def _strings_of(fmt: str, data: bytes) -> str:
    if fmt == "docx":
        return _docx_text(data)
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return html.unescape(book.read("xl/sharedStrings.xml").decode("utf-8"))
    return html.unescape(data.decode("utf-8"))


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "docx", "xlsx"])
def test_each_language_holds_only_its_own_words(fmt, ruleset):
    """Regression (issue 18): the Dutch table showed the SDG rationales in English. Every phrase that
    differs between the languages (rationales, target titles, categories, groups, the catalogue's
    table phrases) appears only in the output of its own language."""
    from isv_checker.i18n.catalogue import messages

    table = aggregate(reports(), ruleset)
    pairs = [(link.rationale_nl, link.rationale_en) for link in ruleset.sdg]
    pairs += [(link.title_nl, link.title_en) for link in ruleset.sdg]
    pairs += [(c.name_nl, c.name_en) for c in ruleset.categories]
    pairs += [(g.name_nl, g.name_en) for g in ruleset.groups]
    nl, en = messages("nl", ruleset.vocabulary), messages("en", ruleset.vocabulary)
    pairs += [(nl[key], en[key]) for key in nl if key.startswith(("col_", "h_by", "m_counting", "cells_note"))]
    pairs = [(a, b) for a, b in pairs if a != b and "{" not in a]
    dutch = _strings_of(fmt, render_sdg_table(table, ruleset, fmt, "nl"))
    english = _strings_of(fmt, render_sdg_table(table, ruleset, fmt, "en"))

    def holds(text: str, phrase: str) -> bool:  # as words: "Categorie" is not in "Categories"
        return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None

    assert [b for _, b in pairs if holds(dutch, b)] == []
    assert [a for a, _ in pairs if holds(english.replace("Jaarrapportage", ""), a)] == []  # the report's name
    assert all(link.rationale_nl in dutch for link in ruleset.sdg) or fmt == "csv"  # the CSV has no method note


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
        assert (
            main(["sdg-table", str(results), "--year", "2026", "-o", str(tmp_path / f"table.{fmt}"), "--lang", "nl"])
            == 0
        )
    expected = render_sdg_table(aggregate(reports(), ruleset, year=2026), ruleset, "md")
    assert (tmp_path / "table.md").read_bytes() == expected
    assert main(["sdg-table", str(results), "-o", str(tmp_path / "table.en.md"), "--lang", "en"]) == 0
    assert (tmp_path / "table.en.md").read_text(encoding="utf-8").startswith("# Contribution of ISV to the SDGs")
    assert "5 contract(en) geteld" in capsys.readouterr().err


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


# --- the ministries ---------------------------------------------------------------------------------


def test_every_ministry_and_authority_in_sdg_yaml_is_a_known_name(ruleset):
    names = {entry.name for entry in ruleset.authority_names}
    listed = [name for m in ruleset.ministries for name in (m.ministry, *m.authorities)]
    assert listed and set(listed) <= names and len(listed) == len(set(listed))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m[2]["authorities"].append("Rijkswaterstraat"), r"'Rijkswaterstraat' is not a `name:`"),
        (lambda m: m[3]["authorities"].append("Rijkswaterstaat"), r"'Rijkswaterstaat' is listed twice"),
    ],
)
def test_a_wrong_ministry_list_stops_loading_and_names_the_file(tmp_path, change, message):
    import yaml

    from isv_checker.ruleset.load import DEFAULT_RULES_DIR, RulesError, load_ruleset

    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    data = yaml.safe_load((rules / "sdg.yaml").read_text(encoding="utf-8"))
    change(data["ministries"])
    (rules / "sdg.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(RulesError, match=r"sdg\.yaml: `ministries:` " + message):
        load_ruleset(rules)
