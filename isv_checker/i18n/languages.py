"""The languages isv-checker speaks, and the one the environment asks for.

A command that prints to a person takes `--lang nl|en`; without it, the locale decides as POSIX
programs do: the first of LC_ALL, LC_MESSAGES and LANG that is set. A Dutch locale (`nl_NL.UTF-8`,
`nl_BE`, `nl`) gives Dutch, any other (or none) English.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

Lang = Literal["nl", "en"]
LANGUAGES: tuple[Lang, ...] = ("nl", "en")
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def environment_lang(environ: Mapping[str, str] | None = None) -> Lang:
    """The language the locale asks for: 'nl' for a Dutch locale, else 'en'."""
    environ = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        value = environ.get(name)
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    return "en"
