"""The local web page through Flask's test client: uploads of each kind, every download, bad and
oversized files, the language switch, results that expire or were deleted, and the `serve` command.
The queue, progress and limits of a team's server are in tests/test_web_queue.py."""

from __future__ import annotations

import dataclasses
import html
import io
import re
import zipfile
from pathlib import Path

import docx
import lxml.html
import pytest
import typer
from typer.testing import CliRunner

import isv_checker
from isv_checker.document import Block, BlockKind
from isv_checker.i18n.catalogue import messages
from isv_checker.render.annotate import comment_ranges
from isv_checker.report import Evidence, Report
from isv_checker.ruleset.load import cached_ruleset
from isv_checker.settings import ReadOptions
from isv_checker.web import create_app
from isv_checker.web.highlight import Tagged, highlight
from isv_checker.web.isolation import CheckLimits
from isv_checker.web.outputs import display_name
from isv_checker.web.results import Download, Result, ResultStore

from .conftest import SAMPLES
from .web_pages import finished, post, wait_done

FIXTURES = Path(__file__).parent / "fixtures"
DOCX_SAMPLE = "rws-bedrijfskleding-2024.docx"
UPLOADS = [DOCX_SAMPLE, "dictu-laptops-2025.pdf", "cjib-printwerk-2022.txt"]


def tree(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


@pytest.fixture(scope="module")
def temp_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("uploads")


@pytest.fixture(scope="module")
def app(temp_dir):
    return create_app({"ISV_TEMP_DIR": str(temp_dir)})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def checked(client):
    """Each sample uploaded once: its result URL and the report the library gives for the same bytes."""
    out = {}
    for name in UPLOADS:
        data = (SAMPLES / name).read_bytes()
        response = post(client, data, name)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        wait_done(client, response.headers["Location"])
        out[name] = (response.headers["Location"], isv_checker.check_bytes(data, name))
    return out


# --- pages -------------------------------------------------------------------------------------


def test_upload_page_is_dutch_accessible_and_self_contained(client):
    response = client.get("/")
    assert response.status_code == 200
    page = tree(response)
    assert page.get("lang") == "nl"
    assert page.xpath("//a[@class='skip']/@href") == ["#main"]
    assert page.xpath("//main/@id") == ["main"]
    assert page.xpath("//label[@for='document']") and page.xpath(
        "//input[@type='file'][@id='document'][@name='document']"
    )
    assert page.xpath("//form[@id='upload-form']//button[@type='submit']")
    assert [h.tag for h in page.xpath("//h1")] == ["h1"]
    assert page.xpath("//a[@hreflang='en']/@href") == ["/?lang=en"]
    text = response.get_data(as_text=True)
    assert "downloads verlopen na 15 minuten" in text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), "the page must load nothing from elsewhere"
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert all(s.get("nonce") == nonce for s in page.xpath("//script | //style"))
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("name", UPLOADS)
def test_result_page_shows_verdict_checklist_and_linked_marks(client, checked, name):
    location, report = checked[name]
    assert location.startswith("/result/")
    response = client.get(location)
    assert response.status_code == 200
    page = tree(response)
    verdict = page.xpath("string(//*[@id='verdict'])")
    labels = messages("nl", cached_ruleset().vocabulary)
    assert labels[f"verdict_{report.verdict}"] in verdict
    marks = {m.get("id") for m in page.xpath("//mark[@id]")}
    assert marks, "evidence is highlighted in the text"
    links = page.xpath("//*[@id='checklist']//a/@href")
    if report.clause is not None and report.clause.present:
        assert len(page.xpath("//ol[@class='checklist']/li")) == 6
        assert links
    for href in links + page.xpath("//section[@aria-labelledby='h-why']//a/@href"):
        assert href.startswith("#ev-") and href[1:] in marks
    blocks = page.xpath("//div[@class='doc']/div[contains(@class, 'blk')]")
    assert len(blocks) == report.document.block_count


def test_highlighted_text_is_the_documents_own(client, checked):
    """Marks cut a block's text into pieces; put together they give the block's text unchanged."""
    location, _ = checked[DOCX_SAMPLE]
    page = tree(client.get(location))
    document = isv_checker.read_bytes((SAMPLES / DOCX_SAMPLE).read_bytes(), DOCX_SAMPLE)
    for block in document.blocks:
        node = page.xpath(f"//div[@id='b-{block.index}']/p")[0]
        label = node.xpath("string(span[@class='lbl'])")
        assert node.text_content() == label + block.text


