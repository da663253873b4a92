"""The results database of batch runs (SQLite): one row per document source, holding its latest
result, and one row per run.

A row has the source (its primary key: the absolute path, or `archive.zip!member`), the file's name,
size and sha256, the ruleset id and version and the metadata facts' digest it was checked with, the
key facts as columns (`columns.COLUMNS`: status, verdict, authority, value, categories, ...), the
full report JSON (`report`, the public report schema), timings, and the run that wrote it.

The database is in WAL mode and every document is written in one transaction, so a run killed at
any moment (kill -9 included) leaves only whole rows; `synchronous=NORMAL` is durable against a
crashed process, which is what resuming needs. Only the process that runs the batch writes.

Resume: a source whose row has the same sha256, ruleset version and metadata digest is done; a row
made with another ruleset version (or other metadata, or a changed file) is checked again and
replaced. Several sources with the same content are checked once; each gets its own row, a copy
of the result with `copied_from` naming the row it came from.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..readers.sniff import format_from_name
from ..report import Report
from .columns import COLUMNS

SCHEMA_VERSION = "1"
FAILED_STATUSES = ("timeout", "error", "too_large")  # what --retry-failed checks again

_IDENTITY = (
    ("source", "TEXT PRIMARY KEY", "the absolute path, or archive.zip!member"),
    ("name", "TEXT NOT NULL", "the file's name"),
    ("size", "INTEGER", "bytes"),
    ("sha256", "TEXT", "hex digest of the file's bytes"),
    ("ruleset_id", "TEXT", "the ruleset the file was judged by"),
    ("ruleset_version", "TEXT", "its version; another version re-checks the file"),
    ("metadata_key", "TEXT NOT NULL DEFAULT ''", "digest of the metadata facts applied ('' for none)"),
)
_TIMING = (
    ("read_seconds", "REAL", "time to read the file in its worker"),
    ("check_seconds", "REAL", "time to judge it"),
    ("seconds", "REAL", "time the file took: read + check, or until it timed out or its worker died"),
    ("peak_rss_mb", "REAL", "the worker's peak resident memory so far"),
    ("copied_from", "TEXT", "for a file with the same content as another: the source checked"),
    ("run_id", "INTEGER", "the run that wrote the row"),
    ("checked_at", "TEXT", "UTC time the row was written"),
    ("report", "TEXT NOT NULL", "the full report, JSON"),
)
DOCUMENT_COLUMNS = _IDENTITY + COLUMNS + _TIMING
EXPORT_COLUMNS = tuple(name for name, _, _ in DOCUMENT_COLUMNS if name != "report")


def name_format_of(name: str | None) -> str:
    """The format a file's name implies; part of what makes two files with the same bytes the same work."""
    return format_from_name(name or "").value


class StoreError(Exception):
    """A database that cannot be used (missing, not ours, a newer schema)."""


@dataclass(frozen=True, slots=True)
class Known:
    """What the database knows of one source, for the resume decision."""

    sha256: str | None
    ruleset_version: str | None
    metadata_key: str
    status: str
    verdict: str | None


