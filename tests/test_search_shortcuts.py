"""The rules stage's shortcuts past slow regular expressions find what the expressions found: the
subject words looked for as substrings first (`whole_words.py`), and a block's part nouns ("agentschap
van") by their literal words first (`authorities._names_part`)."""

from __future__ import annotations

from functools import lru_cache

import pytest

from isv_checker.checks.authorities import _PART_WORDS, _names_part
from isv_checker.checks.whole_words import WholeWords
from isv_checker.readers import read_path
from isv_checker.ruleset.load import cached_ruleset

from .conftest import SAMPLES


@lru_cache(maxsize=1)
def _sample_texts() -> tuple[str, ...]:
    texts = [b.text for p in sorted(SAMPLES.glob("*.txt")) for b in read_path(p).blocks]
    texts += [" ".join(b.heading_path) for p in sorted(SAMPLES.glob("*.docx"))[:40] for b in read_path(p).blocks]
    return tuple(texts)


@pytest.mark.parametrize("field", ["subject_statements", "subject_sections", "outside_subjects"])
def test_whole_words_find_what_the_pattern_finds_in_every_sample_block(field):
    words = WholeWords(getattr(cached_ruleset(), field))
    found = 0
    for text in map(str.lower, _sample_texts()):
        expected = words.pattern.search(text)
        got = words.search(text)
        assert (got and (got.span(), got.group())) == (expected and (expected.span(), expected.group()))
        found += expected is not None
    assert found > 0


def test_whole_words_are_whole_and_an_empty_list_finds_nothing():
    words = WholeWords(("opdracht", "de levering"))
    assert words.search("de opdrachtnemer levert") is None  # a substring, not a whole word
    assert words.search("de opdrachtnemer; de opdracht omvat").span() == (21, 29)
    assert WholeWords(()).search("de opdracht") is None


def test_part_nouns_are_found_as_the_pattern_finds_them_in_every_sample_block():
    texts = _sample_texts()
    assert [_names_part(t) for t in texts] == [_PART_WORDS.search(t) is not None for t in texts]
    assert sum(map(_names_part, texts)) > 0


@pytest.mark.parametrize(
    "text",
    [
        "Het KNMI, agentschap van het Ministerie van IenW",
        "KNMI, AGENTSCHAP VAN HET MINISTERIE",
        "Logius, Ministerie van BZK",
        "an executive agency of the Ministry",
        "Het KNMI, agentſchap van BZK",  # a long s, which IGNORECASE takes for an s
        "Rijkswaterstaat, dıvısıon of BZK",  # a dotless i, which IGNORECASE takes for an i
        "het departement van de gemeente",
        "",
    ],
)
def test_part_nouns_in_any_case_and_letters_ignorecase_folds(text):
    assert _names_part(text) == (_PART_WORDS.search(text) is not None)
