"""A search for any of some words as whole words that passes over a block without them in C.

`re` finds `\\b(?:de opdracht omvat|...)\\b` by trying the alternation at every character of a
block, about 20 ns a character with a few dozen words, and most blocks hold none of them. A
whole-word match is a substring first, and `str.__contains__` finds a substring several times faster
than the alternation can fail, so a block is searched only when one of the words stands in it
(measured on benchmarks/check_speed.py's corpus: 20 ms -> 14 ms for the subject statements over
its 2,856 blocks).
"""

from __future__ import annotations

import re


class WholeWords:
    """`\\b(?:word|word|...)\\b` (case-sensitive: callers lower-case the text, as the words are)."""

    __slots__ = ("pattern", "words")

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = words
        self.pattern = re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\b" if words else "(?!)")

    def search(self, text: str) -> re.Match[str] | None:
        """The first whole-word match in `text`, as `self.pattern.search(text)` has it."""
        if not any(word in text for word in self.words):
            return None
        return self.pattern.search(text)
