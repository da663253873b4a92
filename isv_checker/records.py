"""Frozen pydantic records made from values that are already of their fields' types, without validating
them again.

Validating a small record costs 2-4 µs, more than making what it holds. The notice reader and the
evidence of every judged fact make a few dozen records per notice from values whose types they set
themselves (an int block index, a str quote, a tuple of str), so validation only copies them. The maker
sets the fields as pydantic's own `model_construct` does, minus its per-field loop, and only where that
gives what validation gives on this pydantic version: `trusted_maker` compares both on a sample first
and falls back to validating every record otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

_set = object.__setattr__


def trusted_maker(model: type[M], sample: dict[str, Any]) -> Callable[[dict[str, Any]], M]:
    """A maker of `model` records from a dict of every field in the model's order, each value of its
    field's type (the caller's promise: tests hold each caller's records to validated ones). `sample`:
    such a dict, whose trusted and validated records must agree in value, JSON and hash. The maker is
    named `trusted` or, where they do not agree, `validated` (a test can tell which one it got)."""
    fields = frozenset(model.model_fields)

    def trusted(values: dict[str, Any]) -> M:
        record = model.__new__(model)
        _set(record, "__dict__", values)
        _set(record, "__pydantic_fields_set__", set(fields))
        _set(record, "__pydantic_extra__", None)
        _set(record, "__pydantic_private__", None)
        return record

    try:
        made, checked = trusted(dict(sample)), model(**sample)
        same = (
            list(sample) == list(model.model_fields)
            and made == checked
            and made.model_dump_json() == checked.model_dump_json()
            and _hash(made) == _hash(checked)
        )
    except Exception:  # noqa: BLE001 - a pydantic whose internals differ: validate every record
        same = False
    if same:
        return trusted

    def validated(values: dict[str, Any]) -> M:
        return model(**values)

    return validated


def _hash(record: BaseModel) -> int | None:
    """The record's hash; None where it has none (not frozen, or a field such as a dict that has none)."""
    try:
        return hash(record)
    except TypeError:
        return None
