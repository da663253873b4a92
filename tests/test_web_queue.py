"""The web page as a team's server, through Flask's test client: an upload is answered at once and its
page fills in; checks wait their turn by the fairness policy (quick before long, a worker more for a
quick check, client by client); the queue and each client have a limit, answered with 503 or 429 and
Retry-After; a check can be cancelled; a result lives its full time from when it is ready; /health;
the access log; and the worker's progress (pages, OCR pages) as the page shows it.

Most tests stand in for the worker (`gate`): a check that waits until the test lets it finish, so
the queue can be looked at while it is full. The last tests run real workers on real scans."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from pathlib import Path

import lxml.html
import pytest

from isv_checker.web import create_app
from isv_checker.web.access_log import ACCESS_LOG
from isv_checker.web.fairness import (
    LONG_BYTES,
    PATIENCE,
    Lane,
    Refused,
    Running,
    Start,
    Waiting,
    order,
    refusal,
    starts,
)
from isv_checker.web.isolation import failed_result
from isv_checker.web.outputs import check_upload
from isv_checker.web.progress import Phase, ProgressReport, TurnedLong, read_progress
from isv_checker.web.scheduler import Requeue, job_id

from .conftest import SAMPLES
from .web_pages import finished, post, progress_url, wait_done

TEXT = (SAMPLES / "cjib-printwerk-2022.txt").read_bytes()
BIG = b"x" * (LONG_BYTES + 1)  # long by its size alone


def tree(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


# --- the policy ----------------------------------------------------------------------------------


def test_quick_checks_start_before_long_ones_that_came_first():
    waiting = [Waiting("scan", "a", Lane.LONG, 0.0), Waiting("draft", "b", Lane.QUICK, 1.0)]
    assert [w.key for w in order(waiting, [], now=2.0)] == ["draft", "scan"]
    assert starts(waiting, [], workers=1, now=2.0) == [Start("draft", extra=False)]


def test_a_long_check_that_waited_long_enough_lines_up_by_arrival():
    waiting = [Waiting("scan", "a", Lane.LONG, 0.0), Waiting("draft", "b", Lane.QUICK, 1.0)]
    assert [w.key for w in order(waiting, [], now=PATIENCE + 1)] == ["scan", "draft"]


def test_client_by_client():
    """A buyer who queued three files shares the workers with the buyer who queued one after them."""
    waiting = [Waiting(f"a{i}", "a", Lane.QUICK, float(i)) for i in range(3)] + [Waiting("b0", "b", Lane.QUICK, 5.0)]
    assert [w.key for w in order(waiting, [], now=6.0)] == ["a0", "b0", "a1", "a2"]
    running = [Running("b-old", "b", Lane.QUICK, extra=False)]
    assert [w.key for w in order(waiting, running, now=6.0)] == ["a0", "a1", "b0", "a2"]


def test_a_quick_check_gets_a_worker_more_when_all_are_busy_with_long_ones():
    scan = Running("scan", "a", Lane.LONG, extra=False)
    draft = Waiting("draft", "b", Lane.QUICK, 1.0)
    assert starts([draft], [scan], workers=1, now=2.0) == [Start("draft", extra=True)]
    # not while a quick check holds a worker (it is done in a second), nor a second one more
    quick = Running("other", "c", Lane.QUICK, extra=False)
    assert starts([draft], [quick], workers=1, now=2.0) == []
    assert starts([draft], [scan, Running("x", "c", Lane.QUICK, extra=True)], workers=1, now=2.0) == []
    # and never for a long check
    assert starts([Waiting("scan2", "b", Lane.LONG, 1.0)], [scan], workers=1, now=2.0) == []


def test_free_workers_are_filled_in_order():
    waiting = [Waiting("s1", "a", Lane.LONG, 0.0), Waiting("s2", "b", Lane.LONG, 1.0), Waiting("d", "c", Lane.QUICK, 2)]
    assert starts(waiting, [], workers=2, now=3.0) == [Start("d", False), Start("s1", False)]


def test_refusal():
    assert refusal(waiting=0, of_client=0, queue_limit=1, client_limit=1) is None
    assert refusal(waiting=1, of_client=0, queue_limit=1, client_limit=2) is Refused.BUSY
    assert refusal(waiting=0, of_client=2, queue_limit=9, client_limit=2) is Refused.CLIENT
    assert refusal(waiting=0, of_client=0, queue_limit=9, client_limit=9, stopping=True) is Refused.STOPPING


# --- the queue, with a stand-in for the worker ------------------------------------------------------


class Gate:
    """Stands in for `isolation.run_check`: each check waits until `release(name)`, then gives the
    result the page would give (checked in this process), so tests can see a queue that is full."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.opened: dict[str, threading.Event] = {}
        self.started: list[str] = []
        self.calls: list[dict] = []

    def event(self, name: str) -> threading.Event:
        with self.lock:
            return self.opened.setdefault(name, threading.Event())

    def release(self, name: str) -> None:
        self.event(name).set()

    def __call__(self, upload, setup, *, long, may_turn_long, label, cancelled):
        with self.lock:
            self.started.append(upload.name)
            self.calls.append({"name": upload.name, "long": long, "may_turn_long": may_turn_long, "label": label})
        gate = self.event(upload.name)
        while not gate.wait(0.02):
            if cancelled():
                return failed_result(b"", upload.name, setup.ruleset, _status("error"), "stopped")
        if upload.name.startswith("turns-long") and not may_turn_long:
            return Requeue(ocr_pages=40)
        return check_upload(Path(upload.path).read_bytes(), upload.name, setup.ruleset, setup.options)


