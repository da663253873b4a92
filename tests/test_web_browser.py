"""The web page in a real browser: Debian's headless Chromium, driven by Playwright, against the app
served on a free port of 127.0.0.1. A buyer's path: choose a file, press the button, read the verdict,
follow a checklist link to its highlighted words, download the memo.

Playwright's own browser download is never used: the test launches /usr/bin/chromium and is
skipped, saying why, when that browser or the playwright package is missing.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

import docx
import pytest

from isv_checker.web import create_app

from .conftest import SAMPLES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SAMPLE = SAMPLES / "rws-bedrijfskleding-2024.docx"

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip install playwright)"
)
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    from werkzeug.serving import make_server

    app = create_app({"ISV_TEMP_DIR": str(tmp_path_factory.mktemp("uploads"))})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_upload_read_the_verdict_follow_the_evidence_download_the_memo(page, base_url, tmp_path):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(base_url + "/")
    assert page.locator("html").get_attribute("lang") == "nl"

    page.get_by_label("Document(en)", exact=True).set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_url("**/result/*")
    verdict = page.locator("#verdict")
    assert "Oordeel: Voldoet" in verdict.inner_text()

    link = page.locator("#el-due_diligence a").first
    target = link.get_attribute("href")
    assert target.startswith("#ev-")
    mark = page.locator(f"mark{target}")
    assert mark.count() == 1 and "zorgvuldigheid" in mark.inner_text().lower()
    link.click()
    assert page.evaluate("location.hash") == target
    assert page.evaluate(f"document.querySelector('{target}').matches(':target')")
    box = mark.bounding_box()
    assert box is not None and 0 <= box["y"] < 900, "following the link scrolls the marked words into view"

    with page.expect_download() as caught:
        page.get_by_role("link", name="Memo (Word, .docx)").click()
    download = caught.value
    assert download.suggested_filename == "rws-bedrijfskleding-2024-isv-memo.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    memo = docx.Document(io.BytesIO(saved.read_bytes()))
    assert any(p.text.startswith("Voldoet") for p in memo.paragraphs)

    assert all(url.startswith((base_url, "data:")) for url in requests), "nothing is loaded from elsewhere"


def test_keyboard_only_upload_and_language_switch(page, base_url):
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Document(s)", exact=True).set_input_files(str(SAMPLES / "cjib-printwerk-2022.txt"))
    page.get_by_role("button", name="Check").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/result/*")
    assert "Verdict:" in page.locator("#verdict").inner_text()


def test_oversized_file_is_refused_before_it_is_sent(page, base_url, tmp_path):
    page.goto(base_url + "/")
    limit = int(page.locator("#upload-form").get_attribute("data-max-bytes"))
    big = tmp_path / "groot.txt"
    with big.open("wb") as sink:
        sink.truncate(limit + 1)
    page.get_by_label("Document(en)", exact=True).set_input_files(str(big))
    error = page.locator("#document-error")
    assert error.is_visible() and "groter dan 25 MB" in error.inner_text()
    page.get_by_role("button", name="Controleren").click()
    assert page.url == base_url + "/", "the form is not sent"
    assert page.get_by_label("Document(en)", exact=True).get_attribute("aria-invalid") == "true"


def test_two_files_dropped_at_once_are_one_tender(page, base_url, tmp_path):
    """A buyer drops a tender's guidelines, which refer to "Bijlage 6", together with that annex: one
    verdict for the tender, each quote naming its file and leading to its words on that file's page."""
    from .test_tender import ANNEX, GUIDELINES

    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(base_url + "/")
    files = {
        "Aanbestedingsleidraad bedrijfskleding.txt": GUIDELINES.format(value="EUR 900.000"),
        "Bijlage 6 Internationale Sociale Voorwaarden.txt": ANNEX,
    }
    # dropped on the box, as from a file manager: a DataTransfer holding both files
    page.evaluate(
        """(files) => {
            const transfer = new DataTransfer();
            for (const [name, text] of Object.entries(files)) {
                transfer.items.add(new File([text], name, {type: "text/plain"}));
            }
            const drop = document.getElementById("drop");
            drop.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }""",
        files,
    )
    assert page.evaluate("document.getElementById('document').files.length") == 2
    assert "2 bestanden, samen beoordeeld als één aanbesteding" in page.locator("#upload-status").inner_text()
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_url("**/result/*")
    page.locator("#verdict").wait_for()  # the check's page shows its progress, then its result
    assert page.locator("h1").inner_text() == "ISV-toets aanbesteding: 2 bestanden"
    assert "Oordeel: Voldoet" in page.locator("#verdict").inner_text()
    assert page.locator("table.files a.name").all_inner_texts() == list(files)
    page.screenshot(path=str(tmp_path / "tender.png"), full_page=True)
    assert (tmp_path / "tender.png").stat().st_size > 10_000

    link = page.locator("#el-due_diligence a.quote").first
    assert (
        "Bijlage 6 Internationale Sociale Voorwaarden.txt"
        in page.locator("#el-due_diligence .in-file").first.inner_text()
    )
    target = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_url("**/file/1*")
    assert page.locator("h1").inner_text() == "ISV-toets: Bijlage 6 Internationale Sociale Voorwaarden.txt"
    assert page.evaluate(f"document.getElementById('{target}').matches(':target')")
    page.locator("#part-of a").click()
    assert page.locator("h1").inner_text() == "ISV-toets aanbesteding: 2 bestanden"
    assert all(url.startswith((base_url, "data:")) for url in requests), "nothing is loaded from elsewhere"


