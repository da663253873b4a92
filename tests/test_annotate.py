"""The marked-up copy: comments on the right words, the reader's paragraph numbers, fallbacks that say
where the words are, and a copy whose text and formatting are the draft's own."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

import isv_checker
from isv_checker.cli import main
from isv_checker.readers.docx import counted_paragraphs
from isv_checker.render.annotate import (
    AnnotateError,
    _segments,
    _sentence,
    annotate_docx,
    comment_ranges,
)
from isv_checker.render.memo import advice_elements
from isv_checker.report import Evidence
from isv_checker.ruleset.load import cached_ruleset

from .conftest import SAMPLES
from .test_reader_docx import docx_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
COMMENT_MARKUP = (W + "commentRangeStart", W + "commentRangeEnd")
DRAFTS = [
    "rws-bedrijfskleding-2024.docx",
    "dictu-laptops-2025.docx",
    "rws-energie-objecten-2021.docx",
    "rws-storage-systems-2022.docx",
]


@pytest.fixture(scope="module")
def ruleset():
    return cached_ruleset()


@pytest.fixture(scope="module")
def annotated(ruleset):
    """Each draft with its report and its marked-up copy, made once for the module."""
    out = {}
    for name in DRAFTS:
        data = (SAMPLES / name).read_bytes()
        report = isv_checker.check_bytes(data, name, ruleset=ruleset)
        out[name] = (data, report, annotate_docx(data, report, ruleset))
    return out


def norm(text: str) -> str:
    return " ".join(text.split()).lower()


def blocks(data: bytes, name: str) -> list[tuple]:
    document = isv_checker.read_bytes(data, name)
    return [(b.kind, b.text, b.paragraph, b.label, b.table, b.row, b.column, b.heading_path) for b in document.blocks]


def runs_without_comments(data: bytes) -> list[list[tuple[bytes, str]]]:
    """Per body paragraph: (run properties, text) with comment markup gone and equal neighbours merged,
    i.e. what the paragraph looks like whatever runs were split to anchor a comment."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    paragraphs = []
    for p in root.iter(W + "p"):
        merged: list[tuple[bytes, str]] = []
        for r in p.iter(W + "r"):
            if r.find(W + "commentReference") is not None:
                continue
            rpr = r.find(W + "rPr")
            key = etree.tostring(rpr, method="c14n") if rpr is not None else b""
            text = "".join(t.text or "" for t in r.iter(W + "t"))
            if merged and merged[-1][0] == key:
                merged[-1] = (key, merged[-1][1] + text)
            else:
                merged.append((key, text))
        paragraphs.append(merged)
    return paragraphs


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


# --- paragraph numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    sorted(SAMPLES.glob("*.docx"))[:12]
    + [FIXTURES / "libreoffice.docx", FIXTURES / "wijzigingen.docx", FIXTURES / "tabellen.docx"],
    ids=lambda p: p.name,
)
def test_counted_paragraphs_number_exactly_as_the_reader(path):
    document = isv_checker.read(path)
    word = docx.Document(str(path))
    counted = {c.number: c for c in counted_paragraphs(word.element.body, word.styles.element)}
    assert sorted(counted) == list(range(1, len(counted) + 1))
    numbered = [b for b in document.blocks if b.paragraph is not None]
    assert max(b.paragraph for b in numbered) <= len(counted)
    for block in numbered:
        if block.kind.value in ("paragraph", "heading", "list_item"):
            text = "".join(s.text for s in _segments(counted[block.paragraph].element)).strip()
            if "«" not in text and "Formule" not in block.text:  # a merge field's code and an equation read differently
                assert text == block.text, f"par. {block.paragraph}"
        if block.kind.value == "heading":
            assert counted[block.paragraph].heading_level is not None


# --- the marked-up copy ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", DRAFTS)
def test_every_finding_has_its_comment(name, annotated):
    _, report, result = annotated[name]
    clause = report.clause
    found = [e for e in clause.elements if e.found] if clause.present else []
    decoys = {(d.rule, d.evidence.block) for d in report.decoys}
    expected = 1 + (1 + len(found) if clause.present else 0) + len(decoys) + len(advice_elements(report))
    assert sum(len(c.kinds) for c in result.comments) == expected  # findings on the same words share one comment
    copy = docx.Document(io.BytesIO(result.data))
    assert len(list(copy.comments)) == len(result.comments)
    assert {c.author for c in copy.comments} == {"isv-checker"}
    kinds = [kind for c in result.comments for kind in c.kinds]
    assert kinds.count("missing") == len(advice_elements(report))
    assert kinds.count("decoy") == len(decoys)
    assert result.comments[0].kind == "summary"