def _status(value: str):
    from isv_checker.document import ReadStatus

    return ReadStatus(value)


@pytest.fixture
def gate(monkeypatch):
    stand_in = Gate()
    monkeypatch.setattr("isv_checker.web.isolation.run_check", stand_in)
    yield stand_in
    for event in list(stand_in.opened.values()):
        event.set()


@pytest.fixture
def make():
    """Makes an app with one worker and its test client; at the end of the test its checks are
    stopped, so none ends (and writes to the log) after the test."""
    apps = []

    def made(tmp_path, **config):
        app = create_app({"ISV_TEMP_DIR": str(tmp_path), "ISV_WORKERS": 1, **config})
        apps.append(app)
        return app, app.test_client()

    yield made
    for app in apps:
        app.extensions["isv_checker"].scheduler.close()


def wait_until(condition, within: float = 10.0):
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def as_client(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def state_of(client, location: str) -> dict:
    return client.get(progress_url(location)).get_json()


def test_an_upload_is_answered_at_once_and_its_page_fills_in(make, gate, tmp_path):
    app, client = make(tmp_path)
    started = time.monotonic()
    posted = post(client, TEXT, "concept.txt")
    assert posted.status_code == 303 and time.monotonic() - started < 1.0, "the page does not wait for the check"
    location = posted.headers["Location"]
    wait_until(lambda: state_of(client, location)["state"] == "running")
    waiting = client.get(location)
    assert waiting.status_code == 200
    page = tree(waiting)
    assert page.xpath("string(//h1)") == "Bezig met controleren: concept.txt"
    assert "De controle begint" in page.xpath("string(//*[@id='progress-state'])")
    assert page.xpath("//noscript/meta[@http-equiv='refresh']/@content") == ["3"], "refreshes itself without JS"
    assert page.xpath("//a[@id='refresh']/@href") == [location]
    csp = waiting.headers["Content-Security-Policy"]
    assert "connect-src 'self'" in csp and "default-src 'none'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert all(s.get("nonce") == nonce for s in page.xpath("//script | //style"))
    assert page.xpath("//section[@id='progress']/@data-progress-url") == [progress_url(location)]
    gate.release("concept.txt")
    done = finished(client, posted)
    assert done.status_code == 200 and tree(done).xpath("//*[@id='verdict']")
    assert "connect-src" not in done.headers["Content-Security-Policy"], "only a check's page may ask for progress"
    assert list(tmp_path.iterdir()) == [], "the upload is gone once it is checked"


def test_queue_position_and_a_quick_draft_before_a_long_upload(make, gate, tmp_path):
    """One worker, busy; a long upload and then a short draft wait: the draft is next."""
    app, client = make(tmp_path)
    post(client, TEXT, "first.txt", **as_client("10.0.0.1"))
    wait_until(lambda: gate.started == ["first.txt"])
    scan = post(client, BIG, "scan.txt", **as_client("10.0.0.2")).headers["Location"]
    draft = post(client, TEXT, "draft.txt", **as_client("10.0.0.3")).headers["Location"]
    assert state_of(client, draft)["position"] == 1 and state_of(client, scan)["position"] == 2
    view = state_of(client, scan)
    assert view["state_text"] == "In de wachtrij: plaats 2 van 2."
    assert "begint naar verwachting" in view["time_text"]
    assert "Korte documenten van anderen gaan voor" in view["note"]
    english = client.get(progress_url(scan) + "?lang=en").get_json()
    assert english["state_text"] == "In the queue: place 2 of 2."
    page = tree(client.get(draft))
    assert page.xpath("string(//*[@id='progress-state'])") == "In de wachtrij: plaats 1 van 2."
    gate.release("first.txt")
    wait_until(lambda: gate.started[1:] == ["draft.txt"])
    gate.release("draft.txt")
    wait_done(client, draft)
    wait_until(lambda: gate.started[2:] == ["scan.txt"])
    assert gate.calls[2]["long"] is True, "a long check runs as long (at a lower priority)"
    gate.release("scan.txt")
    wait_done(client, scan)


def test_a_draft_passes_a_long_check_in_a_worker_more(make, gate, tmp_path):
    app, client = make(tmp_path)
    scan = post(client, BIG, "scan.txt").headers["Location"]
    wait_until(lambda: gate.started == ["scan.txt"])
    draft = post(client, TEXT, "draft.txt", **as_client("10.0.0.9")).headers["Location"]
    wait_until(lambda: gate.started == ["scan.txt", "draft.txt"])
    assert gate.calls[1]["may_turn_long"] is False, "the worker more is for quick checks only"
    assert app.extensions["isv_checker"].scheduler.health()["running"] == 2
    gate.release("draft.txt")
    wait_done(client, draft)
    assert state_of(client, scan)["state"] == "running", "the draft was answered while the scan runs"
    gate.release("scan.txt")
    wait_done(client, scan)


def test_a_check_that_turns_long_in_the_worker_more_goes_back_to_the_queue(make, gate, tmp_path):
    app, client = make(tmp_path)
    post(client, BIG, "scan.txt")
    wait_until(lambda: gate.started == ["scan.txt"])
    turned = post(client, TEXT, "turns-long.txt", **as_client("10.0.0.9")).headers["Location"]
    wait_until(lambda: gate.started == ["scan.txt", "turns-long.txt"])
    gate.release("turns-long.txt")  # it finds 40 pages to OCR: back to the queue, as long
    wait_until(lambda: state_of(client, turned)["state"] == "queued")
    assert gate.started == ["scan.txt", "turns-long.txt"], "and not in the worker more again"
    gate.release("scan.txt")
    wait_until(lambda: gate.started == ["scan.txt", "turns-long.txt", "turns-long.txt"])
    assert (gate.calls[2]["long"], gate.calls[2]["may_turn_long"]) == (True, True)
    wait_done(client, turned)
    assert tree(client.get(turned)).xpath("//*[@id='verdict']")


def test_a_full_queue_says_when_to_try_again(make, gate, tmp_path):
    app, client = make(tmp_path, ISV_QUEUE_LIMIT=2, ISV_CLIENT_LIMIT=5)
    assert post(client, TEXT, "t0.txt", **as_client("10.0.1.0")).status_code == 303
    wait_until(lambda: len(gate.started) == 1)
    for i in (1, 2):  # one runs, two wait
        assert post(client, TEXT, f"t{i}.txt", **as_client(f"10.0.1.{i}")).status_code == 303
    refused = post(client, TEXT, "one-too-many.txt", **as_client("10.0.1.9"))
    assert refused.status_code == 503
    retry = int(refused.headers["Retry-After"])
    assert 30 <= retry <= 3600
    page = tree(refused)
    assert page.xpath("string(//h1)") == "Het is nu te druk"
    assert "Er wachten al 2 documenten op controle. Probeer het over" in page.xpath("string(//p[@class='lead'])")
    english = post(client, TEXT, "x.txt", lang="en", **as_client("10.0.1.9"))
    assert english.status_code == 503 and "Too busy right now" in english.get_data(as_text=True)
    assert len(list(tmp_path.iterdir())) == 3, "a refused upload is not kept"
    for i in range(3):
        gate.release(f"t{i}.txt")


def test_one_client_cannot_fill_the_queue(make, gate, tmp_path):
    app, client = make(tmp_path, ISV_QUEUE_LIMIT=10, ISV_CLIENT_LIMIT=2)
    for i in range(2):
        assert post(client, TEXT, f"a{i}.txt", **as_client("10.0.2.1")).status_code == 303
    refused = post(client, TEXT, "a2.txt", **as_client("10.0.2.1"))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 30
    assert "U heeft al 2 controles lopen" in refused.get_data(as_text=True)
    assert post(client, TEXT, "b0.txt", **as_client("10.0.2.2")).status_code == 303, "another buyer is taken"
    for name in ("a0.txt", "a1.txt", "b0.txt"):
        gate.release(name)


def test_clients_behind_a_reverse_proxy_are_told_apart(make, gate, tmp_path):
    app, client = make(tmp_path, ISV_CLIENT_LIMIT=1, ISV_PROXIES=1)
    headers = {"X-Forwarded-For": "192.0.2.7", "X-Forwarded-Host": "isv.example.org"}
    assert post(client, TEXT, "a.txt", headers=headers).status_code == 303
    assert post(client, TEXT, "b.txt", headers=headers).status_code == 429
    assert post(client, TEXT, "c.txt", headers={**headers, "X-Forwarded-For": "192.0.2.8"}).status_code == 303
    for name in ("a.txt", "c.txt"):
        gate.release(name)


def test_a_waiting_or_running_check_can_be_cancelled(make, gate, tmp_path):
    app, client = make(tmp_path)
    running = post(client, TEXT, "running.txt").headers["Location"]
    waiting = post(client, TEXT, "waiting.txt", **as_client("10.0.3.1")).headers["Location"]
    wait_until(lambda: gate.started == ["running.txt"])
    assert client.post(waiting + "/delete").status_code == 200
    assert state_of(client, waiting)["state"] == "cancelled"
    page = tree(client.get(waiting))
    assert page.xpath("string(//h1)") == "De controle is afgebroken" and page.xpath("//input[@type='file']")
    assert client.post(running + "/delete").status_code == 200
    wait_until(lambda: state_of(client, running)["done"])
    assert state_of(client, running)["state"] == "cancelled"
    wait_until(lambda: list(tmp_path.iterdir()) == [])
    assert gate.started == ["running.txt"], "the cancelled waiting check never ran"


def test_the_result_lives_its_time_from_when_it_is_ready(make, gate, tmp_path):
    """Waiting in the queue does not eat into the result's 15 minutes (here: 1 second)."""
    app, client = make(tmp_path, ISV_RESULT_TTL=1)
    posted = post(client, TEXT, "slow.txt")
    time.sleep(1.5)  # longer than the result's lifetime, spent waiting for the check
    gate.release("slow.txt")
    assert finished(client, posted).status_code == 200
    time.sleep(1.2)
    assert client.get(posted.headers["Location"]).status_code == 404


def test_a_result_too_large_to_keep_is_shown_once(make, gate, tmp_path):
    app, client = make(tmp_path, ISV_STORE_BYTES=1000)
    gate.release("groot.txt")
    posted = post(client, TEXT, "groot.txt")
    page = finished(client, posted)
    assert page.status_code == 200 and "De uitslag past niet in het geheugen" in page.get_data(as_text=True)
    assert tree(page).xpath("//*[@id='verdict']") and not tree(page).xpath("//ul[@class='downloads']")
    assert client.get(posted.headers["Location"]).status_code == 404, "and then it is gone"


def test_health(make, gate, tmp_path):
    app, client = make(tmp_path)
    response = client.get("/health")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == {
        "status": "ready",
        "ready": True,
        "queued": 0,
        "running": 0,
        "workers": 1,
        "workers_alive": 0,
        "queue_limit": 50,
        "results": 0,
        "results_mb": 0.0,
    }
    post(client, TEXT, "a.txt")
    post(client, TEXT, "b.txt", **as_client("10.0.4.1"))
    wait_until(lambda: client.get("/health").get_json()["running"] == 1)
    assert client.get("/health").get_json()["queued"] == 1
    app.extensions["isv_checker"].scheduler.drain(0)
    stopping = client.get("/health")
    assert stopping.status_code == 503 and stopping.get_json()["status"] == "stopping"
    refused = post(client, TEXT, "c.txt")
    assert refused.status_code == 503 and "wordt afgesloten" in refused.get_data(as_text=True)


def test_the_access_log_names_no_file_and_no_token(make, gate, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=ACCESS_LOG)
    app, client = make(tmp_path)
    posted = post(client, TEXT, "Aanbesteding geheim project.txt")
    gate.release("Aanbesteding geheim project.txt")
    finished(client, posted)
    token = posted.headers["Location"].rsplit("/", 1)[1]
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == ACCESS_LOG]
    assert "geheim" not in caplog.text and token not in caplog.text
    mine = [line for line in lines if line.get("job") == job_id(token)]
    check = next(line for line in mine if line["event"] == "check")
    assert check["state"] == "done" and check["verdict"] == "compliant" and check["lane"] == "quick"
    assert {"bytes", "waited_s", "ran_s", "pages", "ocr_pages", "client"} <= set(check)
    routes = {line["route"] for line in mine if line["event"] == "request"}
    assert routes == {"/check", "/result/<token>", "/result/<token>/progress"}
    assert gate.calls[0]["label"] == check["job"]


