"""Imported once by the local pool's fork server, before it forks any worker: loads the default
ruleset and builds its Dutch and English matchers there, so every worker, the first and each
replacement of one that died or timed out, is forked warm instead of loading the rules and building
the matchers again, on top of the imports the fork server already preloads.

A run with its own `--rules` folder still warms up in each worker, as does every worker when this
fails: the worker's own warm-up then reports the error in the normal way.
"""

from __future__ import annotations

import gc

from .task import TaskSettings, warm_up

try:
    warm_up(TaskSettings())
except Exception:  # noqa: BLE001 - the worker's own warm-up says what is wrong
    pass
# What the fork server has loaded is shared with every worker it forks: out of the collector's
# sight, a worker's collections neither walk it nor copy its pages (see `pool.settle_heap`).
gc.collect()
gc.freeze()