@pytest.mark.parametrize("name", DRAFTS)
def test_comments_sit_on_the_quoted_words(name, annotated):
    _, report, result = annotated[name]
    ranges = comment_ranges(result.data)
    # evidence in the body is found again word for word; a note says so when it is not (headers, notes)
    alone = [c for c in result.comments if c.kinds in (("clause",), ("decoy",)) and "\nLet op:" not in c.text]
    assert alone and all(c.exact for c in alone), [c.text for c in alone if not c.exact]
    for comment in alone:
        quote = comment.text.split("\u201c", 1)[1].rsplit("\u201d", 1)[0]
        assert norm(ranges[comment.comment_id]) == norm(quote)
    # a found element's comment covers the sentence that states it, quoted words included
    for comment in result.comments:
        if comment.kinds == ("element",) and "\nLet op:" not in comment.text:
            quote = comment.text.split("\u201c", 1)[1].rsplit("\u201d", 1)[0]
            covered = norm(ranges[comment.comment_id])
            assert norm(quote) in covered and len(covered) > len(norm(quote)), (quote, covered)
    if report.clause.present and report.clause.evidence:
        clause_comment = next(c for c in result.comments if "clause" in c.kinds)
        assert clause_comment.paragraph == report.clause.evidence[0].paragraph


@pytest.mark.parametrize("name", DRAFTS)
def test_copy_keeps_text_and_formatting(name, annotated):
    data, _, result = annotated[name]
    assert blocks(result.data, name) == blocks(data, name)
    assert runs_without_comments(result.data) == runs_without_comments(data)
    before, after = parts(data), parts(result.data)
    assert set(before) <= set(after)
    for part, content in before.items():
        if part.startswith("word/") and part.endswith(".xml") and part != "word/document.xml":
            assert canonical(after[part]) == canonical(content), part  # headers, footers, styles, numbering
        elif not part.endswith((".xml", ".rels")):
            assert after[part] == content, part  # images and other binaries
    body_before = etree.fromstring(before["word/document.xml"])
    body_after = etree.fromstring(after["word/document.xml"])
    for tag in ("p", "tbl", "tr", "tc", "sectPr", "drawing"):
        assert len(body_after.findall(f".//{W}{tag}")) == len(body_before.findall(f".//{W}{tag}")), tag


def test_missing_element_comments_hold_the_model_wording(annotated, ruleset):
    _, report, result = annotated["rws-energie-objecten-2021.docx"]
    assert report.verdict == "missing" or report.clause.present  # the frozen sample had no clause
    wording = {e.model_wording_nl for e in ruleset.elements}
    missing = [c for c in result.comments if "missing" in c.kinds]
    assert len(missing) == 1  # one comment at one place, with the wording of each missing element
    lines = missing[0].text.splitlines()
    given = [lines[i + 1] for i, line in enumerate(lines) if line.startswith("Ontbrekend ISV-element:")]
    assert len(given) == len(advice_elements(report)) and set(given) <= wording
    if not report.clause.present:
        heading = missing[0].paragraph
        word = docx.Document(io.BytesIO(result.data))
        counted = {c.number: c for c in counted_paragraphs(word.element.body, word.styles.element)}
        assert counted[heading].heading_level is not None  # at the contract conditions, not just anywhere
        assert "voorwaarden" in "".join(s.text for s in _segments(counted[heading].element)).lower()


def test_english_comments(ruleset):
    data = (SAMPLES / "dictu-laptops-2025.docx").read_bytes()
    report = isv_checker.check_bytes(data, "dictu-laptops-2025.docx", ruleset=ruleset)
    result = annotate_docx(data, report, ruleset, "en", author="Inkoop RWS")
    assert result.comments[0].text.startswith("isv-checker: ")
    assert all("Geciteerd" not in c.text for c in result.comments)
    assert {c.author for c in docx.Document(io.BytesIO(result.data)).comments} == {"Inkoop RWS"}


# --- fallbacks ------------------------------------------------------------------------------------


def _with_decoys(report, *evidence: Evidence):
    """The report with its decoys replaced by one decoy (the first one's rule) per piece of evidence."""
    decoy = report.decoys[0]
    extra = tuple(
        decoy.model_copy(update={"evidence": e.model_copy(update={"block": 1000 + i})}) for i, e in enumerate(evidence)
    )
    return report.model_copy(update={"decoys": extra})


def _evidence(**fields) -> Evidence:
    base = {"block": 0, "start": 0, "end": 4, "quote": "ISV", "location": "par. 1"}
    return Evidence(**{**base, **fields})


