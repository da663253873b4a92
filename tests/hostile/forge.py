"""Writers that forge hostile files byte by byte, where the libraries the project uses would refuse to
write them: ZIP entries whose headers lie, PDFs with circular references or RC4 encryption, OLE2
containers as Word writes for a password-protected document, DOCX and ODT packages from raw XML.

Everything here is deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

# --------------------------------------------------------------------------------------------------
# ZIP


@dataclass(frozen=True, slots=True)
class RawMember:
    """One ZIP entry exactly as written: `data` is already compressed with `method`; the sizes, CRC and
    flags are what the headers claim, true or not."""

    name: str
    data: bytes
    method: int
    crc: int
    compressed_size: int
    file_size: int
    flags: int = 0


def member(name: str, content: bytes, *, method: int = zipfile.ZIP_DEFLATED, **lies: int) -> RawMember:
    """A member holding `content`, honestly described unless `lies` overrides a header field."""
    data = deflate(content) if method == zipfile.ZIP_DEFLATED else content
    fields = dict(crc=zlib.crc32(content), compressed_size=len(data), file_size=len(content))
    fields.update(lies)
    return RawMember(name, data, method, **fields)


def deflate(content: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(content) + compressor.flush()


def raw_zip(members: Sequence[RawMember], *, shared_offset: bool = False) -> bytes:
    """A ZIP archive of `members`. With `shared_offset`, every central-directory entry points at the
    first local header (the overlapping-entries zip bomb)."""
    out = io.BytesIO()
    offsets: list[int] = []
    for m in members:
        offsets.append(out.tell())
        name = m.name.encode("utf-8")
        out.write(
            struct.pack(
                "<4s5H3L2H",
                b"PK\x03\x04",
                20,
                m.flags | 0x800,
                m.method,
                0,
                0x21,
                m.crc,
                m.compressed_size,
                m.file_size,
                len(name),
                0,
            )
        )
        out.write(name)
        out.write(m.data)
        if shared_offset:
            break
    directory = out.tell()
    for i, m in enumerate(members):
        name = m.name.encode("utf-8")
        offset = offsets[0] if shared_offset else offsets[i]
        out.write(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                m.flags | 0x800,
                m.method,
                0,
                0x21,
                m.crc,
                m.compressed_size,
                m.file_size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        out.write(name)
    size = out.tell() - directory
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), size, directory, 0))
    return out.getvalue()


def deflated_run(prefix: bytes, byte: bytes, count_mib: int, suffix: bytes) -> tuple[bytes, int, int]:
    """(raw deflate stream, crc32, size) of prefix + byte * count_mib MiB + suffix, made in
    milliseconds: after a full flush the compressor starts afresh, so every MiB compresses to the
    same bytes and the stream is that piece repeated."""
    chunk = byte * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    piece = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert piece == again
    tail = compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(count_mib):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    return head + piece * count_mib + tail, crc, len(prefix) + count_mib * len(chunk) + len(suffix)


def rezip(
    data: bytes,
    *,
    drop: Sequence[str] = (),
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
    method: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A copy of a ZIP package with members dropped, replaced or added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", method) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            content = replace.get(info.filename, src.read(info))
            if info.filename == "mimetype":
                dst.writestr(info.filename, content, zipfile.ZIP_STORED)
            else:
                dst.writestr(info.filename, content)
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


# --------------------------------------------------------------------------------------------------
# DOCX and ODT from raw XML

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="{main}"/></Relationships>'
)


def document_xml(body: str, *, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    ).encode()


def paragraph(text: str, *, props: str = "") -> str:
    return f'<w:p>{props}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def docx_package(
    document: bytes,
    *,
    parts: dict[str, bytes] | None = None,
    rels: str = "",
    main: str = "word/document.xml",
    content_types: str = CONTENT_TYPES,
) -> bytes:
    """A DOCX package: the main part, its relationships (`rels`: Relationship elements) and extra parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", _PACKAGE_RELS.format(main="/" + main))
        z.writestr(main, document)
        folder, base = main.rsplit("/", 1)
        z.writestr(
            f"{folder}/_rels/{base}.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        for name, content in (parts or {}).items():
            z.writestr(name, content)
    return out.getvalue()


ODF_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}
ODT_MIME = b"application/vnd.oasis.opendocument.text"


