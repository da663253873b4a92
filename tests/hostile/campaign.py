"""The two runs the suite and benchmarks/hostile.py make over the hostile corpus, and what they found:
`isv-check scan --format json` over the corpus, and `isv-check batch` over the corpus mixed with
valid samples, each in an audited child process (sandbox.py).
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import ARCHIVE_MEMBER, Case
from .sandbox import Run, run_audited

LONG_LINES = "longline"
"""The corpus folder of lines megabytes long. The rules stage is linear in a block's length, but an
8 MB line still takes tens of seconds: the CI scan leaves the folder out (a slow test scans it) and
batch runs may end its files at their timeout."""

VALID_SAMPLES = (
    "rws-bedrijfskleding-2024.docx",
    "rws-bedrijfskleding-2024.pdf",
    "dictu-laptops-2025.txt",
    "dictu-laptops-2025.docx",
    "minbuza-energy-2026.pdf",
    "gemeente-catering-2024.txt",
    "logius-datacenter-nvi-2025.pdf",
    "ind-vertrouwelijke-informatiedragers-2024.docx",
    "cjib-printwerk-2022.pdf",
    "defensie-energie-nvi-2022.txt",
    "dji-schoonmaak-scan-2023.scan.pdf",
)
"""Valid documents the batch run mixes in, a scan among them (status `ocr`)."""


@dataclass
class Outcome:
    """What one run made of the files: `statuses` by path, and the findings that break the contract."""

    run: Run
    statuses: dict[str, str] = field(default_factory=dict)
    verdicts: dict[str, str | None] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    summary: dict[str, object] = field(default_factory=dict)

    @property
    def tracebacks(self) -> int:
        return self.run.stderr.count("Traceback") + self.run.stdout.count("Traceback")

    def per_status(self) -> Counter[str]:
        return Counter(self.statuses.values())


def scan_inputs(root: Path, *, long_lines: bool = False) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and (long_lines or p.name != LONG_LINES))


def scanned_cases(cases: Iterable[Case], *, long_lines: bool = False) -> list[Case]:
    """The cases a scan reports on: a ZIP file as one `unsupported` report (scans do not open archives),
    not its members, and LONG_LINES only if asked."""
    cases = list(cases)
    archives = sorted({str(case.path).split(ARCHIVE_MEMBER)[0] for case in cases if ARCHIVE_MEMBER in str(case.path)})
    return [
        case
        for case in cases
        if (long_lines or LONG_LINES not in case.path.parts) and ARCHIVE_MEMBER not in str(case.path)
    ] + [Case(Path(archive), frozenset({"unsupported"})) for archive in archives]


def scan(
    root: Path,
    scratch: Path,
    *,
    timeout: float = 600,
    memory_mb: int = 4096,
    long_lines: bool = False,
    reads: Sequence[Path] = (),
) -> Outcome:
    """`isv-check scan --format json` over the corpus folders (LONG_LINES only if asked)."""
    inputs = scan_inputs(root, long_lines=long_lines)
    run = run_audited(
        ["scan", *map(str, inputs), "--format", "json"],
        reads=[root, *reads],
        writes=[scratch],
        timeout=timeout,
        memory_mb=memory_mb,
    )
    outcome = Outcome(run)
    for line in run.stdout.splitlines():
        if line.strip():
            report = json.loads(line)
            outcome.statuses[report["file"]] = report["status"]
            outcome.verdicts[report["file"]] = report.get("verdict")
            outcome.messages[report["file"]] = report["status_message"]
    return outcome


def batch(
    inputs: Sequence[Path],
    scratch: Path,
    *,
    timeout: float,
    memory_mb: int,
    workers: int = 2,
    run_timeout: float = 900,
    reads: Sequence[Path] = (),
) -> Outcome:
    """`isv-check batch` over `inputs` into scratch/results.sqlite, with a timeout and memory cap per file."""
    db = scratch / "results.sqlite"
    run = run_audited(
        [
            "batch",
            *map(str, inputs),
            "--db",
            str(db),
            "--timeout",
            str(timeout),
            "--memory",
            str(memory_mb),
            "--workers",
            str(workers),
            "--ocr",
            "auto",
        ],
        reads=[*inputs, *reads],
        writes=[scratch],
        timeout=run_timeout,
        memory_mb=None,
    )
    outcome = Outcome(run)
    if not db.exists():
        return outcome
    conn = sqlite3.connect(db)
    try:
        for source, status, verdict, report in conn.execute("SELECT source, status, verdict, report FROM documents"):
            outcome.statuses[source] = status
            outcome.verdicts[source] = verdict
            outcome.messages[source] = json.loads(report)["status_message"]
        row = conn.execute("SELECT summary FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        outcome.summary = json.loads(row[0]) if row and row[0] else {}
    finally:
        conn.close()
    return outcome


def mismatches(
    cases: Iterable[Case], statuses: dict[str, str], *, also: dict[str, set[str]] | None = None
) -> list[str]:
    """'path: got X, expected one of ...' for every case whose status is not among its expected ones;
    `also` adds statuses allowed for cases whose path contains a key (timeouts in a batch run)."""
    found = []
    for case in cases:
        allowed = set(case.expected)
        for key, extra in (also or {}).items():
            if key in str(case.path):
                allowed |= extra
        got = statuses.get(str(case.path), "(no report)")
        if got not in allowed:
            found.append(f"{case.path}: got {got}, expected one of {sorted(allowed)}")
    return found


def unfit_messages(outcome: Outcome) -> list[str]:
    """Status messages a person could not use: missing where reading failed, a traceback, a Python
    repr, or a page long."""
    bad = []
    for path, message in outcome.messages.items():
        if outcome.statuses.get(path) not in ("ok", "ocr") and not message.strip():
            bad.append(f"{path}: no message for status {outcome.statuses.get(path)}")
        elif "Traceback" in message or 'File "' in message or " object at 0x" in message or len(message) > 600:
            bad.append(f"{path}: {message[:200]!r}")
    return bad


def run_harness(script: Path, seconds: float, workdir: Path) -> tuple[int, str, int]:
    """(exit code, output, executions) of one bounded libFuzzer run of a harness in a fresh corpus folder;
    crash and timeout inputs land in `workdir`."""
    corpus = workdir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            sys.executable,
            str(script),
            f"-max_total_time={seconds:g}",
            "-timeout=30",
            "-rss_limit_mb=3072",
            f"-artifact_prefix={workdir}/",
            "-print_final_stats=1",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        cwd=workdir,
    )
    output = result.stdout + result.stderr
    found = re.search(r"stat::number_of_executed_units:\s*(\d+)", output) or re.search(r"Done (\d+) runs", output)
    return result.returncode, output, int(found.group(1)) if found else 0
