"""The files of one tender: a folder (searched recursively) or a ZIP archive (folders inside are fine),
each read once into a `Document`, named relative to the tender.

The batch run's enumeration is reused (`batch.sources.collect`), so a tender's ZIP gets the same guards
as an archive in a batch: members whose names leave the archive, encrypted members, zip bombs and ZIPs
nested deeper than one level are refused with a status and kept in the list. Files of other types are
kept too, as `unsupported`: a dossier's count of files in is its count out. Hidden, lock and system
files (`.DS_Store`, `~$leidraad.docx`) are passed over and listed as such. Identical bytes under two
names are read once; the second name points at the first.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..batch.sources import ArchiveLimits, Refused, collect
from ..batch.task import failure_document
from ..document import Document
from ..readers import read_bytes
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
    path: str | os.PathLike[str], options: ReadOptions | None = None, limits: ArchiveLimits | None = None
) -> Dossier:
    """Every file of the tender at `path`, read. Raises FileNotFoundError for a path that is not there
    and EmptyTender for a folder or ZIP without files (hidden and system files do not count)."""
    options = options or ReadOptions()
    root = Path(path)
    files: list[DossierFile] = []
    passed_over: list[tuple[str, str]] = []
    read: dict[str, DossierFile] = {}  # sha256 -> the file read under that digest
    with collect([root], limits) as sources:
        for item in sources.items:
            name = relative_name(item.source, root)
            try:
                data = item.load()
            except Refused as refused:
                files.append(DossierFile(name, failure_document(name, refused.status, refused.message, size=item.size)))
                continue
            digest = hashlib.sha256(data).hexdigest()
            first = read.get(digest)
            if first is not None:
                files.append(DossierFile(name, first.document.model_copy(update={"path": name}), same_as=first.name))
                continue
            read[digest] = DossierFile(name, read_bytes(data, name, options))
            files.append(read[digest])
        passed_over = [(relative_name(source, root), why) for source, why in sources.skipped]
    if not files:
        hidden = f" ({len(passed_over)} hidden or system file(s) passed over)" if passed_over else ""
        raise EmptyTender(f"{path}: no files in this tender{hidden}")
    return Dossier(files=tuple(sorted(files, key=lambda f: f.name)), passed_over=tuple(sorted(passed_over)))


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