def odt_package(
    body: str,
    *,
    prolog: str = "",
    automatic_styles: str = "",
    mimetype: bytes = ODT_MIME,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    declarations = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in ODF_NS.items())
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content {declarations} office:version="1.3">'
        f"<office:automatic-styles>{automatic_styles}</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", mimetype, zipfile.ZIP_STORED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        for name, data in (extra or {}).items():
            z.writestr(name, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --------------------------------------------------------------------------------------------------
# PDF

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


@dataclass(frozen=True, slots=True)
class Rc4Security:
    """The PDF standard security handler, revision 2 (40-bit RC4): the oldest scheme every reader knows."""

    user_password: bytes
    owner_password: bytes
    file_id: bytes = b"isv-checker-hostile"
    permissions: int = -4

    def _padded(self, password: bytes) -> bytes:
        return (password + _PAD)[:32]

    @property
    def owner_entry(self) -> bytes:
        key = hashlib.md5(self._padded(self.owner_password or self.user_password)).digest()[:5]
        return rc4(key, self._padded(self.user_password))

    @property
    def file_key(self) -> bytes:
        digest = hashlib.md5(
            self._padded(self.user_password) + self.owner_entry + struct.pack("<i", self.permissions) + self.file_id
        )
        return digest.digest()[:5]

    @property
    def user_entry(self) -> bytes:
        return rc4(self.file_key, _PAD)

    def encrypt(self, number: int, data: bytes) -> bytes:
        key = hashlib.md5(self.file_key + struct.pack("<i", number)[:3] + b"\x00\x00").digest()[:10]
        return rc4(key, data)

    def dictionary(self) -> bytes:
        return b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P %d /O <%s> /U <%s> >>" % (
            self.permissions,
            self.owner_entry.hex().encode(),
            self.user_entry.hex().encode(),
        )


def pdf_file(
    objects: dict[int, bytes],
    *,
    root: int = 1,
    security: Rc4Security | None = None,
    xref: bool = True,
    info: int | None = None,
) -> bytes:
    """A PDF of numbered objects (their bodies, `stream` data included verbatim). With `security`,
    strings written as `(...)` are left alone and streams are encrypted; pass bodies accordingly."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    numbers = sorted(objects)
    if security is not None:
        numbers.append(max(numbers) + 1)
        objects = {**objects, numbers[-1]: security.dictionary()}
    for number in numbers:
        offsets[number] = out.tell()
        body = objects[number]
        if security is not None and b"stream\n" in body and number != numbers[-1]:
            head, _, rest = body.partition(b"stream\n")
            data, _, _ = rest.rpartition(b"\nendstream")
            body = head + b"stream\n" + security.encrypt(number, data) + b"\nendstream"
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    start = out.tell()
    size = max(numbers) + 1
    if xref:
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        for number in range(1, size):
            if number in offsets:
                out.write(b"%010d 00000 n \n" % offsets[number])
            else:
                out.write(b"0000000000 65535 f \n")
    trailer = b"/Size %d /Root %d 0 R" % (size, root)
    if info is not None:
        trailer += b" /Info %d 0 R" % info
    if security is not None:
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (
            numbers[-1],
            security.file_id.hex().encode(),
            security.file_id.hex().encode(),
        )
    out.write(b"trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n" % (trailer, start if xref else 0))
    return out.getvalue()


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def text_content(lines: Sequence[str], *, size: int = 11) -> bytes:
    """A page's content stream that prints `lines` (ASCII) in Helvetica from the top of an A4 page."""
    parts = [b"BT /F1 %d Tf 14 TL 56 790 Td" % size]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")
        parts.append(b"(%s) Tj T*" % escaped)
    parts.append(b"ET")
    return b"\n".join(parts)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def text_pdf(pages: Sequence[Sequence[str]], *, security: Rc4Security | None = None) -> bytes:
    """A plain PDF whose pages print the given lines: catalog 1, pages 2, font 3, then page/content pairs."""
    objects: dict[int, bytes] = {3: FONT}
    kids = []
    for i, lines in enumerate(pages):
        page, content = 4 + 2 * i, 5 + 2 * i
        kids.append(b"%d 0 R" % page)
        objects[page] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content
        )
        objects[content] = stream(text_content(lines))
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    return pdf_file(objects, security=security)


def inflating_pdf(mib: int) -> bytes:
    """A one-page PDF whose content stream inflates to `mib` MiB (text, then spaces) from about mib KiB."""
    raw, _, _ = deflated_run(b"BT /F1 12 Tf 56 790 Td (ISV) Tj ET\n", b" ", mib, b"")
    flate = b"\x78\xda" + raw + b"\x00\x00\x00\x00"  # zlib framing; pdfium does not check the checksum
    return pdf_file(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            3: FONT,
            4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
            5: b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(flate), flate),
        }
    )


