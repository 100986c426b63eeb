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
    """A function made for `cls`, as dataclasses makes `__init__`: a cache holds ten thousand
    records and more, and a field checked inline costs a tenth of a call to its decoder."""
    hints = typing.get_type_hints(cls)
    names = _field_names(cls)
    if not names:
        return lambda v: cls() if type(v) is list and not v else _refuse(cls, v)
    scope: dict[str, Any] = {"cls": cls, "_refuse": _refuse}
    checks, values = [], []
    for n, name in enumerate(names):
        hint, value = hints[name], f"v{n}"
        wrong = _wrong_inline(hint, value)
        if wrong is None:
            scope[f"d{n}"] = _decoder(hint)
            values.append(f"d{n}({value})")
        else:
            scope[f"h{n}"] = hint
            checks.append(f"    if {wrong}:\n        _refuse(h{n}, {value})\n")
            values.append(value)
    source = (f"def decode(v):\n"
              f"    if type(v) is not list or len(v) != {len(names)}:\n"
              f"        _refuse(cls, v)\n"
              f"    {', '.join(f'v{n}' for n in range(len(names)))}, = v\n"
              + "".join(checks) +
              f"    return cls({', '.join(values)})\n")
    exec(source, scope)
    return scope["decode"]


def _wrong_inline(hint: Any, value: str) -> str | None:
    """The test that `value` (a variable's name) is not of the type `hint`, for the types
    `_decoder` passes as they come (None for the others)."""
    if hint in (str, int, bool):
        return f"type({value}) is not {hint.__name__}"
    if hint is float:
        return f"type({value}) is not float and type({value}) is not int"
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        inner = _wrong_inline(next(a for a in args if a is not type(None)), value)
        return f"{value} is not None and ({inner})" if inner else None
    return None


def _optional_decoder(hint: Any, args: tuple) -> Decode:
    others = [a for a in args if a is not type(None)]
    if len(others) != 1 or len(args) != 2:
        raise TypeError(f"the codec serves `X | None` only, not {hint!r}")
    inner = _decoder(others[0])
    return lambda v: None if v is None else inner(v)


def _tuple_decoder(args: tuple) -> Decode:
    if len(args) == 2 and args[1] is Ellipsis:
        item = _decoder(args[0])
        same = args[0] if args[0] in (str, int, bool) else None

        def many(v: Any) -> tuple:
            if type(v) is not list:
                _refuse(tuple, v)
            if not v:                                  # most are: a file yields one kind of record
                return ()
            if same is None:
                return tuple([item(x) for x in v])
            for x in v:
                if type(x) is not same:
                    _refuse(same, x)
            return tuple(v)
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
