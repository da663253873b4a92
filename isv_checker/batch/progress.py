"""What a person sees of a batch run: a progress bar on a terminal, a plain line every so often
otherwise (a log, CI), nothing with --quiet; and the summary at the end."""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TYPE_CHECKING, Any, Protocol, TextIO

if TYPE_CHECKING:
    from .run import BatchSummary


class Progress(Protocol):
    def start(self, *, total: int, description: str) -> None: ...

    def advance(self, *, kind: str, status: str, verdict: str | None, pages: int) -> None: ...

    def close(self) -> None: ...


class NullProgress:
    def start(self, *, total: int, description: str) -> None:
        pass

    def advance(self, *, kind: str, status: str, verdict: str | None, pages: int) -> None:
        pass

    def close(self) -> None:
        pass


class _Rates:
    """Files and pages per second over the files workers checked (skips would flatter the rate)."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0
        self.checked = 0
        self.pages = 0
        self.verdicts: Counter[str] = Counter()
        self.started = time.monotonic()

    def add(self, kind: str, verdict: str | None, pages: int) -> None:
        self.done += 1
        self.verdicts[verdict or "none"] += 1
        if kind == "checked":
            self.checked += 1
            self.pages += pages

    def files_per_s(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.checked / elapsed if elapsed > 0 else 0.0

    def pages_per_s(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.pages / elapsed if elapsed > 0 else 0.0

    def eta(self) -> float | None:
        elapsed = time.monotonic() - self.started
        if self.done == 0 or elapsed <= 0:
            return None
        return (self.total - self.done) * elapsed / self.done

    def verdict_text(self) -> str:
        return ", ".join(f"{v} {n}" for v, n in self.verdicts.most_common())


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = round(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class LineProgress:
    """A plain line to `stream` every `interval` seconds and at the end."""

    def __init__(self, stream: TextIO | None = None, interval: float = 10.0) -> None:
        self.stream = stream or sys.stderr
        self.interval = interval
        self.rates = _Rates()
        self._last = 0.0

    def start(self, *, total: int, description: str) -> None:
        self.rates = _Rates()
        self.rates.total = total
        self._last = time.monotonic()
        self._print(f"isv-check batch: {total} file(s), {description}")

    def advance(self, *, kind: str, status: str, verdict: str | None, pages: int) -> None:
        self.rates.add(kind, verdict, pages)
        if time.monotonic() - self._last >= self.interval:
            self._line()

    def _line(self) -> None:
        r = self.rates
        percent = 100 * r.done / r.total if r.total else 100
        self._print(
            f"isv-check batch: {r.done}/{r.total} files ({percent:.0f}%), {r.files_per_s():.1f} files/s, "
            f"{r.pages_per_s():.0f} pages/s, ETA {_duration(r.eta())}; {r.verdict_text()}"
        )
        self._last = time.monotonic()

    def _print(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        self._line()


class BarProgress:
    """A rich progress bar on the terminal (standard error)."""

    def __init__(self) -> None:
        self.rates = _Rates()
        self._bar: Any = None
        self._task: Any = None

    def start(self, *, total: int, description: str) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.rates = _Rates()
        self.rates.total = total
        self._bar = Progress(
            TextColumn("[bold]batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rates]}"),
            TextColumn("{task.fields[verdicts]}"),
            console=Console(stderr=True),
            refresh_per_second=4,
        )
        self._bar.start()
        self._task = self._bar.add_task("batch", total=total, rates="", verdicts="")

    def advance(self, *, kind: str, status: str, verdict: str | None, pages: int) -> None:
        r = self.rates
        r.add(kind, verdict, pages)
        self._bar.update(
            self._task,
            completed=r.done,
            rates=f"{r.files_per_s():.1f} files/s {r.pages_per_s():.0f} pages/s ETA {_duration(r.eta())}",
            verdicts=r.verdict_text(),
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def progress_for(stream: TextIO, *, quiet: bool, interval: float = 10.0) -> Progress:
    """The bar on a terminal, plain lines when `stream` is not one, nothing when quiet."""
    if quiet:
        return NullProgress()
    if stream.isatty():
        return BarProgress()
    return LineProgress(stream, interval)


def summary_lines(summary: BatchSummary) -> list[str]:
    s = summary
    lines = [
        f"{s.files_in} file(s) in, {s.accounted} accounted for: {s.checked} checked, {s.skipped} already done, "
        f"{s.copied} copied (same content), {s.refused} refused",
        "status:  " + (", ".join(f"{k} {v}" for k, v in s.statuses.most_common()) or "-"),
        "verdict: " + (", ".join(f"{k} {v}" for k, v in s.verdicts.most_common()) or "-"),
    ]
    if s.passed_over:
        reasons = Counter(why for _, why in s.passed_over)
        lines.append(
            f"passed over, not counted in: {s.other_files} file(s): "
            + "; ".join(f"{n} {why}" for why, n in reasons.most_common())
        )
    if s.tenders:
        lines.append(
            f"{s.tenders_in} tender(s): {s.tenders_judged} judged, {s.tenders_skipped} already done"
            + (f", {s.tenders_failed} failed (see their rows)" if s.tenders_failed else "")
        )
        lines.append("tender verdict: " + (", ".join(f"{k} {v}" for k, v in s.tender_verdicts.most_common()) or "-"))
        if s.outside_tenders:
            lines.append(
                f"{s.outside_tenders} file(s) directly in an archive, in no top-level folder or ZIP: "
                "checked as documents, in no tender"
            )
    if s.metadata_rows:
        named = "a file or tender" if s.tenders else "a file"
        lines.append(
            f"metadata: {s.metadata_rows} row(s), {s.metadata_rows - len(s.metadata_unmatched)} matched {named}, "
            f"{len(s.metadata_unmatched)} matched none"
        )
    if s.checked:
        lines.append(
            f"{s.pages} page(s) in {s.elapsed:.1f} s ({s.pages / s.elapsed if s.elapsed else 0:.0f} pages/s) on {s.runner}; "
            f"peak worker memory {s.peak_rss_mb:.0f} MB"
        )
    if s.slowest:
        lines.append("slowest:")
        lines.extend(f"  {seconds:7.1f} s  {source}" for seconds, source in s.slowest)
    if s.files_in != s.accounted:
        lines.append(f"WARNING: {s.files_in - s.accounted} file(s) not accounted for")
    lines.append(f"ruleset {s.ruleset}; run {s.run_id}")
    return lines
