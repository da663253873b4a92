"""Checked documents and tenders held in memory for a short while, so the result page can offer its downloads.

Nothing of an upload is written anywhere that lasts: the file itself, in a temporary folder while
it waits and is checked, is deleted as soon as its check is done, and what the result page needs
(the document's text, the report and the outputs made from it) stays in this process's memory under
a random token until it expires (15 minutes after the check was done, by default), the user deletes
it, or newer results need the room. A token that is unknown or expired
gives nothing, the same way.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from ..document import Document
from ..report import Report
from ..tender.report import TenderReport

TOKEN_BYTES = 24


@dataclass(frozen=True)
class Download:
    filename: str
    mimetype: str
    data: bytes


@dataclass(frozen=True)
class Result:
    """One checked document: what the result page shows and what it offers for download."""

    document: Document
    report: Report
    downloads: dict[str, Download]  # by key, e.g. "memo-docx:nl"
    notes: dict[str, str] = field(default_factory=dict)  # why an output is absent, by output name
    created: float = field(default_factory=time.time)

    @property
    def size(self) -> int:
        """Roughly the memory it holds: the outputs, and the text twice (the document and the report's quotes)."""
        return sum(len(d.data) for d in self.downloads.values()) + 4 * self.document.char_count + 64_000


@dataclass(frozen=True)
class TenderResult:
    """One checked tender (several files, or a ZIP): the tender's report, and each file's own result,
    by its place in `report.files`, so each file's page can show its text with the words marked."""

    report: TenderReport
    files: dict[int, Result]  # by index into report.files; a copy of another file (same_as) has none
    downloads: dict[str, Download]
    created: float = field(default_factory=time.time)

    @property
    def size(self) -> int:
        return sum(r.size for r in self.files.values()) + sum(len(d.data) for d in self.downloads.values()) + 64_000


Stored = Result | TenderResult


class ResultStore:
    """Results by token, each for `ttl` seconds, all together at most `max_bytes` (oldest go first)."""

    def __init__(self, ttl: float, max_bytes: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.max_bytes = max_bytes
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, Stored]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, result: Stored, token: str | None = None) -> str | None:
        """Keep `result` under `token` (a new one if None) for `ttl` seconds from now, and return the
        token; None when it alone is larger than the whole store."""
        if result.size > self.max_bytes:
            return None
        token = token or secrets.token_urlsafe(TOKEN_BYTES)
        with self._lock:
            self._expire()
            self._items[token] = (self._clock() + self.ttl, result)
            while self._used() > self.max_bytes:
                self._items.popitem(last=False)
        return token

    def get(self, token: str) -> Stored | None:
        with self._lock:
            self._expire()
            item = self._items.get(token)
        return item[1] if item is not None else None

    def expires_in(self, token: str) -> float | None:
        """Seconds until `token` expires, None when it is gone."""
        with self._lock:
            item = self._items.get(token)
        return None if item is None else max(0.0, item[0] - self._clock())

    def delete(self, token: str) -> bool:
        with self._lock:
            return self._items.pop(token, None) is not None

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._items)

    def used(self) -> int:
        """Roughly the memory the kept results hold, in bytes."""
        with self._lock:
            self._expire()
            return self._used()

    def _used(self) -> int:
        return sum(result.size for _, result in self._items.values())

    def _expire(self) -> None:
        now = self._clock()
        for token in [t for t, (deadline, _) in self._items.items() if deadline <= now]:
            del self._items[token]
