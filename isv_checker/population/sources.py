"""Finds procurement notices in folders, ZIP archives and TED's bulk packages (tar.gz).

TED publishes a day's notices as one tar.gz of XML files (and months as archives of those); an
auditor's own export may be a folder or a ZIP. Every XML member is yielded with its bytes, in a
stable order; an archive that cannot be opened, or a member over the size limit, is yielded as a
failure with its reason, never skipped. Nothing is extracted to disk, so member names cannot escape
anywhere. Archives inside archives are opened one level deep (a month of daily packages).
"""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..readers.formats import passed_over

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")


@dataclass(frozen=True, slots=True)
class NoticeFile:
    """One XML file found; `data` None when it could not be taken out (then `problem` says why)."""

    name: str
    data: bytes | None
    problem: str = ""


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def find_notices(paths: list[Path], max_bytes: int) -> Iterator[NoticeFile]:
    """Every .xml file under `paths` (files, folders searched recursively, archives opened)."""
    for path in paths:
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                if passed_over(file.name) is None and (file.name.lower().endswith(".xml") or is_archive(file.name)):
                    yield from _from_file(file, max_bytes)
        else:
            yield from _from_file(path, max_bytes)


def _from_file(path: Path, max_bytes: int) -> Iterator[NoticeFile]:
    name = str(path)
    if not path.is_file():
        yield NoticeFile(name, None, "no such file or folder")
        return
    if is_archive(path.name):
        yield from _archive(name, lambda: open(path, "rb"), max_bytes, depth=0)  # noqa: SIM115 - closed by the reader
        return
    size = path.stat().st_size
    if size > max_bytes:
        yield NoticeFile(name, None, f"{size:,} bytes is over the {max_bytes:,}-byte limit for one notice")
        return
    yield NoticeFile(name, path.read_bytes())


def _archive(name: str, opener: object, max_bytes: int, depth: int) -> Iterator[NoticeFile]:
    """The XML members of a ZIP or tar archive (and of archives inside it, one level down)."""
    try:
        with opener() as handle:  # type: ignore[operator]
            lower = name.lower()
            if lower.endswith(".zip"):
                yield from _zip_members(name, handle, max_bytes, depth)
            else:
                yield from _tar_members(name, handle, max_bytes, depth)
    except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, zipfile.LargeZipFile) as exc:
        yield NoticeFile(name, None, f"the archive cannot be read ({type(exc).__name__}: {exc})")


def _tar_members(name: str, handle: io.BufferedIOBase, max_bytes: int, depth: int) -> Iterator[NoticeFile]:
    with tarfile.open(fileobj=handle, mode="r:*") as archive:
        for member in archive:  # streamed: a day's package is read once, front to back
            if not member.isfile():
                continue
            inner = f"{name}!{member.name}"
            base = os.path.basename(member.name)
            if passed_over(base) is not None:
                continue
            if is_archive(base) and depth == 0:
                data = archive.extractfile(member)
                if data is not None:
                    content = data.read()
                    yield from _archive(inner, lambda c=content: io.BytesIO(c), max_bytes, depth + 1)
                continue
            if not base.lower().endswith(".xml"):
                continue
            if member.size > max_bytes:
                yield NoticeFile(
                    inner, None, f"{member.size:,} bytes is over the {max_bytes:,}-byte limit for one notice"
                )
                continue
            data = archive.extractfile(member)
            yield NoticeFile(inner, data.read() if data is not None else b"")


def _zip_members(name: str, handle: io.BufferedIOBase, max_bytes: int, depth: int) -> Iterator[NoticeFile]:
    with zipfile.ZipFile(handle) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            inner = f"{name}!{info.filename}"
            base = os.path.basename(info.filename)
            if passed_over(base) is not None:
                continue
            if is_archive(base) and depth == 0:
                content = _read_member(archive, info, max_bytes * 64)
                if isinstance(content, str):
                    yield NoticeFile(inner, None, content)
                else:
                    yield from _archive(inner, lambda c=content: io.BytesIO(c), max_bytes, depth + 1)
                continue
            if not base.lower().endswith(".xml"):
                continue
            content = _read_member(archive, info, max_bytes)
            yield NoticeFile(inner, None, content) if isinstance(content, str) else NoticeFile(inner, content)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | str:
    """The member's bytes, or why not: read no more than the limit, whatever its header says (a zip bomb)."""
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)
    except (RuntimeError, NotImplementedError) as exc:
        return f"the member cannot be read ({exc})"
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return f"the member is damaged ({exc})"
    if len(data) > limit:
        return f"over the {limit:,}-byte limit for one notice"
    return data
