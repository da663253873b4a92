"""The hostile corpus: broken, odd and malicious files, generated at test time from the project's own
valid samples, each with the reading statuses it may end in.

`build_corpus(folder, valid_samples)` writes every case into `folder` and returns `(path, expected
statuses)` pairs. Seeds are fixed, so a failing case names a file the next run makes again byte for
byte. Nothing large is committed: the 5,000-page PDF, the 100,000-paragraph DOCX and the zip bomb are
made in code in well under a second each.

Files that refer to other files or hosts (external entities, linked images and templates, PDF
actions) point at `canary_path` and `canary_url`: the suite makes the first a named pipe, which
blocks any process that opens it, and the second a loopback listener that counts connections, so a
reader that followed a reference would hang or be seen.
"""

from __future__ import annotations

import io
import os
import random
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from . import forge

OK, OCR, EMPTY, ENCRYPTED, CORRUPT = "ok", "ocr", "empty", "encrypted", "corrupt"
UNSUPPORTED, NEEDS_OCR, TOO_LARGE, TIMEOUT, ERROR = "unsupported", "needs_ocr", "too_large", "timeout", "error"
STATUSES = frozenset((OK, OCR, EMPTY, ENCRYPTED, CORRUPT, UNSUPPORTED, NEEDS_OCR, TOO_LARGE, TIMEOUT, ERROR))

SAMPLE_CHOICE = ("rws-bedrijfskleding-2024.docx", "rws-bedrijfskleding-2024.pdf", "dictu-laptops-2025.txt")
"""The valid samples the mutations start from (a DOCX, a text-layer PDF, a text file); an ODT is made here."""

DEFAULT_CANARY_URL = "http://127.0.0.1:9/"
ISV_TEXT = [
    "Bijlage 5 Internationale Sociale Voorwaarden",
    "Artikel 3 Gepaste zorgvuldigheid",
    "De Opdrachtnemer past gepaste zorgvuldigheid toe volgens de OESO-richtlijnen en de UNGP.",
]


class Case(NamedTuple):
    path: Path
    expected: frozenset[str]


def expect(*statuses: str) -> frozenset[str]:
    unknown = set(statuses) - STATUSES
    assert not unknown, unknown
    return frozenset(statuses)


def default_samples(samples_dir: Path) -> list[Path]:
    return [samples_dir / name for name in SAMPLE_CHOICE]


