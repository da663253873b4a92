"""What reading says about a file (`document.ReadMessage`), in each language: the catalogue's
`read.<code>` text with the parameters written as the language writes numbers, then its reasons."""

from __future__ import annotations

from collections.abc import Sequence

from ..document import MessageParam, ReadMessage
from .catalogue import catalogue
from .notation import format_number, format_seconds


def reading_text(message: ReadMessage, lang: str) -> str:
    """The message in `lang`; in English it is the text `Document.message` and `warnings` carry."""
    shown = {name: _shown(value, lang) for name, value in message.params.items()}
    text = catalogue(lang)[f"read.{message.code}"].format(**shown)
    if message.because:
        text += ": " + "; ".join(reading_text(reason, lang) for reason in message.because)
    return text


def english(message: ReadMessage) -> str:
    return reading_text(message, "en")


def message_texts(messages: Sequence[str], coded: Sequence[ReadMessage], lang: str) -> list[str]:
    """Several messages (a document's warnings) in `lang`, as `message_text` says one."""
    if coded:
        return [reading_text(message, lang) for message in coded]
    return list(messages) if lang == "en" else []


def code_text(code: str, lang: str) -> str:
    """The words of a reason given as a bare code (`formats.passed_over`: 'hidden_file'); a text that
    is no code (a run summary stored before reasons were codes) is shown as it is."""
    text = catalogue(lang).get(f"read.{code}")
    return code if text is None else text


def message_text(message: str, coded: ReadMessage | None, lang: str) -> str:
    """A report's or document's message in `lang`: from its code; without one (a report written
    before messages had codes, a batch worker's own failure) the English text in English, and nothing
    in another language, where the status's name and explanation have to say it."""
    if coded is not None:
        return reading_text(coded, lang)
    return message if lang == "en" else ""


def _shown(value: MessageParam, lang: str) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return format_number(value, lang)
    if isinstance(value, float):
        return format_seconds(value, lang)
    return "" if value is None else value