def test_the_access_log_names_files_when_the_operator_asks(make, gate, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=ACCESS_LOG)
    app, client = make(tmp_path, ISV_LOG_FILE_NAMES=True)
    gate.release("bestek.txt")
    finished(client, post(client, TEXT, "bestek.txt"))
    checks = [json.loads(r.getMessage()) for r in caplog.records if '"check"' in r.getMessage()]
    assert "bestek.txt" in [c.get("name") for c in checks]


# --- real workers ------------------------------------------------------------------------------------


def scan_of(pages: int, path: Path) -> Path:
    """A scanned PDF of `pages` pages, made of the samples' scans (up to two pages of each)."""
    import pypdfium2 as pdfium

    sources = sorted(SAMPLES.glob("*.scan.pdf"))
    out = pdfium.PdfDocument.new()
    for source in sources:
        if len(out) >= pages:
            break
        scan = pdfium.PdfDocument(source)
        out.import_pages(scan, list(range(min(2, len(scan), pages - len(out)))))
    out.save(path)
    return path


@pytest.mark.ocr
def test_the_progress_a_worker_writes(tmp_path):
    """Pages read of pages total, OCR pages, files read: from the readers' own calls, as they happen."""
    import shutil

    from isv_checker.readers import read_bytes

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    report = ProgressReport(tmp_path)
    assert read_progress(tmp_path).phase is Phase.STARTING
    seen = []
    original = report._update

    def spy(**changes):
        original(**changes)
        seen.append(read_progress(tmp_path))

    report._update = spy
    data = scan_of(2, tmp_path / "scan.pdf").read_bytes()
    with report.watching():
        document = read_bytes(data, "scan.pdf")
        report.file_read(document)
    final = read_progress(tmp_path)
    assert (final.pages_read, final.pages_total, final.ocr_done, final.ocr_total) == (2, 2, 2, 2)
    assert [(p.pages_read, p.ocr_done) for p in seen if p.ocr_total] == [(0, 0), (1, 1), (2, 2), (2, 2)]
    assert final.ocr_started is not None and not final.long

    from isv_checker.readers import ocr

    assert ocr.recognise.__name__ == "recognise", "the readers' functions are themselves again after the check"
    (tmp_path / "quick").mkdir()
    quick_only = ProgressReport(tmp_path / "quick", may_turn_long=False)
    with pytest.raises(TurnedLong), quick_only.watching():
        read_bytes(scan_of(6, tmp_path / "six.pdf").read_bytes(), "six.pdf")