def build_corpus(
    folder: str | os.PathLike[str],
    valid_samples: Sequence[str | os.PathLike[str]],
    *,
    canary_path: str | os.PathLike[str] | None = None,
    canary_url: str = DEFAULT_CANARY_URL,
) -> list[Case]:
    """Write the hostile corpus into `folder`; `valid_samples` must hold a .docx, a .pdf and a .txt."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    canary = Path(canary_path) if canary_path is not None else root.parent / "isv-canary-not-there"
    samples = {Path(p).suffix.lower(): Path(p).read_bytes() for p in valid_samples}
    missing = {".docx", ".pdf", ".txt"} - samples.keys()
    assert not missing, f"build_corpus needs a valid sample of each of {sorted(missing)}"
    samples[".odt"] = valid_odt()
    cases: list[Case] = []

    def put(name: str, data: bytes, expected: frozenset[str]) -> None:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        cases.append(Case(path, expected))

    for maker in (
        _truncations,
        _bit_flips,
        _packages,
        _renamed,
        _tiny_and_random,
        _text_encodings,
        _sizes,
        _long_lines,
        _references,
        _bombs,
        _pdf_structure,
        _encrypted,
        _notices,
    ):
        for name, data, expected in maker(samples, canary, canary_url):
            put(name, data, expected)
    cases.extend(_special_files(root))
    cases.extend(_archive(root / "archive" / "tenders.zip", samples))
    return cases


Made = Iterable[tuple[str, bytes, frozenset[str]]]


# --------------------------------------------------------------------------------------------------
# mutations of the valid samples

# What a mutated file of each format may honestly come out as. A mutation can leave the file intact
# enough to read, make it unreadable, or (for PDFs) strip a page's text; never `error`, `timeout`.
_MUTATED = {
    ".docx": expect(OK, EMPTY, CORRUPT),
    ".odt": expect(OK, EMPTY, CORRUPT, UNSUPPORTED),  # a flip in `mimetype` makes it a plain ZIP
    ".pdf": expect(OK, EMPTY, CORRUPT),
    ".txt": expect(OK, UNSUPPORTED),  # a flip to NUL makes it binary
}
_TRUNCATED = {
    ".docx": expect(CORRUPT),
    ".odt": expect(CORRUPT),
    ".pdf": expect(OK, EMPTY, CORRUPT),  # pdfium rebuilds what it can of a cut-off PDF
    ".txt": expect(OK),  # a cut through a UTF-8 character falls back to cp1252
}


def truncation_offsets(size: int, rng: random.Random) -> list[int]:
    fixed = [
        1,
        2,
        4,
        8,
        16,
        64,
        256,
        1024,
        size // 8,
        size // 4,
        size // 3,
        size // 2,
        2 * size // 3,
        3 * size // 4,
        7 * size // 8,
        size - 100,
        size - 22,
        size - 1,
    ]
    chosen = {offset for offset in fixed if 0 < offset < size}
    chosen.update(rng.randrange(1, size) for _ in range(4))
    return sorted(chosen)


def _truncations(samples: dict[str, bytes], canary: Path, url: str) -> Made:
    for suffix, data in sorted(samples.items()):
        rng = random.Random(f"truncate{suffix}")
        for offset in truncation_offsets(len(data), rng):
            yield f"truncated/{suffix[1:]}-at-{offset:06d}{suffix}", data[:offset], _TRUNCATED[suffix]


def flip_bits(data: bytes, count: int, rng: random.Random) -> bytes:
    mutable = bytearray(data)
    for _ in range(count):
        position = rng.randrange(len(mutable) * 8)
        mutable[position // 8] ^= 1 << (position % 8)
    return bytes(mutable)


def _bit_flips(samples: dict[str, bytes], canary: Path, url: str) -> Made:
    for suffix, data in sorted(samples.items()):
        for seed, count in enumerate((1, 1, 2, 4, 8, 16, 64, 256)):
            rng = random.Random(f"flip{suffix}{seed}")
            yield f"bitflip/{suffix[1:]}-{seed}-{count}bits{suffix}", flip_bits(data, count, rng), _MUTATED[suffix]


# --------------------------------------------------------------------------------------------------
# packages: deleted members, wrong content types, damaged entries


def _packages(samples: dict[str, bytes], canary: Path, url: str) -> Made:
    docx = samples[".docx"]
    document = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")
    yield "package/docx-without-word-document-xml.docx", forge.rezip(docx, drop=["word/document.xml"]), expect(CORRUPT)
    yield "package/docx-without-content-types.docx", forge.rezip(docx, drop=["[Content_Types].xml"]), expect(OK)
    yield (
        "package/docx-without-relationships.docx",
        forge.rezip(docx, drop=["_rels/.rels", "word/_rels/document.xml.rels"]),
        expect(OK),
    )
    yield (
        "package/docx-without-styles-and-numbering.docx",
        forge.rezip(docx, drop=["word/styles.xml", "word/numbering.xml", "word/stylesWithEffects.xml"]),
        expect(OK),
    )
    yield "package/docx-document-xml-empty.docx", forge.rezip(docx, replace={"word/document.xml": b""}), expect(CORRUPT)
    yield (
        "package/docx-document-xml-garbage.docx",
        forge.rezip(docx, replace={"word/document.xml": bytes(random.Random(1).randbytes(4096))}),
        expect(CORRUPT),
    )
    yield (
        "package/docx-document-xml-cut-mid-tag.docx",
        forge.rezip(docx, replace={"word/document.xml": document[: len(document) // 2]}),
        expect(CORRUPT),
    )
    yield (
        "package/docx-document-without-body.docx",
        forge.rezip(docx, replace={"word/document.xml": f'<w:document xmlns:w="{forge.W_NS}"/>'.encode()}),
        expect(CORRUPT),
    )
    yield "package/docx-styles-garbage.docx", forge.rezip(docx, replace={"word/styles.xml": b"<w:styles"}), expect(OK)
    yield (
        "package/docx-document-xml-utf16.docx",
        forge.rezip(
            docx,
            replace={
                "word/document.xml": document.decode("utf-8")
                .replace('encoding="UTF-8"', 'encoding="UTF-16"')
                .encode("utf-16")
            },
        ),
        expect(OK),
    )
    yield "package/docx-stored-not-deflated.docx", forge.rezip(docx, method=zipfile.ZIP_STORED), expect(OK)
    yield (
        "package/docx-content-types-say-spreadsheet.docx",
        forge.rezip(
            docx,
            replace={
                "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
            },
        ),
        expect(OK),
    )
    yield (
        "package/docx-main-part-renamed.docx",
        forge.docx_package(
            forge.document_xml("".join(forge.paragraph(t) for t in ISV_TEXT)),
            main="word/document2.xml",
            content_types=forge.CONTENT_TYPES.replace("/word/document.xml", "/word/document2.xml"),
        ),
        expect(OK),
    )
    members = [
        forge.member(i.filename, zipfile.ZipFile(io.BytesIO(docx)).read(i))
        for i in zipfile.ZipFile(io.BytesIO(docx)).infolist()
    ]
    yield (
        "package/docx-document-xml-bad-crc.docx",
        forge.raw_zip([replace(m, crc=m.crc ^ 0xFFFF) if m.name == "word/document.xml" else m for m in members]),
        expect(CORRUPT),
    )
    yield (
        "package/docx-unknown-compression-method.docx",
        forge.raw_zip([replace(m, method=98) if m.name == "word/document.xml" else m for m in members]),
        expect(CORRUPT),
    )
    yield (
        "package/docx-duplicate-document-xml.docx",
        forge.raw_zip([*members, forge.member("word/document.xml", b"<not-a-document/>")]),
        expect(OK, CORRUPT),
    )
    xlsx = io.BytesIO()
    with zipfile.ZipFile(xlsx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    yield "package/spreadsheet-named.docx", xlsx.getvalue(), expect(UNSUPPORTED)
    pptx = io.BytesIO()
    with zipfile.ZipFile(pptx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/presentation.xml", "<presentation/>")
    yield "package/presentation-named.docx", pptx.getvalue(), expect(UNSUPPORTED)
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("leesmij.txt", "Internationale Sociale Voorwaarden")
    yield "package/plain-zip-named.docx", plain.getvalue(), expect(CORRUPT)
    yield (
        "package/spreadsheet-mimetype-named.odt",
        forge.odt_package("<text:p>x</text:p>", mimetype=b"application/vnd.oasis.opendocument.spreadsheet"),
        expect(UNSUPPORTED, CORRUPT),
    )
    odt = samples[".odt"]
    yield "package/odt-without-content-xml.odt", forge.rezip(odt, drop=["content.xml"]), expect(CORRUPT)
    yield (
        "package/odt-content-xml-garbage.odt",
        forge.rezip(odt, replace={"content.xml": b"\x00\x01<<"}),
        expect(CORRUPT),
    )


def _renamed(samples: dict[str, bytes], canary: Path, url: str) -> Made:
    yield "renamed/pdf-named.docx", samples[".pdf"], expect(OK)
    yield "renamed/docx-named.pdf", samples[".docx"], expect(OK)
    yield "renamed/odt-named.docx", samples[".odt"], expect(OK)
    yield "renamed/pdf-named.txt", samples[".pdf"], expect(OK)
    yield "renamed/docx-named.txt", samples[".docx"], expect(OK)
    yield "renamed/text-named.pdf", samples[".txt"], expect(CORRUPT)
    yield "renamed/text-named.docx", samples[".txt"], expect(CORRUPT)
    yield "renamed/text-named.odt", samples[".txt"], expect(CORRUPT)
    yield "renamed/legacy-doc-named.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), expect(UNSUPPORTED)
    yield "renamed/rtf-named.docx", rb"{\rtf1\ansi Internationale Sociale Voorwaarden\par}", expect(OK)
    yield "renamed/html-named.pdf", b"<!DOCTYPE html><html><body>ISV</body></html>", expect(CORRUPT)


# --------------------------------------------------------------------------------------------------
# tiny, empty and random files; text encodings


def _tiny_and_random(samples: dict[str, bytes], canary: Path, url: str) -> Made:
    for suffix in (".pdf", ".docx", ".odt", ".txt"):
        yield f"tiny/zero-bytes{suffix}", b"", expect(EMPTY)
    yield "tiny/one-byte-percent.pdf", b"%", expect(CORRUPT)
    yield "tiny/one-byte-p.docx", b"P", expect(CORRUPT)
    yield "tiny/one-byte-letter.txt", b"a", expect(OK)
    yield "tiny/one-byte-newline.txt", b"\n", expect(EMPTY)
    yield "tiny/one-byte-nul.txt", b"\x00", expect(UNSUPPORTED)
    yield "tiny/pdf-header-only.pdf", b"%PDF-1.7\n", expect(CORRUPT)
    yield "tiny/zip-magic-only.docx", b"PK\x03\x04", expect(CORRUPT)
    yield "tiny/empty-zip.docx", b"PK\x05\x06" + bytes(18), expect(CORRUPT)
    rng = random.Random("random")
    for size in (16, 1000, 65536):
        yield f"random/bytes-{size}.pdf", rng.randbytes(size), expect(CORRUPT)
    yield "random/bytes-after-pdf-header.pdf", b"%PDF-1.7\n" + rng.randbytes(20000), expect(CORRUPT)
    yield "random/bytes.docx", rng.randbytes(20000), expect(CORRUPT)
    yield "random/bytes-after-zip-magic.docx", b"PK\x03\x04" + rng.randbytes(20000), expect(CORRUPT)
    yield "random/bytes.odt", rng.randbytes(5000), expect(CORRUPT)
    yield "random/bytes.txt", rng.randbytes(5000), expect(UNSUPPORTED)
    yield "random/printable-noise.txt", bytes(rng.randrange(32, 127) for _ in range(20000)), expect(OK)


def _text_encodings(samples: dict[str, bytes], canary: Path, url: str) -> Made:
    text = samples[".txt"].decode("utf-8")
    dutch = "Bijlage 5 – Internationale Sociale Voorwaarden: ‘gepaste zorgvuldigheid’ voor € 2.400.000, café, reële eisen.\n"
    yield "text/cp1252.txt", (dutch + text).encode("cp1252", errors="replace"), expect(OK)
    yield (
        "text/latin1-undefined-in-cp1252.txt",
        (dutch.encode("cp1252") + b"\x81\x8d\x8f\x90\x9d\n" + text.encode("latin-1", errors="replace")),
        expect(OK),
    )
    yield "text/utf16-le-bom.txt", (dutch + text).encode("utf-16"), expect(OK)
    yield "text/utf16-be-bom.txt", b"\xfe\xff" + (dutch + text).encode("utf-16-be"), expect(OK)
    yield "text/utf16-le-bom-odd-length.txt", (dutch + text).encode("utf-16")[:-1], expect(CORRUPT)
    yield "text/utf16-le-no-bom.txt", (dutch + text).encode("utf-16-le"), expect(UNSUPPORTED)
    yield "text/utf8-bom.txt", b"\xef\xbb\xbf" + (dutch + text).encode("utf-8"), expect(OK)
    yield "text/utf8-bom-then-invalid.txt", b"\xef\xbb\xbf" + dutch.encode("utf-8") + b"\xff\xfe\xc3\x28", expect(OK)
    yield "text/utf8-mixed-with-cp1252.txt", dutch.encode("utf-8") + dutch.encode("cp1252"), expect(OK)
    yield "text/nul-after-the-sniffed-head.txt", text.encode("utf-8") * 2 + b"\x00binary tail", expect(UNSUPPORTED)
    yield (
        "text/control-characters.txt",
        "".join(chr(c) for c in range(1, 32)).encode() * 50 + text.encode(),
        expect(UNSUPPORTED),
    )
    yield (
        "text/crlf-and-cr-only.txt",
        text.replace("\n", "\r\n").encode() + text.replace("\n", "\r").encode(),
        expect(OK),
    )
    yield "text/only-whitespace.txt", b" \t\r\n\f" * 2000, expect(EMPTY)


# --------------------------------------------------------------------------------------------------
# sizes: many lines, paragraphs and pages; lines of megabytes


def _sizes(samples: dict[str, bytes], canary: Path, url: str) -> Made:
    yield "size/text-50000-short-lines.txt", b"".join(b"regel %d\n\n" % i for i in range(50_000)), expect(OK)
    body = "".join(forge.paragraph(f"p{i}") for i in range(100_000))
    yield "size/docx-100000-paragraphs.docx", forge.docx_package(forge.document_xml(body)), expect(OK)
    yield (
        "size/docx-5000-nested-tables.docx",
        forge.docx_package(
            forge.document_xml("<w:tbl><w:tr><w:tc>" * 5000 + forge.paragraph("diep") + "</w:tc></w:tr></w:tbl>" * 5000)
        ),
        expect(CORRUPT, OK),
    )
    yield "size/pdf-5000-blank-pages.pdf", forge.blank_pages_pdf(5000), expect(EMPTY)
    yield "size/pdf-10001-blank-pages.pdf", forge.blank_pages_pdf(10_001), expect(TOO_LARGE)
    yield "size/pdf-one-20000-character-line.pdf", forge.text_pdf([[ISV_TEXT[0], "ISV " * 5000]]), expect(OK)
    yield (
        "size/pdf-count-claims-two-billion-pages.pdf",
        forge.blank_pages_pdf(1, claimed=2_000_000_000),
        expect(EMPTY, CORRUPT, TOO_LARGE),
    )


def _long_lines(samples: dict[str, bytes], canary: Path, url: str) -> Made:
    """Blocks of megabytes. They read in a second; the rules stage takes tens of seconds on the
    largest (campaign.LONG_LINES says where each run takes them)."""
    words = "gepaste zorgvuldigheid in de keten volgens de OESO-richtlijnen "
    yield (
        "longline/text-one-8mb-line.txt",
        (ISV_TEXT[0] + "\n" + words * (8_000_000 // len(words))).encode(),
        expect(OK),
    )
    yield "longline/text-8mb-without-spaces.txt", b"ISV" * 2_700_000, expect(OK)
    yield (
        "longline/text-2mb-digit-run-after-eur.txt",
        b"Geraamde waarde EUR " + b"1" * 2_000_000 + b" euro\n",
        expect(OK),
    )
    yield (
        "longline/docx-one-4mb-paragraph.docx",
        forge.docx_package(
            forge.document_xml(forge.paragraph(ISV_TEXT[0]) + forge.paragraph(words * (4_000_000 // len(words))))
        ),
        expect(OK),
    )


# --------------------------------------------------------------------------------------------------
# references to other files and hosts: none may be followed


def _references(samples: dict[str, bytes], canary: Path, url: str) -> Made:
    file_url = canary.as_uri()
    text = "".join(forge.paragraph(t) for t in ISV_TEXT)
    entity_text = forge.paragraph("&xxe;")
    for name, target in (("file", file_url), ("http", url + "xxe")):
        prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{target}">]>'
        yield (
            f"reference/docx-external-entity-{name}.docx",
            forge.docx_package(forge.document_xml(text + entity_text, prolog=prolog)),
            expect(CORRUPT),
        )
    yield (
        "reference/docx-external-parameter-entity.docx",
        forge.docx_package(
            forge.document_xml(text, prolog=f'<!DOCTYPE w:document [<!ENTITY % remote SYSTEM "{url}dtd"> %remote;]>')
        ),
        expect(CORRUPT),
    )
    yield (
        "reference/docx-external-dtd.docx",
        forge.docx_package(forge.document_xml(text, prolog=f'<!DOCTYPE w:document SYSTEM "{file_url}">')),
        expect(CORRUPT),
    )
    styles_xxe = (
        f'<?xml version="1.0"?><!DOCTYPE w:styles [<!ENTITY xxe SYSTEM "{file_url}">]>'
        f'<w:styles xmlns:w="{forge.W_NS}"><w:style w:styleId="&xxe;"/></w:styles>'
    ).encode()
    yield (
        "reference/docx-external-entity-in-styles.docx",
        forge.docx_package(
            forge.document_xml(text),
            parts={"word/styles.xml": styles_xxe},
            rels='<Relationship Id="rS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/>',
        ),
        expect(OK),
    )
    xinclude = (
        f'<w:p xmlns:xi="http://www.w3.org/2001/XInclude"><w:r><w:t>vooraf</w:t></w:r>'
        f'<xi:include href="{file_url}" parse="text"/></w:p>'
    )
    yield "reference/docx-xinclude.docx", forge.docx_package(forge.document_xml(text + xinclude)), expect(OK)
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    external = "".join(
        f'<Relationship Id="rX{i}" Type="{rel}{kind}" Target="{target}" TargetMode="External"/>'
        for i, (kind, target) in enumerate(
            (
                ("image", url + "logo.png"),
                ("image", file_url),
                ("hyperlink", url),
                ("subDocument", file_url),
                ("aFChunk", file_url),
                ("oleObject", file_url),
                ("attachedTemplate", url + "template.dotx"),
                ("styles", file_url),
                ("numbering", url + "numbering.xml"),
                ("header", file_url),
            )
        )
    )
    linked = (
        text
        + '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><a:graphic><a:graphicData>'
        '<pic:pic><pic:blipFill><a:blip r:link="rX0"/></pic:blipFill></pic:pic></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing></w:r></w:p>"
        + f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDETEXT "{canary}" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>opgenomen</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        + f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDEPICTURE "{url}foto.jpg" \\d </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>' + '<w:subDoc r:id="rX3"/><w:altChunk r:id="rX4"/>'
    )
    settings = (
        f'<w:settings xmlns:w="{forge.W_NS}" xmlns:r="{forge.R_NS}"><w:attachedTemplate r:id="rT"/>'
        f"<w:linkStyles/></w:settings>"
    ).encode()
    settings_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rT" Type="{rel}attachedTemplate" Target="{file_url}" TargetMode="External"/>'
        "</Relationships>"
    ).encode()
    yield (
        "reference/docx-linked-image-template-and-fields.docx",
        forge.docx_package(
            forge.document_xml(linked),
            rels=external + f'<Relationship Id="rS" Type="{rel}settings" Target="settings.xml"/>',
            parts={"word/settings.xml": settings, "word/_rels/settings.xml.rels": settings_rels},
        ),
        expect(OK),
    )
    yield (
        "reference/docx-relationship-targets-outside-package.docx",
        forge.docx_package(
            forge.document_xml(text),
            rels=(
                f'<Relationship Id="r1" Type="{rel}styles" Target="../../../../{canary}"/>'
                f'<Relationship Id="r2" Type="{rel}footnotes" Target="{canary}"/>'
                f'<Relationship Id="r3" Type="{rel}numbering" Target="{file_url}"/>'
            ),
        ),
        expect(OK),
    )
    odt_prolog = f'<!DOCTYPE office:document-content [<!ENTITY xxe SYSTEM "{file_url}">]>'
    yield (
        "reference/odt-external-entity.odt",
        forge.odt_package(
            "<text:p>Internationale Sociale Voorwaarden</text:p><text:p>&xxe;</text:p>", prolog=odt_prolog
        ),
        expect(OK, CORRUPT),
    )
    yield (
        "reference/odt-linked-image-and-section.odt",
        forge.odt_package(
            "<text:p>Internationale Sociale Voorwaarden</text:p>"
            f'<text:p><draw:frame><draw:image xlink:href="{url}logo.png" xlink:type="simple"/></draw:frame></text:p>'
            f'<text:section text:name="s"><text:section-source xlink:href="{file_url}"/></text:section>'
            f'<text:p><text:a xlink:href="{file_url}">link</text:a></text:p>'
        ),
        expect(OK),
    )
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> "
        b"/XObject << /Ext 6 0 R >> >> /Contents 5 0 R /AA << /O 7 0 R >> /Annots [8 0 R] >>"
    )
    canary_pdf = str(canary).encode()
    yield (
        "reference/pdf-external-streams-and-actions.pdf",
        forge.pdf_file(
            {
                1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 9 0 R /Names << /JavaScript << /Names [(x) 10 0 R] >> >> >>",
                2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
                3: forge.FONT,
                4: page,
                5: forge.stream(forge.text_content(ISV_TEXT) + b"\nq /Ext Do Q"),
                6: b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length 0 /F << /Type /Filespec /F (%s) /FS /URL >> >>\n"
                b"stream\n\nendstream" % url.encode(),
                7: b"<< /S /Launch /F (%s) >>" % canary_pdf,
                8: b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /URI /URI (%s) >> >>" % url.encode(),
                9: b"<< /S /GoToR /F (%s) /D [0 /Fit] >>" % canary_pdf,
                10: b'<< /S /JavaScript /JS (app.launchURL\\("%s"\\);) >>' % url.encode(),
            }
        ),
        expect(OK),
    )


# --------------------------------------------------------------------------------------------------
# bombs: ZIP, XML entities, amplifying attributes


def _bombs(samples: dict[str, bytes], canary: Path, url: str) -> Made:
    text = "".join(forge.paragraph(t) for t in ISV_TEXT)
    laughs = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    ]
    prolog = "<!DOCTYPE w:document [" + "".join(laughs) + "]>"
    yield (
        "bomb/docx-billion-laughs.docx",
        forge.docx_package(forge.document_xml(text + forge.paragraph("&lol9;"), prolog=prolog)),
        expect(CORRUPT),
    )
    big = "x" * 50_000
    quadratic = f'<!DOCTYPE w:document [<!ENTITY big "{big}">]>'
    yield (
        "bomb/docx-quadratic-blowup.docx",
        forge.docx_package(forge.document_xml(text + forge.paragraph("&big;" * 50_000), prolog=quadratic)),
        expect(CORRUPT),
    )
    styles_laughs = (
        '<?xml version="1.0"?><!DOCTYPE w:styles [' + "".join(laughs) + "]>"
        f'<w:styles xmlns:w="{forge.W_NS}"><w:style w:styleId="a"><w:name w:val="&lol9;"/></w:style></w:styles>'
    )
    yield (
        "bomb/docx-billion-laughs-in-styles.docx",
        forge.docx_package(
            forge.document_xml(text),
            parts={"word/styles.xml": styles_laughs.encode()},
            rels='<Relationship Id="rS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/>',
        ),
        expect(OK),
    )
    odt_laughs = "<!DOCTYPE office:document-content [" + "".join(laughs) + "]>"
    yield (
        "bomb/odt-billion-laughs.odt",
        forge.odt_package(
            "<text:p>Internationale Sociale Voorwaarden</text:p><text:p>&lol9;</text:p>", prolog=odt_laughs
        ),
        expect(OK, CORRUPT),
    )

    prefix = forge.document_xml(forge.paragraph(ISV_TEXT[0]) + "<w:p><w:r><w:t>")[: -len("</w:body></w:document>")]
    stream, crc, size = forge.deflated_run(prefix, b"a", 2047, b"</w:t></w:r></w:p></w:body></w:document>")
    members = [
        forge.member("[Content_Types].xml", forge.CONTENT_TYPES.encode()),
        forge.RawMember("word/document.xml", stream, zipfile.ZIP_DEFLATED, crc, len(stream), size),
    ]
    yield "bomb/docx-zip-bomb-2gb.docx", forge.raw_zip(members), expect(TOO_LARGE)
    yield (
        "bomb/docx-zip-bomb-header-understates-size.docx",
        forge.raw_zip([members[0], replace(members[1], file_size=40_000)]),
        expect(CORRUPT),
    )
    small, small_crc, small_size = forge.deflated_run(b"", b"\x00", 64, b"")
    overlapping = [
        forge.RawMember(f"word/media/image{i}.png", small, zipfile.ZIP_DEFLATED, small_crc, len(small), small_size)
        for i in range(20)
    ]
    yield (
        "bomb/docx-zip-bomb-overlapping-entries.docx",
        forge.raw_zip([*overlapping, forge.member("word/document.xml", forge.document_xml(text))], shared_offset=True),
        expect(TOO_LARGE, CORRUPT),
    )
    numbering = (
        f'<w:numbering xmlns:w="{forge.W_NS}"><w:abstractNum w:abstractNumId="0">'
        '<w:lvl w:ilvl="0"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )
    numbered = "".join(
        forge.paragraph(f"punt {i}", props='<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>')
        for i in range(200)
    )
    numbering_rel = (
        '<Relationship Id="rN" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" '
        'Target="numbering.xml"/>'
    )
    for name, start, fmt, label in (
        ("letter-start", 4_000_000_000, "lowerLetter", "%1."),
        ("roman-start", 10**15, "upperRoman", "%1."),
        ("label-text", 1, "decimal", "%1" * 200_000),
    ):
        yield (
            f"bomb/docx-numbering-{name}.docx",
            forge.docx_package(
                forge.document_xml(text + numbered),
                parts={"word/numbering.xml": numbering.format(start=start, fmt=fmt, text=label).encode()},
                rels=numbering_rel,
            ),
            expect(OK),
        )
    yield (
        "bomb/odt-space-count.odt",
        forge.odt_package(
            '<text:p>Internationale Sociale Voorwaarden</text:p><text:p>a<text:s text:c="3000000000"/>b</text:p>'
        ),
        expect(OK),
    )
    yield (
        "bomb/odt-list-start-value.odt",
        forge.odt_package(
            '<text:list text:style-name="L1"><text:list-item text:start-value="4000000000"><text:p>punt</text:p></text:list-item></text:list>',
            automatic_styles='<text:list-style style:name="L1"><text:list-level-style-number text:level="1" style:num-format="a" '
            'style:num-suffix="."/></text:list-style>',
        ),
        expect(OK),
    )
    yield (
        "bomb/pdf-content-stream-inflates-to-256mb.pdf",
        forge.inflating_pdf(256),
        expect(OK, EMPTY, CORRUPT, TOO_LARGE),
    )
    yield (
        "bomb/pdf-huge-page-with-image.pdf",
        forge.pdf_file(
            {
                1: b"<< /Type /Catalog /Pages 2 0 R >>",
                2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /Resources << /XObject << /Im 5 0 R >> >> /Contents 4 0 R >>",
                4: forge.stream(b"q 14400 0 0 14400 0 0 cm /Im Do Q"),
                5: forge.stream(
                    b"\x00\xff\x00\xff",
                    b"/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8",
                ),
            }
        ),
        expect(OCR, EMPTY, NEEDS_OCR, TOO_LARGE),
    )


# --------------------------------------------------------------------------------------------------
# PDF structure


def _pdf_structure(samples: dict[str, bytes], canary: Path, url: str) -> Made:
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    yield (
        "pdf/circular-page-tree.pdf",
        forge.pdf_file(
            {
                1: catalog,
                2: b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                3: b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Parent 2 0 R /Count 2 >>",
            }
        ),
        expect(EMPTY, CORRUPT),
    )
    yield (
        "pdf/circular-object-references.pdf",
        forge.pdf_file(
            {
                1: catalog,
                2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                3: b"<< /Type /Page /Parent 3 0 R /MediaBox 4 0 R /Resources 5 0 R /Contents 6 0 R >>",
                4: b"4 0 R",
                5: b"<< /Font 5 0 R /XObject << /X 5 0 R >> >>",
                6: b"<< /Length 7 0 R >>\nstream\nBT /F1 12 Tf (x) Tj ET\nendstream",
                7: b"7 0 R",
            }
        ),
        expect(OK, EMPTY, CORRUPT),
    )
    yield (
        "pdf/catalog-is-its-own-page-tree.pdf",
        forge.pdf_file({1: b"<< /Type /Catalog /Pages 1 0 R /Kids [1 0 R] /Count 1 >>"}),
        expect(EMPTY, CORRUPT),
    )
    yield (
        "pdf/deeply-nested-arrays.pdf",
        forge.pdf_file(
            {
                1: catalog,
                2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Extra "
                + b"[" * 100_000
                + b"]" * 100_000
                + b" >>",
            }
        ),
        expect(EMPTY, CORRUPT),
    )
    yield (
        "pdf/deeply-nested-content-operators.pdf",
        forge.pdf_file(
            {
                1: catalog,
                2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                4: forge.FONT,
                3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
                5: forge.stream(b"q " * 200_000 + forge.text_content(ISV_TEXT) + b" Q" * 200_000),
            }
        ),
        expect(OK, EMPTY),
    )
    valid = samples[".pdf"]
    yield "pdf/xref-stripped.pdf", valid[: valid.rfind(b"xref")] if b"xref" in valid else valid, expect(OK)
    yield (
        "pdf/xref-offsets-wrong.pdf",
        re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + 7), forge.text_pdf([ISV_TEXT])),
        expect(OK),
    )
    yield "pdf/garbage-appended.pdf", valid + random.Random("append").randbytes(50_000), expect(OK)
    yield "pdf/garbage-prepended.pdf", random.Random("prepend").randbytes(500) + valid, expect(OK, CORRUPT)
    yield "pdf/no-pages.pdf", forge.pdf_file({1: catalog, 2: b"<< /Type /Pages /Kids [] /Count 0 >>"}), expect(EMPTY)
    yield "pdf/page-tree-missing.pdf", forge.pdf_file({1: b"<< /Type /Catalog >>"}), expect(EMPTY, CORRUPT)
    yield (
        "pdf/negative-and-nan-sizes.pdf",
        forge.pdf_file(
            {
                1: catalog,
                2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                4: forge.FONT,
                3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 -1e308 1e308] /Rotate 45 /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
                5: forge.stream(b"BT /F1 -1e30 Tf 1e30 0 0 1e30 0 0 Tm (ISV) Tj ET"),
            }
        ),
        expect(OK, EMPTY, CORRUPT),
    )


# --------------------------------------------------------------------------------------------------
# password protection


def _encrypted(samples: dict[str, bytes], canary: Path, url: str) -> Made:
    yield (
        "encrypted/pdf-user-password.pdf",
        forge.text_pdf([ISV_TEXT], security=forge.Rc4Security(b"geheim", b"eigenaar")),
        expect(ENCRYPTED),
    )
    yield (
        "encrypted/pdf-owner-password-only.pdf",
        forge.text_pdf([ISV_TEXT], security=forge.Rc4Security(b"", b"eigenaar")),
        expect(OK),
    )
    yield "encrypted/docx-password-to-open.docx", forge.encrypted_word_document(b"docx"), expect(ENCRYPTED)
    docx = samples[".docx"]
    members = [
        forge.member(i.filename, zipfile.ZipFile(io.BytesIO(docx)).read(i), flags=1)
        for i in zipfile.ZipFile(io.BytesIO(docx)).infolist()
    ]
    yield "encrypted/docx-zip-encrypted-members.docx", forge.raw_zip(members), expect(ENCRYPTED)
    odt_members = [
        forge.member(i.filename, zipfile.ZipFile(io.BytesIO(samples[".odt"])).read(i), flags=1, method=i.compress_type)
        for i in zipfile.ZipFile(io.BytesIO(samples[".odt"])).infolist()
    ]
    yield "encrypted/odt-zip-encrypted-members.odt", forge.raw_zip(odt_members), expect(ENCRYPTED)
    manifest = (
        b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        b'<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry>'
        b"</manifest:manifest>"
    )
    yield (
        "encrypted/odt-password-to-open.odt",
        forge.odt_package("<text:p>x</text:p>", extra={"META-INF/manifest.xml": manifest}),
        expect(ENCRYPTED),
    )


# --------------------------------------------------------------------------------------------------
# the file system: symlink loops, a pipe, a device


def _special_files(root: Path) -> list[Case]:
    """A folder with a symlink loop (a folder linking to itself), files linking in a circle, a dangling
    link, a named pipe (which would block a reader that opened it) and a link to /dev/zero (endless)."""
    folder = root / "links"
    folder.mkdir(exist_ok=True)
    links: list[tuple[str, str]] = [
        ("loop", "."),
        ("parent-loop", ".."),
        ("self.pdf", "self.pdf"),
        ("a.docx", "b.docx"),
        ("b.docx", "a.docx"),
        ("dangling.txt", "not-there.txt"),
    ]
    cases = []
    for name, target in links:
        path = folder / name
        if not path.is_symlink():
            os.symlink(target, path)
        if "." in name:
            cases.append(Case(path, expect(ERROR)))
    pipe = folder / "named-pipe.txt"
    if not pipe.exists():
        os.mkfifo(pipe)
    cases.append(Case(pipe, expect(UNSUPPORTED)))
    zero = folder / "endless.txt"
    if not zero.is_symlink():
        os.symlink("/dev/zero", zero)
    cases.append(Case(zero, expect(UNSUPPORTED)))
    return cases


# --------------------------------------------------------------------------------------------------
# a tender archive for batch runs (scans skip ZIP files in folders)

ARCHIVE_MEMBER = "!"
"""Separates an archive's path from a member's name in a case's path, as batch runs name sources."""


