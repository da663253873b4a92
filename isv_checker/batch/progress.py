"""What a person sees of a batch run: one line on a terminal, fitted to its width, a plain line every
so often otherwise (a log, CI), nothing with --quiet; and the summary at the end.

The terminal line puts what an auditor watches first (done/total, files per second, ETA) and fills
the rest of the width with pages per second and the verdict tally, whole entries only, so a narrow
terminal loses the tally's tail ("+2 more"), never the count."""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from ..i18n.reading import code_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console, ConsoleOptions, RenderResult

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


@dataclass(frozen=True)
class ProgressState:
    """A batch run's progress at one moment, what the terminal line is made of."""

    done: int
    total: int
    files_per_s: float
    pages_per_s: float
    eta_s: float | None
    verdicts: tuple[tuple[str, int], ...]  # most frequent first


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

    def state(self) -> ProgressState:
        return ProgressState(
            done=self.done,
            total=self.total,
            files_per_s=self.files_per_s(),
            pages_per_s=self.pages_per_s(),
            eta_s=self.eta(),
            verdicts=tuple(self.verdicts.most_common()),
        )


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = round(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


GAP = "  "


def fitted_line(state: ProgressState, width: int) -> str:
    """The terminal line in at most `width` columns: done/total, rate and ETA always, then pages per
    second and as many verdicts as fit, whole, with "+N more" (or "+N") for the rest."""
    s = state
    percent = 100 * s.done / s.total if s.total else 100
    head = f"{s.done}/{s.total} ({percent:.0f}%){GAP}{s.files_per_s:.1f} files/s{GAP}ETA {_duration(s.eta_s)}"
    if len(head) > width:
        short = f"{s.done}/{s.total} {s.files_per_s:.1f}/s ETA {_duration(s.eta_s)}"
        return short if len(short) <= width else short[:width]
    tally = [f"{verdict} {n}" for verdict, n in s.verdicts]
    pages = f"{s.pages_per_s:.0f} pages/s"
    candidates = [[pages, ", ".join(tally)], [", ".join(tally)]] if tally else [[pages]]
    for more in (" more", ""):  # "+3 more", on a narrow terminal "+3"
        for shown in range(len(tally) - 1, 0, -1):
            candidates.append([", ".join(tally[:shown]) + f" +{len(tally) - shown}{more}"])
    for rest in candidates:
        line = GAP.join([head, *rest])
        if len(line) <= width:
            return line
    return head


class _FittedBar:
    """The line as rich renders it, at the width the terminal has at each refresh (so a resized
    window is fitted too), with a bar in front when the line leaves room for one."""

    MIN_BAR = 10
    MAX_BAR = 40

    def __init__(self, state: Callable[[], ProgressState]) -> None:
        self.state = state

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.progress_bar import ProgressBar
        from rich.table import Table
        from rich.text import Text

        state: ProgressState = self.state()
        text = Text(fitted_line(state, options.max_width), no_wrap=True, overflow="crop")
        room = options.max_width - len(text) - 1
        if room < self.MIN_BAR:
            yield text
            return
        grid = Table.grid(padding=(0, 1))
        grid.add_row(ProgressBar(total=state.total or 1, completed=state.done, width=min(room, self.MAX_BAR)), text)
        yield grid


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
    """The fitted line, live on the terminal (standard error), refreshed four times a second."""

    def __init__(self, console: Console | None = None) -> None:
        self.rates = _Rates()
        self._console = console
        self._lock = threading.Lock()  # rich refreshes from its own thread
        self._live: Any = None

    def state(self) -> ProgressState:
        with self._lock:
            return self.rates.state()

    def start(self, *, total: int, description: str) -> None:
        from rich.console import Console
        from rich.live import Live

        self.rates = _Rates()
        self.rates.total = total
        self._live = Live(_FittedBar(self.state), console=self._console or Console(stderr=True), refresh_per_second=4)
        self._live.start()

    def advance(self, *, kind: str, status: str, verdict: str | None, pages: int) -> None:
        with self._lock:
            self.rates.add(kind, verdict, pages)

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


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
        reasons = Counter(code_text(why, "en") for _, why in s.passed_over)
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
