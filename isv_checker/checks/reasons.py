"""The sentences of the reasons a decision gives, in any language, from their codes.

The checks record a reason as a `Reason` (code and parameters); the report's English `reasons`, and
any other language, are rendered here from the code and the catalogue's `reason.<code>` text, so no
output parses prose back to learn what was decided. Findings are rendered the same way by
`findings.py`. A code names the fact it is about before the dot ('value.below'). Parameters hold raw
values (euros as numbers, ids as strings); showing them in a language's words is this module's job.
A reason said of one thing has a text of its own, `reason.<code>.one`, chosen by its `count`.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..i18n.catalogue import catalogue
from ..i18n.notation import amount, number_word
from ..records import trusted_maker
from ..report import Param, Reason, Source


def make_reason(code: str, params: dict[str, Param], source: Source | None = None) -> Reason:
    """The record of a reason, not validated again: the checks give each parameter as one of `Param`'s
    types (a number, a string, a tuple of strings) in a dict of its own, and every judgement records
    several reasons (tests hold them to validated ones)."""
    return _make_reason({"code": code, "params": params, "source": source})


_make_reason = trusted_maker(
    Reason,
    {
        "code": "value.below",
        "params": {"value": 120000.0, "threshold": 143000, "kind": "central", "missing": ("value",), "name": None},
        "source": Source(kind="notice", reference="00123456-2024"),
    },
)


def sentence(reason: Reason, lang: str = "en") -> str:
    """The reason in `lang`; the English sentence is the one the report's `reasons` carries.

    Every judgement renders its reasons, and most recur from notice to notice of a bulk package (the
    same buyers, categories, periods, the decision undecided for the same missing facts): each
    distinct one is rendered once. A parameter's type is part of what is remembered, since 1, 1.0
    and True are equal keys but are shown differently."""
    params = reason.params
    key = (reason.code, lang, tuple(params.items()), tuple(map(type, params.values())))
    said = _said.get(key)
    if said is None:
        if len(_said) >= _SAID_LIMIT:
            _said.clear()
        said = _said[key] = _rendered(reason.code, params, lang)
    return said


_said: dict[tuple[object, ...], str] = {}
_SAID_LIMIT = 50_000


def _rendered(code: str, params: Mapping[str, Param], lang: str) -> str:
    words = catalogue("en" if lang == "en" else "nl")
    key = f"reason.{code}"
    if params.get("count") == 1 and f"{key}.one" in words:
        key = f"{key}.one"
    return words[key].format(**{name: _shown(name, value, lang, words) for name, value in params.items()})


def _shown(name: str, value: Param, lang: str, words: Mapping[str, str]) -> str:
    if name in ("value", "threshold", "other") and isinstance(value, int | float):
        return amount(value, lang)
    if name == "known" and isinstance(value, int):
        return number_word(value, lang)
    if name in ("kind", "origin", "fact"):
        return words[f"param.{name}.{value}"]
    if name == "missing" and isinstance(value, tuple):
        # the date that fixes the threshold is part of "the value against the threshold"
        return words["param.join"].join(
            dict.fromkeys(words[f"param.missing.{'value' if m == 'date' else m}"] for m in value)
        )
    if isinstance(value, tuple):
        return ", ".join(value)
    return "" if value is None else str(value)
