"""The rule hits of one document, indexed the ways the checks need them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .matching import Hit


@dataclass
class HitIndex:
    by_rule: dict[str, list[Hit]] = field(default_factory=lambda: defaultdict(list))
    by_block: dict[int, list[Hit]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, hits: list[Hit]) -> HitIndex:
        index = cls()
        for hit in hits:
            index.by_rule[hit.rule].append(hit)
            index.by_block[hit.block].append(hit)
        return index

    def in_block(self, block: int, rules: set[str] | frozenset[str]) -> list[Hit]:
        return [h for h in self.by_block.get(block, ()) if h.rule in rules]