def _archive(path: Path, samples: dict[str, bytes]) -> list[Case]:
    """A ZIP of hostile members: traversal names, an encrypted member, a member whose header understates
    its size, a 2 GB bomb, an unknown compression method, a symbolic link, ZIPs nested two deep."""
    prefix = forge.document_xml(forge.paragraph(ISV_TEXT[0]) + "<w:p><w:r><w:t>")[: -len("</w:body></w:document>")]
    bomb, crc, size = forge.deflated_run(prefix, b"a", 2047, b"</w:t></w:r></w:p></w:body></w:document>")
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("deeper.zip", forge.raw_zip([forge.member("diep.txt", samples[".txt"])]))
        z.writestr("lot-2/leidraad.txt", samples[".txt"] + b"\nPerceel 2.\n")
    members = [
        ("docs/bestek.docx", forge.member("docs/bestek.docx", samples[".docx"]), expect(OK)),
        ("docs/bestek.odt", forge.member("docs/bestek.odt", samples[".odt"]), expect(OK)),
        ("../../ontsnapt.txt", forge.member("../../ontsnapt.txt", b"owned"), expect(CORRUPT)),
        ("/etc/absoluut.txt", forge.member("/etc/absoluut.txt", b"owned"), expect(CORRUPT)),
        ("C:/schijf.txt", forge.member("C:/schijf.txt", b"owned"), expect(CORRUPT)),
        ("geheim.docx", forge.member("geheim.docx", samples[".docx"], flags=1), expect(ENCRYPTED)),
        (
            "bom-te-klein-opgegeven.docx",
            forge.RawMember("bom-te-klein-opgegeven.docx", bomb, zipfile.ZIP_DEFLATED, crc, len(bomb), 40_000),
            expect(CORRUPT),
        ),
        (
            "bom-2gb.docx",
            forge.RawMember("bom-2gb.docx", bomb, zipfile.ZIP_DEFLATED, crc, len(bomb), size),
            expect(TOO_LARGE),
        ),
        (
            "onbekende-compressie.pdf",
            replace(forge.member("onbekende-compressie.pdf", samples[".pdf"]), method=98),
            expect(CORRUPT),
        ),
        ("genest.zip", forge.member("genest.zip", inner.getvalue()), None),
    ]
    link = forge.member("link.pdf", b"/etc/passwd")
    path.parent.mkdir(parents=True, exist_ok=True)
    data = forge.raw_zip([m for _, m, _ in members] + [link])
    # mark link.pdf a symbolic link (Unix mode 0o120777 in the central directory's external attributes)
    directory_entry = data.rfind(b"PK\x01\x02")
    data = data[: directory_entry + 38] + (0o120777 << 16).to_bytes(4, "little") + data[directory_entry + 42 :]
    path.write_bytes(data)
    source = f"{path}{ARCHIVE_MEMBER}"
    cases = [Case(Path(source + name), expected) for name, _, expected in members if expected is not None]
    cases.append(Case(Path(f"{source}genest.zip{ARCHIVE_MEMBER}deeper.zip"), expect(UNSUPPORTED)))
    cases.append(Case(Path(f"{source}genest.zip{ARCHIVE_MEMBER}lot-2/leidraad.txt"), expect(OK)))
    cases.append(Case(Path(f"{source}link.pdf"), expect(UNSUPPORTED)))  # a row of its own, never followed
    return cases


