"""What a format reader hands back, and how it says a file cannot be read.

Readers raise `ReadFailure` for the bad files they recognise (encrypted, corrupt, too large); the
dispatcher in `isv_checker.readers` turns that, and anything unexpected, into a `Document` with a
status, so no exception leaves the reading stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..document import Block, MessageParam, ReadMessage, ReadStatus
from ..i18n.reading import english
from ..notice import Notice


class ReadFailure(Exception):
    """A file a reader cannot read: its status and why, as the catalogue's `read.<code>` with its
    parameters (`said`); `message` is the English text."""

    def __init__(self, status: ReadStatus, code: str, /, **params: MessageParam) -> None:
        self.said = ReadMessage(code=code, params=params)
        self.status = status
        self.message = english(self.said)
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class Extraction:
    blocks: tuple[Block, ...]
    pages: int | None = None
    ocr_pages: tuple[int, ...] = ()
    needs_ocr_pages: tuple[int, ...] = ()
    warnings: tuple[ReadMessage, ...] = ()
    properties: dict[str, str] = field(default_factory=dict)
    message: ReadMessage | None = None
    notice: Notice | None = None
    language: Literal["nl", "en"] | None = None  # when the file states its language (a notice does)
