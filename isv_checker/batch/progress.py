"""What a person sees of a batch run: one line on a terminal, fitted to its width, a plain line every
so often otherwise (a log, CI), nothing with --quiet; and the summary at the end.

The terminal line puts what an auditor watches first (done/total, files per second, ETA) and fills
the rest of the width with pages per second and the verdict tally, whole entries only, so a narrow
terminal loses the tally's tail ("+2 more"), never the count. Every word is the catalogue's (`batch.`),
in the language the progress was made with."""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from ..i18n.catalogue import catalogue
from ..i18n.notation import format_decimal
from ..i18n.reading import code_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from rich.console import Console, ConsoleOptions, RenderResult

    from .run import BatchSummary


class Progress(Protocol):
    lang: str

    def start(self, *, total: int, description: str) -> None: ...

    def advance(self, *, kind: str, status: str, verdict: str | None, pages: int) -> None: ...

    def close(self) -> None: ...


class NullProgress:
    lang = "en"

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

    def verdict_text(self, lang: str) -> str:
        return tally(self.verdicts.most_common(), "verdict_word", lang)

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


def tally(counts: Iterable[tuple[str, int]], kind: str, lang: str) -> str:
    """Counts of verdicts or statuses as 'compliant 3, missing 1' in the words of `lang` (`kind`:
    the catalogue's family of their names, `verdict_word` or `status`); '-' for none."""
    words = catalogue(lang)
    return ", ".join(f"{words.get(f'{kind}.{key}', key)} {n}" for key, n in counts) or "-"


def fitted_line(state: ProgressState, width: int, lang: str = "en") -> str:
    """The terminal line in at most `width` columns: done/total, rate and ETA always, then pages per
    second and as many verdicts as fit, whole, with "+N more" (or "+N") for the rest."""
    s = state
    t = catalogue(lang)
    percent = 100 * s.done / s.total if s.total else 100
    rate, eta = format_decimal(s.files_per_s, lang, 1), _duration(s.eta_s)
    head = GAP.join(
        (
            f"{s.done}/{s.total} ({percent:.0f}%)",
            t["batch.files_per_s"].format(rate=rate),
            t["batch.eta"].format(eta=eta),
        )
    )
    if len(head) > width:
        short = t["batch.short"].format(done=s.done, total=s.total, rate=rate, eta=eta)
        return short if len(short) <= width else short[:width]
    tallied = [tally([(verdict, n)], "verdict_word", lang) for verdict, n in s.verdicts]
    pages = t["batch.pages_per_s"].format(rate=format_decimal(s.pages_per_s, lang))
    candidates = [[pages, ", ".join(tallied)], [", ".join(tallied)]] if tallied else [[pages]]
    for more in ("batch.more", "batch.more_short"):  # "+3 more", on a narrow terminal "+3"
        for shown in range(len(tallied) - 1, 0, -1):
            candidates.append([", ".join(tallied[:shown]) + " " + t[more].format(n=len(tallied) - shown)])
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

    def __init__(self, state: Callable[[], ProgressState], lang: str = "en") -> None:
        self.state = state
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.progress_bar import ProgressBar
        from rich.table import Table
        from rich.text import Text

        state: ProgressState = self.state()
        text = Text(fitted_line(state, options.max_width, self.lang), no_wrap=True, overflow="crop")
        room = options.max_width - len(text) - 1
        if room < self.MIN_BAR:
            yield text
            return
        grid = Table.grid(padding=(0, 1))
        grid.add_row(ProgressBar(total=state.total or 1, completed=state.done, width=min(room, self.MAX_BAR)), text)
        yield grid