def test_the_progress_of_a_tender_counts_its_files(tmp_path):
    from isv_checker.ruleset.load import cached_ruleset
    from isv_checker.web.outputs import check_tender_upload

    from .test_tender import ANNEX, GUIDELINES

    tender = tmp_path / "tender"
    tender.mkdir()
    (tender / "leidraad.txt").write_text(GUIDELINES.format(value="EUR 900.000"), encoding="utf-8")
    (tender / "bijlage.txt").write_text(ANNEX, encoding="utf-8")
    report = ProgressReport(tmp_path)
    with report.watching():
        result = check_tender_upload(tender, "2 bestanden", cached_ruleset(), progress=report)
    assert result.report.verdict == "compliant"
    final = read_progress(tmp_path)
    assert (final.files_read, final.phase, final.ocr_total) == (2, Phase.CHECKING, 0)


@pytest.mark.ocr
@pytest.mark.slow
def test_a_scan_shows_its_pages_while_a_draft_is_answered_first(make, tmp_path):
    """Real workers, one of them: a 5-page scan is checked (OCR, long, at a lower priority), and a
    draft uploaded after it is answered first, in the worker more; the scan's page shows its pages."""
    import shutil

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    app, client = make(tmp_path)
    scan = post(client, scan_of(5, tmp_path.parent / f"{tmp_path.name}-scan.pdf").read_bytes(), "scan.pdf")
    location = scan.headers["Location"]
    wait_until(lambda: (state_of(client, location)["ocr_total"] or 0) > 0, within=60)
    draft = post(client, TEXT, "draft.txt", **as_client("10.0.5.1"))
    assert finished(client, draft).status_code == 200
    view = state_of(client, location)
    assert view["state"] == "running", "the draft was answered while the scan was still being read"
    assert view["pages_total"] == 5 and view["ocr_total"] == 5
    assert re.fullmatch(r"\d van 5 pagina's gelezen\. Waarvan \d van 5 met tekstherkenning .*", view["detail"])
    assert view["time_text"].startswith("Bezig sinds ")
    page = finished(client, scan)
    assert page.status_code == 200 and "met OCR gelezen" in page.get_data(as_text=True)
    assert list(tmp_path.iterdir()) == []


