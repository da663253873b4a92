"""Legacy Word files (.doc, Word 97-2003) and RTF, read through small converters of the Debian
archive: `antiword` for .doc, `catdoc` for RTF. Tender archives from before 2020 are full of both.

Measured against each other and against LibreOffice headless (`python benchmarks/legacy.py`: 12
sample DOCX files saved as .doc and .rtf by LibreOffice, read back, compared with the DOCX): converting
to DOCX with LibreOffice keeps the most words in order (0.997) and every verdict, but takes 0.86 s a
file and an office suite. On .doc, antiword (0.986 of the words in order, 2 ms) hides Word's field
codes, keeps tables as rows and footnotes, and leaves out page headers and footers: 11 of 12 verdicts
equal the DOCX's, the 12th `needs_review` instead of `not_required` because its date stood only in
the page header. catdoc keeps headers (0.996, 12 of 12) but prints field codes into the sentences
("HYPERLINK \\l", "REF _Ref123 \\h", "FORMTEXT"), which real Word files are full of, so antiword reads
.doc. On RTF catdoc (0.972, 3 ms, 12 of 12) decodes the text right and keeps headers; unrtf (0.948)
printed Windows-1252 and dropped headers. One package each: `apt-get install antiword catdoc`.

The converter's text goes through the plain-text reader (paragraphs, headings, list items and
`|`-separated or tab-separated tables), and each block is located by paragraph: the converters write
one paragraph per line. Without the converter a file is `unsupported`, and the message says what to
install. The program runs on a copy in a private temporary folder, under a time limit, and dies with
its caller (`parent_death`).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..document import Block, ReadStatus
from ..parent_death import die_with_parent
from ..settings import ReadOptions
from .extraction import Extraction, ReadFailure
from .text import read_text


@dataclass(frozen=True, slots=True)
class Converter:
    program: str
    options: tuple[str, ...]  # before the file's path
    package: str  # the Debian/Ubuntu package that holds the program
    missing: str  # the code of the message that says it is not installed


ANTIWORD = Converter("antiword", ("-w", "0", "-m", "UTF-8.txt"), "antiword", "converter_missing_doc")
CATDOC = Converter("catdoc", ("-w", "-d", "utf-8"), "catdoc", "converter_missing_rtf")


def read_doc(data: bytes, options: ReadOptions) -> Extraction:
    return convert(data, options, ANTIWORD)


def read_rtf(data: bytes, options: ReadOptions) -> Extraction:
    return convert(data, options, CATDOC)


def convert(data: bytes, options: ReadOptions, converter: Converter) -> Extraction:
    command = shutil.which(converter.program)
    if command is None:
        raise ReadFailure(
            ReadStatus.UNSUPPORTED, converter.missing, program=converter.program, package=converter.package
        )
    with tempfile.TemporaryDirectory(prefix="isv-legacy-") as folder:
        path = Path(folder) / "document"
        path.write_bytes(data)
        try:
            result = subprocess.run(
                [command, *converter.options, str(path)],
                capture_output=True,
                timeout=options.converter_timeout,
                check=False,
                cwd=folder,
                preexec_fn=die_with_parent,
            )
        except subprocess.TimeoutExpired:
            raise ReadFailure(
                ReadStatus.TIMEOUT,
                "converter_timeout",
                program=converter.program,
                seconds=float(options.converter_timeout),
            ) from None
        except OSError as exc:
            raise ReadFailure(
                ReadStatus.ERROR, "converter_not_started", program=converter.program, error=str(exc)
            ) from None
        if result.returncode != 0:
            raise _failure(converter, result.stderr.decode("utf-8", errors="replace").replace(str(path), "the file"))
    text = read_text(result.stdout, options)
    return Extraction(
        blocks=_by_paragraph(text.blocks, result.stdout),
        warnings=tuple(w for w in text.warnings if w.code != "decoded_as"),
        properties={"converter": converter.program},
    )


def _failure(converter: Converter, stderr: str) -> ReadFailure:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    reason = lines[-1] if lines else "no reason given"
    if "crypt" in stderr.lower() or "password" in stderr.lower():
        return ReadFailure(ReadStatus.ENCRYPTED, "converter_password", program=converter.program, reason=reason)
    return ReadFailure(ReadStatus.CORRUPT, "converter_failed", program=converter.program, reason=reason)


def _by_paragraph(blocks: tuple[Block, ...], output: bytes) -> tuple[Block, ...]:
    """Locate blocks by paragraph (the n-th non-blank line of the converter's output), not by line."""
    paragraphs: dict[int, int] = {}
    count = 0
    for number, line in enumerate(output.decode("utf-8", errors="replace").splitlines(), start=1):
        if line.strip():
            count += 1
            paragraphs[number] = count
    return tuple(
        block.model_copy(update={"paragraph": paragraphs.get(block.line or 0), "line": None}) for block in blocks
    )
