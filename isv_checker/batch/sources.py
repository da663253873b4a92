"""What a batch run reads: files, folders and ZIP archives turned into work items, each with a stable
`source` name and a way to load its bytes.

A source is the file's absolute path, or for a ZIP member the archive's path, `!` and the member's
name (`/data/tenders.zip!2024/leidraad.pdf`; one level of nesting: `a.zip!inner.zip!x.pdf`). It is the
key a result is stored under, so a re-run finds its earlier results whatever the working folder.

ZIP members are read in memory, never extracted to disk. A member is refused, with a status and a
row of its own, when its name tries to leave the archive (absolute, drive letter, `..`), when it is
encrypted, when it unpacks to more than the size limit or at a suspicious ratio (a zip bomb), and
when it is a ZIP inside a nested ZIP. Folders are walked without following directory symlinks. As in
`isv-check scan`, every file found in a folder or archive gets a row: a file of no document type (an
image, a spreadsheet, a name without a suffix, a symbolic link inside an archive) is refused as
`unsupported` without being read (`formats.not_a_document`); only hidden files and folders, Office lock
files and the operating system's own files are passed over, and listed in `skipped`
(`formats.passed_over`).
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..document import ReadMessage, ReadStatus
from ..i18n.reading import english
from ..readers.formats import not_a_document, passed_over

ARCHIVE_SUFFIXES = (".zip",)
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """Guards for reading ZIP archives in memory.

    `max_member_bytes`: a member may unpack to at most this (the reader's own size limit);
    `max_ratio`: a member over `ratio_floor_bytes` may unpack to at most this many times its
    compressed size; `max_archive_bytes`: all members of one archive together;
    `max_members`: members listed per archive.
    """

    max_member_bytes: int = 256 * MB
    max_ratio: float = 100.0
    ratio_floor_bytes: int = 1 * MB
    max_archive_bytes: int = 16 * 1024 * MB
    max_members: int = 200_000


class Refused(Exception):
    """A source that cannot be handed to the reader; it is recorded with this status and message."""

    def __init__(self, status: ReadStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Item:
    """One document to check. `load()` returns its bytes or raises `Refused`; `refused` is set when
    enumeration already knows it cannot be read (a traversal member, a zip bomb)."""

    source: str
    name: str
    size: int | None
    load: Callable[[], bytes] = field(repr=False, compare=False)
    refused: Refused | None = field(default=None, repr=False, compare=False)


@dataclass(slots=True)
class Sources:
    """The items of a run and what was passed over; close it to release open archives."""

    items: list[Item] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, the code of why: formats.passed_over)
    _archives: list[zipfile.ZipFile] = field(default_factory=list, repr=False)

    def close(self) -> None:
        for archive in self._archives:
            archive.close()
        self._archives.clear()

    def __enter__(self) -> Sources:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def collect(paths: list[str] | list[Path], limits: ArchiveLimits | None = None) -> Sources:
    """Enumerate the items under `paths` (files, folders, ZIP archives), in a stable order.

    Missing paths raise FileNotFoundError: naming a path that is not there is a usage error.
    """
    limits = limits or ArchiveLimits()
    sources = Sources()
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise FileNotFoundError(f"{raw}: no such file or folder")
        if path.is_dir():
            for child in _walk(path, sources):
                _add_file(child, sources, limits, seen, not_a_document(child.name, archives=True))
        else:
            _add_file(path, sources, limits, seen, named=True)
    return sources


def _walk(root: Path, sources: Sources) -> Iterator[Path]:
    for folder, dirs, names in os.walk(root, followlinks=False):
        for hidden in sorted(d for d in dirs if d.startswith(".")):
            sources.skipped.append((str(Path(folder) / hidden), "hidden_folder"))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            child = Path(folder) / name
            why = passed_over(name)
            if why is not None:
                sources.skipped.append((str(child), why))
            else:
                yield child


def _add_file(
    path: Path,
    sources: Sources,
    limits: ArchiveLimits,
    seen: set[str],
    other: ReadMessage | None = None,
    named: bool = False,
) -> None:
    """Add a file; `other` says why a file found in a folder is not a document (it is refused, unread)."""
    source = os.path.abspath(path)
    if source in seen:
        return
    seen.add(source)
    if other is not None:
        sources.items.append(_refused(source, path.name, _size(path), ReadStatus.UNSUPPORTED, english(other)))
        return
    if path.name.lower().endswith(ARCHIVE_SUFFIXES):
        _add_archive(path, source, sources, limits)
        return
    try:
        info = path.stat()
    except OSError as exc:
        sources.items.append(
            _refused(source, path.name, None, ReadStatus.ERROR, f"cannot open the file: {exc.strerror or exc}")
        )
        return
    if not stat.S_ISREG(info.st_mode):
        sources.items.append(_refused(source, path.name, None, ReadStatus.UNSUPPORTED, "not a regular file"))
        return
    sources.items.append(
        Item(source, path.name, info.st_size, _FileLoader(source, info.st_size, limits.max_member_bytes))
    )


@dataclass(frozen=True, slots=True)
class _FileLoader:
    path: str
    size: int
    limit: int

    def __call__(self) -> bytes:
        if self.size > self.limit:
            raise Refused(ReadStatus.TOO_LARGE, f"{self.size:,} bytes is over the {self.limit:,}-byte limit")
        try:
            with open(self.path, "rb") as handle:
                data = handle.read(self.limit + 1)
        except OSError as exc:
            raise Refused(ReadStatus.ERROR, f"cannot read the file: {exc.strerror or exc}") from None
        if len(data) > self.limit:
            raise Refused(ReadStatus.TOO_LARGE, f"the file grew past the {self.limit:,}-byte limit while it was read")
        return data


def _refused(source: str, name: str, size: int | None, status: ReadStatus, message: str) -> Item:
    refusal = Refused(status, message)

    def load() -> bytes:
        raise refusal

    return Item(source, name, size, load, refusal)


# --------------------------------------------------------------------------------------------------
# ZIP archives

_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_member_name(name: str) -> str | None:
    """Why a member name may not be used (it would point outside the archive), or None if it is safe."""
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or _DRIVE.match(normalised):
        return "an absolute path"
    if ".." in PurePosixPath(normalised).parts:
        return "a path that climbs out of the archive (..)"
    if "\x00" in name:
        return "a NUL character"
    return None


def _add_archive(path: Path, source: str, sources: Sources, limits: ArchiveLimits) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        sources.items.append(
            _refused(source, path.name, _size(path), ReadStatus.CORRUPT, f"not a readable ZIP archive: {exc}")
        )
        return
    sources._archives.append(archive)
    _add_members(archive, source, sources, limits, depth=1)


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _add_members(archive: zipfile.ZipFile, prefix: str, sources: Sources, limits: ArchiveLimits, depth: int) -> None:
    infos = [i for i in archive.infolist() if not i.is_dir()]
    if len(infos) > limits.max_members:
        sources.items.append(
            _refused(
                prefix,
                PurePosixPath(prefix).name,
                None,
                ReadStatus.TOO_LARGE,
                f"{len(infos):,} members is over the limit of {limits.max_members:,} per archive",
            )
        )
        return
    budget = limits.max_archive_bytes
    names: set[str] = set()
    for info in sorted(infos, key=lambda i: i.filename):
        name = info.filename
        source = f"{prefix}!{name}"
        base = PurePosixPath(name.replace("\\", "/")).name
        lower = base.lower()
        if name.startswith("__MACOSX/"):
            sources.skipped.append((source, "system_file"))
            continue
        why = passed_over(base)
        if why is None and _in_hidden_folder(name):
            why = "in_hidden_folder"
        if why is not None:
            sources.skipped.append((source, why))
            continue
        is_archive = lower.endswith(ARCHIVE_SUFFIXES)
        not_document = not_a_document(base, archives=True)
        other = english(not_document) if not_document is not None else None
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            other = "a symbolic link inside the archive (not followed)"

        def refuse(
            status: ReadStatus, message: str, source: str = source, base: str = base, size: int = info.file_size
        ) -> None:
            sources.items.append(_refused(source, base, size, status, message))

        unsafe = unsafe_member_name(name)
        if unsafe:
            refuse(ReadStatus.CORRUPT, f"refused: the member name is {unsafe} (path traversal)")
            continue
        if name in names:
            refuse(ReadStatus.CORRUPT, "refused: the archive holds two members of this name")
            continue
        names.add(name)
        if other is not None:
            refuse(ReadStatus.UNSUPPORTED, other)
            continue
        if info.flag_bits & 0x1:
            refuse(ReadStatus.ENCRYPTED, "the ZIP member is password-protected")
            continue
        bomb = _bomb(info, limits)
        if bomb:
            refuse(ReadStatus.TOO_LARGE, bomb)
            continue
        budget -= info.file_size
        if budget < 0:
            refuse(
                ReadStatus.TOO_LARGE,
                f"refused: the archive unpacks to more than {limits.max_archive_bytes:,} bytes (zip bomb guard)",
            )
            continue
        loader = _MemberLoader(archive, info, limits)
        if is_archive:
            if depth > 1:
                refuse(ReadStatus.UNSUPPORTED, "a ZIP inside a nested ZIP (archives are opened one level deep)")
                continue
            try:
                inner = zipfile.ZipFile(io.BytesIO(loader()))
            except Refused as exc:
                refuse(exc.status, exc.message)
                continue
            except (zipfile.BadZipFile, ValueError, OSError) as exc:
                refuse(ReadStatus.CORRUPT, f"not a readable ZIP archive: {exc}")
                continue
            sources._archives.append(inner)
            _add_members(inner, source, sources, limits, depth + 1)
            continue
        sources.items.append(Item(source, base, info.file_size, loader))


def _in_hidden_folder(name: str) -> bool:
    folders = PurePosixPath(name.replace("\\", "/")).parts[:-1]
    return any(part.startswith(".") and part not in (".", "..") for part in folders)


def _bomb(info: zipfile.ZipInfo, limits: ArchiveLimits) -> str | None:
    if info.file_size > limits.max_member_bytes:
        return (
            f"refused: the member unpacks to {info.file_size:,} bytes, over the {limits.max_member_bytes:,}-byte limit"
        )
    if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        return f"refused: the member unpacks {ratio:,.0f} times its compressed size (zip bomb guard, limit {limits.max_ratio:,.0f})"
    return None


@dataclass(frozen=True, slots=True)
class _MemberLoader:
    """Reads one member into memory, trusting neither its declared size nor its ratio."""

    archive: zipfile.ZipFile
    info: zipfile.ZipInfo
    limits: ArchiveLimits

    def __call__(self) -> bytes:
        limit = min(self.limits.max_member_bytes, max(self.info.file_size, 0))
        ceiling = limit
        if self.info.file_size > self.limits.ratio_floor_bytes:
            ceiling = min(limit, int(self.limits.max_ratio * max(self.info.compress_size, 1)))
        try:
            with self.archive.open(self.info) as handle:
                data = handle.read(ceiling + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise Refused(ReadStatus.CORRUPT, f"the ZIP member is damaged: {exc}") from None
        except RuntimeError as exc:  # zipfile's word for an encrypted member (after NotImplementedError, a subclass)
            raise Refused(ReadStatus.ENCRYPTED, f"the ZIP member cannot be read: {exc}") from None
        if len(data) > ceiling:
            raise Refused(
                ReadStatus.TOO_LARGE, "refused: the member unpacks to more than its header says (zip bomb guard)"
            )
        return data
