"""The compliance memo: golden Markdown and HTML, a Word memo that reopens with real headings and
tables, the view model's sentences and wording, and the `memo` command as a buyer uses it."""

from __future__ import annotations

import io
import itertools
import json
import re
import shutil
import subprocess

import docx
import pytest

import isv_checker
from isv_checker.cli import main
from isv_checker.render.memo import (
    memo_format,
    memo_view,
    render_memo,
    verdict_sentence,
)
from isv_checker.report import Report
from isv_checker.ruleset.load import cached_ruleset

from .conftest import SAMPLES
from .golden import GOLDEN, assert_golden

REPORTS = GOLDEN / "reports"


def frozen(name: str) -> Report:
    return Report.model_validate(json.loads((REPORTS / f"{name}.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def ruleset():
    return cached_ruleset()


GOLDEN_CASES = [
    ("rws-bedrijfskleding-2024", "nl", ("md", "html")),
    ("dictu-laptops-2025", "nl", ("md", "html")),
    ("dictu-laptops-2025", "en", ("md",)),
    ("rws-energie-objecten-2021", "nl", ("md", "html")),
    ("pve-werkplekapparatuur-2023", "nl", ("md",)),
    ("rws-storage-systems-2022", "en", ("md", "html")),
]


@pytest.mark.parametrize(
    ("name", "lang", "formats"), GOLDEN_CASES, ids=[f"{name}-{lang}" for name, lang, _ in GOLDEN_CASES]
)
def test_memo_matches_golden(name, lang, formats, ruleset):
    report = frozen(name)
    for fmt in formats:
        text = render_memo(report, ruleset, fmt, lang).decode("utf-8")
        assert_golden(f"memo/{name}.{lang}.{fmt}", text)


def test_frozen_reports_cover_the_verdicts():
    verdicts = {frozen(name).verdict for name, _, _ in GOLDEN_CASES}
    assert verdicts == {"compliant", "incomplete", "missing", "needs_review"}


def test_html_memo_is_self_contained_and_printable(ruleset):
    html = render_memo(frozen("dictu-laptops-2025"), ruleset, "html").decode("utf-8")
    assert "<style>" in html and "@page" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), (
        "the memo must not load anything from the network"
    )
    assert "<script" not in html and "@import" not in html and "url(" not in html
    assert html.count("<tr>") >= 7  # the six elements and their header
    assert '<html lang="nl">' in html


def test_docx_memo_reopens_with_headings_and_tables(ruleset):
    report = frozen("dictu-laptops-2025")
    document = docx.Document(io.BytesIO(render_memo(report, ruleset, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Oordeel",
        "Waarom",
        "De zes elementen van de ISV-clausule",
        "Terzijde gelegd",
        "Wat te doen",
        "Bijdrage aan de SDG's",
    ]
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == "ISV-toets: Raamovereenkomst Laptops en Monitoren ICT Werkomgeving Rijk"
    facts, elements, decoys = document.tables
    assert [row.cells[0].text for row in facts.rows][:2] == ["Document", "Aanbestedende dienst"]
    rows = [[cell.text for cell in row.cells] for row in elements.rows]
    assert rows[0] == ["Element", "Status", "Waar", "Geciteerde woorden"]
    assert len(rows) == 7
    for row, element in zip(rows[1:], report.clause.elements, strict=True):
        assert row[0] == element.name_nl
        assert row[1] == ("gevonden" if element.found else "ontbreekt")
        if element.found:
            assert row[2].startswith(element.evidence[0].location)
            assert row[3] == f"“{element.evidence[0].quote}”"
    assert len(decoys.rows) == 1 + len({d.rule for d in report.decoys})
    steps = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    missing = [e for e in report.clause.elements if not e.found]
    assert steps == [e.name_nl for e in missing]
    wording = {e.element: e.model_wording_nl for e in ruleset.elements}
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes == [wording[e.id] for e in missing]


def test_docx_memo_in_english(ruleset):
    document = docx.Document(io.BytesIO(render_memo(frozen("rws-energie-objecten-2021"), ruleset, "docx", "en")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["Verdict", "Why"]
    assert "Missing. ISV is mandatory for this tender, but no ISV clause was found." in [
        p.text for p in document.paragraphs
    ]


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        (
            "rws-bedrijfskleding-2024",
            "De ISV zijn verplicht voor deze aanbesteding en de clausule is aanwezig en volledig",
        ),
        ("dictu-laptops-2025", "de clausule is aanwezig maar onvolledig: drie van de zes elementen ontbreken."),
        (
            "rws-energie-objecten-2021",
            "De ISV zijn verplicht voor deze aanbesteding, maar er is geen ISV-clausule gevonden.",
        ),
        (
            "pve-werkplekapparatuur-2023",
            "Of de ISV verplicht zijn, is niet vast te stellen: de aanbestedende dienst is niet herkend.",
        ),
    ],
)
def test_verdict_in_one_sentence(name, sentence, ruleset):
    assert sentence in verdict_sentence(frozen(name), ruleset, "nl")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "nl",
            "ligt onder de drempel, maar het document noemt een procedure die op of boven de drempel wordt gebruikt",
        ),
        ("en", "is below the threshold, but the document names a procedure that is used at or above it"),
    ],
)
def test_needs_review_for_a_value_in_doubt_says_why_not_that_it_is_missing(lang, expected, ruleset):
    text = (
        "Raamovereenkomst Kantoorartikelen\n\nAanbestedende dienst: Ministerie van Financiën. Datum: 12 maart 2024.\n\n"
        "1 Onderwerp\n\nLevering van kantoorartikelen via een Europese openbare procedure. "
        "De geraamde opdrachtwaarde bedraagt EUR 120.000 exclusief btw.\n"
    )
    report = isv_checker.check_bytes(text.encode(), "case.txt")
    sentence = verdict_sentence(report, ruleset, lang)
    assert report.verdict == "needs_review" and expected in sentence
    assert "geen geraamde opdrachtwaarde" not in sentence and "states no estimated value" not in sentence


def test_missing_clause_gets_model_wording_for_all_six_elements_in_the_documents_language(ruleset):
    report = frozen("rws-storage-systems-2022")  # an English tender
    view = memo_view(report, ruleset, "nl")
    by_id = {e.element: e for e in ruleset.elements}
    steps = view["actions"]["steps"]
    assert [s["id"] for s in steps] == [e.id for e in report.clause.elements if not e.found]
    assert all(s["wording"] == by_id[s["id"]].model_wording_en for s in steps)
    assert view["actions"]["wording_note"]  # says the wording is in the document's language

    missing = memo_view(frozen("rws-energie-objecten-2021"), ruleset, "en")
    assert [s["id"] for s in missing["actions"]["steps"]] == [e.element for e in ruleset.elements]
    assert all(s["wording"] == by_id[s["id"]].model_wording_nl for s in missing["actions"]["steps"])


def test_decoy_reasons_and_sdg_titles_follow_the_memo_language(ruleset):
    report = frozen("rws-storage-systems-2022")
    reasons_nl = {d.reason_nl for d in ruleset.decoys}
    view = memo_view(report, ruleset, "nl")
    assert view["decoys"] and all(d["reason"] in reasons_nl for d in view["decoys"])
    titles_nl = {link.title_nl for link in ruleset.sdg}
    assert view["sdg"]["targets"] and all(s["title"] in titles_nl for s in view["sdg"]["targets"])


def test_sdg_targets_once_isv_is_applied(ruleset):
    view = memo_view(frozen("rws-energie-objecten-2021"), ruleset, "nl")
    targets = [s["target"] for s in view["sdg"]["targets"]]
    assert {"8.7", "8.8", "12.7", "7.2"} <= set(targets)  # any ISV contract, and energy's own target
    assert targets == sorted(targets, key=lambda t: tuple(int(p) for p in t.split(".")))


def test_unreadable_report_gives_a_memo_not_a_crash(ruleset):
    report = isv_checker.check_bytes(b"%PDF-1.4 broken", "kapot.pdf", ruleset=ruleset)
    assert report.verdict == "unreadable"
    for fmt in ("md", "html", "docx"):
        assert render_memo(report, ruleset, fmt)
    assert "Niet te controleren" in render_memo(report, ruleset, "md").decode()


def test_memo_format_follows_the_extension():
    assert [memo_format(p) for p in ("a.DOCX", "b.md", "c.html", "d.htm", "e.pdf", "f")] == [
        "docx",
        "md",
        "html",
        "html",
        None,
        None,
    ]


# --- the command -------------------------------------------------------------------------------


def test_memo_command_writes_each_format_and_exits_like_scan(tmp_path, capsys):
    sample = SAMPLES / "rws-bedrijfskleding-2024.docx"
    expected = 1 if isv_checker.check(sample).verdict in ("incomplete", "missing", "needs_review") else 0
    for name in ("memo.md", "memo.html", "memo.docx"):
        assert main(["memo", str(sample), "-o", str(tmp_path / name), "--lang", "nl"]) == expected
    assert (tmp_path / "memo.md").read_text(encoding="utf-8").startswith("# ISV-toets: ")
    assert "Datum memo" in (tmp_path / "memo.md").read_text(encoding="utf-8")
    docx.Document(str(tmp_path / "memo.docx"))
    assert main(["memo", str(sample), "-o", str(tmp_path / "memo.en.md"), "--lang", "en"]) == expected
    assert (tmp_path / "memo.en.md").read_text(encoding="utf-8").startswith("# ISV check: ")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temporary files left


def test_memo_command_uses_a_user_template(tmp_path):
    template = tmp_path / "mine.md.j2"
    template.write_text("{{ t.h_verdict }}: {{ verdict_label }} ({{ file }})\n", encoding="utf-8")
    out = tmp_path / "memo.md"
    main(
        [
            "memo",
            str(SAMPLES / "rws-bedrijfskleding-2024.docx"),
            "-o",
            str(out),
            "--template",
            str(template),
            "--lang",
            "nl",
        ]
    )
    assert out.read_text(encoding="utf-8").startswith("Oordeel: ")
    assert out.read_text(encoding="utf-8").rstrip().endswith("(rws-bedrijfskleding-2024.docx)")


def test_memo_command_uses_another_rules_folder(tmp_path):
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(cached_ruleset().directory, rules)
    info = (rules / "ruleset.yaml").read_text(encoding="utf-8").replace('version: "', 'version: "9-test-')
    (rules / "ruleset.yaml").write_text(info, encoding="utf-8")
    out = tmp_path / "memo.md"
    main(["memo", str(SAMPLES / "rws-bedrijfskleding-2024.docx"), "-o", str(out), "--rules", str(rules)])
    assert "9-test-" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["memo", "{sample}", "-o", "{tmp}/memo.pdf"], "unknown memo format '.pdf'"),
        (["memo", "{tmp}/absent.docx", "-o", "{tmp}/memo.md"], "no such file"),
        (
            ["memo", "{sample}", "-o", "{tmp}/memo.docx", "--template", "{tmp}/t.j2"],
            "--template applies to .md and .html",
        ),
        (["memo", "{sample}", "-o", "{tmp}/no/such/folder/memo.md"], "does not exist"),
        (["memo", "{sample}", "-o", "{tmp}/taken.md"], "cannot write"),
        (["memo", "{broken}", "-o", "{tmp}/memo.md"], "cannot be checked: corrupt"),
        (["memo", "{sample}", "-o", "{tmp}/memo.md", "--rules", "{tmp}"], "the rules cannot be used"),
        (["memo", "{sample}", "-o", "{tmp}/memo.md", "--template", "{tmp}/bad.md.j2"], "template syntax error"),
    ],
    ids=[
        "extension",
        "missing-input",
        "docx-template",
        "no-folder",
        "output-is-a-folder",
        "unreadable",
        "bad-rules",
        "bad-template",
    ],
)
def test_memo_command_errors_exit_2_with_a_message(args, message, tmp_path, capsys):
    (tmp_path / "taken.md").mkdir()
    broken = tmp_path / "kapot.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "bad.md.j2").write_text("{% if %}", encoding="utf-8")
    values = {"sample": str(SAMPLES / "rws-bedrijfskleding-2024.docx"), "tmp": str(tmp_path), "broken": str(broken)}
    assert main([a.format(**values) for a in args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


# --- a heading is never alone at the bottom of a page (issue 18: "Wat te doen" left alone) ----------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _body(document) -> list:
    """The body's paragraphs and tables in order, as python-docx objects ('table' for a table)."""
    paragraphs = {p._p: p for p in document.paragraphs}
    return [
        paragraphs[e] if e.tag == W + "p" else "table" for e in document.element.body if e.tag in (W + "p", W + "tbl")
    ]


def _leading(body: list) -> list:
    """The paragraphs that must stay with the one after them: headings, and the lead-ins to a table, a
    list or the wording to add."""
    out = []
    for before, after in itertools.pairwise(body):
        if before == "table" or not before.text.strip():
            continue
        leads_in = after == "table" or after.style.name in ("Heading 2", "List Bullet")
        if before.style.name.startswith("Heading") or (before.style.name == "Normal" and leads_in):
            out.append(before)
    return out


@pytest.mark.parametrize(
    "draft", ["cjib-glasvezelverbindingen-2024.docx", "dictu-laptops-2025.docx", "rws-energie-objecten-2021.docx"]
)
def test_docx_memo_keeps_headings_and_lead_ins_with_what_follows(draft, tmp_path):
    out = tmp_path / "memo.docx"
    main(["memo", str(SAMPLES / draft), "-o", str(out)])
    leading = _leading(_body(docx.Document(str(out))))
    assert any(p.style.name == "Heading 1" and p.text in ("Wat te doen", "What to do") for p in leading)
    for paragraph in leading:  # set on the paragraph, not left to a style
        assert paragraph.paragraph_format.keep_with_next, paragraph.text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice to lay out pages")
def test_docx_memo_page_ends_with_no_heading_or_lead_in(tmp_path):
    """Laid out by LibreOffice, this memo used to end page 1 with "Wat te doen" and its lead-ins."""
    out = tmp_path / "memo.docx"
    main(["memo", str(SAMPLES / "cjib-glasvezelverbindingen-2024.docx"), "-o", str(out), "--lang", "nl"])
    kept = [" ".join(p.text.split()) for p in _leading(_body(docx.Document(str(out))))]
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pages = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "memo.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    for page in [p for p in pages if p.strip()][:-1]:
        lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
        footer = max(i for i, line in enumerate(lines) if line.startswith("Gemaakt door"))
        last = lines[footer - 1]
        assert not any(text.endswith(last) for text in kept), last
