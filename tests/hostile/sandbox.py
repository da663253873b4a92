"""Runs the checker's CLI in a watched child process: an audit hook records forbidden events (see
audit_hook/sitecustomize.py), the address space is capped, the wall clock is limited, and the
child's peak memory is measured.

`Canary` is what hostile files point at instead of real files and hosts: a named pipe (a process that
opens it blocks, so a reader that followed a reference would hang the run) and a loopback listener
that counts connections.
"""

from __future__ import annotations

import json
import os
import resource
import selectors
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from isv_checker.checks.matcher_cache import cache_dir

ROOT = Path(__file__).resolve().parents[2]
AUDIT_HOOK = Path(__file__).resolve().parent / "audit_hook"
PROJECT_READS = [
    ROOT / "isv_checker",
    ROOT / "rules",
    ROOT / "templates",
    ROOT / "schema",
    ROOT / "isv_checker.egg-info",
]


@dataclass
class Run:
    argv: list[str]
    returncode: int | None
    stdout: str
    stderr: str
    events: list[dict[str, object]]
    seconds: float
    max_rss_mb: float
    timed_out: bool

    def reports(self) -> list[dict[str, object]]:
        """The JSON reports a `scan --format json` printed, one per line."""
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


def run_audited(
    argv: Sequence[str],
    *,
    reads: Sequence[Path],
    writes: Sequence[Path],
    timeout: float,
    memory_mb: int | None = 4096,
    programs: Sequence[str] = ("tesseract", "antiword", "catdoc"),
    python_args: Sequence[str] = ("-m", "isv_checker"),
) -> Run:
    """Run `python -m isv_checker ARGV` with the audit hook; `writes[0]` also serves as the temp folder.
    (`python_args` replaces `-m isv_checker`, for the tests that show the hook sees what it must.)"""
    scratch = Path(writes[0])
    temp = scratch / "tmp"
    temp.mkdir(parents=True, exist_ok=True)
    log = scratch / f"audit-{time.monotonic_ns()}.jsonl"
    # the checker's own cache of built matchers (checks/matcher_cache.py): read and written by design
    cache = [cache_dir()]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(AUDIT_HOOK), str(ROOT)]),
        "PYTHONDONTWRITEBYTECODE": "1",  # Python's own .pyc writes are not the checker's
        "TMPDIR": str(temp),
        "ISV_AUDIT_LOG": str(log),
        "ISV_AUDIT_READ": os.pathsep.join(str(p) for p in [*reads, *PROJECT_READS, *cache]),
        "ISV_AUDIT_WRITE": os.pathsep.join(str(p) for p in [*writes, *cache]),
        "ISV_AUDIT_EXEC": os.pathsep.join(programs),
    }

    def limit() -> None:
        if memory_mb:
            cap = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    command = [sys.executable, *python_args, *argv]
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=scratch,
        preexec_fn=limit,
        start_new_session=True,
    )
    out, err, timed_out = _communicate(process, timeout)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    events = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return Run(
        command, None if timed_out else process.returncode, out, err, events, seconds, usage.ru_maxrss / 1024, timed_out
    )


def _communicate(process: subprocess.Popen[bytes], timeout: float) -> tuple[str, str, bool]:
    """Read both pipes until the child exits or `timeout` passes; then kill its whole session.
    (Popen.communicate reaps the child itself, which would lose its rusage.)"""
    chunks: dict[str, list[bytes]] = {"out": [], "err": []}
    selector = selectors.DefaultSelector()
    assert process.stdout is not None and process.stderr is not None
    selector.register(process.stdout, selectors.EVENT_READ, "out")
    selector.register(process.stderr, selectors.EVENT_READ, "err")
    deadline = time.monotonic() + timeout
    timed_out = False
    while selector.get_map():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            os.killpg(process.pid, 9)
            break
        for key, _ in selector.select(min(remaining, 1.0)):
            data = os.read(key.fd, 65536)
            if data:
                chunks[key.data].append(data)
            else:
                selector.unregister(key.fileobj)
    selector.close()
    process.stdout.close()
    process.stderr.close()
    return (
        b"".join(chunks["out"]).decode("utf-8", "replace"),
        b"".join(chunks["err"]).decode("utf-8", "replace"),
        timed_out,
    )


@dataclass
class Canary:
    """A named pipe and a loopback listener for hostile files to point at; `touched()` says whether
    anything came near either."""

    folder: Path
    path: Path = field(init=False)
    url: str = field(init=False)
    connections: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / "canary-secret"
        if not self.path.exists():
            os.mkfifo(self.path)
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}/"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="canary", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                connection, address = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(f"{address[0]}:{address[1]}")
            connection.close()

    def pipe_has_reader(self) -> bool:
        """True while some process holds the pipe open for reading (a writer's open then succeeds)."""
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return False
        os.close(fd)
        return True

    def touched(self) -> list[str]:
        found = [f"connection from {c}" for c in self.connections]
        if self.pipe_has_reader():
            found.append(f"{self.path} is open for reading")
        return found

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        self._thread.join(2)
