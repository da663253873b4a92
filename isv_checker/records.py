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


def trusted_maker(model: type[M], sample: dict[str, Any]) -> Callable[[dict[str, Any]], M]:
    """A maker of `model` records from a dict of every field in the model's order, each value of its
    field's type (the caller's promise: tests hold each caller's records to validated ones). `sample`:
    such a dict, whose trusted and validated records must agree in value, JSON and hash. The maker is
    named `trusted` or, where they do not agree, `validated` (a test can tell which one it got)."""

    def validated(values: dict[str, Any]) -> M:
        return model(**values)

    fields = frozenset(model.model_fields)
    new = model.__new__
    # What `object.__setattr__(record, name, value)` calls for each of a pydantic record's slots, taken
    # once: the setattr looks the name up along the class's MRO on every call, a third of making a block.
    try:
        set_dict, set_fields, set_extra, set_private = (
            _slot_setter(model, name)
            for name in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
        )
    except AttributeError:  # a pydantic whose records keep their state otherwise
        return validated

    def trusted(values: dict[str, Any]) -> M:
        record = new(model)
        set_dict(record, values)
        set_fields(record, set(fields))
        set_extra(record, None)
        set_private(record, None)
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
    return trusted if same else validated


def _slot_setter(model: type[BaseModel], name: str) -> Callable[[BaseModel, Any], None]:
    """The `__set__` of the data descriptor `name` that setting the attribute on a `model` record finds
    first along the class's MRO (a slot of pydantic's BaseModel)."""
    for klass in model.__mro__:
        if name in vars(klass):
            setter: Callable[[BaseModel, Any], None] = vars(klass)[name].__set__
            return setter
    raise AttributeError(name)


def _hash(record: BaseModel) -> int | None:
    """The record's hash; None where it has none (not frozen, or a field such as a dict that has none)."""
    try:
        return hash(record)
    except TypeError:
        return None