# --- the serve command, stopped with SIGTERM ------------------------------------------------------------


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _json(url: str) -> dict:
    """A JSON answer, whatever its status (/health says 503 while it starts)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        return json.load(error)


def _upload(url: str, name: str, data: bytes) -> str:
    import urllib.request

    boundary = "isv-check-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        url + "check", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.url


@pytest.mark.ocr
@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_sigterm_stops_running_checks_and_leaves_no_ocr_behind(tmp_path):
    """`isv-check serve` stopped with SIGTERM while a scan is being read: it takes no more uploads,
    gives the running check its grace, then stops it with its OCR, and exits 0 with nothing left."""
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import urllib.request

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    scan = scan_of(20, tmp_path / "scan.pdf").read_bytes()
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "isv_checker", "serve", "--lang", "en", "--port", "0", "--workers", "1", "--grace", "1"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        url = ""
        while not url:
            line = server.stderr.readline()
            assert line, "serve ended before it printed its address"
            found = re.search(r"open (http://\S+/) in your browser", line)
            url = found.group(1) if found else ""
        wait_until(lambda: _json(url + "health")["ready"], within=60)
        location = _upload(url, "scan.pdf", scan)
        wait_until(lambda: _json(location + "/progress")["ocr_done"] >= 1, 60)
        started = _descendants(server.pid)
        assert any(Path(f"/proc/{p}/comm").read_text().strip() == "tesseract" for p in started if _running(p))
        server.send_signal(signal.SIGTERM)
        with pytest.raises(urllib.error.HTTPError) as refused:
            _upload(url, "late.txt", TEXT)
        assert refused.value.code == 503
        assert server.wait(timeout=30) == 0
        wait_until(lambda: not any(_running(p) for p in started), within=10)
        log = server.stderr.read()
        assert "stopping; running checks get 1 s to finish" in log
        assert '"state": "cancelled"' in log and "scan.pdf" not in log
        assert not [p for p in tmp_path.iterdir() if p.name.startswith("isv-check-")], "no upload left behind"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_pages_recognised_at_once_are_all_counted(tmp_path):
    """One file's pages finish in parallel OCR threads: each counts once, none lost between threads."""
    import threading

    report = ProgressReport(tmp_path)
    report.ocr_begins(pages=400, to_ocr=400)
    start = threading.Barrier(8)

    def recognise_50() -> None:
        start.wait()
        for _ in range(50):
            report.page_recognised()

    threads = [threading.Thread(target=recognise_50) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = read_progress(tmp_path)
    assert (final.ocr_done, final.pages_read, final.ocr_total) == (400, 400, 400)
