"""Flags that several commands take, declared once so each reads and behaves the same everywhere.

A choice list is the library's own type (the catalogue's `Lang`), not a copy of it; `--lang` left out
is the locale's language (`output_lang`); a broken `--rules` folder stops every command with the same
words (`unusable_rules`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, NoReturn

import typer

from ..i18n.languages import Lang, environment_lang
from .exits import fail

if TYPE_CHECKING:
    from ..ruleset.load import Ruleset

OcrMode = Literal["auto", "never", "always"]

RulesOption = Annotated[
    Path | None, typer.Option("--rules", help="Use the rules in this folder instead of the bundled rules/.")
]
OcrOption = Annotated[OcrMode, typer.Option("--ocr", help="OCR pages without a text layer: auto, never, always.")]
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="Print nothing on the terminal (a file named by -o is still written); the exit code tells.",
    ),
]
LangOption = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        help="Language of what is printed or written: nl or en (default: the locale's, from LC_ALL, LC_MESSAGES"
        " or LANG; nl_NL and other nl locales give nl, any other en).",
    ),
]


def output_lang(lang: Lang | None) -> Lang:
    """`--lang`, or the locale's language when it is left out."""
    return lang if lang is not None else environment_lang()


def load_rules(folder: Path | None) -> Ruleset:
    """The ruleset `--rules` names, read afresh since its files may be edited between calls (the
    bundled one, without it, is read once per process); a folder that cannot be used is a usage
    error with the loader's message, which names the file and the rule."""
    from ..ruleset.load import RulesError, cached_ruleset, load_ruleset

    try:
        return load_ruleset(folder) if folder is not None else cached_ruleset()
    except RulesError as exc:
        unusable_rules(exc)


def unusable_rules(error: Exception) -> NoReturn:
    """Stop on a rules folder that cannot be used, worded the same whichever command loaded it."""
    fail(f"the rules cannot be used: {error}")
