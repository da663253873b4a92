"""Batch runs for auditors: whole tender archives (folders, ZIP files) checked by a pool of worker
processes or a Dask cluster into a resumable SQLite database, queried and exported from there.

A runner around the single-document check (`isv_checker.pipeline`): the check knows nothing of
pools, timeouts or databases. Modules: `sources` (what to read), `task` (one file in a worker),
`runner`/`pool`/`dask_runner` (where tasks run), `store` (the database), `metadata` (facts from a
notices CSV), `run` (a run start to end), `progress`, `export`, `columns`.
"""

from __future__ import annotations

from .run import BatchOptions, BatchSummary, run_batch
from .store import iter_stored_reports

__all__ = ["BatchOptions", "BatchSummary", "iter_stored_reports", "run_batch"]
