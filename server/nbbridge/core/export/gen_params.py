"""``params.py`` (a typed, frozen dataclass) and ``__main__.py`` (papermill's parameter names)."""

from __future__ import annotations

from ..model import Parameter
from .escaping import docstring_text
from .printing import option_context

__all__ = ["main_module", "params_module", "python_literal"]

_ANNOTATION = {"None": "object", "tuple": "tuple", "list": "list", "dict": "dict"}
_MUTABLE = {"list", "dict"}


def python_literal(parameter: Parameter) -> str:
    """The default as Python source (JSON turned tuples into lists; put them back)."""
    value = parameter.default
    if parameter.type == "tuple" and isinstance(value, list):
        value = tuple(value)
    return repr(value)


def _field(parameter: Parameter) -> str:
    annotation = _ANNOTATION.get(parameter.type, parameter.type)
    default = python_literal(parameter)
    if parameter.type in _MUTABLE:
        return f"    {parameter.name}: {annotation} = field(default_factory=lambda: {default})"
    return f"    {parameter.name}: {annotation} = {default}"


def params_module(parameters: list[Parameter], notebook: str) -> str:
    fields = "\n".join(_field(p) for p in parameters) or "    pass"
    return f'''"""Parameters of the pipeline, from the parameters cell of {docstring_text(notebook)}."""

from dataclasses import dataclass, field

__all__ = ["Params"]


@dataclass(frozen=True)
class Params:
    """Typed pipeline parameters; defaults are the notebook's values."""

{fields}
'''


def main_module(package: str, parameters: list[Parameter], pandas: bool = False) -> str:
    """``python -m PKG --name value``: the names papermill's ``-p name value`` uses; with
    ``pandas``, pandas objects print as in the notebook's kernel (see :mod:`.printing`)."""
    run_call = "run(Params(**given))"
    as_in_jupyter = ""
    if pandas:
        run_call = f"with _as_in_jupyter():\n        {run_call}"
        as_in_jupyter = _AS_IN_JUPYTER.format(context=option_context())
    return f'''"""Run the pipeline: ``python -m {package} --name value`` (papermill's parameter names)."""

import argparse
import ast
import dataclasses
import sys

from .params import Params
from .pipeline import run


def _parse(kind: type, text: str) -> object:
    if kind is str:
        return text
    if kind is bool:
        lowered = text.lower()
        if lowered not in ("true", "false", "1", "0"):
            raise ValueError(f"expected true or false, got {{text!r}}")
        return lowered in ("true", "1")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = text  # a bare word: a str, which only an object-typed parameter accepts
    if kind is float and isinstance(value, int):
        value = float(value)
    if kind is not object and not isinstance(value, kind):
        raise ValueError(f"expected {{kind.__name__}}, got {{text!r}}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m {package}", description=__doc__)
    fields = {{f.name: f for f in dataclasses.fields(Params)}}
    for name, spec in fields.items():
        kind = spec.type if isinstance(spec.type, type) else object
        default = spec.default_factory() if spec.default is dataclasses.MISSING else spec.default
        parser.add_argument(f"--{{name}}", metavar=kind.__name__, help=f"default: {{default!r}}")
    args = parser.parse_args(argv)
    given = {{}}
    for name, spec in fields.items():
        text = getattr(args, name)
        if text is None:
            continue
        try:
            given[name] = _parse(spec.type if isinstance(spec.type, type) else object, text)
        except ValueError as exc:
            parser.error(f"--{{name}}: {{exc}}")
    {run_call}
    return 0
{as_in_jupyter}


if __name__ == "__main__":
    sys.exit(main())
'''


_AS_IN_JUPYTER = '''

def _as_in_jupyter():
    """Print pandas objects as the notebook's Jupyter kernel did: there pandas shows up to 20
    columns (wide frames wrap), in a script as many as fit the terminal (the rest elided)."""
    import pandas

    return {context}
'''
