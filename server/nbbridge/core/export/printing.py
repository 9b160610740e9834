"""Printing in the package as the notebook's kernel printed: pandas' display options.

pandas chooses ``display.max_columns`` by where it is imported: in a Jupyter kernel 20 (a frame
wider than ``display.width`` wraps over several lines, ending each with ``\\``), in a script
or pytest 0, meaning "fit the terminal" (columns elided with ``...``). The golden output is
recorded in a kernel and ``python -m PKG`` must print what the notebook printed, so the package's
entry point and its generated tests run the pipeline with the kernel's value. Only there: code
importing the package as a library keeps its own display options.

Whether the package prints pandas objects is decided from its requirements: pandas itself, or
a requirement that needs pandas (statsmodels, seaborn...); otherwise nothing imports pandas.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import metadata

__all__ = ["KERNEL_OPTIONS", "option_context", "prints_pandas"]

# pandas/core/config_init.py: max_columns is 20 "when not in a terminal" (a kernel).
KERNEL_OPTIONS = {"display.max_columns": 20}
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_DEPTH = 3


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def _needs(distribution: str) -> tuple[str, ...]:
    """Distributions ``distribution`` requires (extras left out)."""
    try:
        requires = metadata.requires(distribution) or []
    except metadata.PackageNotFoundError:
        return ()
    found = []
    for requirement in requires:
        if "extra ==" in requirement or "extra==" in requirement:
            continue
        match = _NAME.match(requirement)
        if match:
            found.append(_canonical(match[1]))
    return tuple(found)


def prints_pandas(requirements: Iterable[str]) -> bool:
    """Whether pandas is among ``requirements`` (PEP 508 strings) or what they need."""
    level = {_canonical(m[1]) for r in requirements if (m := _NAME.match(r))}
    seen: set[str] = set()
    for _ in range(_DEPTH):
        if "pandas" in level:
            return True
        seen |= level
        level = {n for d in level for n in _needs(d)} - seen
    return "pandas" in level


def option_context() -> str:
    """The call (on an imported ``pandas``) that prints as the kernel did."""
    arguments = ", ".join(f"{name!r}, {value!r}" for name, value in KERNEL_OPTIONS.items())
    return f"pandas.option_context({arguments})"
