"""The Dask worker plugin that makes a cluster's workers as warm as the local pool's.

A pool worker is forked from a fork server that has imported the checker, loaded the ruleset and built
the matchers, and it keeps that heap out of the garbage collector's way (`pool.settle_heap`). A Dask
worker is a long-lived process of its own: without this plugin its first task paid the imports and
the warm-up, and every task after it ran with the collector walking the ruleset and spaCy's matchers
(time inside tasks measured 1.18-1.62x the local pool's). `setup` runs once in each worker, including
one that joins or replaces a dead worker later, since the scheduler hands registered plugins to new
workers. Imported only where Dask distributed is installed.

It also stops the worker's statistical profiler (`distributed.worker.profile`), which every 10 ms
takes the GIL from the thread checking a file to walk that thread's stack, for the dashboard's profile
page only: over 312 short PDFs it cost the workers' event loops 0.15 s of CPU on top of some 0.5 s
for everything else they do (measured per thread in /proc). Heartbeats, the memory monitor that
pauses or restarts a worker past its memory limit, and the rest of what keeps a file from being lost
go on as before.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from .pool import THREAD_LIMITS, settle_heap
from .task import TaskSettings, warm_up

PROFILER = ("profile", "profile-cycle")  # the worker's periodic callbacks of the statistical profiler

log = logging.getLogger(__name__)


class WarmWorker(WorkerPlugin):
    """Warm up (ruleset, Dutch and English matchers) for `settings`, then freeze what was loaded."""

    idempotent = True  # registering it again (the next batch run on the same cluster) warms nothing twice

    def __init__(self, settings: TaskSettings) -> None:
        self.settings = settings
        self.name = plugin_name(settings)

    def setup(self, worker: Any) -> None:
        for name in PROFILER:
            callback = worker.periodic_callbacks.pop(name, None)
            if callback is not None:
                callback.stop()
        os.environ.update(THREAD_LIMITS)
        try:
            warm_up(self.settings)
        except Exception:
            log.exception("isv-check: warming up this worker failed; its tasks will say why")
        settle_heap()


def plugin_name(settings: TaskSettings) -> str:
    """One plugin per ruleset a cluster checks with; the rest of the settings travel with each task."""
    return f"isv-check-warm:{settings.rules_dir or 'bundled'}"
