"""The matchers' tokenizer is spaCy's: the same tokens, at the same offsets, on every sample text and
on the corners of spaCy's algorithm (affixes, infixes, URLs, whitespace runs, case that changes length),
also when its expressions come back from the matcher cache."""

from __future__ import annotations

import pytest

from isv_checker.checks import matcher_cache
from isv_checker.checks.tokenizer import Tokenizer, TokenRules, blank_without_exceptions

from .conftest import SAMPLES

CORNERS = [
    "",
    " ",
    "  leading spaces",
    " one leading space",
    "trailing space ",
    "a  b   c\n\n\td\u00a0e\u2003f",
    "ISV-clausule (art. 5.2), zie https://www.example.com/a?b=c en e-mail: inkoop@minbuza.nl.",
    "'s-Gravenhage, risico's, risico-inventarisatie; MVI-criteria/ISV; 1.000.000,- euro; €143.000; 3km",
    'Zie "Bijlage 5" (ISV)!? -- ... :) 😀 «citaat» [1] {x} ½ 10% §3 #4 @5 +31 (0)70',
    "ΑΣ Σ İstanbul STRASSE straße ﬁnance",
    "U.S.A. Ph.D. e.g. i.e. don't can't it's rock'n'roll",
    "OECD-richtlijnen,UN Guiding Principles;ILO-verdragen:C29,C87,C98",
]


def _sample_texts() -> list[str]:
    return [path.read_text(encoding="utf-8", errors="replace") for path in sorted(SAMPLES.glob("*.txt"))]


def _spacy_tokens(nlp: object, text: str) -> list[tuple[int, int, str]]:
    return [(t.idx, t.idx + len(t.text), t.text.lower()) for t in nlp.tokenizer(text)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_tokens_are_spacys_on_every_sample_and_corner(language):
    nlp = blank_without_exceptions(language)
    tokenizer = Tokenizer(TokenRules.from_spacy(language))
    texts = _sample_texts() + CORNERS
    assert len(texts) > 50
    for text in texts:
        starts, ends, lowers = tokenizer.tokens(text)
        assert list(zip(starts, ends, lowers, strict=True)) == _spacy_tokens(nlp, text), text[:80]


def test_expressions_from_the_cache_split_as_spacys():
    rules = TokenRules.from_spacy("nl")
    thawed = [
        matcher_cache.thaw_pattern(matcher_cache.freeze_pattern(p)) for p in (rules.prefix, rules.suffix, rules.infix)
    ]
    assert all(p.pattern == q.pattern for p, q in zip(thawed, (rules.prefix, rules.suffix, rules.infix), strict=True))
    from_cache = Tokenizer(TokenRules(*thawed, url=rules.url, token_match=None))
    nlp = blank_without_exceptions("nl")
    for text in _sample_texts()[:20] + CORNERS:
        starts, ends, lowers = from_cache.tokens(text)
        assert list(zip(starts, ends, lowers, strict=True)) == _spacy_tokens(nlp, text)


def test_an_expression_without_its_code_is_compiled_from_its_source():
    rules = TokenRules.from_spacy("en")
    source, flags, _ = matcher_cache.freeze_pattern(rules.url)  # type: ignore[arg-type]
    pattern = matcher_cache.thaw_pattern((source, flags, None))
    assert pattern.match("https://example.com/x") and not pattern.match("gewoon")
    broken = matcher_cache.thaw_pattern((source, flags, (flags, [1, 2, 3], 0, {}, ())))
    assert broken.match("https://example.com/x")


BLOCK_CORNERS = [
    "x",
    "één woord",
    "ISV-clausule (art. 5.2) geldt.",
    "a\u00a0b",  # no-break space: whitespace, but not a space
    "tab\tin",
    "soft\u00adhyphen and \u200bzero width",
    "line\u2028separator",
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_lines_with_single_spaces_split_as_spacys(language):
    """A block of words with one space between is split without the runs expression (`str.split`);
    every line of every sample text, as a block of its own, gives spaCy's tokens."""
    nlp = blank_without_exceptions(language)
    tokenizer = Tokenizer(TokenRules.from_spacy(language))
    lines = [line for text in _sample_texts() for line in text.splitlines()] + BLOCK_CORNERS
    assert sum(1 for line in lines if line and line.isprintable() and "  " not in line) > 1000
    for line in lines:
        starts, ends, lowers = tokenizer.tokens(line)
        assert list(zip(starts, ends, lowers, strict=True)) == _spacy_tokens(nlp, line), line[:80]
