"""The web page under a purchasing team's load: `isv-check serve` on loopback, real uploads of the samples.

    python benchmarks/web_load.py                         # all four parts (about 13 minutes)
    python benchmarks/web_load.py --parts alone scan burst  # without the soak (about 2 minutes)
    python benchmarks/web_load.py --parts soak --soak-count 100 --soak-seconds 120

Starts `isv-check serve --host 127.0.0.1 --port 0 --workers 2 --proxies 1 --keep-minutes 1` (the CLI
itself, in a process of its own; results are kept one minute instead of 15, so that within the soak
the result store reaches its steady size and the server's memory shows leaks, not the results buyers
may still fetch) and plays buyers against it over HTTP, each buyer its own client address in
X-Forwarded-For, as behind a team's reverse proxy. A buyer uploads, follows its check's progress
(every 0.1 s where one check is timed, every 0.5 s where many buyers wait at once; the page's
script asks every second) and fetches the result page. "Result time" is
from the upload's first byte until the result page has been read. Parts:

- alone: each small upload (the text, DOCX and text-PDF samples used below) checked alone, three
  times each, the median kept; and `GET /` on an idle server;
- scan: a 20-page scan (the samples' scans put together) is uploaded; once its OCR runs, a small
  .txt is uploaded, and `GET /` is timed every 0.25 s while the scan is being read.
  Target: the .txt's result time at most 2x its time alone; `GET /` under 0.2 s;
- burst: 20 small uploads at once (20 buyers). Target: every one answered, none lost; the p95
  result time is put beside the sum of their times alone (what one check at a time would give);
- soak: `--soak-count` (500) mixed uploads (text, DOCX, text PDF, 2-page scans, broken files)
  spread over `--soak-seconds` (600) by 12 buyers. Targets: 0 errors besides the broken files' own
  statuses (422 with `corrupt`, `empty`, `encrypted`), 0 lost results, the server's memory flat (its
  RSS at the start, after two minutes (the result store full for its minute), and at the end; the
  RSS of the fork server and of the largest worker seen, sampled every 0.2 s), no process left behind
  after SIGTERM.

Bounded: every wait has a deadline (`--deadline`, 60 s per small check, 600 s per scan), the counts
are fixed, and only 127.0.0.1 is ever contacted. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
SMALL = [
    "cjib-printwerk-2022.txt",
    "gemeente-catering-2024.txt",
    "dictu-laptops-2025.docx",
    "rws-bedrijfskleding-2024.docx",
    "dictu-laptops-2025.pdf",
    "belastingdienst-smartphones-2023.pdf",
]
TXT = "cjib-printwerk-2022.txt"
BROKEN = {  # name -> (bytes, the status the page gives)
    "offerte.pdf": (b"this is no PDF at all", "corrupt"),
    "leeg.txt": (b"", "empty"),
    "beveiligd.pdf": ((FIXTURES / "encrypted.pdf").read_bytes(), "encrypted"),
}
POLL = 0.1  # seconds between a buyer's looks at its check's progress when one check is timed
POLL_MANY = 0.5  # when many buyers look at once (burst, soak), as the page's own script does (1 s)
TARGET_RATIO = 2.0
TARGET_INDEX_SECONDS = 0.2


# --------------------------------------------------------------------------------------------------
# the server


class Server:
    """`isv-check serve` on a free port of 127.0.0.1, and the processes it starts."""

    def __init__(self, workers: int, temp: Path) -> None:
        env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "isv_checker", "serve", "--lang", "en", "--host", "127.0.0.1", "--port", "0"]
            + ["--workers", str(workers), "--proxies", "1", "--grace", "5", "--keep-minutes", "1"],
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.log: list[str] = []
        self.url = ""
        assert self.process.stderr is not None
        while not self.url:
            line = self.process.stderr.readline()
            if not line:
                raise SystemExit("isv-check serve ended before it printed its address")
            self.log.append(line)
            found = re.search(r"open (http://127\.0\.0\.1:\d+/) in your browser", line)
            self.url = found.group(1) if found else ""
        threading.Thread(target=self._drain, daemon=True).start()
        self.seen: set[int] = set()
        deadline = time.monotonic() + 120
        while not get_json(self.url + "health")[1].get("ready"):
            if time.monotonic() > deadline:
                raise SystemExit("the server was not ready within 120 s")
            time.sleep(0.2)

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)

    def processes(self) -> dict[int, tuple[str, int]]:
        """The server and everything it started that still runs: pid -> (name, RSS in KB)."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if fields[0] != "Z":
                    children.setdefault(int(fields[1]), []).append(int(entry.name))
        found, todo = {self.process.pid}, [self.process.pid]
        while todo:
            for child in children.get(todo.pop(), []):
                found.add(child)
                todo.append(child)
        out = {}
        for pid in found:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            name = re.search(r"Name:\s+(\S+)", status)
            rss = re.search(r"VmRSS:\s+(\d+)", status)
            out[pid] = (name.group(1) if name else "?", int(rss.group(1)) if rss else 0)
        self.seen |= set(out)
        return out

    def memory(self) -> dict[str, float]:
        found = self.processes()
        server = found.get(self.process.pid, ("", 0))[1]
        others = sum(rss for pid, (_, rss) in found.items() if pid != self.process.pid)
        return {"server_mb": server / 1024, "workers_mb": others / 1024, "processes": len(found)}

    def stop(self) -> tuple[int, list[int]]:
        """SIGTERM, then the exit code and what is still running of what it ever started."""
        self.processes()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        deadline = time.monotonic() + 10
        while True:
            left = [p for p in self.seen if _running(p)]
            if not left or time.monotonic() > deadline:
                return code, left
            time.sleep(0.1)


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# --------------------------------------------------------------------------------------------------
# a buyer


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error) if error.headers.get_content_type() == "application/json" else {}


