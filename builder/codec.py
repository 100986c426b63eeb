"""The model's frozen dataclasses as JSON text and back, for the caches: a cache file holds data,
never code (no pickle), and text that does not decode to exactly the type asked for is refused,
so a damaged or foreign cache entry costs a miss, never a wrong page.

`encode(value)` gives JSON text; `decoder(cls)` a function from such text to a value of `cls`,
raising CodecError. Served: dataclasses (the list of their fields' values, in field order),
str, int, float, bool, None, datetime (ISO 8601 with its UTC offset; not `fold`, which no
fixed offset uses), Literal of str, `X | None`, tuple[X, ...] and tuple[X, Y]. What comes back
is equal to what went in and of the same types (an int in a float field stays an int, as JSON
keeps them apart).
"""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import datetime
from functools import cache
from typing import Any, Callable, TypeVar

T = TypeVar("T")
Decode = Callable[[Any], Any]


class CodecError(ValueError):
    """The text is not JSON, or not a value of the type asked for."""


def encode(value: object) -> str:
    return json.dumps(value, default=_plain, ensure_ascii=False, separators=(",", ":"))


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [getattr(value, name) for name in _field_names(type(value))]
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"no JSON form for {type(value).__name__}")


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def decoder(cls: type[T]) -> Callable[[str], T]:
    """A function from `encode`'s text of a `cls` back to the `cls`."""
    decode = _decoder(cls)

    def from_text(text: str) -> T:
        try:
            raw = json.loads(text)
        except (ValueError, TypeError, RecursionError) as exc:
            raise CodecError(f"not JSON: {exc}") from None
        return decode(raw)
    return from_text


@cache
def _decoder(hint: Any) -> Decode:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    if origin in (typing.Union, types.UnionType):
        return _optional_decoder(hint, args)
    if origin is tuple:
        return _tuple_decoder(args)
    if origin is typing.Literal:
        allowed = frozenset(args)
        return lambda v: v if type(v) is str and v in allowed else _refuse(hint, v)
    if hint is datetime:
        return _datetime
    if hint is float:
        return lambda v: v if type(v) in (float, int) else _refuse(hint, v)
    if hint in (str, int, bool):
        return lambda v: v if type(v) is hint else _refuse(hint, v)
    raise TypeError(f"the codec does not serve {hint!r}")


def _dataclass_decoder(cls: type) -> Decode:
    hints = typing.get_type_hints(cls)
    fields = [_decoder(hints[name]) for name in _field_names(cls)]
    count = len(fields)

    def decode(v: Any) -> Any:
        if type(v) is not list or len(v) != count:
            _refuse(cls, v)
        return cls(*[field(x) for field, x in zip(fields, v)])
    return decode


def _optional_decoder(hint: Any, args: tuple) -> Decode:
    others = [a for a in args if a is not type(None)]
    if len(others) != 1 or len(args) != 2:
        raise TypeError(f"the codec serves `X | None` only, not {hint!r}")
    inner = _decoder(others[0])
    return lambda v: None if v is None else inner(v)


def _tuple_decoder(args: tuple) -> Decode:
    if len(args) == 2 and args[1] is Ellipsis:
        item = _decoder(args[0])

        def many(v: Any) -> tuple:
            if type(v) is not list:
                _refuse(tuple, v)
            return tuple([item(x) for x in v])
        return many
    items = [_decoder(a) for a in args]

    def fixed(v: Any) -> tuple:
        if type(v) is not list or len(v) != len(items):
            _refuse(tuple, v)
        return tuple([item(x) for item, x in zip(items, v)])
    return fixed


def _datetime(v: Any) -> datetime:
    if type(v) is not str:
        _refuse(datetime, v)
    try:
        return datetime.fromisoformat(v)
    except ValueError:
        _refuse(datetime, v)


def _refuse(hint: Any, value: Any) -> typing.NoReturn:
    raise CodecError(f"not a {getattr(hint, '__name__', hint)}: {str(value)[:80]!r}")