def test_evidence_outside_the_body_goes_on_the_first_paragraph_and_says_where(ruleset):
    path = FIXTURES / "isv_bijlage.docx"
    data = path.read_bytes()
    report = isv_checker.check_bytes(data, path.name, ruleset=ruleset)
    assert report.decoys, "the fixture needs a decoy to borrow"
    odd = _with_decoys(
        report,
        _evidence(quote="Aanbestedingsleidraad", location="header"),
        _evidence(quote="OESO-richtlijnen", location="footnote", start=4, end=20),
        _evidence(quote="woorden die er niet staan", paragraph=3, location="par. 3"),
        _evidence(quote="ISV", paragraph=999, location="par. 999"),
    )
    result = annotate_docx(data, odd, ruleset)
    # the three that cannot be found in the body join the summary on the first paragraph, each saying why
    first = result.comments[0]
    assert first.kind == "summary" and first.kinds.count("decoy") == 3
    assert first.paragraph == 1 and not first.exact
    assert "koptekst" in first.text and "voetnoot" in first.text and "alinea 999" in first.text
    third = next(c for c in result.comments if "niet precies teruggevonden" in c.text)
    assert "decoy" in third.kinds and third.paragraph == 3 and not third.exact
    ranges = comment_ranges(result.data)
    word = docx.Document(io.BytesIO(data))
    counted = {c.number: c for c in counted_paragraphs(word.element.body, word.styles.element)}
    whole_third = "".join(s.text for s in _segments(counted[3].element))
    assert ranges[third.comment_id] == whole_third


def test_quote_in_a_text_box_and_in_a_later_paragraph_of_a_table_cell(ruleset):
    path = FIXTURES / "wijzigingen.docx"
    data = path.read_bytes()
    document = isv_checker.read_bytes(data, path.name)
    box = next(b for b in document.blocks if b.kind.value == "text_box")
    cell = next(b for b in document.blocks if b.kind.value == "table_cell" and "\n" in b.text)
    second = cell.text.split("\n")[1]
    word = second.split()[-1]
    report = isv_checker.check_bytes(data, path.name, ruleset=ruleset)
    if not report.decoys:  # borrow a decoy to attach the evidence to
        borrowed = isv_checker.check_bytes((FIXTURES / "isv_bijlage.docx").read_bytes(), "x.docx", ruleset=ruleset)
        report = report.model_copy(update={"decoys": borrowed.decoys[:1]})
    odd = _with_decoys(
        report,
        _evidence(quote=box.text[:12], paragraph=box.paragraph, location=box.location()),
        _evidence(quote=word, paragraph=cell.paragraph, start=cell.text.index(word), location=cell.location()),
    )
    result = annotate_docx(data, odd, ruleset)
    in_box, in_cell = [c for c in result.comments if c.kind == "decoy"]
    assert not in_box.exact and "tekstvak" in in_box.text
    assert in_cell.exact and in_cell.paragraph > cell.paragraph  # the cell's second paragraph (after a text box in it)
    assert comment_ranges(result.data)[in_cell.comment_id] == word
    assert blocks(result.data, path.name) == blocks(data, path.name)


def test_quote_across_runs_with_different_formatting(ruleset, tmp_path):
    document = docx.Document()
    document.add_heading("Artikel 5 Internationale Sociale Voorwaarden", level=1)
    paragraph = document.add_paragraph("De Opdrachtnemer past ")
    paragraph.add_run("gepaste").bold = True
    paragraph.add_run(" zorgvuldigheid toe in de keten.")
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    report = isv_checker.check_bytes(data, "klein.docx", ruleset=ruleset)
    result = annotate_docx(data, report, ruleset)
    element = next(c for c in result.comments if "element" in c.kinds and "zorgvuldigheid" in c.text.lower())
    assert element.exact
    assert (
        norm(comment_ranges(result.data)[element.comment_id])
        == "de opdrachtnemer past gepaste zorgvuldigheid toe in de keten."
    )
    assert runs_without_comments(result.data) == runs_without_comments(data)


