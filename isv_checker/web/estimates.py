"""How long a check will take, and when a waiting one will start: the estimates a buyer sees.

Two rates, learned as moving averages from the checks this server has done (its machine, its load,
its documents): the seconds of a check without OCR, and the seconds per OCR page. Before the server
has done either, the starting values are those measured on two cores (a draft about 1 s with its
four downloads; a scanned page about 1.8 s with two Tesseracts). A running check with OCR is
estimated from its own pace as soon as one page is done, which beats any average.

A waiting check's start is found by dealing the checks ahead of it out to the workers, each to the
one that frees first: rough, since a check's length is a guess until it is read, but it says "a few
seconds" or "some minutes", which is what a buyer needs to know.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Sequence

from .fairness import Lane
from .progress import Progress

QUICK_SECONDS = 1.0
OCR_PAGE_SECONDS = 1.8
SCAN_PAGE_BYTES = 150_000  # what a long upload is taken to hold per page before it is read
WEIGHT = 0.3  # of each new measurement in the moving averages


class Rates:
    """The learned rates; safe to share between threads."""

    def __init__(self, quick: float = QUICK_SECONDS, ocr_page: float = OCR_PAGE_SECONDS) -> None:
        self.quick = quick
        self.ocr_page = ocr_page
        self._lock = threading.Lock()

    def learn(self, seconds: float, progress: Progress | None, finished_at: float) -> None:
        """A check took `seconds` (run time, not waiting); `finished_at` is time.time() at its end."""
        with self._lock:
            if progress is not None and progress.ocr_total and progress.ocr_started is not None:
                per_page = max(0.0, finished_at - progress.ocr_started) / progress.ocr_total
                self.ocr_page += WEIGHT * (per_page - self.ocr_page)
            elif seconds > 0:
                self.quick += WEIGHT * (seconds - self.quick)

    def expected(self, lane: Lane, size: int, progress: Progress | None = None) -> float:
        """The whole run time a check is expected to take, from what is known of it."""
        if progress is not None and progress.ocr_total:
            return self.quick + progress.ocr_total * self.ocr_page
        if lane is Lane.LONG:
            return self.quick + max(1, size // SCAN_PAGE_BYTES) * self.ocr_page
        return self.quick

    def remaining(self, lane: Lane, size: int, elapsed: float, progress: Progress | None, now_wall: float) -> float:
        """Seconds a running check still needs; 0 when it should be done by now (it is finishing)."""
        if progress is not None and progress.ocr_total:
            left = progress.ocr_total - progress.ocr_done
            if progress.ocr_done and progress.ocr_started is not None:
                per_page = max(0.0, now_wall - progress.ocr_started) / progress.ocr_done
                return left * per_page + self.quick / 2
            return left * self.ocr_page + self.quick / 2
        return max(0.0, self.expected(lane, size, progress) - elapsed)


def start_in(busy: Sequence[float], ahead: Sequence[float], workers: int) -> float:
    """Seconds until a check starts: `busy` are the running checks' remaining seconds, `ahead` the
    expected seconds of the checks that will start before it; each goes to the worker that frees first."""
    free = sorted(busy)[:workers] if len(busy) >= workers else [*sorted(busy), *([0.0] * (workers - len(busy)))]
    heapq.heapify(free)
    for seconds in ahead:
        heapq.heappush(free, heapq.heappop(free) + seconds)
    return free[0] if free else 0.0
