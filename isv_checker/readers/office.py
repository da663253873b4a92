"""What the DOCX and ODT readers share about their packages: the size-checked ZIP package with its safe
XML parser, and list counters printed as Word and LibreOffice print them."""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree

from ..document import ReadMessage, ReadStatus
from .extraction import ReadFailure

MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_ABOVE = 10 * 1024 * 1024
MAX_LABEL_CHARS = 100  # a list label longer than this is cut: numbering.xml could make each one megabytes
MAX_LETTER_COUNTER = 32767  # Word's largest start value; past it letters and roman numerals print as decimal
# (a counter of 4,000,000,000 in lowerLetter would be a label of 150 million letters)

# what zipfile raises for a member it cannot inflate (RuntimeError: an encrypted ZIP member)
_INFLATE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError)

_STRICT_NAMESPACES = (
    (
        b"http://purl.oclc.org/ooxml/wordprocessingml/main",
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
    (b"http://purl.oclc.org/ooxml/officeDocument/math", b"http://schemas.openxmlformats.org/officeDocument/2006/math"),
)


class OfficePackage:
    """A ZIP-based office package (OPC or ODF), size-checked before any member is inflated.

    Members are inflated only up to their declared size (zipfile enforces it), so checking the declared
    sizes up front is enough to turn a zip bomb away before it costs memory.
    """

    def __init__(self, data: bytes, *, allow_dtd: bool = False) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
            raise ReadFailure(ReadStatus.CORRUPT, "damaged_zip", error=str(exc)) from None
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise ReadFailure(ReadStatus.ENCRYPTED, "encrypted_package")
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_CHECKED_ABOVE and ratio > MAX_COMPRESSION_RATIO:
                raise ReadFailure(
                    ReadStatus.TOO_LARGE, "zip_bomb", member=info.filename, size=info.file_size, ratio=round(ratio)
                )
        if total > MAX_UNCOMPRESSED_BYTES:
            raise ReadFailure(ReadStatus.TOO_LARGE, "package_over_size", size=total, limit=MAX_UNCOMPRESSED_BYTES)
        self._infos = {info.filename.lower(): info for info in infos}
        self._allow_dtd = allow_dtd
        self._parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            load_dtd=False,
            dtd_validation=False,
            remove_comments=True,
            remove_pis=True,
        )

    def has(self, name: str) -> bool:
        return name.lower() in self._infos

    def read(self, name: str) -> bytes:
        """The member's bytes; ReadFailure(CORRUPT) if it is missing or cannot be inflated.

        Read through `open` with a length: `ZipFile.read` would inflate up to 2 GiB before cutting to the
        declared size, so a member whose header understates its size would cost that much memory.
        """
        info = self._infos.get(name.lower())
        if info is None:
            raise ReadFailure(ReadStatus.CORRUPT, "part_missing", part=name)
        try:
            with self._zip.open(info) as handle:
                data = handle.read(info.file_size)
        except _INFLATE_ERRORS as exc:
            raise ReadFailure(ReadStatus.CORRUPT, "part_damaged", part=name, error=str(exc)) from None
        return data

    def optional_xml(self, name: str | None, warnings: list[ReadMessage]) -> etree._Element | None:
        """A part the text does not hinge on: None when it is absent, and when damaged None with a
        warning instead of failing the read."""
        if name is None or not self.has(name):
            return None
        try:
            return self.xml(name)
        except ReadFailure as failure:
            warnings.append(ReadMessage(code="part_skipped", because=(failure.said,)))
            return None

    def xml(self, name: str) -> etree._Element:
        """Parse a member without resolving entities, loading DTDs or touching the network."""
        data = self.read(name)
        if b"purl.oclc.org/ooxml" in data[:4096]:
            for strict, transitional in _STRICT_NAMESPACES:
                data = data.replace(strict, transitional)
        try:
            root = etree.fromstring(data, self._parser)
        except etree.XMLSyntaxError as exc:
            raise ReadFailure(ReadStatus.CORRUPT, "part_not_xml", part=name, error=str(exc)) from None
        if not self._allow_dtd and root.getroottree().docinfo.doctype:
            raise ReadFailure(ReadStatus.CORRUPT, "part_doctype", part=name)
        return root


def format_number(value: int, fmt: str) -> str:
    """A counter in a Word numFmt (decimal, lowerLetter, upperRoman, ...); unknown formats print as decimal."""
    if fmt == "none":
        return ""
    if (value <= 0 or value > MAX_LETTER_COUNTER) and fmt in ("lowerLetter", "upperLetter", "lowerRoman", "upperRoman"):
        return str(value)
    if fmt in ("lowerLetter", "upperLetter"):
        letters = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalZero" and 0 <= value < 10:
        return f"0{value}"
    return str(value)


def _roman(value: int) -> str:
    out = []
    for number, numeral in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, value = divmod(value, number)
        out.append(numeral * count)
    return "".join(out)
