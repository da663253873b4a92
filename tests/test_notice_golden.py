"""Every sample notice reads as its golden file says: each block (kind, level, heading path, line, element
path, text), the notice's facts with the block of each, the language and the status. The readers are
tuned for speed (how they look up elements, make blocks and records); this holds what they read to what
they read before, to the last block, whatever the tuning. Regenerate after an intended change of reading
with `ISV_UPDATE_GOLDEN=1 python -m pytest tests/test_notice_golden.py` and read the diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isv_checker.readers import read_path

from .golden import assert_golden

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "notices"
NOTICES = sorted(p.name for p in SAMPLES.glob("*.xml"))


def _as_read(path: Path) -> str:
    """The document's reading as text: one line per block, then the notice as indented JSON."""
    document = read_path(path)
    lines = [f"status: {document.status.value}, format: {document.format.value}, language: {document.language}"]
    for block in document.blocks:
        assert block.index == len(lines) - 1
        fields = block.model_dump(mode="json", exclude={"index", "text"}, exclude_defaults=True)
        lines.append(f"{block.index} {json.dumps(fields, ensure_ascii=False)} {block.text}")
    notice = document.notice.model_dump(mode="json") if document.notice is not None else None
    lines.append(json.dumps(notice, ensure_ascii=False, indent=1))
    return "\n".join(lines) + "\n"


def test_every_sample_notice_is_here():
    assert len(NOTICES) >= 27
    assert {name[:3] for name in NOTICES} == {"ef-", "ted"}


@pytest.mark.parametrize("name", NOTICES)
def test_a_sample_notice_reads_as_its_golden_file(name: str):
    assert_golden(f"notices/{name.removesuffix('.xml')}.txt", _as_read(SAMPLES / name))