def test_downloads(client, checked):
    location, report = checked[DOCX_SAMPLE]
    memo_html = client.get(location + "/memo-html")
    assert memo_html.status_code == 200 and memo_html.mimetype == "text/html"
    assert "attachment" in memo_html.headers["Content-Disposition"]
    assert "rws-bedrijfskleding-2024-isv-memo.html" in memo_html.headers["Content-Disposition"]
    assert "Voldoet" in memo_html.get_data(as_text=True)

    memo_docx = client.get(location + "/memo-docx")
    assert memo_docx.status_code == 200
    document = docx.Document(io.BytesIO(memo_docx.data))
    assert any(p.style.name == "Heading 1" and p.text == "Oordeel" for p in document.paragraphs)

    annotated = client.get(location + "/annotated-docx")
    assert annotated.status_code == 200
    with zipfile.ZipFile(io.BytesIO(annotated.data)) as package:
        assert "word/comments.xml" in package.namelist()
    assert len(comment_ranges(annotated.data)) >= 6
    docx.Document(io.BytesIO(annotated.data))

    as_json = client.get(location + "/report-json")
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    assert Report.model_validate_json(as_json.data) == report


def test_pdf_has_no_marked_up_copy(client, checked):
    location, _ = checked["dictu-laptops-2025.pdf"]
    page = client.get(location).get_data(as_text=True)
    assert "annotated-docx" not in page and "dit is een PDF-bestand" in page
    assert client.get(location + "/annotated-docx").status_code == 404
    assert client.get(location + "/memo-docx").status_code == 200


def test_english_switch(client, checked):
    location, _ = checked[DOCX_SAMPLE]
    response = client.get(location + "?lang=en")
    page = tree(response)
    assert page.get("lang") == "en"
    assert "Verdict: Compliant" in page.xpath("string(//*[@id='verdict'])")
    assert page.xpath("//a[@hreflang='nl']/@href") == [location]
    hrefs = page.xpath("//ul[@class='downloads']//a/@href")
    assert hrefs and all(h.endswith("?lang=en") for h in hrefs)
    memo = client.get(location + "/memo-html?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in memo and "Compliant" in memo
    english = docx.Document(io.BytesIO(client.get(location + "/memo-docx?lang=en").data))
    assert any(p.text == "Verdict" for p in english.paragraphs)
    assert tree(client.get("/rules?lang=en")).get("lang") == "en"


def test_rules_page_lists_every_rule(client):
    response = client.get("/rules")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for rule in cached_ruleset().rules():
        assert rule.id in text and rule.description in html.unescape(text)
    assert tree(response).xpath("//a[@aria-current='page']/@href") == ["/rules"]


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "status", "words"),
    [
        (b"hello, this is no PDF", "offerte.pdf", "beschadigd", "geen geldig PDF-document"),
        ((FIXTURES / "pdf" / "encrypted.pdf").read_bytes(), "encrypted.pdf", "beveiligd", "wachtwoord"),
        (b"", "leeg.txt", "leeg", "Melding van de lezer: het bestand is leeg (0 bytes)"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "oud.xls",
            "niet ondersteund",
            "oud binair Office-bestand",
        ),
    ],
)
def test_bad_file_gives_a_clear_page(client, data, name, status, words):
    """The status by its Dutch name and the reader's message in Dutch (issue 18: "Melding van de lezer:
    the file is empty (0 bytes)", "(corrupt)")."""
    response = finished(client, post(client, data, name))
    assert response.status_code == 422
    text = html.unescape(response.get_data(as_text=True))
    assert f"({status})" in text and words in text
    assert "Traceback" not in text
    assert tree(response).xpath("//input[@type='file']"), "the form to try another file is there"


def test_scan_without_ocr_says_so():
    app = create_app({"ISV_READ_OPTIONS": ReadOptions(ocr="never")})
    client = app.test_client()
    response = finished(client, post(client, (FIXTURES / "pdf" / "scanned_nl.pdf").read_bytes(), "scan.pdf", lang="en"))
    assert response.status_code == 422
    assert "Tesseract" in response.get_data(as_text=True)


