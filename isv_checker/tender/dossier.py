"""The files of one tender: a folder (searched recursively) or a ZIP archive (folders inside are fine),
each read once into a `Document`, named relative to the tender.

The batch run's enumeration is reused (`batch.sources.collect`), so a tender's ZIP gets the same guards
as an archive in a batch: members whose names leave the archive, encrypted members, zip bombs and ZIPs
nested deeper than one level are refused with a status and kept in the list. Files of other types are
kept too, as `unsupported`: a dossier's count of files in is its count out. Hidden, lock and system
files (`.DS_Store`, `~$leidraad.docx`) are passed over and listed as such. Identical bytes under two
names are read once; the second name points at the first.

The files are read as `isv-check scan` reads its files (`readers/ocr_ahead.read_ahead`): the next file
starts while this one's last scanned pages are in Tesseract, so a dossier of scans keeps both cores
busy; files with a text layer are read one after another, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..batch.sources import ArchiveLimits, Item, Refused, collect
from ..batch.task import failure_document
from ..document import Document
from ..readers import read_bytes
from ..readers.ocr_ahead import read_ahead
from ..settings import ReadOptions


class EmptyTender(Exception):
    """A tender path that holds no files at all: a usage error, not a verdict."""


@dataclass(frozen=True, slots=True)
class Dossier:
    """A tender's files, read, and the hidden, lock and system files passed over (name, why): those are
    listed, as `scan` and `batch` list them, but are no part of the tender that could hold anything."""

    files: tuple[DossierFile, ...]
    passed_over: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DossierFile:
    name: str  # relative to the tender; a ZIP member's name, "inner.zip!x.pdf" inside a nested ZIP
    document: Document
    same_as: str | None = None  # the file with the same bytes that was read instead


def read_dossier(
    path: str | os.PathLike[str],
    options: ReadOptions | None = None,
    limits: ArchiveLimits | None = None,
    *,
    ahead: bool = True,
) -> Dossier:
    """Every file of the tender at `path`, read. Raises FileNotFoundError for a path that is not there
    and EmptyTender for a folder or ZIP without files (hidden and system files do not count).

    `ahead`: the next file is read while this one's last scanned pages are in Tesseract (`read_ahead`);
    False reads one file at a time, for a caller that follows the reading file by file (the web
    page's progress, and its lowering of the priority of a check that turns long, follow one file's
    OCR at a time: `web/progress.py`)."""
    root = Path(path)
    reader = _Reader(root, options or ReadOptions())
    files: list[DossierFile] = []
    documents: dict[str, Document] = {}  # name -> the document read under that name
    with collect([root], limits) as sources:
        in_turn = contextlib.nullcontext(map(reader.read, sources.items))
        with read_ahead(sources.items, reader.read) if ahead else in_turn as read:
            for done in read:
                if isinstance(done, _SameBytes):
                    copy = documents[done.same_as].model_copy(update={"path": done.name})
                    files.append(DossierFile(done.name, copy, same_as=done.same_as))
                else:
                    documents[done.name] = done.document
                    files.append(done)
        passed_over = [(relative_name(source, root), why) for source, why in sources.skipped]
    if not files:
        hidden = f" ({len(passed_over)} hidden or system file(s) passed over)" if passed_over else ""
        raise EmptyTender(f"{path}: no files in this tender{hidden}")
    return Dossier(files=tuple(sorted(files, key=lambda f: f.name)), passed_over=tuple(sorted(passed_over)))


@dataclass(frozen=True, slots=True)
class _SameBytes:
    """A file whose bytes an earlier file of the tender has: not read, a copy of that file's document."""

    name: str
    same_as: str


@dataclass(frozen=True, slots=True)
class _Reader:
    """Reads one file of a tender, under `read_ahead`: a file's read may start, in a thread of its own,
    before the file before it has been read to the end.

    Which name is first with a set of bytes is still decided in the tender's order, as when files were
    read one by one: `read_ahead` starts the reads in the items' order, each only once the read before
    it has sent its last page to Tesseract or has ended, and a read records its bytes' digest before
    it reads them. A later file with the same digest is not read (`_SameBytes`): its document is the
    first one's, copied once that has been read."""

    root: Path
    options: ReadOptions
    firsts: dict[str, str] = field(default_factory=dict)  # sha256 -> the first file with those bytes

    def read(self, item: Item) -> DossierFile | _SameBytes:
        name = relative_name(item.source, self.root)
        try:
            data = item.load()
        except Refused as refused:
            return DossierFile(name, failure_document(name, refused.status, refused.message, size=item.size))
        digest = hashlib.sha256(data).hexdigest()
        first = self.firsts.get(digest)
        if first is not None:
            return _SameBytes(name, same_as=first)
        self.firsts[digest] = name
        return DossierFile(name, read_bytes(data, name, self.options))


def relative_name(source: str, root: Path) -> str:
    """A batch source name ("/abs/tender/a.pdf", "/abs/t.zip!dir/a.pdf") relative to the tender."""
    outer, bang, inner = source.partition("!")
    if root.is_dir():
        outer = os.path.relpath(outer, os.path.abspath(root))
        return f"{outer}!{inner}" if bang else Path(outer).as_posix()
    return inner if bang else Path(outer).name


def file_bytes(path: str | os.PathLike[str], names: set[str], limits: ArchiveLimits | None = None) -> dict[str, bytes]:
    """The bytes of the files `names` of the tender at `path` (relative names, as `read_dossier` gives
    them): the marked-up copies are made from the files themselves."""
    root = Path(path)
    out: dict[str, bytes] = {}
    with collect([root], limits) as sources:
        for item in sources.items:
            name = relative_name(item.source, root)
            if name in names:
                try:
                    out[name] = item.load()
                except Refused:
                    continue
    return out