def blank_pages_pdf(count: int, *, claimed: int | None = None) -> bytes:
    """`count` blank A4 pages (one object each), the tree claiming `claimed` pages if given."""
    objects: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count if claimed is None else claimed)
    for i in range(count):
        objects[3 + i] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    return pdf_file(objects)


# --------------------------------------------------------------------------------------------------
# OLE2 (Compound File Binary), as Word writes a password-protected document

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def ole2_container(streams: Sequence[tuple[str, bytes]]) -> bytes:
    """A version-3 compound file holding `streams` in the root storage. Every stream must reach the
    4096-byte mini-stream cutoff, so none needs the mini stream; a real reader (olefile) opens the result."""
    sector = 512
    assert all(len(data) >= 4096 for _, data in streams), "streams under 4096 bytes belong in the mini stream"
    padded = list(streams)
    chains: list[tuple[int, int]] = []  # (first sector, sector count) per stream
    next_sector = 2  # 0: FAT, 1: directory
    for _, data in padded:
        count = -(-len(data) // sector)
        chains.append((next_sector, count))
        next_sector += count
    assert next_sector <= 128, "one FAT sector holds 128 entries"
    fat = [_FAT, _END]
    for first, count in chains:
        fat.extend(first + k + 1 for k in range(count - 1))
        fat.append(_END)
    fat.extend([_FREE] * (128 - len(fat)))

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return struct.pack(
            "<64sHBB3L16sL8s8sLLL",
            encoded,
            len(encoded),
            kind,
            1,
            left,
            right,
            child,
            b"\x00" * 16,
            0,
            b"\x00" * 8,
            b"\x00" * 8,
            start,
            size,
            0,
        )

    # Siblings form a tree ordered by (name length, upper-case name); here a right-leaning chain.
    order = sorted(range(len(padded)), key=lambda k: (len(padded[k][0]), padded[k][0].upper()))
    entries = [entry("Root Entry", 5, _FREE, _FREE, order[0] + 1, _END, 0)]
    for k in range(len(padded)):
        position = order.index(k)
        right = order[position + 1] + 1 if position + 1 < len(order) else _FREE
        entries.append(entry(padded[k][0], 2, _FREE, right, _FREE, chains[k][0], len(streams[k][1])))
    while len(entries) % 4:
        entries.append(entry("", 0, _FREE, _FREE, _FREE, 0, 0))
    assert len(entries) == 4, "one directory sector holds four entries"
    header = struct.pack(
        "<8s16sHHHHH6sLLLLLLLLL",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x00" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,
        1,
        1,
        0,
        4096,
        _END,
        0,
        _END,
        0,
    )
    header += struct.pack("<109L", 0, *([_FREE] * 108))
    body = struct.pack("<128L", *fat) + b"".join(entries)
    for _, data in padded:
        body += data + b"\x00" * (-len(data) % sector)
    return header + body


def encrypted_word_document(seed: bytes) -> bytes:
    """What Word saves for a .docx with a password to open: an OLE2 container whose EncryptionInfo
    stream describes agile encryption and whose EncryptedPackage stream holds the ciphertext."""
    salt, key, blob = (
        base64.b64encode(hashlib.sha512(seed + bytes([n])).digest()[:size]).decode()
        for n, size in ((1, 16), (2, 32), (3, 64))
    )
    descriptor = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" '
        'xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        '<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
        'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/>'
        f'<dataIntegrity encryptedHmacKey="{blob}" encryptedHmacValue="{blob}"/><keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        '<p:encryptedKey spinCount="100000" saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
        'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" '
        f'saltValue="{salt}" encryptedVerifierHashInput="{salt}" encryptedVerifierHashValue="{blob}" '
        f'encryptedKeyValue="{key}"/>'
        "</keyEncryptor></keyEncryptors></encryption>"
    ).encode()
    info = struct.pack("<HHL", 4, 4, 0x40) + descriptor
    info += b" " * (4096 - len(info))  # whitespace after the XML: long enough to stay out of the mini stream
    ciphertext = b"".join(hashlib.sha256(seed + i.to_bytes(4, "little")).digest() for i in range(256))
    package = struct.pack("<Q", 20_000) + ciphertext
    return ole2_container([("EncryptionInfo", info), ("EncryptedPackage", package)])
