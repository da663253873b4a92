"""Expands the paths a user names into the files to check, and says which were passed over and why.

Folders are walked recursively without following directory symlinks (a symlink loop cannot trap the
walk). Inside folders only document types are taken; a file named explicitly is always read, whatever
its name, because its content decides its format.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .readers.formats import FOLDER_SUFFIXES


@dataclass(frozen=True, slots=True)
class Inputs:
    files: tuple[Path, ...]
    skipped: tuple[tuple[Path, str], ...] = field(default=())


def expand(paths: list[str] | list[Path]) -> Inputs:
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    seen: set[Path] = set()

    def take(p: Path) -> None:
        key = p.absolute()
        if key not in seen:
            seen.add(key)
            files.append(p)

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, names in os.walk(p, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    child = Path(root) / name
                    if name.startswith((".", "~$")):
                        skipped.append((child, "hidden or temporary file"))
                    elif not name.lower().endswith(FOLDER_SUFFIXES):
                        skipped.append((child, "not of a document type (.docx, .pdf, .txt, .odt)"))
                    else:
                        take(child)
        else:
            take(p)  # missing files are reported by the reader with a status
    return Inputs(files=tuple(files), skipped=tuple(skipped))
