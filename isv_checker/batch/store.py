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

Tenders (`batch --tenders`, schema 2): a `tenders` table beside `documents`, one row per tender (a
top-level folder or ZIP of an archive) with its key facts as columns (`columns.TENDER_COLUMNS`) and
the full tender report, and a `parts` table with what judging a tender needs of each checked file
(`parts.py`), keyed by content as a document's resume decision is. A tender row records the digest
of its files' names, contents and metadata (`content_key`): a tender whose digest and ruleset version
are unchanged is done. A database of schema 1 gains both tables the first time a batch opens it;
`results` and `export` read a schema-1 database as it is (it has no tenders).
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
from ..tender.report import TenderReport
from .columns import COLUMNS, TENDER_COLUMNS

SCHEMA_VERSION = "2"
READABLE_SCHEMAS = ("1", "2")  # schema 1: before tenders; a batch run migrates it
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

_TENDER_IDENTITY = (
    ("tender", "TEXT PRIMARY KEY", "the tender: a folder's absolute path, a ZIP's, or archive.zip!folder"),
    ("name", "TEXT NOT NULL", "the folder's or ZIP's own name"),
    ("content_key", "TEXT NOT NULL", "digest of its files' names, contents and metadata; a change judges it again"),
    ("ruleset_id", "TEXT", "the ruleset the tender was judged by"),
    ("ruleset_version", "TEXT", "its version; another version judges the tender again"),
    ("metadata_key", "TEXT NOT NULL DEFAULT ''", "digest of the metadata facts given to the tender ('' for none)"),
    ("status", "TEXT NOT NULL", "judged, or error when judging failed (status_message says why)"),
    ("status_message", "TEXT", "why judging failed"),
)
_TENDER_TIMING = (
    ("seconds", "REAL", "time judging the tender took (its files' checks are in their own rows)"),
    ("run_id", "INTEGER", "the run that wrote the row"),
    ("checked_at", "TEXT", "UTC time the row was written"),
    ("report", "TEXT", "the full tender report (isv-checker/tender/1), JSON; empty when judging failed"),
)
TENDER_TABLE_COLUMNS = _TENDER_IDENTITY + TENDER_COLUMNS + _TENDER_TIMING
# what an auditor reads first, then the rest in table order
_TENDER_LEAD: tuple[str, ...] = (
    *("tender", "verdict", "categories", "authority", "value_eur"),
    *("clause_file", "elements_missing", "documents", "unreadable"),
)
TENDER_EXPORT_COLUMNS = _TENDER_LEAD + tuple(
    name for name, _, _ in TENDER_TABLE_COLUMNS if name not in (*_TENDER_LEAD, "report", "content_key")
)


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
    """Row filters shared by `results` and `export`, for documents and for tenders (which have no
    reading status and no source: `status` and `source` are documents' filters)."""

    verdict: str | None = None
    status: str | None = None
    category: str | None = None
    authority: str | None = None
    source: str | None = None

    def sql(self, table: str = "documents") -> tuple[str, list[Any]]:
        clauses, params = [], []
        if self.verdict:
            clauses.append("verdict = ?")
            params.append(self.verdict)
        if self.status:
            clauses.append("status = ?")
            params.append(self.status)
        if self.category:
            clauses.append(f"EXISTS (SELECT 1 FROM json_each({table}.categories) WHERE value = ?)")
            params.append(self.category)
        if self.authority:
            clauses.append("authority LIKE ? ESCAPE '\\'")
            params.append("%" + self.authority.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        if self.source:
            clauses.append(f"{'tender' if table == 'tenders' else 'source'} LIKE ? ESCAPE '\\'")
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
        self.has_tenders = False  # schema 2 (a database of schema 1 has no tenders table until a batch migrates it)
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
            if version is None or version[0] not in READABLE_SCHEMAS:
                raise StoreError(
                    f"{self.path}: results schema {version[0] if version else '?'}, this version reads {SCHEMA_VERSION}"
                )
            if version[0] != SCHEMA_VERSION and create:
                with self.transaction():
                    self._tender_tables()
                    self.conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION,))
            self.has_tenders = "tenders" in tables or create
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
            self._tender_tables()
        self.has_tenders = True

    def _tender_tables(self) -> None:
        """Schema 2's tables (inside the caller's transaction)."""
        columns = ",\n  ".join(f"{name} {kind}" for name, kind, _ in TENDER_TABLE_COLUMNS)
        self.conn.execute(f"CREATE TABLE IF NOT EXISTS tenders (\n  {columns}\n)")
        self.conn.execute("CREATE INDEX IF NOT EXISTS tenders_verdict ON tenders (verdict)")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS parts (sha256 TEXT NOT NULL, ruleset_version TEXT NOT NULL,"
            " metadata_key TEXT NOT NULL, name_format TEXT NOT NULL, part BLOB NOT NULL,"
            " PRIMARY KEY (sha256, ruleset_version, metadata_key, name_format))"
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

    def write(self, values: dict[str, Any], part: bytes | None = None) -> None:
        """Insert or replace one document's row, in its own transaction, with what judging its tender
        needs (`part`, under the row's content key) in the same one."""
        values = {**values, "checked_at": _now()}
        with self.transaction():
            self._upsert("documents", "source", DOCUMENT_COLUMNS, values)
            if part is not None:
                self.conn.execute(
                    "INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?, ?)",
                    (
                        *_part_key(values["sha256"], values["ruleset_version"], values["metadata_key"], values["name"]),
                        part,
                    ),
                )

    def write_tender(self, values: dict[str, Any]) -> None:
        """Insert or replace one tender's row, in its own transaction."""
        with self.transaction():
            self._upsert("tenders", "tender", TENDER_TABLE_COLUMNS, {**values, "checked_at": _now()})

    def _upsert(self, table: str, key: str, columns: tuple[tuple[str, str, str], ...], values: dict[str, Any]) -> None:
        names = [name for name, _, _ in columns if name in values]
        placeholders = ", ".join("?" * len(names))
        updates = ", ".join(f"{n} = excluded.{n}" for n in names if n != key)
        self.conn.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({placeholders}) ON CONFLICT({key}) DO UPDATE SET {updates}",
            [values[n] for n in names],
        )

    # ---- tenders ---------------------------------------------------------------------------------

    def has_part(self, sha256: str, ruleset_version: str, metadata_key: str, name: str) -> bool:
        query = "SELECT 1 FROM parts WHERE sha256 = ? AND ruleset_version = ? AND metadata_key = ? AND name_format = ?"
        return self.conn.execute(query, _part_key(sha256, ruleset_version, metadata_key, name)).fetchone() is not None

    def part(self, sha256: str, ruleset_version: str, metadata_key: str, name: str) -> bytes | None:
        query = (
            "SELECT part FROM parts WHERE sha256 = ? AND ruleset_version = ? AND metadata_key = ? AND name_format = ?"
        )
        row = self.conn.execute(query, _part_key(sha256, ruleset_version, metadata_key, name)).fetchone()
        return bytes(row[0]) if row is not None else None

    def drop_parts_except(self, ruleset_version: str) -> None:
        """Forget what other ruleset versions kept for tenders: their files are checked again anyway."""
        with self.transaction():
            self.conn.execute("DELETE FROM parts WHERE ruleset_version != ?", (ruleset_version,))

    def tender_done(self, tender: str) -> sqlite3.Row | None:
        """What decides whether a stored tender is done: its content_key, ruleset_version, status (and verdict)."""
        query = "SELECT content_key, ruleset_version, status, verdict FROM tenders WHERE tender = ?"
        row: sqlite3.Row | None = self.conn.execute(query, (tender,)).fetchone()
        return row

    def documents_of(self, sources: list[str]) -> dict[str, sqlite3.Row]:
        """The rows of these sources (a tender's files), by source."""
        out: dict[str, sqlite3.Row] = {}
        for start in range(0, len(sources), 500):
            chunk = sources[start : start + 500]
            query = f"SELECT * FROM documents WHERE source IN ({','.join('?' * len(chunk))})"
            out.update((row["source"], row) for row in self.conn.execute(query, chunk))
        return out

    def tender_count(self, filters: Filters | None = None) -> int:
        if not self.has_tenders:
            return 0
        where, params = (filters or Filters()).sql("tenders")
        return int(self.conn.execute(f"SELECT COUNT(*) FROM tenders{where}", params).fetchone()[0])

    def tender_rows(
        self, filters: Filters | None = None, *, with_report: bool = False, limit: int | None = None
    ) -> Iterator[sqlite3.Row]:
        """Tender rows in tender order (without the report JSON unless asked for)."""
        if not self.has_tenders:
            return
        where, params = (filters or Filters()).sql("tenders")
        names = [n for n, _, _ in TENDER_TABLE_COLUMNS if with_report or n != "report"]
        query = f"SELECT {', '.join(names)} FROM tenders{where} ORDER BY tender"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        yield from self.conn.execute(query, params)

    def tender_counts(self, filters: Filters | None = None) -> list[tuple[str | None, int]]:
        """Tenders by verdict."""
        if not self.has_tenders:
            return []
        where, params = (filters or Filters()).sql("tenders")
        query = f"SELECT verdict, COUNT(*) FROM tenders{where} GROUP BY verdict ORDER BY COUNT(*) DESC, verdict"
        return [(r[0], r[1]) for r in self.conn.execute(query, params)]

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

    def tender_reports(self, filters: Filters | None = None) -> Iterator[TenderReport]:
        """The judged tenders' reports, in tender order (a tender whose judging failed has none)."""
        for row in self.tender_rows(filters, with_report=True):
            if row["report"]:
                yield TenderReport.model_validate_json(row["report"])


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an exception: a row is written whole or not at all."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


def _part_key(sha256: str, ruleset_version: str, metadata_key: str, name: str) -> tuple[str, str, str, str]:
    return (sha256, ruleset_version, metadata_key, name_format_of(name))


def iter_stored_reports(db_path: str | os.PathLike[str]) -> Iterator[Report]:
    """Every report in a batch results database, in source order (for sdg-table and other readers)."""
    store = Store(db_path, create=False)
    try:
        yield from store.reports()
    finally:
        store.close()


def iter_stored_tender_reports(db_path: str | os.PathLike[str]) -> Iterator[TenderReport]:
    """Every judged tender's report in a batch results database (`batch --tenders`), in tender order."""
    store = Store(db_path, create=False)
    try:
        yield from store.tender_reports()
    finally:
        store.close()


def holds_tenders(db_path: str | os.PathLike[str]) -> bool:
    """Whether a results database holds tender results (a run with `--tenders` wrote it)."""
    with Store(db_path, create=False) as store:
        return store.tender_count() > 0
