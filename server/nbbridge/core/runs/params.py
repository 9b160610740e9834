"""Parameter values given on the command line, checked against the parameters cell's types.

papermill's ``-p NAME VALUE`` semantics, as the exported ``python -m PKG --NAME VALUE`` has them:
the text is read as a Python literal (``5`` an int, ``0.3`` a float, ``[1, 2]`` a list), an int
is accepted where the default is a float, a str parameter takes the text as it is, a bool one
takes true/false/1/0. An unknown name, or a value of another type than the default's, is a
:class:`ParameterError` naming the parameter.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..text import quoted

__all__ = ["ParameterError", "ParameterSpec", "parse_value", "resolve_parameters"]

_KINDS: dict[str, type | None] = {
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "list": list,
    "dict": dict,
    "tuple": tuple,
    "None": None,  # a None default: any literal (or a bare word, as a str)
}


class ParameterError(ValueError):
    """A ``-p`` the pipeline cannot take; ``name`` is the parameter it names."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True)
class ParameterSpec:
    """A typed parameter: its name, type name (``int``, ``None``...) and default value."""

    name: str
    type: str
    default: Any


def parse_value(kind: str, text: str) -> Any:
    """``text`` as a value of the parameter type ``kind``; ValueError saying what was expected."""
    expected = _KINDS.get(kind)
    if expected is str:
        return text
    if expected is bool:
        lowered = text.lower()
        if lowered not in ("true", "false", "1", "0"):
            raise ValueError(f"expected true or false, got {quoted(text, 60)}")
        return lowered in ("true", "1")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        value = text  # a bare word: a str, which only a None-typed parameter accepts
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if expected is int and isinstance(value, bool):
        raise ValueError(f"expected int, got {quoted(text, 60)}")
    if expected is not None and not isinstance(value, expected):
        raise ValueError(f"expected {expected.__name__}, got {quoted(text, 60)}")
    return value


def resolve_parameters(
    specs: Iterable[ParameterSpec], given: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    """Every parameter's value for a run: the defaults, with ``given`` (name, text) applied."""
    by_name = {spec.name: spec for spec in specs}
    values = {name: spec.default for name, spec in by_name.items()}
    for name, text in given:
        spec = by_name.get(name)
        if spec is None:
            known = ", ".join(sorted(by_name)) or "none"
            raise ParameterError(
                name, f"-p {quoted(name, 60)}: no such parameter (parameters: {known})"
            )
        try:
            values[name] = parse_value(spec.type, text)
        except ValueError as exc:
            raise ParameterError(name, f"-p {name}: {exc}") from None
    return values
