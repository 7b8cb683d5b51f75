"""Findings as plain JSON values, and back, checked against the classes' own type hints.

A finding is written as a list: the class name, then its fields in order (nested dataclasses
the same way, enums as their value, tuples as lists). Reading is driven by the type hints of
the classes of :mod:`..lint.findings` and :class:`..sources.notebook.CellFinding`: only those
classes can be built, a class is chosen only by comparing the written name with the names
in that fixed table (never by looking a name up in a module), and every value must have the
type its field declares. Anything else raises :class:`InvalidFindings`, which the cache
counts as a miss. Nothing here can run code: the input is JSON, and the output is built only
from the constructors of frozen dataclasses with checked arguments.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from typing import Any

#: Deeper nesting than any finding has is refused (a finding with a fix is four levels deep).
_MAX_DEPTH = 12


class InvalidFindings(ValueError):
    """The value is not findings as this version writes them."""


def encode(findings: list) -> list:
    """``findings`` as a JSON-able list."""
    return [_encode(finding) for finding in findings]


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, *(_encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init)]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [_encode(item) for item in value]
    return value


def decode(value: object) -> list:
    """The findings written by :func:`encode`; :class:`InvalidFindings` for anything else."""
    if not isinstance(value, list):
        raise InvalidFindings("not a list")
    found = []
    for item in value:
        tag = item[0] if isinstance(item, list) and item else None
        cls = _finding_class(tag)
        if cls is None:
            raise InvalidFindings("not a finding")
        found.append(_decode_dataclass(item, cls, 0))
    return found


def _decode(value: object, hint: Any, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise InvalidFindings("nested too deeply")
    if hint is type(None):
        if value is None:
            return None
        raise InvalidFindings("expected null")
    if hint in (int, str, bool):
        if type(value) is hint:  # not isinstance: True is no line number
            return value
        raise InvalidFindings(f"expected {hint.__name__}")
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _decode_union(value, typing.get_args(hint), depth)
    if origin is tuple:
        if not isinstance(value, list):
            raise InvalidFindings("expected a list")
        arguments = typing.get_args(hint)
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return tuple(_decode(item, arguments[0], depth + 1) for item in value)
        if len(arguments) != len(value):
            raise InvalidFindings("wrong tuple length")
        return tuple(_decode(item, argument, depth + 1) for item, argument in zip(value, arguments))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except (ValueError, TypeError):
            raise InvalidFindings(f"not a {hint.__name__}") from None
    if isinstance(hint, type) and hint in _known_classes():
        return _decode_dataclass(value, hint, depth)
    raise InvalidFindings(f"no reader for {hint!r}")


def _decode_union(value: object, options: tuple, depth: int) -> Any:
    if value is None:
        if type(None) in options:
            return None
        raise InvalidFindings("unexpected null")
    classes = [option for option in options if isinstance(option, type) and dataclasses.is_dataclass(option)]
    if classes:
        tag = value[0] if isinstance(value, list) and value else None
        for option in classes:
            if option.__name__ == tag:
                return _decode_dataclass(value, option, depth)
    for option in options:
        if option is type(None) or option in classes:
            continue
        try:
            return _decode(value, option, depth)
        except InvalidFindings:
            continue
    raise InvalidFindings("matches no type of the union")


def _decode_dataclass(value: object, cls: type, depth: int) -> Any:
    fields = _init_fields(cls)
    if not isinstance(value, list) or len(value) != len(fields) + 1 or value[0] != cls.__name__:
        raise InvalidFindings(f"not a {cls.__name__}")
    arguments = {name: _decode(item, hint, depth + 1) for (name, hint), item in zip(fields, value[1:])}
    try:
        return cls(**arguments)
    except (TypeError, ValueError):
        raise InvalidFindings(f"not a {cls.__name__}") from None


_FIELDS: dict[type, list[tuple[str, Any]]] = {}


def _finding_class(tag: object) -> type | None:
    """The finding class named ``tag`` in the fixed table (the notebook module is imported only for a notebook's findings)."""
    if tag == "Finding":
        from ..lint.findings import Finding

        return Finding
    if tag == "CellFinding":
        from ..sources.notebook import CellFinding

        _known_classes().add(CellFinding)
        return CellFinding
    return None


_KNOWN: set[type] = set()


def _known_classes() -> set[type]:
    """Every dataclass a finding may contain: the findings, fixes, spans and edits (a fixed table)."""
    if not _KNOWN:
        from ..lint import findings

        _KNOWN.update((findings.Finding, findings.Fix, findings.Span))
        _KNOWN.update(typing.get_args(findings.Edit))
    return _KNOWN


def _init_fields(cls: type) -> list[tuple[str, Any]]:
    cached = _FIELDS.get(cls)
    if cached is None:
        hints = typing.get_type_hints(cls)
        cached = _FIELDS[cls] = [(f.name, hints[f.name]) for f in dataclasses.fields(cls) if f.init]
    return cached