class LineProgress:
    """A plain line to `stream` every `interval` seconds and at the end."""

    def __init__(self, stream: TextIO | None = None, interval: float = 10.0, lang: str = "en") -> None:
        self.stream = stream or sys.stderr
        self.interval = interval
        self.lang = lang
        self.rates = _Rates()
        self._last = 0.0

    def start(self, *, total: int, description: str) -> None:
        self.rates = _Rates()
        self.rates.total = total
        self._last = time.monotonic()
        self._print(catalogue(self.lang)["batch.start"].format(total=total, runner=description))

    def advance(self, *, kind: str, status: str, verdict: str | None, pages: int) -> None:
        self.rates.add(kind, verdict, pages)
        if time.monotonic() - self._last >= self.interval:
            self._line()

    def _line(self) -> None:
        r = self.rates
        t = catalogue(self.lang)
        percent = 100 * r.done / r.total if r.total else 100
        self._print(
            t["batch.line"].format(
                done=r.done,
                total=r.total,
                percent=f"{percent:.0f}",
                rate=t["batch.files_per_s"].format(rate=format_decimal(r.files_per_s(), self.lang, 1)),
                pages=t["batch.pages_per_s"].format(rate=format_decimal(r.pages_per_s(), self.lang)),
                eta=t["batch.eta"].format(eta=_duration(r.eta())),
                verdicts=r.verdict_text(self.lang),
            )
        )
        self._last = time.monotonic()

    def _print(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        self._line()


class BarProgress:
    """The fitted line, live on the terminal (standard error), refreshed four times a second."""

    def __init__(self, console: Console | None = None, lang: str = "en") -> None:
        self.lang = lang
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
        self._live = Live(
            _FittedBar(self.state, self.lang), console=self._console or Console(stderr=True), refresh_per_second=4
        )
        self._live.start()

    def advance(self, *, kind: str, status: str, verdict: str | None, pages: int) -> None:
        with self._lock:
            self.rates.add(kind, verdict, pages)

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


def progress_for(stream: TextIO, *, quiet: bool, interval: float = 10.0, lang: str = "en") -> Progress:
    """The bar on a terminal, plain lines when `stream` is not one, nothing when quiet."""
    if quiet:
        return NullProgress()
    if stream.isatty():
        return BarProgress(lang=lang)
    return LineProgress(stream, interval, lang)


def summary_lines(summary: BatchSummary, lang: str = "en") -> list[str]:
    s = summary
    t = catalogue(lang)
    lines = [
        t["batch.summary_in"].format(
            files_in=s.files_in,
            accounted=s.accounted,
            checked=s.checked,
            skipped=s.skipped,
            copied=s.copied,
            refused=s.refused,
        ),
        t["batch.summary_status"].format(counts=tally(s.statuses.most_common(), "status", lang)),
        t["batch.summary_verdict"].format(counts=tally(s.verdicts.most_common(), "verdict_word", lang)),
    ]
    if s.passed_over:
        reasons = Counter(code_text(why, lang) for _, why in s.passed_over)
        detail = "; ".join(f"{n} {why}" for why, n in reasons.most_common())
        lines.append(t["batch.summary_passed_over"].format(n=s.other_files, reasons=detail))
    if s.tenders:
        failed = t["batch.summary_tenders_failed"].format(n=s.tenders_failed) if s.tenders_failed else ""
        lines.append(
            t["batch.summary_tenders"].format(
                n=s.tenders_in, judged=s.tenders_judged, skipped=s.tenders_skipped, failed=failed
            )
        )
        counts = tally(s.tender_verdicts.most_common(), "verdict_word", lang)
        lines.append(t["batch.summary_tender_verdict"].format(counts=counts))
        if s.outside_tenders:
            lines.append(t["batch.summary_outside"].format(n=s.outside_tenders))
    if s.metadata_rows:
        named = t["batch.metadata_file_or_tender" if s.tenders else "batch.metadata_file"]
        matched = s.metadata_rows - len(s.metadata_unmatched)
        unmatched = len(s.metadata_unmatched)
        lines.append(
            t["batch.summary_metadata"].format(rows=s.metadata_rows, matched=matched, named=named, unmatched=unmatched)
        )
    if s.checked:
        lines.append(
            t["batch.summary_pages"].format(
                pages=s.pages,
                seconds=format_decimal(s.elapsed, lang, 1),
                rate=format_decimal(s.pages / s.elapsed if s.elapsed else 0, lang),
                runner=s.runner_in.get(lang, s.runner),
                mb=format_decimal(s.peak_rss_mb, lang),
            )
        )
    if s.slowest:
        lines.append(t["batch.summary_slowest"])
        lines.extend(f"  {format_decimal(seconds, lang, 1):>7} s  {source}" for seconds, source in s.slowest)
    if s.files_in != s.accounted:
        lines.append(t["batch.summary_unaccounted"].format(n=s.files_in - s.accounted))
    lines.append(t["batch.summary_ruleset"].format(ruleset=s.ruleset, run=s.run_id))
    return lines
