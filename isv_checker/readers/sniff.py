"""Decides a file's format from its bytes, not its name: archives hold PDFs renamed .docx and worse."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from ..document import DocFormat, ReadStatus
from .extraction import ReadFailure
from .formats import DOCUMENT_SUFFIXES, SUFFIXES, WORD_SUFFIXES

# The root elements of the notices isv-checker reads, by local name, and their format.
NOTICE_ROOTS = {
    "ContractNotice": "eforms",
    "ContractAwardNotice": "eforms",
    "PriorInformationNotice": "eforms",
    "TED_EXPORT": "ted",
    "TED_ESENDERS": "ted",
}

# the first element's name, after an XML declaration, comments and processing instructions
_ROOT = re.compile(rb"^\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*)*<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)", re.DOTALL)


def root_name(data: bytes) -> str | None:
    """The local name of an XML file's first element (in UTF-8 or ASCII, a BOM allowed), or None."""
    head = data[:4096].removeprefix(b"\xef\xbb\xbf")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    found = _ROOT.match(head)
    return found.group(2).decode("ascii", "replace") if found else None


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODT_MIME = b"application/vnd.oasis.opendocument.text"
_WORD_MAIN = (
    b"wordprocessingml.document.main+xml",
    b"wordprocessingml.template.main+xml",
    b"ms-word.document.macroEnabled.main+xml",
    b"ms-word.template.macroEnabledTemplate.main+xml",
)


def sniff(data: bytes, name: str) -> DocFormat:
    """Return the format to read `data` as, or raise ReadFailure for formats isv-checker cannot read."""
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return DocFormat.PDF
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(data, name)
    if head.startswith(_OLE2):
        return _sniff_ole2(data)
    if head.startswith(b"{\\rtf"):
        return DocFormat.RTF
    xml = _sniff_xml(head, name)
    if xml is not None:
        return xml
    if name.lower().endswith(DOCUMENT_SUFFIXES):
        # Text or noise under a document's name is a broken document, not a text file to judge.
        raise ReadFailure(ReadStatus.CORRUPT, "not_valid_document", kind=name.rsplit(".", 1)[-1].upper())
    if _looks_like_text(head):
        return DocFormat.TEXT
    raise ReadFailure(ReadStatus.UNSUPPORTED, "unknown_format")


def _sniff_xml(head: bytes, name: str) -> DocFormat | None:
    """NOTICE for a procurement notice, and for XML whose first element cannot be told from its first
    bytes (a document type declaration first: the notice reader refuses it with the reason); None for a
    file that is not XML. Other XML is not a document to judge."""
    declared = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml") or head.startswith(
        (b"\xff\xfe<", b"\xfe\xff\x00<")
    )
    root = root_name(head)
    if root in NOTICE_ROOTS:
        return DocFormat.NOTICE
    if not declared and not name.lower().endswith(".xml"):
        return None
    if root is None:
        return DocFormat.NOTICE
    raise ReadFailure(ReadStatus.UNSUPPORTED, "xml_not_notice", root=root)


def _sniff_ole2(data: bytes) -> DocFormat:
    """A legacy Office file: the streams its directory names tell Word from Excel and PowerPoint."""
    if _stream("EncryptionInfo") in data:
        raise ReadFailure(ReadStatus.ENCRYPTED, "password_protected")
    if _stream("WordDocument") in data:
        return DocFormat.DOC
    if _stream("Workbook") in data or _stream("Book") in data:
        raise ReadFailure(ReadStatus.UNSUPPORTED, "legacy_excel")
    if _stream("PowerPoint Document") in data:
        raise ReadFailure(ReadStatus.UNSUPPORTED, "legacy_powerpoint")
    raise ReadFailure(ReadStatus.UNSUPPORTED, "legacy_office")


def _stream(name: str) -> bytes:
    return name.encode("utf-16-le")


def _sniff_zip(data: bytes, name: str) -> DocFormat:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and _head(archive, "mimetype", len(_ODT_MIME) + 16).strip() == _ODT_MIME:
                return DocFormat.ODT
            if "word/document.xml" in names:
                return DocFormat.DOCX
            if "[Content_Types].xml" in names:
                if any(n.startswith("xl/") for n in names):
                    raise ReadFailure(ReadStatus.UNSUPPORTED, "excel")
                if any(n.startswith("ppt/") for n in names):
                    raise ReadFailure(ReadStatus.UNSUPPORTED, "powerpoint")
                content_types = _head(archive, "[Content_Types].xml", 1024 * 1024)
                if any(main in content_types for main in _WORD_MAIN):
                    return DocFormat.DOCX  # the main part under another name (word/document2.xml)
                raise ReadFailure(ReadStatus.CORRUPT, "no_main_part")
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        ValueError,
        OSError,
    ) as exc:
        raise ReadFailure(ReadStatus.CORRUPT, "damaged_zip", error=str(exc)) from None
    except RuntimeError as exc:  # zipfile's word for an encrypted member (after NotImplementedError, a subclass)
        raise ReadFailure(ReadStatus.ENCRYPTED, "encrypted_zip", error=str(exc)) from None
    if name.lower().endswith(WORD_SUFFIXES):
        raise ReadFailure(ReadStatus.CORRUPT, "zip_not_word")
    raise ReadFailure(ReadStatus.UNSUPPORTED, "zip_archive")


def _head(archive: zipfile.ZipFile, member: str, size: int) -> bytes:
    """The first `size` bytes of a member: inflating no more than that, whatever its header claims."""
    with archive.open(member) as handle:
        return handle.read(size)


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    if not head or b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head) < 0.02


def format_from_name(name: str) -> DocFormat:
    """The format a file's name suggests; UNKNOWN for a suffix that is not in the table of formats."""
    lower = name.lower()
    return next((entry.format for entry in SUFFIXES if lower.endswith(entry.suffix)), DocFormat.UNKNOWN)