def test_no_file_chosen(client):
    response = client.post("/check", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Kies eerst een bestand" in response.get_data(as_text=True)


def test_oversize_file_gives_a_friendly_413(temp_dir):
    app = create_app({"MAX_CONTENT_LENGTH": 100 * 1024, "ISV_TEMP_DIR": str(temp_dir)})
    response = post(app.test_client(), b"x" * (200 * 1024), "groot.txt")
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "Bestand te groot" in text and "groter dan 0,1 MB" in text
    assert tree(response).xpath("//input[@type='file']")
    english = post(app.test_client(), b"x" * (200 * 1024), "big.txt", lang="en")
    assert english.status_code == 413 and "larger than 0.1 MB" in english.get_data(as_text=True)


def test_markup_in_the_document_and_its_name_is_shown_as_text(client):
    text = "<script>alert(1)</script> De opdrachtnemer past gepaste zorgvuldigheid toe <b>in de keten</b>.\n"
    page = finished(client, post(client, text.encode(), '<img src=x onerror="alert(1)">.txt')).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert "<b>in de keten</b>" not in page


def test_upload_leaves_no_file_behind(client, checked, temp_dir):
    finished(client, post(client, (SAMPLES / "cjib-printwerk-2022.txt").read_bytes(), "cjib-printwerk-2022.txt"))
    finished(client, post(client, b"broken", "broken.docx"))
    assert list(temp_dir.iterdir()) == []


# --- results that are gone --------------------------------------------------------------------------


def test_unknown_token_and_output(client, checked):
    response = client.get("/result/no-such-token")
    assert response.status_code == 404 and "verlopen" in response.get_data(as_text=True)
    assert client.get("/result/no-such-token/memo-docx").status_code == 404
    location, _ = checked[DOCX_SAMPLE]
    assert client.get(location + "/passwords.txt").status_code == 404
    missing = client.get("/nothing-here")
    assert missing.status_code == 404 and "Pagina niet gevonden" in missing.get_data(as_text=True)
    assert client.get("/check").status_code == 405


def test_expired_result_is_gone():
    app = create_app({"ISV_RESULT_TTL": 0})
    client = app.test_client()
    response = post(client, (SAMPLES / "cjib-printwerk-2022.txt").read_bytes(), "cjib-printwerk-2022.txt")
    location = response.headers["Location"]
    assert finished(client, response).status_code == 404
    assert client.get(location + "/report-json").status_code == 404


def test_delete_now(client):
    response = post(client, (SAMPLES / "cjib-printwerk-2022.txt").read_bytes(), "cjib-printwerk-2022.txt")
    location = response.headers["Location"]
    assert finished(client, response).status_code == 200
    deleted = client.post(location + "/delete")
    assert deleted.status_code == 200 and "verwijderd" in deleted.get_data(as_text=True)
    assert client.get(location).status_code == 404


def test_an_unexpected_failure_shows_no_traceback(monkeypatch, client, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("isv_checker.web.isolation.run_check", broken)
    response = finished(client, post(client, b"tekst", "a.txt"))
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Er ging iets mis" in text and "secret internals" not in text and "Traceback" not in text
    assert "secret internals" in caplog.text, "what failed is in the server's log"


def test_untrusted_host_is_refused():
    app = create_app({"TRUSTED_HOSTS": ["127.0.0.1", "localhost"]})
    client = app.test_client()
    assert client.get("/", headers={"Host": "127.0.0.1:8765"}).status_code == 200
    assert client.get("/", headers={"Host": "attacker.example:8765"}).status_code == 400


# --- parts -----------------------------------------------------------------------------------------


def _result(size: int) -> Result:
    document = isv_checker.read_bytes(b"tekst", "a.txt")
    return Result(document, isv_checker.check_document(document), {"x": Download("x", "text/plain", b"0" * size)})


def test_store_expires_and_keeps_within_its_size():
    now = [1000.0]
    one = _result(10)
    store = ResultStore(ttl=60, max_bytes=3 * one.size, clock=lambda: now[0])
    first, second, third = (store.put(_result(10)) for _ in range(3))
    assert len(store) == 3 and len({first, second, third}) == 3
    fourth = store.put(_result(10))
    assert store.get(first) is None and store.get(fourth) is not None, "the oldest goes first"
    assert store.put(_result(4 * one.size)) is None, "a result larger than the store is not kept"
    now[0] += 61
    assert store.get(fourth) is None and len(store) == 0


def test_overlapping_evidence_becomes_one_mark():
    block = Block(index=0, kind=BlockKind.PARAGRAPH, text="gepaste zorgvuldigheid in de keten", paragraph=1)

    def tag(kind: str, start: int, end: int) -> Tagged:
        evidence = Evidence(block=0, start=start, end=end, quote=block.text[start:end], location="par. 1")
        return Tagged(kind, kind, evidence)

    marks = highlight(
        [block], [tag("context", 8, 22), tag("element", 0, 15), tag("decoy", 26, 34), tag("clause", 99, 120)]
    )
    pieces = marks.pieces(block)
    assert "".join(p.text for p in pieces) == block.text
    marked = [(p.text, p.mark.id, p.mark.kind) for p in pieces if p.mark]
    assert marked == [("gepaste zorgvuldigheid", "ev-1", "element"), ("de keten", "ev-2", "decoy")]
    assert marks.anchor(tag("context", 8, 22).evidence) == "ev-1"
    assert marks.anchor(tag("clause", 99, 120).evidence) is None


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("C:\\Users\\inkoop\\Bestek v2.docx", "Bestek v2.docx"),
        ("../../etc/passwd", "passwd"),
        ("\x00\x1b.pdf", ".pdf"),
        ("", "document"),
    ],
)
def test_display_name(given, shown):
    assert display_name(given) == shown


