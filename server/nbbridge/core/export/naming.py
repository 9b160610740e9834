"""Names of the exported package: chosen by the user or derived from the notebook's file name."""

from __future__ import annotations

import keyword
import re
import sys
from pathlib import PurePath

from ..text import quoted
from .errors import ExportError

__all__ = [
    "MAX_LENGTH",
    "check_package_name",
    "default_package_name",
    "distribution_name",
    "unclashing_name",
]

MAX_LENGTH = 100
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def default_package_name(notebook_path: str) -> str:
    """``Iris Pipeline (v2).ipynb`` → ``iris_pipeline_v2``: a lowercase identifier."""
    stem = PurePath(notebook_path).stem or "pipeline"
    name = re.sub(r"[^0-9a-z]+", "_", stem.lower()).strip("_") or "pipeline"
    if name[0].isdigit() or keyword.iskeyword(name) or name in sys.stdlib_module_names:
        name = f"nb_{name}"
    return name[: MAX_LENGTH - len("_pipeline")].rstrip("_")


# Names the package's own layout uses at the top level of sys.path when its tests run (the test
# helper module, pytest and its conftest, the src and tests folders): a package named so would
# shadow them, or they it.
_LAYOUT_NAMES = frozenset({"tests", "test", "src", "conftest", "fingerprints", "pytest", "setup"})


def check_package_name(name: object, imported: frozenset[str] | set[str] = frozenset()) -> str:
    """The name itself if usable as an import name; else an ExportError saying why.

    ``imported`` holds the top-level modules the notebook imports: a package named like one of
    them would shadow it, and its own tests would fail.
    """
    if not isinstance(name, str) or not name:
        raise ExportError(
            "package name is empty; give a lowercase Python identifier", field="package"
        )
    if len(name) > MAX_LENGTH:
        raise ExportError(
            f"package name {quoted(name, 40)} is longer than {MAX_LENGTH} characters",
            field="package",
        )
    if not _IDENTIFIER.match(name):
        raise ExportError(
            f"package name {quoted(name)} is not a lowercase Python identifier "
            "(letters, digits and underscores, not starting with a digit)",
            field="package",
        )
    if keyword.iskeyword(name):
        raise ExportError(f"package name {name!r} is a Python keyword", field="package")
    if name.startswith("__") or name in _LAYOUT_NAMES:
        raise ExportError(
            f"package name {name!r} is taken by the exported package's own layout "
            "(its tests, their helper module, pytest); choose another",
            field="package",
        )
    if name in sys.stdlib_module_names:
        raise ExportError(
            f"package name {name!r} would shadow the standard library module", field="package"
        )
    if name in imported:
        raise ExportError(
            f"package name {name!r} would shadow the module {name!r} the notebook imports "
            "(its code and tests would import the package instead); choose another",
            field="package",
        )
    return name


def unclashing_name(name: str, imported: frozenset[str] | set[str]) -> str:
    """A default name that is not one of the modules the notebook imports: ``sklearn`` (from
    ``sklearn.ipynb``) → ``sklearn_pipeline``."""
    if name in imported or name in _LAYOUT_NAMES:
        return f"{name}_pipeline"
    return name


def distribution_name(package: str) -> str:
    """The name pip knows it by: ``iris_pipeline`` → ``iris-pipeline``."""
    return package.replace("_", "-")