def timed_get(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


@dataclass
class Outcome:
    name: str
    posted: int  # status of the upload (303 when taken)
    status: int | None = None  # status of the result page (200, or 422 for a file that cannot be checked)
    seconds: float | None = None
    lost: bool = False
    words: str = ""


def check(url: str, name: str, data: bytes, client: str, deadline: float, poll: float = POLL) -> Outcome:
    """Upload like a buyer, follow the check until it is done, read the result page."""
    boundary = f"isv-load-{random.getrandbits(64):x}"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Forwarded-For": client}
    request = urllib.request.Request(url + "check", data=body, headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=60) as response:
            posted, location = response.status, response.headers.get("Location")
    except urllib.error.HTTPError as error:
        posted, location = error.code, error.headers.get("Location")
    if posted != 303 or not location:
        return Outcome(name, posted)
    location = urllib.request.urljoin(url, location)
    ends = time.monotonic() + deadline
    while True:
        code, view = get_json(location + "/progress")
        if view.get("done"):
            break
        if time.monotonic() > ends:
            return Outcome(name, posted, lost=True)
        time.sleep(poll)
    try:
        with urllib.request.urlopen(location, timeout=30) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    seconds = time.perf_counter() - started
    return Outcome(name, posted, status, seconds, lost=status == 404, words=text)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def scan_of(pages: int, path: Path) -> Path:
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    for source in sorted(SAMPLES.glob("*.scan.pdf")):
        if len(out) >= pages:
            break
        scan = pdfium.PdfDocument(source)
        out.import_pages(scan, list(range(min(2, len(scan), pages - len(out)))))
    out.save(path)
    return path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# --------------------------------------------------------------------------------------------------
# the parts


def part_alone(server: Server, deadline: float) -> dict[str, float]:
    alone: dict[str, float] = {}
    for name in SMALL:
        times = []
        for round_ in range(3):
            outcome = check(server.url, name, sample(name), f"10.1.0.{round_ + 1}", deadline)
            if outcome.status != 200 or outcome.seconds is None:
                raise SystemExit(f"alone: {name} gave {outcome}")
            times.append(outcome.seconds)
        alone[name] = statistics.median(times)
        print(f"  {name:42} alone: {alone[name]:.2f} s (median of 3: {', '.join(f'{t:.2f}' for t in times)})")
    index = [timed_get(server.url)[1] for _ in range(10)]
    print(f"  GET / on an idle server: median {statistics.median(index) * 1000:.0f} ms, max {max(index) * 1000:.0f} ms")
    return alone


def part_scan(server: Server, alone: dict[str, float], work: Path, deadline: float) -> bool:
    scan = scan_of(20, work / "scan-20.pdf").read_bytes()
    results: dict[str, Outcome] = {}
    started = time.perf_counter()
    thread = threading.Thread(
        target=lambda: results.setdefault("scan", check(server.url, "scan-20.pdf", scan, "10.2.0.1", 600)),
        daemon=True,
    )
    thread.start()
    # wait until the scan's OCR runs (its page says how many pages go to OCR)
    ends = time.monotonic() + 120
    while time.monotonic() < ends:
        time.sleep(0.2)
        processes = server.processes()
        if sum(1 for name, _ in processes.values() if name == "tesseract"):
            break
    else:
        raise SystemExit("scan: the scan's OCR did not start within 120 s")
    index: list[float] = []
    stop = threading.Event()

    def poll_index() -> None:
        while not stop.is_set():
            index.append(timed_get(server.url)[1])
            time.sleep(0.25)

    poller = threading.Thread(target=poll_index, daemon=True)
    poller.start()
    txt = check(server.url, TXT, sample(TXT), "10.2.0.2", deadline)
    scan_running = thread.is_alive()
    thread.join(600)
    stop.set()
    poller.join(5)
    scan_result = results.get("scan")
    if txt.seconds is None or scan_result is None or scan_result.seconds is None:
        raise SystemExit(f"scan: no result ({txt}, {scan_result})")
    ratio = txt.seconds / alone[TXT]
    print(
        f"  20-page scan: result after {scan_result.seconds:.1f} s (started {time.perf_counter() - started:.1f} s ago)"
    )
    print(
        f"  .txt during the scan: {txt.seconds:.2f} s against {alone[TXT]:.2f} s alone = {ratio:.2f}x "
        f"(target <= {TARGET_RATIO:g}x); the scan still running when it was answered: {scan_running}"
    )
    print(
        f"  GET / during the scan: {len(index)} requests, median {statistics.median(index) * 1000:.0f} ms, "
        f"max {max(index) * 1000:.0f} ms (target < {TARGET_INDEX_SECONDS * 1000:.0f} ms)"
    )
    return ratio <= TARGET_RATIO and max(index) < TARGET_INDEX_SECONDS and scan_running


def part_burst(server: Server, alone: dict[str, float], deadline: float) -> bool:
    names = [SMALL[i % len(SMALL)] for i in range(20)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(
            pool.map(
                lambda item: check(server.url, item[1], sample(item[1]), f"10.3.0.{item[0]}", deadline, POLL_MANY),
                enumerate(names),
            )
        )
    wall = time.perf_counter() - started
    answered = [o for o in outcomes if o.status == 200 and o.seconds is not None]
    lost = [o for o in outcomes if o.lost or o.posted != 303 or o.status != 200]
    times = [o.seconds for o in answered if o.seconds is not None]
    serial = sum(alone[n] for n in names)
    if lost:
        print(f"  lost or refused: {[(o.name, o.posted, o.status, o.lost) for o in lost]}")
    print(
        f"  20 small uploads at once, {len(answered)} answered, {len(lost)} lost or refused, all done in {wall:.1f} s"
    )
    if times:
        print(
            f"  result time: median {statistics.median(times):.2f} s, p95 {percentile(times, 0.95):.2f} s, "
            f"max {max(times):.2f} s; their times alone add up to {serial:.1f} s"
        )
    return len(answered) == 20 and not lost


def part_soak(server: Server, count: int, seconds: float, work: Path, deadline: float) -> bool:
    rng = random.Random(17)
    scans = [p.name for p in sorted(SAMPLES.glob("*.scan.pdf"))]
    kinds = (
        [("small", n) for n in SMALL] * 14 + [("scan", n) for n in scans[:6]] + [("broken", n) for n in BROKEN] * 2
    )  # about 5% scans and 6% broken files
    plan = [rng.choice(kinds) for _ in range(count)]
    start_memory = server.memory()
    resident = set(server.processes())  # the server, its fork server and resource tracker: not workers
    print(
        f"  start: server RSS {start_memory['server_mb']:.0f} MB, its fork server and resource tracker "
        f"{start_memory['workers_mb']:.0f} MB ({start_memory['processes']} processes); results kept: "
        f"{get_json(server.url + 'health')[1].get('results_mb')} MB"
    )
    sampled: list[tuple[float, float, float]] = []  # (seconds into the soak, server MB, largest worker MB)
    stop_sampling = threading.Event()

    def sample_memory() -> None:
        began = time.monotonic()
        while not stop_sampling.wait(0.2):
            found = server.processes()
            workers = [rss for pid, (name, rss) in found.items() if pid not in resident and name != "tesseract"]
            sampled.append(
                (
                    time.monotonic() - began,
                    found.get(server.process.pid, ("", 0))[1] / 1024,
                    max(workers, default=0) / 1024,
                )
            )

    sampler = threading.Thread(target=sample_memory, daemon=True)
    sampler.start()
    outcomes: list[tuple[str, str, Outcome]] = []
    lock = threading.Lock()

    def one(index: int, kind: str, name: str) -> None:
        data = BROKEN[name][0] if kind == "broken" else sample(name)
        outcome = check(server.url, name, data, f"10.4.0.{index % 12}", 600 if kind == "scan" else deadline, POLL_MANY)
        with lock:
            outcomes.append((kind, name, outcome))

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=48) as pool:
        for index, (kind, name) in enumerate(plan):
            time.sleep(max(0.0, started + seconds * index / count - time.monotonic()))
            pool.submit(one, index, kind, name)
    wall = time.monotonic() - started
    stop_sampling.set()
    sampler.join(5)
    end_memory = server.memory()
    errors, broken_ok, lost = [], 0, 0
    for kind, name, outcome in outcomes:
        if outcome.lost:
            lost += 1
        elif kind == "broken":
            expected = BROKEN[name][1]
            if outcome.status == 422 and f"({expected})" in outcome.words:
                broken_ok += 1
            else:
                errors.append((name, outcome.posted, outcome.status))
        elif outcome.posted != 303 or outcome.status != 200:
            errors.append((name, outcome.posted, outcome.status))
    times = {k: [o.seconds for kk, _, o in outcomes if kk == k and o.seconds is not None] for k in ("small", "scan")}
    print(
        f"  {len(outcomes)} uploads in {wall:.0f} s: {len(errors)} errors, {lost} lost, {broken_ok} broken files with their own status"
    )
    for kind, values in times.items():
        if values:
            print(
                f"  {kind}: {len(values)}, result time median {statistics.median(values):.2f} s, p95 {percentile(values, 0.95):.2f} s, max {max(values):.2f} s"
            )
    if errors:
        print(f"  errors: {errors[:10]}")
    settled = next((mb for at, mb, _ in sampled if at >= min(120.0, seconds / 2)), end_memory["server_mb"])
    peak = max((mb for _, mb, _ in sampled), default=end_memory["server_mb"])
    worker_peak = max((mb for _, _, mb in sampled), default=0.0)
    print(
        f"  end: server RSS {end_memory['server_mb']:.0f} MB (start {start_memory['server_mb']:.0f} MB, after two "
        f"minutes {settled:.0f} MB, highest seen {peak:.0f} MB); fork server and resource tracker "
        f"{end_memory['workers_mb']:.0f} MB ({end_memory['processes']} processes); largest worker seen "
        f"{worker_peak:.0f} MB; results kept: {get_json(server.url + 'health')[1].get('results_mb')} MB"
    )
    flat = (
        end_memory["server_mb"] <= settled * 1.15 + 15
        and end_memory["workers_mb"] <= start_memory["workers_mb"] * 1.15 + 15
    )
    return not errors and not lost and len(outcomes) == count and flat


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--parts", nargs="+", choices=["alone", "scan", "burst", "soak"], default=["alone", "scan", "burst", "soak"]
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--soak-count", type=int, default=500)
    parser.add_argument("--soak-seconds", type=float, default=600.0)
    parser.add_argument(
        "--deadline", type=float, default=60.0, help="seconds a small check may take before it counts as lost"
    )
    args = parser.parse_args()
    if not 1 <= args.soak_count <= 2000 or not 1 <= args.soak_seconds <= 3600:
        parser.error("the soak is bounded: at most 2000 uploads over at most an hour")
    ok = True
    with tempfile.TemporaryDirectory(prefix="isv-web-load-") as temp:
        work = Path(temp)
        (work / "uploads").mkdir()
        print(f"isv-check serve --workers {args.workers} on 127.0.0.1 ({os.cpu_count()} cores)")
        server = Server(args.workers, work / "uploads")
        try:
            alone: dict[str, float] = {}
            if {"alone", "scan", "burst"} & set(args.parts):
                print("alone:")
                alone = part_alone(server, args.deadline)
            if "scan" in args.parts:
                print("scan:")
                ok &= part_scan(server, alone, work, args.deadline)
            if "burst" in args.parts:
                print("burst:")
                ok &= part_burst(server, alone, args.deadline)
            if "soak" in args.parts:
                print(f"soak: {args.soak_count} uploads over {args.soak_seconds:g} s")
                ok &= part_soak(server, args.soak_count, args.soak_seconds, work, args.deadline)
        finally:
            code, left = server.stop()
        names = sorted({line for line in server.log if "Traceback" in line})
        print(
            f"SIGTERM: exit code {code}; processes left behind: {len(left)}; uploads left behind: {len(list((work / 'uploads').iterdir()))}"
        )
        ok &= code == 0 and not left and not names and not list((work / "uploads").iterdir())
    print("all targets met" if ok else "a target was missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
