"""The catalogue of one language, and its texts with the ruleset's counts filled in.

`nl.py` and `en.py` hold one catalogue each, with the same keys and, in each text, the same
placeholders (a test holds them equal). A key says where its text is used:

- a plain name (`memo_title`, `upload_title`, `c_decoy`): a phrase of the memo, the marked-up copy,
  the SDG table or the web page; templates read these as `t.key`, a user's own template too, so
  these names stay as they are;
- `finding.<code>`, `reason.<code>`: the texts of the findings' and reasons' codes
  (`checks/findings.py`, `checks/reasons.py`); `param.<name>.<value>` the words a parameter is
  shown in; `read.<code>`: what reading says about a file (`document.ReadMessage`, `i18n/reading.py`);
- `status.<status>`, `verdict_tag.<verdict>`, `verdict_word.<verdict>`, `severity.<severity>`,
  `format.<format>`, `format_name.<format>`: reading statuses, verdicts, severities and file formats
  where a person reads them (in English the statuses, verdict words and format names are the ids, as
  the JSON report and the filters have them);
- `summary.`, `tender_summary.`, `batch.`, `results.`, `export.`, `notices.`, `rules.`, `annotate.`,
  `serve.`, `cli.`: what the commands print;
- `number.<n>`, `month.<n>`, `location.<kind>`: how a language writes counts, months and places
  (`notation.py`).

`{element_count}` and `{category_count}` stand for how many clause elements and risk categories the
ruleset declares; `messages(lang, vocabulary)` fills them in as words ("zes", "ten"). Every other
placeholder is filled by the code that uses the text.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import import_module
from string import Formatter
from types import MappingProxyType
from typing import TYPE_CHECKING

from .languages import LANGUAGES

if TYPE_CHECKING:
    from ..ruleset.models import Vocabulary

COUNTS = ("element_count", "category_count")


@functools.cache
def catalogue(lang: str) -> Mapping[str, str]:
    """Every text of `lang`; ValueError names the languages there are. A language's module is
    imported when it is first asked for: most commands speak one, and each catalogue is some 60 KB
    of source (a few ms of every start-up, three times that where there is no bytecode)."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r} is not available; choose one of {', '.join(LANGUAGES)}")
    texts: Mapping[str, str] = import_module(f"{__package__}.{lang}").CATALOGUE
    return texts


def messages(lang: str, vocabulary: Vocabulary) -> dict[str, str]:
    """The catalogue of `lang` with the ruleset's counts filled in, as words (a copy: the caller's own)."""
    return dict(_counted(lang, len(vocabulary.elements), len(vocabulary.categories)))


@functools.lru_cache(maxsize=16)
def _counted(lang: str, elements: int, categories: int) -> Mapping[str, str]:
    from .notation import number_word

    counts = {
        "{element_count}": number_word(elements, lang),
        "{category_count}": number_word(categories, lang),
    }
    out = {}
    for key, text in catalogue(lang).items():
        for placeholder, word in counts.items():
            if placeholder in text:
                text = text.replace(placeholder, word)
        out[key] = text
    return MappingProxyType(out)


def placeholders(text: str) -> frozenset[str]:
    """The names a text fills in ('{name!r}' and '{name:,}' fill in 'name')."""
    return frozenset(field for _, field, _, _ in Formatter().parse(text) if field)