_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
SEEN_ALIKE = [
    '<w:r><w:t xml:space="preserve">Artikel </w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>verborgen </w:t></w:r>'
    '<w:r><w:t>3</w:t><w:tab/><w:sym w:font="Symbol" w:char="F0B7"/><w:noBreakHyphen/><w:br/><w:t>slot</w:t></w:r>',
    "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:t>Klik hier</w:t></w:r></w:sdtContent></w:sdt>"
    '<w:r><w:t xml:space="preserve"> Gepaste zorgvuldigheid</w:t></w:r>',
    "<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>OESO-richtlijnen</w:t></w:r></w:sdtContent></w:sdt>",
    '<w:ins w:id="1" w:author="a"><w:r><w:t xml:space="preserve">ingevoegd </w:t></w:r></w:ins>'
    '<w:del w:id="2" w:author="a"><w:r><w:delText>weg</w:delText></w:r></w:del><w:r><w:t>blijft</w:t></w:r>',
    '<mc:AlternateContent><mc:Choice Requires="w14"><w:r><w:t>keuze</w:t></w:r></mc:Choice>'
    "<mc:Fallback><w:r><w:t>terugval</w:t></w:r></mc:Fallback></mc:AlternateContent>",
    '<w:bookmarkStart w:id="0" w:name="b"/><w:proofErr w:type="spellStart"/><w:smartTag w:uri="u" w:element="e">'
    '<w:smartTagPr/><w:r><w:t>slim</w:t></w:r></w:smartTag><w:customXml w:element="x"><w:r><w:t xml:space="preserve"> eigen</w:t>'
    '</w:r></w:customXml><w:bookmarkEnd w:id="0"/><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t xml:space="preserve"> zichtbaar</w:t></w:r>',
]


def test_the_copy_sees_the_characters_the_reader_reads():
    """Quotes are found again in the runs, so the copy must see each paragraph's text as the reader reads it."""
    paragraphs = "".join(f"<w:p>{content}</w:p>" for content in SEEN_ALIKE)
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W[1:-1]}" '
        f'xmlns:mc="{_MC_NS}"><w:body>{paragraphs}<w:sectPr/></w:body></w:document>'
    )
    document = isv_checker.read_bytes(docx_bytes(xml), "gelijk.docx")
    body = etree.fromstring(xml.encode()).find(W + "body")
    seen = ["".join(segment.text for segment in _segments(p)).strip() for p in body.iter(W + "p")]
    assert seen == [block.text for block in document.blocks]
    assert seen[0] == "Artikel 3\t•-\nslot" and seen[1] == "Gepaste zorgvuldigheid" and seen[4] == "keuze"


def test_not_a_docx_is_refused(ruleset):
    report = isv_checker.check(SAMPLES / "dictu-laptops-2025.txt", ruleset=ruleset)
    with pytest.raises(AnnotateError, match="Word"):
        annotate_docx(b"", report, ruleset)


# --- the command ----------------------------------------------------------------------------------


def test_annotate_command_writes_a_copy_and_leaves_the_draft_alone(tmp_path, capsys):
    draft = tmp_path / "concept.docx"
    draft.write_bytes((SAMPLES / "dictu-laptops-2025.docx").read_bytes())
    digest = hashlib.sha256(draft.read_bytes()).hexdigest()
    out = tmp_path / "concept.isv.docx"
    verdict = isv_checker.check(draft).verdict
    assert main(["annotate", str(draft), "-o", str(out)]) == (
        1 if verdict in ("incomplete", "missing", "needs_review") else 0
    )
    assert hashlib.sha256(draft.read_bytes()).hexdigest() == digest
    assert len(list(docx.Document(str(out)).comments)) > 1
    assert "comment(s)" in capsys.readouterr().err


