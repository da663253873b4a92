"""The report: what isv-checker tells about one document, the one record every output is made from.

It is a public contract (JSON Schema in `schema/report.schema.json`, generated from these models by
`isv_checker.schema`). Fields are only ever added; a breaking change bumps `SCHEMA_ID`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from . import __version__
from .document import Block, DocFormat, Document, ReadStatus

SCHEMA_ID = "isv-checker/report/1"


class Checker(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Literal["isv-checker"] = "isv-checker"
    version: str = __version__


class DocumentFacts(BaseModel):
    """What reading found, for people who want to know what the checker saw."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: DocFormat
    size: int | None
    block_count: int
    block_kinds: dict[str, int]
    characters: int
    ocr_pages: tuple[int, ...]
    warnings: tuple[str, ...]
    properties: dict[str, str]


class Report(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_id: Literal["isv-checker/report/1"] = Field(default=SCHEMA_ID, alias="schema")
    checker: Checker = Field(default_factory=Checker)
    file: str
    sha256: str | None
    status: ReadStatus
    status_message: str
    language: Literal["nl", "en"] | None
    pages: int | None
    document: DocumentFacts
    blocks: tuple[Block, ...] | None = Field(
        default=None, description="the document's text blocks, only when asked for (they make reports large)"
    )

    @property
    def readable(self) -> bool:
        return self.status.readable


def build_report(document: Document, *, include_blocks: bool = False) -> Report:
    return Report(
        file=document.path,
        sha256=document.sha256,
        status=document.status,
        status_message=document.message,
        language=document.language,
        pages=document.pages,
        document=DocumentFacts(
            format=document.format,
            size=document.size,
            block_count=len(document.blocks),
            block_kinds=document.kind_counts(),
            characters=document.char_count,
            ocr_pages=document.ocr_pages,
            warnings=document.warnings,
            properties=document.properties,
        ),
        blocks=document.blocks if include_blocks else None,
    )
