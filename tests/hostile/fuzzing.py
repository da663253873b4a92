"""What the atheris harnesses (fuzz_docx.py, fuzz_pdf.py) share: seed an empty corpus folder from
the harness's own seeds, then hand over to libFuzzer with the command line as given."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def seed_folder(folder: Path, seeds: Callable[[], list[bytes]]) -> None:
    if folder.is_dir() and not any(folder.iterdir()):
        for i, seed in enumerate(seeds()):
            (folder / f"seed-{i:03d}").write_bytes(seed)


def run(test_one_input: Callable[[bytes], None], seeds: Callable[[], list[bytes]]) -> None:
    import atheris

    folders = [Path(a) for a in sys.argv[1:] if not a.startswith("-")]
    if folders:
        seed_folder(folders[0], seeds)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
