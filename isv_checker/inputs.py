"""Expands the paths a user names into the files to check, and says what each found file is.

Folders are walked recursively without following directory symlinks (a symlink loop cannot trap the
walk). Every file found gets a result: a document type is read; any other file (an image, a
spreadsheet, a `.md` note) is reported `unsupported` without being read (`formats.not_a_document`).
Hidden files and folders, Office lock files and the operating system's own files are passed over and
counted (`formats.passed_over`). A file named explicitly is always read, whatever its name, because
its content decides its format; a named path that does not exist is `missing`, a usage error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .document import ReadMessage
from .readers.formats import not_a_document, passed_over


@dataclass(frozen=True, slots=True)
class Inputs:
    """`files`: every file to report on, in walk order; `not_documents`: those of them not to be read,
    with why; `skipped`: what was passed over, with the code of why (`formats.passed_over`);
    `missing`: named paths that do not exist."""

    files: tuple[Path, ...]
    skipped: tuple[tuple[Path, str], ...] = field(default=())
    not_documents: dict[Path, ReadMessage] = field(default_factory=dict)
    missing: tuple[str, ...] = field(default=())


def expand(paths: list[str] | list[Path]) -> Inputs:
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    not_documents: dict[Path, ReadMessage] = {}
    missing: list[str] = []
    seen: set[Path] = set()

    def take(p: Path) -> bool:
        key = p.absolute()
        if key in seen:
            return False
        seen.add(key)
        files.append(p)
        return True

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, names in os.walk(p, followlinks=False):
                for hidden in sorted(d for d in dirs if d.startswith(".")):
                    skipped.append((Path(root) / hidden, "hidden_folder"))
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    child = Path(root) / name
                    why = passed_over(name)
                    if why is not None:
                        skipped.append((child, why))
                        continue
                    other = not_a_document(name)
                    if take(child) and other is not None:
                        not_documents[child] = other
        elif not p.exists() and not p.is_symlink():
            missing.append(str(raw))
        else:
            take(p)
    return Inputs(files=tuple(files), skipped=tuple(skipped), not_documents=not_documents, missing=tuple(missing))
