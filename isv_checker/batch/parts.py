"""What judging a tender needs of one checked file, kept in the results database (`--tenders`).

A tender is judged from its files' documents and what each file's own judgement was made from (the
facts, the clause outcome, the rule hits: `checks.engine.Assessment`), not from their reports: a note
of information is read against the blocks of the files it amends. A worker that checks a file of a
tender sends these back with the report, and the run stores them beside the file's row, keyed by
content like the row's resume decision (sha256, ruleset version, metadata digest, the format the
name implies). So a tender is judged in the batch process without reading any file again: after a
crash, when one of its files changed, or when the same annex turns up in another tender.

Stored as zlib-compressed JSON through pydantic's validation of the typed records, never as pickle:
a results database is handed around, and loading one must not run code from it.
"""

from __future__ import annotations

import zlib
from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, TypeAdapter

from ..checks.engine import Assessment
from ..document import Document

if TYPE_CHECKING:
    from ..pipeline import CheckedFile


class _Stored(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=False)

    document: Document
    assessment: Assessment


@lru_cache(maxsize=1)
def _adapter() -> TypeAdapter[_Stored]:
    return TypeAdapter(_Stored)


def encode_part(checked: CheckedFile) -> bytes | None:
    """The bytes to store for a checked file; None for one that could not be read (its report says all)."""
    if checked.assessment is None:
        return None
    stored = _Stored(document=checked.document, assessment=checked.assessment)
    return zlib.compress(_adapter().dump_json(stored), 6)


def decode_part(data: bytes) -> tuple[Document, Assessment]:
    stored = _adapter().validate_json(zlib.decompress(data))
    return stored.document, stored.assessment