# --------------------------------------------------------------------------------------------------
# the valid ODT the ODT mutations start from


def valid_odt() -> bytes:
    paragraphs = "".join(f"<text:p>{line}</text:p>" for line in ISV_TEXT[2:])
    return forge.odt_package(
        f'<text:h text:outline-level="1">{ISV_TEXT[0]}</text:h><text:h text:outline-level="2">{ISV_TEXT[1]}</text:h>'
        f"{paragraphs}<text:p>Geraamde waarde: EUR 2.400.000 exclusief btw.</text:p>"
        "<table:table><table:table-row><table:table-cell><text:p>CPV</text:p></table:table-cell>"
        "<table:table-cell><text:p>18110000-3</text:p></table:table-cell></table:table-row></table:table>"
    )


__all__: list[str] = ["Case", "STATUSES", "build_corpus", "default_samples", "expect", "valid_odt"]


# --------------------------------------------------------------------------------------------------
# procurement notices (XML): the attacks on an XML parser, and notices cut off, oversized or not notices

NOTICE = (Path(__file__).resolve().parent.parent / "fixtures" / "notices" / "eforms-cn-dictu-lots.xml").read_bytes()


def _notice_with(prolog: str, body_text: str = "") -> bytes:
    """The fixture notice with a prolog after the XML declaration and text in its title."""
    head, rest = NOTICE.split(b"?>", 1)
    rest = rest.replace(
        b"Werkplekdiensten DICTU 2025-2029", body_text.encode() or b"Werkplekdiensten DICTU 2025-2029", 1
    )
    return head + b"?>" + prolog.encode() + rest