# --- the serve command -------------------------------------------------------------------------------


class _FakeServer:
    effective_port = 43210

    def __init__(self, app, **kwargs):
        self.app, self.kwargs = app, kwargs
        self.ran = False

    def run(self):
        self.ran = True


@pytest.fixture
def serve_app():
    from isv_checker.cli.web import register

    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # a second command, so typer keeps `serve` as a subcommand
    return app


def test_serve_binds_loopback_and_prints_the_address(monkeypatch, serve_app):
    made = []

    def fake(app, **kwargs):
        made.append(_FakeServer(app, **kwargs))
        return made[-1]

    monkeypatch.setattr("waitress.server.create_server", fake)
    result = CliRunner().invoke(serve_app, ["serve", "--max-mb", "5"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:43210/" in result.output
    server = made[0]
    assert server.ran and server.kwargs["host"] == "127.0.0.1" and server.kwargs["port"] == 8765
    assert server.app.config["MAX_CONTENT_LENGTH"] == 5 * 1024 * 1024
    assert server.app.config["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert not server.app.debug
    assert server.kwargs["clear_untrusted_proxy_headers"] is True, "no proxy: X-Forwarded-For is nobody's word"
    assert "worker(s)" in result.output, "it says how many workers check uploads"


def test_serve_for_a_team_behind_a_proxy(monkeypatch, serve_app):
    made = []
    monkeypatch.setattr(
        "waitress.server.create_server", lambda app, **kw: made.append(_FakeServer(app, **kw)) or made[-1]
    )
    args = ["serve", "--lang", "en", "--host", "0.0.0.0", "--workers", "3", "--memory-mb", "4096", "--proxies", "1"]
    result = CliRunner().invoke(serve_app, [*args, "--queue-limit", "7", "--client-limit", "2", "--log-file-names"])
    assert result.exit_code == 0, result.output
    config = made[0].app.config
    assert made[0].kwargs["clear_untrusted_proxy_headers"] is False, "the app reads the proxy's X-Forwarded-For"
    assert config["ISV_PROXIES"] == 1 and config["TRUSTED_HOSTS"] is None
    # 4096 MB hold one worker at 2048 MB and the one more for quick checks
    assert (config["ISV_WORKERS"], config["ISV_CHECK_MEMORY_MB"]) == (1, 2048)
    assert (config["ISV_QUEUE_LIMIT"], config["ISV_CLIENT_LIMIT"], config["ISV_LOG_FILE_NAMES"]) == (7, 2, True)
    assert "1 worker(s) and one more for quick checks, each at most 2048 MB" in result.output


def test_serve_warns_when_reachable_from_the_network(monkeypatch, serve_app):
    monkeypatch.setattr("waitress.server.create_server", lambda app, **kw: _FakeServer(app, **kw))
    result = CliRunner().invoke(serve_app, ["serve", "--host", "0.0.0.0", "--port", "9000"])
    assert result.exit_code == 0 and "other machines" in result.output


def test_serve_reports_a_busy_port_and_bad_rules(monkeypatch, serve_app, tmp_path):
    def busy(app, **kwargs):
        raise OSError(98, "Address already in use")

    monkeypatch.setattr("waitress.server.create_server", busy)
    result = CliRunner().invoke(serve_app, ["serve", "--port", "8765"])
    assert result.exit_code == 2 and "cannot listen on 127.0.0.1:8765: Address already in use" in result.output
    result = CliRunner().invoke(serve_app, ["serve", "--rules", str(tmp_path)])
    assert result.exit_code == 2 and "the rules cannot be used" in result.output


def test_an_upload_that_takes_too_long_is_stopped_and_the_page_goes_on(temp_dir):
    """Each upload is checked in a worker process with a time limit: past it the worker is killed,
    the buyer sees the file could not be checked in time, and the next check gets a fresh worker."""
    app = create_app({"ISV_TEMP_DIR": str(temp_dir), "ISV_CHECK_TIMEOUT": 0.01})
    client = app.test_client()
    data = (SAMPLES / "dictu-laptops-2025.docx").read_bytes()  # reading, checking and six downloads
    for _ in range(2):
        response = finished(client, post(client, data, "dictu-laptops-2025.docx"))
        assert response.status_code == 422
        text = response.get_data(as_text=True)
        assert "(time-out)" in text and "duurde te lang" in text and "0,01 s" in text
    # the same page, with the default limit again, checks the next upload
    state = app.extensions["isv_checker"]
    app.extensions["isv_checker"] = dataclasses.replace(
        state, setup=dataclasses.replace(state.setup, limits=CheckLimits())
    )
    assert finished(client, post(client, data, "dictu-laptops-2025.docx")).status_code == 200


def test_uploads_are_checked_outside_the_server_process(monkeypatch, client):
    """The check runs in a worker forked from the fork server, so nothing done to the server's own
    copy of the pipeline reaches it."""

    def broken(*args, **kwargs):
        raise RuntimeError("checked in the server process")

    monkeypatch.setattr("isv_checker.web.outputs.check_upload", broken)
    monkeypatch.setattr("isv_checker.web.isolation.check_upload", broken)
    response = post(client, (SAMPLES / "cjib-printwerk-2022.txt").read_bytes(), "cjib-printwerk-2022.txt")
    assert finished(client, response).status_code == 200


def test_when_workers_cannot_start_uploads_are_checked_in_the_server(monkeypatch, client, caplog):
    """A program whose main module cannot be imported again cannot start workers; the page then
    checks in its own process (without the limits) and says so in the log, rather than refuse."""
    from isv_checker.batch.runner import RunnerError

    def cannot_start(self, tasks):
        raise RunnerError("workers die before they are ready")

    monkeypatch.setattr("isv_checker.batch.pool.LocalPoolRunner.run", cannot_start)
    response = post(client, (SAMPLES / "cjib-printwerk-2022.txt").read_bytes(), "cjib-printwerk-2022.txt")
    assert finished(client, response).status_code == 200
    assert "without a time limit" in caplog.text


def test_a_failure_inside_the_checker_goes_to_the_log_not_the_page(monkeypatch, client, caplog):
    """A worker whose check raised reports the exception's text; the buyer sees only that the check
    failed, the operator finds what failed in the server's log."""
    from isv_checker.batch.runner import Failure
    from isv_checker.document import ReadStatus

    def failing(self, tasks):
        yield Failure(0, ReadStatus.ERROR, "RuntimeError: secret internals at /srv/isv/config.yml", 0.1)

    monkeypatch.setattr("isv_checker.batch.pool.LocalPoolRunner.run", failing)
    response = finished(client, post(client, b"tekst", "a.txt"))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "(fout)" in text and "Er ging iets mis" in text and "secret internals" not in text
    assert "secret internals" in caplog.text
