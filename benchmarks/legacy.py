"""Converters for legacy .doc and .rtf files, measured against each other for speed and fidelity.

    python benchmarks/legacy.py [--files 12] [--seed 1]

Takes DOCX samples from `samples/`, has LibreOffice save each as .doc and as .rtf, and reads those
back with antiword and catdoc (.doc), catdoc and unrtf (.rtf), and LibreOffice headless (to text, and
to DOCX read by isv-checker's DOCX reader). Per converter it prints the mean seconds per file, how
much of the DOCX's words come back in order (difflib's ratio over the word sequences; 1.0 is every
word in place) and on how many files the verdict equals the DOCX's. The reader in
`isv_checker/readers/legacy.py` uses what this chose; its docstring has the figures.
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from isv_checker.pipeline import check
from isv_checker.readers import read_bytes, read_path

ROOT = Path(__file__).resolve().parent.parent


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def timed(command: list[str]) -> tuple[bytes, float]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, check=False)
    return result.stdout, time.perf_counter() - started


def libreoffice(target: str, profile: Path) -> Callable[[Path], tuple[bytes, float]]:
    def run(path: Path) -> tuple[bytes, float]:
        with tempfile.TemporaryDirectory() as out:
            _, seconds = timed(
                ["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", target]
                + ["--outdir", out, str(path)]
            )
            return next(Path(out).iterdir()).read_bytes(), seconds

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for program in ("soffice", "antiword", "catdoc", "unrtf"):
        if shutil.which(program) is None:
            raise SystemExit(f"{program} is needed: apt-get install libreoffice-writer antiword catdoc unrtf")
    docx_files = sorted((ROOT / "samples").glob("*.docx"))
    chosen = random.Random(args.seed).sample(docx_files, min(args.files, len(docx_files)))
    rows: dict[tuple[str, str], list[tuple[float, float, bool]]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        for path in chosen:
            shutil.copy(path, folder)
        for target in ("doc", "rtf"):
            subprocess.run(
                ["soffice", "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}"]
                + ["--convert-to", target, "--outdir", str(folder), *(str(folder / p.name) for p in chosen)],
                capture_output=True,
                check=True,
            )
        converters: dict[str, dict[str, tuple[Callable[[Path], tuple[bytes, float]], str]]] = {
            "doc": {
                "antiword": (lambda p: timed(["antiword", "-w", "0", "-m", "UTF-8.txt", str(p)]), "txt"),
                "catdoc": (lambda p: timed(["catdoc", "-w", "-d", "utf-8", str(p)]), "txt"),
            },
            "rtf": {
                "catdoc": (lambda p: timed(["catdoc", "-w", "-d", "utf-8", str(p)]), "txt"),
                "unrtf": (lambda p: timed(["unrtf", "--text", "--nopict", str(p)]), "txt"),
            },
        }
        for kind in converters.values():
            kind["lo-txt"] = (libreoffice("txt:Text (encoded):UTF8", folder / "profile"), "txt")
            kind["lo-docx"] = (libreoffice("docx", folder / "profile"), "docx")
        for path in chosen:
            docx = folder / path.name
            reference = words(" ".join(b.text for b in read_path(docx).blocks))
            verdict = check(docx).verdict
            for suffix, kind in converters.items():
                for name, (convert, output) in kind.items():
                    data, seconds = convert(docx.with_suffix("." + suffix))
                    if output == "docx":
                        got = words(" ".join(b.text for b in read_bytes(data, "x.docx").blocks))
                    else:
                        got = words(data.decode("utf-8", errors="replace"))
                    ratio = difflib.SequenceMatcher(None, reference, got, autojunk=False).ratio()
                    converted = folder / f"converted.{output}"
                    converted.write_bytes(data)
                    rows[(suffix, name)].append((seconds, ratio, check(converted).verdict == verdict))
    print(f"{'in':4} {'converter':9} {'s/file':>7} {'words in order':>15} {'same verdict':>13}")
    for (suffix, name), results in sorted(rows.items()):
        n = len(results)
        print(
            f"{suffix:4} {name:9} {sum(r[0] for r in results) / n:7.3f} {sum(r[1] for r in results) / n:15.3f}"
            f" {sum(r[2] for r in results):>9}/{n}"
        )


if __name__ == "__main__":
    main()