def _notices(samples: dict[str, bytes], canary: Path, url: str) -> Made:
    laughs = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    ]
    yield (
        "notice/billion-laughs.xml",
        _notice_with("<!DOCTYPE ContractNotice [" + "".join(laughs) + "]>", "&lol9;"),
        expect(UNSUPPORTED),
    )
    yield (
        "notice/quadratic-blowup.xml",
        _notice_with(f'<!DOCTYPE ContractNotice [<!ENTITY big "{"x" * 50_000}">]>', "&big;" * 20_000),
        expect(UNSUPPORTED),
    )
    yield (
        "notice/external-entity-file.xml",
        _notice_with(f'<!DOCTYPE ContractNotice [<!ENTITY ext SYSTEM "{canary.as_uri()}">]>', "&ext;"),
        expect(UNSUPPORTED),
    )
    yield (
        "notice/external-entity-http.xml",
        _notice_with(f'<!DOCTYPE ContractNotice [<!ENTITY ext SYSTEM "{url}notice">]>', "&ext;"),
        expect(UNSUPPORTED),
    )
    yield (
        "notice/external-dtd.xml",
        _notice_with(f'<!DOCTYPE ContractNotice SYSTEM "{url}notice.dtd">'),
        expect(UNSUPPORTED),
    )
    yield (
        "notice/parameter-entity.xml",
        _notice_with(f'<!DOCTYPE ContractNotice [<!ENTITY % p SYSTEM "{canary.as_uri()}"> %p;]>'),
        expect(UNSUPPORTED),
    )
    utf16 = _notice_with(f'<!DOCTYPE ContractNotice [<!ENTITY ext SYSTEM "{canary.as_uri()}">]>', "&ext;")
    utf16 = utf16.replace(b'encoding="UTF-8"', b'encoding="UTF-16"', 1).decode().encode("utf-16")
    yield "notice/utf16-external-entity.xml", utf16, expect(UNSUPPORTED)
    xinclude = NOTICE.replace(
        b"<cbc:UBLVersionID>",
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{canary.as_uri()}" parse="text"/><cbc:UBLVersionID>'.encode(),
        1,
    )
    yield "notice/xinclude.xml", xinclude, expect(OK)
    for cut in (40, len(NOTICE) // 3, len(NOTICE) - 30):
        yield f"notice/truncated-at-{cut}.xml", NOTICE[:cut], expect(CORRUPT)
    yield "notice/not-a-notice.xml", b'<?xml version="1.0"?><invoice><total>12</total></invoice>', expect(UNSUPPORTED)
    yield "notice/html-named-xml.xml", b"<!doctype html><html><body>ISV</body></html>", expect(UNSUPPORTED)
    yield (
        "notice/empty-root.xml",
        b'<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2"/>',
        expect(OK, EMPTY),
    )
    deep = b"<ContractNotice>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</ContractNotice>"
    yield "notice/nested-100000-deep.xml", deep, expect(CORRUPT)
    yield "notice/over-the-size-limit.xml", _notice_with("", "x" * (17 * 1024 * 1024)), expect(TOO_LARGE)
    lot = NOTICE[NOTICE.index(b"<cac:ProcurementProjectLot>") : NOTICE.index(b"</cac:ProcurementProjectLot>") + 28]
    many = NOTICE.replace(lot, lot * 3000, 1)
    yield "notice/3000-lots.xml", many, expect(OK)
    yield "notice/ted-bit-flipped.xml", flip_bits(NOTICE, 64, random.Random(7)), expect(OK, CORRUPT, UNSUPPORTED, EMPTY)
