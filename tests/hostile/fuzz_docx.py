"""Coverage-guided fuzzing of the DOCX reader (atheris, libFuzzer's engine for Python).

    python tests/hostile/fuzz_docx.py -max_total_time=60 CORPUS_DIR      # a short run, as CI does
    python tests/hostile/fuzz_docx.py -max_total_time=3600 -jobs=2 CORPUS_DIR   # a long local run

An empty CORPUS_DIR is seeded from the bundled samples. An input's first byte says what the rest is:
0 the whole file (damaged packages), 1 word/document.xml inside a valid package (the XML walker),
2 word/numbering.xml beside a document that uses every list level (the label renderer). A crash is
an exception out of `read_bytes` or the status `error` (an unexpected failure inside a reader);
libFuzzer saves the input as crash-*, which becomes a file in regressions/ named after the bug.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["isv_checker"]):
    from isv_checker import ReadOptions, ReadStatus, read_bytes
    from isv_checker.readers import docx, office, sniff  # noqa: F401 - imported to be instrumented

from tests.hostile import forge, fuzzing  # noqa: E402

OPTIONS = ReadOptions(ocr="never", max_blocks=20_000)
_NUMBERED = forge.document_xml(
    "".join(
        forge.paragraph(
            f"punt {n}.{level}",
            props=f'<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{n}"/></w:numPr></w:pPr>',
        )
        for n in (1, 2, 3)
        for level in range(9)
    )
)
_NUMBERING_REL = (
    '<Relationship Id="rN" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" '
    'Target="numbering.xml"/>'
)


def package(data: bytes) -> bytes:
    mode, rest = (data[0] % 3, data[1:]) if data else (0, b"")
    if mode == 1:
        return forge.docx_package(rest)
    if mode == 2:
        return forge.docx_package(_NUMBERED, parts={"word/numbering.xml": rest}, rels=_NUMBERING_REL)
    return rest


def test_one_input(data: bytes) -> None:
    document = read_bytes(package(data), "fuzz.docx", OPTIONS)
    if document.status is ReadStatus.ERROR:
        raise AssertionError(f"the DOCX reader failed: {document.message}")


def seeds() -> list[bytes]:
    import zipfile

    found = []
    for path in sorted((ROOT / "samples").glob("*.docx"))[:6]:
        data = path.read_bytes()
        archive = zipfile.ZipFile(path)
        found.append(b"\x00" + data)
        found.append(b"\x01" + archive.read("word/document.xml"))
        if "word/numbering.xml" in archive.namelist():
            found.append(b"\x02" + archive.read("word/numbering.xml"))
    return found


if __name__ == "__main__":
    fuzzing.run(test_one_input, seeds)
