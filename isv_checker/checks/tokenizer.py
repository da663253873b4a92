"""spaCy's rule-based tokenizer, as the matchers use it, in plain Python over spaCy's own expressions.

The rules stage matches on the tokens of spaCy's blank Dutch or English pipeline without tokenizer
exceptions (`matching.py`). Importing spaCy to get them costs about 0.45 s of every process (it pulls
in thinc, spacy.cli, requests and weasel), more than a small document's whole check, and only its
tokenizer was ever used. The tokenizer is an algorithm over four regular expressions (prefixes,
suffixes, infixes, URLs); `TokenRules.from_spacy` takes those from spaCy once, the matcher cache keeps
them (`matcher_cache.py`), and `Tokenizer` runs the same algorithm as spaCy's `tokenizer.pyx`
(`_tokenize_affixes`, `_split_affixes`, `_attach_tokens`), so the tokens are spaCy's: the tests hold
them equal on every sample document. The exceptions are not there, so neither are special cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Runs of whitespace and of anything else; `\s` in a str pattern is exactly `str.isspace`, which is
# what spaCy splits on.
_RUNS = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class TokenRules:
    """The expressions a spaCy tokenizer without exceptions is made of (`token_match` is None for
    Dutch and English, and kept in case a language has one)."""

    prefix: re.Pattern[str]
    suffix: re.Pattern[str]
    infix: re.Pattern[str]
    url: re.Pattern[str] | None
    token_match: re.Pattern[str] | None

    @classmethod
    def from_spacy(cls, language: str) -> TokenRules:
        """The expressions of spaCy's blank `language` pipeline (imports spaCy: only when the
        matcher cache has none for this language and spaCy version)."""
        tokenizer = blank_without_exceptions(language).tokenizer
        if tokenizer.rules:
            raise ValueError(f"spaCy's {language} tokenizer has special cases; they are not carried over")

        def pattern(method: Callable[..., Any] | None, name: str) -> re.Pattern[str] | None:
            if method is None:
                return None
            owner = getattr(method, "__self__", None)
            if not isinstance(owner, re.Pattern) or method.__name__ != name:
                raise ValueError(f"spaCy's {language} tokenizer uses {method!r}, not a regular expression's {name}")
            return owner

        prefix = pattern(tokenizer.prefix_search, "search")
        suffix = pattern(tokenizer.suffix_search, "search")
        infix = pattern(tokenizer.infix_finditer, "finditer")
        if prefix is None or suffix is None or infix is None:
            raise ValueError(f"spaCy's {language} tokenizer lacks prefix, suffix or infix rules")
        return cls(
            prefix=prefix,
            suffix=suffix,
            infix=infix,
            url=pattern(tokenizer.url_match, "match"),
            token_match=pattern(tokenizer.token_match, "match"),
        )


def blank_without_exceptions(language: str) -> Any:
    """spaCy's blank pipeline for `language` with no tokenizer exceptions ("art.", "bijv.", ":)").

    Terms and documents are split by the same prefix/suffix/infix rules either way, so matches are
    the same; without exceptions a word is split the same wherever it stands, and loading the
    exceptions was most of building a pipeline (measured: 0.32 s -> 0.06 s for Dutch)."""
    from spacy.util import get_lang_class

    base = get_lang_class(language)
    defaults = type("Defaults", (base.Defaults,), {"tokenizer_exceptions": {}})
    return type(f"{base.__name__}WithoutExceptions", (base,), {"Defaults": defaults})()


class Tokenizer:
    """Splits texts into spaCy's tokens with their lower-case text."""

    _CACHE_LIMIT = 500_000

    def __init__(self, rules: TokenRules) -> None:
        self.rules = rules
        self._prefix = rules.prefix.search
        self._suffix = rules.suffix.search
        self._infix = rules.infix.finditer
        self._url = rules.url.match if rules.url is not None else None
        self._token_match = rules.token_match.match if rules.token_match is not None else None
        # run -> its tokens as (offset in the run, length, lower-case text)
        self._runs: dict[str, tuple[tuple[int, int, str], ...]] = {}

    def runs(self, text: str) -> tuple[list[str], list[tuple[tuple[int, int, str], ...]], int]:
        """`text` as its runs of whitespace and of other characters, each run's tokens as (offset in
        the run, length, lower-case text), and the characters between two runs. A single space after
        a word belongs to the word, other whitespace is a token, as spaCy's tokenizer has it.

        Tokens never cross a run, and a run is split the same wherever it stands, so each distinct
        run is split once per process and kept: a text is then found, mapped and counted in C
        (`findall`, `map`), and only runs never seen before go through Python.

        The common block is words with one space between (" " is the only printable whitespace):
        its runs are then its words, cut by `split` in C without the regex, and the spaces between
        are left out (1 character between two runs), as they make no token: half as many runs to
        look up and count as with the spaces as runs of their own (0 between: all of the text)."""
        if text and text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
            runs = text.split(" ")
            between = 1
        else:
            runs = _RUNS.findall(text)
            between = 0
        entries = list(map(self._runs.get, runs))
        if None in entries:
            for i, entry in enumerate(entries):
                if entry is None:
                    entries[i] = self._run(runs[i])
        if runs and runs[0][0] == " ":  # whitespace at the very start: no word before it to take a space
            entries[0] = self._split(runs[0])
        return runs, entries, between  # type: ignore[return-value]

    def tokens(self, text: str) -> tuple[list[int], list[int], list[str]]:
        """Start and end offsets and lower-case text of each token of `text`."""
        starts: list[int] = []
        ends: list[int] = []
        lowers: list[str] = []
        at = 0
        runs, entries, between = self.runs(text)
        for run, entry in zip(runs, entries, strict=True):
            for offset, length, lower in entry:
                starts.append(at + offset)
                ends.append(at + offset + length)
                lowers.append(lower)
            at += len(run) + between
        return starts, ends, lowers

    def words(self, text: str) -> list[str]:
        """The lower-case tokens of `text` (a rule's term)."""
        return self.tokens(text)[2]

    def _run(self, run: str) -> tuple[tuple[int, int, str], ...]:
        """The tokens of a run that follows another run: a whitespace run's first space, when it is
        one, is the word's before it."""
        if len(self._runs) >= self._CACHE_LIMIT:
            self._runs.clear()
        if run[0] == " ":
            tokens = tuple((offset + 1, length, lower) for offset, length, lower in self._split(run[1:]))
        else:
            tokens = self._split(run)
        self._runs[run] = tokens
        return tokens

    def _split(self, string: str) -> tuple[tuple[int, int, str], ...]:
        """One run (less a leading space that belongs to the word before) into tokens: spaCy's
        `_split_affixes` then `_attach_tokens`."""
        prefixes: list[str] = []
        suffixes: list[str] = []
        last_size = 0
        token_match = self._token_match
        while string and len(string) != last_size:
            if token_match is not None and token_match(string):
                break
            last_size = len(string)
            found = self._prefix(string)
            pre_len = found.end() - found.start() if found is not None else 0
            prefix = string[:pre_len]
            minus_pre = string[pre_len:]
            found = self._suffix(string[pre_len:])
            suf_len = found.end() - found.start() if found is not None else 0
            suffix = string[-suf_len:] if suf_len else ""
            minus_suf = string[:-suf_len] if suf_len else string
            if pre_len and suf_len and (pre_len + suf_len) <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        parts = list(prefixes)
        if string:
            if (token_match is not None and token_match(string)) or (self._url is not None and self._url(string)):
                parts.append(string)
            else:
                start = 0
                for match in self._infix(string):
                    infix_start, infix_end = match.start(), match.end()
                    if infix_start == 0:
                        continue
                    if infix_start != start:
                        parts.append(string[start:infix_start])
                    if infix_start != infix_end:
                        parts.append(string[infix_start:infix_end])
                    start = infix_end
                if string[start:]:
                    parts.append(string[start:])
        parts.extend(reversed(suffixes))
        out = []
        offset = 0
        for part in parts:
            out.append((offset, len(part), part.lower()))
            offset += len(part)
        return tuple(out)
