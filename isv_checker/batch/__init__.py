"""Batch runs for auditors: whole tender archives (folders, ZIP files) checked by a pool of worker
processes or a Dask cluster into a resumable SQLite database, queried and exported from there.

A runner around the single-document check (`isv_checker.pipeline`): the check knows nothing of
pools, timeouts or databases. Modules: `sources` (what to read), `task` (one file in a worker),
`runner`/`pool`/`dask_runner` (where tasks run), `store` (the database), `metadata` (facts from a
notices CSV), `run` (a run start to end), `progress`, `export`, `columns`.

The names below load their modules on first access (PEP 562), as the package root's do: importing a
submodule runs this file first, and `batch` imports `fork_server` to start the workers' fork server
before anything heavy is loaded (importing `run` here first put some 80 ms of imports before it).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .run import BatchOptions, BatchSummary, run_batch
    from .store import iter_stored_reports

_HOMES = {"BatchOptions": ".run", "BatchSummary": ".run", "run_batch": ".run", "iter_stored_reports": ".store"}

__all__ = ["BatchOptions", "BatchSummary", "iter_stored_reports", "run_batch"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'isv_checker.batch' has no attribute {name!r}")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
