"""The part a file plays in a tender: told from its name, else from its title (rules/tender.yaml)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePosixPath

from ..document import BlockKind, Document
from ..ruleset.models import TenderRole, TenderRules

_SEPARATORS = re.compile(r"[-_.\s]+")
_NUMBER = re.compile(r"\d+")
TITLE_BLOCKS = 3  # the title is in the first headings; further down a heading names a section


def role_of(name: str, document: Document | None, rules: TenderRules) -> TenderRole:
    """A procurement notice read as data plays the role for notices; any other file the first role
    whose words occur in its name (its folders included: "Bijlagen/..."), else in the document's opening
    headings, else the last role (other)."""
    if document is not None and document.notice is not None:
        for role in rules.roles:
            if role.xml_notices:
                return role
    path = PurePosixPath(name.replace("\\", "/"))
    stem = _plain(" ".join((*path.parts[:-1], path.stem)))
    for text in (stem, _title(document)):
        if not text:
            continue
        for role in rules.roles:
            if role.words and _pattern(role.words).search(text):
                return role
    return rules.roles[-1]


def number_in_name(name: str) -> int | None:
    """The number in a file's own name ("NvI-2.pdf", "Nota van Inlichtingen 3"): the order of notes that
    state no date. The last number counts ("2024 NvI 2" is note 2)."""
    numbers = _NUMBER.findall(PurePosixPath(name.replace("\\", "/")).stem)
    return int(numbers[-1]) if numbers else None


def _plain(text: str) -> str:
    return " " + _SEPARATORS.sub(" ", text.lower()).strip() + " "


def _title(document: Document | None) -> str:
    if document is None or not document.readable:
        return ""
    title = document.properties.get("title", "")
    headings = [b.text for b in document.blocks if b.kind is BlockKind.HEADING][:TITLE_BLOCKS]
    return _plain(" ".join((title, *headings)))


@lru_cache(maxsize=64)
def any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a list of phrases of rules/tender.yaml (`deletes`, `corrects`): whole words, any case."""
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=64)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted((re.escape(_plain(w).strip()) for w in words), key=len, reverse=True)
    return re.compile(rf"(?<![\w&]){'|'.join(alternatives)}(?![\w&])")
