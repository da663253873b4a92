"""The web page with a tender: several files, or one ZIP, uploaded at once give the tender's verdict,
its facts and checklist with each quote's file, and each file's own verdict linking to its own page.
A single file that is no ZIP keeps the document page (tests/test_web.py)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import lxml.html
import pytest

from isv_checker.i18n.catalogue import messages
from isv_checker.pipeline import check_tender
from isv_checker.ruleset.load import cached_ruleset
from isv_checker.tender.report import TenderReport
from isv_checker.web import create_app

from .conftest import SAMPLES
from .test_tender import ANNEX, GUIDELINES
from .web_pages import finished, post_files, wait_done

TENDERS = SAMPLES / "tenders"
LABELS = messages("nl", cached_ruleset().vocabulary)
TWO_FILES = {
    "Aanbestedingsleidraad bedrijfskleding.txt": GUIDELINES.format(value="EUR 900.000").encode(),
    "Bijlage 6 Internationale Sociale Voorwaarden.txt": ANNEX.encode(),
}


def tree(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


def file_rows(page) -> dict[str, str]:
    """The tender page's list of files: each file's name and its own verdict, in order."""
    rows = page.xpath("//table[@class='files']/tbody/tr")
    return {r.xpath("string(td[1]/*[@class='name'])"): r.xpath("string(td[3])") for r in rows}


def zipped(members: dict[str, bytes]) -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return sink.getvalue()


@pytest.fixture(scope="module")
def temp_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("uploads")


@pytest.fixture(scope="module")
def client(temp_dir):
    return create_app({"ISV_TEMP_DIR": str(temp_dir)}).test_client()


@pytest.fixture(scope="module")
def two_files(client):
    response = post_files(client, TWO_FILES)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    wait_done(client, response.headers["Location"])
    return response.headers["Location"]


def test_the_upload_form_takes_several_files_or_a_zip(client):
    page = tree(client.get("/"))
    (field,) = page.xpath("//input[@type='file'][@id='document']")
    assert field.get("multiple") is not None and ".zip" in field.get("accept").split(",")
    text = page.text_content()
    assert "één ZIP" in text and "als één aanbesteding" in text
    form = page.xpath("//form[@id='upload-form']")[0]
    assert "{n}" in form.get("data-chosen-several") and "samen groter dan 25 MB" in form.get("data-too-large-several")


def test_two_files_give_the_tenders_verdict_and_both_files(client, two_files):
    response = client.get(two_files)
    assert response.status_code == 200
    page = tree(response)
    assert page.xpath("string(//h1)") == "ISV-toets aanbesteding: 2 bestanden"
    assert "Oordeel: Voldoet" in page.xpath("string(//*[@id='verdict'])")
    assert "samen beoordeeld als één aanbesteding" in page.xpath("string(//p[@class='lead'])")
    # the checklist: every element found, each quote naming the annex and linking to its marked words
    items = page.xpath("//ol[@class='checklist']/li")
    assert len(items) == 6 and all(li.get("class") == "found" for li in items)
    for li in items:
        assert "Bijlage 6 Internationale Sociale Voorwaarden.txt" in li.xpath("string(.//span[@class='in-file'])")
        assert re.fullmatch(r"/result/[\w-]+/file/1#ev-\d+", li.xpath(".//a[@class='quote']/@href")[0])
    # the facts, each with the file it came from
    why = page.xpath("string(//section[@aria-labelledby='h-why'])")
    assert "Rijkswaterstaat" in why and "€ 900.000" in why and "Aanbestedingsleidraad bedrijfskleding.txt" in why
    # each file's own verdict, linking to its own page
    own = file_rows(page)
    assert list(own) == list(TWO_FILES) and len(page.xpath("//table[@class='files']//a[@class='name']")) == 2
    assert own[next(iter(TWO_FILES))] == LABELS["verdict_needs_review"]  # alone, the guidelines only point at the annex
    assert "geen tegenstrijdigheden" not in why and page.xpath("//*[@id='findings']/p")


def test_each_files_own_page_is_the_document_page_with_a_way_back(client, two_files):
    page = tree(client.get(two_files))
    quote = page.xpath("//li[@id='el-due_diligence']//a[@class='quote']/@href")[0]
    own_url, anchor = quote.split("#")
    own = client.get(own_url)
    assert own.status_code == 200
    own_page = tree(own)
    assert own_page.xpath("string(//h1)") == "ISV-toets: Bijlage 6 Internationale Sociale Voorwaarden.txt"
    assert own_page.xpath(f"//mark[@id='{anchor}']"), "the tender's quote links to the words marked on the file's page"
    assert own_page.xpath("//*[@id='part-of']/a/@href") == [two_files]
    downloads = own_page.xpath("//ul[@class='downloads']//a/@href")
    assert downloads == [own_url + "/report-json"]
    assert client.get(downloads[0]).status_code == 200
    assert client.get(own_url + "/memo-docx").status_code == 404
    assert client.get(two_files + "/file/99").status_code == 404


def test_the_tender_report_can_be_downloaded(client, two_files):
    response = client.get(two_files + "/report-json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    report = TenderReport.model_validate_json(response.data)
    assert report.verdict == "compliant" and [f.file for f in report.files] == list(TWO_FILES)
    assert report.tender == " + ".join(TWO_FILES)
    page = tree(client.get(two_files))
    assert page.xpath("//ul[@class='downloads']//a/@data-output") == ["memo-docx", "memo-html", "report-json"]
    memo = client.get(two_files + "/memo-html").get_data(as_text=True)
    assert "ISV-toets aanbesteding" in memo and "Bijlage 6 Internationale Sociale Voorwaarden.txt" in memo
    assert client.get(two_files + "/memo-docx?lang=en").status_code == 200


def test_the_tender_page_in_english(client, two_files):
    page = tree(client.get(two_files + "?lang=en"))
    assert page.get("lang") == "en"
    assert page.xpath("string(//h1)") == "ISV check of a tender: 2 files"
    assert "Verdict: Compliant" in page.xpath("string(//*[@id='verdict'])")
    assert page.xpath("//a[@hreflang='nl']/@href") == [two_files]
    assert all(h.endswith("?lang=en") or "?lang=en#" in h for h in page.xpath("//a[@class='quote']/@href"))


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in TENDERS.iterdir() if p.suffix == ".zip"),
)
def test_a_sample_zip_is_one_tender(client, name):
    data = (TENDERS / name).read_bytes()
    page = tree(finished(client, post_files(client, {name: data})))
    expected = check_tender(TENDERS / name)
    assert page.xpath("string(//h1)") == f"ISV-toets aanbesteding: {name}"
    assert "De bestanden in deze ZIP zijn samen beoordeeld" in page.xpath("string(//p[@class='lead'])")
    assert LABELS[f"verdict_{expected.verdict}"] in page.xpath("string(//*[@id='verdict'])")
    assert list(file_rows(page)) == [f.file for f in expected.files]


@pytest.mark.parametrize(
    ("folder", "group", "words"),
    [
        ("rws-catering-2023", "amendments", "schrapt uit de clausule"),
        ("rivm-labbenodigdheden-2022", "conflicts", "verschillen over de geraamde waarde"),
        ("defensie-afvalinzameling-2017", "annexes", "Bijlage 6"),
    ],
)
def test_what_the_files_show_together(client, folder, group, words):
    files = {p.name: p.read_bytes() for p in sorted((TENDERS / folder).iterdir())}
    page = tree(finished(client, post_files(client, files)))
    expected = check_tender(TENDERS / folder)
    assert LABELS[f"verdict_{expected.verdict}"] in page.xpath("string(//*[@id='verdict'])")
    section = page.xpath(f"//h3[@id='f-{group}']/following-sibling::ul[1]")[0]
    assert words in section.text_content()
    if group == "amendments":
        (removed,) = page.xpath("//li[@id='el-reporting']")
        assert (
            removed.get("class") == "missing" and "geschrapt door nota-van-inlichtingen-1.pdf" in removed.text_content()
        )


def test_an_unreadable_file_is_listed_with_its_status(client):
    files = {**TWO_FILES, "Bijlage 7 contract.pdf": b"no pdf at all"}
    page = tree(finished(client, post_files(client, files)))
    assert "Bijlage 7 contract.pdf kon niet worden gelezen (beschadigd)" in page.xpath(
        "string(//h3[@id='f-unreadable']/..)"
    )
    assert "(beschadigd)" in file_rows(page)["Bijlage 7 contract.pdf"]
    assert not page.xpath("//table[@class='files']//a[text()='Bijlage 7 contract.pdf']")


def test_the_same_name_twice_is_kept_twice(client):
    files = [(io.BytesIO(GUIDELINES.format(value="EUR 900.000").encode()), "leidraad.txt")]
    files.append((io.BytesIO(ANNEX.encode()), "leidraad.txt"))
    response = client.post("/check", data={"document": files}, content_type="multipart/form-data")
    page = tree(finished(client, response))
    assert list(file_rows(page)) == ["leidraad (2).txt", "leidraad.txt"]


def test_zip_guards_and_the_size_limit(temp_dir):
    """The size limit holds for the upload as a whole and for each ZIP member; members that leave the
    archive are refused: each refused member is a file of the tender with its status."""
    client = create_app({"ISV_TEMP_DIR": str(temp_dir), "MAX_CONTENT_LENGTH": 64 * 1024}).test_client()
    big = ("Bijlage 9 tekst. " * 6000).encode()  # 102 KB, compresses to far under the limit
    data = zipped({**TWO_FILES, "bijlage-9.txt": big, "../buiten.txt": b"weg"})
    page = tree(finished(client, post_files(client, {"dossier.zip": data})))
    rows = file_rows(page)
    assert "(te groot)" in rows["bijlage-9.txt"]
    assert "(beschadigd)" in rows["../buiten.txt"]  # a member whose name leaves the archive is refused
    assert "Oordeel: Voldoet" in page.xpath("string(//*[@id='verdict'])")
    too_much = post_files(client, {"a.txt": b"x" * 40_000, "b.txt": b"y" * 40_000})
    assert too_much.status_code == 413 and list(temp_dir.iterdir()) == []


def test_an_empty_zip_says_so(client):
    response = finished(client, post_files(client, {"leeg.zip": zipped({})}))
    assert response.status_code == 422
    text = tree(response).text_content()
    assert "Deze aanbesteding kon niet worden gecontroleerd" in text and "Er zitten geen bestanden in" in text


def test_a_tender_that_takes_too_long_is_stopped(temp_dir):
    client = create_app({"ISV_TEMP_DIR": str(temp_dir), "ISV_CHECK_TIMEOUT": 0.01}).test_client()
    response = finished(client, post_files(client, TWO_FILES))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Deze aanbesteding kon niet worden gecontroleerd" in text and "(time-out)" in text


def test_a_tender_leaves_no_file_behind_and_can_be_deleted(client, temp_dir):
    posted = post_files(client, TWO_FILES)
    location = posted.headers["Location"]
    finished(client, posted)
    assert list(temp_dir.iterdir()) == []
    assert client.post(location + "/delete").status_code == 200
    assert client.get(location).status_code == 404
    assert client.get(location + "/file/0").status_code == 404


def test_the_tender_page_loads_nothing_from_elsewhere(client, two_files):
    response = client.get(two_files)
    text = response.get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert all(s.get("nonce") == nonce for s in tree(response).xpath("//script | //style"))


def test_a_single_file_keeps_the_document_page(client):
    data = (SAMPLES / "cjib-printwerk-2022.txt").read_bytes()
    page = tree(finished(client, post_files(client, {"cjib-printwerk-2022.txt": data})))
    assert page.xpath("string(//h1)") == "ISV-toets: cjib-printwerk-2022.txt"
    assert not page.xpath("//*[@id='part-of'] | //table[@class='files']")
    assert page.xpath("//div[@class='doc']")


def test_a_clause_that_cannot_be_judged_gets_no_wording_to_paste(client):
    """An annex the guidelines point at is not among the files: as the memo, the page gives no model
    wording (it may well be in that annex) but says to check again with it."""
    files = {p.name: p.read_bytes() for p in sorted((TENDERS / "defensie-afvalinzameling-2017").iterdir())}
    page = tree(finished(client, post_files(client, files)))
    actions = page.xpath("string(//section[@aria-labelledby='h-actions'])")
    assert "Voeg nog geen tekst toe" in actions and not page.xpath("//details[@class='step']")
    assert "Bijlage 6" in page.xpath("string(//*[@id='verdict'])")
