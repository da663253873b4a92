"""Plain text files: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252."""

from __future__ import annotations

from ..document import ReadStatus
from ..settings import ReadOptions
from .builder import BlockBuilder
from .extraction import Extraction, ReadFailure
from .layout import Line, segment_lines


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Tries the encodings tender archives actually contain."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def read_text(data: bytes, options: ReadOptions) -> Extraction:
    try:
        text, encoding = decode_text(data)
    except UnicodeDecodeError as exc:
        raise ReadFailure(ReadStatus.CORRUPT, f"the text could not be decoded ({exc.reason})") from None
    if "\x00" in text:
        raise ReadFailure(ReadStatus.UNSUPPORTED, "the file holds binary data, not text")
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [Line(text=t.replace("\f", " "), number=n) for n, t in enumerate(raw_lines, start=1)]
    builder = BlockBuilder()
    for segment in segment_lines(lines):
        if len(builder) >= options.max_blocks:
            raise ReadFailure(ReadStatus.TOO_LARGE, f"more than {options.max_blocks} text blocks")
        builder.add(segment.kind, segment.text, level=segment.level, label=segment.label, line=segment.line)
    warnings = () if encoding.startswith("utf") else (f"decoded as {encoding}",)
    return Extraction(blocks=builder.blocks, warnings=warnings, properties={"encoding": encoding})