def test_a_sample_zip_is_one_tender(page, base_url):
    sample = SAMPLES / "tenders" / "dji-bedrijfskleding-2019.zip"
    page.goto(base_url + "/?lang=en")
    page.get_by_label("Document(s)", exact=True).set_input_files(str(sample))
    page.get_by_role("button", name="Check").click()
    page.wait_for_url("**/result/*")
    page.locator("#verdict").wait_for()
    assert page.locator("h1").inner_text() == f"ISV check of a tender: {sample.name}"
    assert "The files in this ZIP were judged together as one tender" in page.locator("p.lead").inner_text()
    assert "Verdict: Compliant" in page.locator("#verdict").inner_text()
    assert page.locator("table.files tbody tr").count() == 4
    assert "bijlage-6-internationale-sociale-voorwaarden.docx" in page.locator("#checklist").inner_text()


@pytest.fixture(scope="module")
def team_url(tmp_path_factory):
    """The page as a team's server with one worker, so the second buyer's file needs the worker more."""
    from werkzeug.serving import make_server

    app = create_app({"ISV_TEMP_DIR": str(tmp_path_factory.mktemp("team")), "ISV_WORKERS": 1})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join(timeout=10)
    app.extensions["isv_checker"].scheduler.close()


@pytest.mark.ocr
def test_a_buyer_with_a_scan_sees_progress_while_another_buyers_draft_is_answered_first(browser, team_url, tmp_path):
    """Buyer A uploads a scan of five pages: the page answers at once and shows how far the reading
    is (pages of pages, text recognition) and the time. Buyer B uploads a short draft meanwhile and
    gets the verdict first; A's page goes on by itself and shows the verdict when it is there."""
    import shutil

    from .test_web_queue import scan_of

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    scan = scan_of(5, tmp_path / "scan-5-paginas.pdf")
    a_context = browser.new_context(viewport={"width": 1200, "height": 900})
    b_context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        a, b = a_context.new_page(), b_context.new_page()
        requests: list[str] = []
        a.on("request", lambda request: requests.append(request.url))
        a.goto(team_url + "/")
        a.get_by_label("Document(en)", exact=True).set_input_files(str(scan))
        a.get_by_role("button", name="Controleren").click()
        a.wait_for_url("**/result/*")
        assert a.locator("h1").inner_text() == "Bezig met controleren: scan-5-paginas.pdf"
        detail = a.locator("#progress-detail")
        # the page updates itself (the page's CSP allows no eval, so no wait_for_function here)
        sync_api.expect(detail).to_contain_text("met tekstherkenning", timeout=60_000)
        assert "van 5 pagina's gelezen" in detail.inner_text()
        assert a.locator("#progress-bar").get_attribute("max") == "5"
        assert a.locator("#progress-time").inner_text().startswith("Bezig sinds ")
        a.screenshot(path=str(tmp_path / "progress.png"), full_page=True)

        b.goto(team_url + "/")
        b.get_by_label("Document(en)", exact=True).set_input_files(str(SAMPLES / "cjib-printwerk-2022.txt"))
        b.get_by_role("button", name="Controleren").click()
        b.wait_for_url("**/result/*")
        assert "Oordeel: Voldoet" in b.locator("#verdict").inner_text()
        assert a.locator("#verdict").count() == 0, "B's draft is answered while A's scan is still being read"
        assert "pagina's gelezen" in detail.inner_text()

        a.locator("#verdict").wait_for(timeout=120_000)  # the page loads the result by itself
        assert a.locator("h1").inner_text() == "ISV-toets: scan-5-paginas.pdf"
        assert "met OCR gelezen" in a.locator("main").inner_text()
        assert all(url.startswith((team_url, "data:")) for url in requests), "nothing is loaded from elsewhere"
    finally:
        a_context.close()
        b_context.close()