def test_annotate_command_refuses_a_pdf_and_offers_the_memo(tmp_path, capsys):
    out = tmp_path / "x.docx"
    assert main(["annotate", str(SAMPLES / "dictu-laptops-2025.pdf"), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "needs the draft as a Word document (.docx)" in err and "isv-check memo" in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("output", "message"),
    [("same", "the draft itself"), ("copy.pdf", "ending in .docx"), ("folder.docx", "cannot write")],
)
def test_annotate_command_errors(output, message, tmp_path, capsys):
    draft = tmp_path / "concept.docx"
    draft.write_bytes((SAMPLES / "rws-bedrijfskleding-2024.docx").read_bytes())
    (tmp_path / "folder.docx").mkdir()
    target = draft if output == "same" else tmp_path / output
    assert main(["annotate", str(draft), "-o", str(target)]) == 2
    assert message in capsys.readouterr().err


# --- one comment per place (issue 18: 5 of 7 comments piled on "gepaste zorgvuldigheid") ------------


def _covered(data: bytes) -> tuple[dict[int, str], list[str]]:
    """Each comment's covered text by id, and the words that two or more comments cover."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    opened: set[str] = set()
    piled = []
    for element in root.iter():
        if element.tag == W + "commentRangeStart":
            opened.add(element.get(W + "id"))
        elif element.tag == W + "commentRangeEnd":
            opened.discard(element.get(W + "id"))
        elif element.tag == W + "t" and len(opened) > 1 and (element.text or "").strip():
            piled.append(element.text)
    return comment_ranges(data), piled


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.docx")), ids=lambda p: p.name)
def test_no_two_comments_on_the_same_words(path, tmp_path):
    out = tmp_path / "copy.docx"
    assert main(["annotate", str(path), "-o", str(out)]) in (0, 1)
    ranges, piled = _covered(out.read_bytes())
    comments = list(docx.Document(str(out)).comments)
    assert len(ranges) == len(comments)
    assert not piled


def test_no_two_comments_on_the_same_words_in_a_tender(tmp_path):
    out = tmp_path / "copies"
    assert main(["annotate", str(SAMPLES / "tenders" / "dji-bedrijfskleding-2019.zip"), "-o", str(out)]) in (0, 1)
    copies = sorted(out.rglob("*.isv.docx"))
    assert copies
    for copy in copies:
        ranges, piled = _covered(copy.read_bytes())
        assert len(ranges) == len(list(docx.Document(str(copy)).comments)) and not piled, copy.name


def _comments(path: Path) -> list[tuple[str, str]]:
    """(covered text, comment text) of each comment in a copy, whitespace made single."""
    ranges = comment_ranges(path.read_bytes())
    return [(" ".join(ranges[c.comment_id].split()), c.text) for c in docx.Document(str(path)).comments]


def test_elements_stated_in_different_sentences_get_their_own_sentence(tmp_path):
    out = tmp_path / "copy.docx"
    main(["annotate", str(SAMPLES / "cjib-glasvezelverbindingen-2024.docx"), "-o", str(out), "--lang", "nl"])
    comments = _comments(out)
    due = [covered for covered, text in comments if "Gepaste zorgvuldigheid (OESO/UNGP)" in text]
    norms = [covered for covered, text in comments if "Normen (ILO-kernverdragen" in text]
    report = [covered for covered, text in comments if "Rapportage aan de opdrachtgever." in text.split("\n")[0]]
    assert due == [
        "11.1 Leverancier betracht gepaste zorgvuldigheid in de keten van de apparatuur en kabels die hij voor deze "
        "overeenkomst gebruikt, zoals omschreven in de OESO-richtlijnen voor multinationale ondernemingen en de "
        "VN-richtlijnen bedrijfsleven en mensenrechten."
    ]
    assert norms == due  # stated in the same sentence: one comment names both
    assert report == [
        "11.3 Leverancier informeert het CJIB eenmaal per jaar schriftelijk over de stappen die hij heeft gezet."
    ]


def test_missing_elements_go_on_the_heading_of_the_clause(tmp_path):
    out = tmp_path / "copy.docx"
    main(["annotate", str(SAMPLES / "cjib-glasvezelverbindingen-2024.docx"), "-o", str(out), "--lang", "nl"])
    missing = [(covered, text) for covered, text in _comments(out) if "Ontbrekend ISV-element" in text]
    assert len(missing) == 1
    covered, text = missing[0]
    assert covered == "Artikel 11 Sociale voorwaarden in de keten"
    for name in ("Risicoanalyse van de keten", "Plan van aanpak", "Gevolgen bij niet-naleving"):
        assert f"Ontbrekend ISV-element: {name}." in text


@pytest.mark.parametrize(
    ("text", "quote", "sentence"),
    [
        ("Eerst dit. Dan gepaste zorgvuldigheid hier. Daarna dat.", "gepaste", "Dan gepaste zorgvuldigheid hier."),
        ("Zie art. 5 en o.a. De Richtlijn. Verder.", "Richtlijn", "Zie art. 5 en o.a. De Richtlijn."),
        ("Het plan (bijv. Bijlage 3) volgt. Klaar.", "plan", "Het plan (bijv. Bijlage 3) volgt."),
        (
            "Een risicoanalyse uit. Daarin staat het. Slot.",
            "analyse uit. Daarin",
            "Een risicoanalyse uit. Daarin staat het.",
        ),
        ("Artikel 3\nslot van de zin. Nog een", "slot", "slot van de zin."),
        ("geen punt aan het eind", "punt", "geen punt aan het eind"),
        ("versie 2.0. Dan de ISV. Rest", "ISV", "Dan de ISV."),
        ("Dan de ISV. rest", "ISV", "Dan de ISV. rest"),
    ],
)
def test_the_sentence_of_a_quote(text, quote, sentence):
    start = text.index(quote)
    first, last = _sentence(text, start, start + len(quote))
    assert text[first:last] == sentence
