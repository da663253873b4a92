"""The batch progress line as an auditor sees it in a terminal of 80 or 60 columns: done/total, rate
and ETA always, then as much of the verdict tally as fits, in whole entries."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time

import pytest

from isv_checker.batch.progress import BarProgress, ProgressState, fitted_line

from .conftest import SAMPLES

VERDICTS = ["incomplete"] * 27 + ["compliant"] * 15 + ["not_required"] * 12 + ["missing"] * 4
VERDICTS += ["unreadable"] * 2 + ["needs_review"] * 1
TALLY = ("incomplete 27", "compliant 15", "not_required 12", "missing 4", "unreadable 2", "needs_review 1")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _state() -> ProgressState:
    return ProgressState(
        done=1234,
        total=4000,
        files_per_s=15.1,
        pages_per_s=212.4,
        eta_s=3783.0,
        verdicts=tuple((entry.rsplit(" ", 1)[0], int(entry.rsplit(" ", 1)[1])) for entry in TALLY),
    )


def _tally_is_whole(tail: str) -> None:
    """What follows the head is whole `verdict n` entries and a `+N more` or `+N`, nothing cut."""
    assert "…" not in tail
    entries, _, rest = tail.partition(" +")
    for entry in filter(None, entries.split(", ")):
        assert entry in TALLY, tail
    assert re.fullmatch(r"(\d+( more)?)?", rest), tail


@pytest.mark.parametrize("width", [160, 120, 100, 80, 60, 50])
def test_fitted_line_keeps_count_rate_and_eta_first(width):
    """Regression (issue 18): at 80 columns the line was cut to "15.1 files/s 15 pa… incomplete 27, … ne…"."""
    line = fitted_line(_state(), width)
    assert len(line) <= width
    assert line.startswith("1234/4000 (31%)  15.1 files/s  ETA 1h03m")
    tail = line.removeprefix("1234/4000 (31%)  15.1 files/s  ETA 1h03m").removeprefix("  ")
    _tally_is_whole(tail.removeprefix("212 pages/s").removeprefix("  "))


def test_fitted_line_uses_the_width_it_has():
    assert fitted_line(_state(), 80) == "1234/4000 (31%)  15.1 files/s  ETA 1h03m  incomplete 27, compliant 15 +4 more"
    assert fitted_line(_state(), 60) == "1234/4000 (31%)  15.1 files/s  ETA 1h03m  incomplete 27 +5"
    wide = fitted_line(_state(), 200)
    assert wide.endswith("212 pages/s  " + ", ".join(TALLY))
    assert fitted_line(_state(), 30) == "1234/4000 15.1/s ETA 1h03m"  # a very narrow window still has the count


@pytest.mark.parametrize("width", [80, 60])
def test_bar_progress_rendered_at_the_console_width(width, monkeypatch, capsys):
    """The live display as rich renders it at the terminal's width (COLUMNS), through the Progress calls."""
    monkeypatch.setenv("COLUMNS", str(width))
    progress = BarProgress()
    progress.start(total=len(VERDICTS) + 40, description="1 local worker process")
    for verdict in VERDICTS:
        progress.advance(kind="checked", status="ok", verdict=verdict, pages=3)
    progress.close()
    lines = [ANSI.sub("", line).rstrip() for line in capsys.readouterr().err.splitlines() if line.strip()]
    last = lines[-1]
    assert len(last) <= width, last
    assert re.search(r"\b61/101 \(60%\)  [\d.]+ files/s  ETA \S+", last), last
    _tally_is_whole(last.split("ETA ", 1)[1].partition("  ")[2].split("pages/s  ")[-1])


def _batch_in_a_terminal(columns: int, folder, db) -> str:
    """`isv-check batch` run in a pseudo-terminal of `columns` columns; what it showed, without escapes."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    command = [sys.executable, "-m", "isv_checker", "batch", str(folder), "--db", str(db), "--workers", "1"]
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    shown = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the command is done
                break
            if not chunk:
                break
            shown += chunk
        elif process.poll() is not None:
            break
    assert process.wait(timeout=30) == 0, shown
    os.close(leader)
    return ANSI.sub("", shown.decode("utf-8", "replace"))


@pytest.mark.parametrize("columns", [80, 60])
def test_batch_in_a_terminal_shows_count_rate_and_eta(columns, tmp_path):
    """The command as an auditor runs it: in a terminal, the last progress frame keeps the count and the ETA."""
    folder = tmp_path / "archive"
    folder.mkdir()
    for name in ("gemeente-catering-2024.txt", "rvb-elektriciteit-2025.txt", "arbeidsinspectie-drukwerk-2024.txt"):
        shutil.copy(SAMPLES / name, folder / name)
    shown = _batch_in_a_terminal(columns, folder, tmp_path / "r.sqlite")
    frames = [frame for frame in re.split(r"[\r\n]+", shown) if "files/s" in frame]
    assert frames, shown
    last = frames[-1].rstrip()
    assert len(last) <= columns, last
    assert re.search(r"3/3 \(100%\)  [\d.]+ files/s  ETA 0s", last), last
    assert "…" not in last
    assert "3 file(s) in, 3 accounted for" in shown