@dataclass(frozen=True, slots=True)
class Filters:
    """Row filters shared by `results` and `export`."""

    verdict: str | None = None
    status: str | None = None
    category: str | None = None
    authority: str | None = None
    source: str | None = None

    def sql(self) -> tuple[str, list[Any]]:
        clauses, params = [], []
        if self.verdict:
            clauses.append("verdict = ?")
            params.append(self.verdict)
        if self.status:
            clauses.append("status = ?")
            params.append(self.status)
        if self.category:
            clauses.append("EXISTS (SELECT 1 FROM json_each(documents.categories) WHERE value = ?)")
            params.append(self.category)
        if self.authority:
            clauses.append("authority LIKE ? ESCAPE '\\'")
            params.append("%" + self.authority.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        if self.source:
            clauses.append("source LIKE ? ESCAPE '\\'")
            params.append("%" + self.source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: str | os.PathLike[str], *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise StoreError(f"{self.path}: no such results database")
        if create and not self.path.parent.is_dir():
            raise StoreError(f"{self.path}: the folder {self.path.parent} does not exist")
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.conn.row_factory = sqlite3.Row
            if create:
                self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self._schema(create)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a results database: {exc}") from None

    def _schema(self, create: bool) -> None:
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "documents" in tables:
            version = self.conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if version is None or version[0] != SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: results schema {version[0] if version else '?'}, this version reads {SCHEMA_VERSION}"
                )
            return
        if not create:
            raise StoreError(f"{self.path}: not a results database of isv-check batch")
        columns = ",\n  ".join(f"{name} {kind}" for name, kind, _ in DOCUMENT_COLUMNS)
        with self.transaction():
            self.conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            self.conn.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            self.conn.execute(f"CREATE TABLE documents (\n  {columns}\n)")
            self.conn.execute("CREATE INDEX documents_done ON documents (sha256, ruleset_version, metadata_key)")
            self.conn.execute("CREATE INDEX documents_verdict ON documents (verdict)")
            self.conn.execute(
                "CREATE TABLE runs (id INTEGER PRIMARY KEY, started_at TEXT, finished_at TEXT, ruleset_id TEXT,"
                " ruleset_version TEXT, runner TEXT, inputs TEXT, summary TEXT)"
            )

    def transaction(self) -> _Transaction:
        return _Transaction(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- runs ------------------------------------------------------------------------------------

    def begin_run(self, *, ruleset_id: str, ruleset_version: str, runner: str, inputs: list[str]) -> int:
        with self.transaction():
            cursor = self.conn.execute(
                "INSERT INTO runs (started_at, ruleset_id, ruleset_version, runner, inputs) VALUES (?, ?, ?, ?, ?)",
                (_now(), ruleset_id, ruleset_version, runner, json.dumps(inputs)),
            )
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE runs SET finished_at = ?, summary = ? WHERE id = ?", (_now(), json.dumps(summary), run_id)
            )

    def runs(self) -> list[sqlite3.Row]:
        return list(self.conn.execute("SELECT * FROM runs ORDER BY id"))

    # ---- resume ----------------------------------------------------------------------------------

    def known(self) -> dict[str, Known]:
        """Every stored source with what decides whether it is done."""
        return {
            r["source"]: Known(r["sha256"], r["ruleset_version"], r["metadata_key"], r["status"], r["verdict"])
            for r in self.conn.execute(
                "SELECT source, sha256, ruleset_version, metadata_key, status, verdict FROM documents"
            )
        }

    def done_elsewhere(
        self, sha256: str, ruleset_version: str, metadata_key: str, name_format: str, *, retry_failed: bool
    ) -> sqlite3.Row | None:
        """A stored result for the same content, ruleset and facts, under any source whose name implies
        the same format: the name decides the status of text named `.pdf` (corrupt) or `.txt` (read)."""
        query = "SELECT * FROM documents WHERE sha256 = ? AND ruleset_version = ? AND metadata_key = ? AND copied_from IS NULL"
        if retry_failed:
            query += " AND status NOT IN (" + ",".join("?" * len(FAILED_STATUSES)) + ")"
        rows = self.conn.execute(
            query, (sha256, ruleset_version, metadata_key, *(FAILED_STATUSES if retry_failed else ()))
        )
        return next((row for row in rows if name_format_of(row["name"]) == name_format), None)

    # ---- writing ---------------------------------------------------------------------------------

    def write(self, values: dict[str, Any]) -> None:
        """Insert or replace one document's row, in its own transaction."""
        values = {**values, "checked_at": _now()}
        names = [name for name, _, _ in DOCUMENT_COLUMNS if name in values]
        placeholders = ", ".join("?" * len(names))
        updates = ", ".join(f"{n} = excluded.{n}" for n in names if n != "source")
        with self.transaction():
            self.conn.execute(
                f"INSERT INTO documents ({', '.join(names)}) VALUES ({placeholders}) ON CONFLICT(source) DO UPDATE SET {updates}",
                [values[n] for n in names],
            )

    # ---- reading ---------------------------------------------------------------------------------

    def count(self, filters: Filters | None = None) -> int:
        where, params = (filters or Filters()).sql()
        return int(self.conn.execute(f"SELECT COUNT(*) FROM documents{where}", params).fetchone()[0])

    def rows(
        self, filters: Filters | None = None, *, with_report: bool = False, limit: int | None = None
    ) -> Iterator[sqlite3.Row]:
        """Rows in source order (without the report JSON unless asked for)."""
        where, params = (filters or Filters()).sql()
        names = [n for n, _, _ in DOCUMENT_COLUMNS if with_report or n != "report"]
        query = f"SELECT {', '.join(names)} FROM documents{where} ORDER BY source"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        yield from self.conn.execute(query, params)

    def counts(self, column: str, filters: Filters | None = None) -> list[tuple[str | None, int]]:
        if column not in ("verdict", "status", "format", "language"):
            raise ValueError(f"cannot count by {column}")
        where, params = (filters or Filters()).sql()
        return [
            (r[0], r[1])
            for r in self.conn.execute(
                f"SELECT {column}, COUNT(*) FROM documents{where} GROUP BY {column} ORDER BY COUNT(*) DESC, {column}",
                params,
            )
        ]

    def reports(self, filters: Filters | None = None) -> Iterator[Report]:
        where, params = (filters or Filters()).sql()
        for (text,) in self.conn.execute(f"SELECT report FROM documents{where} ORDER BY source", params):
            yield Report.model_validate_json(text)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an exception: a row is written whole or not at all."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


def iter_stored_reports(db_path: str | os.PathLike[str]) -> Iterator[Report]:
    """Every report in a batch results database, in source order (for sdg-table and other readers)."""
    store = Store(db_path, create=False)
    try:
        yield from store.reports()
    finally:
        store.close()
