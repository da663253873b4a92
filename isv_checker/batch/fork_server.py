"""The process the local pool's workers are forked from: its start method, what it preloads, and
starting it early.

Workers are forked from multiprocessing's fork server, which imports the reading and judging code and
builds the default ruleset's matchers once (`preload.py`). Starting it takes over a second, and nothing
else a batch does needs it, so a run that will check files starts it first, before it imports the rest
of the batch machinery and walks and hashes the archive (`start_if_new`), and a re-run of an unchanged
archive never starts it. This module imports nothing but the standard library, so the CLI can call it
before anything heavy is loaded.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from collections.abc import Sequence
from typing import Any

PRELOAD = [
    "isv_checker.batch.task",
    "isv_checker.pipeline",
    "isv_checker.checks.engine",
    "isv_checker.readers.pdf",
    "isv_checker.readers.docx",
    "isv_checker.readers.text",
    "isv_checker.batch.metadata",
    "isv_checker.batch.preload",
]


def context() -> Any:
    """The fork server's context (with its preload), or spawn where there is no fork server."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        forkserver = multiprocessing.get_context("forkserver")
        forkserver.set_forkserver_preload(PRELOAD)
        return forkserver
    return multiprocessing.get_context("spawn")


def start() -> None:
    """Start the fork server without waiting for it to be ready; workers forked later wait for it."""
    if context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def start_if_new(db_path: str | os.PathLike[str], paths: Sequence[str | os.PathLike[str]]) -> bool:
    """Start the fork server when the results database has no documents yet (a first run: every file
    will need checking) and the inputs exist; whether it did. A database that cannot be read is left
    to the run to report."""
    if not all(os.path.lexists(p) for p in paths):
        return False
    if os.path.exists(db_path):
        try:
            conn = sqlite3.connect(f"file:{os.fspath(db_path)}?mode=ro", uri=True)
            try:
                if conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None:
                    return False
            finally:
                conn.close()
        except sqlite3.Error:
            return False
    start()
    return True
