"""Judges the selected notices of a chunk together, each to the row of the report `check_document` gives it.

A notice is judged from its facts as data; only its words (titles, descriptions) go through the
tokenizer, a few hundred characters each. Tokenising them one notice at a time cost more than all
the rest of judging (a spaCy Doc and its spans sorted per notice), so a chunk's words are matched in
one pass per language (`RuleMatcher.run_each`) and each notice is then judged with its own hits, the
spans `checks.engine.assess` would have found (a notice's judgement reads a hit's span, not its focus).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..checks.engine import assess_notice, names_matcher, notice_matcher
from ..checks.hits import HitIndex
from ..checks.matching import Hit
from ..checks.notice import notice_text_blocks
from ..document import Block, Document
from ..pipeline import check_document
from ..ruleset.load import Ruleset, cached_ruleset
from .procedures import NoticeRow, judged_row, row_of


def judge_notices(documents: Sequence[Document], ruleset: Ruleset) -> list[NoticeRow]:
    """The row of each readable notice, the row of the report `check_document(document)` gives it."""
    hits = _hits(documents, ruleset)
    rows = []
    for document, found in zip(documents, hits, strict=True):
        notice = document.notice
        if notice is None or not document.readable or found is None:
            rows.append(row_of(check_document(document, ruleset=ruleset)))
            continue
        language = document.language or "nl"
        try:
            judgement = assess_notice(document, notice, ruleset, HitIndex.of(found), language).judgement
        except Exception:  # noqa: BLE001 - judged again alone: its report says what failed, as check_document's does
            rows.append(row_of(check_document(document, ruleset=ruleset)))
            continue
        rows.append(judged_row(document, judgement))
    return rows


def warm_up() -> None:
    """Load the ruleset and build the matchers of a notice's words in both languages and of its buyers'
    names (in Dutch, as `facts.recognise_authority` reads them): what every worker needs first."""
    ruleset = cached_ruleset()
    for language in ("nl", "en"):
        notice_matcher(ruleset).run([], language)  # `run` compiles the language's tables (`run_each([])` did not)
    names_matcher(ruleset).run([], "nl")


def _hits(documents: Sequence[Document], ruleset: Ruleset) -> list[list[Hit] | None]:
    """Each notice's hits (None where they could not be found together: it is then judged alone)."""
    words: dict[str, list[tuple[int, list[Block]]]] = defaultdict(list)
    out: list[list[Hit] | None] = [None] * len(documents)
    for k, document in enumerate(documents):
        if document.notice is None or not document.readable:
            continue
        try:
            blocks = [document.blocks[i] for i in notice_text_blocks(document.notice)]
        except Exception:  # noqa: BLE001 - left to check_document, which reports the failure
            continue
        if blocks:
            words[document.language or "nl"].append((k, blocks))
        else:
            out[k] = []
    matcher = notice_matcher(ruleset)
    for language, parts in words.items():
        try:
            found = matcher.run_each([blocks for _, blocks in parts], language)
        except Exception:  # noqa: BLE001 - as above
            continue
        for (k, _), hits in zip(parts, found, strict=True):
            out[k] = hits
    return out
